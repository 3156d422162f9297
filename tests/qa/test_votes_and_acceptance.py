"""Voting and acceptance rules: one vote per person and target, the same vote again takes it
back, the other one replaces it, never on one's own question or answer, members only in a
community; only the asker (or an administrator) accepts, one accepted answer at a time, it
can change, and the answerer is told."""

import pytest

from agora.core.errors import Forbidden, Invalid, NotFound
from agora.notifications.models import Notification
from agora.qa import queries, votes
from agora.qa.models import Answer, Question, Vote
from tests.api_factories import add_member, employee, make_community
from tests.factories import UserFactory
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


def _score(q):
    return Question.objects.get(pk=q.pk).score


def test_vote_toggle_and_switch_on_a_question():
    ana, bob, cyd = employee(), employee(), employee()
    q = ask(ana)
    assert votes.vote(bob, "up", question_id=q.pk) == (1, 1)
    assert votes.vote(cyd, "up", question_id=q.pk) == (1, 2)
    assert votes.vote(bob, "down", question_id=q.pk) == (-1, 0)  # switch: -2
    assert votes.vote(bob, "down", question_id=q.pk) == (None, 1)  # same again: taken back
    assert Vote.objects.filter(question=q).count() == 1
    assert _score(q) == 1


def test_vote_on_answers_and_the_viewer_vote_in_lists():
    ana, bob, cyd = employee(), employee(), employee()
    q = ask(ana)
    a = answer(bob, q)
    assert votes.vote(cyd, -1, answer_id=a.pk) == (-1, -1)
    assert votes.vote(ana, "up", answer_id=a.pk) == (1, 0)
    page = queries.answer_page(cyd, Question.objects.get(pk=q.pk))
    assert [(x.pk, x.viewer_vote, x.score) for x in page.items] == [(a.pk, -1, 0)]


def test_no_vote_on_what_you_wrote_nor_a_bad_value():
    ana, bob = employee(), employee()
    q = ask(ana)
    a = answer(bob, q)
    with pytest.raises(Forbidden):
        votes.vote(ana, "up", question_id=q.pk)
    with pytest.raises(Forbidden):
        votes.vote(bob, "up", answer_id=a.pk)
    with pytest.raises(Invalid):
        votes.vote(bob, "sideways", question_id=q.pk)
    assert not Vote.objects.exists()


def test_votes_in_a_community_need_membership_and_secret_ones_visibility():
    owner, member, outsider = employee(), employee(), employee()
    club = make_community(owner, kind="open")
    secret = make_community(owner, kind="secret")
    add_member(club, member)
    open_q = ask(owner, community=club)
    secret_q = ask(owner, community=secret)
    with pytest.raises(Forbidden):
        votes.vote(outsider, "up", question_id=open_q.pk)
    with pytest.raises(NotFound):
        votes.vote(outsider, "up", question_id=secret_q.pk)
    assert votes.vote(member, "up", question_id=open_q.pk) == (1, 1)


def test_only_the_asker_or_an_admin_accepts_one_answer_which_can_change():
    ana, bob, cyd, admin = employee(), employee(), employee(), UserFactory(kind="admin")
    q = ask(ana)
    a1, a2 = answer(bob, q, "First"), answer(cyd, q, "Second")
    with pytest.raises(Forbidden):
        votes.accept(bob, a1.pk)
    votes.accept(ana, a1.pk)
    assert Question.objects.get(pk=q.pk).accepted_answer_id == a1.pk
    accepted = Notification.objects.get(recipient=bob, kind="accepted")
    assert accepted.answer_id == a1.pk and accepted.actor == ana
    votes.accept(ana, a1.pk)  # idempotent: no second notification
    assert Notification.objects.filter(recipient=bob, kind="accepted").count() == 1
    votes.accept(ana, a2.pk)  # moves the mark
    assert Question.objects.get(pk=q.pk).accepted_answer_id == a2.pk
    assert Notification.objects.filter(recipient=cyd, kind="accepted").exists()
    votes.unaccept(admin, a2.pk)
    assert Question.objects.get(pk=q.pk).accepted_answer_id is None
    votes.accept(admin, a1.pk)
    assert Question.objects.get(pk=q.pk).accepted_answer_id == a1.pk


def test_answers_are_listed_accepted_first_then_by_score():
    ana, bob, cyd, dan, eve = (employee() for _ in range(5))
    q = ask(ana)
    low = answer(bob, q, "Low")
    high = answer(cyd, q, "High")
    mid = answer(dan, q, "Mid")
    votes.vote(eve, "up", answer_id=high.pk)
    votes.vote(ana, "up", answer_id=high.pk)
    votes.vote(eve, "up", answer_id=mid.pk)
    votes.vote(eve, "down", answer_id=low.pk)
    votes.accept(ana, low.pk)
    page = queries.answer_page(eve, Question.objects.get(pk=q.pk))
    assert [a.pk for a in page.items] == [low.pk, high.pk, mid.pk]
    assert [a.is_accepted for a in page.items] == [True, False, False]
    # cursor pages continue by score without repeating the accepted one
    first = queries.answer_page(eve, Question.objects.get(pk=q.pk), limit=1)
    assert [a.pk for a in first.items] == [low.pk, high.pk]
    second = queries.answer_page(
        eve, Question.objects.get(pk=q.pk), cursor=first.next_cursor, limit=1
    )
    assert [a.pk for a in second.items] == [mid.pk]
    assert Answer.objects.get(pk=high.pk).score == 2
