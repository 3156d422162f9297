"""PostgreSQL: each search_rank row's tsvector also holds the block of ids it falls in.

A search wants the newest matches of a word. Through GIN, PostgreSQL reads every match from the
table before sorting them (1,949 heap pages for "sale" on enterprise-M, 16-22 ms), so the rare
words' lookups were first restricted to the newest ids with the BRIN index of migration 0006.
A BRIN bitmap is lossy: ANDed with GIN's exact one it made every page of the window lossy, and
each row of those pages was tested again (13,694 rows for the 324 matches of "sale" among the
newest quarter, 15 ms). A lexeme naming the row's block of 65,536 ids ("~e61"; analysed terms
never hold "~") lets GIN itself intersect the word with the newest blocks, exactly: the same
window reads 84 pages (1.5 ms). See backends._candidates_pg.

The BRIN index is dropped: nothing else used it.
"""

from django.db import migrations

from ._vendor_sql import run_by_vendor

RANK_COLUMNS = "id, doc_type, audience, community_id, author_id, created_at"
# The block size is also backends.ID_BLOCK_BITS.
BLOCK_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_id_block(id bigint) RETURNS tsvector "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
    "$$ SELECT array_to_tsvector(ARRAY['~e' || (id >> 16)::text]) $$"
)


def sync_function(tsv: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION search_rank_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_rank WHERE id = OLD.id;
        DELETE FROM search_rank_title WHERE id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_rank (id, doc_type, audience, community_id, author_id, created_at, tsv)
        VALUES (NEW.id, NEW.doc_type, NEW.audience, NEW.community_id, NEW.author_id,
                NEW.created_at, {tsv});
        IF NEW.title_terms <> '' THEN
            INSERT INTO search_rank_title
                (id, doc_type, audience, community_id, author_id, created_at, title_tsv)
            VALUES (NEW.id, NEW.doc_type, NEW.audience, NEW.community_id, NEW.author_id,
                    NEW.created_at, strip(NEW.title_tsv));
        END IF;
    END IF;
    RETURN NULL;
END $$"""


def refill(tsv: str) -> list[str]:
    # Rewritten rather than updated in place: an UPDATE of every row would leave the table
    # twice its size and feed GIN one row at a time.
    return [
        "DROP INDEX IF EXISTS search_rank_tsv",
        "TRUNCATE search_rank",
        f"INSERT INTO search_rank ({RANK_COLUMNS}, tsv) SELECT {RANK_COLUMNS}, {tsv} "
        "FROM search_searchdocument ORDER BY id",
        "CREATE INDEX IF NOT EXISTS search_rank_tsv ON search_rank USING GIN (tsv)",
        "ANALYZE search_rank",
    ]


PG_UP = [
    BLOCK_FUNCTION,
    sync_function("strip(NEW.tsv) || search_id_block(NEW.id)"),
    "DROP INDEX IF EXISTS search_rank_id_brin",
    *refill("strip(tsv) || search_id_block(id)"),
]
PG_DOWN = [
    sync_function("strip(NEW.tsv)"),
    *refill("strip(tsv)"),
    "CREATE INDEX IF NOT EXISTS search_rank_id_brin ON search_rank USING BRIN (id)",
    "DROP FUNCTION IF EXISTS search_id_block(bigint)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_rank_tables")]

    operations = [
        migrations.RunPython(
            run_by_vendor({"postgresql": PG_UP}), run_by_vendor({"postgresql": PG_DOWN})
        )
    ]
