"""@mentions in comments on answers and on questions, under the rules of comments on posts:
the people mentioned who may read the question are linked and told, once per comment, nobody
else; code is not a mention. Comments on a question are its post's comments (the
conversations app); comments on an answer go through qa.services.comment_on_answer."""

import pytest
from django.urls import reverse

from agora.conversations.models import Comment
from agora.notifications.models import Kind, Notification
from agora.qa import services
from agora.qa.models import AnswerComment
from tests.api_factories import add_member, committed, employee, make_community, send
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


def _mentions(user):
    return Notification.objects.filter(recipient=user, kind=Kind.MENTION)


def _link(username):
    """The start of the link to a profile, as posts render a mention."""
    return f'<a href="{reverse("people:profile", args=[username])}"'


def _comment(actor, answer_obj, body):
    with committed():
        return services.comment_on_answer(actor, answer_obj.pk, body)


# --- Comments on answers: the service -----------------------------------------------------------


def test_a_mention_in_a_comment_on_an_answer_is_linked_and_tells_the_person():
    ana, bob = employee(username="ana"), employee(username="bob")
    cyd, dan = employee(username="cyd"), employee(username="dan")
    q = ask(ana)
    a = answer(bob, q)
    comment = _comment(dan, a, "@cyd knows this one; not @nobody_here, and not `@cyd` in code.")
    note = _mentions(cyd).get()
    assert note.actor == dan and note.post_id == q.pk and note.answer_id == a.pk
    assert comment.body_html.count(_link("cyd")) == 1  # the code span stays code
    assert "@nobody_here" in comment.body_html and "/people/nobody_here" not in comment.body_html
    # the answer's author still hears of the comment, the asker of nothing
    assert [n.kind for n in Notification.objects.filter(recipient=bob)] == [Kind.ANSWER_COMMENT]
    assert not Notification.objects.filter(recipient=ana).exclude(kind=Kind.ANSWER).exists()


def test_the_mentioned_author_of_the_answer_is_told_once():
    ana, bob, cyd = employee(username="ana"), employee(username="bob"), employee(username="cyd")
    a = answer(bob, ask(ana))
    _comment(cyd, a, "@bob which script exactly?")
    # one notification per person and event: the mention, not also "commented on your answer"
    assert [(n.kind, n.answer_id) for n in Notification.objects.filter(recipient=bob)] == [
        (Kind.MENTION, a.pk)
    ]


def test_only_people_who_may_read_the_question_are_told_or_linked():
    owner, member = employee(username="owner"), employee(username="member")
    outsider = employee(username="outsider")
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    q = ask(owner, community=secret)
    a = answer(owner, q)
    comment = _comment(member, a, "Ask @outsider, or @owner who set it up.")
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert "/people/outsider" not in comment.body_html and _link("owner") in comment.body_html
    # the owner wrote the answer and is mentioned: one notification
    assert [n.kind for n in Notification.objects.filter(recipient=owner)] == [Kind.MENTION]


def test_mentioning_oneself_tells_nobody():
    ana, bob = employee(username="ana"), employee(username="bob")
    a = answer(bob, ask(ana))
    _comment(bob, a, "As @bob I can add: restart it.")
    assert not Notification.objects.filter(recipient=bob).exists()


# --- Comments on answers: the web and the API ---------------------------------------------------


def test_a_mention_in_a_comment_on_an_answer_through_the_web(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    cyd = employee(username="cyd", display_name="Cyd Moreau")
    q = ask(ana)
    a = answer(bob, q)
    with committed():
        r = client_for(ana).post(f"/questions/answers/{a.pk}/comments", {"body": "Thanks @cyd!"})
    assert r["Location"] == f"/questions/{q.pk}/#answer-{a.pk}"
    page = client_for(bob).get(f"/questions/{q.pk}/").content.decode()
    assert 'href="/people/cyd/"' in page and '">@cyd</a>!' in page
    html = client_for(cyd).get("/notifications/").content.decode()
    assert "mentioned you" in html and f'href="/questions/{q.pk}/#answer-{a.pk}"' in html


def test_a_mention_in_a_comment_on_an_answer_through_the_api(client_for):
    owner, member = employee(username="owner"), employee(username="member")
    outsider = employee(username="outsider")
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    q = ask(owner, community=secret)
    a = answer(member, q)
    with committed():
        r = send(
            client_for(owner),
            "post",
            f"/api/v1/answers/{a.pk}/comments",
            {"body": "@member and @outsider: see the runbook."},
        )
    assert r.status_code == 201, r.content
    body_html = r.json()["body_html"]
    assert _link("member") in body_html and "/people/outsider" not in body_html
    assert AnswerComment.objects.get().body_html == body_html
    assert not Notification.objects.filter(recipient=outsider).exists()
    # the mentioned author of the answer: the mention only (besides the invitation to join)
    notes = Notification.objects.filter(recipient=member).exclude(kind=Kind.INVITATION)
    assert [n.kind for n in notes] == [Kind.MENTION]
    items = send(client_for(member), "get", "/api/v1/notifications").json()["items"]
    assert [(i["kind"], i["answer_id"]) for i in items if i["kind"] != "invitation"] == [
        ("mention", a.pk)
    ]


# --- Comments on questions (the question's post comments) ---------------------------------------


def test_a_mention_in_a_comment_on_a_question_through_the_web(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    cyd = employee(username="cyd")
    q = ask(ana)
    with committed():
        client_for(bob).post(f"/posts/{q.pk}/comments", {"body": "@cyd and @ana, any idea?"})
    comment = Comment.objects.get(post_id=q.pk)
    assert _link("cyd") in comment.body_html and _link("ana") in comment.body_html
    page = client_for(ana).get(f"/questions/{q.pk}/").content.decode()
    assert '">@cyd</a> and' in page
    assert _mentions(cyd).get().comment_id == comment.pk
    # the mentioned asker: the mention, not also "commented on your post"
    assert [n.kind for n in Notification.objects.filter(recipient=ana)] == [Kind.MENTION]

    # an edit tells only the people it newly mentions
    dan = employee(username="dan")
    with committed():
        client_for(bob).post(
            f"/comments/{comment.pk}/edit", {"body": "@cyd, @ana and @dan, any idea?"}
        )
    assert _mentions(cyd).count() == 1 and _mentions(ana).count() == 1
    assert _mentions(dan).get().comment_id == comment.pk


def test_a_mention_in_a_comment_on_a_secret_question_through_the_api(client_for):
    owner, member = employee(username="owner"), employee(username="member")
    outsider, late = employee(username="outsider"), employee(username="late")
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    q = ask(owner, community=secret)
    c = client_for(member)
    with committed():
        r = send(c, "post", f"/api/v1/posts/{q.pk}/comments", {"body": "cc @outsider @owner"})
    assert r.status_code == 201, r.content
    created = r.json()
    assert "/people/outsider" not in created["body_html"] and _link("owner") in created["body_html"]
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert [n.kind for n in Notification.objects.filter(recipient=owner)] == [Kind.MENTION]

    add_member(secret, late)
    with committed():
        r = send(
            c, "patch", f"/api/v1/comments/{created['id']}", {"body": "cc @outsider @owner @late"}
        )
    assert r.status_code == 200, r.content
    assert _link("late") in r.json()["body_html"]
    assert _mentions(late).count() == 1 and _mentions(owner).count() == 1
    assert not Notification.objects.filter(recipient=outsider).exists()
