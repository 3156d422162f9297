"""Every API error is JSON {"error": {"code", "message", "fields"}} with the right status."""

import json

import pytest
from django.test import Client

from agora.core.errors import Conflict
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    for name, problems in error["fields"].items():
        assert isinstance(name, str)
        assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    if code is not None:
        assert error["code"] == code
    return error


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def api(client_for, user):
    return client_for(user)


# --- 401 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/me"),
        ("patch", "/api/v1/me"),
        ("get", "/api/v1/me/profile"),
        ("patch", "/api/v1/me/profile"),
        ("get", "/api/v1/users"),
        ("get", "/api/v1/users/someone"),
        ("get", "/api/v1/users/someone/followers"),
        ("post", "/api/v1/users/someone/follow"),
        ("get", "/api/v1/me/tokens"),
        ("post", "/api/v1/me/tokens"),
        ("get", "/api/v1/me/suggestions"),
        ("get", "/api/v1/departments"),
        ("get", "/api/v1/skills"),
    ],
)
def test_anonymous_gets_401(method, url):
    client = Client()
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, "{}", content_type="application/json")
    assert_error(response, 401, "unauthenticated")


def test_bad_bearer_token_gets_401():
    response = Client(HTTP_AUTHORIZATION="Bearer agora_nope").get("/api/v1/me")
    assert_error(response, 401, "unauthenticated")


# --- 403 ----------------------------------------------------------------------------------------


def test_guest_directory_is_403(client_for):
    guest = UserFactory(kind="guest", invited_by=UserFactory())
    assert_error(client_for(guest).get("/api/v1/users"), 403, "forbidden")


def test_missing_csrf_is_403(user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    response = c.patch(
        "/api/v1/me", json.dumps({"language": "fr"}), content_type="application/json"
    )
    assert_error(response, 403, "forbidden")


# --- 404 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/users/nobody"),
        ("get", "/api/v1/users/nobody/followers"),
        ("get", "/api/v1/users/nobody/following"),
        ("get", "/api/v1/users/nobody/org"),
        ("post", "/api/v1/users/nobody/follow"),
        ("delete", "/api/v1/users/nobody/follow"),
        ("delete", "/api/v1/me/tokens/999999"),
    ],
)
def test_missing_things_are_404(api, method, url):
    assert_error(getattr(api, method)(url), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/"),
        ("get", "/api/v1/nope"),
        ("get", "/api/v1/users/someone/nope"),
        ("get", "/api/v1/me/"),
        ("post", "/api/v1/nope"),
        ("delete", "/api/v1/nope/deeper/still"),
    ],
)
@pytest.mark.parametrize("signed_in", [True, False])
def test_unknown_routes_are_json_404(client_for, method, url, signed_in):
    client = client_for(UserFactory() if signed_in else None, enforce_csrf_checks=True)
    response = getattr(client, method)(url)
    assert_error(response, 404, "not_found")


def test_web_404_stays_html(client_for):
    response = client_for(UserFactory()).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- 405 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"), [("put", "/api/v1/me"), ("post", "/api/v1/users"), ("put", "/api/v1/skills")]
)
def test_wrong_method_is_json_405(api, method, url):
    response = getattr(api, method)(url, "{}", content_type="application/json")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"]


# --- 422 and 400 --------------------------------------------------------------------------------


def test_ninja_path_validation_is_422(api):
    error = assert_error(api.delete("/api/v1/me/tokens/abc"), 422, "invalid")
    assert "token_id" in error["fields"]


def test_ninja_query_validation_is_422(api):
    error = assert_error(api.get("/api/v1/users", {"limit": "many"}), 422, "invalid")
    assert "limit" in error["fields"]


def test_ninja_body_validation_is_422(api):
    response = api.patch("/api/v1/me", json.dumps({}), content_type="application/json")
    error = assert_error(response, 422, "invalid")
    assert "language" in error["fields"]
    response = api.patch(
        "/api/v1/me",
        json.dumps({"language": "fr", "theme": "dark"}),
        content_type="application/json",
    )
    assert "theme" in assert_error(response, 422, "invalid")["fields"]


def test_nested_field_errors_are_named_by_path(api):
    response = api.patch(
        "/api/v1/me/profile",
        json.dumps({"skills": [{"name": "ok"}, {"name": "x", "level": 9}]}),
        content_type="application/json",
    )
    error = assert_error(response, 422, "invalid")
    assert "skills.1.level" in error["fields"]


