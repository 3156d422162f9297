"""Accounts: sign-up rules, e-mail verification, password hashing, language, API tokens, and
the audited account services."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from agora.accounts import services
from agora.accounts.models import ApiToken
from agora.core.errors import Forbidden, Invalid, NotFound
from agora.core.models import AuditEntry, SiteSettings
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "a-Long enough passphrase 42"


def signup(client, email="new.person@example.com", name="New Person", **extra):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": STRONG, "password2": STRONG, "display_name": name, **extra},
    )


def set_site(**values):
    site = SiteSettings.current()
    for key, value in values.items():
        setattr(site, key, value)
    site.save()


# --- Sign-up ------------------------------------------------------------------------------------


def test_signup_page_renders(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert b'name="display_name"' in response.content and b'name="email"' in response.content


def test_signup_creates_a_profile_with_the_display_name(client):
    response = signup(client, name="  Élodie Martin  ")
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.kind == User.Kind.EMPLOYEE
    assert user.profile.display_name == "Élodie Martin"
    assert user.profile.name_key == "elodie martin"
    assert user.username  # generated, the person never typed one
    assert AuditEntry.objects.filter(action="account.signed_up", target_user=user).exists()


def test_signup_needs_a_display_name(client):
    response = signup(client, name="")
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_signup_closed(client):
    set_site(signup_open=False)
    page = client.get("/accounts/signup/")
    assert b'name="password1"' not in page.content
    response = signup(client)
    assert b'name="password1"' not in response.content
    assert not User.objects.filter(email="new.person@example.com").exists()
    assert not mail.outbox


def test_signup_limited_to_email_domains(client):
    set_site(signup_email_domains="example.com\n@Corp.example.org")
    response = signup(client, email="intruder@elsewhere.net")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors
    assert "example.com" in errors["email"][0] and "corp.example.org" in errors["email"][0]
    # The message is on the page, beside the e-mail field: after its input, before the next one.
    html = response.content.decode()
    email_at = html.index('name="email"')
    message_at = html.index("corp.example.org", email_at)
    assert message_at < html.index('name="password1"', email_at)
    assert not User.objects.filter(email="intruder@elsewhere.net").exists()
    # An allowed domain, whatever its case, goes through.
    assert signup(client, email="welcome@CORP.example.org").status_code == 302
    assert User.objects.filter(email__iexact="welcome@corp.example.org").exists()


def test_signup_with_no_domain_list_accepts_any_domain(client):
    set_site(signup_email_domains="")
    assert signup(client, email="someone@anywhere.example").status_code == 302


def test_email_verification_is_mandatory(client, settings):
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    response = signup(client)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert "new.person@example.com" in mail.outbox[0].to
    user = User.objects.get(email="new.person@example.com")
    assert not EmailAddress.objects.get(user=user).verified

    # Signing in before confirming does not open a session.
    response = client.post(
        "/accounts/login/", {"login": "new.person@example.com", "password": STRONG}
    )
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302

    # Confirming the address (the link from the e-mail) lets them in.
    key = _confirmation_key(mail.outbox[-1].body)
    client.post(f"/accounts/confirm-email/{key}/")
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    client.post("/accounts/login/", {"login": "new.person@example.com", "password": STRONG})
    assert client.session.get("_auth_user_id") == str(user.pk)


def _confirmation_key(body: str) -> str:
    import re

    match = re.search(r"/accounts/confirm-email/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


def test_verified_user_can_sign_in_with_email(client):
    user = UserFactory()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_production_password_hasher_is_argon2():
    import agora.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    user.set_password("s3cret-passphrase")
    user.save()
    assert user.password.startswith("argon2$")
    assert user.check_password("s3cret-passphrase")


# --- Language -----------------------------------------------------------------------------------


def test_language_saved_from_the_web_switch(client_for):
    user = UserFactory()
    c = client_for(user)
    response = c.post("/settings/language", {"language": "fr", "next": "/settings/"})
    assert response.status_code == 302 and response["Location"] == "/settings/"
    user.refresh_from_db()
    assert user.language == "fr"
    assert response.cookies["agora_language"].value == "fr"
    # The saved language wins over the browser's.
    page = c.get("/settings/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "fr"


def test_language_switch_refuses_unknown_codes_and_foreign_redirects(client_for):
    user = UserFactory()
    c = client_for(user)
    response = c.post("/settings/language", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == ""


def test_anonymous_language_switch_sets_only_the_cookie(client):
    response = client.post("/settings/language", {"language": "fr"})
    assert response.status_code == 302
    assert response.cookies["agora_language"].value == "fr"


def test_language_saved_through_the_api(client_for):
    user = UserFactory()
    c = client_for(user)
    response = c.patch(
        "/api/v1/me", json.dumps({"language": "fr"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["language"] == "fr"
    user.refresh_from_db()
    assert user.language == "fr"
    response = c.patch(
        "/api/v1/me", json.dumps({"language": "de"}), content_type="application/json"
    )
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.language == "fr"


# --- Entrance forms in Agora's words ---------------------------------------------------------

ENTRANCE_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


def field_label(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}">([^<]*)</label>', html)
    assert match, field_id
    return match.group(1)


@pytest.mark.parametrize("url", ENTRANCE_PAGES)
def test_entrance_forms_say_e_mail_address_in_english(client, url):
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en"
    html = page.content.decode()
    field = "id_login" if "login" in url else "id_email"
    assert field_label(html, field) == "E-mail address"
    assert 'placeholder="E-mail address"' in html
    assert ">Email<" not in html and "Email address" not in html
    assert "Remember Me" not in html


@pytest.mark.parametrize("url", ENTRANCE_PAGES)
def test_entrance_forms_say_adresse_e_mail_in_french(client, url):
    client.cookies["agora_language"] = "fr"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "fr"
    html = page.content.decode()
    field = "id_login" if "login" in url else "id_email"
    assert field_label(html, field) == "Adresse e-mail"
    assert 'placeholder="Adresse e-mail"' in html
    assert "Courriel" not in html


def test_login_form_remember_me_in_sentence_case(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert field_label(html, "id_remember") == "Remember me"
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert field_label(html, "id_remember") == "Se souvenir de moi"


def test_signing_in_through_agoras_login_form(client):
    user = UserFactory()
    client.cookies["agora_language"] = "fr"
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD, "remember": "on"}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert not client.session.get_expire_at_browser_close()  # remembered
    client.logout()  # forgets the cookies too
    client.cookies["agora_language"] = "fr"
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert field_label(response.content.decode(), "id_login") == "Adresse e-mail"


# --- Tokens and the audit log -------------------------------------------------------------------


def test_token_creation_and_revocation_are_audited():
    user = UserFactory()
    token, secret = services.create_api_token(user, "ci")
    created = AuditEntry.objects.get(action="token.created")
    assert created.actor == user and created.target_user == user
    assert created.details == {"token": token.hint}
    assert secret not in json.dumps(created.details)
    services.revoke_api_token(user, token.pk)
    revoked = AuditEntry.objects.get(action="token.revoked")
    assert revoked.actor == user and revoked.details == {"token": token.hint}
    with pytest.raises(NotFound):
        services.revoke_api_token(user, token.pk)


def test_token_audit_through_the_api_records_the_ip(client_for):
    user = UserFactory()
    c = client_for(user)
    response = c.post(
        "/api/v1/me/tokens",
        json.dumps({"name": "x"}),
        content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 201
    assert AuditEntry.objects.get(action="token.created").ip_address == "203.0.113.9"


def test_token_limit():
    user = UserFactory()
    for i in range(services.MAX_TOKENS_PER_USER):
        services.create_api_token(user, f"t{i}")
    with pytest.raises(Invalid):
        services.create_api_token(user, "one too many")
    assert ApiToken.objects.filter(user=user).count() == services.MAX_TOKENS_PER_USER


def test_user_for_token():
    user = UserFactory()
    token, secret = services.create_api_token(user, "x")
    assert services.user_for_token(secret) == user
    assert services.user_for_token(secret + "x") is None
    assert services.user_for_token(token.digest) is None  # the digest is not a credential
    assert services.user_for_token("") is None


# --- Kinds of account ---------------------------------------------------------------------------


def test_change_kind_by_an_administrator_is_audited(admin_user):
    person = UserFactory()
    services.change_kind(admin_user, person, "guest")
    person.refresh_from_db()
    assert person.kind == "guest" and person.is_guest
    entry = AuditEntry.objects.get(action="account.kind_changed")
    assert entry.actor == admin_user and entry.target_user == person
    assert entry.details == {"old": "employee", "new": "guest"}

    services.change_kind(admin_user, person, "admin")
    person.refresh_from_db()
    assert person.is_staff and person.is_superuser and person.is_administrator
    services.change_kind(admin_user, person, "employee")
    person.refresh_from_db()
    assert not person.is_staff and not person.is_superuser
    assert AuditEntry.objects.filter(action="account.kind_changed").count() == 3


def test_change_kind_to_the_same_kind_is_not_audited(admin_user):
    person = UserFactory()
    services.change_kind(admin_user, person, "employee")
    assert not AuditEntry.objects.filter(action="account.kind_changed").exists()


@pytest.mark.parametrize("actor_kind", ["employee", "guest"])
def test_change_kind_refuses_non_administrators(actor_kind):
    actor = UserFactory(kind=actor_kind)
    person = UserFactory()
    with pytest.raises(Forbidden):
        services.change_kind(actor, person, "admin")
    person.refresh_from_db()
    assert person.kind == "employee"
    assert not AuditEntry.objects.exists()


def test_change_kind_refuses_oneself(admin_user):
    with pytest.raises(Forbidden):
        services.change_kind(admin_user, admin_user, "employee")
    admin_user.refresh_from_db()
    assert admin_user.kind == "admin"
    assert not AuditEntry.objects.exists()


def test_change_kind_refuses_unknown_kinds(admin_user):
    person = UserFactory()
    with pytest.raises(Invalid):
        services.change_kind(admin_user, person, "superhero")


def test_set_active_is_audited_and_guarded(admin_user):
    person = UserFactory()
    services.set_active(admin_user, person, False)
    person.refresh_from_db()
    assert not person.is_active
    assert AuditEntry.objects.filter(action="account.deactivated", target_user=person).exists()
    with pytest.raises(Forbidden):
        services.set_active(admin_user, admin_user, False)
    with pytest.raises(Forbidden):
        services.set_active(UserFactory(), person, True)
