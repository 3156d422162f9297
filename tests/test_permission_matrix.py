"""Who may read and write what, through the API: every place a post can live (an open, an
on-request and a secret community, a profile) × every kind of viewer.

Viewers: an active member (employee), a non-member employee, an invited guest (guest member
of the communities), an uninvited guest (a guest of another community), anonymous.

Rules checked:
- anonymous → 401 everywhere;
- a post, comment or file the viewer may not read → 404, whether it's secret or on request
  (an item never confirms it exists); a listed community whose content is closed → 403 on the
  community's own feed and member list (the community itself is public knowledge);
- a secret community is 404 to outsiders in every path, and its posts never reach their home,
  profile or hashtag feeds, notifications, counts or member lists;
- guests see only their communities: not profile posts, not the directory.
"""

import pytest

from agora.communities.models import Membership
from agora.conversations import services as conversation_services
from agora.notifications.models import Notification
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

PLACES = ["open", "request", "secret", "profile"]
VIEWERS = ["member", "employee", "guest_member", "guest_outsider", "anonymous"]

# Who may read a post (and its comments, reactions, files, revisions) in each place.
READS = {
    "open": {"member", "employee", "guest_member"},
    "request": {"member", "guest_member"},
    "secret": {"member", "guest_member"},
    "profile": {"member", "employee"},
}
# Who may comment and react: members of the community; any employee on a profile.
WRITES = {
    "open": {"member", "guest_member"},
    "request": {"member", "guest_member"},
    "secret": {"member", "guest_member"},
    "profile": {"member", "employee"},
}


def _build():
    author = employee(username="author")
    users = {
        "member": employee(username="member"),
        "employee": employee(username="outsider"),
        "guest_member": guest(username="guestin"),
        "guest_outsider": guest(username="guestout"),
    }
    communities = {kind: make_community(author, kind, name=f"{kind} place") for kind in PLACES[:3]}
    elsewhere = make_community(employee(username="stranger"), "open", name="elsewhere")
    for community in communities.values():
        add_member(community, users["member"])
        add_member(community, users["guest_member"])
    add_member(elsewhere, users["guest_outsider"])
    # Everyone follows the author and the #matrix tag as far as they're allowed to, so only
    # the visibility rules decide what reaches their feeds.
    for name in ("member", "employee", "guest_member"):
        Follow.objects.create(follower=users[name], followee=author)
    from agora.conversations import hashtags

    with committed():
        for user in users.values():
            hashtags.follow_hashtag(user, "matrix")

    posts, comments, author_comments, files = {}, {}, {}, {}
    for place in PLACES:
        community = communities.get(place)
        post = make_post(
            author,
            f"{place.upper()}-POST #matrix, hello @outsider",
            community=community,
        )
        posts[place] = post
        uploads = [conversation_services.Upload(name=f"{place}.png", content=png_bytes())]
        files[place] = conversation_services.attach_files(author, post.pk, uploads)[0]
        with committed():
            comments[place] = conversation_services.add_comment(
                users["member"], post.pk, f"{place.upper()}-COMMENT"
            )
            conversation_services.react(users["member"], "like", post_id=post.pk)
            author_comments[place] = conversation_services.add_comment(author, post.pk, "thanks")
        conversation_services.edit_post(author, post.pk, body=post.body + " (edited)")
    return {
        "author": author,
        "users": users,
        "communities": communities,
        "posts": posts,
        "comments": comments,
        "author_comments": author_comments,
        "files": files,
    }


