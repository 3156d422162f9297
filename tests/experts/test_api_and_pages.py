import pytest

from agora.people.models import Profile, Visibility
from tests.api_factories import add_member, employee, guest, make_community

from .helpers import answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_setup():
    owner, insider, asker = employee(), employee(), employee()
    secret = make_community(owner, kind="secret", name="Falcon")
    add_member(secret, insider)
    add_member(secret, asker)
    for i in range(2):
        answered(
            insider,
            asker,
            f"Falcon telemetry decoder {i}",
            tags=["falcon"],
            body="The decoder lives in the falcon-telemetry repository.",
            community=secret,
        )
    return {"owner": owner, "insider": insider, "asker": asker, "community": secret}


def test_api_ranks_and_explains(client_for, secret_setup):
    response = client_for(secret_setup["owner"]).get(
        "/api/v1/experts", {"q": "falcon telemetry decoder", "tags": "falcon", "limit": 5}
    )
    assert response.status_code == 200
    body = response.json()
    assert body[0]["username"] == secret_setup["insider"].username
    assert body[0]["rank"] == 1
    assert body[0]["url"] == f"/people/{secret_setup['insider'].username}/"
    assert "2 accepted answers on falcon" in body[0]["reasons"][0]


def test_api_never_reveals_secret_evidence_to_non_members(client_for, secret_setup):
    outsider = employee()
    response = client_for(outsider).get("/api/v1/experts", {"q": "falcon telemetry decoder"})
    assert response.status_code == 200
    assert response.json() == []
    # The insider's public record may show, but never the secret answers.
    answered(secret_setup["insider"], outsider, "Public decoder question", tags=["falcon"])
    body = client_for(outsider).get("/api/v1/experts", {"tags": "falcon"}).json()
    assert [r["username"] for r in body] == [secret_setup["insider"].username]
    assert body[0]["evidence"]["answers"] == 1
    assert "telemetry" not in str(body)


def test_web_page_never_reveals_secret_evidence(client_for, secret_setup):
    outsider = employee()
    page = client_for(outsider).get("/experts/", {"q": "falcon telemetry decoder"})
    assert page.status_code == 200
    assert secret_setup["insider"].profile.display_name not in page.content.decode()
    member_page = client_for(secret_setup["owner"]).get(
        "/experts/", {"q": "falcon telemetry decoder", "tags": "falcon"}
    )
    html = member_page.content.decode()
    assert secret_setup["insider"].profile.display_name in html
    assert "2 accepted answers on falcon" in html


def test_web_page_form_and_htmx_fragment(client_for, secret_setup):
    client = client_for(secret_setup["owner"])
    empty = client.get("/experts/")
    assert empty.status_code == 200
    assert 'name="q"' in empty.content.decode()
    fragment = client.get("/experts/", {"tags": "falcon"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'id="expert-results"' in fragment.content.decode()


def test_api_validation_and_limits(client_for, secret_setup):
    client = client_for(secret_setup["owner"])
    response = client.get("/api/v1/experts", {"q": "  ", "tags": ""})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert "q" in response.json()["error"]["fields"]
    many = ",".join(f"t{i}" for i in range(20))
    assert client.get("/api/v1/experts", {"tags": many}).status_code == 422
    capped = client.get("/api/v1/experts", {"tags": "falcon", "limit": 10_000})
    assert capped.status_code == 200
    assert client_for(None).get("/api/v1/experts", {"q": "x"}).status_code == 401


def test_api_never_suggests_the_viewer_or_opted_out_people(client_for, secret_setup):
    insider = secret_setup["insider"]
    own = client_for(insider).get("/api/v1/experts", {"tags": "falcon"}).json()
    assert insider.username not in [r["username"] for r in own]
    Profile.objects.filter(user=insider).update(expert_suggestible=False)
    body = client_for(secret_setup["owner"]).get("/api/v1/experts", {"tags": "falcon"}).json()
    assert body == []


def test_guest_sees_only_people_and_evidence_of_their_communities(client_for):
    owner, expert, asker = employee(), employee(), employee()
    extranet = make_community(owner, kind="open", name="Suppliers")
    visitor = guest()
    add_member(extranet, visitor)
    answered(expert, asker, "Customs forms on the profile", tags=["customs"])
    assert client_for(visitor).get("/api/v1/experts", {"tags": "customs"}).json() == []
    add_member(extranet, expert)
    answered(expert, owner, "Customs forms for suppliers", tags=["customs"], community=extranet)
    body = client_for(visitor).get("/api/v1/experts", {"tags": "customs"}).json()
    assert [r["username"] for r in body] == [expert.username]
    assert body[0]["evidence"]["answers"] == 1


def test_opt_out_toggle_in_profile_settings(client_for):
    person = employee()
    client = client_for(person)
    assert "expert_suggestible" in client.get("/people/me/edit").content.decode()
    response = client.patch(
        "/api/v1/me/profile", data={"expert_suggestible": False}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Profile.objects.get(user=person).expert_suggestible is False


def test_nav_has_the_finder(client_for):
    assert 'href="/experts/"' in client_for(employee()).get("/experts/").content.decode()


def test_web_results_show_the_person_with_their_field_visibility(client_for, secret_setup):
    insider = secret_setup["insider"]
    Profile.objects.filter(user=insider).update(
        headline="Telemetry lead", headline_visibility=Visibility.ONLY_ME
    )
    client = client_for(secret_setup["owner"])
    html = client.get("/experts/", {"q": "falcon telemetry decoder", "tags": "falcon"}).content
    html = html.decode()
    assert insider.profile.display_name in html
    assert "Telemetry lead" not in html  # only the person may see it
    assert 'class="avatar avatar-initials' in html
    assert "/questions/ask/?title=falcon%20telemetry%20decoder&amp;tags=falcon" in html
    Profile.objects.filter(user=insider).update(headline_visibility=Visibility.EMPLOYEES)
    html = client.get("/experts/", {"q": "falcon telemetry decoder", "tags": "falcon"}).content
    assert "Telemetry lead" in html.decode()


def test_web_results_cost_a_fixed_number_of_queries(client_for, secret_setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(secret_setup["owner"])
    params = {"q": "falcon telemetry decoder", "tags": "falcon"}
    client.get("/experts/", params)
    with CaptureQueriesContext(connection) as one:
        client.get("/experts/", params)
    for i in range(4):
        helper = employee()
        add_member(secret_setup["community"], helper)
        answered(
            helper,
            secret_setup["asker"],
            f"Falcon telemetry decoder {i + 10}",
            tags=["falcon"],
            community=secret_setup["community"],
        )
    client.get("/experts/", params)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/experts/", params)
    assert page.content.decode().count('class="person-card expert-card"') == 5
    assert len(many) == len(one)
