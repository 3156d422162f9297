"""Leaner, faster full-text indexes.

SQLite: the FTS5 table becomes an external-content index over SearchDocument's *_terms columns
(the terms were stored twice), so `'rebuild'` can build it in C after a bulk load.
PostgreSQL: a stored tsvector column replaces the expression index, so ranking a candidate reads
the vector instead of re-parsing its text, and the planner gets statistics on it.
"""

from django.db import migrations

from ._vendor_sql import run_by_vendor

# The index follows its content table whatever writes to it (ORM saves, bulk deletes...).
# search_reindex drops them while it bulk-loads, then rebuilds the index in one pass.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE OF title_terms, body_terms "
    "ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    "INSERT INTO search_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
]
SQLITE_UP = [
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, "
    "content = 'search_searchdocument', content_rowid = 'id', "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    *SQLITE_TRIGGERS,
]
SQLITE_DOWN = [
    *[
        f"DROP TRIGGER IF EXISTS {name}"
        for name in ("search_fts_ai", "search_fts_ad", "search_fts_au")
    ],
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts(rowid, title, body) "
    "SELECT id, title_terms, body_terms FROM search_searchdocument",
]
PG_UP = [
    "DROP INDEX IF EXISTS search_doc_tsv",
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS search_doc_tsv ON search_searchdocument USING GIN (tsv)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS search_doc_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
    "CREATE INDEX IF NOT EXISTS search_doc_tsv ON search_searchdocument USING GIN (("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B')))",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RunPython(
            run_by_vendor({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            run_by_vendor({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
