from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_counts(apps, schema_editor):
    Profile = apps.get_model("people", "Profile")
    Follow = apps.get_model("people", "Follow")

    def active(side, other):
        links = (
            Follow.objects.filter(**{side: OuterRef("user_id"), f"{other}__is_active": True})
            .order_by()
            .values(side)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(links), Value(0))

    Profile.objects.update(
        follower_count=active("followee", "follower"),
        following_count=active("follower", "followee"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_profile_expert_suggestible_endorsement"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="follower_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="profile",
            name="following_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
