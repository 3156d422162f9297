"""The people services and visibility rules, without HTTP."""

import io
import struct
import zlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from agora.core import images
from agora.core.errors import Forbidden, Invalid, NotFound
from agora.people import services, visibility
from agora.people.models import (
    PRIVATE_FIELDS,
    Follow,
    Interest,
    Profile,
    ProfileInterest,
    Skill,
    Visibility,
)
from agora.people.text import fold, initials
from tests.factories import DepartmentFactory, UserFactory, add_skill, set_profile

pytestmark = pytest.mark.django_db


def profile_of(user) -> Profile:
    return Profile.objects.get(user=user)


# --- Text helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Python", "python"),
        ("  PYTHON  ", "python"),
        ("pythön", "python"),
        ("PYTHÖN", "python"),
        ("Développement   Web", "developpement web"),
        ("Straße", "strasse"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, key):
    assert fold(text) == key


def test_initials():
    assert initials("Marie-Claire Dupont") == "MC"
    assert initials("alice") == "A"
    assert initials("") == "?"


# --- Visibility rules ---------------------------------------------------------------------------

VIEWERS = ["self", "employee", "followed_employee", "fan", "guest", "followed_guest", "admin"]


def viewer_of(kind: str, owner):
    if kind == "self":
        return owner
    if kind in ("guest", "followed_guest"):
        viewer = UserFactory(kind="guest", invited_by=owner)
    elif kind == "admin":
        viewer = UserFactory(kind="admin", is_superuser=True)
    else:
        viewer = UserFactory()
    if kind.startswith("followed_"):
        Follow.objects.create(follower=owner, followee=viewer)
    if kind == "fan":
        Follow.objects.create(follower=viewer, followee=owner)
    return viewer


@pytest.mark.parametrize("kind", VIEWERS)
@pytest.mark.parametrize("field", PRIVATE_FIELDS)
def test_query_rule_and_object_rule_agree(field, kind):
    """field_visible_q (used by filters) and can_see_field (used by pages) give one answer."""
    owner = UserFactory()
    viewer = viewer_of(kind, owner)
    for level in Visibility.values:
        set_profile(owner, **{f"{field}_visibility": level})
        profile = visibility.with_viewer_context(Profile.objects.filter(user=owner), viewer).get()
        by_object = visibility.can_see_field(
            profile, field, viewer, owner_follows_viewer=profile.owner_follows_viewer
        )
        by_query = Profile.objects.filter(
            visibility.field_visible_q(field, viewer), user=owner
        ).exists()
        assert by_object is by_query, (field, kind, level)
        expected = {
            "self": True,
            "employee": level <= 1,
            "fan": level <= 1,
            "admin": level <= 1,
            "followed_employee": level <= 2,
            "guest": level == 0,
            "followed_guest": level in (0, 2),
        }[kind]
        assert by_object is expected, (field, kind, level)


def test_anonymous_sees_nothing():
    owner = UserFactory()
    anonymous = AnonymousUser()
    assert not visibility.visible_profiles(anonymous).exists()
    assert not visibility.visible_profiles(None).exists()
    assert not Profile.objects.filter(visibility.field_visible_q("headline", anonymous)).exists()
    assert not visibility.can_see_field(
        profile_of(owner), "headline", anonymous, owner_follows_viewer=False
    )
    with pytest.raises(NotFound):
        services.access_profile(anonymous, owner.username)


def test_who_sees_whom():
    inviter = UserFactory()
    colleague = UserFactory()
    gone = UserFactory(is_active=False)
    guest = UserFactory(kind="guest", invited_by=inviter)
    other_guest = UserFactory(kind="guest")
    employee_sees = set(visibility.visible_profiles(colleague).values_list("user_id", flat=True))
    assert {inviter.pk, colleague.pk, guest.pk, other_guest.pk} <= employee_sees
    assert gone.pk not in employee_sees
    guest_sees = set(visibility.visible_profiles(guest).values_list("user_id", flat=True))
    assert guest_sees == {guest.pk, inviter.pk}


