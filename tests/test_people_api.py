"""REST API v1 for people: profile editing, avatars, the follow graph, the directory,
suggestions, org chart, personal tokens, CSRF and the OpenAPI document."""

import io
import json

import pytest
from django.test import Client
from PIL import Image

from agora.accounts.models import ApiToken
from agora.people.models import (
    Follow,
    Profile,
    ProfileSkill,
    Skill,
    Visibility,
)
from tests.factories import (
    DepartmentFactory,
    UserFactory,
    add_interest,
    add_skill,
    set_profile,
)

pytestmark = pytest.mark.django_db


def patch(client, url, payload, **extra):
    return client.patch(url, json.dumps(payload), content_type="application/json", **extra)


def post_json(client, url, payload=None, **extra):
    return client.post(url, json.dumps(payload or {}), content_type="application/json", **extra)


def image_bytes(fmt="PNG", size=(600, 300), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def upload(name: str, content: bytes, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def me(employee):
    set_profile(employee, display_name="Me Myself", headline="Old headline", team="Core")
    return employee


@pytest.fixture
def api(client_for, me):
    return client_for(me)


def profile_of(user) -> Profile:
    return Profile.objects.get(user=user)


# --- /me ----------------------------------------------------------------------------------------


def test_me(api, me):
    data = api.get("/api/v1/me").json()
    assert data == {
        "username": me.username,
        "email": me.email,
        "kind": "employee",
        "is_guest": False,
        "display_name": "Me Myself",
        "language": "en",
    }


def test_my_profile_shows_everything_and_the_visibility_map(api, me):
    set_profile(me, location="Lyon", location_visibility=Visibility.ONLY_ME)
    data = api.get("/api/v1/me/profile").json()
    assert data["location"] == "Lyon"
    assert data["visibility"]["location"] == Visibility.ONLY_ME
    assert data["url"] == f"/people/{me.username}/"


# --- PATCH /me/profile --------------------------------------------------------------------------


def test_partial_update_changes_only_what_is_sent(api, me):
    response = patch(api, "/api/v1/me/profile", {"headline": "  New headline  "})
    assert response.status_code == 200, response.content
    assert response.json()["headline"] == "New headline"
    profile = profile_of(me)
    assert profile.headline == "New headline"
    assert profile.team == "Core" and profile.display_name == "Me Myself"


def test_update_many_fields_at_once(api, me):
    dept = DepartmentFactory(name="Research", slug="research")
    boss = UserFactory(display_name="Boss")
    response = patch(
        api,
        "/api/v1/me/profile",
        {
            "display_name": "Renamed",
            "bio": "Hello *world* <script>alert(1)</script>",
            "department": "research",
            "manager": boss.username,
            "location": "Nantes",
            "languages": ["fr", "en", "fr"],
            "goals": "Ship\n\nLearn",
            "help_with": "SQL",
            "suggestible": False,
            "interests": [{"name": "Climbing", "kind": "personal"}, {"name": "Databases"}],
            "visibility": {"location": 2, "goals": 3},
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["display_name"] == "Renamed"
    assert "<em>world</em>" in data["bio_html"] and "<script" not in data["bio_html"]
    assert data["department"] == {"name": "Research", "slug": "research"}
    assert data["manager"] == {"username": boss.username, "display_name": "Boss"}
    assert data["languages"] == ["fr", "en"]
    assert data["goals"] == ["Ship", "Learn"]
    assert data["interests"] == [
        {"name": "Climbing", "kind": "personal"},
        {"name": "Databases", "kind": "pro"},
    ] or data["interests"] == [
        {"name": "Databases", "kind": "pro"},
        {"name": "Climbing", "kind": "personal"},
    ]
    profile = profile_of(me)
    assert profile.department == dept and profile.manager == boss
    assert profile.suggestible is False
    assert profile.location_visibility == 2 and profile.goals_visibility == 3
    assert profile.name_key == "renamed"


def test_clearing_department_and_manager(api, me):
    set_profile(me, department=DepartmentFactory(), manager=UserFactory())
    response = patch(api, "/api/v1/me/profile", {"department": "", "manager": ""})
    assert response.status_code == 200
    profile = profile_of(me)
    assert profile.department is None and profile.manager is None


def test_skills_with_levels_replace_the_list(api, me):
    add_skill(me, "Cobol", level=1)
    response = patch(
        api,
        "/api/v1/me/profile",
        {"skills": [{"name": "Python", "level": 4}, {"name": "Django"}]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["skills"] == [
        {"name": "Python", "level": 4, "level_label": "Expert"},
        {"name": "Django", "level": 2, "level_label": "Practitioner"},
    ]
    links = {link.skill.name: link.level for link in ProfileSkill.objects.filter(profile__user=me)}
    assert links == {"Python": 4, "Django": 2}
    assert patch(api, "/api/v1/me/profile", {"skills": []}).status_code == 200
    assert not ProfileSkill.objects.filter(profile__user=me).exists()


@pytest.mark.parametrize("spelling", ["python", " python ", "PYTHON", "pythön", "PYTHÖN", "Pŷthon"])
def test_skill_vocabulary_is_case_and_accent_insensitive(client_for, me, spelling):
    patch(client_for(me), "/api/v1/me/profile", {"skills": [{"name": "Python"}]})
    other = UserFactory()
    response = patch(client_for(other), "/api/v1/me/profile", {"skills": [{"name": spelling}]})
    assert response.status_code == 200
    assert Skill.objects.count() == 1
    skill = Skill.objects.get()
    assert skill.name == "Python" and skill.key == "python"
    assert set(skill.profiles.values_list("user_id", flat=True)) == {me.pk, other.pk}


def test_same_skill_twice_in_one_request_is_one_link(api, me):
    response = patch(
        api,
        "/api/v1/me/profile",
        {"skills": [{"name": "Python", "level": 1}, {"name": "PYTHON", "level": 3}]},
    )
    assert response.status_code == 200
    assert ProfileSkill.objects.filter(profile__user=me).count() == 1
    assert Skill.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"headline": "changed", "colour": "red"},
        {"headline": "changed", "skills": [{"name": "X", "levle": 3}]},
        {"headline": "changed", "interests": [{"name": "X", "why": "fun"}]},
        {"headline": "changed", "user": 1},
        {"headline": "changed", "bio_html": "<b>x</b>"},
    ],
)
def test_unknown_fields_are_rejected_and_nothing_applied(api, me, payload):
    response = patch(api, "/api/v1/me/profile", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert body["error"]["fields"]
    assert profile_of(me).headline == "Old headline"
    assert not Skill.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"headline": 123}, "headline"),
        ({"headline": ["a"]}, "headline"),
        ({"headline": "x" * 161}, "headline"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"skills": "Python"}, "skills"),
        ({"skills": None}, "skills"),
        ({"skills": [{"name": "Python", "level": 5}]}, "skills"),
        ({"skills": [{"name": "Python", "level": 0}]}, "skills"),
        ({"skills": [{"name": "Python", "level": "expert"}]}, "skills"),
        ({"skills": [{"name": "   "}]}, "skills"),
        ({"skills": [{"name": "x" * 81}]}, "skills"),
        ({"skills": [{"name": f"S{i}"} for i in range(51)]}, "skills"),
        ({"skills": [{"level": 2}]}, "skills"),
        ({"interests": [{"name": "Chess", "kind": "secret"}]}, "interests"),
        ({"interests": None}, "interests"),
        ({"languages": "fr"}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"suggestible": "maybe"}, "suggestible"),
        ({"suggestible": None}, "suggestible"),
        ({"visibility": ["headline"]}, "visibility"),
        ({"visibility": {"headline": "everyone"}}, "visibility"),
        ({"visibility": {"headline": 1.5}}, "visibility"),
        ({"department": "no-such-department"}, "department"),
        ({"manager": "no-such-person"}, "manager"),
    ],
)
def test_wrong_values_are_422_and_nothing_applied(api, me, payload, field):
    response = patch(api, "/api/v1/me/profile", {"headline": "changed", **payload})
    assert response.status_code == 422, response.content
    fields = response.json()["error"]["fields"]
    assert any(key == field or key.startswith(f"{field}.") for key in fields), fields
    profile = profile_of(me)
    assert profile.headline == "Old headline"
    assert not profile.skill_links.exists()


