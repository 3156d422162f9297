"""PostgreSQL: a narrow table for search-as-you-type, whose tsvectors also hold the prefixes of
3, 4 and 5 letters of their terms ("^han" for "handl"; analysed terms never hold "^").

GIN answers a prefix (`'han':*`) by collecting every posting of every term it starts before
anything else, even ANDed with a rare word: 225,536 rows for "han" on enterprise-M, 20-60 ms a
keystroke, and past work_mem the collected bitmap turns lossy, so "green & han:*" rechecked
2,406 table rows to keep none. A prefix lexeme is one posting list that GIN intersects like a
word (the same lookup: 0.07 ms). This is what SQLite's FTS5 prefix indexes do (migration
0008); longer prefixes match fewer terms and keep `:*`.

The header's suggestions leave comments out (backends.TYPEAHEAD_LEFT_OUT: each repeats its
post's title, and the results page has them), so the table holds every other document: a
quarter of enterprise-M's 4 million, 844 MB with its index (search_rank: 1,023 MB; filled in
about 90 s). Its rows are search_rank's (migration 0007: with the id-block lexeme) plus the
prefixes, kept in step by the same trigger. Measured on enterprise-M (bench/search/latency.py,
"as you type"): p95 43.7 ms before, 28.9 ms after.
"""

from django.db import migrations

from ._vendor_sql import run_by_vendor

RANK_COLUMNS = "id, doc_type, audience, community_id, author_id, created_at"
# The prefix lengths and mark are also backends.TYPEAHEAD_PREFIX_LENGTHS and TYPEAHEAD_TSQUERY;
# the documents left out are backends.TYPEAHEAD_LEFT_OUT.
PREFIX_FUNCTION = """CREATE OR REPLACE FUNCTION search_prefixes(v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_to_tsvector(array_agg(DISTINCT '^' || left(lexeme, n))), '')
    FROM unnest(tsvector_to_array(v)) AS lexeme, generate_series(3, 5) AS n
    WHERE length(lexeme) >= n AND left(lexeme, 1) <> '~'
$$"""
TYPEAHEAD_TSV = "strip({v}.tsv) || search_id_block({v}.id) || search_prefixes({v}.tsv)"
LEFT_OUT = "('comment')"


def sync_function(typeahead: bool) -> str:
    delete = "DELETE FROM search_typeahead WHERE id = OLD.id;" if typeahead else ""
    insert = (
        f"""IF NEW.doc_type NOT IN {LEFT_OUT} THEN
            INSERT INTO search_typeahead ({RANK_COLUMNS}, tsv)
            VALUES (NEW.id, NEW.doc_type, NEW.audience, NEW.community_id, NEW.author_id,
                    NEW.created_at, {TYPEAHEAD_TSV.format(v="NEW")});
        END IF;"""
        if typeahead
        else ""
    )
    return f"""CREATE OR REPLACE FUNCTION search_rank_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_rank WHERE id = OLD.id;
        DELETE FROM search_rank_title WHERE id = OLD.id;
        {delete}
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_rank (id, doc_type, audience, community_id, author_id, created_at, tsv)
        VALUES (NEW.id, NEW.doc_type, NEW.audience, NEW.community_id, NEW.author_id,
                NEW.created_at, strip(NEW.tsv) || search_id_block(NEW.id));
        IF NEW.title_terms <> '' THEN
            INSERT INTO search_rank_title
                (id, doc_type, audience, community_id, author_id, created_at, title_tsv)
            VALUES (NEW.id, NEW.doc_type, NEW.audience, NEW.community_id, NEW.author_id,
                    NEW.created_at, strip(NEW.title_tsv));
        END IF;
        {insert}
    END IF;
    RETURN NULL;
END $$"""


def truncate_function(tables: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION search_rank_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {tables};
    RETURN NULL;
END $$"""


PG_UP = [
    "CREATE TABLE IF NOT EXISTS search_typeahead (id bigint PRIMARY KEY, "
    "doc_type varchar(20) NOT NULL, audience smallint NOT NULL, community_id bigint, "
    "author_id bigint, created_at timestamp with time zone NOT NULL, tsv tsvector NOT NULL)",
    PREFIX_FUNCTION,
    sync_function(typeahead=True),
    truncate_function("search_rank, search_rank_title, search_typeahead"),
    "TRUNCATE search_typeahead",
    f"INSERT INTO search_typeahead ({RANK_COLUMNS}, tsv) "
    f"SELECT {RANK_COLUMNS}, {TYPEAHEAD_TSV.format(v='search_searchdocument')} "
    f"FROM search_searchdocument WHERE doc_type NOT IN {LEFT_OUT} ORDER BY id",
    "CREATE INDEX IF NOT EXISTS search_typeahead_tsv ON search_typeahead USING GIN (tsv)",
    "ANALYZE search_typeahead",
]
PG_DOWN = [
    sync_function(typeahead=False),
    truncate_function("search_rank, search_rank_title"),
    "DROP TABLE IF EXISTS search_typeahead",
    "DROP FUNCTION IF EXISTS search_prefixes(tsvector)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0008_fts_prefix_index")]

    operations = [
        migrations.RunPython(
            run_by_vendor({"postgresql": PG_UP}), run_by_vendor({"postgresql": PG_DOWN})
        )
    ]
