"""A titles-only full-text index beside the main one.

When a query has more matches than the engine keeps (backends.CANDIDATES), the newest title
matches are added to the candidates; found through the main index, that meant walking every
match looking for title hits (40 ms for two common words). Titles are short and most documents
(comments, short posts) have none, so their own index answers at once.
"""

from django.db import migrations

from ._vendor_sql import run_by_vendor

SQLITE_TRIGGERS = [
    "CREATE TRIGGER search_fts_title_ai AFTER INSERT ON search_searchdocument "
    "WHEN new.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(rowid, title_terms) VALUES (new.id, new.title_terms); END",
    "CREATE TRIGGER search_fts_title_ad AFTER DELETE ON search_searchdocument "
    "WHEN old.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(search_fts_title, rowid, title_terms) "
    "VALUES ('delete', old.id, old.title_terms); END",
    "CREATE TRIGGER search_fts_title_au_old AFTER UPDATE OF title_terms ON search_searchdocument "
    "WHEN old.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(search_fts_title, rowid, title_terms) "
    "VALUES ('delete', old.id, old.title_terms); END",
    "CREATE TRIGGER search_fts_title_au_new AFTER UPDATE OF title_terms ON search_searchdocument "
    "WHEN new.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(rowid, title_terms) VALUES (new.id, new.title_terms); END",
]
SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts_title USING fts5(title_terms, "
    "content = 'search_searchdocument', content_rowid = 'id', "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts_title(rowid, title_terms) "
    "SELECT id, title_terms FROM search_searchdocument WHERE title_terms != ''",
    *SQLITE_TRIGGERS,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_fts_title_ai",
    "DROP TRIGGER IF EXISTS search_fts_title_ad",
    "DROP TRIGGER IF EXISTS search_fts_title_au_old",
    "DROP TRIGGER IF EXISTS search_fts_title_au_new",
    "DROP TABLE IF EXISTS search_fts_title",
]
PG_UP = [
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS title_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_terms)) STORED",
    "CREATE INDEX IF NOT EXISTS search_doc_title_tsv ON search_searchdocument "
    "USING GIN (title_tsv) WHERE title_terms <> ''",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS search_doc_title_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS title_tsv",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_bounded_index")]

    operations = [
        migrations.RunPython(
            run_by_vendor({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            run_by_vendor({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
