"""50 people react to one post at the same moment: the count is exact, on SQLite (writers
queue behind the busy timeout) and on PostgreSQL (row locks), and the post's author gets one
grouped notification rather than a pile of them.

On SQLite the test runs against a database *file*, as Agora does in production (WAL, IMMEDIATE
transactions, busy timeout). pytest's default SQLite test database lives in memory with a
shared cache, whose table locks fail at once ("database table is locked") instead of waiting:
that would test the test setup, not Agora. So every database access of these tests happens in
worker threads, whose connections open the file.
"""

import sqlite3
import threading

import pytest
from django.db import connection

from agora.conversations import services
from agora.conversations.models import Reaction
from agora.notifications.models import Notification
from tests.factories import UserFactory

N = 50


@pytest.fixture
def database(tmp_path, transactional_db):
    """Yields run(fn): fn() in a fresh thread with its own connection, returning its result."""
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        path = tmp_path / "concurrency.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)  # the migrated test database, into a file
        target.close()
        # New connections (one per thread) read this dict: they open the file. This thread's
        # connection stays on the in-memory database, untouched by the test.
        settings_dict["NAME"] = str(path)

    def run(fn):
        box = {}

        def target():
            try:
                box["result"] = fn()
            except Exception as exc:
                box["error"] = exc
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(timeout=120)
        if "error" in box:
            raise box["error"]
        return box.get("result")

    try:
        yield run
    finally:
        settings_dict["NAME"] = original_name


def _in_parallel(work, users):
    """Run work(user) in one thread per user, all released at once; return the errors."""
    barrier = threading.Barrier(len(users))
    errors = []

    def run(user):
        try:
            barrier.wait(timeout=30)
            work(user)
        except Exception as exc:  # collected and reported by the test
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_fifty_parallel_reactions_are_all_counted(database):
    def setup():
        author = UserFactory()
        post = services.create_post(author, body="React all at once")
        return author, post, [UserFactory() for _ in range(N)]

    author, post, users = database(setup)

    errors = _in_parallel(lambda u: services.react(u, "like", post_id=post.pk), users)
    assert errors == []

    def state():
        post.refresh_from_db()
        rows = list(Reaction.objects.filter(post=post).values_list("kind", flat=True))
        notifications = list(
            Notification.objects.filter(recipient=author, kind="reaction").values_list(
                "actor_count", flat=True
            )
        )
        return post.reaction_count, rows, notifications

    count, rows, notifications = database(state)
    assert count == len(rows) == N
    assert set(rows) == {"like"}
    assert post.reactions_by_kind() == {"like": N}  # the counter per kind agrees too
    # One unread notification for the author: "X and 49 others reacted".
    assert notifications == [N]

    # Half of them switch to another kind, the other half take theirs back, all at once.
    def flip(user):
        services.react(user, "celebrate" if user.pk % 2 else "like", post_id=post.pk)

    errors = _in_parallel(flip, users)
    assert errors == []
    count, rows, _ = database(state)
    switched = sum(1 for u in users if u.pk % 2)
    assert count == len(rows) == switched
    assert set(rows) == {"celebrate"}
    assert post.reactions_by_kind() == {"celebrate": switched}


def test_one_person_clicking_many_times_at_once(database):
    def setup():
        return services.create_post(UserFactory(), body="Double click"), UserFactory()

    post, clicker = database(setup)
    errors = _in_parallel(lambda u: services.react(u, "like", post_id=post.pk), [clicker] * 8)
    assert errors == []

    def state():
        post.refresh_from_db()
        return post.reaction_count, Reaction.objects.filter(post=post).count()

    count, rows = database(state)
    # Each click toggles, so 0 or 1 row may remain — never more, and the counter agrees.
    assert rows in (0, 1)
    assert count == rows
