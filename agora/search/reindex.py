"""Rebuilding the whole index (search_reindex): millions of documents in minutes.

Every registered type is read in keyset batches (its DocType.queryset, so relations come
preloaded); the streams of documents are merged by creation time, so document ids (which the
engines walk newest first, see backends) follow created_at across types; rows are written with
one executemany (SQLite) or COPY (PostgreSQL) per chunk; the full-text index is then built in
one pass and the planner statistics refreshed. All of it is one transaction: searches see the
old index until the new one is complete (on PostgreSQL they wait for it).
"""

import datetime as dt
import heapq
from collections.abc import Callable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from . import backends, registry
from .analysis import terms_text
from .indexing import BODY_TEXT_CHARS

WRITE_CHUNK = 5000
COLUMNS = (
    "doc_type",
    "object_id",
    "audience",
    "title_terms",
    "body_terms",
    "title_text",
    "body_text",
    "url",
    "lang",
    "community_id",
    "author_id",
    "created_at",
    "indexed_at",
)
Progress = Callable[[int, int, str], None]


def _documents(doc_type: registry.DocType, batch_size: int, fetched: list) -> Iterator[tuple]:
    """Rows (see COLUMNS) of one type's documents, in primary key order (about creation order,
    which the merge relies on; an out-of-order stream only makes the ids less ordered)."""
    qs = doc_type.queryset().order_by("pk")
    build, pk_of = doc_type.build, _pk
    if doc_type.bulk_values and doc_type.build_values:
        qs = qs.values(*doc_type.bulk_values)
        build, pk_of = doc_type.build_values, _id
    name = doc_type.name
    adapt = _adapt_datetime()
    now = timezone.now()
    indexed_at = adapt(now)
    last_pk = None
    while True:
        batch = list((qs if last_pk is None else qs.filter(pk__gt=last_pk))[:batch_size])
        if not batch:
            return
        fetched[0] += len(batch)
        for obj in batch:
            pk = pk_of(obj)
            for data in build(obj):
                title, body = data.title or "", data.body or ""
                created_at = data.created_at or now
                yield (
                    created_at,
                    (
                        name,
                        pk,
                        data.audience,
                        terms_text(title),
                        terms_text(body),
                        title[:300],
                        body[:BODY_TEXT_CHARS],
                        data.url[:300],
                        data.lang or "",
                        data.community_id,
                        data.author_id,
                        adapt(created_at),
                        indexed_at,
                    ),
                )
        last_pk = pk_of(batch[-1])


def _adapt_datetime():
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value  # psycopg takes aware datetimes
    # What Django's SQLite backend stores (naive UTC, str()), without its per-call setting
    # lookups: millions of calls.
    utc = dt.UTC
    return lambda value: str(value.astimezone(utc).replace(tzinfo=None))


def _pk(obj):
    return obj.pk


def _id(row: dict):
    return row["id"]


class _Writer:
    def __init__(self):
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= WRITE_CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(COLUMNS)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY search_searchdocument ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(COLUMNS))
                cur.executemany(
                    f"INSERT INTO search_searchdocument ({columns}) VALUES ({marks})",  # noqa: S608
                    self.rows,
                )
        self.written += len(self.rows)
        self.rows = []


def reindex_all(progress: Progress | None = None, batch_size: int = 2000) -> int:
    """Rebuild the whole index; `progress(objects done, objects total, label)` is called as
    it goes. Returns the number of objects read."""
    types = registry.all_types()
    total = sum(t.queryset().count() for t in types)
    fetched = [0]
    streams = [_documents(t, batch_size, fetched) for t in types]
    writer = _Writer()
    with transaction.atomic():
        backends.before_bulk_load()
        for _, row in heapq.merge(*streams, key=lambda pair: pair[0]):
            writer.add(row)
            if progress and not writer.rows:
                progress(min(fetched[0], total), total, "documents")
        writer.flush()
        if progress:
            progress(fetched[0], total, "index")
        backends.after_bulk_load()
    if progress:
        progress(fetched[0], total, "done")
    return fetched[0]
