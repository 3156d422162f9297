"""REST API v1 for questions, answers, comments on answers, votes, acceptance, duplicates,
similar questions, the unanswered queue and expert requests.

Thin: the services decide. A question the caller may not read answers 404, exactly like a
post (comments on the question itself are the post's: `/posts/{id}/comments`).
"""

from ninja import Query, Router, Schema, Status

from agora.communities import services as community_services
from agora.conversations import services as post_services
from agora.conversations.api import ERRORS
from agora.conversations.schemas import RevisionOut, revision_out

from . import queries, services, votes
from .schemas import (
    AnswerCommentOut,
    AnswerIn,
    AnswerOut,
    AnswerPage,
    AnswerRevisionOut,
    CommentIn,
    DuplicateIn,
    ExpertRequestOut,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    QuestionPatch,
    SimilarOut,
    VoteIn,
    VoteState,
    answer_comment_out,
    answer_out,
    expert_request_out,
    question_out,
    vote_name,
)

router = Router(tags=["questions"])


class ListQuery(Schema):
    sort: str = "newest"
    tag: str = ""
    community: str = ""
    cursor: str | None = None
    limit: int | None = None


class UnansweredQuery(Schema):
    mode: str = "no_answer"
    tag: str = ""
    community: str = ""
    older_than_days: int | None = None
    newer_than_days: int | None = None
    cursor: str | None = None
    limit: int | None = None


class SimilarQuery(Schema):
    title: str = ""
    exclude: int | None = None


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = None


def _question(request, question_id: int) -> dict:
    question = services.access_question(request.auth, question_id)
    own = votes.own_votes(request.auth, question_ids=[question.pk])
    return question_out(question, own)


def _questions(request, page) -> dict:
    own = votes.own_votes(request.auth, question_ids=[q.pk for q in page.items])
    return {"items": [question_out(q, own) for q in page.items], "next_cursor": page.next_cursor}


# --- Questions ----------------------------------------------------------------------------------


@router.get("/questions", response={200: QuestionPage, **ERRORS}, exclude_unset=True)
def list_questions(request, query: Query[ListQuery]):
    """Questions the caller may read: `sort` newest (default), active, votes or unanswered;
    `tag` and `community` (slug) filter."""
    page = queries.question_page(
        request.auth,
        sort=query.sort,
        tag=query.tag,
        community=query.community,
        cursor=query.cursor,
        limit=query.limit,
    )
    return _questions(request, page)


@router.post("/questions", response={201: QuestionOut, **ERRORS}, exclude_unset=True)
def ask(request, payload: QuestionIn):
    """Ask a question on your profile or in a community; likely experts are asked to help."""
    community = None
    if payload.community:
        community = community_services.access_community(request.auth, payload.community)
    question = services.ask_question(
        request.auth,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
        community=community,
    )
    return Status(201, _question(request, question.pk))


@router.get("/questions/similar", response={200: list[SimilarOut], **ERRORS})
def similar(request, query: Query[SimilarQuery]):
    """Questions like this title (for duplicate avoidance while typing), best match first."""
    hits = queries.similar_questions(request.auth, query.title, exclude_id=query.exclude)
    return [
        {
            "id": h.id,
            "title": h.title,
            "url": h.url,
            "answer_count": h.answer_count,
            "has_accepted_answer": h.has_accepted,
            "is_closed": h.is_closed,
        }
        for h in hits
    ]


@router.get("/questions/unanswered", response={200: QuestionPage, **ERRORS}, exclude_unset=True)
def unanswered(request, query: Query[UnansweredQuery]):
    """Open questions without answers (`mode=no_answer`) or without an accepted one
    (`no_accepted`), newest first; filters: tag, community, older_than_days, newer_than_days."""
    page = queries.unanswered_page(
        request.auth,
        mode=query.mode,
        tag=query.tag,
        community=query.community,
        older_than_days=query.older_than_days,
        newer_than_days=query.newer_than_days,
        cursor=query.cursor,
        limit=query.limit,
    )
    return _questions(request, page)


@router.get("/questions/{question_id}", response={200: QuestionOut, **ERRORS}, exclude_unset=True)
def get_question(request, question_id: int):
    return _question(request, question_id)


@router.patch("/questions/{question_id}", response={200: QuestionOut, **ERRORS}, exclude_unset=True)
def edit_question(request, question_id: int, payload: QuestionPatch):
    """Edit your question; the previous title and text are kept in its revisions."""
    services.edit_question(
        request.auth, question_id, title=payload.title, body=payload.body, tags=payload.tags
    )
    return _question(request, question_id)


@router.delete("/questions/{question_id}", response={204: None, **ERRORS})
def delete_question(request, question_id: int):
    """The asker, the community's moderators and administrators may delete a question."""
    services.access_question(request.auth, question_id)
    post_services.delete_post(request.auth, question_id)
    return Status(204, None)


@router.get(
    "/questions/{question_id}/revisions",
    response={200: list[RevisionOut], **ERRORS},
    exclude_unset=True,
)
def question_revisions(request, question_id: int):
    question = services.access_question(request.auth, question_id)
    return [revision_out(r) for r in post_services.revisions_of(request.auth, question.post)]


@router.post("/questions/{question_id}/vote", response={200: VoteState, **ERRORS})
def vote_question(request, question_id: int, payload: VoteIn):
    """Vote up or down (not on your own question); the same vote again takes it back."""
    now, score = votes.vote(request.auth, payload.value, question_id=question_id)
    return {"vote": vote_name(now), "score": score}


