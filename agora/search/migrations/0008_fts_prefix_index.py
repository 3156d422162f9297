"""SQLite: prefix indexes of 3, 4 and 5 characters in the main full-text index, for the
header's search-as-you-type (analysis.ParsedQuery's `prefix`).

Without them FTS5 answers `"pro"*` by reading and merging the whole doclist of every term
that starts with "pro" before it can give the newest 200 (enterprise-M, 4 million documents:
20-180 ms a keystroke); with them a prefix of 3 to 5 letters is one doclist read newest first
like a word (0.2 ms). Longer prefixes match fewer terms and are left to the merge. The index
grows (274 MB to 724 MB with 3 and 4 on enterprise-M, see bench/README.md for 5) and is
rebuilt here from the documents table (about a minute per million documents). PostgreSQL's GIN index finds a prefix's terms in its sorted
entry tree and needs nothing.
"""

from django.db import migrations

from ._vendor_sql import run_by_vendor

# The triggers that keep search_fts in step (migration 0003) name it and stay as they are.
CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, "
    "content = 'search_searchdocument', content_rowid = 'id', "
    "tokenize = 'unicode61 remove_diacritics 2'{prefix})"
)
SQLITE_UP = [
    "DROP TABLE IF EXISTS search_fts",
    CREATE.format(prefix=", prefix = '3 4 5'"),
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    "INSERT INTO search_fts(search_fts) VALUES ('optimize')",
]
SQLITE_DOWN = [
    "DROP TABLE IF EXISTS search_fts",
    CREATE.format(prefix=""),
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0007_rank_id_blocks")]

    operations = [
        migrations.RunPython(
            run_by_vendor({"sqlite": SQLITE_UP}), run_by_vendor({"sqlite": SQLITE_DOWN})
        )
    ]