@pytest.mark.parametrize(
    "visibility", [{"headline": 4}, {"headline": -1}, {"headline": 99}, {"password": 0}]
)
def test_invalid_visibility_is_422_and_nothing_applied(api, me, visibility):
    response = patch(
        api,
        "/api/v1/me/profile",
        {"headline": "changed", "visibility": {"bio": 3, **visibility}},
    )
    assert response.status_code == 422
    assert "visibility" in response.json()["error"]["fields"]
    profile = profile_of(me)
    assert profile.headline == "Old headline"
    assert profile.bio_visibility == Visibility.EVERYONE


def test_visibility_update(api, me):
    response = patch(api, "/api/v1/me/profile", {"visibility": {"headline": 3, "bio": 2}})
    assert response.status_code == 200
    profile = profile_of(me)
    assert profile.headline_visibility == 3 and profile.bio_visibility == 2
    assert response.json()["visibility"]["headline"] == 3


def test_manager_must_not_make_a_loop(client_for):
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    set_profile(b, manager=a)
    set_profile(c, manager=b)
    # a -> c would close a -> c -> b -> a
    response = patch(client_for(a), "/api/v1/me/profile", {"manager": c.username})
    assert response.status_code == 422
    assert "manager" in response.json()["error"]["fields"]
    response = patch(client_for(a), "/api/v1/me/profile", {"manager": b.username})
    assert response.status_code == 422
    assert profile_of(a).manager is None
    # Not one's own manager either.
    response = patch(client_for(a), "/api/v1/me/profile", {"manager": a.username})
    assert response.status_code == 422
    # A sideways move is fine.
    d = UserFactory()
    assert patch(client_for(c), "/api/v1/me/profile", {"manager": d.username}).status_code == 200


