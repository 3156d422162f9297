"""The evidence index keyed by place, with merged places, document frequencies and place
totals (see agora/experts/index.py).

The index is derived data: the old tables are dropped rather than converted, and the
catch-up state is reset, so the next `agora experts_index` (or the first query's catch-up)
indexes every answerer again. On a large instance run `agora experts_index --rebuild` right
after migrating.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def reset_state(apps, schema_editor):
    apps.get_model("experts", "IndexState").objects.update(last_answer_id=0)


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0002_evidence_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="ExpertStat"),
        migrations.DeleteModel(name="ExpertTerm"),
        migrations.CreateModel(
            name="ExpertStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("place", models.BigIntegerField()),
                ("answers", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("score", models.IntegerField(default=0)),
                ("length", models.FloatField(default=0)),
                ("first_at", models.DateTimeField()),
                ("last_at", models.DateTimeField()),
                ("activity", models.JSONField(default=list)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=[
                            "place",
                            "user",
                            "answers",
                            "accepted",
                            "score",
                            "length",
                            "last_at",
                        ],
                        name="expert_stat_card",
                    ),
                    models.Index(fields=["place", "-last_at", "user"], name="expert_stat_recent"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=["place", "user"], name="expert_stat_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="ExpertTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("place", models.BigIntegerField()),
                ("term", models.CharField(max_length=64)),
                ("weight", models.FloatField(default=0)),
                ("answers", models.PositiveIntegerField(default=0)),
                ("accepted", models.PositiveIntegerField(default=0)),
                ("last_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=[
                            "place",
                            "term",
                            "-weight",
                            "user",
                            "answers",
                            "accepted",
                            "last_at",
                        ],
                        name="expert_term_top",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ExpertTermCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("place", models.BigIntegerField()),
                ("term", models.CharField(max_length=64)),
                ("people", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=["place", "term"], name="expert_term_count_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="ExpertPlace",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("place", models.BigIntegerField(unique=True)),
                ("people", models.IntegerField(default=0)),
                ("length", models.FloatField(default=0)),
                ("first_at", models.DateTimeField()),
                ("last_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(reset_state, migrations.RunPython.noop),
    ]
