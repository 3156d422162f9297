import pytest

from agora.notifications.models import Notification
from agora.people import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_following_notifies_the_followee_once_and_groups(django_capture_on_commit_callbacks):
    star = UserFactory()
    fans = [UserFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for fan in fans:
            services.follow(fan, star.username)
        services.follow(fans[0], star.username)  # already following: nothing new
    notes = Notification.objects.filter(recipient=star, kind="follow")
    assert notes.count() == 1
    assert notes.get().actor_count == 3


def test_unfollow_sends_no_notification(django_capture_on_commit_callbacks):
    star, fan = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.follow(fan, star.username)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.unfollow(fan, star.username)
    assert not Notification.objects.exists()