def test_manager_must_be_a_visible_employee(client_for, me):
    guest = UserFactory(kind="guest", invited_by=me)
    gone = UserFactory(is_active=False)
    for username in (guest.username, gone.username):
        response = patch(client_for(me), "/api/v1/me/profile", {"manager": username})
        assert response.status_code == 422


# --- Avatars ------------------------------------------------------------------------------------


def test_avatar_upload_stores_a_square_webp(api, me):
    response = api.post("/api/v1/me/avatar", {"avatar": upload("me.png", image_bytes())})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["avatar_url"] == f"/people/{me.username}/avatar"
    profile = profile_of(me)
    assert profile.avatar.name.endswith(".webp")
    with profile.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "WEBP"
        assert image.size == (256, 256)
    served = api.get(data["avatar_url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "WEBP"])
def test_other_image_formats_are_accepted(api, me, fmt):
    response = api.post(
        "/api/v1/me/avatar", {"avatar": upload(f"me.{fmt.lower()}", image_bytes(fmt, (50, 80)))}
    )
    assert response.status_code == 200, response.content


def test_replacing_an_avatar_removes_the_old_file(api, me):
    api.post("/api/v1/me/avatar", {"avatar": upload("a.png", image_bytes())})
    first = profile_of(me).avatar
    storage, first_name = first.storage, first.name
    api.post("/api/v1/me/avatar", {"avatar": upload("b.png", image_bytes(color=(0, 0, 0)))})
    assert storage.exists(profile_of(me).avatar.name)
    if profile_of(me).avatar.name != first_name:
        assert not storage.exists(first_name)


@pytest.mark.parametrize(
    "content",
    [
        b"this is not an image, just text",
        b"\x89PNG\r\n\x1a\n" + b"truncated garbage" * 10,
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"",
    ],
)
def test_non_images_are_rejected(api, me, content):
    response = api.post("/api/v1/me/avatar", {"avatar": upload("evil.png", content)})
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert "avatar" in body["error"]["fields"]
    assert not profile_of(me).avatar


def test_unsupported_image_format_is_rejected(api, me):
    response = api.post("/api/v1/me/avatar", {"avatar": upload("a.bmp", image_bytes("BMP"))})
    assert response.status_code == 422
    assert "avatar" in response.json()["error"]["fields"]


def test_too_big_avatar_is_rejected(api, me, settings):
    big = image_bytes() + b"\0" * (settings.AVATAR_MAX_BYTES + 1)
    response = api.post("/api/v1/me/avatar", {"avatar": upload("big.png", big)})
    assert response.status_code == 422
    assert "avatar" in response.json()["error"]["fields"]
    assert not profile_of(me).avatar


def test_missing_avatar_file_is_422(api):
    response = api.post("/api/v1/me/avatar", {})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_delete_avatar(api, me):
    api.post("/api/v1/me/avatar", {"avatar": upload("a.png", image_bytes())})
    response = api.delete("/api/v1/me/avatar")
    assert response.status_code == 200
    assert "avatar_url" not in response.json()
    assert not profile_of(me).avatar
    assert api.get(f"/people/{me.username}/avatar").status_code == 404


# --- Follow graph -------------------------------------------------------------------------------


def test_follow_and_unfollow_are_idempotent(api, me):
    other = UserFactory()
    url = f"/api/v1/users/{other.username}/follow"
    for _ in range(2):
        response = api.post(url)
        assert response.status_code == 200
        assert response.json() == {"following": True}
    assert Follow.objects.filter(follower=me, followee=other).count() == 1
    assert api.get(f"/api/v1/users/{other.username}").json()["viewer_follows"] is True
    for _ in range(2):
        response = api.delete(url)
        assert response.status_code == 200
        assert response.json() == {"following": False}
    assert not Follow.objects.exists()


def test_cannot_follow_yourself(api, me):
    response = api.post(f"/api/v1/users/{me.username}/follow")
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["message"]
    assert not Follow.objects.exists()


def test_cannot_follow_someone_you_cannot_see(client_for):
    inviter, stranger = UserFactory(), UserFactory()
    guest = UserFactory(kind="guest", invited_by=inviter)
    c = client_for(guest)
    assert c.post(f"/api/v1/users/{stranger.username}/follow").status_code == 404
    assert c.post("/api/v1/users/nobody/follow").status_code == 404
    assert c.post(f"/api/v1/users/{inviter.username}/follow").status_code == 200
    assert not Follow.objects.filter(followee=stranger).exists()


def test_follow_flags(client_for):
    a, b = UserFactory(), UserFactory()
    Follow.objects.create(follower=b, followee=a)
    data = client_for(a).get(f"/api/v1/users/{b.username}").json()
    assert data["follows_viewer"] is True and data["viewer_follows"] is False


@pytest.mark.parametrize("which", ["followers", "following"])
def test_follow_lists_page_through_45_people(client_for, which):
    star = UserFactory()
    crowd = UserFactory.create_batch(45)
    for person in crowd:
        if which == "followers":
            Follow.objects.create(follower=person, followee=star)
        else:
            Follow.objects.create(follower=star, followee=person)
    c = client_for(UserFactory())
    seen, pages, cursor = [], 0, None
    while True:
        params = {"limit": 20, **({"cursor": cursor} if cursor else {})}
        response = c.get(f"/api/v1/users/{star.username}/{which}", params)
        assert response.status_code == 200
        data = response.json()
        pages += 1
        seen.extend(item["username"] for item in data["items"])
        cursor = data["next_cursor"]  # present, null on the last page
        if not cursor:
            break
    assert pages == 3
    assert len(seen) == 45 == len(set(seen))
    assert set(seen) == {p.username for p in crowd}
    # Newest first.
    assert seen[0] == crowd[-1].username

    response = c.get(f"/api/v1/users/{star.username}/{which}", {"cursor": "garbage!"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["cursor"]


def test_follow_lists_leave_out_people_the_viewer_cannot_see(client_for):
    inviter = UserFactory(display_name="Inviter")
    guest = UserFactory(kind="guest", invited_by=inviter)
    colleague = UserFactory(display_name="COLLEAGUE-HIDDEN")
    gone = UserFactory(display_name="GONE-HIDDEN", is_active=False)
    for person in (guest, colleague, gone):
        Follow.objects.create(follower=person, followee=inviter)
        Follow.objects.create(follower=inviter, followee=person)
    c = client_for(guest)
    for which in ("followers", "following"):
        response = c.get(f"/api/v1/users/{inviter.username}/{which}")
        assert response.status_code == 200
        assert [i["username"] for i in response.json()["items"]] == [guest.username]
        assert b"HIDDEN" not in response.content
        page = c.get(f"/people/{inviter.username}/{which}")
        assert page.status_code == 200
        assert b"COLLEAGUE-HIDDEN" not in page.content and b"GONE-HIDDEN" not in page.content
    # An employee sees the colleague but not the deactivated account.
    data = client_for(UserFactory()).get(f"/api/v1/users/{inviter.username}/followers").json()
    assert {i["username"] for i in data["items"]} == {guest.username, colleague.username}
    # The guest can't list the followers of someone they can't see.
    assert c.get(f"/api/v1/users/{colleague.username}/followers").status_code == 404


# --- Directory ----------------------------------------------------------------------------------


@pytest.fixture
def people():
    dept = DepartmentFactory(name="Engineering", slug="engineering")
    alice = UserFactory(display_name="Alice Dupré")
    set_profile(alice, headline="Data wrangler", department=dept, location="Lyon 3e")
    add_skill(alice, "Python")
    add_interest(alice, "Chess")
    bob = UserFactory(display_name="Bob Martin")
    set_profile(bob, headline="Sales", location="Paris")
    add_skill(bob, "Négociation")
    return {"alice": alice, "bob": bob, "dept": dept}


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["display_name"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "alice"}, {"Alice Dupré"}),
        ({"q": "DUPRE"}, {"Alice Dupré"}),
        ({"q": "wrangler"}, {"Alice Dupré"}),
        ({"skill": "python"}, {"Alice Dupré"}),
        ({"skill": " PYTHÖN "}, {"Alice Dupré"}),
        ({"skill": "negociation"}, {"Bob Martin"}),
        ({"interest": "chess"}, {"Alice Dupré"}),
        ({"location": "lyon"}, {"Alice Dupré"}),
        ({"location": "paris"}, {"Bob Martin"}),
        ({"department": "engineering"}, {"Alice Dupré"}),
        ({"department": "engineering", "skill": "python"}, {"Alice Dupré"}),
        ({"department": "engineering", "location": "paris"}, set()),
        ({"skill": "cobol"}, set()),
    ],
)
def test_directory_filters(client_for, people, params, expected):
    c = client_for(UserFactory(display_name="Zed Viewer"))
    assert names(c.get("/api/v1/users", params)) == expected


def test_directory_lists_everyone_in_name_order(client_for, people):
    c = client_for(UserFactory(display_name="Zed Viewer"))
    response = c.get("/api/v1/users")
    assert [i["display_name"] for i in response.json()["items"]] == [
        "Alice Dupré",
        "Bob Martin",
        "Zed Viewer",
    ]


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("skills", {"skill": "python"}),
        ("interests", {"interest": "chess"}),
        ("location", {"location": "lyon"}),
        ("department", {"department": "engineering"}),
        ("headline", {"q": "wrangler"}),
    ],
)
@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_directory_filters_never_match_hidden_fields(client_for, people, field, params, level):
    alice = people["alice"]
    set_profile(alice, **{f"{field}_visibility": level})
    stranger = UserFactory()
    followed = UserFactory()
    Follow.objects.create(follower=alice, followee=followed)
    fan = UserFactory()
    Follow.objects.create(follower=fan, followee=alice)
    expectations = {
        stranger: level <= 1,
        fan: level <= 1,
        followed: level <= 2,
        alice: True,
    }
    for viewer, matches in expectations.items():
        found = "Alice Dupré" in names(client_for(viewer).get("/api/v1/users", params))
        assert found is matches, (field, level, viewer)
        html = client_for(viewer).get("/people/", params).content.decode()
        assert (f"/people/{alice.username}/" in html) is matches


