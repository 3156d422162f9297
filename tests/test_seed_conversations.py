"""`agora seed` with communities and conversations: counters, timelines and secrecy."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from agora.communities.models import Community, Membership
from agora.conversations import feeds, seeding
from agora.conversations.feed import audience_ids
from agora.conversations.models import (
    Category,
    Comment,
    HashtagFollow,
    Post,
    Reaction,
    TimelineEntry,
)
from agora.conversations.visibility import visible_posts
from agora.notifications.models import Notification
from agora.people.demo import DEMO_ACCOUNTS

PEOPLE = 40
SECRET = "Projet Horizon"
EXTRANET = "Partenaires Acme"


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed", stdout=out, **{"people": PEOPLE, "no_archive": True, **options})
    return out.getvalue()


def demo_user(role: str):
    email = next(e for r, e, _kind in DEMO_ACCOUNTS if r == role)
    return get_user_model().objects.get(email=email)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (get_user_model(), Community, Post, Comment, Reaction))


def all_home(viewer) -> list[Post]:
    posts, cursor = [], None
    while True:
        page = feeds.home(viewer, cursor=cursor, limit=100)
        posts += page.items
        if not page.next_cursor:
            return posts
        cursor = page.next_cursor


@pytest.fixture
def seeded(db):
    return seed()


def test_seeds_communities_posts_comments_and_reactions(seeded):
    assert "12 communities" in seeded
    assert Community.objects.filter(kind="open").count() >= 8
    assert Community.objects.filter(kind="request").count() >= 2
    assert Community.objects.filter(kind="secret").count() == 1
    assert Post.objects.count() > 100
    assert Post.objects.filter(kind="article", category__isnull=False).exclude(title="").exists()
    assert set(Category.objects.values_list("name", flat=True)) >= {
        "Actualités",
        "Engineering",
        "Vie au travail",
    }
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Reaction.objects.values("kind").distinct().count() >= 4
    assert Post.objects.filter(pinned_at__isnull=False).count() == 2
    assert Post.objects.filter(body_html__contains='href="/people/').exists() or (
        Post.objects.filter(mentions__isnull=False).exists()
    )
    assert Post.objects.filter(hashtags__isnull=False).distinct().count() > 50


def test_counters_equal_real_counts(seeded):
    posts = Post.objects.annotate(
        comments_n=Count("comments", distinct=True), reactions_n=Count("reactions", distinct=True)
    )
    for post in posts:
        assert (post.comment_count, post.reaction_count) == (post.comments_n, post.reactions_n)
    for comment in Comment.objects.annotate(n=Count("reactions")):
        assert comment.reaction_count == comment.n
    active = Count("memberships", filter=Q(memberships__state=Membership.State.ACTIVE))
    for community in Community.objects.annotate(n=active):
        assert community.member_count == community.n


def test_timelines_are_exactly_the_audiences_of_the_feed(seeded):
    entries: dict[int, set[int]] = {}
    for user_id, post_id in TimelineEntry.objects.values_list("user_id", "post_id"):
        entries.setdefault(post_id, set()).add(user_id)
    for post in Post.objects.all():
        assert entries.get(post.pk, set()) == audience_ids(post), post.pk


def test_secret_community_posts_reach_members_only(seeded):
    secret = Community.objects.get(name=SECRET)
    assert secret.kind == "secret" and Post.objects.filter(community=secret).exists()
    members = set(
        secret.memberships.filter(state=Membership.State.ACTIVE).values_list("user_id", flat=True)
    )
    assert demo_user("community manager").pk in members
    readers = TimelineEntry.objects.filter(post__community=secret).values_list("user_id", flat=True)
    assert set(readers) <= members


def test_demo_employee_has_a_lively_feed_without_secrets(seeded):
    camille = demo_user("employee")
    states = dict(Membership.objects.filter(user=camille).values_list("community__name", "state"))
    assert SECRET not in states
    assert list(states.values()).count("active") == 4
    assert "pending" in states.values() and "invited" in states.values()
    home = all_home(camille)
    assert len(home) >= 50
    assert not [p for p in home if p.community and p.community.name == SECRET]
    assert HashtagFollow.objects.filter(user=camille).count() == 3
    assert Notification.objects.filter(recipient=camille, read_at__isnull=True).exists()


def test_guest_sees_only_the_extranet_community(seeded):
    jordan = demo_user("external guest")
    membership = Membership.objects.get(user=jordan)
    assert (membership.community.name, membership.role, membership.state) == (
        EXTRANET,
        "guest",
        "active",
    )
    home = all_home(jordan)
    assert home and {p.community.name for p in home} == {EXTRANET}
    assert set(visible_posts(jordan).values_list("community__name", flat=True)) == {EXTRANET}


def test_if_empty_does_nothing_and_a_second_run_refuses(seeded):
    before = counts()
    assert "nothing seeded" in seed(if_empty=True)
    with pytest.raises(CommandError, match="already has people"):
        seed()
    assert counts() == before


def test_people_only_when_asked(db):
    output = seed(no_conversations=True)
    assert "communities" not in output
    assert get_user_model().objects.exists()
    assert not Community.objects.exists() and not Post.objects.exists()


def test_same_seed_same_conversations(db):
    seed(no_conversations=True)
    people, demo, _ids = seeding.load_people()
    first = seeding.plan_conversations(people, demo, 7)
    assert first == seeding.plan_conversations(people, demo, 7)
    other = seeding.plan_conversations(people, demo, 8)
    assert [p.body for p in first.posts] != [p.body for p in other.posts]
