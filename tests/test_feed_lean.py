"""The lean card endpoints (conversations/cards.py) answer exactly what the ORM path and the
API schemas say, apply the same visibility rule, and cost a fixed number of queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agora.conversations import cards, feeds, services
from agora.conversations.models import Comment, Post
from agora.conversations.schemas import CommentPage, PostOut, PostPage, comment_out, posts_out
from agora.conversations.visibility import visible_posts
from agora.people.models import Follow
from tests.api_factories import (
    add_member,
    committed,
    employee,
    guest,
    make_community,
    make_post,
    png_bytes,
)
from tests.factories import set_profile

pytestmark = pytest.mark.django_db


def _as_api(schema, data) -> dict:
    """What ninja would have answered for `data` (validated, then its JSON encoder)."""
    dumped = schema.model_validate(data).model_dump(exclude_unset=True)
    return json.loads(cards.json_response(dumped).content)


def _orm_page(viewer, page) -> dict:
    # The web feeds pick the page (ids, order, cursor) with the ORM's rule and shape only what
    # a card shows; the API's whole post comes from shape_posts.
    ids = [post.pk for post in page.items]
    shaped = {p.pk: p for p in services.shape_posts(Post.objects.filter(pk__in=ids), viewer)}
    items = posts_out([shaped[i] for i in ids])
    return _as_api(PostPage, {"items": items, "next_cursor": page.next_cursor})


@pytest.fixture
def world():
    """Every kind of place and post a card can show, and viewers on each side of the rules."""
    author = employee(username="writer")
    set_profile(author, display_name="Wanda Writer")
    member = employee(username="member")
    outsider = employee(username="outsider")
    visitor = guest(username="visitor")
    open_c = make_community(author, "open", name="Open place")
    closed = make_community(author, "request", name="Closed place")
    secret = make_community(author, "secret", name="Secret place")
    for c in (open_c, closed, secret):
        add_member(c, member)
    add_member(closed, visitor)
    for user in (member, outsider, visitor):
        Follow.objects.create(follower=user, followee=author)
    first = make_post(author, "The original, quoted below")
    secret_post = make_post(author, "Only members #plans", community=secret)
    posts = [
        make_post(author, "On my profile #launch #Alpha", quoted_id=first.pk),
        make_post(author, "Open to all #launch", community=open_c, quoted_id=secret_post.pk),
        make_post(author, "Closed doors #launch", community=closed),
        make_post(author, "Long read", kind="article", title="An article"),
        secret_post,
    ]
    services.attach_files(author, posts[0].pk, [services.Upload(name="a.png", content=png_bytes())])
    services.react(member, "like", post_id=posts[0].pk)
    services.react(outsider, "celebrate", post_id=posts[0].pk)
    services.react(member, "curious", post_id=posts[1].pk)
    hidden = make_post(author, "Hidden by a moderator", community=open_c)
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    gone = make_post(author, "Deleted #launch")
    Post.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    Post.objects.filter(pk=posts[2].pk).update(pinned_at=timezone.now(), edited_at=timezone.now())
    return {
        "author": author,
        "viewers": [author, member, outsider, visitor],
        "communities": [open_c, closed, secret],
        "posts": posts,
    }


def test_the_sql_rule_is_the_orm_rule(world):
    every = list(Post.objects.values_list("pk", flat=True))
    for viewer in world["viewers"]:
        expected = set(visible_posts(viewer).values_list("pk", flat=True))
        assert {pk for pk in every if cards.readable_post(viewer, pk)} == expected, viewer


@pytest.mark.parametrize("limit", [2, 50])
def test_feeds_match_the_orm_path(world, limit):
    from agora.conversations import hashtags

    tag = hashtags.find("launch")
    for viewer in world["viewers"]:
        pairs = [
            (feeds.home, cards.home, viewer),
            (feeds.profile, cards.profile, world["author"]),
            (feeds.hashtag, cards.hashtag, tag),
        ] + [(feeds.community, cards.community, c) for c in world["communities"]]
        for orm, lean, target in pairs:
            cursor, pages = None, 0
            while True:
                args = () if orm is feeds.home else (target,)
                expected = _orm_page(viewer, orm(viewer, *args, cursor=cursor, limit=limit))
                lean_args = () if lean is cards.home else (target.pk,)
                page = lean(viewer, *lean_args, cursor=cursor, limit=limit)
                got = json.loads(cards.page_response(page).content)
                assert got == expected, (viewer.username, lean.__name__, cursor)
                PostPage.model_validate(got)
                cursor, pages = got["next_cursor"], pages + 1
                if cursor is None:
                    break
            assert pages >= 1


@pytest.mark.parametrize("limit", [2, 50])
def test_the_community_feed_by_slug_is_the_feed_by_id(world, limit):
    from agora.core.errors import AgoraError

    for viewer in world["viewers"]:
        for community in world["communities"]:
            cursor = None
            while True:
                try:
                    got = cards.community_feed(viewer, community.slug, cursor, limit)
                except AgoraError:
                    break
                assert got == cards.community(viewer, community.pk, cursor, limit)
                if (cursor := got.next_cursor) is None:
                    break


def test_a_card_shows_everything_and_hides_unreadable_quotes(world, client_for):
    profile_post, open_post = world["posts"][:2]
    outsider = world["viewers"][2]
    data = client_for(outsider).get(f"/api/v1/posts/{profile_post.pk}").json()
    PostOut.model_validate(data)
    assert data["author"] == {"username": "writer", "display_name": "Wanda Writer"}
    assert data["hashtags"] == ["Alpha", "launch"]
    assert [a["name"] for a in data["attachments"]] == ["a.png"]
    assert data["attachments"][0]["url"].endswith(
        f"/posts/{profile_post.pk}/attachments/{data['attachments'][0]['id']}"
    )
    assert data["reactions"] == {"like": 1, "celebrate": 1}
    assert data["viewer_reaction"] == "celebrate"
    assert data["quoted"]["body_html"]
    # The open post quotes a secret one: outsiders see the post, not the quote.
    data = client_for(outsider).get(f"/api/v1/posts/{open_post.pk}").json()
    assert "quoted" not in data and data["community"]["kind"] == "open"
    member = world["viewers"][1]
    assert client_for(member).get(f"/api/v1/posts/{open_post.pk}").json()["quoted"]
    for viewer in world["viewers"]:
        for post in Post.objects.all():
            expected = visible_posts(viewer).filter(pk=post.pk).exists()
            r = client_for(viewer).get(f"/api/v1/posts/{post.pk}")
            assert r.status_code == (200 if expected else 404), (viewer.username, post.body)
            if expected:
                orm = _as_api(PostOut, posts_out([services.access_post(viewer, post.pk)])[0])
                assert r.json() == orm


def test_comment_pages_match_the_orm_path(world, client_for):
    author, member = world["author"], world["viewers"][1]
    post = world["posts"][1]
    made = []
    for i in range(5):
        top = services.add_comment(member if i % 2 else author, post.pk, f"Comment {i}")
        made.append(top)
        for j in range(i % 3):
            made.append(services.add_comment(author, post.pk, f"Reply {i}.{j}", top.pk))
    services.react(member, "like", comment_id=made[0].pk)
    services.react(author, "support", comment_id=made[1].pk)
    Comment.objects.filter(pk=made[2].pk).update(hidden_at=timezone.now())
    for viewer in (author, member):
        cursor = None
        while True:
            page = services.comment_page(viewer, post, cursor, 2)
            expected = _as_api(
                CommentPage,
                {
                    "items": [comment_out(c, nested=True) for c in page.items],
                    "next_cursor": page.next_cursor,
                },
            )
            params = {"limit": 2, "cursor": cursor} if cursor else {"limit": 2}
            r = client_for(viewer).get(f"/api/v1/posts/{post.pk}/comments", params)
            assert r.json() == expected
            cursor = expected["next_cursor"]
            if cursor is None:
                break
    secret_post = world["posts"][4]
    r = client_for(world["viewers"][2]).get(f"/api/v1/posts/{secret_post.pk}/comments")
    assert r.status_code == 404


def test_community_access_matches_the_community_rules(world):
    from agora.communities import services as community_services
    from agora.communities.models import Membership
    from agora.core.errors import AgoraError

    invited, pending = employee(username="invited"), employee(username="pending")
    invited_guest = guest(username="invitedguest")
    for community in world["communities"]:
        Membership.objects.create(community=community, user=invited, state=Membership.State.INVITED)
        Membership.objects.create(community=community, user=pending, state=Membership.State.PENDING)
        Membership.objects.create(
            community=community, user=invited_guest, state=Membership.State.INVITED
        )

    def outcome(call, *args):
        try:
            return call(*args) and "ok"
        except AgoraError as exc:
            return type(exc).__name__

    for viewer in [*world["viewers"], invited, pending, invited_guest]:
        for community in world["communities"]:
            expected = outcome(community_services.access_readable_community, viewer, community.slug)
            got = outcome(cards.readable_community_id, viewer, community.slug)
            assert got == expected, (viewer.username, community.kind)
            # The feed by slug checks access in its one statement: the same answers.
            assert outcome(cards.community_feed, viewer, community.slug) == expected
            assert outcome(cards.community_feed, viewer, community.slug, "nope") == (
                "Invalid" if expected == "ok" else expected
            )
        assert outcome(cards.readable_community_id, viewer, "nowhere") == "NotFound"
        assert outcome(cards.community_feed, viewer, "nowhere") == "NotFound"


def test_forged_cursors_are_refused(world, client_for):
    c = client_for(world["author"])
    for cursor in ["nope", cards._encode(["2024-01-01T00:00:00+00:00", "abc"])]:
        r = c.get("/api/v1/feed/home", {"cursor": cursor})
        assert r.status_code == 422, cursor


def test_a_bad_comment_cursor_on_a_post_one_may_not_read_is_404(world, client_for):
    secret_post, open_post = world["posts"][4], world["posts"][1]
    c = client_for(world["viewers"][2])  # an outsider
    for post, status in [(secret_post, 404), (open_post, 422)]:
        r = c.get(f"/api/v1/posts/{post.pk}/comments", {"cursor": "nope"})
        assert r.status_code == status, post.body


def test_a_feed_page_is_a_fixed_and_small_number_of_queries(world, client_for):
    viewer = world["viewers"][1]
    c = client_for(viewer)
    c.get("/api/v1/feed/home")  # session and user lookups warm
    make_post(world["author"], "A quote", quoted_id=world["posts"][0].pk)
    with CaptureQueriesContext(connection) as few:
        c.get("/api/v1/feed/home", {"limit": 2})
    with committed():
        for i in range(30):
            make_post(world["author"], f"More {i} #launch", quoted_id=world["posts"][0].pk)
    with CaptureQueriesContext(connection) as many:
        r = c.get("/api/v1/feed/home", {"limit": 30})
    assert len(r.json()["items"]) == 30
    assert len(few) == len(many)
    # session + user, the page with its reactions, own reaction, tags and files, the quotes
    assert len(many) == 4


def test_token_reads_are_one_statement(world):
    """With a bearer token (no session): a home or community feed page, a post and a page of
    comments are one query each, one more when a card quotes a post and one more when a
    card has files (the token is looked up once, then cached)."""
    from django.test import Client

    from agora.accounts.services import create_api_token

    viewer, plain, quoting = world["viewers"][1], world["posts"][2], world["posts"][1]
    assert plain.quoted_id is None and quoting.quoted_id is not None
    services.add_comment(viewer, plain.pk, "A comment")
    services.react(viewer, "like", post_id=plain.pk)
    _token, secret = create_api_token(viewer, "script")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    closed = world["communities"][1]  # its only post quotes nothing
    for url, expected in [
        (f"/api/v1/posts/{plain.pk}", 1),
        (f"/api/v1/posts/{plain.pk}/comments", 1),
        (f"/api/v1/communities/{closed.slug}/feed", 1),
        (f"/api/v1/posts/{quoting.pk}", 2),
        ("/api/v1/feed/home", 3),  # a card quotes a post, another has a file
    ]:
        c.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        assert len(queries) == expected, (url, [q["sql"][:80] for q in queries])


def test_the_sql_fan_out_reaches_the_audience_of_the_rule(world):
    from agora.conversations import feed, hashtags
    from agora.conversations.models import HashtagFollow, TimelineEntry

    fan, tag_fan, member_guest = employee(), employee(), guest()
    Follow.objects.create(follower=fan, followee=world["author"])
    Follow.objects.create(follower=member_guest, followee=world["author"])
    for community in world["communities"]:
        add_member(community, member_guest)
    HashtagFollow.objects.create(user=tag_fan, hashtag=hashtags.get_or_create("launch"))
    HashtagFollow.objects.create(user=member_guest, hashtag=hashtags.get_or_create("launch"))
    places = [None, *world["communities"]]
    for place in places:
        post = make_post(world["author"], "Fresh #launch", community=place)
        TimelineEntry.objects.filter(post=post).delete()
        feed.fan_out(post.pk)
        got = set(TimelineEntry.objects.filter(post=post).values_list("user_id", flat=True))
        assert got == feed.audience_ids(post), place
        assert feed.fan_out(post.pk) == len(got)  # already there: nothing twice
        assert TimelineEntry.objects.filter(post=post).count() == len(got)
