"""The lean read of one profile (people/presenters.lean_profile, used by GET /users/{name}
for employees) shows exactly what the ORM path shows, field rules included."""

import pytest

from agora.core.errors import NotFound
from agora.people import services
from agora.people.models import Follow, Visibility
from agora.people.presenters import lean_profile
from agora.people.schemas import profile_out
from tests.factories import DepartmentFactory, UserFactory, add_interest, add_skill, set_profile

pytestmark = pytest.mark.django_db

FIELDS = ("headline", "email", "department", "team", "manager", "location", "skills", "goals")


@pytest.fixture
def people():
    dept = DepartmentFactory(name="Engineering")
    boss = UserFactory(display_name="The Boss")
    gone_boss = UserFactory(display_name="Former Boss", is_active=False)
    viewer = UserFactory(display_name="Viewer")
    friend = UserFactory(display_name="Friend")
    Follow.objects.create(follower=friend, followee=viewer)
    Follow.objects.create(follower=viewer, followee=friend)
    targets = [viewer, friend]
    for i, level in enumerate([Visibility.EVERYONE, Visibility.EMPLOYEES, Visibility.FOLLOWING]):
        person = UserFactory(display_name=f"Person {i}")
        set_profile(
            person,
            headline=f"Headline {i}",
            bio="**Bio**",
            bio_html="<p><strong>Bio</strong></p>",
            department=dept,
            team="Core",
            manager=boss if i != 1 else gone_boss,
            location="Lyon",
            languages=["fr", "en"],
            goals="Ship\n\nLearn",
            help_with="Python",
            **{f"{f}_visibility": level for f in FIELDS},
        )
        add_skill(person, "Python", level=3)
        add_skill(person, "Go", level=1)
        add_skill(person, "Rust", level=3)
        add_interest(person, "Chess", kind="personal")
        add_interest(person, "Databases")
        if i == 2:
            Follow.objects.create(follower=person, followee=viewer)
        targets.append(person)
    set_profile(friend, manager=boss, manager_visibility=Visibility.EVERYONE)
    return {"viewer": viewer, "friend": friend, "targets": [*targets, boss, gone_boss]}


def test_lean_profiles_match_the_orm_path(people):
    for viewer in (people["viewer"], people["friend"]):
        for target in people["targets"]:
            try:
                expected = profile_out(services.access_profile(viewer, target.username))
            except NotFound:
                expected = None
            view = lean_profile(viewer, target.username)
            assert (profile_out(view) if view else None) == expected, target.username
    assert lean_profile(people["viewer"], "nobody") is None


def test_the_api_answers_the_same(people, client_for):
    c = client_for(people["viewer"])
    for target in people["targets"]:
        r = c.get(f"/api/v1/users/{target.username}")
        if target.is_active:
            expected = profile_out(services.access_profile(people["viewer"], target.username))
            assert r.status_code == 200 and r.json() == expected
        else:
            assert r.status_code == 404


def test_the_api_bytes_are_what_ninja_would_write(people, client_for):
    """GET /users/{name} encodes profile_out as is: the same bytes as ninja validating it
    against ProfileOut and encoding the dump, own profile (with `visibility`) included."""
    from agora.api import api
    from agora.people.schemas import ProfileOut

    for viewer in (people["viewer"], people["friend"]):
        c = client_for(viewer)
        for target in people["targets"]:
            if not target.is_active:
                continue
            r = c.get(f"/api/v1/users/{target.username}")
            view = services.access_profile(viewer, target.username)
            dumped = ProfileOut.model_validate(profile_out(view)).model_dump(exclude_unset=True)
            ninja_bytes = api.renderer.render(None, dumped, response_status=200)
            assert r.content == ninja_bytes, target
            assert r["Content-Type"] == "application/json; charset=utf-8"
