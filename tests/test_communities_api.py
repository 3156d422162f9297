"""API v1: communities, memberships, requests, invitations, roles."""

import pytest

from agora.communities.models import Community, Membership
from agora.notifications.models import Notification
from tests.api_factories import add_member, employee, guest, make_community, png_bytes, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return employee(username="owner")


@pytest.fixture
def bob(db):
    return employee(username="bob")


def test_create_and_read(client_for, owner):
    c = client_for(owner)
    r = send(
        c,
        "post",
        "/api/v1/communities",
        {"name": "Data Guild", "kind": "request", "description": "We *love* data"},
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["slug"] == "data-guild" and data["kind"] == "request"
    assert "<em>love</em>" in data["description_html"]
    assert data["member_count"] == 1
    assert data["membership"] == {"state": "active", "role": "owner"}
    assert data["can_moderate"] and data["can_read"]
    again = send(c, "post", "/api/v1/communities", {"name": "Data Guild"}).json()
    assert again["slug"] == "data-guild-2"
    assert c.get("/api/v1/communities/data-guild").json()["name"] == "Data Guild"


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "X", "member_count": 1000},
        {"name": "X", "slug": "chosen"},
        {"name": "X", "kind": "public"},
        {"name": ""},
        {"kind": "open"},
    ],
)
def test_bad_input_writes_nothing(client_for, owner, payload):
    r = send(client_for(owner), "post", "/api/v1/communities", payload)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid"
    assert not Community.objects.exists()


def test_guests_cannot_create(client_for):
    r = send(client_for(guest()), "post", "/api/v1/communities", {"name": "Outside"})
    assert r.status_code == 403


