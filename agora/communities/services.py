"""Community rules: creating, joining, requests and approvals, invitations, roles, removal.

Every membership change goes through here so `member_count`, the feed backfill and the
notifications stay in step.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agora.core import audit, images
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.core.markdown import render_markdown
from agora.core.pagination import Page, paginate

from .models import Community, Membership
from .visibility import can_moderate, can_read, listed_communities, membership_of

Role = Membership.Role
State = Membership.State


def _notify(kind, recipient, actor, community):
    from agora.notifications.services import notify

    notify(kind, recipient=recipient, actor=actor, community=community)


def access_community(viewer, slug: str) -> Community:
    """The community if the viewer may know it exists; NotFound otherwise (secret ones are
    indistinguishable from ones that don't exist)."""
    community = listed_communities(viewer).filter(slug=slug).first()
    if community is None:
        raise NotFound(_("No such community."))
    return community


def access_readable_community(viewer, slug: str) -> Community:
    community = access_community(viewer, slug)
    if not can_read(viewer, community):
        raise Forbidden(_("Join this community to see its content."))
    return community


def viewer_memberships(viewer, communities) -> dict[int, Membership]:
    """The viewer's membership in each of a page of communities, in one query."""
    ids = [c.pk for c in communities]
    if not ids or viewer is None or not viewer.is_authenticated:
        return {}
    rows = Membership.objects.filter(user=viewer, community_id__in=ids)
    return {m.community_id: m for m in rows}


def list_communities(viewer, *, mine: bool = False, cursor=None, limit=None) -> Page:
    qs = listed_communities(viewer)
    if mine:
        qs = qs.filter(memberships__user=viewer, memberships__state=State.ACTIVE)
    return paginate(qs, ["name", "id"], cursor, limit)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "community"
    slug, n = base, 2
    while Community.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_community(
    actor, *, name: str, kind: str = Community.Kind.OPEN, description: str = "", rules: str = ""
) -> Community:
    if not actor.is_employee:
        raise Forbidden(_("Only employees can create communities."))
    errors = {}
    name = (name or "").strip()
    if not name or len(name) > 120:
        errors["name"] = [_("Give a name of at most 120 characters.")]
    if kind not in Community.Kind.values:
        errors["kind"] = [_("Unknown kind of community.")]
    if len(description or "") > 10_000:
        errors["description"] = [_("At most %(n)d characters.") % {"n": 10_000}]
    if len(rules or "") > 10_000:
        errors["rules"] = [_("At most %(n)d characters.") % {"n": 10_000}]
    if errors:
        raise Invalid(fields=errors)
    community = Community.objects.create(
        name=name,
        slug=_unique_slug(name),
        kind=kind,
        description=description,
        description_html=render_markdown(description),
        rules=rules,
        rules_html=render_markdown(rules),
        created_by=actor,
        member_count=1,
    )
    Membership.objects.create(community=community, user=actor, role=Role.OWNER)
    return community


@transaction.atomic
def update_community(actor, community: Community, changes: dict) -> Community:
    if not can_moderate(actor, community):
        raise Forbidden()
    errors = {}
    for field, limit in (("name", 120), ("description", 10_000), ("rules", 10_000)):
        if field in changes:
            value = changes[field]
            if (
                not isinstance(value, str)
                or len(value) > limit
                or (field == "name" and not value.strip())
            ):
                errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    if "kind" in changes and changes["kind"] not in Community.Kind.values:
        errors["kind"] = [_("Unknown kind of community.")]
    if errors:
        raise Invalid(fields=errors)
    for field in ("name", "description", "rules", "kind"):
        if field in changes:
            setattr(community, field, changes[field].strip() if field == "name" else changes[field])
    community.description_html = render_markdown(community.description)
    community.rules_html = render_markdown(community.rules)
    community.save()
    return community


def _activate(membership: Membership) -> None:
    Community.objects.filter(pk=membership.community_id).update(member_count=F("member_count") + 1)
    from agora.conversations.feed import backfill_community

    transaction.on_commit(lambda: backfill_community(membership.user_id, membership.community_id))


@transaction.atomic
def join(actor, community: Community) -> Membership:
    """Open: join at once. On request: ask (moderators are notified). Secret: invitation only;
    an invited person joins by accepting."""
    membership = membership_of(actor, community)
    if membership is not None:
        if membership.state == State.ACTIVE:
            return membership
        if membership.state == State.INVITED:
            membership.state = State.ACTIVE
            membership.save(update_fields=["state"])
            _activate(membership)
            return membership
        return membership  # already pending
    if actor.is_guest:
        raise Forbidden(_("External guests join communities by invitation only."))
    if community.kind == Community.Kind.SECRET:
        raise NotFound(_("No such community."))
    state = State.ACTIVE if community.kind == Community.Kind.OPEN else State.PENDING
    try:
        with transaction.atomic():
            membership = Membership.objects.create(community=community, user=actor, state=state)
    except IntegrityError:
        return Membership.objects.get(community=community, user=actor)
    if state == State.ACTIVE:
        _activate(membership)
    else:
        for moderator in _moderators(community):
            _notify("join_request", moderator, actor, community)
    return membership


def _moderators(community) -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        memberships__community=community,
        memberships__state=State.ACTIVE,
        memberships__role__in=[Role.OWNER, Role.MODERATOR],
    )


@transaction.atomic
def leave(actor, community: Community) -> None:
    membership = membership_of(actor, community)
    if membership is None:
        return
    if membership.role == Role.OWNER and membership.state == State.ACTIVE:
        owners = community.memberships.filter(role=Role.OWNER, state=State.ACTIVE).count()
        if owners <= 1:
            raise Conflict(_("Name another owner before you leave."))
    _remove(membership)


