"""Moderation (PRODUCT C17, issue 3 item 6): reports, the queue each kind of person gets,
hiding and restoring content, suspending accounts, and the audit trail of every decision —
through the services, the REST API and the web pages."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from agora.accounts.services import create_api_token
from agora.communities.models import Community, Membership
from agora.conversations import feeds
from agora.conversations import services as conversations
from agora.conversations.models import Comment, Post
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.core.models import AuditEntry
from agora.moderation import services
from agora.moderation.models import Report
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


# --- A small company ----------------------------------------------------------------------------


class World:
    pass


def _community(name, kind, owner, members=(), moderators=()):
    community = Community.objects.create(
        name=name, slug=name.lower(), kind=kind, created_by=owner, member_count=1
    )
    Membership.objects.create(community=community, user=owner, role=Membership.Role.OWNER)
    for user in moderators:
        Membership.objects.create(community=community, user=user, role=Membership.Role.MODERATOR)
    for user in members:
        Membership.objects.create(community=community, user=user, role=Membership.Role.MEMBER)
    return community


@pytest.fixture
def w(admin_user):
    """Two communities with their own moderators, members, an outsider, a guest and an
    administrator; a post and a comment in each, and a post on a profile."""
    x = World()
    x.admin = admin_user
    x.open_owner = UserFactory(username="open_owner")
    x.open_mod = UserFactory(username="open_mod")
    x.secret_owner = UserFactory(username="secret_owner")
    x.author = UserFactory(username="author")
    x.member = UserFactory(username="member")
    x.outsider = UserFactory(username="outsider")
    x.guest = UserFactory(username="guest", kind="guest")
    x.open = _community(
        "Open", Community.Kind.OPEN, x.open_owner, [x.author, x.member], [x.open_mod]
    )
    x.secret = _community("Secret", Community.Kind.SECRET, x.secret_owner, [x.author, x.member])
    x.open_post = conversations.create_post(x.author, body="Buy cheap watches", community=x.open)
    x.secret_post = conversations.create_post(
        x.author, body="Q3 numbers before release", community=x.secret
    )
    x.profile_post = conversations.create_post(x.author, body="Something rude on my profile")
    x.open_comment = conversations.add_comment(x.author, x.open_post.pk, "You are all idiots")
    x.secret_comment = conversations.add_comment(x.author, x.secret_post.pk, "Secret comment")
    return x


def api_client(user) -> Client:
    _token, secret = create_api_token(user, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post_json(client, url, payload=None):
    body = json.dumps(payload) if payload is not None else ""
    return client.post(url, body, content_type="application/json")


def web(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def audit(action):
    return AuditEntry.objects.filter(action=action)


def post_page(post_id):
    """The conversation page, if the conversations app serves it in this tree."""
    try:
        return reverse("conversations:post", args=[post_id])
    except NoReverseMatch:
        return None


# --- Reporting ----------------------------------------------------------------------------------


class TestReporting:
    def test_report_a_post_comment_and_profile(self, w):
        r1 = services.report(w.member, post_id=w.open_post.pk, reason="spam", text="ads")
        r2 = services.report(w.member, comment_id=w.open_comment.pk, reason="harassment")
        r3 = services.report(w.member, username="author", reason="other", text="Fake account")
        assert (r1.target_kind, r2.target_kind, r3.target_kind) == ("post", "comment", "user")
        assert r1.community == w.open and r2.community == w.open and r3.community is None
        assert r1.status == Report.Status.OPEN
        entries = audit("moderation.reported").order_by("id")
        assert [e.target_user for e in entries] == [w.author] * 3
        assert [e.actor for e in entries] == [w.member] * 3
        assert entries[0].details["kind"] == "post"
        assert entries[0].details["object"] == w.open_post.pk

    def test_one_open_report_per_person_per_target(self, w):
        services.report(w.member, post_id=w.open_post.pk, reason="spam")
        with pytest.raises(Conflict):
            services.report(w.member, post_id=w.open_post.pk, reason="harassment")
        # Someone else may report it too; and once closed, the same person may report again.
        services.report(w.outsider, post_id=w.open_post.pk, reason="spam")
        services.dismiss(w.open_mod, Report.objects.filter(reporter=w.member).get().pk)
        services.report(w.member, post_id=w.open_post.pk, reason="spam")
        assert Report.objects.filter(reporter=w.member).count() == 2

    def test_database_enforces_one_target_and_one_open_report(self, w):
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(
                reporter=w.member, post=w.open_post, reported_user=w.author, reason="spam"
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(reporter=w.member, reason="spam")
        Report.objects.create(reporter=w.member, post=w.open_post, reason="spam")
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(reporter=w.member, post=w.open_post, reason="other")

    def test_nobody_reports_what_they_cannot_see(self, w):
        # Secret community content, for a non-member employee and a guest: not found.
        for viewer in (w.outsider, w.guest):
            with pytest.raises(NotFound):
                services.report(viewer, post_id=w.secret_post.pk, reason="spam")
            with pytest.raises(NotFound):
                services.report(viewer, comment_id=w.secret_comment.pk, reason="spam")
        # Profile posts are for employees only.
        with pytest.raises(NotFound):
            services.report(w.guest, post_id=w.profile_post.pk, reason="spam")
        # A guest doesn't see people outside their communities.
        with pytest.raises(NotFound):
            services.report(w.guest, username="author", reason="spam")
        # Nothing that doesn't exist, nothing deleted, nothing hidden.
        with pytest.raises(NotFound):
            services.report(w.member, post_id=999_999, reason="spam")
        services.hide(w.open_mod, post_id=w.open_post.pk)
        with pytest.raises(NotFound):
            services.report(w.member, post_id=w.open_post.pk, reason="spam")
        assert not Report.objects.exists()

    def test_invalid_reports(self, w):
        with pytest.raises(Invalid) as error:
            services.report(w.member, post_id=w.open_post.pk, reason="boring")
        assert "reason" in error.value.fields
        with pytest.raises(Invalid) as error:
            services.report(w.member, post_id=w.open_post.pk, reason="other", text="  ")
        assert "text" in error.value.fields
        with pytest.raises(Invalid) as error:
            services.report(w.member, post_id=w.open_post.pk, reason="spam", text="x" * 2001)
        assert "text" in error.value.fields
        with pytest.raises(Invalid):
            services.report(w.member, reason="spam")
        with pytest.raises(Invalid):
            services.report(
                w.member, post_id=w.open_post.pk, comment_id=w.open_comment.pk, reason="spam"
            )
        with pytest.raises(Invalid):
            services.report(w.author, post_id=w.open_post.pk, reason="spam")
        with pytest.raises(Invalid):
            services.report(w.author, username="author", reason="spam")
        services.report(w.member, post_id=w.open_post.pk, reason="spam", text="x" * 2000)


# --- Who sees which queue -----------------------------------------------------------------------


@pytest.fixture
def reported(w):
    """Open reports on everything: open community, secret community, profile post, profile."""
    return {
        "open_post": services.report(w.member, post_id=w.open_post.pk, reason="spam"),
        "open_comment": services.report(
            w.member, comment_id=w.open_comment.pk, reason="harassment"
        ),
        "secret_post": services.report(w.member, post_id=w.secret_post.pk, reason="confidential"),
        "secret_comment": services.report(
            w.member, comment_id=w.secret_comment.pk, reason="inappropriate"
        ),
        "profile_post": services.report(w.member, post_id=w.profile_post.pk, reason="spam"),
        "profile": services.report(w.member, username="author", reason="other", text="Troll"),
    }


def queue_ids(viewer, **filters):
    page = services.queue(viewer, services.QueueFilters(**filters))
    return {r.pk for r in page.items}


class TestQueue:
    def test_community_moderators_see_their_communities(self, w, reported):
        mine = {reported["open_post"].pk, reported["open_comment"].pk}
        assert queue_ids(w.open_owner) == mine
        assert queue_ids(w.open_mod) == mine
        assert queue_ids(w.secret_owner) == {
            reported["secret_post"].pk,
            reported["secret_comment"].pk,
        }

    def test_administrators_see_everything(self, w, reported):
        assert queue_ids(w.admin) == {r.pk for r in reported.values()}
        assert queue_ids(w.admin, kind="user") == {reported["profile"].pk}
        assert queue_ids(w.admin, community="secret") == {
            reported["secret_post"].pk,
            reported["secret_comment"].pk,
        }
        assert queue_ids(w.admin, reason="confidential") == {reported["secret_post"].pk}

    def test_everyone_else_is_forbidden(self, w, reported):
        for viewer in (w.member, w.author, w.outsider, w.guest):
            with pytest.raises(Forbidden):
                services.queue(viewer)

    def test_status_filter(self, w, reported):
        services.dismiss(w.open_mod, reported["open_post"].pk)
        assert queue_ids(w.open_mod) == {reported["open_comment"].pk}
        assert queue_ids(w.open_mod, status="dismissed") == {reported["open_post"].pk}
        assert queue_ids(w.open_mod, status="") == {
            reported["open_post"].pk,
            reported["open_comment"].pk,
        }
        with pytest.raises(Invalid):
            services.queue(w.open_mod, services.QueueFilters(status="nonsense"))

    def test_a_moderator_who_steps_down_loses_the_queue(self, w, reported):
        Membership.objects.filter(user=w.open_mod).update(role=Membership.Role.MEMBER)
        with pytest.raises(Forbidden):
            services.queue(w.open_mod)

    def test_queue_is_a_fixed_number_of_queries(self, w, django_assert_max_num_queries):
        for i in range(12):
            reporter = UserFactory()
            Membership.objects.create(community=w.open, user=reporter)
            post = conversations.create_post(w.author, body=f"post {i}", community=w.open)
            services.report(reporter, post_id=post.pk, reason="spam")
            services.report(reporter, comment_id=w.open_comment.pk, reason="spam")
        client = web(w.admin)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("moderation:queue"))
        assert response.status_code == 200
        assert response.content.count(b'class="card report"') == 20


# --- Hide, restore, dismiss ---------------------------------------------------------------------


class TestHideRestore:
    def test_hide_a_post_resolves_its_reports_and_hides_it_from_everyone(self, w, reported):
        other = services.report(w.outsider, post_id=w.open_post.pk, reason="spam")
        outcome = services.hide(w.open_mod, post_id=w.open_post.pk, note="advertising")
        assert outcome.hidden and set(outcome.resolved_reports) == {
            reported["open_post"].pk,
            other.pk,
        }
        w.open_post.refresh_from_db()
        assert w.open_post.hidden_at is not None
        for pk in outcome.resolved_reports:
            found = Report.objects.get(pk=pk)
            assert found.status == Report.Status.RESOLVED
            assert found.resolved_by == w.open_mod and found.resolved_at is not None
            assert found.resolution_note == "advertising"
        # Other reports are untouched.
        assert Report.objects.get(pk=reported["open_comment"].pk).status == "open"
        # Gone for everyone, the author and the moderator included, in pages and feeds.
        for viewer in (w.member, w.author, w.outsider, w.open_mod, w.admin):
            with pytest.raises(NotFound):
                conversations.access_post(viewer, w.open_post.pk)
            assert w.open_post.pk not in [p.pk for p in feeds.community(viewer, w.open).items]
            assert w.open_post.pk not in [p.pk for p in feeds.profile(viewer, w.author).items]
        # ... and its comments with it.
        with pytest.raises(NotFound):
            conversations.access_comment(w.member, w.open_comment.pk)
        entry = audit("moderation.post_hidden").get()
        assert entry.actor == w.open_mod and entry.target_user == w.author
        assert entry.details["post"] == w.open_post.pk
        assert entry.details["community"] == w.open.pk
        assert entry.details["note"] == "advertising"
        assert set(entry.details["reports"]) == set(outcome.resolved_reports)

    def test_restore_brings_it_back(self, w):
        services.hide(w.open_owner, post_id=w.open_post.pk)
        services.restore(w.open_owner, post_id=w.open_post.pk)
        assert conversations.access_post(w.member, w.open_post.pk).pk == w.open_post.pk
        assert w.open_post.pk in [p.pk for p in feeds.community(w.member, w.open).items]
        entry = audit("moderation.post_restored").get()
        assert entry.actor == w.open_owner and entry.target_user == w.author

    def test_home_feed_drops_hidden_posts(self, w, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            post = conversations.create_post(w.author, body="in the feed", community=w.open)
        assert post.pk in [p.pk for p in feeds.home(w.member).items]
        services.hide(w.open_mod, post_id=post.pk)
        assert post.pk not in [p.pk for p in feeds.home(w.member).items]
        services.restore(w.open_mod, post_id=post.pk)
        assert post.pk in [p.pk for p in feeds.home(w.member).items]

    def test_hide_a_comment(self, w, reported):
        before = Post.objects.get(pk=w.open_post.pk).comment_count
        outcome = services.hide(w.open_mod, comment_id=w.open_comment.pk)
        assert outcome.resolved_reports == [reported["open_comment"].pk]
        with pytest.raises(NotFound):
            conversations.access_comment(w.member, w.open_comment.pk)
        assert w.open_comment.pk not in [
            c.pk for c in conversations.comments_of(w.member, w.open_post)
        ]
        # The post stays, with one comment fewer counted.
        conversations.access_post(w.member, w.open_post.pk)
        assert Post.objects.get(pk=w.open_post.pk).comment_count == before - 1
        services.restore(w.open_mod, comment_id=w.open_comment.pk)
        assert Post.objects.get(pk=w.open_post.pk).comment_count == before
        conversations.access_comment(w.member, w.open_comment.pk)
        actions = list(
            AuditEntry.objects.filter(action__startswith="moderation.comment").values_list(
                "action", "target_user"
            )
        )
        assert sorted(actions) == [
            ("moderation.comment_hidden", w.author.pk),
            ("moderation.comment_restored", w.author.pk),
        ]

    def test_who_may_hide(self, w):
        # A moderator of another community sees the open post but doesn't moderate it.
        with pytest.raises(Forbidden):
            services.hide(w.secret_owner, post_id=w.open_post.pk)
        # Members and outsiders who can read it: forbidden; those who can't: not found.
        with pytest.raises(Forbidden):
            services.hide(w.member, post_id=w.open_post.pk)
        with pytest.raises(NotFound):
            services.hide(w.outsider, post_id=w.secret_post.pk)
        with pytest.raises(NotFound):
            services.hide(w.open_mod, comment_id=w.secret_comment.pk)
        # Posts on profiles belong to no community: administrators only.
        with pytest.raises(Forbidden):
            services.hide(w.open_mod, post_id=w.profile_post.pk)
        services.hide(w.admin, post_id=w.profile_post.pk)
        services.hide(w.admin, post_id=w.secret_post.pk)
        services.hide(w.secret_owner, comment_id=w.secret_comment.pk)
        assert not audit("moderation.post_hidden").filter(actor=w.member).exists()

    def test_a_hidden_post_stays_invisible_to_those_who_never_could_see_it(self, w):
        services.hide(w.secret_owner, post_id=w.secret_post.pk)
        # The outsider can't tell a hidden secret post from one that doesn't exist.
        with pytest.raises(NotFound):
            services.restore(w.outsider, post_id=w.secret_post.pk)
        with pytest.raises(NotFound):
            services.restore(w.open_mod, post_id=w.secret_post.pk)

    def test_dismiss(self, w, reported):
        second = services.report(w.outsider, post_id=w.open_post.pk, reason="spam")
        found = services.dismiss(w.open_mod, reported["open_post"].pk, note="It's fine")
        assert found.status == Report.Status.DISMISSED
        assert Report.objects.get(pk=second.pk).status == Report.Status.DISMISSED
        conversations.access_post(w.member, w.open_post.pk)  # still visible
        with pytest.raises(Conflict):
            services.dismiss(w.open_mod, reported["open_post"].pk)
        entry = audit("moderation.report_dismissed").get()
        assert entry.actor == w.open_mod and entry.target_user == w.author
        assert set(entry.details["reports"]) == {reported["open_post"].pk, second.pk}
        assert entry.details["note"] == "It's fine"

    def test_dismiss_outside_ones_scope(self, w, reported):
        # A report in another community's queue, or on a profile, doesn't exist for them.
        with pytest.raises(NotFound):
            services.dismiss(w.open_mod, reported["secret_post"].pk)
        with pytest.raises(NotFound):
            services.dismiss(w.open_mod, reported["profile"].pk)
        with pytest.raises(Forbidden):
            services.dismiss(w.member, reported["open_post"].pk)
        services.dismiss(w.admin, reported["profile"].pk)


# --- Suspending ---------------------------------------------------------------------------------


class TestSuspend:
    def test_only_administrators_suspend(self, w):
        for actor in (w.open_owner, w.open_mod, w.member):
            with pytest.raises(Forbidden):
                services.suspend(actor, "author")
        with pytest.raises(NotFound):
            services.suspend(w.admin, "nobody-by-that-name")
        with pytest.raises(Forbidden):
            services.suspend(w.admin, w.admin.username)

    def test_suspend_blocks_sign_in_sessions_and_tokens(self, w, reported):
        _token, secret = create_api_token(w.author, "mine")
        session = web(w.author)
        token_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert token_client.get("/api/v1/me/profile").status_code == 200
        assert session.get(reverse("home")).status_code == 200
        before = Client()
        before.post(reverse("account_login"), {"login": w.author.email, "password": PASSWORD})
        assert before.session.get("_auth_user_id") == str(w.author.pk)

        user = services.suspend(w.admin, "author", note="repeated spam")
        assert not user.is_active
        assert Report.objects.get(pk=reported["profile"].pk).status == Report.Status.RESOLVED

        assert token_client.get("/api/v1/me/profile").status_code == 401
        assert session.get(reverse("home")).status_code == 302  # signed out
        assert not Client().login(username="author", password=PASSWORD)
        browser = Client()
        browser.post(reverse("account_login"), {"login": w.author.email, "password": PASSWORD})
        assert "_auth_user_id" not in browser.session
        assert browser.get(reverse("home")).status_code == 302

        entry = audit("moderation.user_suspended").get()
        assert entry.actor == w.admin and entry.target_user == w.author
        assert entry.details["note"] == "repeated spam"
        assert entry.details["reports"] == [reported["profile"].pk]
        assert audit("account.deactivated").filter(target_user=w.author).exists()

        services.reinstate(w.admin, "author")
        assert get_user_model().objects.get(pk=w.author.pk).is_active
        assert token_client.get("/api/v1/me/profile").status_code == 200
        assert audit("moderation.user_reinstated").get().target_user == w.author


# --- API ----------------------------------------------------------------------------------------


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    if code:
        assert body["error"]["code"] == code
    return body["error"]


class TestApi:
    def test_report(self, w):
        client = api_client(w.member)
        response = post_json(
            client, "/api/v1/reports", {"post": w.open_post.pk, "reason": "spam", "text": "ads"}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "open" and body["reason"] == "spam"
        assert body["target_kind"] == "post"
        again = post_json(client, "/api/v1/reports", {"post": w.open_post.pk, "reason": "spam"})
        assert_error(again, 409, "already_reported")
        mine = client.get("/api/v1/reports").json()
        assert [r["id"] for r in mine["items"]] == [body["id"]]

        profile = post_json(client, "/api/v1/reports", {"user": "author", "reason": "harassment"})
        assert profile.status_code == 201
        comment = post_json(
            client, "/api/v1/reports", {"comment": w.open_comment.pk, "reason": "harassment"}
        )
        assert comment.status_code == 201

    def test_report_errors(self, w):
        client = api_client(w.outsider)
        invisible = post_json(
            client, "/api/v1/reports", {"post": w.secret_post.pk, "reason": "spam"}
        )
        assert_error(invisible, 404, "not_found")
        invisible = post_json(
            client, "/api/v1/reports", {"comment": w.secret_comment.pk, "reason": "spam"}
        )
        assert_error(invisible, 404, "not_found")
        guest = post_json(
            api_client(w.guest), "/api/v1/reports", {"user": "author", "reason": "spam"}
        )
        assert_error(guest, 404, "not_found")
        bad = post_json(client, "/api/v1/reports", {"post": w.open_post.pk, "reason": "meh"})
        assert "reason" in assert_error(bad, 422, "invalid")["fields"]
        long = post_json(
            client,
            "/api/v1/reports",
            {"post": w.open_post.pk, "reason": "spam", "text": "x" * 2001},
        )
        assert "text" in assert_error(long, 422, "invalid")["fields"]
        unknown = post_json(
            client, "/api/v1/reports", {"post": w.open_post.pk, "reason": "spam", "extra": 1}
        )
        assert_error(unknown, 422, "invalid")
        assert_error(post_json(client, "/api/v1/reports", {"reason": "spam"}), 422, "invalid")
        anonymous = post_json(
            Client(), "/api/v1/reports", {"post": w.open_post.pk, "reason": "spam"}
        )
        assert_error(anonymous, 401, "unauthenticated")
        assert not Report.objects.exists()

    def test_queue(self, w, reported):
        body = api_client(w.open_mod).get("/api/v1/moderation/queue").json()
        assert {r["id"] for r in body["items"]} == {
            reported["open_post"].pk,
            reported["open_comment"].pk,
        }
        item = next(r for r in body["items"] if r["id"] == reported["open_post"].pk)
        assert item["target"]["kind"] == "post"
        assert item["target"]["author"]["username"] == "author"
        assert "Buy cheap watches" in item["target"]["body_html"]
        assert item["community"] == {"slug": "open", "name": "Open"}
        assert item["reporter"]["username"] == "member"

        everything = api_client(w.admin).get("/api/v1/moderation/queue?limit=2")
        assert everything.status_code == 200
        page = everything.json()
        assert len(page["items"]) == 2 and page["next_cursor"]
        seen = {r["id"] for r in page["items"]}
        while page["next_cursor"]:
            page = (
                api_client(w.admin)
                .get(f"/api/v1/moderation/queue?limit=2&cursor={page['next_cursor']}")
                .json()
            )
            seen |= {r["id"] for r in page["items"]}
        assert seen == {r.pk for r in reported.values()}

        assert_error(api_client(w.member).get("/api/v1/moderation/queue"), 403, "forbidden")
        assert_error(Client().get("/api/v1/moderation/queue"), 401)
        bad = api_client(w.admin).get("/api/v1/moderation/queue?status=weird")
        assert_error(bad, 422, "invalid")
        bad = api_client(w.admin).get("/api/v1/moderation/queue?cursor=garbage")
        assert_error(bad, 422, "invalid")

    def test_hidden_content_stays_readable_in_the_queue(self, w, reported):
        client = api_client(w.open_mod)
        response = post_json(
            client, f"/api/v1/moderation/posts/{w.open_post.pk}/hide", {"note": "spam"}
        )
        assert response.status_code == 200, response.content
        assert response.json() == {
            "kind": "post",
            "id": w.open_post.pk,
            "hidden": True,
            "resolved_reports": [reported["open_post"].pk],
        }
        resolved = client.get("/api/v1/moderation/queue?status=resolved").json()["items"]
        assert resolved[0]["target"]["hidden"] is True
        assert "Buy cheap watches" in resolved[0]["target"]["body_html"]
        assert resolved[0]["resolved_by"]["username"] == "open_mod"
        assert resolved[0]["resolution_note"] == "spam"
        restored = post_json(client, f"/api/v1/moderation/posts/{w.open_post.pk}/restore")
        assert restored.status_code == 200 and restored.json()["hidden"] is False

    def test_comment_actions_and_dismiss(self, w, reported):
        client = api_client(w.open_owner)
        hidden = post_json(client, f"/api/v1/moderation/comments/{w.open_comment.pk}/hide")
        assert hidden.status_code == 200 and hidden.json()["hidden"] is True
        assert Comment.objects.get(pk=w.open_comment.pk).hidden_at is not None
        restored = post_json(client, f"/api/v1/moderation/comments/{w.open_comment.pk}/restore")
        assert restored.status_code == 200
        assert Comment.objects.get(pk=w.open_comment.pk).hidden_at is None

        pk = reported["open_post"].pk
        dismissed = post_json(client, f"/api/v1/moderation/reports/{pk}/dismiss", {"note": "ok"})
        assert dismissed.status_code == 200, dismissed.content
        assert dismissed.json()["status"] == "dismissed"
        assert_error(post_json(client, f"/api/v1/moderation/reports/{pk}/dismiss"), 409)
        secret = reported["secret_post"].pk
        assert_error(post_json(client, f"/api/v1/moderation/reports/{secret}/dismiss"), 404)

    def test_action_errors(self, w):
        member = api_client(w.member)
        assert_error(
            post_json(member, f"/api/v1/moderation/posts/{w.open_post.pk}/hide"), 403, "forbidden"
        )
        outsider = api_client(w.outsider)
        assert_error(
            post_json(outsider, f"/api/v1/moderation/posts/{w.secret_post.pk}/hide"),
            404,
            "not_found",
        )
        assert_error(post_json(api_client(w.admin), "/api/v1/moderation/posts/999999/hide"), 404)
        note = post_json(
            api_client(w.open_mod),
            f"/api/v1/moderation/posts/{w.open_post.pk}/hide",
            {"note": "x" * 2001},
        )
        assert_error(note, 422, "invalid")
        assert Post.objects.get(pk=w.open_post.pk).hidden_at is None
        assert_error(
            post_json(api_client(w.open_owner), "/api/v1/moderation/users/author/suspend"),
            403,
            "forbidden",
        )

    def test_suspend_and_reinstate(self, w):
        client = api_client(w.admin)
        response = post_json(client, "/api/v1/moderation/users/author/suspend", {"note": "spam"})
        assert response.status_code == 200
        assert response.json() == {"username": "author", "active": False}
        response = post_json(client, "/api/v1/moderation/users/author/reinstate")
        assert response.json() == {"username": "author", "active": True}
        assert_error(post_json(client, "/api/v1/moderation/users/ghost/suspend"), 404)


# --- Web ----------------------------------------------------------------------------------------


class TestWeb:
    def test_report_form(self, w):
        client = web(w.member)
        url = reverse("moderation:report") + f"?post={w.open_post.pk}"
        page = client.get(url)
        assert page.status_code == 200
        assert b"Buy cheap watches" in page.content
        # Errors next to the field.
        response = client.post(url, {"reason": "other", "text": ""})
        assert response.status_code == 200
        assert b"field-error" in response.content
        assert b"Tell the moderators what is wrong." in response.content
        response = client.post(url, {"reason": "", "text": ""})
        assert b"field-error" in response.content
        assert not Report.objects.exists()
        # Sent.
        response = client.post(url, {"reason": "spam", "text": "ads", "next": "/people/"})
        assert response.status_code == 302 and response["Location"] == "/people/"
        assert Report.objects.get().reporter == w.member
        # Twice: said next to the form, not a crash.
        response = client.post(url, {"reason": "spam"})
        assert response.status_code == 200
        assert b"You already reported this" in response.content
        # An off-site `next` is ignored.
        comment_url = reverse("moderation:report") + f"?comment={w.open_comment.pk}"
        response = client.post(comment_url, {"reason": "spam", "next": "https://evil.example/"})
        assert response.status_code == 302 and "evil" not in response["Location"]

    def test_report_a_profile_page(self, w):
        client = web(w.member)
        url = reverse("moderation:report") + "?user=author"
        assert client.get(url).status_code == 200
        client.post(url, {"reason": "harassment"})
        assert Report.objects.get().reported_user == w.author

    def test_report_page_of_something_invisible_is_404(self, w):
        client = web(w.outsider)
        base = reverse("moderation:report")
        assert client.get(f"{base}?post={w.secret_post.pk}").status_code == 404
        assert client.get(f"{base}?comment={w.secret_comment.pk}").status_code == 404
        assert client.post(f"{base}?post={w.secret_post.pk}", {"reason": "spam"}).status_code == 404
        assert client.get(f"{base}?post=abc").status_code == 404
        assert client.get(base).status_code == 404
        assert web(w.guest).get(f"{base}?user=author").status_code == 404
        anonymous = Client().get(f"{base}?post={w.open_post.pk}")
        assert anonymous.status_code == 302
        assert not Report.objects.exists()

    def test_queue_page(self, w, reported):
        services.hide(w.open_mod, post_id=w.open_post.pk)
        client = web(w.open_mod)
        page = client.get(reverse("moderation:queue") + "?status=resolved")
        assert page.status_code == 200
        # The hidden post's text is shown to its moderator.
        assert b"Buy cheap watches" in page.content
        assert b"Restore the post" in page.content
        open_page = client.get(reverse("moderation:queue")).content
        assert b"You are all idiots" in open_page
        assert b"Q3 numbers" not in open_page  # another community's report
        assert b"Suspend the author" not in open_page  # administrators only

        admin_page = web(w.admin).get(reverse("moderation:queue")).content
        assert b"Q3 numbers" in admin_page and b"Troll" in admin_page
        assert b"Suspend the author" in admin_page
        filtered = web(w.admin).get(reverse("moderation:queue") + "?kind=user").content
        assert b"Troll" in filtered and b"Q3 numbers" not in filtered

        for viewer in (w.member, w.outsider, w.guest):
            assert web(viewer).get(reverse("moderation:queue")).status_code == 403
        assert Client().get(reverse("moderation:queue")).status_code == 302

    def test_queue_actions(self, w, reported):
        client = web(w.open_mod)
        queue = reverse("moderation:queue")
        response = client.post(
            reverse("moderation:hide_post", args=[w.open_post.pk]),
            {"note": "ads", "next": queue + "?status=open"},
        )
        assert response.status_code == 302 and response["Location"] == queue + "?status=open"
        assert Post.objects.get(pk=w.open_post.pk).hidden_at is not None
        client.post(reverse("moderation:restore_post", args=[w.open_post.pk]))
        assert Post.objects.get(pk=w.open_post.pk).hidden_at is None
        client.post(reverse("moderation:hide_comment", args=[w.open_comment.pk]))
        assert Comment.objects.get(pk=w.open_comment.pk).hidden_at is not None
        client.post(reverse("moderation:restore_comment", args=[w.open_comment.pk]))
        assert Comment.objects.get(pk=w.open_comment.pk).hidden_at is None
        services.report(w.outsider, post_id=w.open_post.pk, reason="spam")
        pk = Report.objects.get(reporter=w.outsider).pk
        client.post(reverse("moderation:dismiss", args=[pk]))
        assert Report.objects.get(pk=pk).status == Report.Status.DISMISSED
        # GET does nothing; other people can't act.
        assert client.get(reverse("moderation:hide_post", args=[w.open_post.pk])).status_code == 405
        member = web(w.member)
        hide = reverse("moderation:hide_post", args=[w.open_post.pk])
        assert member.post(hide).status_code == 403
        outsider_hide = reverse("moderation:hide_post", args=[w.secret_post.pk])
        assert web(w.outsider).post(outsider_hide).status_code == 404
        assert client.post(reverse("moderation:suspend", args=["author"])).status_code == 403
        assert Post.objects.get(pk=w.secret_post.pk).hidden_at is None

        admin = web(w.admin)
        admin.post(reverse("moderation:suspend", args=["author"]), {"note": "spam"})
        assert not get_user_model().objects.get(pk=w.author.pk).is_active
        admin.post(reverse("moderation:reinstate", args=["author"]))
        assert get_user_model().objects.get(pk=w.author.pk).is_active

        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {
            "moderation.post_hidden",
            "moderation.post_restored",
            "moderation.comment_hidden",
            "moderation.comment_restored",
            "moderation.report_dismissed",
            "moderation.user_suspended",
            "moderation.user_reinstated",
        } <= actions
        assert (
            not AuditEntry.objects.filter(action__startswith="moderation.", actor=w.member)
            .exclude(action="moderation.reported")
            .exists()
        )

    def test_hidden_post_page_is_404_for_others(self, w):
        url = post_page(w.open_post.pk)
        if url is None:
            pytest.skip("the conversations app serves no post page in this tree yet")
        client = web(w.member)
        assert client.get(url).status_code == 200
        services.hide(w.open_mod, post_id=w.open_post.pk)
        assert client.get(url).status_code == 404
        assert web(w.author).get(url).status_code == 404
        services.restore(w.open_mod, post_id=w.open_post.pk)
        assert client.get(url).status_code == 200
