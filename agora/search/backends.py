"""The two full-text engines behind one interface. Both only see pre-analysed terms.

SQLite: an FTS5 table `search_fts(title, body)` whose rowid is SearchDocument.id, kept in step
by `store()`/`remove()` in the same transaction, ranked with bm25 (title weighted 10, body 1).
PostgreSQL: a GIN expression index over the weighted tsvector of the same columns (migration
0002), ranked with ts_rank.
"""

from django.db import connection

from .analysis import ParsedQuery

CANDIDATES = 1000  # ranked candidates kept per query: bounds the work of frequent words
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B'))"
)


def _vendor() -> str:
    return connection.vendor


def store(doc) -> None:
    """Called after `doc` (a SearchDocument) was saved."""
    if _vendor() == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DELETE FROM search_fts WHERE rowid = %s", [doc.pk])
            cur.execute(
                "INSERT INTO search_fts(rowid, title, body) VALUES (%s, %s, %s)",
                [doc.pk, doc.title_terms, doc.body_terms],
            )


def store_many(docs) -> None:
    """After a bulk insert of new documents (their ids set)."""
    if docs and _vendor() == "sqlite":
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO search_fts(rowid, title, body) VALUES (%s, %s, %s)",
                [(d.pk, d.title_terms, d.body_terms) for d in docs],
            )


def remove(ids: list[int]) -> None:
    if ids and _vendor() == "sqlite":
        with connection.cursor() as cur:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                # Only placeholders are interpolated; the ids travel as parameters.
                cur.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608


def clear() -> None:
    if _vendor() == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DELETE FROM search_fts")


def rank(query: ParsedQuery, allowed, mode: str = "and"):
    """[(doc id, score, created_at)] best first, at most CANDIDATES, among the documents of the
    `allowed` queryset (visibility and filters as correlated conditions, so the engine's
    matches drive the plan and each candidate is checked with index lookups)."""
    if _vendor() == "sqlite":
        qs = allowed.extra(  # noqa: S610  (constant SQL; the query text is a parameter)
            select={"score": "-bm25(search_fts, 10.0, 1.0)"},
            tables=["search_fts"],
            where=["search_fts.rowid = search_searchdocument.id", "search_fts MATCH %s"],
            params=[query.fts5(mode)],
        )
    else:
        tsquery = "to_tsquery('simple'::regconfig, %s)"
        qs = allowed.extra(  # noqa: S610  (constant SQL; the query text is a parameter)
            select={"score": f"ts_rank({PG_VECTOR}, {tsquery})"},
            select_params=[query.tsquery(mode)],
            where=[f"{PG_VECTOR} @@ {tsquery}"],
            params=[query.tsquery(mode)],
        )
    qs = qs.order_by("-score", "id").values_list("id", "score", "created_at")
    return list(qs[:CANDIDATES])
