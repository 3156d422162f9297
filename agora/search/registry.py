"""Document types: each app says how its objects become search documents and who may see them.

A later capability (questions, events...) registers its own type:

    registry.register(DocType(name="question", model=Question, build=..., visible=...,
                              queryset=..., prefilter=community_content))

`visible(viewer)` is the authoritative rule: a Q over SearchDocument, applied to the bounded
set of candidates a query scores. `prefilter(scope)` is optional and only makes searches
find more within that bound: a cheap Q over SearchDocument's own columns (community_id,
audience, author_id...) that keeps at least every document the viewer may see, evaluated by
the engine while it walks the matches. `community_content` suits content readable exactly
by those who may read `DocData.community_id`'s posts (company-wide when it is None).

Bulk indexing (importers): `agora.search.indexing.index_many(objects)`; the whole index:
`agora search_reindex` (agora.search.reindex), which may use a type's optional
`bulk_values`/`build_values` to skip model instances.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Q


@dataclass
class DocData:
    """What one object contributes to the index (before analysis)."""

    title: str
    body: str
    url: str
    created_at: Any
    audience: int = 0
    community_id: int | None = None
    author_id: int | None = None
    lang: str = ""


@dataclass
class DocType:
    name: str
    model: Any
    # object -> documents (several for several audiences; [] removes it from the index)
    build: Callable[[Any], list[DocData]]
    # viewer -> Q over SearchDocument restricted to this type's documents the viewer may see
    visible: Callable[[Any], Q]
    # all objects to (re)index, for search_reindex
    queryset: Callable[[], Iterable]
    # the name of its results (a tab of the search page), translated when shown
    label: str = ""
    extra: dict = field(default_factory=dict)
    # ViewerScope -> Q over SearchDocument columns (see the module docstring); None: none
    prefilter: Callable[["ViewerScope"], Q] | None = None
    # Optional, for types with millions of rows: search_reindex then reads
    # queryset().values(*bulk_values) (which must include "id") and calls
    # build_values(row dict) instead of build(model instance), several times faster.
    bulk_values: tuple[str, ...] | None = None
    build_values: Callable[[dict], list[DocData]] | None = None


class ViewerScope:
    """What one viewer may read, looked up at most once per search, for the prefilters."""

    def __init__(self, viewer):
        self.viewer = viewer
        self.is_employee = bool(getattr(viewer, "is_employee", False))

    @cached_property
    def readable_community_ids(self) -> list[int]:
        from django.db import connection

        from agora.communities.models import Community
        from agora.communities.visibility import readable_q
        from agora.core import compiled

        def build():
            qs = Community.objects.filter(readable_q(self.viewer)).order_by().values_list("pk")
            try:
                return qs.query.sql_with_params()
            except EmptyResultSet:
                return "SELECT 1 WHERE 0 = 1", []

        # The SQL is reused by the viewer's next searches, the memberships are read each time.
        sql, params = compiled.for_viewer(self.viewer, ("readable", readable_q), build)
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return [row[0] for row in cur.fetchall()]


def community_content(scope: ViewerScope) -> Q:
    """Prefilter for posts and the like: in a community the viewer may read, or company-wide
    (community_id None, which guests never see)."""
    q = Q(community_id__in=scope.readable_community_ids)
    if scope.is_employee:
        q |= Q(community_id__isnull=True)
    return q


_types: dict[str, DocType] = {}


def register(doc_type: DocType) -> None:
    _types[doc_type.name] = doc_type


def get(name: str) -> DocType | None:
    return _types.get(name)


def all_types() -> list[DocType]:
    return list(_types.values())


def types_for_model(model) -> list[DocType]:
    return [t for t in _types.values() if t.model is model]