def test_directory_is_for_employees(client_for, people):
    guest = UserFactory(kind="guest", invited_by=people["alice"])
    response = client_for(guest).get("/api/v1/users")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_directory_paging(client_for):
    UserFactory.create_batch(25)
    c = client_for(UserFactory())
    first = c.get("/api/v1/users", {"limit": 10}).json()
    assert len(first["items"]) == 10 and first["next_cursor"]
    second = c.get("/api/v1/users", {"limit": 10, "cursor": first["next_cursor"]}).json()
    assert not {i["username"] for i in first["items"]} & {i["username"] for i in second["items"]}


# --- Suggestions ---------------------------------------------------------------------------------


def test_suggestions_show_reasons(client_for, me):
    dept = DepartmentFactory(name="Engineering")
    set_profile(me, team="Core", department=dept)
    add_skill(me, "Python")
    add_interest(me, "Chess")
    teammate = UserFactory(display_name="Teammate")
    set_profile(teammate, team="Core", department=dept)
    pythonista = UserFactory(display_name="Pythonista")
    add_skill(pythonista, "python")
    add_interest(pythonista, "Chess")
    friend = UserFactory(display_name="Friend")
    popular = UserFactory(display_name="Popular")
    Follow.objects.create(follower=me, followee=friend)
    Follow.objects.create(follower=friend, followee=popular)
    hidden = UserFactory(display_name="Hidden Skills")
    add_skill(hidden, "Python")
    set_profile(hidden, skills_visibility=Visibility.ONLY_ME)
    shy = UserFactory(display_name="Shy")
    add_skill(shy, "Python")
    set_profile(shy, suggestible=False)
    guest = UserFactory(kind="guest", invited_by=me)
    add_skill(guest, "Python")

    response = client_for(me).get("/api/v1/me/suggestions", {"limit": 30})
    assert response.status_code == 200
    found = {s["person"]["display_name"]: s["reasons"] for s in response.json()}
    assert set(found) == {"Teammate", "Pythonista", "Popular"}
    assert found["Teammate"] == ["Same team: Core"]
    assert found["Pythonista"] == ["Shared skills: Python", "Shared interests: Chess"]
    assert found["Popular"] == ["Followed by 1 person you follow"]
    # Best first: the teammate (3) ahead of skills + interests (3.5)? No: 3.5 > 3 > 1.
    assert [s["person"]["display_name"] for s in response.json()] == [
        "Pythonista",
        "Teammate",
        "Popular",
    ]


