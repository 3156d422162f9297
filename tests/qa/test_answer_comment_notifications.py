"""Comments on an answer tell the answer's author with their own kind of notification
("… commented on your answer", linking to the answer on the question page), under the
notifications app's rules: per-kind preferences, grouping, nothing for one's own actions,
nothing about what the recipient can no longer see."""

import importlib

import pytest
from django.apps import apps
from django.core import mail

from agora.communities import services as community_services
from agora.notifications import digest
from agora.notifications import services as notification_services
from agora.notifications.models import Kind, Notification, Preference
from agora.notifications.services import set_preference
from agora.qa import services
from tests.api_factories import add_member, employee, make_community
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


def _comment(actor, answer_obj, body="Which script exactly?"):
    return services.comment_on_answer(actor, answer_obj.pk, body)


def _answer_comment_notes(user):
    return Notification.objects.filter(recipient=user, kind=Kind.ANSWER_COMMENT)


def _listed(user):
    """The answer-comment notifications `user` sees in the app."""
    return [n for n in notification_services.for_user(user).items if n.kind == "answer_comment"]


def test_a_comment_on_an_answer_is_its_own_kind_linking_to_the_answer(client_for):
    ana, bob = employee(), employee()
    cyd = employee(display_name="Cyd Moreau")
    q = ask(ana)
    a = answer(bob, q)
    _comment(cyd, a)
    note = _answer_comment_notes(bob).get()
    assert note.answer_id == a.pk and note.post_id == q.pk and note.actor == cyd
    # not the generic "commented on your post"
    assert not Notification.objects.filter(recipient=bob, kind=Kind.COMMENT).exists()
    assert digest.describe(note) == "Cyd Moreau commented on your answer"

    html = client_for(bob).get("/notifications/").content.decode()
    assert "Cyd Moreau commented on your answer" in html
    assert "commented on your post" not in html
    assert f'href="/questions/{q.pk}/#answer-{a.pk}"' in html

    items = client_for(bob).get("/api/v1/notifications").json()["items"]
    assert [(i["kind"], i["text"], i["answer_id"]) for i in items] == [
        ("answer_comment", "Cyd Moreau commented on your answer", a.pk)
    ]


def test_comments_on_one_answer_group_and_other_answers_stand_apart():
    ana, bob, cyd, dan = employee(), employee(), employee(), employee()
    q = ask(ana)
    first, second = answer(bob, q), answer(bob, q, "Or ask the network team to do it.")
    _comment(cyd, first)
    _comment(dan, first, "And then?")
    _comment(cyd, first, "Thanks!")  # the same person again is not one more
    assert _answer_comment_notes(bob).count() == 1
    grouped = _answer_comment_notes(bob).get()
    assert grouped.actor_count == 2 and grouped.actor == cyd
    _comment(dan, second)
    assert _answer_comment_notes(bob).count() == 2
    assert _answer_comment_notes(bob).filter(answer=second).get().actor_count == 1


def test_no_notification_for_commenting_on_ones_own_answer():
    ana, bob = employee(), employee()
    a = answer(bob, ask(ana))
    _comment(bob, a)
    assert not Notification.objects.filter(recipient=bob).exists()


def test_the_preference_of_the_new_kind_is_respected(client_for):
    ana, bob, cyd = employee(), employee(), employee()
    a = answer(bob, ask(ana))
    prefs = client_for(bob).get("/api/v1/notifications/preferences").json()
    assert prefs["answer_comment"] == {"in_app": True, "email": False}
    assert (
        "Comments on your answers"
        in client_for(bob).get("/notifications/preferences").content.decode()
    )

    set_preference(bob, Kind.ANSWER_COMMENT, in_app=False, email=False)
    _comment(cyd, a)
    assert not Notification.objects.filter(recipient=bob).exists()

    # e-mail only: recorded for the digest, not listed in the app
    set_preference(bob, Kind.ANSWER_COMMENT, email=True)
    _comment(cyd, a, "Still there?")
    assert _answer_comment_notes(bob).get().wants_email
    assert _listed(bob) == []
    # and the other comment kinds are unaffected by it
    set_preference(bob, Kind.ANSWER_COMMENT, in_app=True, email=False)
    assert prefs["comment"] == notification_services.preferences(bob)["comment"]


def test_the_digest_says_it_and_links_to_the_answer():
    ana, bob = employee(), employee(email="bob@example.com")
    cyd = employee(display_name="Cyd Moreau")
    q = ask(ana)
    a = answer(bob, q)
    set_preference(bob, Kind.ANSWER_COMMENT, email=True)
    _comment(cyd, a)
    assert digest.send_digest(bob)
    (message,) = mail.outbox
    assert "Cyd Moreau commented on your answer" in message.body
    assert f"/questions/{q.pk}/#answer-{a.pk}" in message.body


def test_dropped_when_the_answer_or_the_question_can_no_longer_be_seen():
    owner, bob, cyd = employee(), employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, bob)
    add_member(secret, cyd)
    q = ask(owner, community=secret)
    a = answer(bob, q)
    _comment(cyd, a)
    assert len(_listed(bob)) == 1
    # removed from the secret community: the notification drops out, no new one arrives
    community_services.remove_member(owner, secret, bob.username)
    assert _listed(bob) == []
    assert (
        notification_services.notify(
            Kind.ANSWER_COMMENT, recipient=bob, actor=cyd, post=q.post, answer=a
        )
        is None
    )

    # a deleted answer takes its notifications with it
    dan = employee()
    other = answer(dan, ask(owner, "Where is the printer on the third floor?"))
    _comment(cyd, other)
    assert len(_listed(dan)) == 1
    services.delete_answer(dan, other.pk)
    assert _listed(dan) == []


def test_the_migration_carries_the_comment_preference_over():
    migration = importlib.import_module("agora.notifications.migrations.0004_answer_comment_kind")
    quiet, chosen, default = employee(), employee(), employee()
    set_preference(quiet, Kind.COMMENT, in_app=False, email=False)
    set_preference(chosen, Kind.COMMENT, email=True)
    set_preference(chosen, Kind.ANSWER_COMMENT, in_app=False)  # already chose: kept
    migration.keep_comment_choice(apps, None)
    stored = {
        p.user_id: (p.in_app, p.email) for p in Preference.objects.filter(kind="answer_comment")
    }
    assert stored == {quiet.pk: (False, False), chosen.pk: (False, False)}
    assert default.pk not in stored


def test_said_in_french_too(client_for):
    from django.utils import translation

    ana, bob = employee(), employee()
    cyd = employee(display_name="Cyd Moreau")
    a = answer(bob, ask(ana))
    _comment(cyd, a)
    note = _answer_comment_notes(bob).get()
    with translation.override("fr"):
        assert digest.describe(note) == "Cyd Moreau a commenté votre réponse"
        assert str(Kind.ANSWER_COMMENT.label) == "Commentaires sur vos réponses"
    items = client_for(bob, HTTP_ACCEPT_LANGUAGE="fr").get("/api/v1/notifications").json()
    assert items["items"][0]["text"] == "Cyd Moreau a commenté votre réponse"
