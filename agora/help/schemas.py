"""API shapes for requests and offers of help, their responses, thanks and matches."""

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema

from agora.communities.schemas import CommunityRef, PersonRef, community_ref, compact, person_ref
from agora.core.api import StrictInput

from .models import HelpItem, Response, Thanks


class HelpItemOut(Schema):
    id: int
    kind: str = Field(..., description="request or offer")
    url: str
    author: PersonRef
    community: CommunityRef | None = Field(None, description="Absent: company-wide.")
    title: str
    body: str = Field(..., description="Markdown source")
    body_html: str = Field(..., description="Sanitised HTML")
    tags: list[str]
    deadline: dt.date | None = Field(None, description="Requests only.")
    availability: str = Field("", description="Offers only.")
    status: str = Field(..., description="open, in_progress, done or withdrawn")
    response_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None = None
    hidden_at: dt.datetime | None = Field(None, description="Set when a moderator hid it.")


def item_out(item: HelpItem) -> dict:
    """`item` comes from services.shape_items."""
    return compact(
        {
            "id": item.pk,
            "kind": item.kind,
            "url": reverse("help:detail", args=[item.pk]),
            "author": person_ref(item.author),
            "community": community_ref(item.community) if item.community_id else None,
            "title": item.title,
            "body": item.body,
            "body_html": item.body_html,
            "tags": [t.name for t in item.tags.all()],
            "deadline": item.deadline,
            "availability": item.availability,
            "status": item.status,
            "response_count": getattr(item, "response_count", 0),
            "created_at": item.created_at,
            "updated_at": item.updated_at,
            "closed_at": item.closed_at,
            "hidden_at": item.hidden_at,
        }
    )


class HelpItemPage(Schema):
    items: list[HelpItemOut]
    next_cursor: str | None = None


class HelpItemIn(StrictInput):
    kind: str = Field(..., description="request or offer")
    title: str = Field(..., max_length=200)
    body: str = Field("", max_length=20_000, description="Markdown")
    tags: list[str] = Field(default_factory=list, description="Tag names, with or without #")
    community: str | None = Field(None, description="Slug; absent for company-wide.")
    deadline: dt.date | None = Field(None, description="Requests only.")
    availability: str = Field("", max_length=200, description="Offers only.")


class HelpItemPatch(StrictInput):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=20_000)
    tags: list[str] | None = None
    deadline: dt.date | None = None
    availability: str | None = Field(None, max_length=200)
    hidden: bool | None = Field(
        None, description="Administrators and the community's moderators only."
    )


class StatusIn(StrictInput):
    status: str = Field(..., description="open, in_progress, done or withdrawn")


class ResponseIn(StrictInput):
    message: str = Field("", max_length=2_000)


class ResponseOut(Schema):
    user: PersonRef
    message: str
    created_at: dt.datetime


def response_out(response: Response) -> dict:
    return {
        "user": person_ref(response.user),
        "message": response.message,
        "created_at": response.created_at,
    }


class ThanksIn(StrictInput):
    helpers: list[str] = Field(..., description="Usernames of the people who helped.")
    message: str = Field("", max_length=2_000)


class ThanksOut(Schema):
    helper: PersonRef
    message: str
    created_at: dt.datetime


def thanks_out(thanks: Thanks) -> dict:
    return {
        "helper": person_ref(thanks.helper),
        "message": thanks.message,
        "created_at": thanks.created_at,
    }


class ItemRef(Schema):
    id: int
    kind: str
    title: str
    url: str


class ReceivedThanksOut(Schema):
    item: ItemRef | None = Field(
        None, description="Absent when you may not see the request the thanks was for."
    )
    thanked_by: PersonRef | None = None
    message: str | None = None
    created_at: dt.datetime


def received_out(thanks: Thanks) -> dict:
    """What a thanks says depends on whether the viewer may see its request."""
    if not thanks.item_visible:
        return {"created_at": thanks.created_at}
    item = thanks.item
    return {
        "item": {
            "id": item.pk,
            "kind": item.kind,
            "title": item.title,
            "url": reverse("help:detail", args=[item.pk]),
        },
        "thanked_by": person_ref(item.author),
        "message": thanks.message,
        "created_at": thanks.created_at,
    }


class ReceivedThanksPage(Schema):
    count: int
    items: list[ReceivedThanksOut]
    next_cursor: str | None = None


class PersonMatchOut(Schema):
    person: PersonRef
    score: float
    reasons: list[str]
    offer: ItemRef | None = Field(None, description="Their open offer that matches, if any.")


class ItemMatchOut(Schema):
    item: HelpItemOut
    score: float
    reasons: list[str]


class MatchesOut(Schema):
    people: list[PersonMatchOut] = Field(
        default_factory=list, description="For a request: who could help."
    )
    requests: list[ItemMatchOut] = Field(
        default_factory=list, description="For an offer: requests it could answer."
    )


def item_ref(item: HelpItem) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "url": reverse("help:detail", args=[item.pk]),
    }