def test_suggestions_do_not_reveal_a_hidden_department(client_for, me):
    dept = DepartmentFactory(name="SECRET-DEPT")
    set_profile(me, team="Core", department=dept)
    peer = UserFactory(display_name="Peer")
    set_profile(peer, team="Core", department=dept, department_visibility=Visibility.ONLY_ME)
    found = client_for(me).get("/api/v1/me/suggestions").json()
    assert "Peer" not in {s["person"]["display_name"] for s in found}


def test_suggestions_for_guests_are_empty(client_for, me):
    guest = UserFactory(kind="guest", invited_by=me)
    add_skill(me, "Python")
    add_skill(guest, "Python")
    response = client_for(guest).get("/api/v1/me/suggestions")
    assert response.status_code == 200 and response.json() == []


# --- Departments, vocabularies, org chart --------------------------------------------------------


def test_departments(client_for, me):
    eng = DepartmentFactory(name="Engineering", slug="engineering")
    DepartmentFactory(name="Accounting", slug="accounting")
    set_profile(me, department=eng)
    response = client_for(me).get("/api/v1/departments")
    assert response.json() == [
        {"name": "Accounting", "slug": "accounting", "size": 0},
        {"name": "Engineering", "slug": "engineering", "size": 1},
    ]
    guest = UserFactory(kind="guest", invited_by=me)
    assert client_for(guest).get("/api/v1/departments").json() == []