@pytest.fixture(scope="module")
def world_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end; each
    test runs in a savepoint inside it (like Django's setUpTestData)."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        data = _build()
        data["media"] = media
        yield data
        transaction.set_rollback(True)


@pytest.fixture
def world(world_data, _isolated, settings, client_for):
    settings.MEDIA_ROOT = world_data["media"]
    clients = {name: client_for(user) for name, user in world_data["users"].items()}
    clients["anonymous"] = client_for(None)
    return {**world_data, "clients": clients}


def _expected(viewer: str, allowed: set[str], denied: int = 404) -> int:
    if viewer == "anonymous":
        return 401
    return 200 if viewer in allowed else denied


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("place", PLACES)
def test_reading_a_post_and_everything_on_it(world, place, viewer):
    c = world["clients"][viewer]
    post = world["posts"][place]
    comment = world["comments"][place]
    file = world["files"][place]
    expected = _expected(viewer, READS[place])
    urls = [
        f"/api/v1/posts/{post.pk}",
        f"/api/v1/posts/{post.pk}/comments",
        f"/api/v1/posts/{post.pk}/reactions",
        f"/api/v1/posts/{post.pk}/revisions",
        f"/api/v1/posts/{post.pk}/referenced-by",
        f"/api/v1/posts/{post.pk}/attachments/{file.pk}",
        f"/api/v1/comments/{comment.pk}/reactions",
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == expected, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if expected != 200:
            # The error shape, and not a word of the content.
            assert response.json()["error"]["code"] in ("not_found", "unauthenticated")
            assert place.upper().encode() not in body
    if expected == 200:
        data = c.get(f"/api/v1/posts/{post.pk}").json()
        assert data["reactions"] == {"like": 1}
        assert data["attachments"][0]["url"].endswith(f"/attachments/{file.pk}")
        thread = c.get(f"/api/v1/posts/{post.pk}/comments").json()["items"]
        assert [t["body"] for t in thread] == [f"{place.upper()}-COMMENT", "thanks"]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("place", PLACES)
def test_commenting_and_reacting(world, place, viewer):
    c = world["clients"][viewer]
    post = world["posts"][place]
    comment = world["comments"][place]
    if viewer == "anonymous":
        expected = 401
    elif viewer in WRITES[place]:
        expected = 200
    elif viewer in READS[place]:
        expected = 403  # may read, may not take part (join first)
    else:
        expected = 404
    r = send(c, "post", f"/api/v1/posts/{post.pk}/comments", {"body": "me too"})
    assert r.status_code == (201 if expected == 200 else expected)
    r = send(c, "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "celebrate"})
    assert r.status_code == expected
    r = send(c, "put", f"/api/v1/comments/{comment.pk}/reaction", {"kind": "curious"})
    assert r.status_code == expected
    r = send(
        c, "post", f"/api/v1/posts/{post.pk}/comments", {"body": "re", "parent_id": comment.pk}
    )
    assert r.status_code == (201 if expected == 200 else expected)
    # Only the author (or a moderator) edits and deletes, and only what they can see.
    denied = 401 if viewer == "anonymous" else (403 if viewer in READS[place] else 404)
    assert send(c, "patch", f"/api/v1/posts/{post.pk}", {"body": "mine now"}).status_code == denied
    assert send(c, "delete", f"/api/v1/posts/{post.pk}").status_code == denied
    theirs = world["author_comments"][place]
    assert send(c, "patch", f"/api/v1/comments/{theirs.pk}", {"body": "x"}).status_code == denied
    assert send(c, "delete", f"/api/v1/comments/{theirs.pk}").status_code == denied
    png = png_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(
        f"/api/v1/posts/{post.pk}/attachments",
        {"files": [SimpleUploadedFile("x.png", png, content_type="image/png")]},
    )
    assert r.status_code == denied


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("place", ["open", "request", "secret"])
def test_community_pages(world, place, viewer):
    c = world["clients"][viewer]
    slug = world["communities"][place].slug
    known = {
        "open": {"member", "employee", "guest_member"},
        "request": {"member", "employee", "guest_member"},
        "secret": {"member", "guest_member"},
    }[place]
    assert c.get(f"/api/v1/communities/{slug}").status_code == _expected(viewer, known)
    # Content: 403 when the community is known but closed, 404 when it's not known at all.
    content = _expected(viewer, READS[place], denied=403 if viewer in known else 404)
    for url in ("feed", "members", "pinned"):
        r = c.get(f"/api/v1/communities/{slug}/{url}")
        assert r.status_code == content, url
    listed = c.get("/api/v1/communities")
    if viewer == "anonymous":
        assert listed.status_code == 401
    else:
        slugs = {item["slug"] for item in listed.json()["items"]}
        assert (slug in slugs) == (viewer in known)


def _feed(c, url):
    data = c.get(url).json()
    return {item["body"].split(" ")[0] for item in data["items"]}


HOME = {
    "member": {"OPEN-POST", "REQUEST-POST", "SECRET-POST", "PROFILE-POST"},
    # follows the author and #matrix: the open community's post reaches them, not the others
    "employee": {"OPEN-POST", "PROFILE-POST"},
    "guest_member": {"OPEN-POST", "REQUEST-POST", "SECRET-POST"},
    "guest_outsider": set(),
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_feeds(world, viewer):
    c = world["clients"][viewer]
    author = world["author"].username
    if viewer == "anonymous":
        for url in (
            "/api/v1/feed/home",
            f"/api/v1/users/{author}/posts",
            "/api/v1/tags/matrix/posts",
        ):
            assert c.get(url).status_code == 401
        return
    assert _feed(c, "/api/v1/feed/home") == HOME[viewer]
    assert _feed(c, "/api/v1/tags/matrix/posts") == HOME[viewer]
    profile = c.get(f"/api/v1/users/{author}/posts")
    if viewer == "guest_outsider":
        assert profile.status_code == 404  # a guest doesn't see people outside their spaces
    else:
        assert _feed(c, f"/api/v1/users/{author}/posts") == HOME[viewer]
    since = "2000-01-01T00:00:00Z"
    count = c.get("/api/v1/feed/home/new-count", {"since": since}).json()["count"]
    assert count == len(HOME[viewer])


def test_secret_community_never_leaks_to_an_outsider(world):
    c = world["clients"]["employee"]
    outsider = world["users"]["employee"]
    secret = world["communities"]["secret"]
    post = world["posts"]["secret"]
    # The post mentions @outsider: they are neither told nor linked.
    assert not Notification.objects.filter(recipient=outsider, post=post).exists()
    assert "/people/outsider/" not in post.body_html
    notifications = c.get("/api/v1/notifications").json()["items"]
    assert all(n.get("post", {}).get("id") != post.pk for n in notifications)
    # Nor its name, counts or members by any path.
    for url in (
        f"/api/v1/communities/{secret.slug}",
        f"/api/v1/communities/{secret.slug}/members",
        f"/api/v1/communities/{secret.slug}/feed",
        f"/api/v1/communities/{secret.slug}/requests",
    ):
        assert c.get(url).status_code == 404, url
    assert send(c, "post", f"/api/v1/communities/{secret.slug}/join").status_code == 404
    everything = b"".join(
        c.get(url).content
        for url in (
            "/api/v1/communities",
            "/api/v1/feed/home",
            "/api/v1/tags/matrix/posts",
            f"/api/v1/users/{world['author'].username}/posts",
            "/api/v1/notifications",
        )
    )
    assert b"SECRET" not in everything and secret.slug.encode() not in everything
    # Quoting a secret post elsewhere doesn't carry it out: readers of the quote don't see it.
    quote = make_post(world["author"], "look", quoted_id=post.pk)
    data = c.get(f"/api/v1/posts/{quote.pk}").json()
    assert "quoted" not in data
    member = world["clients"]["member"].get(f"/api/v1/posts/{quote.pk}").json()
    assert member["quoted"]["id"] == post.pk
    # Linking to it doesn't tell outsiders it is referenced either.
    assert c.get(f"/api/v1/posts/{post.pk}/referenced-by").status_code == 404


def test_invited_but_not_joined_sees_the_invitation_not_the_content(world, client_for):
    invitee = employee()
    secret = world["communities"]["secret"]
    from agora.communities import services as community_services

    community_services.invite(world["author"], secret, invitee.username)
    c = client_for(invitee)
    data = c.get(f"/api/v1/communities/{secret.slug}").json()
    assert data["membership"] == {"state": "invited", "role": "member"}
    assert "member_count" not in data  # counts are for members
    assert c.get(f"/api/v1/communities/{secret.slug}/feed").status_code == 403
    assert c.get(f"/api/v1/communities/{secret.slug}/members").status_code == 403
    assert c.get(f"/api/v1/posts/{world['posts']['secret'].pk}").status_code == 404
    assert send(c, "post", f"/api/v1/communities/{secret.slug}/join").json()["state"] == "active"
    assert c.get(f"/api/v1/communities/{secret.slug}/feed").status_code == 200


def test_guests_see_only_their_communities(world):
    c = world["clients"]["guest_member"]
    assert c.get("/api/v1/users").status_code == 403  # the people directory
    slugs = {item["slug"] for item in c.get("/api/v1/communities").json()["items"]}
    assert slugs == {community.slug for community in world["communities"].values()}
    # Guests can't write on a profile, nor create communities.
    assert send(c, "post", "/api/v1/posts", {"body": "hello"}).status_code == 403
    assert send(c, "post", "/api/v1/communities", {"name": "Mine"}).status_code == 403
    outsider = world["clients"]["guest_outsider"]
    assert outsider.get(f"/api/v1/users/{world['users']['member'].username}").status_code == 404
    slugs = {item["slug"] for item in outsider.get("/api/v1/communities").json()["items"]}
    assert slugs == {"elsewhere"}


def test_leaving_a_secret_community_closes_everything_at_once(world):
    member = world["users"]["member"]
    c = world["clients"]["member"]
    secret = world["communities"]["secret"]
    post = world["posts"]["secret"]
    assert c.get(f"/api/v1/posts/{post.pk}").status_code == 200
    assert send(c, "post", f"/api/v1/communities/{secret.slug}/leave").status_code == 200
    assert not Membership.objects.filter(user=member, community=secret).exists()
    assert c.get(f"/api/v1/posts/{post.pk}").status_code == 404
    assert c.get(f"/api/v1/communities/{secret.slug}").status_code == 404
    assert "SECRET-POST" not in _feed(c, "/api/v1/feed/home")
    assert "SECRET-POST" not in _feed(c, "/api/v1/tags/matrix/posts")
    assert "SECRET-POST" not in _feed(c, f"/api/v1/users/{world['author'].username}/posts")
