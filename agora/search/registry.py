"""Document types: each app says how its objects become search documents and who may see them.

A later capability (questions, events...) registers its own type:

    registry.register(DocType(name="question", model=Question, build=..., visible=...,
                              queryset=...))
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

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
    label: str = ""
    extra: dict = field(default_factory=dict)


_types: dict[str, DocType] = {}


def register(doc_type: DocType) -> None:
    _types[doc_type.name] = doc_type


def get(name: str) -> DocType | None:
    return _types.get(name)


def all_types() -> list[DocType]:
    return list(_types.values())


def types_for_model(model) -> list[DocType]:
    return [t for t in _types.values() if t.model is model]
