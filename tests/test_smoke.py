import pytest

pytestmark = pytest.mark.django_db


def test_pages_render_for_an_employee(client, employee):
    client.force_login(employee)
    for url in [
        "/",
        "/people/",
        f"/people/{employee.username}/",
        "/people/me/edit",
        "/people/org/",
        "/settings/",
        "/settings/tokens",
    ]:
        assert client.get(url).status_code == 200, url


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"
