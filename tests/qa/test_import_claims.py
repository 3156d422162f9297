"""Claiming imported Stack Exchange accounts (agora/qa/claims.py): who may ask and decide, the
merge of an imported account into its owner's, re-imports after it, the settings and review
pages (English and French) and the API."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.conversations.models import Comment, Post
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.experts.models import ExpertStat
from agora.experts.services import find_experts
from agora.notifications.models import Kind, Notification
from agora.qa import claims
from agora.qa.importer import import_dump
from agora.qa.models import Answer, AnswerComment, ImportClaim, ImportedRecord, Question
from agora.search import services as search
from agora.search.models import SearchDocument
from tests.api_factories import send
from tests.factories import UserFactory, set_profile
from tests.qa.test_import_stackexchange import a, q, write_dump

pytestmark = pytest.mark.django_db

SITE = "tea.stackexchange.com"
User = get_user_model()

USERS = [
    {"Id": 1, "DisplayName": "Ada Tea", "CreationDate": "2015-01-02T10:00:00.000"},
    {"Id": 2, "DisplayName": "Bob Brew", "CreationDate": "2015-01-03T10:00:00.000"},
]
POSTS = [
    q(
        1,
        "2015-02-01T10:00:00.000",
        owner=1,
        title="How hot should the water be for green tea?",
        body="<p>Is boiling water too hot for sencha?</p>",
    ),
    a(2, 1, "2015-02-01T11:00:00.000", owner=2, body="<p>About 80 degrees.</p>"),
    q(
        3,
        "2015-02-02T10:00:00.000",
        owner=2,
        title="Which teapot for oolong?",
        AcceptedAnswerId=4,
    ),
    a(4, 3, "2015-02-02T11:00:00.000", owner=1, body="<p>A gaiwan suits oolong best.</p>"),
]
COMMENTS = [
    {"Id": 11, "PostId": 1, "Text": "Nice", "CreationDate": "2015-02-01T10:30:00", "UserId": 2},
    {"Id": 12, "PostId": 2, "Text": "Source?", "CreationDate": "2015-02-01T11:30:00", "UserId": 1},
    {"Id": 13, "PostId": 3, "Text": "Yixing?", "CreationDate": "2015-02-02T10:30:00", "UserId": 1},
]


def _dump(tmp_path, posts=POSTS):
    return write_dump(
        tmp_path / SITE, {"Posts.xml": posts, "Users.xml": USERS, "Comments.xml": COMMENTS}
    )


def account_of(source_id: int):
    record = ImportedRecord.objects.get(site=SITE, kind="user", source_id=source_id)
    return User.objects.get(pk=record.object_id)


@pytest.fixture
def dump(tmp_path):
    return _dump(tmp_path)


@pytest.fixture
def ada(dump):
    """The imported account of Stack Exchange user 1 (after importing the dump)."""
    import_dump(dump)
    return account_of(1)


@pytest.fixture
def owner(db):
    return UserFactory(username="ada", display_name="Ada Lovelace")


def claim(user, source_id=1, note=""):
    return claims.request_claim(user, SITE, source_id, note)


# --- Asking ----------------------------------------------------------------------------------


def test_guests_may_not_claim(ada, guest, client_for):
    with pytest.raises(Forbidden):
        claim(guest)
    c = client_for(guest)
    response = send(c, "post", "/api/v1/me/import-claims", {"site": SITE, "source_user_id": 1})
    assert response.status_code == 403
    assert c.get("/settings/imported/").status_code == 403
    assert not ImportClaim.objects.exists()


def test_unknown_account_is_not_found(ada, owner, client_for):
    with pytest.raises(NotFound):
        claim(owner, 999)
    with pytest.raises(NotFound):
        claims.request_claim(owner, "other.stackexchange.com", 1)
    # the placeholder of deleted users is not an imported person
    response = send(
        client_for(owner), "post", "/api/v1/me/import-claims", {"site": SITE, "source_user_id": 7}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_second_pending_claim_conflicts(ada, owner, client_for):
    claim(owner)
    with pytest.raises(Conflict):
        claim(owner)
    response = send(
        client_for(owner), "post", "/api/v1/me/import-claims", {"site": SITE, "source_user_id": 1}
    )
    assert response.status_code == 409
    assert ImportClaim.objects.count() == 1


def test_note_length_and_id_are_checked(ada, owner, client_for):
    with pytest.raises(Invalid) as error:
        claim(owner, note="x" * 501)
    assert "note" in error.value.fields
    with pytest.raises(Invalid) as error:
        claim(owner, source_id="not an id")
    assert "source_user_id" in error.value.fields
    response = send(
        client_for(owner),
        "post",
        "/api/v1/me/import-claims",
        {"site": SITE, "source_user_id": "https://coffee.stackexchange.com/users/1/ada"},
    )
    assert response.status_code == 422
    assert "source_user_id" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "given",
    [1, "1", "https://tea.stackexchange.com/users/1/ada-tea", "tea.stackexchange.com/users/1"],
)
def test_an_id_or_a_profile_address(ada, owner, given):
    found = claims.request_claim(owner, SITE, given)
    assert (found.imported_id, found.source_id, found.site) == (ada.pk, 1, SITE)


def test_administrators_are_notified(ada, owner, admin_user):
    claim(owner)
    notification = Notification.objects.get(recipient=admin_user)
    assert notification.kind == Kind.IMPORT_CLAIM
    assert notification.actor_id == owner.pk


# --- Deciding --------------------------------------------------------------------------------


def test_only_administrators_list_and_decide(ada, owner, other_employee, client_for):
    pending = claim(owner)
    for user in (owner, other_employee):
        c = client_for(user)
        assert send(c, "get", "/api/v1/import-claims").status_code == 403
        for action in ("approve", "reject"):
            response = send(c, "post", f"/api/v1/import-claims/{pending.pk}/{action}")
            assert response.status_code == 403
            assert c.post(f"/settings/imported/requests/{pending.pk}/{action}").status_code == 403
        assert c.get("/settings/imported/requests/").status_code == 403
        with pytest.raises(Forbidden):
            claims.decide_claim(user, pending.pk, True)
    pending.refresh_from_db()
    assert pending.state == "pending"
    assert Post.objects.get(author=ada)


def test_deciding_twice_conflicts(ada, owner, admin_user, client_for):
    pending = claim(owner)
    c = client_for(admin_user)
    assert send(c, "post", f"/api/v1/import-claims/{pending.pk}/reject").status_code == 200
    assert send(c, "post", f"/api/v1/import-claims/{pending.pk}/approve").status_code == 409
    with pytest.raises(Conflict):
        claims.decide_claim(admin_user, pending.pk, False)
    pending.refresh_from_db()
    assert pending.state == "rejected" and pending.decided_by == admin_user
    assert Post.objects.filter(author=ada).exists()  # rejecting moves nothing


def test_another_administrator_decides_an_administrators_own_claim(ada, admin_user, client_for):
    other_admin = UserFactory(kind="admin")
    own = claim(admin_user)
    for action in ("approve", "reject"):
        response = send(client_for(admin_user), "post", f"/api/v1/import-claims/{own.pk}/{action}")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "own_claim"
        page = client_for(admin_user).post(f"/settings/imported/requests/{own.pk}/{action}")
        assert page.status_code == 403
    own.refresh_from_db()
    assert own.state == "pending" and Post.objects.filter(author=ada).exists()
    page = client_for(admin_user).get("/settings/imported/requests/").content.decode()
    assert f"/settings/imported/requests/{own.pk}/approve" not in page
    assert "Another administrator decides your own claim." in page
    other_page = client_for(other_admin).get("/settings/imported/requests/").content.decode()
    assert f"/settings/imported/requests/{own.pk}/approve" in other_page
    claims.decide_claim(other_admin, own.pk, True)
    assert not Post.objects.filter(author=ada).exists()


def test_the_only_administrator_decides_their_own_claim(ada, admin_user):
    own = claim(admin_user)
    claims.decide_claim(admin_user, own.pk, True)
    own.refresh_from_db()
    assert own.state == "approved"


def test_approving_rejects_the_other_claims_and_closes_the_account(
    ada, owner, other_employee, admin_user
):
    mine, theirs = claim(owner), claim(other_employee)
    claims.decide_claim(admin_user, mine.pk, True)
    theirs.refresh_from_db()
    assert theirs.state == "rejected"
    with pytest.raises(Conflict):
        claim(other_employee)  # merged: its record names its owner now
    with pytest.raises(Conflict):
        claims.decide_claim(admin_user, theirs.pk, True)


def test_the_people_whose_claims_are_decided_are_told(
    ada, owner, other_employee, admin_user, client_for
):
    from agora.notifications.views import target_url

    mine = claim(owner)
    claim(other_employee)  # rejected by the approval of the first
    claims.decide_claim(admin_user, mine.pk, True)
    for person in (owner, other_employee):
        notification = Notification.objects.get(recipient=person, kind=Kind.CLAIM_DECIDED)
        assert notification.actor_id == admin_user.pk
        page = client_for(person).get("/notifications/").content.decode()
        assert "decided on your claim of an imported account" in page
        assert target_url(notification) == "/settings/imported/"  # where the state shows
    assert not Notification.objects.filter(recipient=admin_user, kind=Kind.CLAIM_DECIDED)


# --- The merge -------------------------------------------------------------------------------


def references_to(user) -> dict[str, int]:
    """Rows of every model that point at `user` (hidden relations included: many FKs to the
    user model have related_name="+", which `related_objects` leaves out)."""
    found = {}
    for rel in User._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        label = f"{rel.related_model._meta.label}.{rel.field.name}"
        n = rel.related_model._base_manager.filter(**{rel.field.name: user}).count()
        if n:
            found[label] = n
    return found


def test_merge_moves_everything_and_leaves_an_empty_tombstone(ada, owner, admin_user):
    bob = account_of(2)
    before = references_to(ada)
    assert before["conversations.Post.author"] == 1
    assert before["qa.Answer.author"] == 1
    assert before["conversations.Comment.author"] == 1
    assert before["qa.AnswerComment.author"] == 1
    assert ExpertStat.objects.filter(user=ada).exists()
    question = Question.objects.select_related("post").get(post__author=ada)
    answer = Answer.objects.get(author=ada)
    bob_content = (
        Post.objects.filter(author=bob).count(),
        Answer.objects.filter(author=bob).count(),
    )

    claims.decide_claim(admin_user, claim(owner).pk, True)

    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.post.author_id == owner.pk and answer.author_id == owner.pk
    assert Comment.objects.get(body="Yixing?").author_id == owner.pk
    assert AnswerComment.objects.get(body="Source?").author_id == owner.pk
    # the attribution still says where it came from
    assert (question.source_author, question.source_url) == ("Ada Tea", f"https://{SITE}/q/1")
    assert answer.source_author == "Ada Tea"
    # re-imports map source user 1 to the owner
    assert ImportedRecord.objects.get(site=SITE, kind="user", source_id=1).object_id == owner.pk
    # the tombstone: inactive, its profile and the claim only
    ada.refresh_from_db()
    assert not ada.is_active
    assert set(references_to(ada)) == {"people.Profile.user", "qa.ImportClaim.imported"}
    assert not SearchDocument.objects.filter(author_id=ada.pk).exists()
    assert not ExpertStat.objects.filter(user=ada).exists()
    # the other imported person is untouched
    assert bob_content == (
        Post.objects.filter(author=bob).count(),
        Answer.objects.filter(author=bob).count(),
    )


def test_search_by_author_finds_the_moved_question(ada, owner, admin_user):
    claims.decide_claim(admin_user, claim(owner).pk, True)
    found = search.search(owner, "green tea", search.Filters(author="ada"), limit=50)
    post = Post.objects.get(title__startswith="How hot")
    assert post.pk in [h.id for h in found.items if h.type == "question"]


def test_the_expert_finder_knows_the_owner_by_the_source_id(ada, owner, admin_user):
    claims.decide_claim(admin_user, claim(owner).pk, True)
    results = find_experts(None, "gaiwan oolong")
    assert [(r.user.pk, r.source_id) for r in results][:1] == [(owner.pk, 1)]
    out = StringIO()
    call_command("experts", "gaiwan oolong", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["username"] == "ada" and rows[0]["source_id"] == 1
    assert ada.username not in [r["username"] for r in rows]


def test_a_failure_midway_moves_nothing(ada, owner, admin_user, monkeypatch):
    pending = claim(owner)

    def broken(*args, **kwargs):
        raise RuntimeError("search is down")

    monkeypatch.setattr("agora.qa.importer.indexing.index_imported", broken)
    with pytest.raises(RuntimeError):
        claims.decide_claim(admin_user, pending.pk, True)
    pending.refresh_from_db()
    assert pending.state == "pending"
    assert not Post.objects.filter(author=owner).exists()
    assert not Answer.objects.filter(author=owner).exists()
    assert not Comment.objects.filter(author=owner).exists()
    assert ImportedRecord.objects.get(site=SITE, kind="user", source_id=1).object_id == ada.pk
    assert references_to(ada)["qa.Answer.author"] == 1


def test_reimporting_after_a_merge_is_idempotent(dump, ada, owner, admin_user, tmp_path):
    set_profile(owner, bio="My own words.", location="Paris")
    claims.decide_claim(admin_user, claim(owner).pk, True)
    counts = [m.objects.count() for m in (User, Post, Answer, Comment, AnswerComment)]

    import_dump(dump)

    assert [m.objects.count() for m in (User, Post, Answer, Comment, AnswerComment)] == counts
    owner.refresh_from_db()
    assert owner.username == "ada" and owner.is_active
    assert (owner.profile.display_name, owner.profile.bio, owner.profile.location) == (
        "Ada Lovelace",
        "My own words.",
        "Paris",
    )
    assert not Post.objects.filter(author=ada).exists()
    # a later dump's new answer by source user 1 is the owner's
    later = _dump(tmp_path / "later", POSTS + [a(5, 1, "2015-03-01T10:00:00", owner=1)])
    import_dump(later, site=SITE)
    assert User.objects.count() == counts[0]
    assert Answer.objects.get(source_url=f"https://{SITE}/a/5").author_id == owner.pk


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Imported contributions", "Claim an imported account", "Send the claim"]),
        ("fr", ["Contributions importées", "Revendiquer un compte importé", "Envoyer la demande"]),
    ],
)
def test_the_settings_page_prefilled(ada, client_for, language, words):
    person = UserFactory(language=language)
    page = client_for(person).get(f"/settings/imported/?site={SITE}&user=1")
    assert page.status_code == 200
    text = page.content.decode()
    for word in words:
        assert word in text
    assert f'<option value="{SITE}" selected>' in text
    assert 'value="1"' in text


def test_claiming_on_the_page(ada, owner, client_for):
    c = client_for(owner)
    response = c.post("/settings/imported/", {"site": SITE, "user": "999"}, follow=True)
    assert response.status_code == 200
    assert "No imported account has this id on this site." in response.content.decode()
    assert not ImportClaim.objects.exists()
    response = c.post(
        "/settings/imported/",
        {"site": SITE, "user": f"https://{SITE}/users/1/ada-tea", "note": "my old profile"},
        follow=True,
    )
    text = response.content.decode()
    assert "Your claim is sent" in text
    assert "Ada Tea" in text and "Pending" in text
    assert ImportClaim.objects.get().note == "my old profile"
    response = c.post("/settings/imported/", {"site": SITE, "user": "1"})
    assert "You already asked for this account" in response.content.decode()


def test_is_this_you_on_imported_content(ada, owner, admin_user, client_for):
    post = Post.objects.get(title__startswith="How hot")
    c = client_for(owner)
    page = c.get(f"/questions/{post.pk}/").content.decode()
    assert f"/settings/imported/?site={SITE}&amp;user=1" in page
    assert "Is this you?" in page
    claims.decide_claim(admin_user, claim(owner).pk, True)
    page = c.get(f"/questions/{post.pk}/").content.decode()
    assert "user=1" not in page  # the owner's now
    assert "user=2" in page  # Bob's answer is still imported


def test_the_nav_links(ada, owner, admin_user, guest, client_for):
    def nav(user) -> str:
        return client_for(user).get("/settings/").content.decode()

    assert "/settings/imported/" in nav(owner)
    assert "/settings/imported/requests/" not in nav(owner)
    assert "/settings/imported/requests/" in nav(admin_user)
    assert "/settings/imported/" not in nav(guest)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Claims of imported accounts", "1 question", "1 answer", "2 comments", "Approve"]),
        ("fr", ["Revendications de comptes importés", "1 question", "1 réponse", "Approuver"]),
    ],
)
def test_the_review_page(ada, owner, client_for, language, words):
    claim(owner, note="https://tea.stackexchange.com/users/1")
    admin = UserFactory(kind="admin", language=language)
    page = client_for(admin).get("/settings/imported/requests/")
    text = page.content.decode()
    for word in words:
        assert word in text
    assert "Ada Lovelace" in text and "Ada Tea" in text


def test_approving_on_the_review_page(ada, owner, admin_user, client_for):
    pending = claim(owner)
    c = client_for(admin_user)
    response = c.post(f"/settings/imported/requests/{pending.pk}/approve", follow=True)
    assert "now belong to Ada Lovelace" in response.content.decode()
    assert Answer.objects.filter(author=owner).count() == 1
    response = c.post(f"/settings/imported/requests/{pending.pk}/reject", follow=True)
    assert "already decided" in response.content.decode()


def test_the_review_page_costs_the_same_for_many_claims(
    ada, admin_user, client_for, django_assert_max_num_queries
):
    c = client_for(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/settings/imported/requests/").status_code == 200
        return len(ctx.captured_queries)

    claim(UserFactory())
    few = count()
    for i in range(6):
        claim(UserFactory(), source_id=1 + i % 2)
    assert count() == few
    with django_assert_max_num_queries(15):
        c.get("/settings/imported/requests/")


# --- API -------------------------------------------------------------------------------------


def test_the_api(ada, owner, other_employee, admin_user, client_for):
    mine = client_for(owner)
    response = send(
        mine,
        "post",
        "/api/v1/me/import-claims",
        {"site": SITE, "source_user_id": 1, "note": "it is me"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "pending" and body["note"] == "it is me"
    assert body["imported"] == {
        "site": SITE,
        "source_id": 1,
        "display_name": "Ada Tea",
        "questions": 1,
        "answers": 1,
        "comments": 2,
    }
    claims.request_claim(other_employee, SITE, 2)
    listed = send(mine, "get", "/api/v1/me/import-claims").json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]

    admin = client_for(admin_user)
    first = send(admin, "get", "/api/v1/import-claims?state=pending&limit=1").json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = send(admin, "get", f"/api/v1/import-claims?limit=1&cursor={first['next_cursor']}")
    assert len(rest.json()["items"]) == 1
    assert send(admin, "get", "/api/v1/import-claims?state=nope").status_code == 422

    approved = send(admin, "post", f"/api/v1/import-claims/{body['id']}/approve").json()
    assert approved["state"] == "approved"
    assert approved["decided_by"]["username"] == admin_user.username
    assert approved["imported"]["answers"] == 0  # it all moved
    everything = send(admin, "get", "/api/v1/import-claims?state=").json()["items"]
    assert [c["state"] for c in everything] == ["pending", "approved"]  # pending first
