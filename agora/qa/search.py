"""Questions and answers in search: a "question" document per question post (title, text and
tags) and an "answer" document per answer, titled and linked as its question so a hit leads
to the question page. Visibility is the question post's, re-checked at query time. An
edited question title (or a deleted question) rebuilds its answers' documents as well.

Imported by QaConfig.ready(); registering is all it takes for the search page, the API and
the similar-questions lookup to find them.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy

from agora.conversations.models import Post
from agora.conversations.visibility import visible_posts
from agora.search import indexing, registry
from agora.search.analysis import detect_language
from agora.search.registry import DocData, DocType, register

from .models import Answer


def _lang(text: str, user) -> str:
    return detect_language(text, getattr(user, "language", "") or "")


def _none(viewer) -> bool:
    return viewer is None or not viewer.is_authenticated


def build_question(post: Post) -> list[DocData]:
    if post.kind != Post.Kind.QUESTION or post.deleted_at is not None:
        return []
    tags = " ".join(f"#{t.name}" for t in post.hashtags.all())
    return [
        DocData(
            title=post.title,
            body=f"{post.body}\n{tags}",
            url=reverse("qa:detail", args=[post.pk]),
            created_at=post.created_at,
            community_id=post.community_id,
            author_id=post.author_id,
            lang=_lang(f"{post.title}\n{post.body}", post.author),
        )
    ]


def question_visible(viewer) -> Q:
    if _none(viewer):
        return Q(pk__in=[])
    return Q(doc_type="question") & Q(
        Exists(visible_posts(viewer).filter(pk=OuterRef("object_id")))
    )


def build_answer(answer: Answer) -> list[DocData]:
    post = answer.question.post
    if answer.deleted_at is not None or post.deleted_at is not None:
        return []
    return [
        DocData(
            title=post.title,
            body=answer.body,
            url=reverse("qa:detail", args=[post.pk]) + f"#answer-{answer.pk}",
            created_at=answer.created_at,
            community_id=post.community_id,
            author_id=answer.author_id,
            lang=_lang(answer.body, answer.author),
        )
    ]


def answer_visible(viewer) -> Q:
    if _none(viewer):
        return Q(pk__in=[])
    from .services import visible_answers

    return Q(doc_type="answer") & Q(
        Exists(visible_answers(viewer).filter(pk=OuterRef("object_id")))
    )


# Question and answer documents are readable exactly where the question post is: the search
# engine may narrow its candidates by community before the visibility rule is applied.
_PREFILTER = (
    {"prefilter": registry.community_content} if hasattr(registry, "community_content") else {}
)


def _answers():
    return (
        Answer.objects.filter(deleted_at__isnull=True)
        .select_related("question__post", "author")
        .order_by("id")
    )


register(
    DocType(
        name="question",
        model=Post,
        build=build_question,
        visible=question_visible,
        queryset=lambda: (
            Post.objects.filter(kind=Post.Kind.QUESTION, deleted_at__isnull=True)
            .select_related("author")
            .prefetch_related("hashtags")
            .order_by("id")
        ),
        label=gettext_lazy("Questions"),
        **_PREFILTER,
    )
)
register(
    DocType(
        name="answer",
        model=Answer,
        build=build_answer,
        visible=answer_visible,
        queryset=_answers,
        label=gettext_lazy("Answers"),
        **_PREFILTER,
    )
)


def _reindex_answer_later(pk) -> None:
    def run():
        answer = _answers().filter(pk=pk).first()
        if answer is None:
            indexing.remove_object(Answer, pk)
        else:
            indexing.index_object(answer)

    transaction.on_commit(run)


@receiver(post_save, sender=Answer, dispatch_uid="qa-index-answer")
def _answer_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex_answer_later(instance.pk)


@receiver(post_delete, sender=Answer, dispatch_uid="qa-unindex-answer")
def _answer_deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: indexing.remove_object(Answer, pk))


# What an answer document takes from its question's post (see build_answer): when one of them
# changes (an edited title, a deleted question), the answers' documents are rebuilt too.
_POST_FIELDS_IN_ANSWERS = {"title", "deleted_at", "community", "community_id"}


def reindex_answers_of(question_id: int) -> int:
    """Rebuild the documents of a question's answers (dropped if the question is gone)."""
    answers = list(_answers().filter(question_id=question_id))
    return indexing.index_many(answers) if answers else 0


@receiver(post_save, sender=Post, dispatch_uid="qa-reindex-answers-of-question")
def _question_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or created or instance.kind != Post.Kind.QUESTION:
        return  # a new question has no answers yet
    if update_fields is not None and not _POST_FIELDS_IN_ANSWERS & set(update_fields):
        return  # e.g. the rendered HTML or a pin: nothing the answers show
    pk = instance.pk
    transaction.on_commit(lambda: reindex_answers_of(pk))
