"""The engine-specific full-text index, created only on the database it belongs to."""

from django.db import migrations

from ._vendor_sql import run_by_vendor

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


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run_by_vendor({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            run_by_vendor({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