def test_service_validation_is_422(api):
    response = api.patch(
        "/api/v1/me", json.dumps({"language": "klingon"}), content_type="application/json"
    )
    assert "language" in assert_error(response, 422, "invalid")["fields"]


def test_service_rule_is_4xx(api, user):
    assert_error(api.post(f"/api/v1/users/{user.username}/follow"), 422, "invalid")


@pytest.mark.parametrize("body", ["{not json", "[1, 2", "\xff\xfe"])
def test_malformed_json_is_400(api, body):
    response = api.patch("/api/v1/me/profile", body, content_type="application/json")
    assert_error(response, 400, "bad_request")


# --- Errors raised by services keep their own status --------------------------------------------


def test_other_agora_errors_keep_their_status(api, monkeypatch):
    from agora.people import services

    def conflict(*args, **kwargs):
        raise Conflict(fields={"x": ["taken"]})

    monkeypatch.setattr(services, "departments", conflict)
    error = assert_error(api.get("/api/v1/departments"), 409, "conflict")
    assert error["fields"] == {"x": ["taken"]}


def test_unexpected_errors_are_json_500_without_details(api, monkeypatch, caplog):
    from agora.people import services

    def boom(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(services, "departments", boom)
    response = api.get("/api/v1/departments")
    assert_error(response, 500, "server_error")
    assert b"hunter2" not in response.content


# --- NUL characters: PostgreSQL refuses them in any text; URLs with one are refused


@pytest.mark.parametrize(
    "params",
    [{"q": "a\x00b"}, {"skill": "py\x00"}, {"interest": "\x00"}, {"location": "x\x00"}],
)
def test_nul_in_directory_filters_is_a_clear_400(api, params):
    assert_error(api.get("/api/v1/users", params), 400, "bad_request")


def test_nul_in_directory_department_filter(api):
    assert_error(api.get("/api/v1/users", {"department": "eng\x00"}), 400, "bad_request")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/users/a%00b"),
        ("get", "/api/v1/users/a%00b/followers"),
        ("get", "/api/v1/users/a%00b/following"),
        ("get", "/api/v1/users/a%00b/org"),
        ("post", "/api/v1/users/a%00b/follow"),
        ("delete", "/api/v1/users/a%00b/follow"),
    ],
)
def test_nul_in_a_username_is_a_clear_400(api, method, url):
    assert_error(getattr(api, method)(url), 400, "bad_request")


@pytest.mark.parametrize(
    "url",
    ["/people/a%00b/", "/people/a%00b/followers", "/people/a%00b/following", "/people/a%00b/org"],
)
def test_nul_in_a_username_is_400_on_the_web(api, url):
    assert api.get(url).status_code == 400


def test_nul_in_autocomplete(api):
    assert_error(api.get("/api/v1/skills", {"q": "py\x00"}), 400, "bad_request")
    assert_error(api.get("/api/v1/interests", {"q": "\x00"}), 400, "bad_request")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"headline": "a\x00b"}, "headline"),
        ({"display_name": "\x00"}, "display_name"),
        ({"skills": [{"name": "Py\x00thon"}]}, "skills"),
        ({"interests": [{"name": "Chess\x00"}]}, "interests"),
        ({"manager": "boss\x00"}, "manager"),
        ({"department": "eng\x00"}, "department"),
    ],
)
def test_nul_in_profile_input_is_422(api, payload, field):
    response = api.patch("/api/v1/me/profile", json.dumps(payload), content_type="application/json")
    assert field in assert_error(response, 422, "invalid")["fields"]


def test_nul_in_a_token_name_is_422(api):
    response = api.post(
        "/api/v1/me/tokens", json.dumps({"name": "ci\x00"}), content_type="application/json"
    )
    assert "name" in assert_error(response, 422, "invalid")["fields"]


def test_nul_in_a_cursor_is_422(api, user):
    import base64

    cursor = base64.urlsafe_b64encode(json.dumps(["x\x00", 1]).encode()).decode()
    assert_error(api.get("/api/v1/users", {"cursor": cursor}), 422, "invalid")


def test_skill_names_that_grow_when_folded_are_refused(api):
    """ "ß" folds to "ss": 80 of them make a 160-character key, too long to store."""
    response = api.patch(
        "/api/v1/me/profile",
        json.dumps({"skills": [{"name": "ß" * 80}]}),
        content_type="application/json",
    )
    assert "skills" in assert_error(response, 422, "invalid")["fields"]
    response = api.patch(
        "/api/v1/me/profile",
        json.dumps({"skills": [{"name": "ß" * 40}], "interests": [{"name": "ﬃ" * 26}]}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
