"""Authors edit their comments on answers, through the API (PATCH /answer-comments/{id}) and
the web (/questions/answer-comments/{id}/edit): the previous text is kept as a revision,
only the author may edit, a comment the caller can't read is a 404, bad input changes
nothing, and only people the edit newly mentions are told."""

import pytest
from django.urls import reverse
from django.utils import translation

from agora.communities import services as community_services
from agora.notifications.models import Kind, Notification
from agora.qa import services
from agora.qa.models import AnswerComment, AnswerCommentRevision
from tests.api_factories import add_member, committed, employee, make_community, send
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


def _comment(actor, answer_obj, body="Which script exactly?"):
    with committed():
        return services.comment_on_answer(actor, answer_obj.pk, body)


def _setup():
    """ana asks, bob answers, cyd comments on the answer."""
    ana, bob, cyd = employee(username="ana"), employee(username="bob"), employee(username="cyd")
    q = ask(ana)
    a = answer(bob, q)
    return ana, bob, cyd, q, a, _comment(cyd, a)


def _patch(client, comment_id, body):
    with committed():
        return send(client, "patch", f"/api/v1/answer-comments/{comment_id}", {"body": body})


def _mentions(user):
    return Notification.objects.filter(recipient=user, kind=Kind.MENTION)


def _unchanged(comment):
    fresh = AnswerComment.objects.get(pk=comment.pk)
    assert fresh.body == comment.body and fresh.body_html == comment.body_html
    assert fresh.edited_at is None
    assert not AnswerCommentRevision.objects.filter(comment=comment).exists()


# --- The API ------------------------------------------------------------------------------------


def test_the_author_edits_through_the_api_and_the_old_text_is_kept(client_for):
    _ana, _bob, cyd, q, a, comment = _setup()
    r = _patch(client_for(cyd), comment.pk, "Which **script** exactly, renew.sh?")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["id"] == comment.pk and out["author"]["username"] == "cyd"
    assert out["body"] == "Which **script** exactly, renew.sh?"
    assert "<strong>script</strong>" in out["body_html"] and out["edited_at"]
    fresh = AnswerComment.objects.get(pk=comment.pk)
    assert fresh.body == out["body"] and fresh.edited_at is not None
    assert [r.body for r in fresh.revisions.all()] == ["Which script exactly?"]
    # the answer's comments show the new text with its edit time
    listed = send(client_for(cyd), "get", f"/api/v1/answers/{a.pk}/comments").json()
    assert listed[0]["body"] == out["body"] and listed[0]["edited_at"]
    # an unedited comment has no edit time in the answer's card
    other = _comment(cyd, a, "Another one")
    comments = send(client_for(cyd), "get", f"/api/v1/answers/{a.pk}").json()["comments"]
    assert [c["id"] for c in comments] == [comment.pk, other.pk]
    assert comments[0]["edited_at"] and "edited_at" not in comments[1]
    assert q.pk


def test_each_edit_keeps_the_text_it_replaced(client_for):
    *_, cyd, _q, _a, comment = _setup()
    c = client_for(cyd)
    assert _patch(c, comment.pk, "Second").status_code == 200
    assert _patch(c, comment.pk, "Third").status_code == 200
    revisions = AnswerCommentRevision.objects.filter(comment=comment)
    assert [r.body for r in revisions] == ["Second", "Which script exactly?"]  # newest first
    assert AnswerComment.objects.get(pk=comment.pk).body == "Third"


def test_someone_else_cannot_edit_the_comment(client_for):
    ana, bob, _cyd, _q, _a, comment = _setup()
    for user in (ana, bob):  # the asker, the answer's author
        r = _patch(client_for(user), comment.pk, "Hijacked")
        assert r.status_code == 403
        err = r.json()["error"]
        assert err["code"] == "forbidden"
        assert err["message"] == "Only the author can edit this comment."
    _unchanged(comment)


def test_the_refusal_is_translated(client_for):
    ana, *_, comment = _setup()
    r = _patch(client_for(ana, HTTP_ACCEPT_LANGUAGE="fr"), comment.pk, "Hijacked")
    assert r.status_code == 403
    with translation.override("fr"):
        expected = translation.gettext("Only the author can edit this comment.")
    assert expected != "Only the author can edit this comment."
    assert r.json()["error"]["message"] == expected


def test_a_comment_in_a_secret_community_is_not_found_for_outsiders(client_for):
    owner, member, outsider = employee(), employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    a = answer(owner, ask(owner, community=secret))
    comment = _comment(member, a)
    r = _patch(client_for(outsider), comment.pk, "Hello")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert _patch(client_for(outsider), 999_999, "Hello").json()["error"]["code"] == "not_found"
    _unchanged(comment)
    assert _patch(client_for(member), comment.pk, "Edited").status_code == 200


def test_a_deleted_comment_is_not_found(client_for):
    *_, cyd, _q, _a, comment = _setup()
    with committed():
        services.delete_answer_comment(cyd, comment.pk)
    assert _patch(client_for(cyd), comment.pk, "Back").status_code == 404
    assert not AnswerCommentRevision.objects.exists()


def test_an_author_who_left_the_community_can_no_longer_edit(client_for):
    owner, member = employee(), employee()
    community = make_community(owner, kind="open")
    add_member(community, member)
    a = answer(owner, ask(owner, community=community))
    comment = _comment(member, a)
    with committed():
        community_services.leave(member, community)
    r = _patch(client_for(member), comment.pk, "Edited")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    _unchanged(comment)


