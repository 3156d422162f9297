"""Every private profile field × every visibility level × every kind of viewer, checked on the
web profile page and on the API: a hidden field is absent, not blanked.

Levels: 0 everyone, 1 employees (not guests), 2 people the owner follows, 3 only the owner.
"People the owner follows" is read literally: the owner following the viewer grants level 2,
whatever the viewer's kind; the viewer following the owner grants nothing.
"""

import pytest

from agora.core.markdown import render_markdown
from agora.people.models import PRIVATE_FIELDS, Department, Follow, Visibility
from tests.factories import UserFactory, add_interest, add_skill, set_profile

pytestmark = pytest.mark.django_db

# What each field shows, and strings that appear in a response only through that field.
VALUES = {
    "headline": "HEADLINE-SECRET-42",
    "bio": "BIO-SECRET-42 with *emphasis*",
    "team": "TEAM-SECRET-42",
    "location": "LOCATION-SECRET-42",
    "goals": "GOALS-SECRET-42\nsecond goal",
    "help_with": "HELP-SECRET-42",
}
MARKERS = {
    "headline": ["HEADLINE-SECRET-42"],
    "bio": ["BIO-SECRET-42"],
    "email": ["mailsecret42"],
    "department": ["DEPT-SECRET-42", "dept-secret-42"],
    "team": ["TEAM-SECRET-42"],
    "manager": ["MANAGER-SECRET-42"],
    "location": ["LOCATION-SECRET-42"],
    "languages": ["ja, hi", "日本語", "हिन्दी"],
    "skills": ["SKILLSECRET42"],
    "interests": ["INTERESTSECRET42"],
    "goals": ["GOALS-SECRET-42"],
    "help_with": ["HELP-SECRET-42"],
}
assert set(MARKERS) == set(PRIVATE_FIELDS)
API_MARKERS = {**MARKERS, "languages": ['"ja", "hi"', '"ja","hi"']}

LEVELS_SEEN = {
    "self": {0, 1, 2, 3},
    "employee": {0, 1},
    "fan_employee": {0, 1},  # follows the owner, is not followed back
    "followed_employee": {0, 1, 2},
    "invited_guest": {0},
    "followed_invited_guest": {0, 2},
    "anonymous": set(),
}
GUESTS = {"invited_guest", "followed_invited_guest"}


def expected_visible(field: str, level: int, kind: str) -> bool:
    if field == "manager" and kind in GUESTS:
        # The manager is someone the guest may not see: naming them would reveal them.
        return False
    return level in LEVELS_SEEN[kind]


def make_owner(field: str, level: int):
    """The profile's owner with every field filled; `field` at `level`, the others at the
    opposite end of the scale so a mix-up between fields shows."""
    owner = UserFactory(email="mailsecret42@example.org", display_name="Owner Person")
    manager = UserFactory(display_name="MANAGER-SECRET-42")
    department = Department.objects.create(name="DEPT-SECRET-42", slug="dept-secret-42")
    others = Visibility.ONLY_ME if level <= Visibility.EMPLOYEES else Visibility.EVERYONE
    levels = {f"{name}_visibility": others for name in PRIVATE_FIELDS}
    levels[f"{field}_visibility"] = level
    set_profile(
        owner,
        bio_html=render_markdown(VALUES["bio"]),
        department=department,
        manager=manager,
        languages=["ja", "hi"],
        **VALUES,
        **levels,
    )
    add_skill(owner, "SKILLSECRET42", level=4)
    add_interest(owner, "INTERESTSECRET42", kind="personal")
    return owner


def make_viewer(kind: str, owner):
    if kind == "anonymous":
        return None
    if kind == "self":
        return owner
    if kind in GUESTS:
        viewer = UserFactory(kind="guest", invited_by=owner)
    else:
        viewer = UserFactory(kind="employee")
    if kind.startswith("followed_"):
        Follow.objects.create(follower=owner, followee=viewer)
    if kind == "fan_employee":
        Follow.objects.create(follower=viewer, followee=owner)
    return viewer


def found(markers, content: str) -> bool:
    return any(marker in content for marker in markers)


@pytest.mark.parametrize("kind", list(LEVELS_SEEN))
@pytest.mark.parametrize("level", [int(v) for v in Visibility])
@pytest.mark.parametrize("field", PRIVATE_FIELDS)
def test_field_visibility(client_for, field, level, kind):
    owner = make_owner(field, level)
    viewer = make_viewer(kind, owner)
    client = client_for(viewer)
    visible = expected_visible(field, level, kind)
    markers = MARKERS[field]

    page = client.get(f"/people/{owner.username}/")
    api = client.get(f"/api/v1/users/{owner.username}")
    if kind == "anonymous":
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        assert api.status_code == 401
        assert not found(markers, page.content.decode()) and not found(
            markers, api.content.decode()
        )
        return

    assert page.status_code == 200
    assert api.status_code == 200
    html = page.content.decode()
    data = api.json()
    assert found(markers, html) is visible, (field, level, kind)
    assert (field in data) is visible, (field, level, kind, data)
    assert found(API_MARKERS[field], api.content.decode()) is visible
    # Whatever the field, the name is always there.
    assert "Owner Person" in html and data["display_name"] == "Owner Person"
    if visible:
        assert_api_value(field, data[field])