def test_guest_does_not_see_a_deactivated_inviter():
    inviter = UserFactory(is_active=False)
    guest = UserFactory(kind="guest", invited_by=inviter)
    assert set(visibility.visible_profiles(guest).values_list("user_id", flat=True)) == {guest.pk}


def test_guest_contacts_extend_what_a_guest_sees(monkeypatch):
    from django.db.models import Q

    guest = UserFactory(kind="guest")
    partner = UserFactory()
    monkeypatch.setattr(visibility, "GUEST_CONTACTS", [lambda viewer: Q(user=partner)])
    assert services.access_profile(guest, partner.username).username == partner.username


def test_present_without_shaping_still_hides_an_invisible_manager():
    boss = UserFactory()
    inviter = UserFactory()
    set_profile(inviter, manager=boss, manager_visibility=Visibility.EVERYONE)
    guest = UserFactory(kind="guest", invited_by=inviter)
    from agora.people.presenters import present

    plain = Profile.objects.select_related("user", "manager").get(user=inviter)
    assert present(plain, guest).manager is None
    assert present(plain, UserFactory()).manager.username == boss.username


# --- Editing ------------------------------------------------------------------------------------


def test_update_profile_only_by_owner_or_admin():
    owner, other = UserFactory(), UserFactory()
    with pytest.raises(Forbidden):
        services.update_profile(other, profile_of(owner), {"headline": "hacked"})
    admin = UserFactory(kind="admin")
    services.update_profile(admin, profile_of(owner), {"headline": "fixed by admin"})
    assert profile_of(owner).headline == "fixed by admin"


def test_update_profile_collects_every_error_and_applies_nothing():
    owner = UserFactory()
    set_profile(owner, headline="before")
    with pytest.raises(Invalid) as caught:
        services.update_profile(
            owner,
            profile_of(owner),
            {
                "headline": "after",
                "display_name": "",
                "languages": ["xx"],
                "skills": [{"name": ""}, {"name": "Ok", "level": 9}],
                "interests": [{"name": "Chess", "kind": "secret"}],
                "visibility": {"headline": 5, "nope": 0},
                "suggestible": "yes",
                "department": "missing",
            },
        )
    fields = caught.value.fields
    assert set(fields) == {
        "display_name",
        "languages",
        "skills",
        "interests",
        "visibility",
        "suggestible",
        "department",
    }
    assert len(fields["skills"]) == 2 and len(fields["visibility"]) == 2
    assert profile_of(owner).headline == "before"
    assert not Skill.objects.exists() and not Interest.objects.exists()


def test_update_profile_rolls_back_when_storing_skills_fails(monkeypatch):
    owner = UserFactory()
    set_profile(owner, headline="before")
    add_skill(owner, "Keep me")

    def explode(profile, skills):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_replace_skills", explode)
    with pytest.raises(RuntimeError):
        services.update_profile(
            owner, profile_of(owner), {"headline": "after", "skills": [{"name": "New"}]}
        )
    assert profile_of(owner).headline == "before"
    assert [link.skill.name for link in profile_of(owner).skill_links.all()] == ["Keep me"]


def test_bio_is_rendered_and_sanitised():
    owner = UserFactory()
    services.update_profile(
        owner, profile_of(owner), {"bio": "**hi** [x](javascript:alert(1)) <img src=x onerror=y>"}
    )
    html = profile_of(owner).bio_html
    assert "<strong>hi</strong>" in html
    assert 'href="javascript' not in html
    assert "<img" not in html


def test_interests_kinds_and_vocabulary():
    owner = UserFactory()
    services.update_profile(
        owner,
        profile_of(owner),
        {"interests": [{"name": "Échecs", "kind": "personal"}, {"name": "Machine  learning"}]},
    )
    other = UserFactory()
    services.update_profile(other, profile_of(other), {"interests": [{"name": "ECHECS"}]})
    assert Interest.objects.count() == 2
    assert Interest.objects.get(key="echecs").name == "Échecs"
    assert Interest.objects.get(key="machine learning").name == "Machine learning"
    kinds = dict(
        ProfileInterest.objects.filter(profile__user=owner).values_list("interest__key", "kind")
    )
    assert kinds == {"echecs": "personal", "machine learning": "pro"}


