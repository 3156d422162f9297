"""Who sees whom, and which profile fields. The single source of these rules.

Pages, the API, the directory filters and (later) search and feeds all go through here, so a
field hidden in one path is hidden in all of them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import PRIVATE_FIELDS, Follow, Profile, Visibility

# Later apps (communities) register functions viewer -> Q over users that a guest may see,
# e.g. fellow members of the extranet communities the guest was invited to.
GUEST_CONTACTS: list = []


def people_visible_to(viewer) -> Q:
    """A Q over Profile: the people `viewer` may know exist."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    if viewer.is_employee:
        return Q(user__is_active=True)
    allowed = Q(user=viewer)
    if viewer.invited_by_id:
        allowed |= Q(user_id=viewer.invited_by_id, user__is_active=True)
    for contacts in GUEST_CONTACTS:
        allowed |= contacts(viewer)
    return allowed


def visible_profiles(viewer) -> QuerySet[Profile]:
    return Profile.objects.filter(people_visible_to(viewer))


def owner_follows(viewer, outer: str = "user"):
    """Exists(): the profile's owner follows `viewer` (grants FOLLOWING-level fields)."""
    return Exists(Follow.objects.filter(follower=OuterRef(outer), followee=viewer))


def field_visible_q(field: str, viewer) -> Q:
    """A Q over Profile: rows whose `field` the viewer may see (for filters on hidden fields)."""
    assert field in PRIVATE_FIELDS, field
    level = f"{field}_visibility"
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    allowed = Q(user=viewer) | Q(**{level: Visibility.EVERYONE})
    if viewer.is_employee:
        allowed |= Q(**{level: Visibility.EMPLOYEES})
    allowed |= Q(**{level: Visibility.FOLLOWING}) & Q(owner_follows(viewer))
    return allowed


def can_see_field(profile: Profile, field: str, viewer, *, owner_follows_viewer: bool) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if profile.user_id == viewer.pk:
        return True
    level = getattr(profile, f"{field}_visibility")
    if level == Visibility.EVERYONE:
        return True
    if level == Visibility.EMPLOYEES:
        return viewer.is_employee
    if level == Visibility.FOLLOWING:
        return owner_follows_viewer
    return False


def with_viewer_context(qs: QuerySet[Profile], viewer) -> QuerySet[Profile]:
    """Annotate what the per-field rules need, so a list costs no query per row."""
    if viewer is None or not viewer.is_authenticated:
        return qs.none()
    return qs.annotate(
        owner_follows_viewer=owner_follows(viewer),
        viewer_follows_owner=Exists(
            Follow.objects.filter(follower=viewer, followee=OuterRef("user"))
        ),
        # Naming someone's manager must not reveal a person the viewer may not see.
        manager_visible=Exists(visible_profiles(viewer).filter(user=OuterRef("manager"))),
    )


def can_see_person(user_id, viewer) -> bool:
    return visible_profiles(viewer).filter(user_id=user_id).exists()


def active_users():
    return get_user_model().objects.filter(is_active=True)
