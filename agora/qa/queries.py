"""Reading questions and answers: lists, the unanswered queue, a question's answers, similar
questions and who was asked. Every query starts from the viewer's visible questions, and each
list costs a fixed number of queries whatever its length (tests/qa/test_qa_query_counts.py)."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.communities.visibility import listed_communities
from agora.conversations import hashtags as hashtag_service
from agora.core.errors import Invalid
from agora.core.pagination import Page, paginate
from agora.people.visibility import visible_profiles

from .models import Answer, AnswerComment, ExpertRequest, Question
from .services import visible_questions
from .votes import own_votes

SORTS = {
    "newest": ["-created_at", "-post_id"],
    "active": ["-last_activity_at", "-post_id"],
    "votes": ["-score", "-post_id"],
}
UNANSWERED_MODES = ("no_answer", "no_accepted")
SIMILAR_LIMIT = 5
SIMILAR_MIN_CHARS = 4


def shape_questions(qs: QuerySet[Question]) -> QuerySet[Question]:
    return qs.select_related("post__author__profile", "post__community").prefetch_related(
        "post__hashtags"
    )


def _filtered(viewer, *, tag: str = "", community: str = "") -> QuerySet[Question]:
    qs = visible_questions(viewer)
    if tag:
        try:
            key = hashtag_service.key_of(hashtag_service.check_name(tag))
        except Invalid:
            raise Invalid(fields={"tag": [_("This is not a valid tag.")]}) from None
        qs = qs.filter(post__hashtag_links__hashtag__key=key)
    if community:
        found = (
            listed_communities(viewer).filter(slug=community).first()
            if "\x00" not in community
            else None
        )
        if found is None:
            raise Invalid(fields={"community": [_("Unknown community.")]})
        qs = qs.filter(post__community=found)
    return qs


def question_page(viewer, *, sort="newest", tag="", community="", cursor=None, limit=None) -> Page:
    if sort == "unanswered":
        return unanswered_page(viewer, tag=tag, community=community, cursor=cursor, limit=limit)
    if sort not in SORTS:
        raise Invalid(fields={"sort": [_("Sort by newest, active, votes or unanswered.")]})
    qs = shape_questions(_filtered(viewer, tag=tag, community=community))
    return paginate(qs, SORTS[sort], cursor, limit)


def unanswered_page(
    viewer,
    *,
    mode="no_answer",
    tag="",
    community="",
    older_than_days: int | None = None,
    newer_than_days: int | None = None,
    cursor=None,
    limit=None,
) -> Page:
    """Open questions nobody answered yet (`no_answer`), or none of whose answers was accepted
    (`no_accepted`), newest first; `older_than_days` finds the ones waiting for long."""
    if mode not in UNANSWERED_MODES:
        raise Invalid(fields={"mode": [_("Choose no_answer or no_accepted.")]})
    qs = _filtered(viewer, tag=tag, community=community).filter(closed_at__isnull=True)
    qs = qs.filter(answer_count=0) if mode == "no_answer" else qs.filter(accepted_answer=None)
    now = timezone.now()
    for value, field, lookup in (
        (older_than_days, "older_than", "created_at__lte"),
        (newer_than_days, "newer_than", "created_at__gte"),
    ):
        if value is None:
            continue
        if not isinstance(value, int) or value < 0 or value > 36500:
            raise Invalid(fields={field: [_("A number of days between 0 and 36500.")]})
        qs = qs.filter(**{lookup: now - dt.timedelta(days=value)})
    return paginate(shape_questions(qs), SORTS["newest"], cursor, limit)


def _shape_answers(qs, viewer):
    live_comments = AnswerComment.objects.filter(
        deleted_at__isnull=True, hidden_at__isnull=True
    ).select_related("author__profile")
    return qs.select_related("author__profile").prefetch_related(
        Prefetch("comments", queryset=live_comments, to_attr="visible_comments")
    )


def answer_page(viewer, question: Question, cursor=None, limit=None) -> Page:
    """Answers, best first: the accepted one on top of the first page, then by score (ties:
    oldest first). Each carries `visible_comments` and `viewer_vote`."""
    from agora.conversations.visibility import posts_visible_q

    answers = Answer.objects.filter(
        posts_visible_q(viewer, "question__post"),
        question=question,
        deleted_at__isnull=True,
        hidden_at__isnull=True,
    )
    accepted_id = question.accepted_answer_id
    rest = answers.exclude(pk=accepted_id) if accepted_id else answers
    page = paginate(_shape_answers(rest, viewer), ["-score", "created_at", "id"], cursor, limit)
    if accepted_id and not cursor:
        top = list(_shape_answers(answers.filter(pk=accepted_id), viewer))
        page.items = top + page.items
    votes = own_votes(viewer, answer_ids=[a.pk for a in page.items])
    for answer in page.items:
        answer.viewer_vote = votes.get(("answer", answer.pk))
        answer.is_accepted = answer.pk == accepted_id
    return page


def similar_questions(viewer, title: str, *, exclude_id=None, limit=SIMILAR_LIMIT) -> list:
    """Questions like the one being typed (duplicate avoidance), through the search engine so
    the same visibility rules apply: search hits of type "question"."""
    from agora.search.services import Filters, search

    title = (title or "").strip()[:200]
    if len(title) < SIMILAR_MIN_CHARS:
        return []
    results = search(viewer, title, Filters(types=["question"]), limit=limit + 1)
    hits = [h for h in results.items if h.id != exclude_id][:limit]
    states = {
        q.pk: q
        for q in Question.objects.filter(pk__in=[h.id for h in hits]).only(
            "post", "answer_count", "accepted_answer", "closed_at"
        )
    }
    for hit in hits:
        q = states.get(hit.id)
        hit.answer_count = q.answer_count if q else 0
        hit.has_accepted = bool(q and q.accepted_answer_id)
        hit.is_closed = bool(q and q.closed_at)
    return hits


def who_was_asked(viewer, question: Question) -> list[ExpertRequest]:
    """The experts asked about the question: the asker and administrators see them all (the
    people they may see), an expert sees their own request, others nothing."""
    requests = ExpertRequest.objects.filter(question=question).select_related("expert__profile")
    if viewer.pk == question.post.author_id or viewer.is_administrator:
        return list(requests.filter(expert__profile__in=visible_profiles(viewer)))
    return list(requests.filter(expert=viewer))


def duplicates_of(viewer, question: Question) -> list[Question]:
    return list(
        visible_questions(viewer)
        .filter(duplicate_of_id=question.pk)
        .select_related("post")
        .order_by("-created_at")[:20]
    )


def linked_original(viewer, question: Question) -> Question | None:
    if not question.duplicate_of_id:
        return None
    return (
        visible_questions(viewer).filter(pk=question.duplicate_of_id).select_related("post").first()
    )


def shaped_answer(viewer, answer_id: int) -> Answer:
    """One answer as answer_page shapes them (comments, the viewer's vote, accepted)."""
    from .services import access_answer

    found = access_answer(viewer, answer_id)
    answer = _shape_answers(Answer.objects.filter(pk=found.pk), viewer).first()
    answer.question = found.question
    answer.viewer_vote = own_votes(viewer, answer_ids=[answer.pk]).get(("answer", answer.pk))
    answer.is_accepted = found.question.accepted_answer_id == answer.pk
    return answer
