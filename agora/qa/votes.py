"""Votes and accepted answers.

Votes work like on Stack Overflow: one per person and target, the same vote again takes it
back, the other one replaces it; nobody votes on what they wrote. The score is a counter moved
with F() in the same transaction as the Vote row, and the unique constraints decide races (50
people voting at once give an exact score, see tests/qa/test_vote_concurrency.py).
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.core.errors import Forbidden, Invalid
from agora.notifications.models import Kind

from .models import Answer, Question, Vote
from .services import _check_take_part, _notify, access_answer, access_question

UP, DOWN = 1, -1


def _value(direction) -> int:
    mapping = {"up": UP, "down": DOWN, 1: UP, -1: DOWN, "1": UP, "-1": DOWN}
    value = mapping.get(direction)
    if value is None:
        raise Invalid(fields={"value": [_("Vote up or down.")]})
    return value


def vote(actor, direction, *, question_id: int | None = None, answer_id: int | None = None):
    """Returns (the viewer's vote now: 1, -1 or None, the target's score)."""
    value = _value(direction)
    if answer_id is not None:
        target = access_answer(actor, answer_id)
        model, lookup, post = Answer, {"answer": target}, target.question.post
        owner_id = target.author_id
    else:
        target = access_question(actor, question_id)
        model, lookup, post = Question, {"question": target}, target.post
        owner_id = post.author_id
    if owner_id == actor.pk:
        raise Forbidden(_("You cannot vote on what you wrote."))
    _check_take_part(actor, post)
    with transaction.atomic():
        now = _apply(actor, model, target, lookup, value)
    score = model.objects.filter(pk=target.pk).values_list("score", flat=True).first()
    return now, score


def _apply(actor, model, target, lookup, value) -> int | None:
    existing = Vote.objects.select_for_update().filter(user=actor, **lookup).first()
    if existing is not None:
        if existing.value == value:
            existing.delete()
            model.objects.filter(pk=target.pk).update(score=F("score") - value)
            return None
        existing.value = value
        existing.save(update_fields=["value"])
        model.objects.filter(pk=target.pk).update(score=F("score") + 2 * value)
        return value
    try:
        with transaction.atomic():
            Vote.objects.create(user=actor, value=value, **lookup)
    except IntegrityError:
        return value  # the same person's concurrent request got there first
    model.objects.filter(pk=target.pk).update(score=F("score") + value)
    return value


def own_votes(user, *, question_ids=(), answer_ids=()) -> dict[tuple[str, int], int]:
    """The viewer's votes on a page of questions and answers, in one query."""
    from django.db.models import Q

    question_ids, answer_ids = list(question_ids), list(answer_ids)
    if not user.is_authenticated or not (question_ids or answer_ids):
        return {}
    rows = Vote.objects.filter(
        Q(question_id__in=question_ids) | Q(answer_id__in=answer_ids), user=user
    ).values_list("question_id", "answer_id", "value")
    return {(("question", q) if q else ("answer", a)): value for q, a, value in rows}


def can_accept(actor, question: Question) -> bool:
    return actor.pk == question.post.author_id or actor.is_administrator


def accept(actor, answer_id: int) -> Answer:
    """The asker (or an administrator) marks the answer that solved it; accepting another one
    moves the mark. The answerer is told."""
    answer = access_answer(actor, answer_id)
    question = answer.question
    if not can_accept(actor, question):
        raise Forbidden(_("Only the person who asked can accept an answer."))
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.accepted_answer_id == answer.pk:
            return answer
        locked.accepted_answer = answer
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=["accepted_answer", "last_activity_at"])
        _notify(Kind.ACCEPTED, answer.author, actor, post=question.post, answer=answer)
    return answer


def unaccept(actor, answer_id: int) -> Answer:
    answer = access_answer(actor, answer_id)
    if not can_accept(actor, answer.question):
        raise Forbidden(_("Only the person who asked can accept an answer."))
    with transaction.atomic():
        locked = Question.objects.select_for_update().filter(pk=answer.question_id).first()
        if locked is not None and locked.accepted_answer_id == answer.pk:
            # save(), not update(): the expert finder's receiver must see the credit go.
            locked.accepted_answer = None
            locked.save(update_fields=["accepted_answer"])
    return answer
