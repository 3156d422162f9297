"""Who may read a post or comment: the one place feeds, pages, API, search and
notifications ask."""

from django.db.models import Q, QuerySet

from agora.accounts.models import User
from agora.communities.models import Community, Membership
from agora.communities.visibility import readable_q

from .models import Comment, Post


def posts_visible_q(viewer, prefix: str = "") -> Q:
    """A Q over Post (or over a model reaching Post through `prefix`, e.g. "post")."""
    p = f"{prefix}__" if prefix else ""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    live = Q(**{f"{p}deleted_at__isnull": True, f"{p}hidden_at__isnull": True})
    in_readable_community = readable_q(viewer, f"{p}community")
    if viewer.is_guest:
        # Guests see the communities they belong to and nothing else in Agora.
        return live & in_readable_community
    on_a_profile = Q(**{f"{p}community__isnull": True})
    return live & (on_a_profile | in_readable_community)


def post_readers_q(community: Community | None, prefix: str = "") -> Q:
    """A Q over User (or a model reaching User through `prefix`, e.g. "user" from Profile):
    who may read a live post in `community`, or on a profile when None. posts_visible_q seen
    from the post's side, for questions asked about many people at once (who may be
    mentioned, suggested): one query instead of one visibility check per person."""
    p = f"{prefix}__" if prefix else ""
    # User.is_employee: employees and administrators; guests read their communities only.
    employees = Q(**{f"{p}kind__in": [User.Kind.EMPLOYEE, User.Kind.ADMIN]})
    if community is None:
        return employees
    members = Q(
        **{
            f"{prefix}__in" if prefix else "pk__in": Membership.objects.filter(
                community=community, state=Membership.State.ACTIVE
            ).values("user_id")
        }
    )
    if community.kind == Community.Kind.OPEN:
        return members | employees
    return members


def visible_posts(viewer) -> QuerySet[Post]:
    return Post.objects.filter(posts_visible_q(viewer))


def visible_comments(viewer) -> QuerySet[Comment]:
    return Comment.objects.filter(
        posts_visible_q(viewer, "post"), deleted_at__isnull=True, hidden_at__isnull=True
    )


def can_read_post(viewer, post: Post) -> bool:
    return visible_posts(viewer).filter(pk=post.pk).exists()