def test_list_listed_and_mine(client_for, owner, bob):
    open_ = make_community(owner, "open", name="Alpha")
    request = make_community(owner, "request", name="Beta")
    secret = make_community(owner, "secret", name="Gamma")
    mine = make_community(bob, "secret", name="Delta")
    c = client_for(bob)
    listed = [item["slug"] for item in c.get("/api/v1/communities").json()["items"]]
    assert listed == [open_.slug, request.slug, mine.slug]  # by name; not the secret one
    assert secret.slug not in listed
    own = c.get("/api/v1/communities", {"mine": "true"}).json()["items"]
    assert [item["slug"] for item in own] == [mine.slug]
    page = c.get("/api/v1/communities", {"limit": 2}).json()
    rest = c.get("/api/v1/communities", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [i["slug"] for i in page["items"] + rest["items"]] == listed
    assert rest["next_cursor"] is None


def test_join_an_open_community(client_for, owner, bob):
    community = make_community(owner, "open")
    r = send(client_for(bob), "post", f"/api/v1/communities/{community.slug}/join")
    assert r.json() == {"state": "active", "role": "member"}
    assert client_for(bob).get(f"/api/v1/communities/{community.slug}").json()["member_count"] == 2
    # Twice is harmless.
    send(client_for(bob), "post", f"/api/v1/communities/{community.slug}/join")
    assert Community.objects.get(pk=community.pk).member_count == 2
    r = send(client_for(bob), "post", f"/api/v1/communities/{community.slug}/leave")
    assert r.json() == {"state": None, "role": None}
    assert Community.objects.get(pk=community.pk).member_count == 1


def test_request_approve_and_refuse(client_for, owner, bob):
    community = make_community(owner, "request")
    carol = employee(username="carol")
    slug = community.slug
    assert send(client_for(bob), "post", f"/api/v1/communities/{slug}/join").json() == {
        "state": "pending",
        "role": "member",
    }
    send(client_for(carol), "post", f"/api/v1/communities/{slug}/join")
    # Moderators are told (grouped), members can't see requests.
    told = Notification.objects.get(recipient=owner, kind="join_request")
    assert told.actor_count == 2
    assert client_for(bob).get(f"/api/v1/communities/{slug}/requests").status_code == 403
    assert client_for(bob).get(f"/api/v1/communities/{slug}/feed").status_code == 403
    pending = client_for(owner).get(f"/api/v1/communities/{slug}/requests").json()["items"]
    assert {p["person"]["username"] for p in pending} == {"bob", "carol"}
    c = client_for(owner)
    assert send(c, "post", f"/api/v1/communities/{slug}/requests/bob/approve").status_code == 204
    assert send(c, "post", f"/api/v1/communities/{slug}/requests/carol/refuse").status_code == 204
    assert send(c, "post", f"/api/v1/communities/{slug}/requests/carol/refuse").status_code == 404
    assert Notification.objects.filter(recipient=bob, kind="join_approved").exists()
    assert client_for(bob).get(f"/api/v1/communities/{slug}/feed").status_code == 200
    assert not Membership.objects.filter(user=carol).exists()
    r = send(client_for(bob), "post", f"/api/v1/communities/{slug}/requests/carol/approve")
    assert r.status_code == 403


def test_invitations(client_for, owner, bob):
    community = make_community(owner, "secret")
    slug = community.slug
    outsider = guest(username="partner")
    assert client_for(bob).get(f"/api/v1/communities/{slug}").status_code == 404
    r = send(
        client_for(owner), "post", f"/api/v1/communities/{slug}/invitations", {"username": "bob"}
    )
    assert r.status_code == 201
    assert r.json()["state"] == "invited" and r.json()["person"]["username"] == "bob"
    assert Notification.objects.filter(recipient=bob, kind="invitation").exists()
    # The invitee may see the community (to decide) and accept by joining.
    assert client_for(bob).get(f"/api/v1/communities/{slug}").status_code == 200
    assert (
        send(client_for(bob), "post", f"/api/v1/communities/{slug}/join").json()["state"]
        == "active"
    )
    # A plain member can't invite in a secret community, nor invite guests anywhere.
    r = send(
        client_for(bob), "post", f"/api/v1/communities/{slug}/invitations", {"username": "partner"}
    )
    assert r.status_code == 403
    open_ = make_community(owner, "open")
    add_member(open_, bob)
    r = send(
        client_for(bob),
        "post",
        f"/api/v1/communities/{open_.slug}/invitations",
        {"username": "partner"},
    )
    assert r.status_code == 403
    # A moderator invites the guest, who gets the guest role.
    r = send(
        client_for(owner),
        "post",
        f"/api/v1/communities/{slug}/invitations",
        {"username": "partner"},
    )
    assert r.json()["role"] == "guest"
    outsider.refresh_from_db()
    assert outsider.invited_by == owner
    r = send(
        client_for(owner), "post", f"/api/v1/communities/{slug}/invitations", {"username": "ghost"}
    )
    assert r.status_code == 404
    r = send(client_for(owner), "post", f"/api/v1/communities/{slug}/invitations", {"user": "bob"})
    assert r.status_code == 422


def test_declining_an_invitation(client_for, owner, bob):
    community = make_community(owner, "secret")
    send(
        client_for(owner),
        "post",
        f"/api/v1/communities/{community.slug}/invitations",
        {"username": "bob"},
    )
    send(client_for(bob), "post", f"/api/v1/communities/{community.slug}/leave")
    assert client_for(bob).get(f"/api/v1/communities/{community.slug}").status_code == 404
    assert Community.objects.get(pk=community.pk).member_count == 1
    # The invitation notification goes with it.
    assert client_for(bob).get("/api/v1/notifications").json()["items"] == []


def test_guest_members_cannot_invite(client_for, owner):
    community = make_community(owner, "open")
    partner = guest()
    add_member(community, partner)
    employee(username="someone")
    r = send(
        client_for(partner),
        "post",
        f"/api/v1/communities/{community.slug}/invitations",
        {"username": "someone"},
    )
    assert r.status_code == 403
    assert not Membership.objects.filter(user__username="someone").exists()


def test_members_roles_and_removal(client_for, owner, bob):
    community = make_community(owner, "open")
    add_member(community, bob)
    carol = employee(username="carol")
    add_member(community, carol)
    slug = community.slug
    members = client_for(carol).get(f"/api/v1/communities/{slug}/members").json()["items"]
    assert {(m["person"]["username"], m["role"]) for m in members} == {
        ("owner", "owner"),
        ("bob", "member"),
        ("carol", "member"),
    }
    c = client_for(owner)
    r = send(c, "put", f"/api/v1/communities/{slug}/members/bob/role", {"role": "moderator"})
    assert r.json()["role"] == "moderator"
    assert (
        send(c, "put", f"/api/v1/communities/{slug}/members/bob/role", {"role": "king"}).status_code
        == 422
    )
    # Moderators moderate but don't hand out roles; nobody removes the last owner.
    mod = client_for(bob)
    r = send(mod, "put", f"/api/v1/communities/{slug}/members/carol/role", {"role": "moderator"})
    assert r.status_code == 403
    assert send(mod, "delete", f"/api/v1/communities/{slug}/members/owner").status_code == 403
    assert send(mod, "delete", f"/api/v1/communities/{slug}/members/carol").status_code == 204
    assert (
        send(client_for(carol), "delete", f"/api/v1/communities/{slug}/members/bob").status_code
        == 403
    )
    r = send(c, "put", f"/api/v1/communities/{slug}/members/owner/role", {"role": "member"})
    assert r.status_code == 409
    assert send(c, "post", f"/api/v1/communities/{slug}/leave").status_code == 409
    assert Community.objects.get(pk=community.pk).member_count == 2


def test_edit_by_moderators_only(client_for, owner, bob):
    community = make_community(owner, "open")
    add_member(community, bob)
    slug = community.slug
    r = send(client_for(bob), "patch", f"/api/v1/communities/{slug}", {"rules": "None"})
    assert r.status_code == 403
    r = send(client_for(owner), "patch", f"/api/v1/communities/{slug}", {"rules": "Be **kind**"})
    assert "<strong>kind</strong>" in r.json()["rules_html"]
    r = send(client_for(owner), "patch", f"/api/v1/communities/{slug}", {"kind": "secret"})
    assert r.json()["kind"] == "secret"
    r = send(client_for(owner), "patch", f"/api/v1/communities/{slug}", {"slug": "x"})
    assert r.status_code == 422
    r = send(client_for(owner), "patch", f"/api/v1/communities/{slug}", {"name": None})
    assert r.status_code == 422
    assert Community.objects.get(pk=community.pk).name == community.name


def test_cover_image(client_for, owner, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    community = make_community(owner, "open")
    add_member(community, bob)
    url = f"/api/v1/communities/{community.slug}/cover"
    image = SimpleUploadedFile("cover.png", png_bytes(40, 10), content_type="image/png")
    assert client_for(bob).post(url, {"cover": image}).status_code == 403
    image.seek(0)
    r = client_for(owner).post(url, {"cover": image})
    assert r.status_code == 200
    assert r.json()["cover_url"] == f"/communities/{community.slug}/cover"
    assert Community.objects.get(pk=community.pk).cover
    text = SimpleUploadedFile("cover.png", b"not an image")
    assert client_for(owner).post(url, {"cover": text}).status_code == 422
    assert send(client_for(owner), "delete", url).status_code == 200
    assert not Community.objects.get(pk=community.pk).cover