def _remove(membership: Membership) -> None:
    was_active = membership.state == State.ACTIVE
    membership.delete()
    if was_active:
        Community.objects.filter(pk=membership.community_id).update(
            member_count=F("member_count") - 1
        )
        from agora.conversations.feed import prune_community

        transaction.on_commit(lambda: prune_community(membership.user_id, membership.community_id))


@transaction.atomic
def decide_request(actor, community: Community, username: str, approve: bool) -> None:
    if not can_moderate(actor, community):
        raise Forbidden()
    membership = (
        community.memberships.filter(user__username=username, state=State.PENDING)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotFound(_("No such request."))
    if approve:
        membership.state = State.ACTIVE
        membership.save(update_fields=["state"])
        _activate(membership)
        _notify("join_approved", membership.user, actor, community)
    else:
        membership.delete()
    audit.record(
        "community.request_" + ("approved" if approve else "refused"),
        actor=actor,
        target=membership.user,
        community=community.slug,
    )


@transaction.atomic
def invite(actor, community: Community, username: str) -> Membership:
    """Members of open communities and moderators elsewhere may invite employees; only
    moderators may invite external guests (they see nothing else in Agora)."""
    from django.contrib.auth import get_user_model

    mine = membership_of(actor, community)
    is_moderator = can_moderate(actor, community, mine)
    if actor.is_guest or not (
        is_moderator
        or (
            mine is not None
            and mine.state == State.ACTIVE
            and community.kind == Community.Kind.OPEN
        )
    ):
        # Guests never invite: they would learn who exists in the company by trying names.
        raise Forbidden(_("Only moderators can invite people here."))
    invitee = get_user_model().objects.filter(username=username, is_active=True).first()
    if invitee is None:
        raise NotFound(_("No such person."))
    if invitee.is_guest and not is_moderator:
        raise Forbidden(_("Only moderators can invite external guests."))
    existing = membership_of(invitee, community)
    if existing is not None:
        if existing.state == State.PENDING:  # they asked; the invitation is an approval
            existing.state = State.ACTIVE
            existing.save(update_fields=["state"])
            _activate(existing)
        return existing
    membership = Membership.objects.create(
        community=community,
        user=invitee,
        state=State.INVITED,
        invited_by=actor,
        role=Role.GUEST if invitee.is_guest else Role.MEMBER,
    )
    if invitee.is_guest and invitee.invited_by_id is None:
        invitee.invited_by = actor
        invitee.save(update_fields=["invited_by"])
    _notify("invitation", invitee, actor, community)
    audit.record("community.invited", actor=actor, target=invitee, community=community.slug)
    return membership


@transaction.atomic
def decline_invitation(actor, community: Community) -> None:
    membership = membership_of(actor, community)
    if membership is not None and membership.state == State.INVITED:
        membership.delete()


@transaction.atomic
def remove_member(actor, community: Community, username: str) -> None:
    if not can_moderate(actor, community):
        raise Forbidden()
    membership = (
        community.memberships.filter(user__username=username).select_related("user").first()
    )
    if membership is None:
        raise NotFound(_("No such member."))
    if membership.role == Role.OWNER and not actor.is_administrator:
        raise Forbidden(_("Owners can only be removed by an administrator."))
    _remove(membership)
    audit.record(
        "community.member_removed", actor=actor, target=membership.user, community=community.slug
    )


@transaction.atomic
def set_role(actor, community: Community, username: str, role: str) -> Membership:
    mine = membership_of(actor, community)
    is_owner = mine is not None and mine.role == Role.OWNER and mine.state == State.ACTIVE
    if not (is_owner or actor.is_administrator):
        raise Forbidden(_("Only owners can change roles."))
    if role not in Role.values:
        raise Invalid(fields={"role": [_("Unknown role.")]})
    membership = (
        community.memberships.filter(user__username=username, state=State.ACTIVE)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotFound(_("No such member."))
    if membership.user.is_guest and role != Role.GUEST:
        raise Invalid(fields={"role": [_("External guests keep the guest role.")]})
    if membership.role == Role.OWNER and role != Role.OWNER:
        owners = community.memberships.filter(role=Role.OWNER, state=State.ACTIVE).count()
        if owners <= 1:
            raise Conflict(_("A community needs at least one owner."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        "community.role_changed",
        actor=actor,
        target=membership.user,
        community=community.slug,
        old=old,
        new=role,
    )
    return membership


def members(viewer, community: Community, cursor=None, limit=None, state=State.ACTIVE) -> Page:
    """The member list: readable members only; pending requests only for moderators."""
    if state == State.ACTIVE and not can_read(viewer, community):
        raise Forbidden(_("Join this community to see its members."))
    if state != State.ACTIVE and not can_moderate(viewer, community):
        raise Forbidden()
    qs = community.memberships.filter(state=state).select_related("user", "user__profile")
    return paginate(qs, ["-created_at", "-id"], cursor, limit)


# --- Cover image (added for the web pages: the community page shows it) -------------------------

COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_SIZE = (1200, 300)


def set_cover(actor, community: Community, upload) -> Community:
    if not can_moderate(actor, community):
        raise Forbidden()
    webp = images.to_webp(upload, field="cover", max_bytes=COVER_MAX_BYTES, size=COVER_SIZE)
    images.replace_file(community.cover, f"{community.pk}.webp", webp)
    return community


def clear_cover(actor, community: Community) -> Community:
    if not can_moderate(actor, community):
        raise Forbidden()
    if community.cover:
        community.cover.delete(save=True)
    return community
