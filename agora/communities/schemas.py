"""API shapes for communities and memberships."""

import contextlib
import datetime as dt

from django.urls import NoReverseMatch, reverse
from ninja import Field, Schema

from agora.core.api import StrictInput

from .models import Community, Membership


def compact(out: dict) -> dict:
    """Leave absent what has no value (the routes use exclude_unset, so a page's
    `next_cursor: null` stays while a post without a community has no `community` key)."""
    return {k: v for k, v in out.items() if v is not None}


class PersonRef(Schema):
    username: str
    display_name: str
    avatar_url: str | None = None


def person_ref(user) -> dict:
    profile = getattr(user, "profile", None)
    out = {
        "username": user.username,
        "display_name": profile.display_name if profile else user.username,
    }
    if profile is not None and profile.avatar:
        out["avatar_url"] = reverse("people:avatar", args=[user.username])
    return out


class CommunityRef(Schema):
    slug: str
    name: str
    kind: str


def community_ref(community: Community) -> dict:
    return {"slug": community.slug, "name": community.name, "kind": community.kind}


class ViewerMembership(Schema):
    state: str = Field(..., description="active, pending (asked to join) or invited")
    role: str


class CommunityOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    description_html: str
    rules: str
    rules_html: str
    cover_url: str | None = None
    created_at: dt.datetime
    member_count: int | None = Field(
        None, description="Left out of secret communities for anyone but their members."
    )
    membership: ViewerMembership | None = Field(None, description="The caller's, if any.")
    can_read: bool
    can_moderate: bool


def community_out(community: Community, membership: Membership | None, *, viewer) -> dict:
    from .visibility import can_moderate, can_read

    active = membership is not None and membership.state == Membership.State.ACTIVE
    out = {
        "slug": community.slug,
        "name": community.name,
        "kind": community.kind,
        "description": community.description,
        "description_html": community.description_html,
        "rules": community.rules,
        "rules_html": community.rules_html,
        "created_at": community.created_at,
        "can_read": can_read(viewer, community, membership),
        "can_moderate": can_moderate(viewer, community, membership),
    }
    if community.kind != Community.Kind.SECRET or active:
        out["member_count"] = community.member_count
    if membership is not None:
        out["membership"] = {"state": membership.state, "role": membership.role}
    if community.cover:
        # The web pages serve covers; the API works without them.
        with contextlib.suppress(NoReverseMatch):
            out["cover_url"] = reverse("communities:cover", args=[community.slug])
    return out


class CommunityPage(Schema):
    items: list[CommunityOut]
    next_cursor: str | None


class MemberOut(Schema):
    person: PersonRef
    role: str
    state: str
    since: dt.datetime


def member_out(membership: Membership) -> dict:
    return {
        "person": person_ref(membership.user),
        "role": membership.role,
        "state": membership.state,
        "since": membership.created_at,
    }


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class CommunityIn(StrictInput):
    name: str = Field(..., max_length=120)
    kind: str = Field(Community.Kind.OPEN, description="open, request or secret")
    description: str = Field("", max_length=10_000)
    rules: str = Field("", max_length=10_000)


class CommunityPatch(StrictInput):
    name: str | None = Field(None, max_length=120)
    kind: str | None = None
    description: str | None = Field(None, max_length=10_000)
    rules: str | None = Field(None, max_length=10_000)


class InviteIn(StrictInput):
    username: str = Field(..., max_length=150)


class RoleIn(StrictInput):
    role: str = Field(..., description="owner, moderator, member or guest")


class MembershipState(Schema):
    state: str | None = Field(None, description="active, pending, invited, or null: none")
    role: str | None = None