@pytest.mark.parametrize("body", ["", "   \n ", "x" * (services.MAX_COMMENT + 1)])
def test_an_empty_or_too_long_text_is_refused_and_changes_nothing(client_for, body):
    *_, cyd, _q, _a, comment = _setup()
    r = _patch(client_for(cyd), comment.pk, body)
    # the API answers the services' Invalid with 422, its usual status for invalid fields
    assert r.status_code == 422, r.content
    err = r.json()["error"]
    assert err["code"] == "invalid" and list(err["fields"]) == ["body"] and err["fields"]["body"]
    _unchanged(comment)


def test_a_missing_body_is_refused(client_for):
    *_, cyd, _q, _a, comment = _setup()
    with committed():
        r = send(client_for(cyd), "patch", f"/api/v1/answer-comments/{comment.pk}", {})
    err = r.json()["error"]
    assert r.status_code == 422 and err["code"] == "invalid" and err["fields"]["body"]
    _unchanged(comment)


def test_only_newly_mentioned_people_are_told(client_for):
    ana, bob, cyd, q, a, _ = _setup()
    dan, eve = employee(username="dan"), employee(username="eve")
    comment = _comment(cyd, a, "Ask @dan.")
    assert _mentions(dan).count() == 1
    c = client_for(cyd)
    # dan was mentioned already; eve is new; cyd mentions herself
    r = _patch(c, comment.pk, "Ask @dan or @eve (or me, @cyd).")
    assert r.status_code == 200
    assert 'href="/people/eve/"' in r.json()["body_html"]
    assert _mentions(dan).count() == 1
    note = _mentions(eve).get()
    assert note.actor == cyd and note.post_id == q.pk and note.answer_id == a.pk
    assert not _mentions(cyd).exists()
    # the same mentions again tell nobody
    assert _patch(c, comment.pk, "Ask @dan or @eve, really.").status_code == 200
    assert _mentions(dan).count() == 1 and _mentions(eve).count() == 1
    assert not Notification.objects.filter(recipient__in=[ana, bob], kind=Kind.MENTION).exists()


def test_a_mention_of_someone_who_cannot_read_the_question_is_not_linked_or_told(client_for):
    owner, member, outsider = employee(), employee(), employee(username="outsider")
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    a = answer(owner, ask(owner, community=secret))
    comment = _comment(member, a)
    r = _patch(client_for(member), comment.pk, "Ask @outsider.")
    assert r.status_code == 200 and "/people/outsider" not in r.json()["body_html"]
    assert not Notification.objects.filter(recipient=outsider).exists()


# --- The web ------------------------------------------------------------------------------------


def _edit_url(comment):
    return reverse("qa:edit_answer_comment", args=[comment.pk])


def test_the_edit_form_shows_the_current_text(client_for):
    *_, cyd, q, _a, comment = _setup()
    r = client_for(cyd).get(_edit_url(comment))
    assert r.status_code == 200
    page = r.content.decode()
    assert "Which script exactly?</textarea>" in page
    assert f'href="/questions/{q.pk}/#answer-comment-{comment.pk}"' in page  # back, cancel
    # @name suggestions among the question's readers
    assert f"&quot;post&quot;: {q.pk}" in page and 'id="comment-mention-suggestions"' in page


def test_saving_through_the_web_redirects_to_the_comment(client_for):
    *_, cyd, q, _a, comment = _setup()
    c = client_for(cyd)
    with committed():
        r = c.post(_edit_url(comment), {"body": "Which script exactly, renew.sh?"})
    assert r.status_code == 302
    assert r["Location"] == f"/questions/{q.pk}/#answer-comment-{comment.pk}"
    fresh = AnswerComment.objects.get(pk=comment.pk)
    assert fresh.body == "Which script exactly, renew.sh?" and fresh.edited_at is not None
    assert [r.body for r in fresh.revisions.all()] == ["Which script exactly?"]
    page = c.get(r["Location"]).content.decode()
    assert "Your comment is saved." in page and "renew.sh?" in page
    assert "· edited" in page


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("", "This field is required."),
        ("   ", "Write something first."),
        ("x" * (services.MAX_COMMENT + 1), "at most 10000 characters"),
    ],
)
def test_an_invalid_edit_shows_the_problem_next_to_the_field(client_for, body, problem):
    *_, cyd, _q, _a, comment = _setup()
    r = client_for(cyd).post(_edit_url(comment), {"body": body})
    assert r.status_code == 200
    page = r.content.decode()
    assert 'class="field-error" id="id_body_error"' in page and problem in page
    _unchanged(comment)


def test_someone_else_gets_403_and_an_outsider_404(client_for):
    ana, bob, _cyd, _q, _a, comment = _setup()
    for user in (ana, bob):
        assert client_for(user).get(_edit_url(comment)).status_code == 403
        assert client_for(user).post(_edit_url(comment), {"body": "Hijacked"}).status_code == 403
    _unchanged(comment)

    owner, member, outsider = employee(), employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    hidden = _comment(member, answer(owner, ask(owner, community=secret)))
    c = client_for(outsider)
    assert c.get(_edit_url(hidden)).status_code == 404
    assert c.post(_edit_url(hidden), {"body": "Hello"}).status_code == 404
    _unchanged(hidden)
    assert client_for(None).get(_edit_url(comment)).status_code == 302  # to sign in


def test_the_edit_link_is_shown_to_the_author_only(client_for):
    ana, bob, cyd, q, _a, comment = _setup()
    link = f'href="{_edit_url(comment)}"'
    assert link in client_for(cyd).get(f"/questions/{q.pk}/").content.decode()
    for user in (ana, bob):
        assert link not in client_for(user).get(f"/questions/{q.pk}/").content.decode()
    page = client_for(ana).get(f"/questions/{q.pk}/").content.decode()
    assert "· edited" not in page
    services.edit_answer_comment(cyd, comment.pk, "Edited")
    assert "· edited" in client_for(ana).get(f"/questions/{q.pk}/").content.decode()
