import pytest

from agora.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_changing_kind_is_audited(client, admin_user):
    person = UserFactory(kind="employee")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{person.pk}/change/",
        {
            "username": person.username,
            "email": person.email,
            "kind": "admin",
            "is_active": "on",
            "language": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "last_login_0": "",
            "last_login_1": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    person.refresh_from_db()
    assert person.kind == "admin" and person.is_staff and person.is_superuser
    entry = AuditEntry.objects.get(action="account.kind_changed")
    assert entry.actor == admin_user and entry.target_user == person
    assert entry.details == {"old": "employee", "new": "admin"}


def test_audit_log_visible_to_administrators_only(client, admin_user, employee):
    AuditEntry.objects.create(
        actor=admin_user,
        action="account.kind_changed",
        target_user=employee,
        target_repr="someone-audited",
    )
    client.force_login(admin_user)
    page = client.get("/admin/core/auditentry/")
    assert page.status_code == 200 and b"someone-audited" in page.content
    client.force_login(employee)
    assert client.get("/admin/core/auditentry/").status_code == 302  # to the admin login


def test_audit_entries_cannot_be_edited_in_admin(client, admin_user):
    entry = AuditEntry.objects.create(actor=admin_user, action="x")
    client.force_login(admin_user)
    client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
