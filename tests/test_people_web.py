"""Web pages for people: editing with errors beside fields, following, the directory, the org
chart, API tokens and avatars."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from agora.accounts.models import ApiToken
from agora.people.models import Follow, Profile, ProfileSkill, Skill, Visibility
from tests.factories import DepartmentFactory, UserFactory, add_skill, set_profile

pytestmark = pytest.mark.django_db


class FormReader(HTMLParser):
    """What a browser would submit for each form on a page (skipping <template> rows)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._template = 0
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form":
            self._form = {"action": a.get("action"), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self._form["fields"].append(
                (a["name"], a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        if self._template or self._form is None:
            return
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or [self._select["first"] or ""]
            self._form["fields"].extend((self._select["name"], v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self._form["fields"].append(
                (self._textarea[0], value[1:] if value[:1] == "\n" else value)
            )
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._textarea is not None and not self._template:
            self._textarea[1] += data


def form_data(html: str, field: str) -> dict:
    """The submission of the form holding `field`, as {name: value or [values]}."""
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        names = [name for name, _ in form["fields"]]
        if field in names:
            data: dict = {}
            for name, value in form["fields"]:
                if name in data:
                    data[name] = [
                        *([data[name]] if isinstance(data[name], str) else data[name]),
                        value,
                    ]
                else:
                    data[name] = value
            return data
    raise AssertionError(f"no form with {field}")


@pytest.fixture
def me(employee):
    set_profile(employee, display_name="Me Myself", headline="Old headline", team="Core")
    add_skill(employee, "Python", level=3)
    return employee


@pytest.fixture
def web(client_for, me):
    return client_for(me)


# --- Editing the profile -----------------------------------------------------------------------


def test_edit_page_round_trips_unchanged(web, me):
    before = Profile.objects.get(user=me)
    data = form_data(web.get("/people/me/edit").content.decode(), "display_name")
    response = web.post("/people/me/edit", data)
    assert response.status_code == 302 and response["Location"] == f"/people/{me.username}/"
    after = Profile.objects.get(user=me)
    for name in ["display_name", "headline", "team", "bio", "location", "goals", "suggestible"]:
        assert getattr(after, name) == getattr(before, name), name
    assert [(link.skill.name, link.level) for link in after.skill_links.all()] == [("Python", 3)]


def test_edit_profile_saves_fields_skills_and_visibility(web, me):
    dept = DepartmentFactory(name="Research", slug="research")
    data = form_data(web.get("/people/me/edit").content.decode(), "display_name")
    data.update(
        display_name="New Name",
        headline="HEADLINE-NEW",
        department="research",
        location="Lyon",
        languages=["fr", "en"],
        location_visibility=str(Visibility.ONLY_ME),
    )
    data["skills-1-name"] = "pythön"  # the same skill as row 0, folded: one link
    data["skills-2-name"] = "Django"
    data["skills-2-level"] = "4"
    response = web.post("/people/me/edit", data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=me)
    assert profile.display_name == "New Name" and profile.headline == "HEADLINE-NEW"
    assert profile.department == dept and profile.location == "Lyon"
    assert profile.languages == ["fr", "en"]
    assert profile.location_visibility == Visibility.ONLY_ME
    skills = {link.skill.name: link.level for link in profile.skill_links.all()}
    # "pythön" is Python again (the later row's default level wins); Django is new.
    assert skills == {"Python": 2, "Django": 4}
    assert Skill.objects.count() == 2
    page = web.get(f"/people/{me.username}/").content.decode()
    assert "HEADLINE-NEW" in page and "Your profile was saved" in page


def test_empty_display_name_shows_the_error_next_to_the_field(web, me):
    data = form_data(web.get("/people/me/edit").content.decode(), "display_name")
    data.update(display_name="", headline="SHOULD-NOT-SAVE")
    response = web.post("/people/me/edit", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "display_name" in response.context["form"].errors
    assert "field-error" in html
    # The error sits in the display name's own field block, and the input is marked invalid.
    block = re.search(r'<div class="field[^"]*has-error[^"]*">(.*?)</div>\s*</div>', html, re.S)
    assert block is not None and 'name="display_name"' in block.group(0)
    assert re.search(r'<input[^>]*name="display_name"[^>]*aria-invalid="true"', html)
    assert Profile.objects.get(user=me).headline == "Old headline"


def test_service_errors_land_on_their_field(web, me):
    """A manager loop is found by the service, not the form: still shown beside the field."""
    report = UserFactory()
    set_profile(report, manager=me)
    data = form_data(web.get("/people/me/edit").content.decode(), "display_name")
    data.update(manager=report.username, headline="SHOULD-NOT-SAVE")
    response = web.post("/people/me/edit", data)
    assert response.status_code == 200
    assert "manager" in response.context["form"].errors
    assert "field-error" in response.content.decode()
    assert Profile.objects.get(user=me).headline == "Old headline"
    assert Profile.objects.get(user=me).manager is None


def test_edit_requires_login(client):
    response = client.get("/people/me/edit")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Avatars on the web -------------------------------------------------------------------------


def png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_avatar_upload_through_the_page(web, me):
    response = web.post(
        "/people/me/avatar", {"avatar": SimpleUploadedFile("me.png", png(), "image/png")}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=me).avatar.name.endswith(".webp")


def test_bad_avatar_upload_is_reported(web, me):
    response = web.post(
        "/people/me/avatar",
        {"avatar": SimpleUploadedFile("me.png", b"not an image", "image/png")},
        follow=True,
    )
    assert response.status_code == 200
    assert "not an image" in response.content.decode()
    assert not Profile.objects.get(user=me).avatar


def test_avatar_is_served_only_to_people_who_can_see_the_profile(client_for, web, me):
    web.post("/people/me/avatar", {"avatar": SimpleUploadedFile("me.png", png(), "image/png")})
    url = f"/people/{me.username}/avatar"
    assert web.get(url).status_code == 200
    colleague = client_for(UserFactory())
    response = colleague.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "private" in response["Cache-Control"]
    stranger_guest = client_for(UserFactory(kind="guest", invited_by=UserFactory()))
    assert stranger_guest.get(url).status_code == 404
    invited_guest = client_for(UserFactory(kind="guest", invited_by=me))
    assert invited_guest.get(url).status_code == 200
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    # Someone without a picture: 404, not an error.
    assert colleague.get(f"/people/{UserFactory().username}/avatar").status_code == 404


# --- Following ----------------------------------------------------------------------------------


def test_follow_and_unfollow_by_post(web, me):
    other = UserFactory(display_name="Other")
    response = web.post(f"/people/{other.username}/follow")
    assert response.status_code == 302 and response["Location"] == f"/people/{other.username}/"
    assert Follow.objects.filter(follower=me, followee=other).exists()
    # Again: still one link.
    web.post(f"/people/{other.username}/follow")
    assert Follow.objects.filter(follower=me, followee=other).count() == 1
    page = web.get(f"/people/{other.username}/").content.decode()
    assert 'value="unfollow"' in page
    response = web.post(f"/people/{other.username}/follow", {"action": "unfollow"})
    assert response.status_code == 302
    assert not Follow.objects.exists()


def test_follow_with_htmx_returns_the_button(web, me):
    other = UserFactory()
    response = web.post(f"/people/{other.username}/follow", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'value="unfollow"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_follow_needs_post(web):
    assert web.get(f"/people/{UserFactory().username}/follow").status_code == 405


def test_follow_yourself_is_refused_with_a_message(web, me):
    response = web.post(f"/people/{me.username}/follow", follow=True)
    assert response.status_code == 200
    assert "cannot follow yourself" in response.content.decode()
    assert not Follow.objects.exists()


def test_guest_cannot_follow_a_stranger(client_for):
    guest = UserFactory(kind="guest", invited_by=UserFactory())
    stranger = UserFactory()
    assert client_for(guest).post(f"/people/{stranger.username}/follow").status_code == 404
    assert not Follow.objects.exists()


def test_follower_pages(web, me):
    fans = [UserFactory(display_name=f"Fan {i}") for i in range(3)]
    for fan in fans:
        Follow.objects.create(follower=fan, followee=me)
    page = web.get(f"/people/{me.username}/followers").content.decode()
    assert all(f"Fan {i}" in page for i in range(3))
    assert web.get(f"/people/{me.username}/following").status_code == 200


def test_follower_pages_page_with_htmx(client_for):
    star = UserFactory()
    for fan in UserFactory.create_batch(25):
        Follow.objects.create(follower=fan, followee=star)
    c = client_for(UserFactory())
    first = c.get(f"/people/{star.username}/followers").content.decode()
    cursor = re.search(r"cursor=([^\"&]+)", first)
    assert cursor, "a 'show more' link"
    more = c.get(
        f"/people/{star.username}/followers",
        {"cursor": cursor.group(1).replace("%3D", "=")},
        HTTP_HX_REQUEST="true",
    )
    assert more.status_code == 200
    assert "<html" not in more.content.decode()
    assert more.content.decode().count("person-name") == 5


# --- Directory ----------------------------------------------------------------------------------


@pytest.fixture
def people():
    dept = DepartmentFactory(name="Engineering", slug="engineering")
    alice = UserFactory(display_name="Alice Dupré")
    set_profile(alice, department=dept, location="Lyon")
    add_skill(alice, "Python")
    bob = UserFactory(display_name="Bob Martin")
    set_profile(bob, location="Paris", location_visibility=Visibility.ONLY_ME)
    add_skill(bob, "Go")
    return alice, bob


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({}, ["Alice Dupré", "Bob Martin"], []),
        ({"q": "dupre"}, ["Alice Dupré"], ["Bob Martin"]),
        ({"skill": "PYTHON"}, ["Alice Dupré"], ["Bob Martin"]),
        ({"department": "engineering"}, ["Alice Dupré"], ["Bob Martin"]),
        ({"location": "lyon"}, ["Alice Dupré"], ["Bob Martin"]),
        ({"location": "paris"}, [], ["Alice Dupré", "Bob Martin"]),  # Bob hides it
    ],
)
def test_directory_filters(web, people, params, shown, hidden):
    response = web.get("/people/", params)
    assert response.status_code == 200
    html = response.content.decode()
    for name in shown:
        assert name in html, name
    for name in hidden:
        assert name not in html, name


def test_directory_htmx_returns_only_the_results(web, people):
    response = web.get("/people/", {"q": "alice"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice Dupré" in html and "<html" not in html


def test_directory_is_forbidden_to_guests(client_for, people):
    guest = UserFactory(kind="guest", invited_by=people[0])
    response = client_for(guest).get("/people/")
    assert response.status_code == 403
    html = response.content.decode()
    # the site's own page (header and all) saying why, not a bare text response
    assert "<html" in html and "The directory is for employees." in html
    assert "Alice Dupré" not in html


def test_directory_requires_login(client):
    response = client.get("/people/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Org chart ----------------------------------------------------------------------------------


def test_org_chart_page_shows_chain_and_reports(web):
    ceo = UserFactory(display_name="Chief Executive")
    vp = UserFactory(display_name="Vice President")
    lead = UserFactory(display_name="Team Lead")
    set_profile(vp, manager=ceo)
    set_profile(lead, manager=vp)
    reports = [UserFactory(display_name=f"Report {i}") for i in range(2)]
    for report in reports:
        set_profile(report, manager=lead)
    html = web.get(f"/people/{lead.username}/org").content.decode()
    chain = re.search(r"<nav[^>]*org-chain.*?</nav>", html, re.S).group(0)
    assert chain.index("Chief Executive") < chain.index("Vice President") < chain.index("Team Lead")
    assert "Report 0" in html and "Report 1" in html
    assert "2 direct reports" in html
    top = web.get("/people/org/").content.decode()
    assert "Chief Executive" in top and "Report 0" not in top


def test_org_chart_unknown_person_is_404(web):
    assert web.get("/people/nobody/org").status_code == 404


# --- API tokens page ----------------------------------------------------------------------------


def test_tokens_page_shows_the_secret_once(web, me):
    response = web.post("/settings/tokens", {"name": "my laptop"})
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r"agora_[A-Za-z0-9_\-]{20,}", html).group(0)
    token = ApiToken.objects.get(user=me)
    assert token.digest == ApiToken.digest_of(secret)
    assert "my laptop" in html
    again = web.get("/settings/tokens").content.decode()
    assert secret not in again
    assert "my laptop" in again and token.hint in again


def test_tokens_page_name_errors_are_next_to_the_field(web, me):
    response = web.post("/settings/tokens", {"name": ""})
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_from_the_page(web, me):
    web.post("/settings/tokens", {"name": "old"})
    token = ApiToken.objects.get(user=me)
    response = web.post(f"/settings/tokens/{token.pk}/revoke")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    other_token = ApiToken.objects.create(user=UserFactory(), name="x", digest="d" * 64, hint="h")
    web.post(f"/settings/tokens/{other_token.pk}/revoke")
    other_token.refresh_from_db()
    assert other_token.revoked_at is None


# --- Profile page --------------------------------------------------------------------------------


def test_profile_page_of_self_has_edit_link_and_counts(web, me):
    Follow.objects.create(follower=UserFactory(), followee=me)
    html = web.get(f"/people/{me.username}/").content.decode()
    assert "/people/me/edit" in html
    assert "1 follower" in html


def test_profile_shows_skills(web, me):
    html = web.get(f"/people/{me.username}/").content.decode()
    assert "Python" in html
    assert ProfileSkill.objects.filter(profile__user=me).count() == 1


def test_nul_in_an_avatar_url_is_refused(web):
    assert web.get("/people/a%00b/avatar").status_code == 400


def test_profile_fields_are_escaped(client_for):
    person = UserFactory(display_name="<img src=x onerror=alert(1)>")
    set_profile(
        person,
        headline="<script>alert('headline')</script>",
        team='"><svg onload=alert(1)>',
        location="<b>Lyon</b>",
        help_with="<iframe src=javascript:alert(1)>",
        goals="<script>alert('goal')</script>",
    )
    html = client_for(UserFactory()).get(f"/people/{person.username}/").content.decode()
    for raw in [
        "<script>alert(",
        "<img src=x onerror",
        "<svg onload",
        "<b>Lyon</b>",
        "<iframe",
    ]:
        assert raw not in html, raw
    assert "&lt;script&gt;alert(" in html
