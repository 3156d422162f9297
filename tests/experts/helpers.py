"""Q&A evidence for the expert-finder tests, written through the qa services so the index is
kept up to date exactly as in production (signals after commit)."""

from datetime import timedelta

from django.utils import timezone

from agora.qa import services as qa
from agora.qa import votes
from agora.qa.models import Answer
from tests.api_factories import committed


def ask(asker, title, body="What would you do?", tags=(), community=None):
    with committed():
        return qa.ask_question(asker, title=title, body=body, tags=list(tags), community=community)


def answered(
    answerer,
    asker,
    title,
    *,
    tags=(),
    body="Here is how.",
    accepted=True,
    community=None,
    days_ago=0,
):
    """`answerer` answered `asker`'s question (accepted unless told otherwise)."""
    question = ask(asker, title, tags=tags, community=community)
    with committed():
        answer = qa.answer_question(answerer, question.pk, body)
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Answer.objects.filter(pk=answer.pk).update(created_at=when)
        with committed():
            Answer.objects.get(pk=answer.pk).save(update_fields=["created_at"])
    if accepted:
        with committed():
            votes.accept(asker, answer.pk)
    return answer
