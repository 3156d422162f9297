import pytest

from agora.conversations import feeds, hashtags, services
from agora.conversations.models import Post
from agora.notifications.models import Notification
from tests.api_factories import committed, employee, make_post

pytestmark = pytest.mark.django_db


def test_deleting_a_thread_removes_its_replies_from_the_count():
    author, other = employee(), employee()
    post = make_post(author, "Topic")
    top = services.add_comment(other, post.pk, "First")
    services.add_comment(author, post.pk, "Reply 1", parent_id=top.pk)
    services.add_comment(other, post.pk, "Reply 2", parent_id=top.pk)
    services.add_comment(other, post.pk, "Another thread")
    assert Post.objects.get(pk=post.pk).comment_count == 4
    services.delete_comment(other, top.pk)
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert [c.body for c in services.comments_of(author, post)] == ["Another thread"]


def test_editing_a_comment_tells_only_newly_mentioned_people():
    author, writer, ana, bob = employee(), employee(), employee(), employee()
    post = make_post(author, "Topic")
    comment = services.add_comment(writer, post.pk, f"cc @{ana.username}")
    assert Notification.objects.filter(recipient=ana, kind="mention").count() == 1
    services.edit_comment(writer, comment.pk, f"cc @{ana.username} @{bob.username}")
    assert Notification.objects.filter(recipient=ana, kind="mention").count() == 1
    assert Notification.objects.filter(recipient=bob, kind="mention").count() == 1
    assert set(comment.mentions.values_list("user_id", flat=True)) == {ana.pk, bob.pk}
    services.edit_comment(writer, comment.pk, "no one")
    assert not comment.mentions.exists()


def test_unfollowing_a_topic_removes_its_older_posts_from_the_feed():
    author, reader = employee(), employee()
    with committed():
        hashtags.follow_hashtag(reader, "python")
    with committed():
        make_post(author, "Tip #python")
    assert [p.body for p in feeds.home(reader).items] == ["Tip #python"]
    with committed():
        hashtags.unfollow_hashtag(reader, "python")
    assert feeds.home(reader).items == []
