"""Who may see a request or offer of help: the same reach as a post in the same place."""

from django.db.models import Q, QuerySet

from agora.communities.visibility import readable_q

from .models import HelpItem


def help_items_visible_q(viewer, prefix: str = "") -> Q:
    """A Q over HelpItem (or a model reaching it through `prefix`, e.g. "help_item")."""
    p = f"{prefix}__" if prefix else ""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    live = Q(**{f"{p}hidden_at__isnull": True})
    in_readable_community = readable_q(viewer, f"{p}community")
    if viewer.is_guest:
        return live & in_readable_community
    company_wide = Q(**{f"{p}community__isnull": True})
    return live & (company_wide | in_readable_community)


def visible_help_items(viewer) -> QuerySet[HelpItem]:
    return HelpItem.objects.filter(help_items_visible_q(viewer))


def can_see_help_item(viewer, item: HelpItem) -> bool:
    return visible_help_items(viewer).filter(pk=item.pk).exists()


def audience_q(item: HelpItem) -> Q:
    """A Q over User: the people who may see `item` (the mirror of help_items_visible_q), so
    matching and notifications never reach someone the item is hidden from."""
    from agora.accounts.models import User
    from agora.communities.models import Community, Membership

    if item.hidden_at is not None:
        return Q(pk__in=[])
    employees = Q(is_active=True, kind__in=[User.Kind.EMPLOYEE, User.Kind.ADMIN])
    if item.community_id is None:
        return employees
    members = Q(
        is_active=True,
        pk__in=Membership.objects.filter(
            community_id=item.community_id, state=Membership.State.ACTIVE
        ).values("user_id"),
    )
    if item.community.kind == Community.Kind.OPEN:
        return members | employees
    return members
