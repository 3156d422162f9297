"""Where questions, answers and comments on answers are written.

A question is a conversations post of kind "question" created through
`conversations.services.create_post` (so feeds, fan-out, mentions and search treat it like any
post) plus its `Question` row, in one transaction. Its tags are the post's hashtags. Votes and
acceptance live in `votes.py`, lists and pages in `queries.py`, expert routing in `routing.py`.
"""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.communities.models import Community, Membership
from agora.communities.visibility import can_moderate, membership_of
from agora.conversations import hashtags as hashtag_service
from agora.conversations import parsing
from agora.conversations import services as posts
from agora.conversations.models import Post, PostHashtag
from agora.conversations.visibility import posts_visible_q
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.notifications.models import Kind

from .models import (
    Answer,
    AnswerComment,
    AnswerCommentRevision,
    AnswerRevision,
    ExpertRequest,
    Question,
)

MAX_TAGS = 5
MAX_TITLE = 200
MIN_TITLE = 10
MAX_ANSWER = 50_000
MAX_COMMENT = 10_000
NOT_ALLOWED_TO_CLOSE = gettext_lazy(
    "Only the asker, the community's moderators or an administrator may close or reopen it."
)


def _notify(kind, recipient, actor, **targets):
    from agora.notifications.services import notify

    notify(kind, recipient=recipient, actor=actor, **targets)


# --- Access -------------------------------------------------------------------------------------


def visible_questions(viewer):
    """Questions whose post the viewer may read: the post's rules (secret communities, guests,
    hidden and deleted posts) are the question's."""
    return Question.objects.filter(posts_visible_q(viewer, "post"), post__kind=Post.Kind.QUESTION)


def access_question(viewer, question_id: int) -> Question:
    """The question (its id is its post's id) with its post shaped like a post card."""
    post = posts.shape_posts(
        posts.visible_posts(viewer).filter(pk=question_id, kind=Post.Kind.QUESTION), viewer
    ).first()
    try:
        # shape_posts selects the question row along (one query for both)
        question = post.question if post is not None else None
    except Question.DoesNotExist:
        question = None
    if question is None:
        raise NotFound(_("No such question."))
    question.post = post
    return question


def visible_answers(viewer):
    return Answer.objects.filter(
        posts_visible_q(viewer, "question__post"), deleted_at__isnull=True, hidden_at__isnull=True
    )