def assert_api_value(field: str, value) -> None:
    expected = {
        "headline": "HEADLINE-SECRET-42",
        "bio": "BIO-SECRET-42 with *emphasis*",
        "email": "mailsecret42@example.org",
        "department": {"name": "DEPT-SECRET-42", "slug": "dept-secret-42"},
        "team": "TEAM-SECRET-42",
        "location": "LOCATION-SECRET-42",
        "languages": ["ja", "hi"],
        "goals": ["GOALS-SECRET-42", "second goal"],
        "help_with": "HELP-SECRET-42",
    }
    if field in expected:
        assert value == expected[field]
    elif field == "manager":
        assert value["display_name"] == "MANAGER-SECRET-42"
    elif field == "skills":
        assert value == [{"name": "SKILLSECRET42", "level": 4, "level_label": "Expert"}]
    elif field == "interests":
        assert value == [{"name": "INTERESTSECRET42", "kind": "personal"}]


def test_bio_html_follows_bio_visibility(client_for):
    owner = make_owner("bio", Visibility.ONLY_ME)
    data = client_for(UserFactory()).get(f"/api/v1/users/{owner.username}").json()
    assert "bio" not in data and "bio_html" not in data
    mine = client_for(owner).get(f"/api/v1/users/{owner.username}").json()
    assert "<em>emphasis</em>" in mine["bio_html"]


def test_visibility_map_only_on_your_own_profile(client_for):
    owner = make_owner("headline", Visibility.FOLLOWING)
    mine = client_for(owner).get("/api/v1/me/profile").json()
    assert mine["visibility"]["headline"] == Visibility.FOLLOWING
    assert set(mine["visibility"]) == set(PRIVATE_FIELDS)
    theirs = client_for(UserFactory()).get(f"/api/v1/users/{owner.username}").json()
    assert "visibility" not in theirs


# --- Lists show no more than the profile does ---------------------------------------------------


def web_markers(url: str, field: str) -> list[str]:
    if url.startswith("/people/?") and field == "department":
        # The directory's filter form lists every department by name: look at the rows' link.
        return ["?department=dept-secret-42"]
    return MARKERS[field]


@pytest.mark.parametrize("kind", ["employee", "followed_employee"])
@pytest.mark.parametrize("level", [int(v) for v in Visibility])
@pytest.mark.parametrize("field", PRIVATE_FIELDS)
def test_lists_hide_the_same_fields(client_for, field, level, kind):
    owner = make_owner(field, level)
    viewer = make_viewer(kind, owner)
    hub = UserFactory(display_name="Hub")
    Follow.objects.create(follower=hub, followee=owner)  # owner is in hub's "following"
    Follow.objects.create(follower=owner, followee=hub)  # owner is in hub's "followers"
    client = client_for(viewer)
    visible = expected_visible(field, level, kind)

    for url in [
        "/api/v1/users?q=owner",
        f"/api/v1/users/{hub.username}/followers",
        f"/api/v1/users/{hub.username}/following",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        items = [i for i in response.json()["items"] if i["username"] == owner.username]
        assert len(items) == 1, url
        assert (field in items[0]) is visible, (url, field, level, kind)
        assert found(API_MARKERS[field], response.content.decode()) is visible, url

    for url in ["/people/?q=owner", f"/people/{hub.username}/following"]:
        html = client.get(url).content.decode()
        assert "Owner Person" in html
        if not visible:
            assert not found(web_markers(url, field), html), (url, field, level, kind)


# --- Who may see whom ------------------------------------------------------------------------


def test_guest_sees_only_self_and_inviter(client_for):
    inviter = UserFactory(display_name="Inviter")
    stranger = UserFactory(display_name="Stranger")
    guest = UserFactory(kind="guest", invited_by=inviter)
    other_guest = UserFactory(kind="guest", invited_by=stranger)
    c = client_for(guest)
    for username in (guest.username, inviter.username):
        assert c.get(f"/people/{username}/").status_code == 200
        assert c.get(f"/api/v1/users/{username}").status_code == 200
    for username in (stranger.username, other_guest.username, "nobody-at-all"):
        assert c.get(f"/people/{username}/").status_code == 404
        response = c.get(f"/api/v1/users/{username}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert c.get("/people/").status_code == 403
    response = c.get("/api/v1/users")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_inactive_people_are_not_found(client_for):
    gone = UserFactory(is_active=False)
    c = client_for(UserFactory())
    assert c.get(f"/people/{gone.username}/").status_code == 404
    assert c.get(f"/api/v1/users/{gone.username}").status_code == 404


def test_anonymous_sees_nothing(client):
    person = UserFactory()
    for url in ["/people/", f"/people/{person.username}/", f"/people/{person.username}/followers"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in ["/api/v1/users", f"/api/v1/users/{person.username}", "/api/v1/me"]:
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


def test_guest_does_not_learn_the_inviters_manager(client_for):
    boss = UserFactory(display_name="BOSS-SECRET")
    inviter = UserFactory()
    set_profile(inviter, manager=boss, manager_visibility=Visibility.EVERYONE)
    guest = UserFactory(kind="guest", invited_by=inviter)
    c = client_for(guest)
    assert "manager" not in c.get(f"/api/v1/users/{inviter.username}").json()
    assert "BOSS-SECRET" not in c.get(f"/people/{inviter.username}/").content.decode()
    org = c.get(f"/api/v1/users/{inviter.username}/org").json()
    assert org["chain"] == [] and "BOSS-SECRET" not in str(org)
    # An employee does see the manager.
    seen = client_for(UserFactory()).get(f"/api/v1/users/{inviter.username}").json()
    assert seen["manager"]["username"] == boss.username


def test_employees_do_not_see_an_inactive_manager(client_for):
    boss = UserFactory(display_name="FORMER-BOSS", is_active=False)
    person = UserFactory()
    set_profile(person, manager=boss, manager_visibility=Visibility.EVERYONE)
    data = client_for(UserFactory()).get(f"/api/v1/users/{person.username}").json()
    assert "manager" not in data
