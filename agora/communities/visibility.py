"""Who may see a community, read its content, and moderate it. The single source of these
rules for pages, API, feeds, search and notifications."""

from django.db.models import Q, QuerySet

from .models import Community, Membership


def active_community_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values(
        "community_id"
    )


def _known_community_ids(user) -> QuerySet:
    """Active members and people invited (they must see what they were invited to)."""
    return Membership.objects.filter(
        user=user, state__in=[Membership.State.ACTIVE, Membership.State.INVITED]
    ).values("community_id")


def listed_q(viewer) -> Q:
    """A Q over Community: those whose existence the viewer may know."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    mine = Q(pk__in=_known_community_ids(viewer))
    if viewer.is_guest:
        return mine
    return mine | Q(kind__in=[Community.Kind.OPEN, Community.Kind.REQUEST])


def readable_q(viewer, prefix: str = "") -> Q:
    """A Q (over Community, or over a model pointing at one through `prefix`) for communities
    whose posts, comments, files and member list the viewer may read."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    field = f"{prefix}__in" if prefix else "pk__in"
    mine = Q(**{field: active_community_ids(viewer)})
    if viewer.is_guest:
        return mine
    kind = f"{prefix}__kind" if prefix else "kind"
    return mine | Q(**{kind: Community.Kind.OPEN})


def listed_communities(viewer) -> QuerySet[Community]:
    return Community.objects.filter(listed_q(viewer))


def membership_of(viewer, community) -> Membership | None:
    if viewer is None or not viewer.is_authenticated:
        return None
    return Membership.objects.filter(user=viewer, community=community).first()


# "Not looked up yet", as opposed to None: "looked up, not a member" (saves a query per row
# when a list already fetched the viewer's memberships).
UNKNOWN = object()


def can_read(viewer, community: Community, membership=UNKNOWN) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if membership is UNKNOWN:
        membership = membership_of(viewer, community)
    if membership is not None and membership.state == Membership.State.ACTIVE:
        return True
    return viewer.is_employee and community.kind == Community.Kind.OPEN


def can_moderate(viewer, community: Community, membership=UNKNOWN) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.is_administrator:
        return True
    if membership is UNKNOWN:
        membership = membership_of(viewer, community)
    return membership is not None and membership.can_moderate


def moderated_community_ids(viewer) -> QuerySet:
    return Membership.objects.filter(
        user=viewer,
        state=Membership.State.ACTIVE,
        role__in=[Membership.Role.OWNER, Membership.Role.MODERATOR],
    ).values("community_id")


def fellow_members_of_guest(guest) -> Q:
    """A Q over Profile: active members of the communities the guest actively belongs to."""
    shared = Membership.objects.filter(
        state=Membership.State.ACTIVE, community_id__in=active_community_ids(guest)
    ).values("user_id")
    return Q(user_id__in=shared, user__is_active=True)
