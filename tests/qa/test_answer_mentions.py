"""@mentions in answers, through the conversations app's mention rules: the people mentioned
who may read the question are linked and told (once), nobody else; code is not a mention."""

import pytest
from django.urls import reverse

from agora.notifications.models import Kind, Notification
from agora.qa import services
from tests.api_factories import add_member, committed, employee, make_community
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


def _mentions(user):
    return Notification.objects.filter(recipient=user, kind=Kind.MENTION)


def _link(username):
    """The start of the link to a profile, as posts render a mention."""
    return f'<a href="{reverse("people:profile", args=[username])}"'


def test_a_mention_in_an_answer_is_linked_and_tells_the_person(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    cyd = employee(username="cyd", display_name="Cyd Moreau")
    q = ask(ana)
    a = answer(bob, q, "@cyd did it last year; ask @nobody_here or see `@cyd` in the log.")
    note = _mentions(cyd).get()
    assert note.actor == bob and note.post_id == q.pk and note.answer_id == a.pk
    assert a.body_html.count(_link("cyd")) == 1  # the code span stays code
    assert "@nobody_here" in a.body_html and "/people/nobody_here" not in a.body_html

    page = client_for(ana).get(f"/questions/{q.pk}/").content.decode()
    assert '">@cyd</a> did it last year' in page
    html = client_for(cyd).get("/notifications/").content.decode()
    assert "mentioned you" in html and f'href="/questions/{q.pk}/#answer-{a.pk}"' in html
    # the asker still hears of the answer
    assert Notification.objects.filter(recipient=ana, kind=Kind.ANSWER).exists()


def test_only_people_who_may_read_the_question_are_told_or_linked():
    owner, member = employee(username="owner"), employee(username="member")
    outsider = employee(username="outsider")
    secret = make_community(owner, kind="secret")
    add_member(secret, member)
    q = ask(owner, community=secret)
    a = answer(member, q, "Ask @outsider, or @owner who set it up.")
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert "/people/outsider" not in a.body_html and _link("owner") in a.body_html
    # one notification per person: the mentioned asker is told of the mention only
    assert [n.kind for n in Notification.objects.filter(recipient=owner)] == [Kind.MENTION]


def test_mentioning_oneself_tells_nobody():
    ana, bob = employee(username="ana"), employee(username="bob")
    answer(bob, ask(ana), "As @bob I can say: restart it.")
    assert not _mentions(bob).exists()


def test_an_edit_tells_only_the_people_it_newly_mentions():
    ana, bob = employee(username="ana"), employee(username="bob")
    cyd, dan = employee(username="cyd"), employee(username="dan")
    a = answer(bob, ask(ana), "Thanks to @cyd for this.")
    with committed():
        edited = services.edit_answer(bob, a.pk, "Thanks to @cyd and @dan for this.")
    assert _mentions(cyd).count() == 1  # not told twice
    assert _mentions(dan).get().answer_id == a.pk
    assert _link("dan") in edited.body_html
    with committed():
        edited = services.edit_answer(bob, a.pk, "Thanks to everyone.")
    assert "/people/" not in edited.body_html