def test_skill_and_interest_autocomplete(api):
    for name in ["Python", "PyTorch", "Pandas", "Perl"]:
        Skill.objects.create(name=name)
    assert sorted(api.get("/api/v1/skills", {"q": "py"}).json()) == ["PyTorch", "Python"]
    assert api.get("/api/v1/skills", {"q": "PYTHÖ"}).json() == ["Python"]
    assert api.get("/api/v1/skills", {"q": ""}).json() == []
    assert api.get("/api/v1/skills", {"q": "zzz"}).json() == []
    for i in range(15):
        Skill.objects.create(name=f"Pascal {i}")
    assert len(api.get("/api/v1/skills", {"q": "pa"}).json()) == 10
    from agora.people.models import Interest

    Interest.objects.create(name="Échecs")
    assert api.get("/api/v1/interests", {"q": "ech"}).json() == ["Échecs"]


def test_org_chart_endpoint(client_for):
    ceo = UserFactory(display_name="Ceo")
    vp = UserFactory(display_name="Vp")
    lead = UserFactory(display_name="Lead")
    dev1 = UserFactory(display_name="Dev One")
    dev2 = UserFactory(display_name="Dev Two")
    secret_report = UserFactory(display_name="Secret Report")
    set_profile(vp, manager=ceo)
    set_profile(lead, manager=vp)
    set_profile(dev1, manager=lead)
    set_profile(dev2, manager=lead)
    set_profile(secret_report, manager=lead, manager_visibility=Visibility.ONLY_ME)
    response = client_for(UserFactory()).get(f"/api/v1/users/{lead.username}/org")
    assert response.status_code == 200
    data = response.json()
    assert data["person"]["display_name"] == "Lead"
    assert [p["display_name"] for p in data["chain"]] == ["Ceo", "Vp"]
    assert [p["display_name"] for p in data["reports"]] == ["Dev One", "Dev Two"]
    assert client_for(UserFactory()).get("/api/v1/users/nobody/org").status_code == 404


