"""The home feed: hybrid fan-out on write.

Why (figures from bench/, see bench/README.md): reading a precomputed timeline is one index
range scan (~0.5 ms on PostgreSQL) against 3-4 ms for the best query-time union of followed
people, communities and hashtags, and the home feed is the most read page. Copying a post to
its audience costs ~5 ms for 150 readers but 170-480 ms for 7,000, so small audiences are
copied inside the request (the author sees the post at once, followers within the same
request) and large ones by a background task, well within the 2 s freshness target.

The timeline is only an index: every read re-applies the visibility rules through the post,
so a post hidden, deleted, or in a community someone left never shows even while its
timeline rows still exist.
"""

# The SQL here interpolates only table names from the models' Meta and "%s" placeholders.
# ruff: noqa: S608

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from agora.communities.models import Community, Membership
from agora.people.models import Follow, Profile

from .models import HashtagFollow, Post, PostHashtag, TimelineEntry

log = logging.getLogger(__name__)
BATCH = 1000
BACKFILL = 50


def audience_ids(post: Post) -> set[int]:
    """Everyone whose home feed gets this post, restricted to people who may read it."""
    user_ids: set[int] = {post.author_id}
    if post.community_id is None:
        user_ids |= set(
            Follow.objects.filter(followee_id=post.author_id).values_list("follower_id", flat=True)
        )
        tag_followers = HashtagFollow.objects.filter(hashtag__post_links__post=post).values_list(
            "user_id", flat=True
        )
        user_ids |= set(tag_followers)
        # Profile posts are for employees only: drop guests who follow the author or a tag.
        guests = (
            get_user_model()
            .objects.filter(pk__in=user_ids, kind=get_user_model().Kind.GUEST)
            .values_list("pk", flat=True)
        )
        return user_ids - set(guests)
    community = Community.objects.only("kind").get(pk=post.community_id)
    members = set(
        Membership.objects.filter(
            community_id=post.community_id, state=Membership.State.ACTIVE
        ).values_list("user_id", flat=True)
    )
    user_ids |= members
    if community.kind == Community.Kind.OPEN:
        # Followers of the author and of the post's tags may read an open community's post
        # (if they are employees), even without being members.
        extra = set(
            Follow.objects.filter(followee_id=post.author_id).values_list("follower_id", flat=True)
        )
        extra |= set(
            HashtagFollow.objects.filter(hashtag__post_links__post=post).values_list(
                "user_id", flat=True
            )
        )
        employees = (
            get_user_model()
            .objects.filter(pk__in=extra - members)
            .exclude(kind=get_user_model().Kind.GUEST)
            .values_list("pk", flat=True)
        )
        user_ids |= set(employees)
    return user_ids


def _write(post: Post, user_ids) -> int:
    rows = [
        TimelineEntry(user_id=uid, post_id=post.pk, created_at=post.created_at) for uid in user_ids
    ]
    for start in range(0, len(rows), BATCH):
        TimelineEntry.objects.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
    return len(rows)


def _audience_sql(post: Post, community_kind: str | None) -> tuple[str, list]:
    """`audience_ids` as SQL (the same rule, tested against it in tests/test_feed_lean.py)."""
    user = get_user_model()
    branches, params = ["SELECT %s AS user_id"], [post.author_id]
    if post.community_id is not None:
        branches.append(
            f"SELECT user_id FROM {Membership._meta.db_table}"
            " WHERE community_id = %s AND state = %s"
        )
        params += [post.community_id, Membership.State.ACTIVE]
    if post.community_id is None or community_kind == Community.Kind.OPEN:
        # Followers of the author and of the post's tags, employees only.
        branches.append(
            f"SELECT f.follower_id FROM {Follow._meta.db_table} f"
            f" JOIN {user._meta.db_table} u ON u.id = f.follower_id"
            " WHERE f.followee_id = %s AND u.kind <> %s"
        )
        params += [post.author_id, user.Kind.GUEST]
        branches.append(
            f"SELECT hf.user_id FROM {HashtagFollow._meta.db_table} hf"
            f" JOIN {PostHashtag._meta.db_table} ph ON ph.hashtag_id = hf.hashtag_id"
            f" JOIN {user._meta.db_table} u ON u.id = hf.user_id"
            " WHERE ph.post_id = %s AND u.kind <> %s"
        )
        params += [post.pk, user.Kind.GUEST]
    return " UNION ".join(branches), params


def fan_out(post_id: int) -> int:
    """Copy a post into its audience's timelines with one INSERT … SELECT: building the
    audience in Python and inserting it by batches cost ~0.4 s of Python for 7,000 followers
    against ~3 ms this way; what remains is the database's index maintenance."""
    post = (
        Post.objects.filter(pk=post_id, deleted_at__isnull=True)
        .select_related("community")
        .only("author_id", "community_id", "created_at", "community__kind")
        .first()
    )
    if post is None:
        return 0
    audience, params = _audience_sql(post, post.community.kind if post.community_id else None)
    with transaction.atomic(), connection.cursor() as cursor:
        # (SQLite needs the WHERE to read ON CONFLICT as the upsert clause, not a join.)
        cursor.execute(
            f"INSERT INTO {TimelineEntry._meta.db_table} (user_id, post_id, created_at)"
            f" SELECT a.user_id, p.id, p.created_at FROM {Post._meta.db_table} p, ({audience}) a"
            " WHERE p.id = %s ON CONFLICT (user_id, created_at, post_id) DO NOTHING",
            [*params, post.pk],
        )
    # How many timelines hold the post now (the author's may have been written already).
    return TimelineEntry.objects.filter(post_id=post.pk).count()


