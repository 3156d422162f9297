"""REST API v1 for help: shapes, errors, filters, pagination."""

import pytest

from agora.help.models import HelpItem, Thanks
from tests.api_factories import add_member, employee, make_community, send

from .helpers import make_item

pytestmark = pytest.mark.django_db


def _error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_create_get_and_list(client_for):
    ana = employee()
    c = client_for(ana)
    r = send(
        c,
        "post",
        "/api/v1/help",
        {
            "kind": "offer",
            "title": "I have a spare test bench",
            "body": "In building B, **free** on Fridays",
            "tags": ["hardware", "#labo"],
            "availability": "Fridays",
        },
    )
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["kind"] == "offer" and item["status"] == "open"
    assert item["tags"] == ["hardware", "labo"]
    assert "<strong>free</strong>" in item["body_html"]
    assert item["author"]["username"] == ana.username
    assert "community" not in item
    assert item["url"] == f"/help/{item['id']}/"
    assert c.get(f"/api/v1/help/{item['id']}").json()["title"] == "I have a spare test bench"
    listed = c.get("/api/v1/help?kind=offer").json()
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    assert c.get("/api/v1/help?kind=request").json()["items"] == []


def test_validation_errors_have_the_usual_shape(client_for):
    c = client_for(employee())
    err = _error(send(c, "post", "/api/v1/help", {"kind": "request", "title": " "}), 422)
    assert "title" in err["fields"]
    err = _error(
        send(c, "post", "/api/v1/help", {"kind": "request", "title": "x", "colour": "red"}), 422
    )
    assert "colour" in err["fields"]
    err = _error(
        send(c, "post", "/api/v1/help", {"kind": "offer", "title": "x", "deadline": "2099-01-01"}),
        422,
    )
    assert "deadline" in err["fields"]
    _error(c.get("/api/v1/help?status=finished"), 422)
    _error(c.get("/api/v1/help?cursor=garbage"), 422)
    _error(c.get("/api/v1/help/999999"), 404, "not_found")
    _error(send(client_for(None), "get", "/api/v1/help"), 401)


def test_patch_status_responses_and_thanks(client_for):
    ana, bob = employee(), employee()
    item = make_item(ana, title="Need a Spanish speaker", tags=["es"])
    a, b = client_for(ana), client_for(bob)
    url = f"/api/v1/help/{item.pk}"
    _error(send(b, "patch", url, {"title": "Hijacked"}), 403, "forbidden")
    r = send(
        a, "patch", url, {"title": "Need a Spanish speaker, urgently", "tags": ["es", "sales"]}
    )
    assert r.status_code == 200 and r.json()["tags"] == ["es", "sales"]
    assert send(a, "patch", url, {"deadline": None}).status_code == 200

    r = send(b, "post", f"{url}/responses", {"message": "Hablo español"})
    assert r.status_code == 201 and r.json()["user"]["username"] == bob.username
    _error(send(b, "post", f"{url}/responses", {}), 409)
    assert [x["message"] for x in a.get(f"{url}/responses").json()] == ["Hablo español"]

    assert send(a, "post", f"{url}/status", {"status": "in_progress"}).json()["status"] == (
        "in_progress"
    )
    _error(send(a, "post", f"{url}/status", {"status": "nope"}), 422)
    r = send(a, "post", f"{url}/thanks", {"helpers": [bob.username], "message": "¡Gracias!"})
    assert r.status_code == 201, r.content
    assert r.json()[0]["helper"]["username"] == bob.username
    assert a.get(url).json()["status"] == "done"
    _error(send(a, "post", f"{url}/status", {"status": "withdrawn"}), 409)
    assert [t["message"] for t in b.get(f"{url}/thanks").json()] == ["¡Gracias!"]

    thanks = b.get(f"/api/v1/users/{bob.username}/thanks").json()
    assert thanks["count"] == 1
    assert thanks["items"][0]["item"]["id"] == item.pk
    assert thanks["items"][0]["thanked_by"]["username"] == ana.username

    assert b.delete(f"{url}/responses").status_code == 204
    _error(b.delete(f"{url}/responses"), 404)


def test_admin_hides_through_patch(client_for, admin_user):
    ana = employee()
    item = make_item(ana)
    r = send(client_for(admin_user), "patch", f"/api/v1/help/{item.pk}", {"hidden": True})
    assert r.status_code == 200 and r.json()["hidden_at"]
    _error(client_for(ana).get(f"/api/v1/help/{item.pk}"), 404)
    _error(send(client_for(ana), "patch", f"/api/v1/help/{item.pk}", {"hidden": False}), 404)
    r = send(client_for(admin_user), "patch", f"/api/v1/help/{item.pk}", {"hidden": False})
    assert "hidden_at" not in r.json()
    assert client_for(ana).get(f"/api/v1/help/{item.pk}").status_code == 200


def test_filters_and_cursor_pagination(client_for):
    ana, bob = employee(), employee()
    owner = employee()
    community = make_community(owner, kind="open")
    add_member(community, bob)
    make_item(ana, title="Contrats de travail", tags=["rh"])
    make_item(bob, title="Tableaux croisés Excel", tags=["excel"], community=community)
    done = make_item(bob, title="Excel formulas")
    from agora.help import services

    services.set_status(bob, done.pk, "done")
    c = client_for(ana)

    def titles(query):
        r = c.get(f"/api/v1/help?{query}")
        assert r.status_code == 200, r.content
        return sorted(i["title"] for i in r.json()["items"])

    assert titles("tag=excel") == ["Tableaux croisés Excel"]
    assert titles("status=active&q=excel") == ["Tableaux croisés Excel"]
    assert titles("status=done") == ["Excel formulas"]
    assert titles("q=contrat") == ["Contrats de travail"]  # stems: singular finds plural
    assert titles("q=croises") == ["Tableaux croisés Excel"]  # accents folded
    assert titles(f"community={community.slug}") == ["Tableaux croisés Excel"]
    assert titles("mine=true") == ["Contrats de travail"]
    _error(c.get("/api/v1/help?community=nowhere"), 422)

    seen, cursor = [], ""
    while True:
        r = c.get(f"/api/v1/help?limit=2{cursor}").json()
        seen += [i["id"] for i in r["items"]]
        if not r["next_cursor"]:
            break
        cursor = f"&cursor={r['next_cursor']}"
    assert seen == list(
        HelpItem.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    )


def test_matches_endpoint(client_for):
    ana, bob = employee(), employee()
    offer = make_item(bob, kind="offer", title="I can review French contracts", tags=["contrats"])
    request = make_item(ana, title="French contract review", tags=["contrats"])
    r = client_for(ana).get(f"/api/v1/help/{request.pk}/matches").json()
    assert r["people"][0]["person"]["username"] == bob.username
    assert r["people"][0]["offer"]["id"] == offer.pk
    assert r["people"][0]["reasons"]
    r = client_for(bob).get(f"/api/v1/help/{offer.pk}/matches").json()
    assert r["requests"][0]["item"]["id"] == request.pk
    assert Thanks.objects.count() == 0


def test_author_cannot_hide_and_nothing_changes(client_for):
    ana = employee()
    item = make_item(ana, title="Original")
    r = send(client_for(ana), "patch", f"/api/v1/help/{item.pk}", {"title": "New", "hidden": True})
    _error(r, 403, "forbidden")
    item.refresh_from_db()
    assert item.title == "Original" and item.hidden_at is None
