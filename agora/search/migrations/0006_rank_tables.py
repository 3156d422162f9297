"""PostgreSQL: narrow copies of what the engine walks, kept in step by a trigger.

A search walks the newest matches of its words testing each row (or collects a rare word's
matches through GIN), and every row it tests is a whole document row: terms, snippet text, url,
two tsvectors (~450 bytes for a comment, 2.1 GB of heap on enterprise-M). `search_rank` holds
only the column filters' columns and the stripped tsvector (~200 bytes, 0.8 GB): the walk reads
half the pages, and the newest part, which every walk starts with, stays in shared buffers.
`search_rank_title` does the same for the ~1.5% of documents that have a title (a few MB), where
walking the titled documents of the document table read one page per title. The documents'
terms are read afterwards, for the candidates only. SQLite's FTS5 doclists have no such cost.

The trigger follows every write to search_searchdocument (ORM saves, bulk deletes, TRUNCATE);
search_reindex disables it during its COPY and fills the tables in one statement instead
(backends.before_bulk_load / after_bulk_load).
"""

from django.db import migrations

from ._vendor_sql import run_by_vendor

RANK_COLUMNS = "id, doc_type, audience, community_id, author_id, created_at"
PG_UP = [
    "CREATE TABLE IF NOT EXISTS search_rank (id bigint PRIMARY KEY, "
    "doc_type varchar(20) NOT NULL, audience smallint NOT NULL, community_id bigint, "
    "author_id bigint, created_at timestamp with time zone NOT NULL, tsv tsvector NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_rank_title (id bigint PRIMARY KEY, "
    "doc_type varchar(20) NOT NULL, audience smallint NOT NULL, community_id bigint, "
    "author_id bigint, created_at timestamp with time zone NOT NULL, title_tsv tsvector NOT NULL)",
    """CREATE OR REPLACE FUNCTION search_rank_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_rank WHERE id = OLD.id;
        DELETE FROM search_rank_title WHERE id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_rank (id, doc_type, audience, community_id, author_id, created_at, tsv)
        VALUES (NEW.id, NEW.doc_type, NEW.audience, NEW.community_id, NEW.author_id,
                NEW.created_at, strip(NEW.tsv));
        IF NEW.title_terms <> '' THEN
            INSERT INTO search_rank_title
                (id, doc_type, audience, community_id, author_id, created_at, title_tsv)
            VALUES (NEW.id, NEW.doc_type, NEW.audience, NEW.community_id, NEW.author_id,
                    NEW.created_at, strip(NEW.title_tsv));
        END IF;
    END IF;
    RETURN NULL;
END $$""",
    """CREATE OR REPLACE FUNCTION search_rank_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE search_rank, search_rank_title;
    RETURN NULL;
END $$""",
    "DROP TRIGGER IF EXISTS search_rank_sync ON search_searchdocument",
    "CREATE TRIGGER search_rank_sync AFTER INSERT OR DELETE OR UPDATE OF doc_type, audience, "
    "community_id, author_id, created_at, title_terms, body_terms ON search_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION search_rank_sync()",
    "DROP TRIGGER IF EXISTS search_rank_truncate ON search_searchdocument",
    "CREATE TRIGGER search_rank_truncate AFTER TRUNCATE ON search_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_rank_truncate()",
    "TRUNCATE search_rank, search_rank_title",
    f"INSERT INTO search_rank ({RANK_COLUMNS}, tsv) SELECT {RANK_COLUMNS}, strip(tsv) "
    "FROM search_searchdocument ORDER BY id",
    f"INSERT INTO search_rank_title ({RANK_COLUMNS}, title_tsv) "
    f"SELECT {RANK_COLUMNS}, strip(title_tsv) FROM search_searchdocument "
    "WHERE title_terms <> '' ORDER BY id",
    "CREATE INDEX IF NOT EXISTS search_rank_tsv ON search_rank USING GIN (tsv)",
    # Ids follow the rows' order (filled in id order, new documents appended): a BRIN index
    # restricts a GIN lookup to the newest ids for a few pages (backends._candidates_pg).
    "CREATE INDEX IF NOT EXISTS search_rank_id_brin ON search_rank USING BRIN (id)",
    "CREATE INDEX IF NOT EXISTS search_rank_title_tsv ON search_rank_title USING GIN (title_tsv)",
    "ANALYZE search_rank",
    "ANALYZE search_rank_title",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS search_rank_sync ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_rank_truncate ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_rank_sync()",
    "DROP FUNCTION IF EXISTS search_rank_truncate()",
    "DROP TABLE IF EXISTS search_rank",
    "DROP TABLE IF EXISTS search_rank_title",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0005_titled_index")]

    operations = [migrations.RunPython(run_by_vendor({"postgresql": PG_UP}), run_by_vendor({"postgresql": PG_DOWN}))]
