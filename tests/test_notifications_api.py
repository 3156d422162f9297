"""API v1: notifications — who is told what, grouping, visibility, preferences, read state."""

import pytest

from agora.communities import services as community_services
from agora.conversations import services as conversation_services
from agora.notifications import services as notification_services
from agora.notifications.models import Kind, Notification
from tests.api_factories import add_member, employee, make_community, make_post, send

pytestmark = pytest.mark.django_db


def _items(c, **params):
    return c.get("/api/v1/notifications", params).json()["items"]


def test_no_notification_for_ones_own_actions(client_for):
    ana = employee(username="ana")
    post = make_post(ana, "Note to self @ana")
    c = client_for(ana)
    send(c, "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    comment = send(c, "post", f"/api/v1/posts/{post.pk}/comments", {"body": "me @ana"}).json()
    send(c, "post", f"/api/v1/posts/{post.pk}/comments", {"body": "re", "parent_id": comment["id"]})
    send(c, "put", f"/api/v1/comments/{comment['id']}/reaction", {"kind": "like"})
    assert not Notification.objects.exists()
    assert _items(c) == []
    assert c.get("/api/v1/notifications/unread-count").json() == {"count": 0}


def test_reactions_are_grouped(client_for):
    ana = employee(username="ana")
    post = make_post(ana, "React to me")
    people = [employee(display_name=name) for name in ("Bea", "Cyd", "Dan")]
    for person in people:
        send(client_for(person), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    # Toggling off and on again doesn't count twice.
    send(client_for(people[0]), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    send(client_for(people[0]), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    (item,) = _items(client_for(ana))
    assert item["kind"] == "reaction" and item["actor_count"] == 3
    assert item["actor"]["display_name"] == "Bea"  # the latest
    assert item["text"] == "Bea and 2 others reacted to what you wrote"
    assert item["post"]["id"] == post.pk and item["read"] is False
    # Once read, the next reaction starts a new group.
    send(client_for(ana), "post", "/api/v1/notifications/read-all")
    send(client_for(employee()), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "curious"})
    items = _items(client_for(ana))
    assert [i["actor_count"] for i in items] == [1, 3]
    assert [i["read"] for i in items] == [False, True]


def test_comments_group_mentions_and_replies_stand_alone(client_for):
    ana, bob, cyd = employee(username="ana"), employee(username="bob"), employee(username="cyd")
    post = make_post(ana, "Thoughts?")
    first = send(client_for(bob), "post", f"/api/v1/posts/{post.pk}/comments", {"body": "Yes"})
    send(client_for(cyd), "post", f"/api/v1/posts/{post.pk}/comments", {"body": "No @bob"})
    send(
        client_for(ana),
        "post",
        f"/api/v1/posts/{post.pk}/comments",
        {"body": "Thanks", "parent_id": first.json()["id"]},
    )
    (comment,) = _items(client_for(ana))
    assert comment["kind"] == "comment" and comment["actor_count"] == 2
    assert comment["text"] == "cyd and 1 other commented on your post"
    kinds = sorted(i["kind"] for i in _items(client_for(bob)))
    assert kinds == ["mention", "reply"]


def test_mention_told_once_and_only_if_the_person_may_read(client_for):
    ana, bob, out = employee(username="ana"), employee(username="bob"), employee(username="out")
    secret = make_community(ana, "secret")
    add_member(secret, bob)
    post = make_post(ana, "Hi @bob and @out", community=secret)

    def mentions(user):
        return [i for i in _items(client_for(user)) if i["kind"] == "mention"]

    assert len(mentions(bob)) == 1
    assert _items(client_for(out)) == []
    # Editing with the same mention doesn't tell again.
    conversation_services.edit_post(ana, post.pk, body="Hi again @bob")
    assert len(mentions(bob)) == 1


def test_nothing_about_content_one_can_no_longer_see(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    secret = make_community(ana, "secret")
    add_member(secret, bob)
    post = make_post(bob, "Inside", community=secret)
    send(client_for(ana), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    send(client_for(ana), "post", f"/api/v1/posts/{post.pk}/comments", {"body": "@bob hi"})
    c = client_for(bob)
    assert len(_items(c)) == 3
    assert c.get("/api/v1/notifications/unread-count").json() == {"count": 3}
    notification_id = _items(c)[0]["id"]
    community_services.remove_member(ana, secret, "bob")
    # Removed from the secret community: the notifications about it drop out.
    assert _items(c) == []
    assert c.get("/api/v1/notifications/unread-count").json() == {"count": 0}
    assert send(c, "post", f"/api/v1/notifications/{notification_id}/read").status_code == 404
    # And no new ones arrive about it.
    assert notification_services.notify("reaction", recipient=bob, actor=ana, post=post) is None


def test_hidden_or_deleted_targets_drop_out(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    post = make_post(ana, "Soon gone")
    comment = send(client_for(bob), "post", f"/api/v1/posts/{post.pk}/comments", {"body": "@ana"})
    # Mentioned in a comment on one's own post: told once, as a mention.
    assert [i["kind"] for i in _items(client_for(ana))] == ["mention"]
    send(client_for(bob), "delete", f"/api/v1/comments/{comment.json()['id']}")
    assert _items(client_for(ana)) == []
    other = make_post(ana, "Another")
    send(client_for(bob), "put", f"/api/v1/posts/{other.pk}/reaction", {"kind": "like"})
    assert len(_items(client_for(ana))) == 1
    send(client_for(ana), "delete", f"/api/v1/posts/{other.pk}")
    assert _items(client_for(ana)) == []


def test_preferences(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    c = client_for(ana)
    prefs = c.get("/api/v1/notifications/preferences").json()
    assert set(prefs) == set(Kind.values)
    assert prefs["mention"] == {"in_app": True, "email": True}  # quiet by default...
    assert prefs["reaction"] == {"in_app": True, "email": False}  # ...e-mail only when addressed
    r = send(c, "put", "/api/v1/notifications/preferences", {"reaction": {"in_app": False}})
    assert r.json()["reaction"] == {"in_app": False, "email": False}
    assert r.json()["mention"] == {"in_app": True, "email": True}
    post = make_post(ana, "x")
    send(client_for(bob), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    assert not Notification.objects.filter(recipient=ana).exists()  # neither channel: none
    send(
        c, "put", "/api/v1/notifications/preferences", {"comment": {"in_app": False, "email": True}}
    )
    send(client_for(bob), "post", f"/api/v1/posts/{post.pk}/comments", {"body": "hi"})
    # Kept for the e-mail digest, not shown in the app.
    assert Notification.objects.filter(recipient=ana, kind="comment", wants_email=True).exists()
    assert _items(c) == []
    assert c.get("/api/v1/notifications/unread-count").json() == {"count": 0}


@pytest.mark.parametrize(
    "payload",
    [
        {"shouting": {"in_app": True}},
        {"mention": {"in_app": True, "sms": True}},
        {"mention": {"in_app": "sometimes"}},
        {"mention": True},
    ],
)
def test_bad_preferences_are_refused(client_for, payload):
    c = client_for(employee())
    r = send(c, "put", "/api/v1/notifications/preferences", payload)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid"
    from agora.notifications.models import Preference

    assert not Preference.objects.exists()


def test_mark_read_one_and_all(client_for):
    ana = employee(username="ana")
    posts = [make_post(ana, f"p{i}") for i in range(3)]
    for post in posts:
        send(client_for(employee()), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    c = client_for(ana)
    items = _items(c)
    assert len(items) == 3
    assert send(c, "post", f"/api/v1/notifications/{items[0]['id']}/read").status_code == 204
    assert send(c, "post", f"/api/v1/notifications/{items[0]['id']}/read").status_code == 204
    assert c.get("/api/v1/notifications/unread-count").json() == {"count": 2}
    assert [i["id"] for i in _items(c, unread_only="true")] == [i["id"] for i in items[1:]]
    # Someone else's notification is not found.
    other = client_for(employee())
    assert send(other, "post", f"/api/v1/notifications/{items[1]['id']}/read").status_code == 404
    assert send(c, "post", "/api/v1/notifications/read-all").json() == {"marked": 2}
    assert c.get("/api/v1/notifications/unread-count").json() == {"count": 0}
    assert _items(c, unread_only="true") == []


def test_notification_pages(client_for):
    ana = employee(username="ana")
    for i in range(5):
        post = make_post(ana, f"p{i}")
        send(client_for(employee()), "put", f"/api/v1/posts/{post.pk}/reaction", {"kind": "like"})
    c = client_for(ana)
    first = c.get("/api/v1/notifications", {"limit": 3}).json()
    rest = c.get("/api/v1/notifications", {"limit": 3, "cursor": first["next_cursor"]}).json()
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert len(ids) == 5 == len(set(ids)) and rest["next_cursor"] is None


def test_anonymous_gets_401(client_for):
    c = client_for(None)
    for url in ("/api/v1/notifications", "/api/v1/notifications/unread-count"):
        r = c.get(url)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