def access_answer(viewer, answer_id: int) -> Answer:
    answer = (
        visible_answers(viewer)
        .select_related("question__post__community", "question__post__author", "author")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        raise NotFound(_("No such answer."))
    return answer


def can_take_part(actor, post: Post) -> bool:
    """Who may answer, comment, vote: members of the question's community, or employees for a
    question asked on a profile (readers of an open community must join first)."""
    if post.community_id is None:
        return actor.is_employee
    membership = membership_of(actor, post.community)
    return membership is not None and membership.state == Membership.State.ACTIVE


def _check_take_part(actor, post: Post) -> None:
    if not can_take_part(actor, post):
        raise Forbidden(_("Join this community to take part."))


def can_close(actor, question: Question) -> bool:
    post = question.post
    if actor.pk == post.author_id or actor.is_administrator:
        return True
    return post.community_id is not None and can_moderate(actor, post.community)


def can_remove(actor, author_id: int, post: Post) -> bool:
    if actor.pk == author_id or actor.is_administrator:
        return True
    return post.community_id is not None and can_moderate(actor, post.community)


# --- Questions ----------------------------------------------------------------------------------


def clean_tags(raw) -> list[str]:
    """Tags from a list or a "python, django #orm" string: hashtag names, unique by their
    folded key, at most MAX_TAGS."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    names, keys, errors = [], set(), []
    for item in raw:
        item = str(item).strip().lstrip("#")
        if not item:
            continue
        try:
            name = hashtag_service.check_name(item)
        except Invalid:
            errors.append(_("“%(tag)s” is not a valid tag.") % {"tag": item[:64]})
            continue
        key = hashtag_service.key_of(name)
        if key not in keys:
            keys.add(key)
            names.append(name)
    if len(names) > MAX_TAGS:
        errors.append(_("At most %(n)d tags.") % {"n": MAX_TAGS})
    if errors:
        raise Invalid(fields={"tags": errors})
    return names


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if len(title) < MIN_TITLE:
        raise Invalid(
            fields={
                "title": [
                    _("Say what you want to know in at least %(n)d characters.") % {"n": MIN_TITLE}
                ]
            }
        )
    if len(title) > MAX_TITLE:
        raise Invalid(fields={"title": [_("At most %(n)d characters.") % {"n": MAX_TITLE}]})
    return title


def _tag_post(post: Post, names: list[str]) -> None:
    """Add the question's tags to the hashtags the body already carries."""
    rows = [
        PostHashtag(post=post, hashtag=hashtag_service.get_or_create(n), created_at=post.created_at)
        for n in names
    ]
    PostHashtag.objects.bulk_create(rows, ignore_conflicts=True)
    post.hashtag_names = hashtag_service.store_names(post.pk)


def ask_question(
    actor, *, title: str, body: str, tags=None, community: Community | None = None
) -> Question:
    """Publish a question on one's profile or in a community; experts are asked once it is
    committed (routing runs in the background)."""
    errors = {}
    try:
        title = _check_title(title)
    except Invalid as e:
        errors.update(e.fields)
    try:
        names = clean_tags(tags)
    except Invalid as e:
        errors.update(e.fields)
    if not (body or "").strip():
        errors["body"] = [_("Explain your question: what you tried, what you expected.")]
    if errors:
        raise Invalid(fields=errors)
    with transaction.atomic():
        post = posts.create_post(
            actor, body=body, community=community, kind=Post.Kind.QUESTION, title=title
        )
        _tag_post(post, names)
        question = Question.objects.create(
            post=post, created_at=post.created_at, last_activity_at=post.created_at
        )
        transaction.on_commit(lambda: _route_later(question.pk))
    return question


def _route_later(question_id: int) -> None:
    from .tasks import route_question_task

    route_question_task.enqueue(question_id)


def edit_question(actor, question_id: int, *, title=None, body=None, tags=None) -> Question:
    """The author edits; the previous title and text go to the post's revisions."""
    question = access_question(actor, question_id)
    post = question.post
    if post.author_id != actor.pk:
        raise Forbidden(_("Only the author can edit this question."))
    new_title = post.title if title is None else _check_title(title)
    names = [t.name for t in post.hashtags.all()] if tags is None else clean_tags(tags)
    with transaction.atomic():
        # edit_post rebuilds the hashtags from the body: the question's tags are put back.
        posts.edit_post(actor, post.pk, body=post.body if body is None else body, title=new_title)
        _tag_post(post, names)
        Question.objects.filter(pk=question.pk).update(last_activity_at=timezone.now())
    return access_question(actor, question_id)


def close_as_duplicate(actor, question_id: int, duplicate_of_id: int) -> Question:
    question = access_question(actor, question_id)
    if not can_close(actor, question):
        raise Forbidden(NOT_ALLOWED_TO_CLOSE)
    if duplicate_of_id == question.pk:
        raise Invalid(fields={"duplicate_of": [_("A question cannot duplicate itself.")]})
    original = visible_questions(actor).filter(pk=duplicate_of_id).first()
    if original is None:
        raise Invalid(fields={"duplicate_of": [_("No such question.")]})
    if original.duplicate_of_id == question.pk:
        raise Invalid(
            fields={"duplicate_of": [_("That question is closed as a duplicate of this one.")]}
        )
    Question.objects.filter(pk=question.pk).update(
        closed_at=timezone.now(), closed_by=actor, duplicate_of_id=original.pk
    )
    return access_question(actor, question_id)


def reopen(actor, question_id: int) -> Question:
    question = access_question(actor, question_id)
    if not can_close(actor, question):
        raise Forbidden(NOT_ALLOWED_TO_CLOSE)
    Question.objects.filter(pk=question.pk).update(
        closed_at=None, closed_by=None, duplicate_of=None, last_activity_at=timezone.now()
    )
    return access_question(actor, question_id)


# --- Answers ------------------------------------------------------------------------------------


def _check_body(body: str, limit: int) -> None:
    if not body or not body.strip():
        raise Invalid(fields={"body": [_("Write something first.")]})
    if len(body) > limit:
        raise Invalid(fields={"body": [_("At most %(n)d characters.") % {"n": limit}]})


def answer_question(actor, question_id: int, body: str) -> Answer:
    question = access_question(actor, question_id)
    _check_take_part(actor, question.post)
    if question.is_closed:
        raise Conflict(_("This question is closed: it takes no new answers."))
    _check_body(body, MAX_ANSWER)
    now = timezone.now()
    # @mentions as in posts and comments: only people who may read the question are linked
    # and told.
    mentioned = posts.mentioned_readers(question.post, body)
    with transaction.atomic():
        answer = Answer.objects.create(
            question=question,
            author=actor,
            body=body,
            body_html=posts.render_with_mentions(body, mentioned),
        )
        Question.objects.filter(pk=question.pk).update(
            answer_count=F("answer_count") + 1, last_activity_at=now
        )
        # Someone asked "you might know the answer" who answers closes their request.
        ExpertRequest.objects.filter(
            question=question, expert=actor, answered_at__isnull=True
        ).update(answered_at=now)
        # One notification per person, as for a comment: a mentioned asker hears of the
        # mention, not of the answer as well.
        told = {actor.pk}
        for user in mentioned.values():
            if user.pk not in told:
                _notify(Kind.MENTION, user, actor, post=question.post, answer=answer)
                told.add(user.pk)
        if question.post.author_id not in told:
            _notify(Kind.ANSWER, question.post.author, actor, post=question.post, answer=answer)
    return answer


def _newly_mentioned(old_body: str, mentioned: dict) -> list:
    """The people an edit newly mentions, of `mentioned` (the new text's readers by name):
    only they are told, the earlier text's were when it was new."""
    already = set(parsing.mentions(old_body)[: posts.MAX_MENTIONS])
    return [user for username, user in mentioned.items() if username not in already]


def edit_answer(actor, answer_id: int, body: str) -> Answer:
    answer = access_answer(actor, answer_id)
    if answer.author_id != actor.pk:
        raise Forbidden(_("Only the author can edit this answer."))
    _check_body(body, MAX_ANSWER)
    post = answer.question.post
    mentioned = posts.mentioned_readers(post, body)
    newly = _newly_mentioned(answer.body, mentioned)
    with transaction.atomic():
        AnswerRevision.objects.create(answer=answer, body=answer.body, edited_by=actor)
        answer.body, answer.body_html = body, posts.render_with_mentions(body, mentioned)
        answer.edited_at = timezone.now()
        answer.save(update_fields=["body", "body_html", "edited_at"])
        Question.objects.filter(pk=answer.question_id).update(last_activity_at=answer.edited_at)
        for user in newly:
            _notify(Kind.MENTION, user, actor, post=post, answer=answer)
    return answer


def delete_answer(actor, answer_id: int) -> None:
    answer = access_answer(actor, answer_id)
    post = answer.question.post
    if not can_remove(actor, answer.author_id, post):
        raise Forbidden(_("You cannot delete this answer."))
    with transaction.atomic():
        answer.deleted_at = timezone.now()
        answer.save(update_fields=["deleted_at"])
        Question.objects.filter(pk=answer.question_id).update(
            answer_count=Greatest(F("answer_count") - 1, 0)
        )
        Question.objects.filter(pk=answer.question_id, accepted_answer=answer).update(
            accepted_answer=None
        )
        if actor.pk != answer.author_id:
            from agora.core import audit

            audit.record("answer.deleted", actor=actor, target=answer.author, answer=answer.pk)


def answer_revisions(viewer, answer_id: int):
    answer = access_answer(viewer, answer_id)
    return answer, list(answer.revisions.select_related("edited_by__profile"))


# --- Comments on answers ------------------------------------------------------------------------


def comment_on_answer(actor, answer_id: int, body: str) -> AnswerComment:
    answer = access_answer(actor, answer_id)
    post = answer.question.post
    _check_take_part(actor, post)
    _check_body(body, MAX_COMMENT)
    # @mentions as in comments on posts: only people who may read the question are linked
    # and told.
    mentioned = posts.mentioned_readers(post, body)
    with transaction.atomic():
        comment = AnswerComment.objects.create(
            answer=answer,
            author=actor,
            body=body,
            body_html=posts.render_with_mentions(body, mentioned),
        )
        Answer.objects.filter(pk=answer.pk).update(comment_count=F("comment_count") + 1)
        # One notification per person, as for a comment on a post: a mentioned author of the
        # answer hears of the mention, not of the comment as well.
        told = {actor.pk}
        for user in mentioned.values():
            if user.pk not in told:
                _notify(Kind.MENTION, user, actor, post=post, answer=answer)
                told.add(user.pk)
        if answer.author_id not in told:
            _notify(Kind.ANSWER_COMMENT, answer.author, actor, post=post, answer=answer)
    return comment


def access_answer_comment(viewer, comment_id: int) -> AnswerComment:
    comment = (
        AnswerComment.objects.filter(
            pk=comment_id,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            answer__in=visible_answers(viewer),
        )
        .select_related("answer__question__post__community")
        .first()
    )
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def edit_answer_comment(actor, comment_id: int, body: str) -> AnswerComment:
    """The author edits their comment; the previous text goes to its revisions. Only people
    the edit newly mentions are told (the earlier text's were, when it was new)."""
    comment = access_answer_comment(actor, comment_id)
    if comment.author_id != actor.pk:
        raise Forbidden(_("Only the author can edit this comment."))
    answer = comment.answer
    post = answer.question.post
    _check_take_part(actor, post)
    _check_body(body, MAX_COMMENT)
    mentioned = posts.mentioned_readers(post, body)
    newly = _newly_mentioned(comment.body, mentioned)
    with transaction.atomic():
        AnswerCommentRevision.objects.create(comment=comment, body=comment.body)
        comment.body, comment.body_html = body, posts.render_with_mentions(body, mentioned)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        for user in newly:
            if user.pk != actor.pk:
                _notify(Kind.MENTION, user, actor, post=post, answer=answer)
    return comment


def delete_answer_comment(actor, comment_id: int) -> None:
    comment = access_answer_comment(actor, comment_id)
    if not can_remove(actor, comment.author_id, comment.answer.question.post):
        raise Forbidden(_("You cannot delete this comment."))
    with transaction.atomic():
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["deleted_at"])
        Answer.objects.filter(pk=comment.answer_id).update(
            comment_count=Greatest(F("comment_count") - 1, 0)
        )