@router.put(
    "/questions/{question_id}/duplicate", response={200: QuestionOut, **ERRORS}, exclude_unset=True
)
def close_duplicate(request, question_id: int, payload: DuplicateIn):
    """Close as a duplicate of another question (the asker, moderators, administrators)."""
    services.close_as_duplicate(request.auth, question_id, payload.duplicate_of)
    return _question(request, question_id)


@router.delete(
    "/questions/{question_id}/duplicate", response={200: QuestionOut, **ERRORS}, exclude_unset=True
)
def reopen(request, question_id: int):
    services.reopen(request.auth, question_id)
    return _question(request, question_id)


@router.get(
    "/questions/{question_id}/experts",
    response={200: list[ExpertRequestOut], **ERRORS},
    exclude_unset=True,
)
def asked_experts(request, question_id: int):
    """Who was asked "you might know the answer", and when: the asker and administrators see
    everyone asked, an expert their own request, others an empty list. Why each was asked:
    `reason` (the main one) and `reasons`, worded in the request's language, and
    `reason_data`, the same as data (empty for requests made before reasons were data)."""
    question = services.access_question(request.auth, question_id)
    return [expert_request_out(r) for r in queries.who_was_asked(request.auth, question)]


# --- Answers ------------------------------------------------------------------------------------


@router.get(
    "/questions/{question_id}/answers", response={200: AnswerPage, **ERRORS}, exclude_unset=True
)
def list_answers(request, question_id: int, query: Query[PageQuery]):
    """The accepted answer first, then by score (ties: oldest first)."""
    question = services.access_question(request.auth, question_id)
    page = queries.answer_page(request.auth, question, cursor=query.cursor, limit=query.limit)
    return {"items": [answer_out(a) for a in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/questions/{question_id}/answers", response={201: AnswerOut, **ERRORS}, exclude_unset=True
)
def add_answer(request, question_id: int, payload: AnswerIn):
    answer = services.answer_question(request.auth, question_id, payload.body)
    return Status(201, answer_out(queries.shaped_answer(request.auth, answer.pk)))


@router.get("/answers/{answer_id}", response={200: AnswerOut, **ERRORS}, exclude_unset=True)
def get_answer(request, answer_id: int):
    return answer_out(queries.shaped_answer(request.auth, answer_id))


@router.patch("/answers/{answer_id}", response={200: AnswerOut, **ERRORS}, exclude_unset=True)
def edit_answer(request, answer_id: int, payload: AnswerIn):
    services.edit_answer(request.auth, answer_id, payload.body)
    return answer_out(queries.shaped_answer(request.auth, answer_id))


@router.delete("/answers/{answer_id}", response={204: None, **ERRORS})
def delete_answer(request, answer_id: int):
    services.delete_answer(request.auth, answer_id)
    return Status(204, None)


@router.get(
    "/answers/{answer_id}/revisions",
    response={200: list[AnswerRevisionOut], **ERRORS},
    exclude_unset=True,
)
def answer_revisions(request, answer_id: int):
    from agora.communities.schemas import compact, person_ref

    _answer, revisions = services.answer_revisions(request.auth, answer_id)
    return [
        compact(
            {
                "body": r.body,
                "edited_by": person_ref(r.edited_by) if r.edited_by else None,
                "replaced_at": r.replaced_at,
            }
        )
        for r in revisions
    ]


@router.post("/answers/{answer_id}/vote", response={200: VoteState, **ERRORS})
def vote_answer(request, answer_id: int, payload: VoteIn):
    now, score = votes.vote(request.auth, payload.value, answer_id=answer_id)
    return {"vote": vote_name(now), "score": score}


@router.put("/answers/{answer_id}/accept", response={200: AnswerOut, **ERRORS}, exclude_unset=True)
def accept(request, answer_id: int):
    """The asker (or an administrator) accepts this answer; it replaces any other."""
    votes.accept(request.auth, answer_id)
    return answer_out(queries.shaped_answer(request.auth, answer_id))


@router.delete(
    "/answers/{answer_id}/accept", response={200: AnswerOut, **ERRORS}, exclude_unset=True
)
def unaccept(request, answer_id: int):
    votes.unaccept(request.auth, answer_id)
    return answer_out(queries.shaped_answer(request.auth, answer_id))


@router.get("/answers/{answer_id}/comments", response={200: list[AnswerCommentOut], **ERRORS})
def answer_comments(request, answer_id: int):
    answer = queries.shaped_answer(request.auth, answer_id)
    return [answer_comment_out(c) for c in answer.visible_comments]


@router.post("/answers/{answer_id}/comments", response={201: AnswerCommentOut, **ERRORS})
def comment_answer(request, answer_id: int, payload: CommentIn):
    comment = services.comment_on_answer(request.auth, answer_id, payload.body)
    return Status(201, answer_comment_out(comment))


@router.patch(
    "/answer-comments/{comment_id}", response={200: AnswerCommentOut, **ERRORS}, exclude_unset=True
)
def edit_answer_comment(request, comment_id: int, payload: CommentIn):
    """Edit your comment on an answer; the previous text is kept in its revisions."""
    comment = services.edit_answer_comment(request.auth, comment_id, payload.body)
    return answer_comment_out(comment)


@router.delete("/answer-comments/{comment_id}", response={204: None, **ERRORS})
def delete_answer_comment(request, comment_id: int):
    services.delete_answer_comment(request.auth, comment_id)
    return Status(204, None)
