"""Questions and answers through the services: asking (a post of kind "question" with its
tags as hashtags, in feeds and search), answering, editing with history, comments on
answers, closing as a duplicate and reopening."""

import pytest

from agora.conversations.models import Post, PostRevision, TimelineEntry
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.notifications.models import Notification
from agora.qa import queries, services
from agora.qa.models import Answer, AnswerRevision, ExpertRequest, Question
from agora.search.services import Filters, search
from tests.api_factories import add_member, committed, employee, guest, make_community
from tests.factories import FollowFactory, UserFactory
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


def test_asking_creates_a_question_post_with_its_tags():
    ana = employee(username="ana")
    follower = employee()
    FollowFactory(follower=follower, followee=ana)
    q = ask(
        ana,
        "How do I rotate the VPN certificates?",
        "Mine expired #urgent",
        tags=["vpn", "Network", "#vpn"],
    )
    post = Post.objects.get(pk=q.pk)
    assert post.kind == "question" and post.title == "How do I rotate the VPN certificates?"
    assert sorted(t.name for t in post.hashtags.all()) == ["Network", "urgent", "vpn"]
    assert q.created_at == post.created_at and q.answer_count == 0
    # in the feeds of the asker's followers, and findable
    assert TimelineEntry.objects.filter(user=follower, post=post).exists()
    hits = search(follower, "VPN certificates", Filters(types=["question"])).items
    assert [h.id for h in hits] == [q.pk]
    assert hits[0].url == f"/questions/{q.pk}/"


@pytest.mark.parametrize(
    "title, tags, field",
    [
        ("Why?", [], "title"),
        ("x" * 201, [], "title"),
        ("How do I do this properly?", ["a", "b", "c", "d", "e", "f"], "tags"),
        ("How do I do this properly?", ["not a tag!"], "tags"),
    ],
)
def test_asking_checks_title_and_tags(title, tags, field):
    with pytest.raises(Invalid) as error:
        services.ask_question(employee(), title=title, body="Details", tags=tags)
    assert field in error.value.fields
    assert not Question.objects.exists() and not Post.objects.exists()


def test_asking_needs_a_body_and_a_place_one_may_post_in():
    ana = employee()
    with pytest.raises(Invalid) as error:
        services.ask_question(ana, title="How does this work here?", body="  ")
    assert "body" in error.value.fields
    secret = make_community(employee(), kind="secret")
    with pytest.raises(Forbidden):
        services.ask_question(ana, title="How does this work here?", body="x", community=secret)
    with pytest.raises(Forbidden):  # guests only ask inside their communities
        services.ask_question(guest(), title="How does this work here?", body="x")


def test_answering_counts_notifies_the_asker_once_per_question_and_closes_requests():
    ana, bob, cyd = employee(), employee(), employee()
    q = ask(ana)
    ExpertRequest.objects.create(question=q, expert=bob)
    a1 = answer(bob, q)
    answer(cyd, q)
    q.refresh_from_db()
    assert q.answer_count == 2
    assert ExpertRequest.objects.get(expert=bob).answered_at is not None
    notes = Notification.objects.filter(recipient=ana, kind="answer")
    assert notes.count() == 1  # grouped: "Bob and 1 other answered your question"
    assert notes.get().actor_count == 2 and notes.get().post_id == q.pk
    # answering one's own question tells nobody
    answer(ana, q)
    assert Notification.objects.filter(recipient=ana, kind="answer").get().actor_count == 2
    assert a1.body_html.startswith("<p>")


def test_answers_need_membership_of_the_community_and_an_open_question():
    owner, outsider = employee(), employee()
    club = make_community(owner, kind="open")
    q = ask(owner, community=club)
    with pytest.raises(Forbidden):  # may read an open community, must join to answer
        services.answer_question(outsider, q.pk, "I know!")
    original = ask(owner, "The original question about VPN?")
    services.close_as_duplicate(owner, q.pk, original.pk)
    add_member(club, outsider)
    with pytest.raises(Conflict):
        services.answer_question(outsider, q.pk, "I know!")


def test_secret_community_questions_do_not_exist_for_outsiders():
    owner, member, outsider = employee(), employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    q = ask(owner, community=secret)
    a = answer(member, q)
    for action in (
        lambda: services.access_question(outsider, q.pk),
        lambda: services.answer_question(outsider, q.pk, "x"),
        lambda: services.access_answer(outsider, a.pk),
        lambda: services.comment_on_answer(outsider, a.pk, "x"),
    ):
        with pytest.raises(NotFound):
            action()
    assert services.access_question(member, q.pk).pk == q.pk


