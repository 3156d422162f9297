"""GET /api/v1/search: one search over every registered document type."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from agora.core.api import ErrorOut

from . import services

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = ""
    type: str | None = None  # one type or several, comma-separated
    community: str | None = None
    author: str | None = None
    # "from" is a Python keyword: aliased.
    date_from: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    cursor: str | None = None
    limit: int | None = None

    model_config = {"populate_by_name": True}


class SearchHitOut(Schema):
    type: str
    id: int
    title: str
    url: str
    snippet: str
    score: float
    created_at: dt.datetime | None
    lang: str


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    next_cursor: str | None
    count: int
    # True when more documents match than were ranked: `count` is then a lower bound.
    count_capped: bool = False


def filters_from(type_: str | None, community, author, date_from, date_to) -> services.Filters:
    types = [t.strip() for t in (type_ or "").split(",") if t.strip()] or None
    return services.Filters(
        types=types,
        community=community or None,
        author=author or None,
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/search", response={200: SearchPageOut, 401: ErrorOut, 422: ErrorOut})
def search(request, params: Query[SearchQuery]):
    """Search people, posts, articles, comments, communities, hashtags and every other
    registered type. Only what the caller may see is searched; `count` counts only those (a
    lower bound when `count_capped`). `snippet` is HTML-escaped text with the matched words
    in `<mark>`."""
    filters = filters_from(
        params.type, params.community, params.author, params.date_from, params.to
    )
    result = services.search(
        request.auth, params.q, filters, cursor=params.cursor, limit=params.limit
    )
    return {
        "items": [hit.__dict__ for hit in result.items],
        "next_cursor": result.next_cursor,
        "count": result.count,
        "count_capped": result.count_capped,
    }
