"""The two full-text engines behind one interface. Both only see pre-analysed terms.

SQLite: external-content FTS5 tables over SearchDocument (rowid = SearchDocument.id), kept in
step by triggers: `search_fts(title_terms, body_terms)` (migration 0003) and the titles-only
`search_fts_title` (0004). PostgreSQL: stored tsvector columns `tsv` (weighted title and body)
and `title_tsv`, with GIN indexes.

The engines only find candidates; scoring.py scores them (BM25, the same on both databases).
Bounded work: a query never touches every match. The engine walks the matches newest first
(document ids grow with creation time: search_reindex inserts in created_at order, and new
content gets new ids) and stops after CANDIDATES (OR_CANDIDATES for the any-word fallback)
that pass the cheap column filters. When that bound is reached, the newest TITLE_CANDIDATES
title matches are added from the titles-only index, so an old document whose title holds
every query word still competes. Term statistics are sampled the same way (doc_frequency).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection

from .analysis import ParsedQuery

CANDIDATES = 200  # newest matches scored per query ("all words")
OR_CANDIDATES = 250  # the same for the "any word" fallback (few documents had all words)
TITLE_CANDIDATES = 100  # extra title matches scored when the first bound was reached
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
SQLITE_TRIGGERS += [  # the titles-only index (migration 0004)
    "CREATE TRIGGER IF NOT EXISTS search_fts_title_ai AFTER INSERT ON search_searchdocument "
    "WHEN new.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(rowid, title_terms) VALUES (new.id, new.title_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_title_ad AFTER DELETE ON search_searchdocument "
    "WHEN old.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(search_fts_title, rowid, title_terms) "
    "VALUES ('delete', old.id, old.title_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_title_au_old AFTER UPDATE OF title_terms "
    "ON search_searchdocument WHEN old.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(search_fts_title, rowid, title_terms) "
    "VALUES ('delete', old.id, old.title_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_title_au_new AFTER UPDATE OF title_terms "
    "ON search_searchdocument WHEN new.title_terms != '' BEGIN "
    "INSERT INTO search_fts_title(rowid, title_terms) VALUES (new.id, new.title_terms); END",
]
SQLITE_TRIGGER_NAMES = (
    "search_fts_ai",
    "search_fts_ad",
    "search_fts_au",
    "search_fts_title_ai",
    "search_fts_title_ad",
    "search_fts_title_au_old",
    "search_fts_title_au_new",
)
TSQUERY = "to_tsquery('simple'::regconfig, %s)"


@dataclass
class Candidates:
    # (document id, title terms, body terms, created_at, doc_type), any order
    rows: list[tuple[int, str, str, object, str]]
    capped: bool  # more documents match than were kept


def vendor() -> str:
    return connection.vendor


class Allowed:
    """The column filter of one search (a SearchDocument queryset: types, filters and
    prefilters), compiled to SQL once and shared by every engine query of that search: the ORM
    rebuilt the same WHERE clause, with its list of readable communities, for each of them.
    `where` is None when the filter needs a join (a prefilter on another table's columns): the
    engine queries are then built by the ORM, as before."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._where: tuple[str, list] | None | bool = False

    @property
    def where(self) -> tuple[str, list] | None:
        if self._where is False:
            self._where = where_sql(self.queryset)
        return self._where


def where_sql(queryset) -> tuple[str, list] | None:
    """The WHERE clause of a queryset over one table, as SQL and parameters (None if it joins
    another table)."""
    query = queryset.query
    table = queryset.model._meta.db_table
    if set(query.alias_map) - {table} or query.extra or query.where.contains_aggregate:
        return None
    try:
        sql, params = query.get_compiler(using=queryset.db).compile(query.where)
    except EmptyResultSet:
        return "0 = 1", []
    except FullResultSet:
        return "1 = 1", []
    return (sql or "1 = 1"), list(params)


def rank(
    query: ParsedQuery,
    allowed,
    mode: str = "and",
    bound: int | None = None,
    titles: bool = True,
    frequencies: dict[str, int] | None = None,
) -> Candidates:
    """A bounded set of the matches among `allowed` (an Allowed, or a SearchDocument queryset
    of plain column filters: type, community, author, dates, prefilters), with what scoring.py
    needs: the newest `bound` (default CANDIDATES or OR_CANDIDATES by mode), plus, when there
    were more and `titles`, the newest title matches."""
    if bound is None:
        bound = CANDIDATES if mode == "and" else OR_CANDIDATES
    if not isinstance(allowed, Allowed):
        allowed = Allowed(allowed)
    if vendor() == "sqlite":
        return _candidates_sqlite(query, allowed, mode, bound, titles)
    return _candidates_pg(query, allowed, mode, bound, titles, frequencies or {})


FIELDS = ("id", "title_terms", "body_terms", "created_at", "doc_type")
COLUMNS = ", ".join(f"search_searchdocument.{f}" for f in FIELDS)


def _sqlite_datetime(value):
    # What the ORM's converter does for these rows (naive UTC when USE_TZ), without the ORM.
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None and settings.USE_TZ:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if vendor() == "sqlite":
        return [(i, t, b, _sqlite_datetime(c), d) for i, t, b, c, d in rows]
    return rows


def _candidates(newest, newest_titles, bound: int, titles: bool) -> Candidates:
    rows = newest(bound + 1)
    capped = len(rows) > bound
    if not capped or not titles:
        return Candidates(rows[:bound], capped)
    rows = rows[:bound]
    seen = {r[0] for r in rows}
    rows += [r for r in newest_titles(TITLE_CANDIDATES) if r[0] not in seen]
    return Candidates(rows, True)


def _candidates_sqlite(query, allowed, mode, bound, titles) -> Candidates:
    expression = query.fts5(mode)

    def newest(table, limit):
        # FTS5 walks its doclists backwards and stops at the limit (no bm25 here: its first
        # call reads every match of every term to count them).
        if allowed.where is None:
            qs = allowed.queryset.extra(  # noqa: S610  (constant SQL; the query is a parameter)
                select={"rowid_": f"{table}.rowid"},
                tables=[table],
                where=[f"{table}.rowid = search_searchdocument.id", f"{table} MATCH %s"],
                params=[expression],
            )
            return list(qs.order_by("-rowid_").values_list(*FIELDS)[:limit])
        condition, params = allowed.where
        return _fetch(
            f"SELECT {COLUMNS} FROM search_searchdocument, {table} "  # noqa: S608  (constant SQL)
            f"WHERE {table}.rowid = search_searchdocument.id AND {table} MATCH %s "
            f"AND ({condition}) ORDER BY {table}.rowid DESC LIMIT %s",
            [expression, *params, limit],
        )

    return _candidates(
        lambda limit: newest("search_fts", limit),
        lambda limit: newest("search_fts_title", limit),
        bound,
        titles,
    )


PG_WALK_ABOVE = 20_000  # PostgreSQL walks ids backwards only when every word is this common


def _candidates_pg(query, allowed, mode, bound, titles, frequencies) -> Candidates:
    tsquery = query.tsquery(mode)
    # FTS5 intersects its doclists with seeks, so "newest first" is cheap whatever the words.
    # PostgreSQL either walks the primary key backwards testing each row (cheap when matches
    # are everywhere) or collects every match through GIN and sorts (cheap when one word is
    # rare); its planner has no statistics for rare words, and a backwards walk looking for a
    # rare one reads the whole table. Known frequencies decide: "id + 0" cannot use the key.
    group_df = [sum(frequencies.get(t, 0) for t in g) for g in query.groups]
    rare = bool(frequencies) and (
        min(group_df) < PG_WALK_ABOVE if mode == "and" else sum(group_df) < PG_WALK_ABOVE
    )
    order = "search_searchdocument.id + 0" if rare else "search_searchdocument.id"

    def newest(condition, limit):
        if allowed.where is None:
            qs = allowed.queryset.extra(where=[condition], params=[tsquery])  # noqa: S610
            if rare:
                qs = qs.extra(select={"recency_": "search_searchdocument.id + 0"})  # noqa: S610
                return list(qs.order_by("-recency_").values_list(*FIELDS)[:limit])
            return list(qs.order_by("-id").values_list(*FIELDS)[:limit])
        where, params = allowed.where
        return _fetch(
            f"SELECT {COLUMNS} FROM search_searchdocument "  # noqa: S608  (constant SQL)
            f"WHERE ({where}) AND {condition} ORDER BY {order} DESC LIMIT %s",
            [*params, tsquery, limit],
        )

    return _candidates(
        lambda limit: newest(f"search_searchdocument.tsv @@ {TSQUERY}", limit),
        lambda limit: newest(
            f"search_searchdocument.title_terms <> '' AND "
            f"search_searchdocument.title_tsv @@ {TSQUERY}",
            limit,
        ),
        bound,
        titles,
    )


# --- statistics for scoring --------------------------------------------------------------------

DF_SAMPLE = 2000  # matches counted per term; beyond, the document frequency is extrapolated


def id_range() -> tuple[int, int]:
    with connection.cursor() as cur:
        # Two subqueries: each is one primary key lookup, where MIN and MAX together scan.
        cur.execute(
            "SELECT (SELECT MIN(id) FROM search_searchdocument), "
            "(SELECT MAX(id) FROM search_searchdocument)"
        )
        low, high = cur.fetchone()
    return low or 0, high or 0


PG_DF_WINDOW = 20_000  # PostgreSQL: newest documents a term's frequency is sampled from


def doc_frequency(term: str, id_low: int, id_high: int) -> int:
    """How many documents hold `term`, estimated without reading all of them. SQLite: counted
    up to DF_SAMPLE newest first, then extrapolated from how far back the DF_SAMPLE-th is (ids
    spread over time). PostgreSQL: its share of the newest PG_DF_WINDOW documents (a backwards
    walk; through GIN, a common word meant collecting hundreds of thousands of rows)."""
    total = max(id_high - id_low + 1, 0)
    with connection.cursor() as cur:
        if vendor() == "sqlite":
            cur.execute(
                "SELECT COUNT(*), MIN(rowid) FROM (SELECT rowid FROM search_fts "
                "WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s)",
                [f'"{term}"', DF_SAMPLE],
            )
            count, oldest = cur.fetchone()
            if count < DF_SAMPLE or oldest is None:
                return count
            span = max(id_high - oldest + 1, 1)
            return min(int(count * total / span), total)
        if total <= PG_DF_WINDOW:
            cur.execute(
                f"SELECT COUNT(*) FROM search_searchdocument WHERE tsv @@ {TSQUERY}",  # noqa: S608
                [f"'{term}'"],
            )
            return cur.fetchone()[0]
        cur.execute(
            f"SELECT COUNT(*) FILTER (WHERE tsv @@ {TSQUERY}), COUNT(*) FROM ("  # noqa: S608
            "SELECT tsv FROM search_searchdocument ORDER BY id DESC LIMIT %s) AS newest",
            [f"'{term}'", PG_DF_WINDOW],
        )
        count, sampled = cur.fetchone()
        return min(int(count * total / max(sampled, 1)), total)


def length_sample(limit: int = 500) -> list[int]:
    """Term counts of the newest documents (for the average document length)."""
    from .models import SearchDocument

    return [
        len(t.split()) + len(b.split())
        for t, b in SearchDocument.objects.order_by("-id").values_list("title_terms", "body_terms")[
            :limit
        ]
    ]


# --- bulk loading (search_reindex) ------------------------------------------------------------


def before_bulk_load() -> None:
    """Empty the index; on SQLite stop the per-row triggers (the index is rebuilt at the end)."""
    with connection.cursor() as cur:
        if vendor() == "sqlite":
            for name in SQLITE_TRIGGER_NAMES:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
            cur.execute("INSERT INTO search_fts_title(search_fts_title) VALUES ('delete-all')")
            cur.execute("DELETE FROM search_searchdocument")
        else:
            cur.execute("DROP INDEX IF EXISTS search_doc_tsv")
            cur.execute("DROP INDEX IF EXISTS search_doc_title_tsv")
            cur.execute("TRUNCATE search_searchdocument")


def after_bulk_load() -> None:
    """Build the full-text index in one pass, then give the planner fresh statistics."""
    with connection.cursor() as cur:
        if vendor() == "sqlite":
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cur.execute(
                "INSERT INTO search_fts_title(rowid, title_terms) "
                "SELECT id, title_terms FROM search_searchdocument WHERE title_terms != ''"
            )
            for sql in SQLITE_TRIGGERS:
                cur.execute(sql)
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cur.execute("INSERT INTO search_fts_title(search_fts_title) VALUES ('optimize')")
            cur.execute("ANALYZE search_searchdocument")
        else:
            cur.execute(
                "CREATE INDEX IF NOT EXISTS search_doc_tsv ON search_searchdocument USING GIN (tsv)"
            )
            cur.execute(
                "CREATE INDEX IF NOT EXISTS search_doc_title_tsv ON search_searchdocument "
                "USING GIN (title_tsv) WHERE title_terms <> ''"
            )
            cur.execute("ANALYZE search_searchdocument")
