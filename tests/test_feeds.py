"""The home feed (hybrid fan-out), community, profile and hashtag feeds, through services and
the API: who gets what, when, and at what cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agora.communities import services as community_services
from agora.conversations import feed, feeds, hashtags
from agora.conversations import services as conversation_services
from agora.conversations.models import Post, TimelineEntry
from agora.people.models import Follow
from tests.api_factories import (
    add_member,
    committed,
    employee,
    guest,
    make_community,
    make_post,
    png_bytes,
    send,
)

pytestmark = pytest.mark.django_db


def _home(user) -> list[str]:
    return [p.body for p in feeds.home(user, limit=100).items]


def _api_home(c) -> list[str]:
    return [p["body"] for p in c.get("/api/v1/feed/home", {"limit": 100}).json()["items"]]


# --- Fan-out ------------------------------------------------------------------------------------


class _Spy:
    """Stands in for the fan-out task: records what would be queued."""

    def __init__(self, calls):
        self.calls = calls

    def enqueue(self, post_id):
        self.calls.append(post_id)


def test_small_audiences_are_served_inside_the_request(client_for, monkeypatch):
    author = employee()
    followers = [employee() for _ in range(3)]
    for f in followers:
        Follow.objects.create(follower=f, followee=author)
    enqueued = []
    from agora.conversations import tasks

    monkeypatch.setattr(tasks, "fan_out_task", _Spy(enqueued))
    with committed():
        r = send(client_for(author), "post", "/api/v1/posts", {"body": "Hello followers"})
    assert r.status_code == 201
    assert enqueued == []
    for person in [author, *followers]:
        assert _api_home(client_for(person)) == ["Hello followers"]


def test_large_audiences_go_through_the_task(settings, monkeypatch):
    settings.AGORA_INLINE_FANOUT = 3
    author = employee()
    followers = [employee() for _ in range(5)]
    for f in followers:
        Follow.objects.create(follower=f, followee=author)
    enqueued = []
    from agora.conversations import tasks

    real = tasks.fan_out_task
    monkeypatch.setattr(tasks, "fan_out_task", _Spy(enqueued))
    post = make_post(author, "Big news")
    # Inside the request: only the author's own timeline; the rest is queued.
    assert enqueued == [post.pk]
    assert _home(author) == ["Big news"]
    assert all(_home(f) == [] for f in followers)
    # The worker runs the task.
    assert real.func(post.pk) == 6
    assert all(_home(f) == ["Big news"] for f in followers)


def test_the_fan_out_commits_with_the_post(settings):
    """The task's row (or the inline copy) is written in the post's transaction: a post is
    never committed without its fan-out, and a failed fan-out leaves no post behind."""
    from django_tasks_db.models import DBTaskResult

    settings.AGORA_INLINE_FANOUT = 1
    author = employee()
    Follow.objects.create(follower=employee(), followee=author)
    Follow.objects.create(follower=employee(), followee=author)
    with CaptureQueriesContext(connection) as ctx:
        post = conversation_services.create_post(author, body="One commit")
    assert DBTaskResult.objects.filter(args_kwargs__args=[post.pk]).exists()
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert any("django_tasks_database_dbtaskresult" in sql for sql in writes)
    assert not [q for q in ctx.captured_queries if "COUNT(*) FROM people_follow" in q["sql"]]


def test_a_failed_fan_out_leaves_no_post(monkeypatch):
    author = employee()

    def broken(post_id):
        raise RuntimeError("disk full")

    monkeypatch.setattr(feed, "fan_out", broken)
    before = Post.objects.count()
    with pytest.raises(RuntimeError):
        conversation_services.create_post(author, body="Never half-written")
    assert Post.objects.count() == before


def test_large_audiences_with_the_immediate_task_backend(settings):
    settings.AGORA_INLINE_FANOUT = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    author = employee()
    community = make_community(author, "secret")
    members = [employee() for _ in range(4)]
    for m in members:
        add_member(community, m)
    outsider = employee()
    Follow.objects.create(follower=outsider, followee=author)  # may not read the community
    make_post(author, "Members only", community=community)
    assert all(_home(m) == ["Members only"] for m in members)
    assert TimelineEntry.objects.filter(user=outsider).count() == 0


def test_open_community_posts_reach_followers_but_not_guest_followers():
    author = employee()
    community = make_community(author, "open")
    fan, outside_guest = employee(), guest()
    Follow.objects.create(follower=fan, followee=author)
    Follow.objects.create(follower=outside_guest, followee=author)
    make_post(author, "Open post", community=community)
    make_post(author, "Profile post")
    assert _home(fan) == ["Profile post", "Open post"]
    assert TimelineEntry.objects.filter(user=outside_guest).count() == 0


# --- Following, unfollowing, leaving ------------------------------------------------------------


def test_backfill_and_prune_of_an_author():
    author, reader = employee(), employee()
    community = make_community(author, "open")
    add_member(community, reader)
    make_post(author, "Old profile post")
    make_post(author, "Community post", community=community)
    feed.backfill_author(reader.pk, author.pk)
    assert _home(reader) == ["Community post", "Old profile post"]
    feed.prune_author(reader.pk, author.pk)
    # Profile posts leave; community posts stay while the reader is a member.
    assert _home(reader) == ["Community post"]


def test_follow_backfills_and_unfollow_prunes_through_the_api(client_for):
    author, reader = employee(username="writer"), employee()
    make_post(author, "Written before the follow")
    c = client_for(reader)
    with committed():
        send(c, "post", "/api/v1/users/writer/follow")
    assert _api_home(c) == ["Written before the follow"]
    with committed():
        send(c, "delete", "/api/v1/users/writer/follow")
    assert _api_home(c) == []


def test_unfollowing_a_hashtag_stops_new_posts(client_for):
    author, reader = employee(), employee()
    c = client_for(reader)
    with committed():
        send(c, "post", "/api/v1/tags/python/follow")
    make_post(author, "Tip #python")
    assert _api_home(c) == ["Tip #python"]
    send(c, "delete", "/api/v1/tags/python/follow")
    make_post(author, "Another #python tip")
    assert "Another #python tip" not in _api_home(c)


def test_following_a_hashtag_backfills_only_readable_posts(client_for):
    author = employee()
    secret = make_community(author, "secret")
    make_post(author, "Hidden #topic", community=secret)
    make_post(author, "Public #topic")
    reader = employee()
    with committed():
        hashtags.follow_hashtag(reader, "topic")
    assert _home(reader) == ["Public #topic"]


@pytest.mark.parametrize("kind", ["request", "secret"])
def test_leaving_hides_the_community_at_once(client_for, kind):
    owner, member = employee(), employee()
    community = make_community(owner, kind)
    add_member(community, member)
    make_post(owner, "Inside", community=community)
    c = client_for(member)
    assert _api_home(c) == ["Inside"]
    # Leave without running the on-commit pruning: the read-time filter alone hides it.
    assert send(c, "post", f"/api/v1/communities/{community.slug}/leave").status_code == 200
    assert TimelineEntry.objects.filter(user=member).exists()
    assert _api_home(c) == []
    assert c.get("/api/v1/feed/home/new-count", {"since": "2000-01-01T00:00:00Z"}).json() == {
        "count": 0
    }


def test_leaving_an_open_community_prunes_its_posts(client_for):
    owner, member = employee(), employee()
    community = make_community(owner, "open")
    add_member(community, member)
    make_post(owner, "Open inside", community=community)
    make_post(member, "My own", community=community)
    c = client_for(member)
    with committed():
        send(c, "post", f"/api/v1/communities/{community.slug}/leave")
    # Still readable (open), but no longer in the home feed; one's own posts stay.
    assert _api_home(c) == ["My own"]


def test_joining_backfills_recent_posts(client_for):
    owner, newcomer = employee(), employee()
    community = make_community(owner, "open")
    make_post(owner, "Before you came", community=community)
    c = client_for(newcomer)
    with committed():
        send(c, "post", f"/api/v1/communities/{community.slug}/join")
    assert _api_home(c) == ["Before you came"]


def test_removed_members_lose_the_feed(client_for):
    owner, member = employee(), employee()
    community = make_community(owner, "secret")
    add_member(community, member)
    make_post(owner, "Secret plans", community=community)
    community_services.remove_member(owner, community, member.username)
    c = client_for(member)
    assert _api_home(c) == []
    assert c.get(f"/api/v1/communities/{community.slug}/feed").status_code == 404


# --- Hidden and deleted posts -------------------------------------------------------------------


def test_hidden_and_deleted_posts_vanish_from_every_feed(client_for):
    author, reader = employee(username="writer"), employee()
    community = make_community(author, "open")
    add_member(community, reader)
    Follow.objects.create(follower=reader, followee=author)
    kept = make_post(author, "Kept #t", community=community)
    hidden = make_post(author, "Hidden #t", community=community)
    deleted = make_post(author, "Deleted #t", community=community)
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    conversation_services.delete_post(author, deleted.pk)
    c = client_for(reader)
    for url in (
        "/api/v1/feed/home",
        f"/api/v1/communities/{community.slug}/feed",
        "/api/v1/users/writer/posts",
        "/api/v1/tags/t/posts",
    ):
        assert [p["id"] for p in c.get(url).json()["items"]] == [kept.pk], url
    assert c.get(f"/api/v1/posts/{hidden.pk}").status_code == 404


# --- Pagination ---------------------------------------------------------------------------------


def _walk(c, url, limit):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        data = c.get(url, params).json()
        pages += 1
        seen += [p["id"] for p in data["items"]]
        cursor = data["next_cursor"]
        if not cursor:
            return seen, pages


def test_cursor_pages_have_no_duplicates_nor_gaps(client_for):
    author = employee(username="writer")
    community = make_community(author, "open")
    same_time = timezone.now() - dt.timedelta(hours=1)
    posts = []
    for i in range(23):
        post = make_post(author, f"Post {i} #paging", community=community if i % 2 else None)
        if i % 5 == 0:  # several posts share a timestamp: the id breaks the tie
            Post.objects.filter(pk=post.pk).update(created_at=same_time)
            TimelineEntry.objects.filter(post=post).update(created_at=same_time)
            from agora.conversations.models import PostHashtag

            PostHashtag.objects.filter(post=post).update(created_at=same_time)
        posts.append(post)
    ordered = Post.objects.filter(pk__in=[p.pk for p in posts]).order_by("-created_at", "-id")
    everything = list(ordered.values_list("pk", flat=True))
    in_community = list(ordered.filter(community=community).values_list("pk", flat=True))
    c = client_for(author)
    for url, expected in (
        ("/api/v1/feed/home", everything),
        ("/api/v1/users/writer/posts", everything),
        ("/api/v1/tags/paging/posts", everything),
        (f"/api/v1/communities/{community.slug}/feed", in_community),
    ):
        seen, pages = _walk(c, url, 5)
        assert seen == expected, url
        assert pages == -(-len(expected) // 5), url


def test_new_posts_during_paging_do_not_shift_pages(client_for):
    author = employee()
    for i in range(10):
        make_post(author, f"p{i}")
    c = client_for(author)
    first = c.get("/api/v1/feed/home", {"limit": 4}).json()
    make_post(author, "arrived meanwhile")
    second = c.get("/api/v1/feed/home", {"limit": 4, "cursor": first["next_cursor"]}).json()
    bodies = [p["body"] for p in first["items"] + second["items"]]
    assert bodies == [f"p{i}" for i in range(9, 1, -1)]


def test_a_forged_cursor_is_a_422(client_for):
    c = client_for(employee())
    r = c.get("/api/v1/feed/home", {"cursor": "not-a-cursor"})
    assert r.status_code == 422 and "cursor" in r.json()["error"]["fields"]


def test_new_posts_indicator(client_for):
    author, reader = employee(), employee()
    Follow.objects.create(follower=reader, followee=author)
    make_post(author, "old")
    since = timezone.now()
    make_post(author, "new 1")
    make_post(author, "new 2")
    make_post(reader, "mine doesn't count")
    c = client_for(reader)
    r = c.get("/api/v1/feed/home/new-count", {"since": since.isoformat()})
    assert r.json() == {"count": 2}
    assert c.get("/api/v1/feed/home/new-count", {"since": "yesterday"}).status_code == 422


# --- Cost ---------------------------------------------------------------------------------------


def _rich_posts(author, community, n, start):
    """Posts with everything a card shows: hashtags, a file, reactions, a quote."""
    reactor = employee()
    add_member(community, reactor)
    for i in range(n):
        post = make_post(
            author,
            f"Post {start + i} #cost #more",
            community=community if i % 2 else None,
            quoted_id=Post.objects.order_by("id").values_list("id", flat=True).first(),
        )
        conversation_services.attach_files(
            author, post.pk, [conversation_services.Upload(name="a.png", content=png_bytes())]
        )
        conversation_services.react(reactor, "like", post_id=post.pk)


def _queries(c, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url, {"limit": 50})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["items"])


def test_feed_pages_cost_the_same_queries_whatever_their_length(client_for):
    author = employee(username="writer")
    community = make_community(author, "open")
    make_post(author, "first, quoted by all")
    c = client_for(author)
    urls = [
        "/api/v1/feed/home",
        f"/api/v1/communities/{community.slug}/feed",
        "/api/v1/users/writer/posts",
        "/api/v1/tags/cost/posts",
    ]
    _rich_posts(author, community, 2, 0)
    small = {url: _queries(c, url) for url in urls}
    _rich_posts(author, community, 12, 2)  # 3 posts, then 15
    large = {url: _queries(c, url) for url in urls}
    for url in urls:
        (few, n_few), (many, n_many) = small[url], large[url]
        assert n_many > n_few, url
        assert many == few, (url, few, many)
