import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/people/a%00b/avatar", "/people/?q=a%00b", "/tags/a%00/"])
def test_nul_in_a_page_url_is_a_clear_400(client, employee, url):
    client.force_login(employee)
    assert client.get(url).status_code == 400


def test_nul_in_an_api_url_is_json_400(client, employee):
    client.force_login(employee)
    response = client.get("/api/v1/users/a%00b")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
