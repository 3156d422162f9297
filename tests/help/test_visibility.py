"""Who sees which request or offer, through the API and the web, list and detail alike."""

import re

import pytest

from agora.help import thanks
from tests.api_factories import add_member, employee, guest, make_community, send

from .helpers import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = employee()
    places = {
        "company": None,
        "open": make_community(owner, kind="open", name="Open place"),
        "request": make_community(owner, kind="request", name="On request place"),
        "secret": make_community(owner, kind="secret", name="Secret place"),
        "extranet": make_community(owner, kind="secret", name="Extranet place"),
    }
    author = employee()
    for community in places.values():
        if community is not None:
            add_member(community, author)
    items = {
        name: make_item(author, title=f"Help wanted in {name} zone", community=community)
        for name, community in places.items()
    }
    member = employee()
    for name in ("secret",):
        add_member(places[name], member)
    visitor = guest()
    add_member(places["extranet"], visitor)
    return {
        "items": items,
        "viewers": {
            "employee": employee(),
            "member": member,
            "guest": visitor,
            "lone_guest": guest(),
        },
    }


EXPECTED = {
    "employee": {"company", "open"},
    "member": {"company", "open", "secret"},
    "guest": {"extranet"},
    "lone_guest": set(),
}


@pytest.mark.parametrize("viewer_name", list(EXPECTED))
def test_api_list_and_detail(world, client_for, viewer_name):
    c = client_for(world["viewers"][viewer_name])
    listed = {i["title"] for i in c.get("/api/v1/help?status=all").json()["items"]}
    expected = EXPECTED[viewer_name]
    assert listed == {f"Help wanted in {name} zone" for name in expected}
    for name, item in world["items"].items():
        status = 200 if name in expected else 404
        for path in ("", "/matches", "/responses", "/thanks"):
            r = c.get(f"/api/v1/help/{item.pk}{path}")
            assert r.status_code == status, (name, path, r.content)
        if name not in expected:
            assert send(c, "post", f"/api/v1/help/{item.pk}/responses", {}).status_code == 404
            assert send(c, "patch", f"/api/v1/help/{item.pk}", {"title": "x"}).status_code == 404


@pytest.mark.parametrize("viewer_name", list(EXPECTED))
def test_web_list_and_detail(world, client_for, viewer_name):
    c = client_for(world["viewers"][viewer_name])
    page = c.get("/help/?status=all").content.decode()
    expected = EXPECTED[viewer_name]
    for name, item in world["items"].items():
        assert (f"Help wanted in {name} zone" in page) == (name in expected)
        status = 200 if name in expected else 404
        assert c.get(f"/help/{item.pk}/").status_code == status
        assert c.get(f"/help/{item.pk}/matches/").status_code == status
        if name not in expected:
            assert c.post(f"/help/{item.pk}/respond", {"message": "hi"}).status_code == 404
            assert c.post(f"/help/{item.pk}/status", {"status": "done"}).status_code == 404


def test_profile_never_shows_a_secret_request_title(world, client_for):
    items = world["items"]
    author, helper = items["secret"].author, world["viewers"]["member"]
    thanks.thank(author, items["secret"].pk, [helper.username], "for the secret budget")
    outsider = world["viewers"]["employee"]
    page = client_for(outsider).get(f"/people/{helper.username}/").content.decode()
    assert "Thanked once" in page
    assert "Secret" not in page and "secret budget" not in page
    api = client_for(outsider).get(f"/api/v1/users/{helper.username}/thanks").json()
    assert api["count"] == 1 and "item" not in api["items"][0]
    assert "message" not in api["items"][0]
    own = client_for(helper).get(f"/people/{helper.username}/").content.decode()
    assert "Help wanted in secret zone" in own and "for the secret budget" in own


def test_search_respects_visibility(world, client_for):
    def found(viewer):
        r = client_for(viewer).get("/api/v1/search?q=wanted+zone&type=help")
        assert r.status_code == 200, r.content
        return {h["title"] for h in r.json()["items"]}

    assert found(world["viewers"]["employee"]) == {
        "Help wanted in company zone",
        "Help wanted in open zone",
    }
    assert found(world["viewers"]["guest"]) == {"Help wanted in extranet zone"}


def test_search_page_names_the_help_tab_in_the_readers_language(world, client_for):
    viewer = world["viewers"]["employee"]

    def tab(page):
        found = re.search(r'<a href="[^"]*type=help[^"]*"[^>]*>([^<]*)</a>', page)
        return found and found.group(1)

    assert tab(client_for(viewer).get("/search/?q=wanted+zone").content.decode()) == "Help"
    viewer.language = "fr"
    viewer.save(update_fields=["language"])
    assert tab(client_for(viewer).get("/search/?q=wanted+zone").content.decode()) == "Entraide"
