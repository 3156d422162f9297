"""The follower/following counts kept on profiles: exact under follows, unfollows,
(de)activation, deletion and concurrent profile saves; guests still get counts limited to
the people they may see."""

import pytest

from agora.accounts import services as accounts
from agora.people import follow_counts, services
from agora.people.models import Follow, Profile
from tests.factories import UserFactory
from tests.test_reactions_concurrency import _in_parallel, database  # noqa: F401


def stored(user) -> tuple[int, int]:
    p = Profile.objects.get(user=user)
    return p.follower_count, p.following_count


def live(user) -> tuple[int, int]:
    followers = Follow.objects.filter(followee=user, follower__is_active=True).count()
    following = Follow.objects.filter(follower=user, followee__is_active=True).count()
    return followers, following


@pytest.mark.django_db
def test_follow_and_unfollow_move_both_counts():
    ana, bob, cy = UserFactory(), UserFactory(), UserFactory()
    services.follow(ana, bob.username)
    services.follow(cy, bob.username)
    assert services.follow(ana, bob.username) is False  # idempotent: counted once
    assert stored(bob) == (2, 0)
    assert stored(ana) == (0, 1)
    services.unfollow(ana, bob.username)
    assert services.unfollow(ana, bob.username) is False
    assert stored(bob) == (1, 0)
    assert stored(ana) == (0, 0)
    assert services.follow_counts(cy, bob) == {"followers": 1, "following": 0}


@pytest.mark.django_db
def test_deactivation_and_reactivation_recount_the_people_around():
    admin = UserFactory(kind="admin")
    star, fan, idol = UserFactory(), UserFactory(), UserFactory()
    services.follow(fan, star.username)
    services.follow(star, idol.username)
    accounts.set_active(admin, star, False)
    assert stored(fan) == (0, 0)  # fan follows nobody active any more
    assert stored(idol) == (0, 0)
    accounts.set_active(admin, star, True)
    assert stored(fan) == (0, 1)
    assert stored(idol) == (1, 0)
    assert stored(star) == live(star) == (1, 1)


@pytest.mark.django_db
def test_deleting_an_account_recounts_its_neighbours():
    star, fan = UserFactory(), UserFactory()
    services.follow(fan, star.username)
    services.follow(star, fan.username)
    assert stored(fan) == (1, 1)
    star.delete()
    assert stored(fan) == (0, 0)


@pytest.mark.django_db
def test_saving_a_stale_profile_keeps_the_counts():
    ana, bob = UserFactory(), UserFactory()
    stale = Profile.objects.get(user=bob)
    services.follow(ana, bob.username)
    stale.headline = "Written after the follow"
    stale.save()
    assert stored(bob) == (1, 0)
    assert Profile.objects.get(user=bob).headline == "Written after the follow"


@pytest.mark.django_db
def test_recount_repairs_drift():
    ana, bob = UserFactory(), UserFactory()
    services.follow(ana, bob.username)
    Profile.objects.filter(user=bob).update(follower_count=42)
    follow_counts.recount()
    assert stored(bob) == (1, 0)


@pytest.mark.django_db
def test_guest_counts_only_people_they_may_see(client_for):
    host = UserFactory()
    guest = UserFactory(kind="guest", invited_by=host)
    for _ in range(3):
        services.follow(UserFactory(), host.username)
    assert services.follow_counts(guest, host) == {"followers": 0, "following": 0}
    assert services.follow_counts(UserFactory(), host)["followers"] == 3
    page = client_for(guest).get(f"/people/{host.username}/").content.decode()
    colleague_page = client_for(UserFactory()).get(f"/people/{host.username}/").content.decode()
    assert "0 followers" in page and "3 followers" not in page
    assert "3 followers" in colleague_page


@pytest.mark.django_db
def test_profile_page_counts_cost_no_count_query(client_for):
    star = UserFactory()
    for _ in range(5):
        services.follow(UserFactory(), star.username)
    viewer = UserFactory()
    client = client_for(viewer)
    client.get(f"/people/{star.username}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/people/{star.username}/").status_code == 200
    counting = [
        q for q in ctx.captured_queries if "people_follow" in q["sql"] and "COUNT" in q["sql"]
    ]
    assert not counting


def test_fifty_parallel_follows_of_one_person_are_all_counted(database):  # noqa: F811
    star, fans = database(lambda: (UserFactory(), [UserFactory() for _ in range(50)]))
    assert _in_parallel(lambda u: services.follow(u, star.username), fans) == []
    assert database(lambda: stored(star)) == (50, 0)
    half = fans[::2]
    assert _in_parallel(lambda u: services.unfollow(u, star.username), half) == []
    assert database(lambda: stored(star)) == database(lambda: live(star)) == (25, 0)
