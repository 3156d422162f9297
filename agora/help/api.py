"""REST API v1 for requests and offers of help.

Thin: the services decide. An item the caller may not see answers 404, as if it did not exist.
"""

from ninja import Query, Router, Schema, Status

from agora.communities import services as community_services
from agora.communities.schemas import person_ref
from agora.core.api import ErrorOut
from agora.people import services as people_services

from . import matching, services, thanks
from .models import HelpItem
from .schemas import (
    HelpItemIn,
    HelpItemOut,
    HelpItemPage,
    HelpItemPatch,
    MatchesOut,
    ReceivedThanksPage,
    ResponseIn,
    ResponseOut,
    StatusIn,
    ThanksIn,
    ThanksOut,
    item_out,
    item_ref,
    received_out,
    response_out,
    thanks_out,
)

router = Router(tags=["help"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ListQuery(Schema):
    kind: str = ""
    status: str = ""
    tag: str = ""
    community: str = ""
    mine: bool = False
    q: str = ""
    cursor: str | None = None
    limit: int | None = None


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = None


def _item(request, item_id: int) -> dict:
    return item_out(services.access_item(request.auth, item_id))


@router.get("/help", response={200: HelpItemPage, **ERRORS}, exclude_unset=True)
def list_items(request, query: Query[ListQuery]):
    """Requests and offers you may see, newest first.

    `status`: open, in_progress, done, withdrawn, `active` (open or in progress) or `all`
    (the default). `q` matches the words of the title, details and tags, in French or
    English (stems, accents folded)."""
    filters = services.Filters(
        kind=query.kind,
        status=query.status,
        tag=query.tag,
        community=query.community,
        mine=query.mine,
        q=query.q,
    )
    page = services.list_items(request.auth, filters, query.cursor, query.limit)
    return {"items": [item_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.post("/help", response={201: HelpItemOut, **ERRORS}, exclude_unset=True)
def create_item(request, payload: HelpItemIn):
    """Ask for help (`kind=request`, optional `deadline`) or offer it (`kind=offer`, optional
    `availability`), company-wide or in one of your communities. A few people who match are
    told."""
    community = None
    if payload.community:
        community = community_services.access_community(request.auth, payload.community)
    item = services.create_item(
        request.auth,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
        community=community,
        deadline=payload.deadline,
        availability=payload.availability,
    )
    return Status(201, _item(request, item.pk))


@router.get("/help/{item_id}", response={200: HelpItemOut, **ERRORS}, exclude_unset=True)
def get_item(request, item_id: int):
    return _item(request, item_id)


@router.patch("/help/{item_id}", response={200: HelpItemOut, **ERRORS}, exclude_unset=True)
def edit_item(request, item_id: int, payload: HelpItemPatch):
    """The author edits; administrators and the community's moderators may set `hidden`."""
    changes = payload.dict(exclude_unset=True)
    hidden = changes.pop("hidden", None)
    # null means "leave as is", except for the deadline where it clears it.
    changes = {k: v for k, v in changes.items() if v is not None or k == "deadline"}
    if hidden is not None:
        services.access_to_hide(request.auth, item_id)  # refuse before changing anything
    if changes:
        services.edit_item(request.auth, item_id, changes)
    if hidden is not None:
        item = services.set_hidden(request.auth, item_id, hidden)
        # Hidden from everyone now, moderators included: answer with what was hidden.
        return item_out(services.access_for_moderation(request.auth, item.pk))
    return _item(request, item_id)


@router.post("/help/{item_id}/status", response={200: HelpItemOut, **ERRORS}, exclude_unset=True)
def set_status(request, item_id: int, payload: StatusIn):
    """open, in_progress, done or withdrawn (the author only); from done or withdrawn only
    back to open."""
    services.set_status(request.auth, item_id, payload.status)
    return _item(request, item_id)


@router.get("/help/{item_id}/responses", response={200: list[ResponseOut], **ERRORS})
def list_responses(request, item_id: int):
    item = services.access_item(request.auth, item_id)
    return [response_out(r) for r in thanks.responses_of(request.auth, item)]


@router.post("/help/{item_id}/responses", response={201: ResponseOut, **ERRORS})
def respond(request, item_id: int, payload: ResponseIn):
    """ "I can help" on a request, "I'm interested" on an offer; the author is told."""
    response = thanks.respond(request.auth, item_id, payload.message)
    return Status(201, response_out(response))


@router.delete("/help/{item_id}/responses", response={204: None, **ERRORS})
def withdraw_response(request, item_id: int):
    thanks.withdraw_response(request.auth, item_id)
    return Status(204, None)


@router.get("/help/{item_id}/thanks", response={200: list[ThanksOut], **ERRORS})
def list_thanks(request, item_id: int):
    item = services.access_item(request.auth, item_id)
    return [thanks_out(t) for t in thanks.thanks_of(request.auth, item)]


@router.post("/help/{item_id}/thanks", response={201: list[ThanksOut], **ERRORS})
def thank(request, item_id: int, payload: ThanksIn):
    """Close your request with thanks to the people who helped: it becomes done, each of them
    is told, and the thanks shows on their profile."""
    created = thanks.thank(request.auth, item_id, payload.helpers, payload.message)
    item = services.access_item(request.auth, item_id)
    ids = {t.helper_id for t in created}
    return Status(
        201, [thanks_out(t) for t in thanks.thanks_of(request.auth, item) if t.helper_id in ids]
    )


@router.get("/help/{item_id}/matches", response={200: MatchesOut, **ERRORS})
def matches(request, item_id: int, limit: int = 8):
    """For a request, people who could help (with why); for an offer, open requests it could
    answer. Only what you may see, and only people who may see the item."""
    item = services.access_item(request.auth, item_id)
    limit = max(1, min(limit, 20))
    if item.kind == HelpItem.Kind.REQUEST:
        people = matching.people_for_request(request.auth, item, limit=limit)
        return {
            "people": [
                {
                    "person": person_ref(m.user),
                    "score": m.score,
                    "reasons": m.reasons,
                    "offer": item_ref(m.offer) if m.offer else None,
                }
                for m in people
            ]
        }
    found = matching.requests_for_offer(request.auth, item, limit=limit)
    return {
        "requests": [
            {"item": item_out(m.item), "score": m.score, "reasons": m.reasons} for m in found
        ]
    }


@router.get(
    "/users/{username}/thanks", response={200: ReceivedThanksPage, **ERRORS}, exclude_unset=True
)
def received_thanks(request, username: str, query: Query[PageQuery]):
    """Thanks the person received for their help, newest first. A thanks for a request you
    may not see only shows its date."""
    user = people_services.access_user(request.auth, username)
    page = thanks.thanks_page(request.auth, user, query.cursor, query.limit)
    return {
        "count": thanks.thanks_count(user),
        "items": [received_out(t) for t in page.items],
        "next_cursor": page.next_cursor,
    }
