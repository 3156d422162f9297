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

Search-as-you-type (analysis.ParsedQuery with `prefix`): the word being typed is a prefix of the
index terms, FTS5's `"proj"*` and to_tsquery's `'proj':*`: the same terms match on both engines
and the candidates are bounded as for any query. FTS5 keeps prefix indexes of 3, 4 and 5
characters (migration 0008): such a prefix is one doclist, read newest first like a word;
a longer one is found in the engine's sorted dictionary and its terms' doclists merged, which
costs more for a prefix of very common terms (enterprise-M on SQLite: ~55 ms for "quarte",
~0.2 ms for "quart"). PostgreSQL does the same with search_typeahead (migration 0009): the
narrow rows of every document but comments (TYPEAHEAD_LEFT_OUT, which the header's suggestions
leave out), their tsvectors also holding each term's 3-, 4- and 5-letter prefixes as lexemes,
searched when the filter leaves those types out; elsewhere a prefix is `:*`, which GIN answers
by collecting every posting of every term it starts. One- and two-letter words are never
prefixes (analysis.MIN_PREFIX_CHARS).
"""

import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Q

from agora.core.db import fast_timestamps

from .analysis import ParsedQuery, fts5_term, is_prefix, tsquery_term

TYPEAHEAD_LEFT_OUT = frozenset({"comment"})  # document types search_typeahead does not hold
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
# search_typeahead (migration 0009): the same query, its prefixes of TYPEAHEAD_PREFIX_LENGTHS
# letters ('han':*) turned into the lexemes that table holds for them ('^han'). Rewritten in
# the tsquery's text, since to_tsquery's parser drops the "^"; planned as a constant.
TYPEAHEAD_PREFIX_LENGTHS = (3, 4, 5)
_SHORTEST, _LONGEST = TYPEAHEAD_PREFIX_LENGTHS[0], TYPEAHEAD_PREFIX_LENGTHS[-1]
TYPEAHEAD_TSQUERY = (
    f"regexp_replace({TSQUERY}::text, "
    + rf"'''([^'']{{{_SHORTEST},{_LONGEST}}})'':\*', '''^\1''', 'g')::tsquery"
)
# The columns of the narrow tables search_rank and search_rank_title (migration 0006) that a
# column filter may use; a filter on any other column walks the documents themselves.
RANK_COLUMNS = {"id", "doc_type", "audience", "community_id", "author_id", "created_at"}
PG_RANK_FILL = [  # the narrow tables from the documents (migrations 0006, 0007), ids in order
    "INSERT INTO search_rank (id, doc_type, audience, community_id, author_id, created_at, tsv) "
    "SELECT id, doc_type, audience, community_id, author_id, created_at, "
    "strip(tsv) || search_id_block(id) FROM search_searchdocument ORDER BY id",
    "INSERT INTO search_rank_title "
    "(id, doc_type, audience, community_id, author_id, created_at, title_tsv) "
    "SELECT id, doc_type, audience, community_id, author_id, created_at, strip(title_tsv) "
    "FROM search_searchdocument WHERE title_terms <> '' ORDER BY id",
    "CREATE INDEX IF NOT EXISTS search_rank_tsv ON search_rank USING GIN (tsv)",
    "CREATE INDEX IF NOT EXISTS search_rank_title_tsv ON search_rank_title USING GIN (title_tsv)",
    # migration 0009 (the types left out: TYPEAHEAD_LEFT_OUT)
    "INSERT INTO search_typeahead "
    "(id, doc_type, audience, community_id, author_id, created_at, tsv) "
    "SELECT id, doc_type, audience, community_id, author_id, created_at, "
    "strip(tsv) || search_id_block(id) || search_prefixes(tsv) FROM search_searchdocument "
    "WHERE doc_type NOT IN ('comment') ORDER BY id",
    "CREATE INDEX IF NOT EXISTS search_typeahead_tsv ON search_typeahead USING GIN (tsv)",
]
PG_TITLED_INDEX = (  # migration 0005: the titled documents by id, walked for frequent title words
    "CREATE INDEX IF NOT EXISTS search_doc_titled ON search_searchdocument (id) "
    "WHERE title_terms <> ''"
)


@dataclass
class Candidates:
    # (document id, title terms, body terms, created_at, doc_type), any order
    rows: list[tuple[int, str, str, object, str]]
    capped: bool  # more documents match than were kept


def vendor() -> str:
    return connection.vendor


KEPT_WHERE_MAX = 2_000
# Per distinct column filter (see Allowed.where): [its WHERE (sql, params) or None, the same
# with its values inlined (Allowed.literal) once a query needed it].
_kept: dict[tuple, list] = {}


class Allowed:
    """The column filter of one search (a SearchDocument queryset: types, filters and
    prefilters), compiled to SQL once and shared by every engine query of that search: the ORM
    rebuilt the same WHERE clause, with its list of readable communities, for each of them.
    `where` is None when the filter needs a join (a prefilter on another table's columns): the
    engine queries are then built by the ORM, as before."""

    def __init__(self, queryset, ids: tuple[int, int] | None = None, types=None):
        # A Q over SearchDocument is compiled at most once per distinct Q (see `where`).
        self._q = queryset if isinstance(queryset, Q) else None
        self._queryset = None if self._q is not None else queryset
        self._where: tuple[str, list] | None | bool = False
        self._kept: list | None = None  # this filter's entry in _kept, when it has one
        self._ids = ids
        self._types = frozenset(types) if types is not None else None  # None: any type

    @property
    def queryset(self):
        if self._queryset is None:
            from .models import SearchDocument

            self._queryset = SearchDocument.objects.filter(self._q)
        return self._queryset

    @property
    def ids(self) -> tuple[int, int]:
        """id_range(), once per search."""
        if self._ids is None:
            self._ids = id_range()
        return self._ids

    @property
    def where(self) -> tuple[str, list] | None:
        if self._where is False:
            if self._q is None:
                self._where = where_sql(self.queryset)
            else:
                # Building and compiling the filter with its ~200 readable communities cost
                # ~2 ms of CPU per search, for a text that only depends on the Q itself (its
                # values included: other memberships, another Q) and on the compiler.
                key = (connection.alias, where_sql, self._q.identity)
                try:
                    kept = _kept.get(key)
                except TypeError:  # a value that cannot be a key: compiled every time
                    self._where = where_sql(self.queryset)
                else:
                    if kept is None:
                        if len(_kept) >= KEPT_WHERE_MAX:
                            _kept.clear()
                        kept = _kept[key] = [where_sql(self.queryset), None]
                    self._kept, self._where = kept, kept[0]
        return self._where

    @cached_property
    def literal(self) -> str | None:
        """PostgreSQL: `where` with its values inlined (see _inlined) and "%" escaped, kept
        with it: quoting its ~200 values (the readable communities) took 0.6 ms of CPU, for
        each of a search's 2-4 engine queries."""
        if self.where is None:
            return None
        if self._kept is not None and self._kept[1] is not None:
            return self._kept[1]
        sql, params = self.where
        with connection.cursor() as cur:
            from psycopg import ClientCursor

            literal = ClientCursor(cur.cursor.connection).mogrify(sql, params).replace("%", "%%")
        if self._kept is not None:
            self._kept[1] = literal
        return literal

    @cached_property
    def on_rank_tables(self) -> bool:
        """PostgreSQL: whether the filter only reads columns that search_rank has too."""
        if self.where is None:
            return False
        columns = set(re.findall(r'"?search_searchdocument"?\."?(\w+)"?', self.where[0]))
        return columns <= RANK_COLUMNS

    @property
    def in_typeahead(self) -> bool:
        """PostgreSQL: whether search_typeahead holds every document the filter may keep."""
        return (
            self._types is not None and not self._types & TYPEAHEAD_LEFT_OUT and self.on_rank_tables
        )


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
    were more and `titles`, the newest title matches. `bound` 0: only the title matches, for a
    caller that already knows there are more matches than it keeps."""
    if bound is None:
        bound = CANDIDATES if mode == "and" else OR_CANDIDATES
    if not isinstance(allowed, Allowed):
        allowed = Allowed(allowed)
    if vendor() == "sqlite":
        return _candidates_sqlite(query, allowed, mode, bound, titles, frequencies)
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
        if vendor() == "postgresql":
            sql, params = _inlined(cur, sql, params)
            fast_timestamps(cur)
        cur.execute(sql, params)
        rows = cur.fetchall()
    if vendor() == "sqlite":
        return [(i, t, b, _sqlite_datetime(c), d) for i, t, b, c, d in rows]
    return rows


def _inlined(cur, sql: str, params) -> tuple[str, list | None]:
    """PostgreSQL, with server-side binding (settings.py): the statement with its values
    inlined, quoted by psycopg as client-side binding would. A statement with parameters is
    planned without their values there (plan_cache_mode=force_generic_plan, which suits
    Agora's key lookups): for "newest title matches of a frequent word" the generic plan walks
    the primary key through the whole table (5-7 s) where the planner, seeing the words, reads
    the titles' GIN index (6 ms). Values inlined, every plan is made for them."""
    if not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        return sql, params
    from psycopg import ClientCursor

    return ClientCursor(cur.cursor.connection).mogrify(sql, params), None


def _candidates(newest, newest_titles, bound: int, titles: bool) -> Candidates:
    """`newest(limit)`: (the newest matches, up to limit; whether they are all the matches
    newer than the oldest of them, i.e. not cut short by a window of ids)."""
    if bound == 0:
        # Only the title matches: the caller knows that there are more matches than it keeps
        # (finding that out again cost a GIN lookup of every match of several words).
        return Candidates(newest_titles(TITLE_CANDIDATES) if titles else [], True)
    rows, complete = newest(bound + 1)
    capped = len(rows) > bound or not complete
    if not capped or not titles:
        return Candidates(rows[:bound], capped)
    rows = rows[:bound]
    seen = {r[0] for r in rows}
    rows += [r for r in newest_titles(TITLE_CANDIDATES) if r[0] not in seen]
    return Candidates(rows, True)


# An all-words query whose rarest word has at most FORWARD_BELOW matches, every other word being
# at least FORWARD_RATIO times more frequent, reads its matches oldest first (ids only) and
# then keeps the newest: FTS5 seeks through a frequent word's doclist at 3 µs per match of the
# rare one in that direction, 5-9 µs backwards (it re-parses a page per seek). Backwards stops
# after enough matches, but a rare word and a frequent one that seldom meet are walked to the
# end either way (9 ms -> 5.5 ms for "communication quality" on enterprise-M).
FORWARD_BELOW = 2_500
FORWARD_RATIO = 32


def _forward(query: ParsedQuery, frequencies: dict[str, int] | None) -> bool:
    if len(query.groups) < 2 or not frequencies:
        return False
    dfs = sorted(max(frequencies.get(t, 0) for t in g) for g in query.groups)
    return dfs[0] <= FORWARD_BELOW and dfs[1] >= FORWARD_RATIO * max(dfs[0], 1)


def _candidates_sqlite(query, allowed, mode, bound, titles, frequencies) -> Candidates:
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
        if table == "search_fts" and mode == "and" and _forward(query, frequencies):
            return _newest_forward(expression, condition, params, limit)
        return _fetch(
            f"SELECT {COLUMNS} FROM search_searchdocument, {table} "  # noqa: S608  (constant SQL)
            f"WHERE {table}.rowid = search_searchdocument.id AND {table} MATCH %s "
            f"AND ({condition}) ORDER BY {table}.rowid DESC LIMIT %s",
            [expression, *params, limit],
        )

    return _candidates(
        lambda limit: (newest("search_fts", limit), True),
        lambda limit: newest("search_fts_title", limit),
        bound,
        titles,
    )


FORWARD_CHUNK = 500


def _newest_forward(expression: str, condition: str, params: list, limit: int) -> list[tuple]:
    """The newest `limit` matches passing the column filter, like the backwards walk: every
    match's id, oldest first, then the rows newest first a chunk at a time."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid ASC",
            [expression],
        )
        ids = [row[0] for row in cur.fetchall()]
    ids.reverse()
    rows: list[tuple] = []
    for start in range(0, len(ids), FORWARD_CHUNK):
        rows += _fetch(
            f"SELECT {COLUMNS} FROM search_searchdocument "  # noqa: S608  (constant SQL)
            "WHERE search_searchdocument.id IN (SELECT value FROM json_each(%s)) "
            f"AND ({condition}) ORDER BY search_searchdocument.id DESC LIMIT %s",
            [json.dumps(ids[start : start + FORWARD_CHUNK]), *params, limit - len(rows)],
        )
        if len(rows) >= limit:
            break
    return rows


PG_WALK_ABOVE = 20_000  # PostgreSQL walks ids backwards only when every word is this common
PG_WINDOW_ABOVE = 15  # on the documents table, a rare word with this many times more matches
# than wanted is first looked for among the newest ids
PG_TITLE_WALK_ABOVE = 2_500  # expected title matches above which titled documents are walked


def _candidates_pg(query, allowed, mode, bound, titles, frequencies) -> Candidates:
    tsquery = query.tsquery(mode)
    # Search-as-you-type: the prefixes as search_typeahead's lexemes (migration 0009).
    typeahead = query.has_prefix and allowed.in_typeahead
    # FTS5 intersects its doclists with seeks, so "newest first" is cheap whatever the words.
    # PostgreSQL either walks the primary key backwards testing each row (cheap when matches
    # are everywhere) or collects every match through GIN and sorts (cheap when one word is
    # rare); its planner has no statistics for rare words, and a backwards walk looking for a
    # rare one reads the whole table. Known frequencies decide: "id + 0" cannot use the key.
    # A word's stems mostly come together (every occurrence is indexed under each of them):
    # the commonest stem is the estimate, their sum would count the same documents twice.
    group_df = [max(frequencies.get(t, 0) for t in g) for g in query.groups]
    expected = min(group_df) if mode == "and" else sum(group_df)
    rare = bool(frequencies) and expected < PG_WALK_ABOVE

    def walked(limit) -> float:
        """Rows a walk is expected to test before `limit` matches: the words taken as
        independent, so that each makes the matches that much sparser (two words in one of
        ten documents each: one in a hundred)."""
        low, high = allowed.ids
        total = high - low + 1
        share = 1.0
        for df in group_df if mode == "and" else [expected]:
            share *= min(df / total, 1.0)
        return limit / max(share, 1 / total)

    def fetch_documents(condition, order, limit, extra="", extra_params=(), titled=False):
        """The newest `limit` rows by `order` among the allowed ones meeting `condition`
        (`titled`: among the documents that have a title)."""
        if titled:
            condition = f"search_searchdocument.title_terms <> '' AND {condition}"
        if allowed.where is None:
            qs = allowed.queryset.extra(  # noqa: S610  (constant SQL)
                where=[condition + extra], params=[tsquery, *extra_params]
            )
            if order != "search_searchdocument.id":
                qs = qs.extra(select={"recency_": order})  # noqa: S610
                return list(qs.order_by("-recency_").values_list(*FIELDS)[:limit])
            return list(qs.order_by("-id").values_list(*FIELDS)[:limit])
        return _fetch(
            f"SELECT {COLUMNS} FROM search_searchdocument "  # noqa: S608  (constant SQL)
            f"WHERE ({allowed.literal}) AND {condition}{extra} ORDER BY {order} DESC LIMIT %s",
            [tsquery, *extra_params, limit],
        )

    def fetch_narrow(condition, order, limit, extra="", extra_params=(), titled=False):
        """fetch_documents() through the narrow tables (migration 0006): the walk or the GIN
        lookup reads search_rank (search_rank_title: `titled`), aliased so that the column
        filter applies unchanged; only the kept rows' terms come from the documents. A
        prefix being typed reads search_typeahead instead of search_rank when it can."""
        table = "search_rank"
        if titled:
            table = "search_rank_title"
        elif typeahead:
            table = "search_typeahead"
            condition = condition.replace(TSQUERY, TYPEAHEAD_TSQUERY)
        return _fetch(
            "SELECT doc.id, doc.title_terms, doc.body_terms, hit.created_at, hit.doc_type "  # noqa: S608
            "FROM (SELECT search_searchdocument.id, search_searchdocument.created_at, "
            f"search_searchdocument.doc_type FROM {table} AS search_searchdocument "
            f"WHERE ({allowed.literal}) AND {condition}{extra} ORDER BY {order} DESC LIMIT %s)"
            " AS hit JOIN search_searchdocument AS doc ON doc.id = hit.id ORDER BY hit.id DESC",
            [tsquery, *extra_params, limit],
        )

    fetch = fetch_narrow if allowed.on_rank_tables else fetch_documents

    def newest(limit):
        condition = f"search_searchdocument.tsv @@ {TSQUERY}"
        if not rare:
            if allowed.on_rank_tables and frequencies:
                return _walk_after_probe(fetch, condition, limit, walked(limit), allowed.ids)
            return fetch(condition, "search_searchdocument.id", limit), True
        # Through GIN every match is read from the table before the sort keeps the newest
        # (4,371 rows for "planning data" on enterprise-M, 16 ms): first, when it pays, only
        # the newest ids expected to hold three times what is wanted.
        low, high = allowed.ids
        if allowed.on_rank_tables and expected > 0:
            return _newest_by_blocks(fetch, condition, limit, expected, low, high)
        if len(query.groups) == 1 and expected > PG_WINDOW_ABOVE * limit:
            # Without id blocks a window is a B-tree range of ids: one, then everything.
            rows = fetch(
                condition,
                "search_searchdocument.id + 0",
                limit,
                " AND search_searchdocument.id > %s",
                [high - 3 * limit * (high - low + 1) // expected],
            )
            if len(rows) >= limit:
                return rows, True
        return fetch(condition, "search_searchdocument.id + 0", limit), True

    def newest_titles(limit):
        match = f"search_searchdocument.title_tsv @@ {TSQUERY}"
        if (mode == "or" or len(query.groups) == 1) and _pg_title_matches(
            query, allowed.ids
        ) >= PG_TITLE_WALK_ABOVE:
            # Many title matches (one frequent word, or any of several): walking the titled
            # documents newest first (search_rank_title, or search_doc_titled when the filter
            # needs the documents' own columns) finds enough at once; "IS TRUE" keeps
            # the planner, which underestimates these matches, from collecting and sorting all
            # of them instead. Titles holding all of several words can be few: GIN then.
            return fetch(f"({match}) IS TRUE", "search_searchdocument.id", limit, titled=True)
        return fetch(match, "search_searchdocument.id + 0", limit, titled=True)

    return _candidates(newest, newest_titles, bound, titles)


ID_BLOCK_BITS = 16  # search_rank's blocks of ids (migration 0007, search_id_block): 65,536 ids
MAX_WINDOW_BLOCKS = 32  # at most this many blocks in one window
WINDOW_ENOUGH = 0.5  # share of the wanted matches that a window may stop at
WINDOW_MARGIN = 3  # a window is sized to hold this many times what is still wanted
MAX_WINDOWS = 3  # windows read before every match is
# A block named in a window costs about what fetching this many matches from the table does:
# GIN reads the block lexeme's whole posting tree, ~0.4 ms for 65,536 ids, and a match costs
# ~1.9 µs (enterprise-M, EXPLAIN ANALYZE: "kudos" in 1, 8 and 32 blocks 0.8, 4.3 and 13.7 ms,
# all of its 3,305 matches 6.9 ms).
BLOCK_COST = 200


def _window_pays(blocks: int, wanted: float, matches: float) -> bool:
    """Whether a window of `blocks` blocks expected to hold `wanted` matches is worth reading
    before fetching every one of `matches` (an estimate, an upper bound for several words):
    it must cost under half of that."""
    return BLOCK_COST * blocks + wanted < matches / 2


def _in_blocks(fetch, first: int, last: int, limit: int) -> list:
    """The newest `limit` matches whose ids are in blocks `first` to `last`."""
    # Lexemes made of our own digits: inlined, quotes doubled for the SQL literal.
    blocks = " | ".join(f"''~e{block}''" for block in range(first, last + 1))
    return fetch(
        f"search_searchdocument.tsv @@ ({TSQUERY} && '{blocks}'::tsquery)",
        "search_searchdocument.id + 0",
        limit,
    )


def _newest_by_blocks(fetch, condition: str, limit: int, expected: int, low: int, high: int):
    """The newest `limit` matches on search_rank of a query whose rarest word is rare
    (`expected` matches at most), looked for among the newest blocks of ids first when that
    pays (_window_pays). GIN intersects the words with the blocks' lexemes exactly, so a
    window costs only its blocks and the matches inside it (a BRIN window made each of its
    pages lossy: every row tested again). The first window is sized by the estimate; each
    next one covers older blocks only, sized by the matches per id found so far (several
    words seldom together find few: the other matches are then cheap to fetch, and are
    fetched from below the blocks read, whose matches are all in hand). A window, or
    windows, holding at least WINDOW_ENOUGH of what is wanted are kept rather than read
    further: the candidates are a bound on the work, not a promise of how many (the caller
    then reports more matches than kept: `complete` False)."""
    bits = ID_BLOCK_BITS
    rows: list = []
    density = expected / (high - low + 1)  # matches per id
    top = high >> bits  # the newest block not read yet
    for _ in range(MAX_WINDOWS):
        newest_unread = min(high, ((top + 1) << bits) - 1)
        wanted = limit - len(rows)
        if density <= 0:
            break
        span = WINDOW_MARGIN * wanted / density
        first = max(int(newest_unread - span), low) >> bits
        width = top - first + 1
        unread = density * (newest_unread - low + 1)
        if first <= low >> bits or width > MAX_WINDOW_BLOCKS:
            break
        if not _window_pays(width, WINDOW_MARGIN * wanted, unread):
            break
        rows += _in_blocks(fetch, first, top, wanted)
        if len(rows) >= limit:
            return rows, True
        if len(rows) >= WINDOW_ENOUGH * limit:
            return rows, False
        top = first - 1
        density = len(rows) / (high - (first << bits) + 1)
    if not rows:
        return fetch(condition, "search_searchdocument.id + 0", limit), True
    # Every match of the blocks read is in hand: the rest come from below them.
    older = fetch(
        condition,
        "search_searchdocument.id + 0",
        limit - len(rows),
        " AND search_searchdocument.id < %s",
        [(top + 1) << bits],
    )
    return rows + older, True


# Testing a row during a walk costs about 0.28 µs; a window of the newest (partial) block
# costs about 0.12 µs per id in it, whatever the words (GIN steps through the block's
# lexeme, the rarest entry), plus its matches (enterprise-M: "search improve" walked 201
# matches in 8.4 ms, the newest 20,905 ids held 139 of them and were read in 2.9 ms).
PROBE_ID_COST = 0.45  # a probed id, in rows walked


def _walk_after_probe(fetch, condition: str, limit: int, walked: float, ids: tuple[int, int]):
    """The newest `limit` matches of words common enough to walk the ids backwards (every
    word above PG_WALK_ABOVE). When the walk is expected to be long (`walked` rows, words
    that seldom meet) and the newest block of ids is small enough for that, the block is
    read through GIN first: holding at least WINDOW_ENOUGH of what is wanted it is kept (the
    caller reports more matches: `complete` False), otherwise the walk goes on below it."""
    low, high = ids
    block = high >> ID_BLOCK_BITS
    start = block << ID_BLOCK_BITS
    if start <= low or PROBE_ID_COST * (high - start + 1) >= walked / 2:
        return fetch(condition, "search_searchdocument.id", limit), True
    rows = _in_blocks(fetch, block, block, limit)
    if len(rows) >= limit:
        return rows, True
    if len(rows) >= WINDOW_ENOUGH * limit:
        return rows, False
    older = fetch(
        condition,
        "search_searchdocument.id",
        limit - len(rows),
        " AND search_searchdocument.id < %s",
        [start],
    )
    return rows + older, True


def _pg_title_matches(query: ParsedQuery, ids: tuple[int, int]) -> float:
    """Titles expected to hold any of the words, from the planner's statistics of title_tsv
    (words that are not among its commonest count for nothing)."""
    with connection.cursor() as cur:
        common = _pg_common_terms(cur, "title_tsv")
    low, high = ids
    return sum(_common_share(common, t) or 0.0 for g in query.groups for t in g) * (high - low + 1)


def _common_share(common: dict[str, float], term: str) -> float | None:
    """A term's share of documents from the commonest terms' statistics (None: not among
    them). A prefix (search-as-you-type): the shares of the common terms it starts, summed
    (an upper bound when they meet in the same documents), None when it starts none."""
    if not is_prefix(term):
        return common.get(term)
    stem = term[:-1]
    shares = [share for t, share in common.items() if t.startswith(stem)]
    return min(sum(shares), 1.0) if shares else None


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


PG_DF_WINDOW = 20_000  # PostgreSQL: newest documents a rare term's frequency is sampled from
PG_STATS_SECONDS = 600.0  # how long the planner statistics read for frequencies are reused
_pg_common: dict[tuple, tuple[float, dict[str, float]]] = {}


def _pg_common_terms(cur, column: str = "tsv") -> dict[str, float]:
    """PostgreSQL: term -> share of documents, for the commonest terms of a tsvector column
    (ANALYZE's sample of the whole table, pg_stats.most_common_elems; search_reindex ends with
    ANALYZE)."""
    key = (connection.settings_dict.get("NAME"), column)
    now = time.monotonic()
    hit = _pg_common.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    cur.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'search_searchdocument' "
        "AND attname = %s",
        [column],
    )
    row = cur.fetchone()
    # The frequencies end with three more numbers (minimum, maximum, nulls): zip drops them.
    common = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _pg_common[key] = (now + PG_STATS_SECONDS, common)
    return common


def doc_frequency(term: str, id_low: int, id_high: int) -> int:
    """How many documents hold `term`, estimated without reading all of them. SQLite: counted
    up to DF_SAMPLE newest first, then extrapolated from how far back the DF_SAMPLE-th is (ids
    spread over time). PostgreSQL: a common term's share of the table from the planner's
    statistics, any other term's share of the newest PG_DF_WINDOW ids (found through GIN and
    the primary key: reading those 20,000 rows cost 10-100 ms per new term). A prefix term
    (search-as-you-type, analysis.is_prefix) counts the documents holding any term it starts,
    the same way (its share of the table: the commonest terms it starts, see _common_share)."""
    total = max(id_high - id_low + 1, 0)
    with connection.cursor() as cur:
        if vendor() == "sqlite":
            cur.execute(
                "SELECT COUNT(*), MIN(rowid) FROM (SELECT rowid FROM search_fts "
                "WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s)",
                [fts5_term(term), DF_SAMPLE],
            )
            count, oldest = cur.fetchone()
            if count < DF_SAMPLE or oldest is None:
                return count
            span = max(id_high - oldest + 1, 1)
            return min(int(count * total / span), total)
        # search_rank (migration 0006): the same ids and terms as the documents, narrower rows.
        if total <= PG_DF_WINDOW:
            cur.execute(
                f"SELECT COUNT(*) FROM search_rank WHERE tsv @@ {TSQUERY}",  # noqa: S608
                [tsquery_term(term)],
            )
            return cur.fetchone()[0]
        share = _common_share(_pg_common_terms(cur), term)
        if share is not None:
            return min(int(share * total), total)
        table, match = "search_rank", TSQUERY
        if is_prefix(term) and len(term) - 1 in TYPEAHEAD_PREFIX_LENGTHS:
            # `:*` would collect every posting of every term it starts; the typeahead table
            # has the prefix as one lexeme (its documents are the ones a prefix is typed for).
            table, match = "search_typeahead", TYPEAHEAD_TSQUERY
        sql, params = _inlined(
            cur,
            f"SELECT COUNT(*) FROM {table} WHERE id > %s AND tsv @@ {match}",  # noqa: S608
            [id_high - PG_DF_WINDOW, tsquery_term(term)],
        )
        cur.execute(sql, params)
        count = cur.fetchone()[0]
        return min(int(count * total / PG_DF_WINDOW), total)


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

SQLITE_FTS_SHADOW_TABLES = [
    f"{fts}_{part}"
    for fts in ("search_fts", "search_fts_title")
    for part in ("data", "idx", "docsize")
]


BULK_LOAD_ROWS_GUESS = 1_000_000  # FTS5 rows assumed while the index is rebuilt (SQLite)


def _has_stat1(cur) -> bool:
    cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    return cur.fetchone() is not None


def before_bulk_load() -> None:
    """Empty the index; on SQLite stop the per-row triggers (the index is rebuilt at the end)."""
    with connection.cursor() as cur:
        if vendor() == "sqlite":
            for name in SQLITE_TRIGGER_NAMES:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
            cur.execute("INSERT INTO search_fts_title(search_fts_title) VALUES ('delete-all')")
            cur.execute("DELETE FROM search_searchdocument")
            # Statistics of FTS5's tables taken while they were (nearly) empty would make the
            # rebuild's own segment merges scan the whole data table for each of their
            # `DELETE ... WHERE id>=? AND id<=?` (enterprise-M with the prefix indexes: 3 TB
            # read, 25 minutes and counting). They are set to a large table's until
            # after_bulk_load takes them again; deleting them is not enough, as SQLite keeps
            # the ones it loaded for a table that has none any more.
            if _has_stat1(cur):
                for table in SQLITE_FTS_SHADOW_TABLES:
                    cur.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [table])
                    cur.execute(
                        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, NULL, %s)",
                        [table, str(BULK_LOAD_ROWS_GUESS)],
                    )
                cur.execute("ANALYZE sqlite_master")  # the planner reloads the statistics
        else:
            cur.execute("DROP INDEX IF EXISTS search_doc_tsv")
            cur.execute("DROP INDEX IF EXISTS search_doc_title_tsv")
            cur.execute("DROP INDEX IF EXISTS search_doc_titled")
            cur.execute("DROP INDEX IF EXISTS search_rank_tsv")
            cur.execute("DROP INDEX IF EXISTS search_rank_title_tsv")
            cur.execute("DROP INDEX IF EXISTS search_typeahead_tsv")
            # The narrow tables are filled in one statement at the end, not row by row.
            cur.execute("ALTER TABLE search_searchdocument DISABLE TRIGGER search_rank_sync")
            cur.execute("TRUNCATE search_searchdocument")  # and the narrow tables (trigger)


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
            # FTS5's own tables too: statistics taken while they were nearly empty (an ANALYZE
            # of the whole database before the reindex) make SQLite scan `search_fts_data`
            # for FTS5's `DELETE ... WHERE id>=? AND id<=?`, which it runs for each segment it
            # merges: every 16th write then read the whole index (~1 s on enterprise-M).
            for table in SQLITE_FTS_SHADOW_TABLES:
                cur.execute(f"ANALYZE {table}")
        else:
            cur.execute(
                "CREATE INDEX IF NOT EXISTS search_doc_tsv ON search_searchdocument USING GIN (tsv)"
            )
            cur.execute(
                "CREATE INDEX IF NOT EXISTS search_doc_title_tsv ON search_searchdocument "
                "USING GIN (title_tsv) WHERE title_terms <> ''"
            )
            cur.execute(PG_TITLED_INDEX)
            for sql in PG_RANK_FILL:
                cur.execute(sql)
            cur.execute("ALTER TABLE search_searchdocument ENABLE TRIGGER search_rank_sync")
            cur.execute("ANALYZE search_searchdocument")
            cur.execute("ANALYZE search_rank")
            cur.execute("ANALYZE search_rank_title")
            cur.execute("ANALYZE search_typeahead")