def audience_upper_bound(post: Post) -> int:
    """A cheap over-estimate of the audience (counts, no id lists), in one query: enough to
    choose between copying inside the request and handing the work to a task."""
    tag_ids = getattr(post, "_tag_ids", None)  # known when the post was just written
    if tag_ids is None:
        tag_ids = list(post.hashtag_links.values_list("hashtag_id", flat=True))
    # The profile's follower count (active followers) bounds the followers in the audience
    # without counting a celebrity's thousands of follow rows.
    parts = [
        f"COALESCE((SELECT follower_count FROM {Profile._meta.db_table} WHERE user_id = %s), 0)"
    ]
    params: list = [post.author_id]
    if post.community_id is not None:
        parts.append(
            f"COALESCE((SELECT member_count FROM {Community._meta.db_table} WHERE id = %s), 0)"
        )
        params.append(post.community_id)
    if tag_ids:
        marks = ", ".join(["%s"] * len(tag_ids))
        parts.append(
            f"(SELECT COUNT(*) FROM {HashtagFollow._meta.db_table} WHERE hashtag_id IN ({marks}))"
        )
        params += tag_ids
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {' + '.join(parts)}", params)
        return 1 + cursor.fetchone()[0]


def distribute(post: Post) -> None:
    """Called inside the transaction that writes the post. Small audiences inline, large ones
    in a task (its row commits with the post, so the worker never sees a task for a post that
    doesn't exist). The size is estimated from counts first: listing 7,000 follower ids inside
    the request only to decide to defer them cost a celebrity's post ~100 ms
    (bench/README.md)."""
    if audience_upper_bound(post) <= settings.AGORA_INLINE_FANOUT:
        fan_out(post.pk)
        return
    with connection.cursor() as cursor:  # the author sees their post at once
        cursor.execute(
            f"INSERT INTO {TimelineEntry._meta.db_table} (user_id, post_id, created_at)"
            f" SELECT author_id, id, created_at FROM {Post._meta.db_table} WHERE id = %s"
            " ON CONFLICT (user_id, created_at, post_id) DO NOTHING",
            [post.pk],
        )
    from .tasks import fan_out_task

    fan_out_task.enqueue(post.pk)


def backfill_author(user_id: int, author_id: int) -> None:
    """After a follow: the followee's recent profile posts appear in the follower's feed."""
    posts = Post.objects.filter(
        author_id=author_id, community__isnull=True, deleted_at__isnull=True
    ).order_by("-created_at")[:BACKFILL]
    _backfill(user_id, posts)


def backfill_community(user_id: int, community_id: int) -> None:
    posts = Post.objects.filter(community_id=community_id, deleted_at__isnull=True).order_by(
        "-created_at"
    )[:BACKFILL]
    _backfill(user_id, posts)


def backfill_hashtag(user_id: int, hashtag_id: int) -> None:
    links = PostHashtag.objects.filter(hashtag_id=hashtag_id).order_by("-created_at")[:BACKFILL]
    posts = Post.objects.filter(pk__in=[link.post_id for link in links], deleted_at__isnull=True)
    _backfill(user_id, posts)


def _backfill(user_id: int, posts) -> None:
    rows = [TimelineEntry(user_id=user_id, post_id=p.pk, created_at=p.created_at) for p in posts]
    TimelineEntry.objects.bulk_create(rows, ignore_conflicts=True)


def prune_author(user_id: int, author_id: int) -> None:
    """After an unfollow: the author's profile posts leave the feed (their community posts
    stay if the person is a member there)."""
    with transaction.atomic():
        TimelineEntry.objects.filter(
            user_id=user_id, post__author_id=author_id, post__community__isnull=True
        ).exclude(post__author_id=user_id).delete()


def prune_hashtag(user_id: int, hashtag_id: int) -> None:
    """After unfollowing a topic: its posts leave the feed unless another source brought
    them (an author the person follows, or a community they belong to)."""
    followed = Follow.objects.filter(follower_id=user_id).values("followee_id")
    communities = Membership.objects.filter(user_id=user_id, state=Membership.State.ACTIVE).values(
        "community_id"
    )
    other_tags = HashtagFollow.objects.filter(user_id=user_id).values("hashtag_id")
    TimelineEntry.objects.filter(
        user_id=user_id, post__hashtag_links__hashtag_id=hashtag_id
    ).exclude(post__author_id=user_id).exclude(post__author_id__in=followed).exclude(
        post__community_id__in=communities
    ).exclude(post__hashtag_links__hashtag_id__in=other_tags).delete()


def prune_community(user_id: int, community_id: int) -> None:
    TimelineEntry.objects.filter(user_id=user_id, post__community_id=community_id).exclude(
        post__author_id=user_id
    ).delete()
