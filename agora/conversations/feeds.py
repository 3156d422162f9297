"""Reading feeds: home (precomputed timeline), community, profile and hashtag.

Each page is a fixed number of queries whatever its length: one for the page of ids, then
the cards (services.shape_cards: what a card shows, the viewer's reaction included) and, when
some have files, their files. The API reads its feeds through cards.py instead.
"""

from django.db.models import QuerySet

from agora.core.pagination import Page, paginate

from .models import Hashtag, Post, PostHashtag, TimelineEntry
from .services import shape_cards, shape_posts
from .visibility import posts_visible_q, visible_posts

NEW_POSTS_CAP = 99


def _posts_in_order(viewer, ids: list[int]) -> list[Post]:
    found = {p.pk: p for p in shape_cards(Post.objects.filter(pk__in=ids), viewer)}
    return [found[i] for i in ids if i in found]


def home(viewer, cursor=None, limit=None) -> Page:
    entries = TimelineEntry.objects.filter(user=viewer).filter(posts_visible_q(viewer, "post"))
    page = paginate(
        entries.only("post_id", "created_at"), ["-created_at", "-post_id"], cursor, limit
    )
    page.items = _posts_in_order(viewer, [e.post_id for e in page.items])
    return page


def new_in_home(viewer, since) -> int:
    """How many posts arrived after `since` (for the "new posts" indicator)."""
    entries = (
        TimelineEntry.objects.filter(user=viewer, created_at__gt=since)
        .exclude(post__author=viewer)
        .filter(posts_visible_q(viewer, "post"))
    )
    return entries[: NEW_POSTS_CAP + 1].count()


def _post_page(viewer, qs: QuerySet[Post], cursor, limit) -> Page:
    page = paginate(qs.only("id", "created_at"), ["-created_at", "-id"], cursor, limit)
    page.items = _posts_in_order(viewer, [p.pk for p in page.items])
    return page


def community(viewer, community_obj, cursor=None, limit=None) -> Page:
    return _post_page(viewer, visible_posts(viewer).filter(community=community_obj), cursor, limit)


def articles(viewer, category: str = "", cursor=None, limit=None) -> Page:
    """Long-form articles (blogs), newest first, optionally in one category."""
    qs = visible_posts(viewer).filter(kind=Post.Kind.ARTICLE)
    if category:
        qs = qs.filter(category__slug=category)
    return _post_page(viewer, qs, cursor, limit)


def pinned(viewer, community_obj) -> list[Post]:
    qs = visible_posts(viewer).filter(community=community_obj, pinned_at__isnull=False)
    return list(shape_posts(qs, viewer).order_by("-pinned_at")[:5])


def profile(viewer, author, cursor=None, limit=None) -> Page:
    return _post_page(viewer, visible_posts(viewer).filter(author=author), cursor, limit)


def hashtag(viewer, tag: Hashtag, cursor=None, limit=None) -> Page:
    links = PostHashtag.objects.filter(hashtag=tag).filter(posts_visible_q(viewer, "post"))
    page = paginate(links.only("post_id", "created_at"), ["-created_at", "-post_id"], cursor, limit)
    page.items = _posts_in_order(viewer, [link.post_id for link in page.items])
    return page
