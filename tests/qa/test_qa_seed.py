"""`agora seed` writes questions, answers, votes and accepted answers whose counters agree
with the rows, in the home feeds and the search index, with notifications for the demo
employee; the same seed gives the same questions."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F, Sum

from agora.conversations.models import Post, TimelineEntry
from agora.notifications.models import Notification
from agora.qa.models import Answer, ExpertRequest, Question, Vote
from agora.qa.seeding import TOPICS
from agora.search.services import Filters, search
from tests.test_seed_conversations import PEOPLE, demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    call_command("seed", stdout=out, people=PEOPLE, no_archive=True)
    return out.getvalue()


def test_questions_answers_and_counters(seeded):
    assert "Questions: " in seeded
    assert Question.objects.count() == Post.objects.filter(kind="question").count() == len(TOPICS)
    for q in Question.objects.all():
        assert q.answer_count == q.answers.filter(deleted_at__isnull=True).count()
        assert q.score == (q.votes.aggregate(s=Sum("value"))["s"] or 0)
        if q.accepted_answer_id:
            assert Answer.objects.get(pk=q.accepted_answer_id).question_id == q.pk
        assert q.post.hashtags.exists()
    for a in Answer.objects.all():
        assert a.score == (a.votes.aggregate(s=Sum("value"))["s"] or 0)
        assert a.comment_count == a.comments.count()
        assert a.author_id != a.question.post.author_id
    assert not Vote.objects.filter(answer__author=F("user")).exists()
    assert not Vote.objects.filter(question__post__author=F("user")).exists()
    assert Question.objects.filter(answer_count=0).exists()
    assert Question.objects.filter(accepted_answer__isnull=False).exists()
    # unanswered ones were routed
    for q in Question.objects.filter(answer_count=0):
        assert q.routing_round == 1 and ExpertRequest.objects.filter(question=q).exists()


def test_demo_employee_and_feeds_and_search(seeded):
    camille = demo_user("employee")
    assert Question.objects.filter(post__author=camille).exists()
    assert Notification.objects.filter(recipient=camille, kind="answer").exists()
    assert Notification.objects.filter(recipient=camille, kind="expert_asked").exists()
    q = Question.objects.filter(post__author=camille).first()
    assert TimelineEntry.objects.filter(user=camille, post_id=q.pk).exists()
    hits = search(camille, "commit Git", Filters(types=["question"])).items
    assert q.pk in [h.id for h in hits]


def test_same_seed_same_questions(seeded):
    from agora.qa.seeding import seed_questions

    def snapshot():
        return list(
            Question.objects.order_by("post__title").values_list(
                "post__title", "post__author__username", "answer_count", "score"
            )
        )

    first = snapshot()
    Post.objects.filter(kind="question").delete()
    seed_questions(42)
    assert snapshot() == first


def test_the_demo_has_an_imported_archive_and_a_claim_to_review(db, client_for):
    """By default `agora seed` also imports a small Stack Exchange archive through the real
    importer: attributed questions by inactive accounts, and the demo employee's pending
    claim of their old account in the administrator's queue."""
    from agora.qa.claims import queue
    from agora.qa.models import ImportedRecord
    from agora.qa.seeding_imported import ARCHIVE, SITE, USERS

    out = io.StringIO()
    call_command("seed", stdout=out, people=PEOPLE)
    assert f"Imported archive ({SITE})" in out.getvalue()
    imported = Question.objects.exclude(source_url="")
    assert imported.count() == len(ARCHIVE)
    assert all(q.source_url.startswith(f"https://{SITE}/") for q in imported)
    people = ImportedRecord.objects.filter(site=SITE, kind="user")
    assert people.count() == len(USERS)
    assert not get_user_model().objects.filter(pk__in=people.values("object_id"), is_active=True)
    admin, camille = demo_user("administrator"), demo_user("employee")
    (claim,) = queue(admin).items
    assert claim.claimant == camille and claim.source_id == USERS[0][0]
    assert Notification.objects.filter(recipient=admin, kind="import_claim").exists()
    question = imported.last()
    page = client_for(camille).get(f"/questions/{question.pk}/").content.decode()
    assert question.source_url in page and "CC BY-SA" in page  # the attribution
    assert client_for(admin).get("/settings/imported/requests/").status_code == 200