def test_manager_loop_detection():
    a, b, c, d = (UserFactory() for _ in range(4))
    set_profile(b, manager=a)
    set_profile(c, manager=b)
    for boss in (b, c, a):
        with pytest.raises(Invalid) as caught:
            services.update_profile(a, profile_of(a), {"manager": boss.username})
        assert "manager" in caught.value.fields
    services.update_profile(a, profile_of(a), {"manager": d.username})
    assert profile_of(a).manager == d
    # An existing loop in the data (imported, say) doesn't hang the check.
    set_profile(a, manager=c)
    services.update_profile(d, profile_of(d), {"manager": b.username})
    assert profile_of(d).manager == b


def test_clear_fields():
    owner = UserFactory()
    set_profile(owner, department=DepartmentFactory(), manager=UserFactory(), languages=["fr"])
    services.update_profile(owner, profile_of(owner), {"department": "", "manager": None})
    profile = profile_of(owner)
    assert profile.department is None and profile.manager is None
    assert profile.languages == ["fr"]


# --- Avatars ------------------------------------------------------------------------------------


def jpeg_with_exif(marker: str) -> bytes:
    image = Image.new("RGB", (120, 80), (255, 0, 0))
    exif = Image.Exif()
    exif[0x010E] = marker  # ImageDescription
    exif[0x0112] = 6  # rotated 90°
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_avatar_drops_metadata():
    owner = UserFactory()
    data = jpeg_with_exif("GPS-SECRET-HOME")
    assert b"GPS-SECRET-HOME" in data
    services.set_avatar(owner, profile_of(owner), SimpleUploadedFile("a.jpg", data, "image/jpeg"))
    with profile_of(owner).avatar.open("rb") as stored:
        content = stored.read()
    assert b"GPS-SECRET-HOME" not in content
    assert Image.open(io.BytesIO(content)).size == (256, 256)


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("size", [(40_000, 40_000), (10_000, 10_000), (8_000, 7_000)])
def test_decompression_bombs_are_rejected(size):
    owner = UserFactory()
    bomb = SimpleUploadedFile("bomb.png", png_header_only(*size), "image/png")
    with pytest.raises(Invalid) as caught:
        services.set_avatar(owner, profile_of(owner), bomb)
    assert "avatar" in caught.value.fields
    assert not profile_of(owner).avatar


def test_images_with_too_many_pixels_are_rejected_before_decoding(monkeypatch):
    """A valid image is refused on its declared size alone (a 60-megapixel PNG of a few
    kilobytes would take gigabytes to decode)."""
    monkeypatch.setattr(images, "MAX_PIXELS", 300 * 300)
    owner = UserFactory()
    out = io.BytesIO()
    Image.new("RGB", (400, 300)).save(out, "PNG")
    with pytest.raises(Invalid) as caught:
        services.set_avatar(owner, profile_of(owner), SimpleUploadedFile("a.png", out.getvalue()))
    assert "avatar" in caught.value.fields
    out = io.BytesIO()
    Image.new("RGB", (300, 300)).save(out, "PNG")
    services.set_avatar(owner, profile_of(owner), SimpleUploadedFile("a.png", out.getvalue()))
    assert profile_of(owner).avatar


def test_large_jpeg_is_decoded_at_reduced_scale(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1_000_000)
    owner = UserFactory()
    out = io.BytesIO()
    Image.new("RGB", (2000, 1500), (0, 90, 0)).save(out, "JPEG")  # 3 megapixels
    services.set_avatar(owner, profile_of(owner), SimpleUploadedFile("a.jpg", out.getvalue()))
    with profile_of(owner).avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (256, 256)


