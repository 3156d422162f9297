"""@mention suggestions list only the people who will be able to read the text: a secret
community's composer never offers outsiders, a profile post never offers guests, and a post
the writer can't read suggests nobody. Through the web fragment and the API."""

import json
import re

import pytest

from tests.api_factories import add_member, employee, guest, make_community, make_post, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    """Four "Ana"s: a member of the secret community, an employee outside it, a guest member
    of the secret community and a guest outside it; the writer belongs to it."""
    writer = employee(username="writer")
    secret = make_community(writer, kind="secret", name="Merger")
    inside = employee(username="ana.inside", display_name="Ana Inside")
    outside = employee(username="ana.outside", display_name="Ana Outside")
    guest_inside = guest(username="ana.guest", display_name="Ana Guest", invited_by=writer)
    guest_outside = guest(username="ana.stranger", display_name="Ana Stranger")
    add_member(secret, inside)
    add_member(secret, guest_inside)
    return {
        "writer": writer,
        "inside": inside,
        "outside": outside,
        "guest_inside": guest_inside,
        "guest_outside": guest_outside,
        "secret": secret,
        "open": make_community(writer, kind="open", name="Everyone"),
        "request": make_community(writer, kind="request", name="Board"),
    }


def web_names(client, **params) -> set[str]:
    html = client.get("/mentions/suggest", {"body": "Hello @ana", **params}).content.decode()
    return set(re.findall(r"@(ana\.[a-z]+)</span>", html))


def api_names(client, **params) -> set[str]:
    response = send(client, "get", "/api/v1/mentions/suggestions?" + _query(q="ana", **params))
    assert response.status_code == 200, response.content
    return {p["username"] for p in response.json()}


def _query(**params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def test_a_secret_communitys_composer_suggests_its_members_only(client_for, people):
    c = client_for(people["writer"])
    slug = people["secret"].slug
    web = web_names(c, community_field="id_community", community=slug)
    assert web == {"ana.inside", "ana.guest"}
    assert api_names(c, community=slug) == {"ana.inside", "ana.guest"}


def test_a_profile_post_suggests_employees_only(client_for, people):
    c = client_for(people["writer"])
    # The writer may see the guest they invited, but a guest can't read a profile post.
    assert web_names(c) == {"ana.inside", "ana.outside"}
    assert web_names(c, community_field="id_community", community="") == {
        "ana.inside",
        "ana.outside",
    }
    assert api_names(c) == {"ana.inside", "ana.outside"}


def test_an_open_community_suggests_employees_and_its_guests(client_for, people):
    c = client_for(people["writer"])
    add_member(people["open"], people["guest_inside"])
    slug = people["open"].slug
    expected = {"ana.inside", "ana.outside", "ana.guest"}
    assert web_names(c, community_field="id_community", community=slug) == expected
    assert api_names(c, community=slug) == expected


def test_an_on_request_community_suggests_its_members_only(client_for, people):
    c = client_for(people["writer"])
    add_member(
        people["request"], people["secret"].memberships.get(user__username="ana.inside").user
    )
    slug = people["request"].slug
    assert web_names(c, community_field="id_community", community=slug) == {"ana.inside"}
    assert api_names(c, community=slug) == {"ana.inside"}


def test_a_comment_under_a_secret_post_suggests_its_readers(client_for, people):
    post = make_post(people["writer"], "Numbers", community=people["secret"])
    c = client_for(people["writer"])
    assert web_names(c, post=post.pk) == {"ana.inside", "ana.guest"}
    assert api_names(c, post_id=post.pk) == {"ana.inside", "ana.guest"}


def test_a_place_the_writer_cannot_read_suggests_nobody(client_for, people):
    post = make_post(people["writer"], "Numbers", community=people["secret"])
    outsider = client_for(people["outside"])
    assert web_names(outsider, post=post.pk) == set()
    assert api_names(outsider, post_id=post.pk) == set()
    slug = people["secret"].slug
    assert web_names(outsider, community_field="id_community", community=slug) == set()
    assert api_names(outsider, community=slug) == set()
    assert api_names(outsider, community="no-such-community") == set()


def test_guests_get_fellow_readers_of_their_community_and_nothing_for_a_profile(client_for, people):
    c = client_for(people["guest_inside"])
    slug = people["secret"].slug
    # Fellow members the guest may see; never themselves.
    assert api_names(c, community=slug) == {"ana.inside"}
    assert web_names(c, community_field="id_community", community=slug) == {"ana.inside"}
    assert api_names(c) == set()
    assert web_names(c) == set()


def test_the_forms_send_where_the_text_goes(client_for, people):
    c = client_for(people["writer"])
    # The community page's composer: its community goes with each suggestion request.
    page = c.get(f"/communities/{people['secret'].slug}/").content.decode()
    textarea = re.search(r"<textarea[^>]*id=\"id_body\"[^>]*>", page).group(0)
    assert 'hx-include="#id_community"' in textarea
    assert f'value="{people["secret"].slug}" id="id_community"' in page
    # The home composer's choice has that id too.
    home = c.get("/").content.decode()
    assert re.search(r"<select[^>]*id=\"id_community\"", home)
    # A post's comment form and reply boxes name the post.
    post = make_post(people["writer"], "Numbers", community=people["secret"])
    from tests.api_factories import committed

    with committed():
        from agora.conversations import services

        services.add_comment(people["writer"], post.pk, "First", None)
    page = c.get(f"/posts/{post.pk}/").content.decode()
    vals = [
        json.loads(v.replace("&quot;", '"'))
        for v in re.findall(r'hx-get="/mentions/suggest"[^>]*hx-vals="([^"]+)"', page)
    ]
    assert vals and all(v.get("post") == post.pk for v in vals), vals


def test_completing_a_name_keeps_where_the_text_goes(client_for, people):
    c = client_for(people["writer"])
    response = c.post(
        "/mentions/complete",
        {"body": "Hi @an", "username": "ana.inside", "post": "7", "field": "id_body"},
    ).content.decode()
    assert "Hi @ana.inside " in response
    vals = json.loads(re.search(r'hx-vals="([^"]+)"', response).group(1).replace("&quot;", '"'))
    assert vals["post"] == 7


def test_mentioning_a_non_reader_links_and_tells_no_one(client_for, people):
    post = make_post(
        people["writer"], "Hi @ana.outside and @ana.inside", community=people["secret"]
    )
    assert "/people/ana.inside/" in post.body_html
    assert "/people/ana.outside/" not in post.body_html
    from agora.notifications.models import Notification

    told = set(
        Notification.objects.filter(kind="mention").values_list("recipient__username", flat=True)
    )
    assert told == {"ana.inside"}


def test_suggestions_run_a_fixed_number_of_queries(
    client_for, people, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(people["writer"])
    slug = people["open"].slug
    with CaptureQueriesContext(connection) as few:
        api_names(c, community=slug)
    for n in range(5):
        employee(username=f"ana.more{n}", display_name=f"Ana More {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(api_names(c, community=slug)) == 6
    assert len(many) == len(few)
