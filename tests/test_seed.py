import io
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from agora.people import seeding, services
from agora.people.demo import COMMUNITY_MANAGERS_GROUP, DEMO_ACCOUNTS, DEMO_PASSWORD
from agora.people.models import Department, Follow, Profile, Skill, Visibility
from agora.people.services import LANGUAGE_CHOICES

PEOPLE = 40
EMPLOYEE_KINDS = ("employee", "admin")


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed", stdout=out, **{"people": PEOPLE, "no_archive": True, **options})
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return (get_user_model().objects.count(), Profile.objects.count(), Follow.objects.count())


def demo_user(role: str):
    email = next(e for r, e, _kind in DEMO_ACCOUNTS if r == role)
    return get_user_model().objects.get(email=email)


def assert_one_reporting_tree():
    managers = dict(
        Profile.objects.filter(user__kind__in=EMPLOYEE_KINDS).values_list("user_id", "manager_id")
    )
    tops = [person for person, manager in managers.items() if manager is None]
    assert len(tops) == 1
    for person in managers:
        seen = set()
        while managers[person] is not None:
            assert person not in seen, "reporting lines loop"
            seen.add(person)
            person = managers[person]  # a KeyError here: a manager outside the company
        assert person == tops[0]


@pytest.fixture
def seeded(db):
    return seed()


def test_seeds_the_requested_number_of_people(seeded):
    assert Profile.objects.filter(user__kind__in=EMPLOYEE_KINDS).count() == PEOPLE
    assert Profile.objects.filter(user__kind="guest").count() == 1 + seeding.EXTRA_GUESTS
    assert Profile.objects.count() == get_user_model().objects.count()
    assert Department.objects.count() > 5
    assert f"Seeded {PEOPLE} people" in seeded


def test_demo_logins_exist_and_work(seeded):
    for role, email, kind in DEMO_ACCOUNTS:
        user = demo_user(role)
        assert user.kind == kind
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
    admin = demo_user("administrator")
    assert admin.is_staff and admin.is_superuser
    manager = demo_user("community manager")
    assert manager.groups.filter(name=COMMUNITY_MANAGERS_GROUP).exists()
    assert demo_user("external guest").invited_by == manager


def test_every_account_can_log_in_by_email(seeded):
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == (
        get_user_model().objects.count()
    )


def test_reporting_lines_form_one_tree(seeded):
    assert_one_reporting_tree()
    guests = Profile.objects.filter(user__kind="guest")
    assert not guests.filter(manager__isnull=False).exists()
    assert all(g.user.invited_by.kind in EMPLOYEE_KINDS for g in guests.select_related("user"))


def test_follows_come_from_the_graph_and_never_loop_on_oneself(seeded):
    assert Follow.objects.count() > PEOPLE
    assert not Follow.objects.filter(follower_id=F("followee_id")).exists()
    following = Follow.objects.filter(follower=demo_user("employee")).count()
    assert abs(following - seeding.DEMO_EMPLOYEE_FOLLOWS) <= 3


def test_profiles_are_filled_and_some_fields_kept_private(seeded):
    employees = Profile.objects.filter(user__kind__in=EMPLOYEE_KINDS).prefetch_related(
        "skill_links", "interest_links"
    )
    for profile in employees:
        assert profile.headline and profile.bio and profile.bio_html.startswith("<p>")
        assert profile.location and profile.name_key and profile.team
        assert set(profile.languages) <= set(LANGUAGE_CHOICES)
        assert 3 <= len(profile.skill_links.all()) <= 8
        assert 2 <= len(profile.interest_links.all()) <= 6
        assert 1 <= len(profile.goals.splitlines()) <= 3
        assert profile.help_with
    assert not Skill.objects.filter(key="").exists()
    assert (
        employees.filter(location_visibility=Visibility.ONLY_ME).exists()
        or employees.filter(
            goals_visibility__in=[Visibility.FOLLOWING, Visibility.ONLY_ME]
        ).exists()
    )


def test_demo_employee_has_people_to_meet(seeded):
    camille = demo_user("employee")
    suggestions = services.suggestions(camille)
    assert len(suggestions) >= 3
    assert all(s.reasons for s in suggestions)
    assert any("Shared" in reason for s in suggestions for reason in s.reasons)


def test_if_empty_does_nothing_the_second_time(seeded):
    before = counts()
    assert "nothing seeded" in seed(if_empty=True)
    assert counts() == before


def test_second_run_without_if_empty_refuses_clearly(seeded):
    before = counts()
    with pytest.raises(CommandError, match="already has people"):
        seed()
    assert counts() == before


def test_refuses_a_company_too_small_to_have_a_shape(db):
    with pytest.raises(CommandError, match="at least"):
        seed(people=seeding.MIN_PEOPLE - 1)


def test_falls_back_to_a_synthetic_graph_without_the_data(db, settings, tmp_path):
    settings.SHARED_DATA_DIR = tmp_path
    output = seed()
    assert "synthetic" in output
    assert Profile.objects.filter(user__kind__in=EMPLOYEE_KINDS).count() == PEOPLE
    assert Follow.objects.exists()
    assert_one_reporting_tree()


GRAPHS = Path(django_settings.SHARED_DATA_DIR) / "graphs"


@pytest.mark.parametrize("graphs_dir", [GRAPHS, None], ids=["real", "synthetic"])
def test_same_seed_same_company(graphs_dir):
    first = seeding.plan_company(PEOPLE, 7, graphs_dir)
    assert first == seeding.plan_company(PEOPLE, 7, graphs_dir)
    other = seeding.plan_company(PEOPLE, 8, graphs_dir)
    assert [p.username for p in first.people] != [p.username for p in other.people]


def test_more_people_than_the_graph_holds_are_grown_around_it():
    plan = seeding.plan_company(1_100, 42, GRAPHS)
    employees = [p for p in plan.people if p.kind != "guest"]
    assert len(employees) == 1_100
    assert len({p.username for p in plan.people}) == len(plan.people)
    assert len({p.email for p in plan.people}) == len(plan.people)