def test_only_the_owner_sets_an_avatar():
    owner = UserFactory()
    png = io.BytesIO()
    Image.new("RGB", (10, 10)).save(png, "PNG")
    with pytest.raises(Forbidden):
        services.set_avatar(
            UserFactory(), profile_of(owner), SimpleUploadedFile("a.png", png.getvalue())
        )
    with pytest.raises(Forbidden):
        services.clear_avatar(UserFactory(), profile_of(owner))


# --- Follow graph -------------------------------------------------------------------------------


def test_follow_returns_whether_something_changed():
    a, b = UserFactory(), UserFactory()
    assert services.follow(a, b.username) is True
    assert services.follow(a, b.username) is False
    assert services.follow_counts(a, b) == {"followers": 1, "following": 0}
    assert services.follow_counts(a, a) == {"followers": 0, "following": 1}
    assert services.unfollow(a, b.username) is True
    assert services.unfollow(a, b.username) is False


def test_follow_rules():
    a = UserFactory()
    with pytest.raises(Invalid):
        services.follow(a, a.username)
    with pytest.raises(NotFound):
        services.follow(a, "nobody")
    with pytest.raises(NotFound):
        services.follow(a, UserFactory(is_active=False).username)


# --- Directory, suggestions, org chart ----------------------------------------------------------


def test_directory_refuses_guests_and_anonymous():
    guest = UserFactory(kind="guest", invited_by=UserFactory())
    for viewer in (guest, AnonymousUser(), None):
        with pytest.raises(Forbidden):
            services.directory(viewer, services.DirectoryFilters())


def test_directory_excludes_deactivated_people():
    UserFactory(display_name="Gone", is_active=False)
    viewer = UserFactory(display_name="Here")
    page = services.directory(viewer, services.DirectoryFilters())
    assert [p.display_name for p in page.items] == ["Here"]


def test_directory_name_search_is_folded():
    UserFactory(display_name="Éloïse Chassé")
    viewer = UserFactory()
    for q in ["eloise", "CHASSE", "Éloïse", "se ch"]:
        page = services.directory(viewer, services.DirectoryFilters(q=q))
        assert [p.display_name for p in page.items] == ["Éloïse Chassé"], q


def test_directory_skill_filter_lists_a_person_once():
    person = UserFactory(display_name="Multi")
    add_skill(person, "Python")
    viewer = UserFactory()
    page = services.directory(viewer, services.DirectoryFilters(skill="python"))
    assert [p.display_name for p in page.items] == ["Multi"]


def test_suggestions_skip_self_followed_guests_and_inactive():
    me = UserFactory()
    add_skill(me, "Python")
    followed = UserFactory()
    guest = UserFactory(kind="guest", invited_by=me)
    gone = UserFactory(is_active=False)
    fresh = UserFactory()
    for person in (followed, guest, gone, fresh):
        add_skill(person, "Python")
    Follow.objects.create(follower=me, followee=followed)
    found = services.suggestions(me, limit=10)
    assert [s.person.username for s in found] == [fresh.username]
    assert found[0].reasons == ["Shared skills: Python"]


def test_suggestions_for_anonymous_and_guests():
    assert services.suggestions(AnonymousUser()) == []
    assert services.suggestions(None) == []
    assert services.suggestions(UserFactory(kind="guest")) == []


def test_suggestions_department_reason():
    dept = DepartmentFactory(name="Sales")
    me = UserFactory()
    set_profile(me, department=dept)
    peer = UserFactory()
    set_profile(peer, department=dept)
    hidden = UserFactory()
    set_profile(hidden, department=dept, department_visibility=Visibility.ONLY_ME)
    found = services.suggestions(me)
    assert [(s.person.username, s.reasons) for s in found] == [
        (peer.username, ["Same department: Sales"])
    ]


