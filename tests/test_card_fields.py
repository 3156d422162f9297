"""What a card shows of a post's hashtags and files is kept on the post's row (hashtag_names,
attachment_count): it follows every change of the tags (writing, editing, a question's own
tags) and of the files, and the migration fills it for existing posts."""

import importlib

from django.apps import apps as django_apps
from django.db import connection

from agora.conversations import cards, services
from agora.conversations.models import Post
from agora.qa import services as qa
from tests.conversation_factories import PNG
from tests.factories import UserFactory


class _Editor:
    """What the migration uses of its schema editor (SQLite's can't open inside a test's
    transaction)."""

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _card(viewer, post_id):
    return cards.post(viewer, post_id)


def _orm_tags(post_id):
    return [t.name for t in Post.objects.get(pk=post_id).hashtags.all()]


def test_tags_follow_writing_and_editing(db):
    author = UserFactory()
    post = services.create_post(author, body="About #Zeta and #alpha, #Zeta again")
    assert _card(author, post.pk)["hashtags"] == ["alpha", "Zeta"] == _orm_tags(post.pk)

    services.edit_post(author, post.pk, body="Now #Gamma only")
    assert _card(author, post.pk)["hashtags"] == ["Gamma"] == _orm_tags(post.pk)

    services.edit_post(author, post.pk, body="No tags any more")
    assert _card(author, post.pk)["hashtags"] == [] == _orm_tags(post.pk)
    assert Post.objects.get(pk=post.pk).hashtag_names == ""


def test_a_questions_own_tags_are_on_its_card(db):
    asker = UserFactory()
    question = qa.ask_question(
        asker, title="How do we rotate the keys?", body="Asked with #security", tags=["vault"]
    )
    post_id = question.post_id
    assert _card(asker, post_id)["hashtags"] == _orm_tags(post_id)
    assert set(_orm_tags(post_id)) == {"security", "vault"}

    qa.edit_question(asker, question.pk, body="No tag in the text", tags=["pki"])
    assert _card(asker, post_id)["hashtags"] == ["pki"] == _orm_tags(post_id)


def test_files_are_counted_and_shown(db):
    author = UserFactory()
    post = services.create_post(author, body="Two files")
    assert _card(author, post.pk)["attachments"] == []
    services.attach_files(
        author,
        post.pk,
        [services.Upload("a.png", PNG), services.Upload("b.png", PNG)],
    )
    assert Post.objects.get(pk=post.pk).attachment_count == 2
    shown = _card(author, post.pk)["attachments"]
    assert [a["name"] for a in shown] == ["a.png", "b.png"]
    assert all(a["is_image"] and a["url"] for a in shown)


def test_the_migration_fills_existing_posts(db):
    author = UserFactory()
    tagged = services.create_post(author, body="#beta #Alpha")
    services.attach_files(author, tagged.pk, [services.Upload("a.png", PNG)])
    Post.objects.update(hashtag_names="", attachment_count=0)

    migration = importlib.import_module("agora.conversations.migrations.0004_card_fields_on_post")
    migration.fill(django_apps, _Editor())
    tagged.refresh_from_db()
    assert (tagged.hashtag_names, tagged.attachment_count) == ("Alpha beta", 1)
