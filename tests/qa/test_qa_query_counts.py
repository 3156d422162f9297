"""The question list, the unanswered queue and the answers of a question cost a fixed number
of queries whatever their length (API and web pages)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.qa import services, votes
from tests.api_factories import add_member, committed, employee, make_community
from tests.qa.helpers import ask

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 12


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


@pytest.fixture
def world(db):
    viewer = employee()
    club = make_community(employee())
    add_member(club, viewer)
    return {"viewer": viewer, "club": club, "questions": []}


def add_questions(world, n):
    for i in range(n):
        author = employee()
        add_member(world["club"], author)
        q = ask(
            author,
            f"Question {len(world['questions'])} about the release process?",
            tags=["release", f"t{i}"],
            community=world["club"] if i % 2 else None,
        )
        world["questions"].append(q)


def add_answers(question, n, viewer):
    for i in range(n):
        someone = employee()
        with committed():
            a = services.answer_question(someone, question.pk, f"Answer {i}")
        services.comment_on_answer(employee(), a.pk, "A comment")
        votes.vote(viewer, "up" if i % 2 else "down", answer_id=a.pk)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/questions",
        "/api/v1/questions?sort=active&tag=release",
        "/api/v1/questions/unanswered",
        "/api/v1/questions/unanswered?mode=no_accepted&tag=release",
        "/questions/",
        "/questions/?sort=votes&tag=release",
        "/questions/unanswered/",
    ],
)
def test_question_lists_are_constant(client_for, world, url):
    c = client_for(world["viewer"])
    add_questions(world, FEW)
    few = _count(lambda: c.get(url))
    add_questions(world, MANY)
    many = _count(lambda: c.get(url))
    assert few == many, (url, few, many)
    assert many <= 20


@pytest.mark.parametrize("kind", ["api", "web"])
def test_answers_of_a_question_are_constant(client_for, world, kind):
    c = client_for(world["viewer"])
    q = ask(employee(), "How is the release process organised?", tags=["release"])
    url = f"/api/v1/questions/{q.pk}/answers" if kind == "api" else f"/questions/{q.pk}/"
    add_answers(q, FEW, world["viewer"])
    few = _count(lambda: c.get(url))
    add_answers(q, MANY, world["viewer"])
    many = _count(lambda: c.get(url))
    assert few == many, (few, many)
    assert many <= (12 if kind == "api" else 40)
