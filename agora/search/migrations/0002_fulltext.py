"""The engine-specific full-text index, created only on the database it belongs to."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS search_fts"]
PG_UP = [
    "CREATE INDEX IF NOT EXISTS search_doc_tsv ON search_searchdocument USING GIN (("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B')))",
]
PG_DOWN = ["DROP INDEX IF EXISTS search_doc_tsv"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
