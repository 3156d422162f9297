"""50 people vote on one answer at the same moment: the score is exact, on SQLite (a database
file, as in production) and on PostgreSQL. Uses the thread harness of the reactions test."""

from agora.qa import services, votes
from agora.qa.models import Answer, Question, Vote
from tests.factories import UserFactory
from tests.test_reactions_concurrency import _in_parallel, database  # noqa: F401  (fixture)

N = 50


def test_fifty_parallel_votes_give_the_exact_score(database):  # noqa: F811
    def setup():
        asker, expert = UserFactory(), UserFactory()
        question = services.ask_question(asker, title="Who knows the answer here?", body="Yes")
        answer = services.answer_question(expert, question.pk, "This one")
        return question, answer, [UserFactory() for _ in range(N)]

    question, answer, users = database(setup)

    errors = _in_parallel(lambda u: votes.vote(u, "up", answer_id=answer.pk), users)
    errors += _in_parallel(
        lambda u: votes.vote(u, "down" if u.pk % 2 else "up", question_id=question.pk), users
    )
    assert errors == []

    def state():
        return (
            Answer.objects.get(pk=answer.pk).score,
            Vote.objects.filter(answer=answer).count(),
            Question.objects.get(pk=question.pk).score,
            sum(Vote.objects.filter(question=question).values_list("value", flat=True)),
        )

    answer_score, answer_votes, question_score, question_sum = database(state)
    assert answer_score == answer_votes == N
    assert question_score == question_sum

    # Everyone switches or takes back at once.
    def flip(user):
        votes.vote(user, "down" if user.pk % 2 else "up", answer_id=answer.pk)

    assert _in_parallel(flip, users) == []
    downs = sum(1 for u in users if u.pk % 2)
    score, count, _, _ = database(state)
    assert count == downs and score == -downs


def test_one_person_double_clicking(database):  # noqa: F811
    def setup():
        asker = UserFactory()
        question = services.ask_question(asker, title="Who knows the answer here?", body="Yes")
        return question, UserFactory()

    question, voter = database(setup)
    assert _in_parallel(lambda u: votes.vote(u, "up", question_id=question.pk), [voter] * 8) == []

    def state():
        return Question.objects.get(pk=question.pk).score, Vote.objects.filter(
            question=question
        ).count()

    score, rows = database(state)
    assert rows in (0, 1) and score == rows