# --- Personal API tokens ------------------------------------------------------------------------


def test_token_lifecycle(client_for, me):
    session = client_for(me)
    response = post_json(session, "/api/v1/me/tokens", {"name": "my script"})
    assert response.status_code == 201
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("agora_") and created["name"] == "my script"
    assert secret.startswith(created["hint"]) and len(created["hint"]) < len(secret)

    # Only a digest is stored: the secret appears in no column of the row.
    token = ApiToken.objects.get(pk=created["id"])
    row = {f.attname: getattr(token, f.attname) for f in ApiToken._meta.concrete_fields}
    assert all(secret not in str(value) for value in row.values())
    assert token.digest == ApiToken.digest_of(secret)

    # Listed without the secret.
    listed = session.get("/api/v1/me/tokens").json()
    assert [t["id"] for t in listed] == [created["id"]]
    assert (
        "secret" not in listed[0]
        and secret not in session.get("/api/v1/me/tokens").content.decode()
    )

    # Bearer works, without a session and without CSRF for unsafe methods.
    bearer = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get("/api/v1/me").json()["username"] == me.username
    other = UserFactory()
    assert bearer.post(f"/api/v1/users/{other.username}/follow").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    # Revoked: 401.
    assert session.delete(f"/api/v1/me/tokens/{created['id']}").status_code == 204
    response = bearer.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert session.get("/api/v1/me/tokens").json() == []
    assert session.delete(f"/api/v1/me/tokens/{created['id']}").status_code == 404


@pytest.mark.parametrize(
    "header",
    ["Bearer agora_wrong", "Bearer nothing", "Bearer ", "Basic dXNlcjpwYXNz", "agora_x"],
)
def test_bad_tokens_are_401(header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_token_of_a_deactivated_account_is_401(me):
    from agora.accounts.services import create_api_token

    _token, secret = create_api_token(me, "x")
    me.is_active = False
    me.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 401


def test_cannot_revoke_someone_elses_token(client_for, me):
    from agora.accounts.services import create_api_token

    token, _secret = create_api_token(UserFactory(), "theirs")
    assert client_for(me).delete(f"/api/v1/me/tokens/{token.pk}").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("payload", [{"name": ""}, {"name": "   "}, {"name": "x" * 81}, {}])
def test_token_needs_a_name(api, payload):
    response = post_json(api, "/api/v1/me/tokens", payload)
    assert response.status_code == 422
    assert response.json()["error"]["fields"]
    assert not ApiToken.objects.exists()


# --- CSRF on session authentication -------------------------------------------------------------


def csrf_client(user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    c.get("/people/me/edit")  # any page with a form sets the CSRF cookie
    return c, c.cookies["csrftoken"].value


def test_session_auth_requires_csrf_for_unsafe_methods(me):
    other = UserFactory()
    c, token = csrf_client(me)
    assert c.get("/api/v1/me").status_code == 200  # safe methods need no token
    for method, url in [
        ("patch", "/api/v1/me/profile"),
        ("post", f"/api/v1/users/{other.username}/follow"),
        ("delete", f"/api/v1/users/{other.username}/follow"),
        ("post", "/api/v1/me/tokens"),
        ("patch", "/api/v1/me"),
    ]:
        response = getattr(c, method)(url, "{}", content_type="application/json")
        assert response.status_code == 403, (method, url)
        assert response.json()["error"]["code"] == "forbidden"
    assert not Follow.objects.exists() and not ApiToken.objects.exists()

    response = patch(c, "/api/v1/me/profile", {"headline": "with token"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    response = c.post(f"/api/v1/users/{other.username}/follow", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


# --- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_lists_the_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/me",
        "/api/v1/me/profile",
        "/api/v1/me/avatar",
        "/api/v1/me/tokens",
        "/api/v1/me/tokens/{token_id}",
        "/api/v1/me/suggestions",
        "/api/v1/users",
        "/api/v1/users/{username}",
        "/api/v1/users/{username}/followers",
        "/api/v1/users/{username}/following",
        "/api/v1/users/{username}/follow",
        "/api/v1/users/{username}/org",
        "/api/v1/departments",
        "/api/v1/skills",
        "/api/v1/interests",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/users/{username}/follow"]) >= {"post", "delete"}
    schemes = response.json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
