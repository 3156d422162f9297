"""Community pages (issue 3, item 4): lists, creation, joining, requests and approvals,
invitations (employees and external guests), roles, removal, cover image — and the rule that a
secret community, its members and its counts never show to a non-member."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agora.communities.models import Community, Membership
from agora.notifications.models import Notification
from tests.conversation_factories import PNG, CommunityFactory, PostFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_list_mine_and_all(client_for, employee):
    mine = CommunityFactory(name="Rust lovers", kind="request")
    add_member(mine, employee)
    CommunityFactory(name="Open kitchen", kind="open")
    CommunityFactory(name="Hidden board", kind="secret")
    invited = CommunityFactory(name="Invited secret", kind="secret")
    add_member(invited, employee, state="invited")
    c = client_for(employee)
    html = c.get("/communities/").content.decode()
    assert "Rust lovers" in html and "Open kitchen" not in html
    assert "Invitations" in html and "Invited secret" in html
    html = c.get("/communities/?tab=all").content.decode()
    assert "Rust lovers" in html and "Open kitchen" in html and "Invited secret" in html
    assert "Hidden board" not in html
    assert "You are a member" in html


def test_guest_lists_only_their_communities(client_for, guest):
    extranet = CommunityFactory(name="Customer club", kind="request")
    add_member(extranet, guest)
    CommunityFactory(name="Open kitchen", kind="open")
    c = client_for(guest)
    html = c.get("/communities/?tab=all").content.decode()
    assert "Customer club" in html and "Open kitchen" not in html
    assert c.get("/communities/new").status_code == 403
    # A guest may not ask to join anything, not even an open community they guess.
    assert c.post("/communities/community-does-not-exist/join").status_code == 404


def test_create_community(client_for, employee):
    c = client_for(employee)
    assert c.get("/communities/new").status_code == 200
    response = c.post(
        "/communities/new",
        {
            "name": "Data Guild",
            "kind": "request",
            "description": "We *love* data",
            "rules": "Be kind",
        },
    )
    community = Community.objects.get(name="Data Guild")
    assert response["Location"] == f"/communities/{community.slug}/"
    membership = Membership.objects.get(community=community)
    assert membership.user == employee and membership.role == "owner"
    html = c.get(response["Location"]).content.decode()
    assert "<em>love</em>" in html and "Be kind" in html and "1 member" in html
    response = c.post("/communities/new", {"name": "", "kind": "open"})
    assert response.status_code == 200 and b'id="id_name_error"' in response.content


def test_join_an_open_community_and_leave(client_for, employee, django_capture_on_commit_callbacks):
    community = CommunityFactory(kind="open")
    owner = UserFactory()
    add_member(community, owner, role="owner")
    PostFactory(author=owner, community=community, body="Welcome post")
    c = client_for(employee)
    html = c.get(f"/communities/{community.slug}/").content.decode()
    assert "Welcome post" in html and ">Join<" in html and "Share something" not in html
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/communities/{community.slug}/join")
    assert Membership.objects.get(community=community, user=employee).state == "active"
    html = c.get(f"/communities/{community.slug}/").content.decode()
    assert "Write in" in html and "Leave…" in html
    # The backfill put the community's recent posts in the home feed.
    assert "Welcome post" in c.get("/").content.decode()
    c.post(f"/communities/{community.slug}/leave")
    assert not Membership.objects.filter(community=community, user=employee).exists()


def test_request_approval_flow(client_for, employee, django_capture_on_commit_callbacks):
    owner = UserFactory(display_name="Olga Owner")
    community = CommunityFactory(kind="request", name="Closed club")
    add_member(community, owner, role="owner")
    PostFactory(author=owner, community=community, body="MEMBERS-ONLY")
    c = client_for(employee)
    page = c.get(f"/communities/{community.slug}/").content.decode()
    assert "MEMBERS-ONLY" not in page and "Ask to join" in page
    assert "/members/" not in page  # no link to a list they may not read
    assert c.get(f"/communities/{community.slug}/members/").status_code == 403
    c.post(f"/communities/{community.slug}/join")
    assert Membership.objects.get(community=community, user=employee).state == "pending"
    assert "Request sent" in c.get(f"/communities/{community.slug}/").content.decode()
    assert Notification.objects.filter(recipient=owner, kind="join_request").exists()
    # The owner sees the request in the moderation tab and approves it.
    o = client_for(owner)
    moderation = o.get(f"/communities/{community.slug}/moderation/").content.decode()
    assert employee.username in moderation and "Approve" in moderation
    assert c.get(f"/communities/{community.slug}/moderation/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        o.post(
            f"/communities/{community.slug}/requests/{employee.username}/decide",
            {"action": "approve"},
        )
    assert Membership.objects.get(community=community, user=employee).state == "active"
    assert Notification.objects.filter(recipient=employee, kind="join_approved").exists()
    assert "MEMBERS-ONLY" in c.get(f"/communities/{community.slug}/").content.decode()
    assert "MEMBERS-ONLY" in c.get("/").content.decode()


def test_refuse_and_withdraw(client_for, employee, other_employee):
    owner = UserFactory()
    community = CommunityFactory(kind="request")
    add_member(community, owner, role="owner")
    client_for(employee).post(f"/communities/{community.slug}/join")
    client_for(owner).post(
        f"/communities/{community.slug}/requests/{employee.username}/decide", {"action": "refuse"}
    )
    assert not Membership.objects.filter(user=employee).exists()
    c = client_for(other_employee)
    c.post(f"/communities/{community.slug}/join")
    c.post(f"/communities/{community.slug}/leave")
    assert not Membership.objects.filter(user=other_employee).exists()


def test_invite_an_external_guest(client_for, guest, django_capture_on_commit_callbacks):
    owner = UserFactory()
    community = CommunityFactory(kind="secret", name="Project with ACME")
    add_member(community, owner, role="owner")
    PostFactory(author=owner, community=community, body="ACME-PLAN")
    g = client_for(guest)
    assert g.get(f"/communities/{community.slug}/").status_code == 404
    response = client_for(owner).post(
        f"/communities/{community.slug}/invite", {"username": guest.username}
    )
    assert response["Location"] == f"/communities/{community.slug}/moderation/"
    membership = Membership.objects.get(community=community, user=guest)
    assert membership.state == "invited" and membership.role == "guest"
    assert Notification.objects.filter(recipient=guest, kind="invitation").exists()
    # Invited: the guest sees the community and the invitation, not its content yet.
    page = g.get(f"/communities/{community.slug}/").content.decode()
    assert "Accept the invitation" in page and "ACME-PLAN" not in page
    assert "Project with ACME" in g.get("/communities/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        g.post(f"/communities/{community.slug}/join")
    assert "ACME-PLAN" in g.get(f"/communities/{community.slug}/").content.decode()
    members = g.get(f"/communities/{community.slug}/members/").content.decode()
    assert owner.username in members
    # An unknown username is a message, not a crash.
    response = client_for(owner).post(
        f"/communities/{community.slug}/invite", {"username": "nobody-here"}, follow=True
    )
    assert "Nobody has the username" in response.content.decode()


def test_members_of_open_communities_invite_employees_not_guests(client_for, employee, guest):
    community = CommunityFactory(kind="open")
    owner, member = UserFactory(), UserFactory()
    add_member(community, owner, role="owner")
    add_member(community, member)
    c = client_for(member)
    assert "Invite a colleague" in c.get(f"/communities/{community.slug}/members/").content.decode()
    c.post(f"/communities/{community.slug}/invite", {"username": employee.username})
    assert Membership.objects.get(user=employee).state == "invited"
    response = c.post(
        f"/communities/{community.slug}/invite", {"username": guest.username}, follow=True
    )
    assert "Only moderators can invite external guests." in response.content.decode()
    assert not Membership.objects.filter(user=guest).exists()


def test_roles_and_removal(client_for):
    owner, moderator, member = UserFactory(), UserFactory(), UserFactory()
    community = CommunityFactory(kind="request")
    add_member(community, owner, role="owner")
    add_member(community, moderator, role="moderator")
    add_member(community, member)
    o, m = client_for(owner), client_for(moderator)
    html = m.get(f"/communities/{community.slug}/moderation/").content.decode()
    assert 'name="role"' not in html  # only owners change roles
    response = m.post(
        f"/communities/{community.slug}/members/{member.username}/role",
        {"role": "moderator"},
        follow=True,
    )
    assert "Only owners can change roles." in response.content.decode()
    o.post(f"/communities/{community.slug}/members/{member.username}/role", {"role": "moderator"})
    assert Membership.objects.get(user=member).role == "moderator"
    # A moderator cannot remove the owner; they can remove a member.
    response = m.post(f"/communities/{community.slug}/members/{owner.username}/remove", follow=True)
    assert "Owners can only be removed by an administrator." in response.content.decode()
    m.post(f"/communities/{community.slug}/members/{member.username}/remove")
    assert not Membership.objects.filter(user=member).exists()
    # The last owner cannot leave.
    response = o.post(f"/communities/{community.slug}/leave", follow=True)
    assert "Name another owner before you leave." in response.content.decode()
    assert Membership.objects.filter(user=owner).exists()
    # A plain member sees no moderation tab and gets a 403 there.
    plain = UserFactory()
    add_member(community, plain)
    p = client_for(plain)
    assert "Moderation" not in p.get(f"/communities/{community.slug}/").content.decode()
    assert p.get(f"/communities/{community.slug}/moderation/").status_code == 403
    assert (
        p.post(f"/communities/{community.slug}/members/{owner.username}/remove").status_code == 403
    )


def test_edit_description_and_cover(client_for, employee, other_employee):
    community = CommunityFactory(kind="secret")
    add_member(community, employee, role="owner")
    c = client_for(employee)
    response = c.post(
        f"/communities/{community.slug}/edit",
        {"name": "Renamed", "kind": "secret", "description": "New **text**", "rules": ""},
    )
    assert response.status_code == 302, response.content.decode()[-6000:]
    community.refresh_from_db()
    assert community.name == "Renamed" and "<strong>text</strong>" in community.description_html
    response = c.post(
        f"/communities/{community.slug}/edit",
        {"part": "cover", "cover": SimpleUploadedFile("c.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.cover
    cover = c.get(f"/communities/{community.slug}/cover")
    assert cover.status_code == 200 and cover["Content-Type"] == "image/webp"
    assert cover["X-Content-Type-Options"] == "nosniff"
    assert (
        f'src="/communities/{community.slug}/cover"'
        in c.get(f"/communities/{community.slug}/").content.decode()
    )
    # Not an image: an error next to the field.
    response = c.post(
        f"/communities/{community.slug}/edit",
        {"part": "cover", "cover": SimpleUploadedFile("c.png", b"<svg onload=alert(1)>")},
    )
    assert response.status_code == 200 and b'id="id_cover_error"' in response.content
    # Outsiders: the cover of a secret community is a 404 like everything else there.
    assert client_for(other_employee).get(f"/communities/{community.slug}/cover").status_code == 404
    assert client_for(other_employee).get(f"/communities/{community.slug}/edit").status_code == 404


@pytest.mark.parametrize("kind", ["open", "request", "secret"])
def test_member_list_and_counts(kind, client_for, employee, guest):
    community = CommunityFactory(kind=kind, name="Counted club")
    for _ in range(3):
        add_member(community, UserFactory(display_name="Listed Member"))
    add_member(community, guest)
    outsider = client_for(employee)
    members = outsider.get(f"/communities/{community.slug}/members/")
    detail = outsider.get(f"/communities/{community.slug}/")
    if kind == "open":
        assert members.status_code == 200 and b"Listed Member" in members.content
        assert b"4 members" in detail.content
    elif kind == "request":
        assert members.status_code == 403 and b"Listed Member" not in members.content
        assert detail.status_code == 200
    else:
        assert members.status_code == detail.status_code == 404
        assert b"Counted club" not in members.content + detail.content
        assert b"4 members" not in detail.content
    # The invited guest, an active member, sees the list.
    inside = client_for(guest).get(f"/communities/{community.slug}/members/")
    assert inside.status_code == 200 and b"Listed Member" in inside.content
    assert client_for(None).get(f"/communities/{community.slug}/members/").status_code == 302
