"""Who may read a post or comment: the one place feeds, pages, API, search and
notifications ask."""

from django.db.models import Q, QuerySet

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


def visible_posts(viewer) -> QuerySet[Post]:
    return Post.objects.filter(posts_visible_q(viewer))


def visible_comments(viewer) -> QuerySet[Comment]:
    return Comment.objects.filter(
        posts_visible_q(viewer, "post"), deleted_at__isnull=True, hidden_at__isnull=True
    )


def can_read_post(viewer, post: Post) -> bool:
    return visible_posts(viewer).filter(pk=post.pk).exists()
