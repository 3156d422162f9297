"""The reaction counters of posts and comments (ReactionCounts: in all and per kind) always
agree with the reactions themselves, whatever people click, and every reader of them (the
cards of the feeds, the ORM schemas, the web page) shows the same counts."""

import importlib

import pytest
from django.db import connection
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.conversations import cards, services
from agora.conversations.models import KIND_COLUMNS, Comment, Post, Reaction
from tests.conversation_factories import into_timeline
from tests.factories import UserFactory

KINDS = list(KIND_COLUMNS)


def _from_rows(**target) -> dict[str, int]:
    rows = Reaction.objects.filter(**target).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def test_kind_columns_follow_the_reaction_kinds():
    for model in (Post, Comment):
        names = {f.name for f in model._meta.get_fields()}
        assert set(KIND_COLUMNS.values()) <= names
    assert list(KIND_COLUMNS) == list(Reaction.Kind.values)


@pytest.fixture
def scene(db):
    author = UserFactory()
    people = [UserFactory() for _ in range(4)]
    post = services.create_post(author, body="Counting reactions")
    comment = services.add_comment(people[0], post.pk, body="A comment to react to")
    return author, people, post, comment


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    clicks=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(KINDS), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_counters_agree_with_the_reactions_after_any_clicks(scene, clicks):
    author, people, post, comment = scene
    Reaction.objects.filter(post=post).delete()
    Reaction.objects.filter(comment=comment).delete()
    zero = {"reaction_count": 0, **dict.fromkeys(KIND_COLUMNS.values(), 0)}
    Post.objects.filter(pk=post.pk).update(**zero)
    Comment.objects.filter(pk=comment.pk).update(**zero)
    for who, kind, on_comment in clicks:
        if on_comment:
            services.react(people[who], kind, comment_id=comment.pk)
        else:
            services.react(people[who], kind, post_id=post.pk)
    post.refresh_from_db()
    comment.refresh_from_db()
    assert post.reactions_by_kind() == _from_rows(post=post)
    assert post.reaction_count == Reaction.objects.filter(post=post).count()
    assert comment.reactions_by_kind() == _from_rows(comment=comment)
    assert comment.reaction_count == Reaction.objects.filter(comment=comment).count()


def test_cards_show_the_counts_and_the_viewers_own_reaction(scene):
    author, people, post, comment = scene
    services.react(people[0], "like", post_id=post.pk)
    services.react(people[1], "like", post_id=post.pk)
    services.react(people[2], "curious", post_id=post.pk)
    services.react(people[1], "celebrate", comment_id=comment.pk)
    into_timeline(people[1], post)

    [card] = cards.home(people[1]).items
    assert card["reactions"] == {"curious": 1, "like": 2}
    assert list(card["reactions"]) == ["curious", "like"]  # fewest first, then by kind
    assert card["reaction_count"] == 3
    assert card["viewer_reaction"] == "like"
    assert "viewer_reaction" not in cards.post(author, post.pk)

    [shown] = cards.comment_page(people[1], post.pk).items
    assert shown["reactions"] == {"celebrate": 1}
    assert shown["viewer_reaction"] == "celebrate"
    assert list(shown)[-2:] == ["viewer_reaction", "replies"]
    [other] = cards.comment_page(people[2], post.pk).items
    assert "viewer_reaction" not in other


def test_the_migration_recounts_existing_reactions(scene):
    author, people, post, comment = scene
    services.react(people[0], "insightful", post_id=post.pk)
    services.react(people[1], "insightful", post_id=post.pk)
    services.react(people[2], "support", comment_id=comment.pk)
    zero = {"reaction_count": 0, **dict.fromkeys(KIND_COLUMNS.values(), 0)}
    Post.objects.filter(pk=post.pk).update(**zero)
    Comment.objects.filter(pk=comment.pk).update(**zero)

    migration = importlib.import_module(
        "agora.conversations.migrations.0003_reaction_counts_per_kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(migration.recount_sql("conversations_post", "post_id"))
        cursor.execute(migration.recount_sql("conversations_comment", "comment_id"))
    post.refresh_from_db()
    comment.refresh_from_db()
    assert (post.reaction_count, post.reactions_by_kind()) == (2, {"insightful": 2})
    assert (comment.reaction_count, comment.reactions_by_kind()) == (1, {"support": 1})