def test_suggestions_plural_reason():
    me = UserFactory()
    friends = [UserFactory(), UserFactory()]
    star = UserFactory()
    for friend in friends:
        Follow.objects.create(follower=me, followee=friend)
        Follow.objects.create(follower=friend, followee=star)
    found = {s.person.username: s.reasons for s in services.suggestions(me)}
    assert found[star.username] == ["Followed by 2 people you follow"]


def test_suggestions_follow_changes_at_once():
    # A skill hidden, a follow, a new skill or a team change shows on the very next call.
    me = UserFactory()
    add_skill(me, "Python")
    ana, bob = UserFactory(), UserFactory()
    add_skill(ana, "Python")
    add_skill(bob, "Python")

    def suggested():
        return {s.person.username: s.reasons for s in services.suggestions(me, limit=10)}

    assert suggested() == {
        ana.username: ["Shared skills: Python"],
        bob.username: ["Shared skills: Python"],
    }
    set_profile(ana, skills_visibility=Visibility.ONLY_ME)
    Follow.objects.create(follower=me, followee=bob)
    assert suggested() == {}
    add_skill(me, "Rust")
    cyd = UserFactory()
    add_skill(cyd, "Rust")
    assert suggested() == {cyd.username: ["Shared skills: Rust"]}
    set_profile(me, team="Platform")
    dan = UserFactory()
    set_profile(dan, team="Platform")
    me.profile.refresh_from_db()
    assert suggested()[dan.username] == ["Same team: Platform"]


def test_org_chart_tops_and_hidden_links():
    ceo = UserFactory(display_name="Ceo")
    loner = UserFactory(display_name="Loner")  # no reports: not a top
    vp = UserFactory(display_name="Vp")
    set_profile(vp, manager=ceo)
    viewer = UserFactory()
    chart = services.org_chart(viewer, None)
    assert [p.display_name for p in chart.reports] == ["Ceo"]
    assert loner.username not in [p.username for p in chart.reports]
    # A hidden manager link hides the chain and the report.
    set_profile(vp, manager_visibility=Visibility.ONLY_ME)
    assert services.org_chart(viewer, vp.username).chain == []
    assert services.org_chart(viewer, ceo.username).reports == []
    with pytest.raises(NotFound):
        services.org_chart(viewer, "nobody")


def test_org_chart_survives_a_reporting_loop_in_the_data():
    a, b = UserFactory(), UserFactory()
    set_profile(a, manager=b)
    set_profile(b, manager=a)
    chart = services.org_chart(UserFactory(), a.username)
    assert [p.username for p in chart.chain] == [b.username]


def test_complete_skills():
    for name in ["Python", "PyTorch", "Rust"]:
        Skill.objects.create(name=name)
    assert sorted(services.complete_skills("PY")) == ["PyTorch", "Python"]
    assert services.complete_skills("   ") == []
    assert services.complete_skills("py", limit=1) in (["PyTorch"], ["Python"])


def test_departments_count_people():
    dept = DepartmentFactory(name="Ops")
    set_profile(UserFactory(), department=dept)
    set_profile(UserFactory(), department=dept)
    assert {d.name: d.size for d in services.departments()} == {"Ops": 2}


@pytest.mark.parametrize("q", ["%", "_", "\\", "'", '"'])
def test_directory_search_treats_wildcards_literally(q):
    UserFactory(display_name="Plain Name")
    page = services.directory(UserFactory(display_name="Other"), services.DirectoryFilters(q=q))
    assert page.items == []


def test_follow_counts_only_count_people_the_viewer_can_see(db):
    from agora.people.services import follow_counts
    from tests.factories import FollowFactory, UserFactory

    star = UserFactory()
    inviter = UserFactory()
    guest = UserFactory(kind="guest", invited_by=inviter)
    FollowFactory(follower=inviter, followee=star)
    FollowFactory(follower=UserFactory(), followee=star)
    gone = UserFactory(is_active=False)
    FollowFactory(follower=gone, followee=star)
    assert follow_counts(inviter, star)["followers"] == 2
    assert follow_counts(guest, star)["followers"] == 1
