"""PostgreSQL: the documents that have a title, by id (a partial index, ~1.5% of the rows).

The newest title matches of a frequent word were found by collecting every title match through
the title GIN index and sorting them (5,604 rows read for "feedback" on enterprise-M, 6-10 ms):
walking the titled documents newest first finds the newest 100 after ~1,000 (2 ms). See
backends._candidates_pg. SQLite's titles-only FTS5 index already walks newest first.
"""

from django.db import migrations

from ._vendor_sql import run_by_vendor

PG_UP = [
    "CREATE INDEX IF NOT EXISTS search_doc_titled ON search_searchdocument (id) "
    "WHERE title_terms <> ''"
]
PG_DOWN = ["DROP INDEX IF EXISTS search_doc_titled"]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_title_index")]

    operations = [migrations.RunPython(run_by_vendor({"postgresql": PG_UP}), run_by_vendor({"postgresql": PG_DOWN}))]
