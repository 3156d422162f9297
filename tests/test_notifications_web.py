"""Notification pages (issue 3, item 5): the grouped list, marking read, the unread badge, and
per-kind preferences; nothing about content the person can no longer see."""

import pytest

from agora.conversations import services as conversations
from agora.notifications.models import Notification, Preference
from tests.conversation_factories import CommunityFactory, PostFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _react(users, post, kind="like"):
    for user in users:
        conversations.react(user, kind, post_id=post.pk)


def test_grouped_sentence_and_link(client_for, employee):
    post = PostFactory(author=employee, body="My big idea")
    ana = UserFactory(display_name="Ana Lima")
    others = [UserFactory() for _ in range(4)]
    _react([*others, ana], post)
    assert Notification.objects.filter(recipient=employee).count() == 1
    html = client_for(employee).get("/notifications/").content.decode()
    assert "Ana Lima and 4 others reacted to your post" in html
    assert f'href="/posts/{post.pk}/"' in html
    assert "My big idea" in html
    assert "1 unread notification" in html


def test_one_other_is_singular(client_for, employee):
    post = PostFactory(author=employee)
    _react([UserFactory(), UserFactory(display_name="Bo Chen")], post)
    html = client_for(employee).get("/notifications/").content.decode()
    assert "Bo Chen and 1 other reacted to your post" in html


def test_comment_and_reply_link_to_the_comment(client_for, employee, other_employee):
    post = PostFactory(author=employee)
    comment = conversations.add_comment(other_employee, post.pk, "Nice")
    html = client_for(employee).get("/notifications/").content.decode()
    assert f'href="/posts/{post.pk}/#comment-{comment.pk}"' in html
    assert "commented on your post" in html


def test_mark_one_and_all_read(client_for, employee):
    posts = [PostFactory(author=employee) for _ in range(3)]
    for post in posts:
        _react([UserFactory()], post)
    c = client_for(employee)
    badge = c.get("/notifications/badge").content.decode()
    assert "3" in badge and "unread notifications" in badge
    first = Notification.objects.filter(recipient=employee).first()
    response = c.post(f"/notifications/{first.pk}/read", HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "notifications-changed"
    assert "is-unread" not in response.content.decode()
    assert "2" in c.get("/notifications/badge").content.decode()
    response = c.post("/notifications/read-all")
    assert response.status_code == 302
    assert c.get("/notifications/badge").content.strip() == b""
    html = c.get("/notifications/").content.decode()
    assert "You are up to date." in html and "Mark all as read" not in html
    assert "No unread notification." in c.get("/notifications/?filter=unread").content.decode()


def test_someone_elses_notification_is_a_404(client_for, employee, other_employee):
    post = PostFactory(author=employee)
    _react([UserFactory()], post)
    theirs = Notification.objects.get(recipient=employee)
    assert client_for(other_employee).post(f"/notifications/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_nothing_about_content_one_can_no_longer_see(client_for, employee):
    community = CommunityFactory(kind="secret", name="Vanishing club")
    author = UserFactory()
    add_member(community, author, role="owner")
    membership = add_member(community, employee)
    own = PostFactory(author=employee, community=community, body="SECRET-TEXT mine")
    conversations.add_comment(author, own.pk, "A comment")
    conversations.create_post(
        author, body=f"Hello @{employee.username} SECRET-TEXT", community=community
    )
    c = client_for(employee)
    assert "SECRET-TEXT" in c.get("/notifications/").content.decode()
    membership.delete()
    html = c.get("/notifications/").content.decode()
    assert "SECRET-TEXT" not in html and "Vanishing club" not in html
    assert "mentioned you" not in html
    assert "commented on your post" not in html
    assert c.get("/notifications/badge").content.strip() == b""


def test_preferences(client_for, employee):
    c = client_for(employee)
    html = c.get("/notifications/preferences").content.decode()
    assert "Reactions to what you wrote" in html
    assert 'name="mention-email" id="pref-mention-email"' in html
    # Turn reactions off in the app, mentions off by e-mail.
    data = {f"{kind}-in_app": "on" for kind in ["mention", "comment", "reply", "follow"]}
    data.update({"mention-email": "", "invitation-email": "on"})
    response = c.post("/notifications/preferences", data)
    assert response.status_code == 302
    reaction = Preference.objects.get(user=employee, kind="reaction")
    assert reaction.in_app is False
    mention = Preference.objects.get(user=employee, kind="mention")
    assert mention.in_app is True and mention.email is False
    post = PostFactory(author=employee)
    _react([UserFactory()], post)
    assert "reacted to your post" not in c.get("/notifications/").content.decode()


def test_anonymous_is_sent_to_sign_in(client_for):
    c = client_for(None)
    for url in ["/notifications/", "/notifications/badge", "/notifications/preferences"]:
        response = c.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nav_items_render(client_for, employee):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = employee
    from django.urls import resolve

    request.resolver_match = resolve("/")
    html = render_to_string("core/_nav_items.html", {"unread_notifications": 3}, request=request)
    assert 'href="/communities/"' in html and 'href="/notifications/"' in html
    assert 'aria-current="page"' in html and "3" in html
    assert 'hx-get="/notifications/badge"' in html
