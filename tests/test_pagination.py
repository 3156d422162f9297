"""Keyset pagination: complete and duplicate-free walks, and forged cursors answered with 422."""

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from agora.core.errors import Invalid
from agora.core.pagination import clamp_limit, paginate
from agora.people.models import Follow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def encode(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.fixture
def follows():
    """45 people follow one person; several share the same created_at, so ids break ties."""
    star = UserFactory()
    fans = UserFactory.create_batch(45)
    base = timezone.now()
    Follow.objects.bulk_create(
        Follow(follower=fan, followee=star, created_at=base - dt.timedelta(seconds=i // 4))
        for i, fan in enumerate(fans)
    )
    return star, fans


def walk(qs, ordering, limit):
    seen, cursor, pages = [], None, 0
    while True:
        page = paginate(qs, ordering, cursor, limit)
        pages += 1
        seen.extend(row.pk for row in page.items)
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor
        assert pages < 100


@pytest.mark.parametrize("limit", [1, 7, 20, 44, 45, 46, 100])
def test_walk_serves_every_row_once_in_order(follows, limit):
    star, _fans = follows
    qs = Follow.objects.filter(followee=star)
    seen, pages = walk(qs, ["-created_at", "-id"], limit)
    expected = list(qs.order_by("-created_at", "-id").values_list("pk", flat=True))
    assert seen == expected
    assert pages == -(-45 // limit)


def test_ascending_walk_on_text_then_id(follows):
    _star, fans = follows
    from agora.people.models import Profile

    Profile.objects.filter(user__in=fans[:10]).update(name_key="same")
    qs = Profile.objects.all()
    seen, _pages = walk(qs, ["name_key", "user_id"], 6)
    assert seen == list(qs.order_by("name_key", "user_id").values_list("pk", flat=True))


def test_rows_inserted_during_the_walk_do_not_shift_pages(follows):
    star, _fans = follows
    qs = Follow.objects.filter(followee=star)
    first = paginate(qs, ["-created_at", "-id"], None, 20)
    # Someone new follows: they are newest, so they must not push a row onto the next page.
    Follow.objects.create(follower=UserFactory(), followee=star)
    second = paginate(qs, ["-created_at", "-id"], first.next_cursor, 20)
    assert not {r.pk for r in first.items} & {r.pk for r in second.items}
    assert len(second.items) == 20


def test_limit_is_clamped(settings):
    assert clamp_limit(None) == settings.AGORA_PAGE_SIZE
    assert clamp_limit(0) == 1
    assert clamp_limit(-5) == 1
    assert clamp_limit(10_000) == settings.AGORA_MAX_PAGE_SIZE


BAD_CURSORS = [
    "not base64 at all!!",
    "%%%",
    "é",
    encode({"a": 1}),
    encode([]),
    encode(["2020-01-01T00:00:00+00:00"]),  # too short
    encode(["2020-01-01T00:00:00+00:00", 1, 2]),  # too long
    encode(["yesterday", 1]),
    encode([12, 1]),
    encode([None, 1]),
    encode(["2020-01-01T00:00:00+00:00", "abc"]),
    encode(["2020-01-01T00:00:00+00:00", None]),
    encode(["2020-01-01T00:00:00+00:00", [1]]),
    encode(["2020-01-01T00:00:00+00:00", {"id": 1}]),
    encode(["9999-12-31T23:59:59-14:00", 1]),
    encode(["0001-01-01T00:00:00+14:00", 1]),
    encode(["2020-13-45T99:00:00+00:00", 1]),
    base64.urlsafe_b64encode(b'["2020-01-01T00:00:00+00:00", Infinity]').decode(),
    base64.urlsafe_b64encode(b'["2020-01-01T00:00:00+00:00", NaN]').decode(),
    base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_forged_cursors_are_invalid_not_server_errors(follows, cursor):
    star, _fans = follows
    with pytest.raises(Invalid) as caught:
        list(
            paginate(Follow.objects.filter(followee=star), ["-created_at", "-id"], cursor, 5).items
        )
    assert "cursor" in caught.value.fields


def test_huge_ids_in_a_cursor_are_harmless(follows):
    star, _fans = follows
    qs = Follow.objects.filter(followee=star)
    page = paginate(qs, ["-created_at", "-id"], encode([timezone.now().isoformat(), 10**30]), 5)
    assert len(page.items) == 5


@pytest.mark.parametrize("cursor", ["!!!", encode(["x", "abc"]), encode(["x"])])
def test_bad_directory_cursor_is_422_json(client_for, cursor):
    viewer = UserFactory()
    response = client_for(viewer).get("/api/v1/users", {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["cursor"]


@pytest.mark.parametrize("which", ["followers", "following"])
@pytest.mark.parametrize(
    "cursor", ["!!!", encode(["2020-01-01T00:00:00+00:00", "abc"]), encode(["2020", 1])]
)
def test_bad_follow_list_cursor_is_422_json(client_for, follows, which, cursor):
    star, _fans = follows
    response = client_for(star).get(f"/api/v1/users/{star.username}/{which}", {"cursor": cursor})
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert body["error"]["fields"]["cursor"]


def test_bad_cursor_on_web_pages_falls_back_to_the_first_page(client_for, follows):
    star, _fans = follows
    c = client_for(star)
    assert c.get(f"/people/{star.username}/followers", {"cursor": "!!!"}).status_code == 200
    forged = encode(["2020-01-01T00:00:00+00:00", "abc"])
    assert c.get(f"/people/{star.username}/followers", {"cursor": forged}).status_code == 200
    assert c.get("/people/", {"cursor": encode(["x", "abc"])}).status_code == 200
