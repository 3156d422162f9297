"""REST API v1 for communities and memberships. Thin: every rule lives in services.py.

A secret community answers 404 to anyone who isn't a member or invited, exactly as a slug
that doesn't exist; a listed community whose content the caller may not read answers 403.
"""

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from agora.core.api import ErrorOut

from . import services
from .models import Membership
from .schemas import (
    CommunityIn,
    CommunityOut,
    CommunityPage,
    CommunityPatch,
    InviteIn,
    MemberOut,
    MemberPage,
    MembershipState,
    RoleIn,
    community_out,
    member_out,
)
from .visibility import membership_of

router = Router(tags=["communities"])
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class CommunityQuery(Schema):
    mine: bool = False
    cursor: str | None = None
    limit: int | None = None


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = None


def _out(request, community) -> dict:
    return community_out(community, membership_of(request.auth, community), viewer=request.auth)


def _state(membership: Membership | None) -> dict:
    if membership is None:
        return {"state": None, "role": None}
    return {"state": membership.state, "role": membership.role}


def _members(page) -> dict:
    return {"items": [member_out(m) for m in page.items], "next_cursor": page.next_cursor}


@router.get("/communities", response={200: CommunityPage, **ERRORS}, exclude_unset=True)
def list_communities(request, query: Query[CommunityQuery]):
    """The communities you may know about (open and on-request ones, plus yours), or only
    those you belong to with `mine=true`. External guests only ever see their own."""
    page = services.list_communities(
        request.auth, mine=query.mine, cursor=query.cursor, limit=query.limit
    )
    mine = services.viewer_memberships(request.auth, page.items)
    return {
        "items": [community_out(c, mine.get(c.pk), viewer=request.auth) for c in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/communities", response={201: CommunityOut, **ERRORS}, exclude_unset=True)
def create_community(request, payload: CommunityIn):
    community = services.create_community(request.auth, **payload.model_dump())
    return Status(201, _out(request, community))


@router.get("/communities/{slug}", response={200: CommunityOut, **ERRORS}, exclude_unset=True)
def get_community(request, slug: str):
    return _out(request, services.access_community(request.auth, slug))


@router.patch("/communities/{slug}", response={200: CommunityOut, **ERRORS}, exclude_unset=True)
def edit_community(request, slug: str, payload: CommunityPatch):
    community = services.access_community(request.auth, slug)
    services.update_community(request.auth, community, payload.model_dump(exclude_unset=True))
    return _out(request, community)


@router.post(
    "/communities/{slug}/cover", response={200: CommunityOut, **ERRORS}, exclude_unset=True
)
def set_cover(request, slug: str, cover: File[UploadedFile]):
    """Moderators upload the cover image (multipart, field `cover`); it is re-encoded."""
    community = services.access_community(request.auth, slug)
    services.set_cover(request.auth, community, cover)
    return _out(request, community)


@router.delete(
    "/communities/{slug}/cover", response={200: CommunityOut, **ERRORS}, exclude_unset=True
)
def clear_cover(request, slug: str):
    community = services.access_community(request.auth, slug)
    services.clear_cover(request.auth, community)
    return _out(request, community)


@router.post("/communities/{slug}/join", response={200: MembershipState, **ERRORS})
def join(request, slug: str):
    """Open: you are a member at once. On request: your request waits for a moderator.
    Invited: this accepts the invitation."""
    community = services.access_community(request.auth, slug)
    return _state(services.join(request.auth, community))


@router.post("/communities/{slug}/leave", response={200: MembershipState, **ERRORS})
def leave(request, slug: str):
    """Leave, withdraw your request, or decline an invitation."""
    community = services.access_community(request.auth, slug)
    services.leave(request.auth, community)
    return _state(None)


@router.get("/communities/{slug}/members", response={200: MemberPage, **ERRORS}, exclude_unset=True)
def list_members(request, slug: str, query: Query[PageQuery]):
    community = services.access_community(request.auth, slug)
    return _members(services.members(request.auth, community, query.cursor, query.limit))


@router.get(
    "/communities/{slug}/requests", response={200: MemberPage, **ERRORS}, exclude_unset=True
)
def list_requests(request, slug: str, query: Query[PageQuery]):
    """Pending requests to join (moderators only)."""
    community = services.access_community(request.auth, slug)
    page = services.members(
        request.auth, community, query.cursor, query.limit, state=Membership.State.PENDING
    )
    return _members(page)


@router.post("/communities/{slug}/requests/{username}/approve", response={204: None, **ERRORS})
def approve_request(request, slug: str, username: str):
    community = services.access_community(request.auth, slug)
    services.decide_request(request.auth, community, username, approve=True)
    return Status(204, None)


@router.post("/communities/{slug}/requests/{username}/refuse", response={204: None, **ERRORS})
def refuse_request(request, slug: str, username: str):
    community = services.access_community(request.auth, slug)
    services.decide_request(request.auth, community, username, approve=False)
    return Status(204, None)


@router.post(
    "/communities/{slug}/invitations", response={201: MemberOut, **ERRORS}, exclude_unset=True
)
def invite(request, slug: str, payload: InviteIn):
    """Invite an employee or (moderators only) an external guest. Inviting someone who asked
    to join approves their request."""
    community = services.access_community(request.auth, slug)
    membership = services.invite(request.auth, community, payload.username)
    return Status(201, member_out(membership))


@router.delete("/communities/{slug}/members/{username}", response={204: None, **ERRORS})
def remove_member(request, slug: str, username: str):
    community = services.access_community(request.auth, slug)
    services.remove_member(request.auth, community, username)
    return Status(204, None)


@router.put(
    "/communities/{slug}/members/{username}/role",
    response={200: MemberOut, **ERRORS},
    exclude_unset=True,
)
def set_role(request, slug: str, username: str, payload: RoleIn):
    community = services.access_community(request.auth, slug)
    return member_out(services.set_role(request.auth, community, username, payload.role))
