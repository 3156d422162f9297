"""API v1 shapes for questions, answers, votes and expert requests."""

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema

from agora.communities.schemas import CommunityRef, PersonRef, community_ref, compact, person_ref
from agora.core.api import StrictInput

from .models import Answer, AnswerComment, ExpertRequest, Question


class QuestionIn(StrictInput):
    title: str = Field(..., description="What you want to know, as a question (10-200 chars)")
    body: str = Field(..., description="Markdown: context, what you tried, what you expected")
    tags: list[str] = Field(default_factory=list, description="Up to 5 tags (hashtag names)")
    community: str | None = Field(None, description="Community slug; absent: on your profile")


class QuestionPatch(StrictInput):
    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None


class AnswerIn(StrictInput):
    body: str


class CommentIn(StrictInput):
    body: str


class VoteIn(StrictInput):
    value: str = Field(..., description="up or down; the same vote again takes it back")


class DuplicateIn(StrictInput):
    duplicate_of: int = Field(..., description="Id of the question this one duplicates")


class VoteState(Schema):
    vote: str | None = Field(None, description="The caller's vote now: up, down or none")
    score: int


class QuestionOut(Schema):
    id: int
    url: str
    title: str
    body: str = Field(..., description="Markdown source")
    body_html: str
    author: PersonRef
    community: CommunityRef | None = Field(None, description="Absent: asked on a profile.")
    tags: list[str]
    score: int
    answer_count: int
    comment_count: int
    accepted_answer_id: int | None = None
    closed_at: dt.datetime | None = None
    duplicate_of: int | None = Field(None, description="The question this one duplicates")
    created_at: dt.datetime
    edited_at: dt.datetime | None = None
    last_activity_at: dt.datetime
    viewer_vote: str | None = None
    source_url: str | None = Field(None, description="Imported: where it was first asked")
    source_author: str | None = None


class QuestionPage(Schema):
    items: list[QuestionOut]
    next_cursor: str | None


class AnswerCommentOut(Schema):
    id: int
    author: PersonRef
    body: str
    body_html: str
    created_at: dt.datetime
    edited_at: dt.datetime | None = None


class AnswerOut(Schema):
    id: int
    question_id: int
    url: str
    author: PersonRef
    body: str
    body_html: str
    score: int
    is_accepted: bool
    comment_count: int
    comments: list[AnswerCommentOut]
    created_at: dt.datetime
    edited_at: dt.datetime | None = None
    viewer_vote: str | None = None
    source_url: str | None = None
    source_author: str | None = None


class AnswerPage(Schema):
    items: list[AnswerOut]
    next_cursor: str | None


class AnswerRevisionOut(Schema):
    body: str
    edited_by: PersonRef | None = None
    replaced_at: dt.datetime


class SimilarOut(Schema):
    id: int
    title: str
    url: str
    answer_count: int
    has_accepted_answer: bool
    is_closed: bool


class ExpertRequestOut(Schema):
    expert: PersonRef
    round: int
    reason: str  # the main reason, in the request's language
    reasons: list[str] = []  # all of them, in the request's language
    reason_data: list[dict] = []  # the same as data (agora/experts/reasons.py); [] for old ones
    asked_at: dt.datetime
    answered_at: dt.datetime | None = None


def vote_name(value: int | None) -> str | None:
    return {1: "up", -1: "down"}.get(value)


def question_out(question: Question, votes: dict | None = None) -> dict:
    """`question` comes from queries.shape_questions or services.access_question."""
    post = question.post
    votes = votes or {}
    return compact(
        {
            "id": post.pk,
            "url": reverse("qa:detail", args=[post.pk]),
            "title": post.title,
            "body": post.body,
            "body_html": post.body_html,
            "author": person_ref(post.author),
            "community": community_ref(post.community) if post.community_id else None,
            "tags": [t.name for t in post.hashtags.all()],
            "score": question.score,
            "answer_count": question.answer_count,
            "comment_count": post.comment_count,
            "accepted_answer_id": question.accepted_answer_id,
            "closed_at": question.closed_at,
            "duplicate_of": question.duplicate_of_id,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "last_activity_at": question.last_activity_at,
            "viewer_vote": vote_name(votes.get(("question", post.pk))),
            "source_url": question.source_url or None,
            "source_author": question.source_author or None,
        }
    )


def answer_comment_out(comment: AnswerComment) -> dict:
    return compact(
        {
            "id": comment.pk,
            "author": person_ref(comment.author),
            "body": comment.body,
            "body_html": comment.body_html,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
        }
    )


def answer_out(answer: Answer) -> dict:
    """`answer` comes from queries.answer_page (comments, viewer_vote, is_accepted set)."""
    return compact(
        {
            "id": answer.pk,
            "question_id": answer.question_id,
            "url": reverse("qa:detail", args=[answer.question_id]) + f"#answer-{answer.pk}",
            "author": person_ref(answer.author),
            "body": answer.body,
            "body_html": answer.body_html,
            "score": answer.score,
            "is_accepted": getattr(answer, "is_accepted", False),
            "comment_count": answer.comment_count,
            "comments": [answer_comment_out(c) for c in getattr(answer, "visible_comments", [])],
            "created_at": answer.created_at,
            "edited_at": answer.edited_at,
            "viewer_vote": vote_name(getattr(answer, "viewer_vote", None)),
            "source_url": answer.source_url or None,
            "source_author": answer.source_author or None,
        }
    )


def expert_request_out(request: ExpertRequest) -> dict:
    """Reasons worded now, in the active language (the request's)."""
    worded = request.worded_reasons()
    return compact(
        {
            "expert": person_ref(request.expert),
            "round": request.round,
            "reason": worded[0] if worded else "",
            "reasons": worded,
            "reason_data": request.reasons or [],
            "asked_at": request.asked_at,
            "answered_at": request.answered_at,
        }
    )
