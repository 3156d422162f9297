"""Counters and scores that depend on everything imported: answers per question, comments per
post and per answer, latest activity, and scores from Votes.xml for posts that had none."""

from collections import Counter

from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from agora.conversations.models import Comment, Post
from agora.qa.models import Answer, AnswerComment, Question

from .context import ImportContext, Kind
from .fields import BadField, optional_date, required_int
from .inserts import update
from .rows import Malformed, read_rows

VOTES_FILE = "Votes.xml"
UP, DOWN = 2, 3
CHUNK = 1000


def _count(model, field: str):
    rows = (
        model.objects.filter(**{field: OuterRef("pk")}, deleted_at__isnull=True)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def refresh_counters(questions: set[int], posts: set[int], answers: set[int]) -> None:
    latest_answer = (
        Answer.objects.filter(question=OuterRef("pk"), deleted_at__isnull=True)
        .order_by()
        .values("question")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    with transaction.atomic():
        for chunk in _chunks(questions):
            Question.objects.filter(pk__in=chunk).update(
                answer_count=_count(Answer, "question"),
                last_activity_at=Greatest(
                    "last_activity_at", Coalesce(Subquery(latest_answer), "last_activity_at")
                ),
            )
        for chunk in _chunks(posts):
            Post.objects.filter(pk__in=chunk).update(comment_count=_count(Comment, "post"))
        for chunk in _chunks(answers):
            Answer.objects.filter(pk__in=chunk).update(
                comment_count=_count(AnswerComment, "answer")
            )


def scores_from_votes(ctx: ImportContext, missing: dict[int, tuple[str, int]]) -> int:
    """Score = up votes - down votes, for the posts whose row had no Score."""
    if not missing:
        return 0
    path = ctx.file(VOTES_FILE)
    if path is None:
        return 0
    scores: Counter = Counter()
    for row in read_rows(path, ctx.reporter(VOTES_FILE, path.stat().st_size)):
        if isinstance(row, Malformed):
            ctx.summary.bad_row(VOTES_FILE, row.line, row.reason)
            continue
        try:
            post = required_int(row.attrs, "PostId")
            vote_type = required_int(row.attrs, "VoteTypeId")
            created = optional_date(row.attrs, "CreationDate")
        except BadField as error:
            ctx.summary.bad_row(VOTES_FILE, row.line, str(error))
            continue
        if post in missing and vote_type in (UP, DOWN) and (not created or ctx.in_range(created)):
            scores[post] += 1 if vote_type == UP else -1
    questions, answers = [], []
    for source_id, (kind, object_id) in missing.items():
        target = questions if kind == Kind.QUESTION else answers
        target.append((object_id, scores[source_id]))
    with transaction.atomic():
        update(Question, ["score"], questions)
        update(Answer, ["score"], answers)
    return len(questions) + len(answers)
