import pytest

from agora.core.errors import NotFound
from agora.experts import services
from agora.experts.models import SkillSuggestion
from agora.notifications.models import Notification
from agora.people.models import ProfileSkill
from tests.api_factories import employee
from tests.factories import add_skill

from .helpers import answered

pytestmark = pytest.mark.django_db


def test_suggested_after_three_accepted_answers_then_the_person_decides(client_for):
    expert, asker = employee(), employee()
    for i in range(2):
        answered(expert, asker, f"Pandas merge question {i}", tags=["pandas"])
    answered(expert, asker, "Unaccepted pandas", tags=["pandas"], accepted=False)
    assert not SkillSuggestion.objects.exists()
    answered(expert, asker, "Pandas merge question 3", tags=["pandas"])
    suggestion = SkillSuggestion.objects.get(user=expert)
    assert (suggestion.key, suggestion.evidence_count, suggestion.state) == ("pandas", 3, "pending")
    assert Notification.objects.filter(recipient=expert, kind="skill_suggest").count() == 1
    # Nothing is published without consent.
    assert not ProfileSkill.objects.filter(profile__user=expert).exists()

    client = client_for(expert)
    page = client.get("/experts/skills/")
    assert "pandas" in page.content.decode()
    client.post(f"/experts/skills/{suggestion.pk}/accept", {"level": "3"})
    link = ProfileSkill.objects.get(profile__user=expert)
    assert (link.skill.key, link.level) == ("pandas", 3)
    suggestion.refresh_from_db()
    assert suggestion.state == "accepted"
    # Asked once: more accepted answers do not bring it back.
    answered(expert, asker, "Pandas merge question 4", tags=["pandas"])
    assert SkillSuggestion.objects.filter(user=expert).count() == 1


def test_dismissed_suggestions_stay_dismissed_and_declared_skills_are_not_suggested():
    expert, asker = employee(), employee()
    add_skill(expert, "Docker")
    for i in range(3):
        answered(expert, asker, f"Docker and numpy {i}", tags=["docker", "numpy"])
    assert list(SkillSuggestion.objects.values_list("key", flat=True)) == ["numpy"]
    suggestion = SkillSuggestion.objects.get()
    services.dismiss_suggestion(expert, suggestion.pk)
    answered(expert, asker, "Docker and numpy again", tags=["numpy"])
    assert SkillSuggestion.objects.get().state == "dismissed"
    with pytest.raises(NotFound):
        services.accept_suggestion(expert, suggestion.pk)


def test_only_the_owner_decides(client_for):
    expert, asker, stranger = employee(), employee(), employee()
    for i in range(3):
        answered(expert, asker, f"Excel macro {i}", tags=["excel"])
    suggestion = SkillSuggestion.objects.get()
    with pytest.raises(NotFound):
        services.accept_suggestion(stranger, suggestion.pk)
    response = client_for(stranger).post(
        f"/api/v1/me/skill-suggestions/{suggestion.pk}/accept",
        data={},
        content_type="application/json",
    )
    assert response.status_code == 404
    listed = client_for(expert).get("/api/v1/me/skill-suggestions").json()
    assert [s["name"] for s in listed] == ["excel"]
    done = client_for(expert).post(
        f"/api/v1/me/skill-suggestions/{suggestion.pk}/accept",
        data={"level": 4},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "accepted"
    assert ProfileSkill.objects.get(profile__user=expert).level == 4