def test_editing_keeps_history_and_tags():
    ana, bob = employee(), employee()
    q = ask(ana, tags=["vpn", "security"])
    with committed():
        services.edit_question(
            ana, q.pk, title="How do I renew the VPN certificates?", body="New #details"
        )
    post = Post.objects.get(pk=q.pk)
    assert post.title == "How do I renew the VPN certificates?"
    assert sorted(t.name for t in post.hashtags.all()) == ["details", "security", "vpn"]
    rev = PostRevision.objects.get(post=post)
    assert rev.title == "How do I rotate the VPN certificates?"
    with committed():
        services.edit_question(ana, q.pk, tags="vpn")
    assert sorted(t.name for t in post.hashtags.all()) == ["details", "vpn"]
    with pytest.raises(Forbidden):
        services.edit_question(bob, q.pk, title="Something else entirely?")

    a = answer(bob, q, "First version")
    services.edit_answer(bob, a.pk, "Second version")
    assert AnswerRevision.objects.get(answer=a).body == "First version"
    with pytest.raises(Forbidden):
        services.edit_answer(ana, a.pk, "Hijacked")


def test_deleting_an_answer_uncounts_and_unaccepts_it():
    from agora.qa import votes

    ana, bob = employee(), employee()
    q = ask(ana)
    a = answer(bob, q)
    votes.accept(ana, a.pk)
    with pytest.raises(Forbidden):
        services.delete_answer(employee(), a.pk)
    services.delete_answer(bob, a.pk)
    q.refresh_from_db()
    assert q.answer_count == 0 and q.accepted_answer_id is None
    with pytest.raises(NotFound):
        services.access_answer(ana, a.pk)


def test_comments_on_answers():
    ana, bob, cyd = employee(), employee(), employee()
    q = ask(ana)
    a = answer(bob, q)
    c = services.comment_on_answer(cyd, a.pk, "Which script?")
    assert Answer.objects.get(pk=a.pk).comment_count == 1
    assert Notification.objects.filter(recipient=bob, answer=a).exists()
    with pytest.raises(Forbidden):
        services.delete_answer_comment(ana, c.pk)
    services.delete_answer_comment(cyd, c.pk)
    assert Answer.objects.get(pk=a.pk).comment_count == 0


def test_close_as_duplicate_and_reopen():
    ana, bob, admin = employee(), employee(), UserFactory(kind="admin")
    original = ask(bob, "How do I rotate the VPN certificates?")
    q = ask(ana, "How can I renew my VPN certificate?")
    with pytest.raises(Forbidden):
        services.close_as_duplicate(bob, q.pk, original.pk)
    with pytest.raises(Invalid):
        services.close_as_duplicate(ana, q.pk, q.pk)
    with pytest.raises(Invalid):
        services.close_as_duplicate(ana, q.pk, 999999)
    closed = services.close_as_duplicate(ana, q.pk, original.pk)
    assert closed.is_closed and closed.duplicate_of_id == original.pk
    assert [d.pk for d in queries.duplicates_of(bob, original)] == [q.pk]
    with pytest.raises(Invalid):  # no loops
        services.close_as_duplicate(bob, original.pk, q.pk)
    reopened = services.reopen(admin, q.pk)
    assert not reopened.is_closed and reopened.duplicate_of_id is None


def test_community_moderators_may_close_questions_of_their_community():
    owner, member, mod = employee(), employee(), employee()
    club = make_community(owner)
    add_member(club, member)
    add_member(club, mod, role="moderator")
    original = ask(owner, community=club)
    q = ask(member, "How can I renew my VPN certificate?", community=club)
    assert services.close_as_duplicate(mod, q.pk, original.pk).is_closed


def test_a_question_post_cannot_be_made_through_the_post_composer_or_api(client_for):
    ana = employee()
    c = client_for(ana)
    r = c.post(
        "/api/v1/posts",
        {"body": "x", "kind": "question", "title": "Why is that?"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "kind" in r.json()["error"]["fields"]
    c.post("/posts/new", {"body": "x", "kind": "question", "title": "Why is that so?"})
    assert not Post.objects.filter(kind="question").exists()
