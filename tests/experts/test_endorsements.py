import pytest

from agora.core.errors import Forbidden, NotFound
from agora.people import services as people
from agora.people.models import Endorsement, ProfileSkill, Visibility
from tests.api_factories import add_member, employee, guest, make_community
from tests.factories import add_skill, set_profile

pytestmark = pytest.mark.django_db


def test_endorse_once_and_withdraw():
    ana, bob = employee(), employee()
    add_skill(ana, "Kubernetes", level=3)
    people.endorse(bob, ana.username, "kubernetes")
    people.endorse(bob, ana.username, "Kubernetes")
    assert Endorsement.objects.count() == 1
    summary = people.endorsement_summary(ana.profile, bob)
    assert summary["kubernetes"] == {"count": 1, "by_viewer": True}
    people.unendorse(bob, ana.username, "kubernetes")
    assert Endorsement.objects.count() == 0


def test_rules():
    ana, bob = employee(), employee()
    add_skill(ana, "Go")
    with pytest.raises(Forbidden):
        people.endorse(ana, ana.username, "go")
    with pytest.raises(NotFound):
        people.endorse(bob, ana.username, "rust")
    set_profile(ana, skills_visibility=Visibility.ONLY_ME)
    with pytest.raises(NotFound):
        people.endorse(bob, ana.username, "go")


def test_guests_cannot_endorse_people_they_cannot_see():
    ana = employee()
    add_skill(ana, "Excel")
    visitor = guest()
    with pytest.raises(NotFound):
        people.endorse(visitor, ana.username, "excel")
    community = make_community(employee(), kind="open")
    add_member(community, visitor)
    add_member(community, ana)
    people.endorse(visitor, ana.username, "excel")
    assert Endorsement.objects.filter(endorser=visitor).count() == 1


def test_editing_the_profile_keeps_endorsements_of_kept_skills():
    ana, bob = employee(), employee()
    add_skill(ana, "SQL", level=2)
    add_skill(ana, "Cobol", level=1)
    people.endorse(bob, ana.username, "sql")
    people.update_profile(
        ana, ana.profile, {"skills": [{"name": "SQL", "level": 4}, {"name": "Python", "level": 2}]}
    )
    link = ProfileSkill.objects.get(profile=ana.profile, skill__key="sql")
    assert link.level == 4 and link.endorsements.count() == 1
    assert not ProfileSkill.objects.filter(profile=ana.profile, skill__key="cobol").exists()


def test_api_and_profile_button(client_for):
    ana, bob = employee(), employee()
    add_skill(ana, "CI/CD", level=3)
    client = client_for(bob)
    response = client.post(
        f"/api/v1/users/{ana.username}/endorsements",
        data={"skill": "CI/CD"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"skill": "CI/CD", "endorsed": True, "count": 1}
    own = client_for(ana).post(
        f"/api/v1/users/{ana.username}/endorsements",
        data={"skill": "CI/CD"},
        content_type="application/json",
    )
    assert own.status_code == 403
    page = client.get(f"/people/{ana.username}/").content.decode()
    assert "1 endorsement" in page and 'aria-pressed="true"' in page
    fragment = client.post(
        f"/experts/endorse/{ana.username}/ci/cd", {"endorse": "0"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert 'aria-pressed="false"' in fragment.content.decode()
    assert Endorsement.objects.count() == 0
    assert "Endorse" not in client_for(ana).get(f"/people/{ana.username}/").content.decode()
    deleted = client.delete(f"/api/v1/users/{ana.username}/endorsements?skill=ci/cd")
    assert deleted.status_code == 200 and deleted.json()["endorsed"] is False
