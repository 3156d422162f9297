"""Shared set-up for the help tests: items go through the services (tags, terms, HTML)."""

from agora.conversations import hashtags
from agora.conversations.models import Post, PostHashtag
from agora.core.markdown import render_markdown
from agora.help import services
from agora.qa.models import Answer, Question
from tests.api_factories import committed


def make_item(author, *, kind="request", title="Need a hand", body="", tags=(), **kwargs):
    with committed():
        return services.create_item(
            author, kind=kind, title=title, body=body, tags=list(tags), **kwargs
        )


def answered_on(user, tag: str, *, accepted=True, community=None):
    """`user` answered (and got accepted) a question tagged `tag`: evidence for the expert
    finder."""
    asker_post = Post.objects.create(
        kind=Post.Kind.QUESTION,
        author=user,
        community=community,
        title=f"How to {tag}?",
        body=f"#{tag}",
        body_html="",
    )
    PostHashtag.objects.create(
        post=asker_post, hashtag=hashtags.get_or_create(tag), created_at=asker_post.created_at
    )
    question = Question.objects.create(post=asker_post)
    answer = Answer.objects.create(
        question=question, author=user, body="Like this", body_html=render_markdown("Like this")
    )
    if accepted:
        question.accepted_answer = answer
        question.save(update_fields=["accepted_answer"])
    return answer
