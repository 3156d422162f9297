"""Lists of people cost a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.people.models import Follow
from tests.factories import DepartmentFactory, UserFactory, add_interest, add_skill, set_profile

pytestmark = pytest.mark.django_db

# A page shows at most AGORA_PAGE_SIZE (20) people: 5 rows against 30 (a full page and more).
FEW, MANY = 5, 30
CEILING = 25  # fixed, and also not wasteful


@pytest.fixture
def world():
    viewer = UserFactory(display_name="Viewer")
    dept = DepartmentFactory(name="Engineering")
    boss = UserFactory(display_name="Boss")
    set_profile(viewer, team="Core", department=dept)
    add_skill(viewer, "Python")
    add_interest(viewer, "Chess")
    friend = UserFactory(display_name="Friend")
    Follow.objects.create(follower=viewer, followee=friend)
    return {"viewer": viewer, "dept": dept, "boss": boss, "friend": friend, "people": []}


def add_people(world, n):
    """People with everything a list row may show: department, manager, skills, interests,
    and follow links in both directions with the viewer."""
    viewer, friend = world["viewer"], world["friend"]
    for _ in range(n):
        i = len(world["people"])
        person = UserFactory(display_name=f"Person {i:03d}")
        set_profile(
            person,
            headline=f"Headline {i}",
            department=world["dept"],
            team="Core",
            manager=world["boss"],
            location="Lyon",
        )
        add_skill(person, "Python")
        add_skill(person, f"Skill {i}")
        add_interest(person, "Chess")
        Follow.objects.create(follower=friend, followee=person)
        Follow.objects.create(follower=person, followee=friend)
        if i % 2:
            Follow.objects.create(follower=person, followee=viewer)
        if i % 3 == 0:
            Follow.objects.create(follower=viewer, followee=person)
        world["people"].append(person)


def count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


def counts_for(world, client_for, url, **params) -> tuple[int, int]:
    client = client_for(world["viewer"])
    client.get(url, params)  # warm up: session, content types, translations
    add_people(world, FEW)
    few = count(client, url, **params)
    add_people(world, MANY - FEW)
    many = count(client, url, **params)
    return few, many


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/users", {}),
        ("/api/v1/users", {"skill": "python", "department": "department-0", "location": "lyon"}),
        ("/people/", {}),
        ("/people/", {"skill": "python"}),
    ],
)
def test_directory(world, client_for, url, params):
    params = {k: (world["dept"].slug if k == "department" else v) for k, v in params.items()}
    few, many = counts_for(world, client_for, url, **params)
    assert few == many <= CEILING


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/users/{friend}/following",
        "/people/{friend}/following",
    ],
)
def test_following_list(world, client_for, url):
    url = url.format(friend=world["friend"].username)
    few, many = counts_for(world, client_for, url)
    assert few == many <= CEILING


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/users/{friend}/followers",
        "/people/{friend}/followers",
    ],
)
def test_followers_list(world, client_for, url):
    url = url.format(friend=world["friend"].username)
    few, many = counts_for(world, client_for, url)
    assert few == many <= CEILING


@pytest.mark.parametrize(
    ("url", "params"),
    [("/api/v1/me/suggestions", {"limit": 30}), ("/", {})],
)
def test_suggestions(world, client_for, url, params):
    few, many = counts_for(world, client_for, url, **params)
    assert few == many <= CEILING


def test_suggestions_really_list_many_people(world, client_for):
    add_people(world, MANY)
    found = client_for(world["viewer"]).get("/api/v1/me/suggestions", {"limit": 30}).json()
    # Everyone but the third the viewer already follows.
    assert len(found) == MANY - len(range(0, MANY, 3))
    assert all(s["reasons"] for s in found)


def test_org_chart_reports(world, client_for):
    url = f"/api/v1/users/{world['boss'].username}/org"
    few, many = counts_for(world, client_for, url)
    assert few == many <= CEILING
