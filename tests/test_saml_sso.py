"""SAML 2.0 single sign-on (allauth's SAML provider, configured from the environment).

The identity provider is played by the tests: a throwaway RSA key and self-signed certificate,
and SAML responses signed with xmlsec through python3-saml, posted to the real ACS view. The
signature, issuer, audience and validity checks are python3-saml's own, not mocked.
"""

import base64
import datetime
import html
import runpy
import uuid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from lxml import etree

from agora.core.models import SiteSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "agora" / "settings.py"
IDP_ENTITY_ID = "https://idp.example.com/realms/acme"
IDP_SSO_URL = "https://idp.example.com/realms/acme/protocol/saml"
SP_ENTITY_ID = "https://agora.example.com/saml"
SLUG = "sso"
AGORA = "https://agora.example.com"
EMAIL_ATTR = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
GIVEN_NAME_ATTR = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
SURNAME_ATTR = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"


def set_site(**values):
    site = SiteSettings.current()
    for key, value in values.items():
        setattr(site, key, value)
    site.save()


# --- A throwaway identity provider ----------------------------------------------------------


def _key_and_cert(common_name: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def idp_keys():
    return _key_and_cert("idp.example.com")


@pytest.fixture(scope="module")
def intruder_keys():
    return _key_and_cert("idp.example.com")  # same name, another key: not the trusted one


def _saml_time(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def saml_response(
    keys,
    *,
    in_response_to=None,
    name_id="employee-0042",
    email="ada.lovelace@acme.example",
    first_name="Ada",
    last_name="Lovelace",
    issuer=IDP_ENTITY_ID,
    audience=SP_ENTITY_ID,
    destination=None,
    not_on_or_after=None,
    sign_assertion=True,
    sign_response=False,
    tamper=None,
) -> str:
    """A base64 SAML Response as an IdP posts it, its assertion (and/or itself) signed."""
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    now = datetime.datetime.now(datetime.UTC)
    expires = not_on_or_after or now + datetime.timedelta(minutes=5)
    destination = destination or f"{AGORA}{reverse('saml_acs', args=[SLUG])}"
    irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
    attributes = {EMAIL_ATTR: email, GIVEN_NAME_ATTR: first_name, SURNAME_ATTR: last_name}
    attribute_xml = "".join(
        f'<saml:Attribute Name="{name}"><saml:AttributeValue>{value}</saml:AttributeValue>'
        "</saml:Attribute>"
        for name, value in attributes.items()
        if value
    )
    assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_saml_time(now)}">
<saml:Issuer>{issuer}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{_saml_time(expires)}" Recipient="{destination}"{irt}/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{_saml_time(now - datetime.timedelta(minutes=1))}"
 NotOnOrAfter="{_saml_time(expires)}">
<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{_saml_time(now)}" SessionIndex="_s{uuid.uuid4().hex}">
<saml:AuthnContext><saml:AuthnContextClassRef
>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
</saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>{attribute_xml}</saml:AttributeStatement>
</saml:Assertion>"""
    key, cert = keys
    if sign_assertion:
        assertion = OneLogin_Saml2_Utils.add_sign(assertion, key, cert).decode()
        assertion = assertion.removeprefix("<?xml version='1.0' encoding='UTF-8'?>")
    if tamper:
        assertion = tamper(assertion)
    response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{uuid.uuid4().hex}" Version="2.0"
 IssueInstant="{_saml_time(now)}" Destination="{destination}"{irt}>
<saml:Issuer>{issuer}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
{assertion}
</samlp:Response>"""
    if sign_response:
        response = OneLogin_Saml2_Utils.add_sign(response, key, cert).decode()
    return base64.b64encode(response.encode()).decode()


# --- Agora configured from the environment, as in production ----------------------------------


def settings_from_env(monkeypatch, tmp_path, **env) -> dict:
    """agora/settings.py evaluated with exactly these SAML_* / OIDC_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith(("SAML_", "OIDC_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGORA_DATA_DIR", str(tmp_path / "data"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture
def client():
    """A browser on Agora's public HTTPS address (python3-saml wants a dotted host name)."""
    from django.test import Client

    class HttpsClient(Client):
        def request(self, **request):
            return super().request(**{**request, "wsgi.url_scheme": "https"})

    return HttpsClient(HTTP_HOST="agora.example.com")


@pytest.fixture
def saml(settings, monkeypatch, tmp_path, idp_keys):
    """SAML on, from the variables an administrator would set; returns a configure function
    to set more of them."""

    def configure(**env):
        values = {
            "SAML_IDP_ENTITY_ID": IDP_ENTITY_ID,
            "SAML_IDP_SSO_URL": IDP_SSO_URL,
            "SAML_IDP_X509_CERT": idp_keys[1],
            "SAML_SP_ENTITY_ID": SP_ENTITY_ID,
            "SAML_TRUSTED_EMAIL_DOMAINS": "acme.example",
            **env,
        }
        values = {k: v for k, v in values.items() if v is not None}
        conf = settings_from_env(monkeypatch, tmp_path, **values)
        settings.SOCIALACCOUNT_PROVIDERS = conf["SOCIALACCOUNT_PROVIDERS"]
        settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = conf[
            "SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT"
        ]
        return conf

    configure()
    return configure


def start_login(client) -> str:
    """The SP-initiated start: Agora redirects to the IdP with an AuthnRequest; its ID."""
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    response = client.post(reverse("saml_login", args=[SLUG]))
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SSO_URL
    request_xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(
        parse_qs(location.query)["SAMLRequest"][0]
    )
    return etree.fromstring(request_xml).get("ID")


def post_to_acs(client, saml_response_b64: str):
    """What the browser does with the IdP's auto-submitting form, then the ACS redirect."""
    response = client.post(reverse("saml_acs", args=[SLUG]), {"SAMLResponse": saml_response_b64})
    assert response.status_code == 302
    assert response["Location"] == reverse("saml_finish_acs", args=[SLUG])
    return client.get(response["Location"])


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def assert_rejected(client, response):
    assert response.status_code == 401
    assert b"Third-Party Login Failure" in response.content
    assert signed_in_user(client) is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


# --- The libraries ------------------------------------------------------------------------------


def test_lxml_and_xmlsec_share_one_libxml2():
    """xmlsec refuses to work beside an lxml built on another libxml2 (see pyproject.toml)."""
    import xmlsec

    assert xmlsec.get_libxml_compiled_version() == etree.LIBXML_COMPILED_VERSION
    assert xmlsec.get_libxml_version() == etree.LIBXML_VERSION


def test_xml_signature_round_trip(idp_keys, intruder_keys):
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    document = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
        ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_x1">'
        "<saml:Issuer>me</saml:Issuer><samlp:Extensions>s</samlp:Extensions></samlp:Response>"
    )
    signed = OneLogin_Saml2_Utils.add_sign(document, *idp_keys)
    assert b"<ds:SignatureValue>" in signed
    assert OneLogin_Saml2_Utils.validate_sign(signed, idp_keys[1], raise_exceptions=True)
    assert not OneLogin_Saml2_Utils.validate_sign(signed, intruder_keys[1])
    forged = signed.replace(b">s</samlp:Extensions>", b">t</samlp:Extensions>")
    assert forged != signed
    assert not OneLogin_Saml2_Utils.validate_sign(forged, idp_keys[1])


# --- Configuration ------------------------------------------------------------------------------


def test_without_saml_variables_there_is_no_saml_provider(client, settings, monkeypatch, tmp_path):
    conf = settings_from_env(monkeypatch, tmp_path)
    assert "saml" not in conf["SOCIALACCOUNT_PROVIDERS"]
    settings.SOCIALACCOUNT_PROVIDERS = conf["SOCIALACCOUNT_PROVIDERS"]
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    assert b"/accounts/saml/" not in page.content
    assert b"Continue with" not in page.content
    assert client.get(f"/accounts/saml/{SLUG}/metadata/").status_code == 404
    assert client.get(f"/accounts/saml/{SLUG}/login/").status_code == 404
    client.post(f"/accounts/saml/{SLUG}/acs/", {"SAMLResponse": "x"})
    assert client.get(f"/accounts/saml/{SLUG}/acs/finish/").status_code == 404


def test_half_configured_saml_refuses_to_start(monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SAML_IDP_METADATA_URL"):
        settings_from_env(monkeypatch, tmp_path, SAML_IDP_ENTITY_ID=IDP_ENTITY_ID)


def test_settings_from_the_environment(saml):
    conf = saml(
        SAML_PROVIDER_ID="acme-idp",
        SAML_NAME="Acme",
        SAML_ORGANIZATION_SLUG="acme",
        SAML_ATTR_EMAIL="mail, email",
        SAML_WANT_MESSAGE_SIGNED="true",
        SAML_TRUSTED_EMAIL_DOMAINS=None,
    )
    (app,) = conf["SOCIALACCOUNT_PROVIDERS"]["saml"]["APPS"]
    assert (app["provider_id"], app["name"], app["client_id"]) == ("acme-idp", "Acme", "acme")
    assert app["settings"]["attribute_mapping"]["email"] == ["mail", "email"]
    assert app["settings"]["idp"]["entity_id"] == IDP_ENTITY_ID
    assert app["settings"]["sp"]["entity_id"] == SP_ENTITY_ID
    advanced = app["settings"]["advanced"]
    assert advanced["want_assertion_signed"] and advanced["want_message_signed"]
    assert advanced["strict"] and advanced["reject_idp_initiated_sso"]
    assert app["settings"]["verified_email"] == []  # vouches for no address unless told


def test_login_page_shows_the_saml_button(client, saml):
    saml(SAML_NAME="Acme SSO")
    page = client.get(reverse("account_login")).content.decode()
    assert "Continue with Acme SSO" in page
    assert reverse("saml_login", args=[SLUG]) in page


def test_sp_metadata_renders(client, saml):
    response = client.get(reverse("saml_metadata", args=[SLUG]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    metadata = etree.fromstring(response.content)
    assert metadata.get("entityID") == SP_ENTITY_ID
    ns = {"md": "urn:oasis:names:tc:SAML:2.0:metadata"}
    (acs,) = metadata.findall(".//md:AssertionConsumerService", ns)
    assert acs.get("Location") == f"{AGORA}{reverse('saml_acs', args=[SLUG])}"
    (sp,) = metadata.findall(".//md:SPSSODescriptor", ns)
    assert sp.get("WantAssertionsSigned") == "true"
    # With no SAML_SP_ENTITY_ID, the SP is known by its metadata URL.
    saml(SAML_SP_ENTITY_ID=None)
    response = client.get(reverse("saml_metadata", args=[SLUG]))
    entity_id = etree.fromstring(response.content).get("entityID")
    assert entity_id == f"{AGORA}{reverse('saml_metadata', args=[SLUG])}"


# --- Signing in ---------------------------------------------------------------------------------


def test_first_sign_in_creates_an_employee(client, saml, idp_keys):
    request_id = start_login(client)
    response = post_to_acs(client, saml_response(idp_keys, in_response_to=request_id))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert user is not None
    assert user.email == "ada.lovelace@acme.example"
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert user.kind == User.Kind.EMPLOYEE
    assert user.profile.display_name == "Ada Lovelace"
    assert EmailAddress.objects.get(user=user).verified
    (account,) = SocialAccount.objects.filter(user=user)
    assert (account.provider, account.uid) == ("saml", "employee-0042")
    assert not mail.outbox  # the IdP vouched for the address: no confirmation e-mail
    assert client.get(reverse("home")).status_code == 200


def test_idp_known_by_its_metadata(client, saml, idp_keys, tmp_path):
    cert = "".join(idp_keys[1].strip().splitlines()[1:-1])
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(
        f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
 xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP_ENTITY_ID}">
<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
 Location="{IDP_SSO_URL}"/>
</md:IDPSSODescriptor>
</md:EntityDescriptor>"""
    )
    saml(
        SAML_IDP_METADATA_URL=metadata.as_uri(),
        SAML_IDP_ENTITY_ID=None,
        SAML_IDP_SSO_URL=None,
        SAML_IDP_X509_CERT=None,
    )
    post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    assert signed_in_user(client).email == "ada.lovelace@acme.example"


def test_second_sign_in_is_the_same_person(client, saml, idp_keys):
    post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    first = signed_in_user(client)
    client.logout()
    # Same NameID, a new address and name at the IdP: still the same account.
    response = post_to_acs(
        client,
        saml_response(idp_keys, in_response_to=start_login(client), email="ada.king@acme.example"),
    )
    assert response.status_code == 302
    assert signed_in_user(client) == first
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1


def test_sign_in_links_the_existing_account_with_that_address(client, saml, idp_keys):
    existing = UserFactory(email="ada.lovelace@acme.example", kind="guest")
    set_site(signup_open=False)  # linking is no sign-up: it works with sign-up closed
    post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    assert signed_in_user(client) == existing
    assert SocialAccount.objects.get(uid="employee-0042").user == existing
    existing.refresh_from_db()
    assert existing.kind == User.Kind.GUEST  # SSO does not change who a person is
    # Next time the NameID alone finds them.
    client.logout()
    post_to_acs(
        client,
        saml_response(
            idp_keys, in_response_to=start_login(client), email="someone.else@acme.example"
        ),
    )
    assert signed_in_user(client) == existing
    assert User.objects.count() == 1


def test_unvouched_address_does_not_take_over_an_account(client, saml, idp_keys):
    saml(SAML_TRUSTED_EMAIL_DOMAINS="")
    existing = UserFactory(email="ada.lovelace@acme.example")
    response = post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    assert signed_in_user(client) is None
    # allauth says nothing of the address being taken: "check your mail", and the owner
    # of the address is told someone tried to sign up with it.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [["ada.lovelace@acme.example"]]
    assert not SocialAccount.objects.exists()
    assert User.objects.get() == existing


def test_unvouched_address_is_verified_by_email(client, saml, idp_keys):
    saml(SAML_TRUSTED_EMAIL_DOMAINS="other.example")
    post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    user = User.objects.get(email="ada.lovelace@acme.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert signed_in_user(client) is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada.lovelace@acme.example"]


def test_sign_up_closed_refuses_new_people(client, saml, idp_keys):
    set_site(signup_open=False)
    post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_sign_up_limited_to_other_domains_refuses_new_people(client, saml, idp_keys):
    # allauth's automatic sign-up checks the address with the account adapter's clean_email
    # and, refused, falls back to its sign-up form, where the same rule says why.
    set_site(signup_email_domains="other.example")
    response = post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    response = client.post(
        reverse("socialaccount_signup"), {"email": "ada.lovelace@acme.example", "username": "ada"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign-up is limited to addresses at: other.example" in page
    assert "E-mail address" in page  # Agora's label, not allauth's "Email"
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_sign_up_limited_to_its_domain_lets_the_person_in(client, saml, idp_keys):
    set_site(signup_email_domains="other.example acme.example")
    post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    assert signed_in_user(client).email == "ada.lovelace@acme.example"


# --- Rejected responses -------------------------------------------------------------------------


def test_forged_assertion_is_rejected(client, saml, idp_keys):
    def forge(xml):
        return xml.replace("ada.lovelace@acme.example", "ceo@acme.example")

    response = post_to_acs(
        client, saml_response(idp_keys, in_response_to=start_login(client), tamper=forge)
    )
    assert_rejected(client, response)


def test_response_signed_by_another_key_is_rejected(client, saml, intruder_keys):
    response = post_to_acs(client, saml_response(intruder_keys, in_response_to=start_login(client)))
    assert_rejected(client, response)


def test_unsigned_response_is_rejected(client, saml, idp_keys):
    response = post_to_acs(
        client, saml_response(idp_keys, in_response_to=start_login(client), sign_assertion=False)
    )
    assert_rejected(client, response)


def test_signed_response_with_unsigned_assertion_is_rejected_by_default(client, saml, idp_keys):
    b64 = saml_response(
        idp_keys, in_response_to=start_login(client), sign_assertion=False, sign_response=True
    )
    assert_rejected(client, post_to_acs(client, b64))
    # An IdP that signs only the whole response (Keycloak's default) can be allowed.
    saml(SAML_WANT_ASSERTION_SIGNED="false", SAML_WANT_MESSAGE_SIGNED="true")
    b64 = saml_response(
        idp_keys, in_response_to=start_login(client), sign_assertion=False, sign_response=True
    )
    assert post_to_acs(client, b64).status_code == 302
    assert signed_in_user(client) is not None


def test_wrong_audience_is_rejected(client, saml, idp_keys):
    b64 = saml_response(
        idp_keys, in_response_to=start_login(client), audience="https://other-app.example/"
    )
    assert_rejected(client, post_to_acs(client, b64))


def test_wrong_issuer_is_rejected(client, saml, idp_keys):
    b64 = saml_response(
        idp_keys, in_response_to=start_login(client), issuer="https://evil.example/idp"
    )
    assert_rejected(client, post_to_acs(client, b64))


def test_expired_response_is_rejected(client, saml, idp_keys):
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    b64 = saml_response(idp_keys, in_response_to=start_login(client), not_on_or_after=past)
    assert_rejected(client, post_to_acs(client, b64))


def test_response_for_another_destination_is_rejected(client, saml, idp_keys):
    b64 = saml_response(
        idp_keys,
        in_response_to=start_login(client),
        destination="https://other-app.example/saml/acs/",
    )
    assert_rejected(client, post_to_acs(client, b64))


def test_unsolicited_response_is_rejected_by_default(client, saml, idp_keys):
    assert_rejected(client, post_to_acs(client, saml_response(idp_keys)))


def test_replayed_response_is_rejected(client, saml, idp_keys):
    b64 = saml_response(idp_keys, in_response_to=start_login(client))
    post_to_acs(client, b64)
    user = signed_in_user(client)
    assert user is not None
    client.logout()
    # Its request was answered already: no pending sign-in matches it any more.
    response = post_to_acs(client, b64)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert SocialAccount.objects.get().user == user


def test_garbage_is_rejected(client, saml):
    start_login(client)
    assert_rejected(client, post_to_acs(client, "not base64 at all!"))
    assert_rejected(client, post_to_acs(client, base64.b64encode(b"<nope/>").decode()))


def test_unknown_organisation_is_not_found(client, saml):
    assert client.get("/accounts/saml/elsewhere/metadata/").status_code == 404


# --- Signed AuthnRequests (the SP's own key pair) -------------------------------------------

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
MD = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "ds": "http://www.w3.org/2000/09/xmldsig#"}


@pytest.fixture(scope="module")
def sp_keys():
    return _key_and_cert("agora.example.com")


def login_redirect(client) -> dict[str, str]:
    """The query of Agora's redirect to the IdP, each value exactly as sent (URL-encoded)."""
    response = client.post(reverse("saml_login", args=[SLUG]))
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SSO_URL
    return dict(part.split("=", 1) for part in location.query.split("&"))


def redirect_signature_verifies(query: dict[str, str], cert_pem: str) -> bool:
    """The HTTP-Redirect binding's check (SAML bindings 3.4.4.1): the signature is over
    SAMLRequest=…&RelayState=…&SigAlg=… as URL-encoded in the query, in that order."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    assert unquote(query["SigAlg"]) == RSA_SHA256
    names = ("SAMLRequest", "SAMLResponse", "RelayState", "SigAlg")
    signed = "&".join(f"{name}={query[name]}" for name in names if name in query)
    public_key = x509.load_pem_x509_certificate(cert_pem.encode()).public_key()
    try:
        public_key.verify(
            base64.b64decode(unquote(query["Signature"])),
            signed.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        return False
    return True


def pem_body(pem: str) -> str:
    return "".join(pem.strip().splitlines()[1:-1])


def test_without_an_sp_key_authn_requests_are_not_signed(client, saml):
    conf = saml()
    (app,) = conf["SOCIALACCOUNT_PROVIDERS"]["saml"]["APPS"]
    advanced = app["settings"]["advanced"]
    assert not advanced.get("authn_request_signed") and "private_key" not in advanced
    query = login_redirect(client)
    assert "SAMLRequest" in query
    assert "Signature" not in query and "SigAlg" not in query
    metadata = etree.fromstring(client.get(reverse("saml_metadata", args=[SLUG])).content)
    (sp,) = metadata.findall(".//md:SPSSODescriptor", MD)
    assert sp.get("AuthnRequestsSigned") == "false"
    assert not metadata.findall(".//md:KeyDescriptor", MD)


def test_with_an_sp_key_authn_requests_are_signed(client, saml, sp_keys, idp_keys, intruder_keys):
    saml(SAML_SP_PRIVATE_KEY=sp_keys[0], SAML_SP_X509_CERT=sp_keys[1])
    query = login_redirect(client)
    assert redirect_signature_verifies(query, sp_keys[1])
    assert not redirect_signature_verifies(query, intruder_keys[1])  # another key: no
    # The signature covers the request: another request under it does not verify.
    other = login_redirect(client)
    assert other["SAMLRequest"] != query["SAMLRequest"]
    assert not redirect_signature_verifies({**other, "Signature": query["Signature"]}, sp_keys[1])
    # The signed request is the one the IdP answers: signing in works as before.
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    request_xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(unquote(query["SAMLRequest"]))
    request_id = etree.fromstring(request_xml).get("ID")
    post_to_acs(client, saml_response(idp_keys, in_response_to=request_id))
    assert signed_in_user(client).email == "ada.lovelace@acme.example"


def test_with_an_sp_key_the_metadata_publishes_its_certificate(client, saml, sp_keys):
    saml(SAML_SP_PRIVATE_KEY=sp_keys[0], SAML_SP_X509_CERT=sp_keys[1])
    response = client.get(reverse("saml_metadata", args=[SLUG]))
    assert response.status_code == 200
    metadata = etree.fromstring(response.content)
    (sp,) = metadata.findall(".//md:SPSSODescriptor", MD)
    assert sp.get("AuthnRequestsSigned") == "true"
    signing = sp.findall("md:KeyDescriptor[@use='signing']//ds:X509Certificate", MD)
    assert [cert.text.strip() for cert in signing] == [pem_body(sp_keys[1])]
    assert sp_keys[0].splitlines()[1] not in response.content.decode()  # never the key


@pytest.mark.parametrize("missing", ["SAML_SP_PRIVATE_KEY", "SAML_SP_X509_CERT"])
def test_half_configured_sp_key_pair_refuses_to_start(monkeypatch, tmp_path, idp_keys, missing):
    from django.core.exceptions import ImproperlyConfigured

    env = {
        "SAML_IDP_ENTITY_ID": IDP_ENTITY_ID,
        "SAML_IDP_SSO_URL": IDP_SSO_URL,
        "SAML_IDP_X509_CERT": idp_keys[1],
        "SAML_SP_PRIVATE_KEY": idp_keys[0],
        "SAML_SP_X509_CERT": idp_keys[1],
    }
    del env[missing]
    with pytest.raises(ImproperlyConfigured, match="SAML_SP_X509_CERT and SAML_SP_PRIVATE_KEY"):
        settings_from_env(monkeypatch, tmp_path, **env)


@pytest.mark.parametrize("problem", ["another key", "not PEM"])
def test_unusable_sp_key_pair_refuses_to_start(
    monkeypatch, tmp_path, idp_keys, sp_keys, intruder_keys, problem
):
    from django.core.exceptions import ImproperlyConfigured

    key, cert = sp_keys
    if problem == "another key":
        key, match = intruder_keys[0], "is not the certificate of"
    else:
        cert, match = pem_body(cert), "must be a PEM certificate"
    with pytest.raises(ImproperlyConfigured, match=match):
        settings_from_env(
            monkeypatch,
            tmp_path,
            SAML_IDP_ENTITY_ID=IDP_ENTITY_ID,
            SAML_IDP_SSO_URL=IDP_SSO_URL,
            SAML_IDP_X509_CERT=idp_keys[1],
            SAML_SP_PRIVATE_KEY=key,
            SAML_SP_X509_CERT=cert,
        )


def test_nameid_format_is_asked_for(client, saml):
    from django.core.exceptions import ImproperlyConfigured
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    for value in ("persistent", persistent):
        saml(SAML_NAMEID_FORMAT=value)
        query = login_redirect(client)
        request = etree.fromstring(
            OneLogin_Saml2_Utils.decode_base64_and_inflate(unquote(query["SAMLRequest"]))
        )
        ns = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol"}
        assert request.find("samlp:NameIDPolicy", ns).get("Format") == persistent
        metadata = etree.fromstring(client.get(reverse("saml_metadata", args=[SLUG])).content)
        assert [f.text for f in metadata.findall(".//md:NameIDFormat", MD)] == [persistent]
    with pytest.raises(ImproperlyConfigured, match="SAML_NAMEID_FORMAT"):
        saml(SAML_NAMEID_FORMAT="forever")


# --- Single logout started at the IdP ---------------------------------------------------------

IDP_SLO_URL = "https://idp.example.com/realms/acme/protocol/saml/logout"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"


def sign_redirect(keys, query: dict[str, str]) -> dict[str, str]:
    """What an IdP does to a HTTP-Redirect message (SAML bindings 3.4.4.1): the URL-encoded
    SAMLRequest/SAMLResponse, RelayState and SigAlg, in that order, signed with its key."""
    from urllib.parse import quote_plus

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    query = {**query, "SigAlg": RSA_SHA256}
    names = ("SAMLRequest", "SAMLResponse", "RelayState", "SigAlg")
    signed = "&".join(f"{name}={quote_plus(query[name])}" for name in names if name in query)
    key = serialization.load_pem_private_key(keys[0].encode(), password=None)
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {**query, "Signature": base64.b64encode(signature).decode()}


def idp_logout(keys, *, kind="LogoutRequest", sign=True) -> str:
    """The SLS URL an IdP sends the browser to: a LogoutRequest for Ada (or an unsolicited
    successful LogoutResponse), deflated, signed with `keys` unless sign=False."""
    from urllib.parse import urlencode

    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    now = _saml_time(datetime.datetime.now(datetime.UTC))
    destination = f"{AGORA}{reverse('saml_sls', args=[SLUG])}"
    if kind == "LogoutRequest":
        body = (
            '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"'
            ">employee-0042</saml:NameID>"
        )
    else:
        success = "urn:oasis:names:tc:SAML:2.0:status:Success"
        body = f'<samlp:Status><samlp:StatusCode Value="{success}"/></samlp:Status>'
    xml = (
        f'<samlp:{kind} xmlns:samlp="{SAMLP}" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
        f' ID="_l{uuid.uuid4().hex}" Version="2.0" IssueInstant="{now}"'
        f' Destination="{destination}"><saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>{body}'
        f"</samlp:{kind}>"
    )
    name = "SAMLRequest" if kind == "LogoutRequest" else "SAMLResponse"
    query = {name: OneLogin_Saml2_Utils.deflate_and_base64_encode(xml), "RelayState": "bye"}
    if sign:
        query = sign_redirect(keys, query)
    return f"{reverse('saml_sls', args=[SLUG])}?{urlencode(query)}"


@pytest.fixture
def signed_in_by_saml(client, saml, idp_keys):
    saml(SAML_IDP_SLO_URL=IDP_SLO_URL)
    post_to_acs(client, saml_response(idp_keys, in_response_to=start_login(client)))
    assert signed_in_user(client) is not None
    return saml


def test_signed_logout_request_from_the_idp_signs_the_person_out(
    client, signed_in_by_saml, idp_keys
):
    response = client.get(idp_logout(idp_keys))
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SLO_URL
    query = dict(part.split("=", 1) for part in location.query.split("&"))
    assert unquote(query["RelayState"]) == "bye"
    assert "Signature" not in query  # no SP key: nothing to sign with
    assert signed_in_user(client) is None


def test_with_an_sp_key_the_logout_response_is_signed(
    client, signed_in_by_saml, idp_keys, sp_keys, intruder_keys
):
    signed_in_by_saml(
        SAML_IDP_SLO_URL=IDP_SLO_URL, SAML_SP_PRIVATE_KEY=sp_keys[0], SAML_SP_X509_CERT=sp_keys[1]
    )
    response = client.get(idp_logout(idp_keys))
    assert response.status_code == 302
    query = dict(part.split("=", 1) for part in urlparse(response["Location"]).query.split("&"))
    assert "SAMLResponse" in query
    assert redirect_signature_verifies(query, sp_keys[1])
    assert not redirect_signature_verifies(query, intruder_keys[1])
    assert signed_in_user(client) is None


@pytest.mark.parametrize("kind", ["LogoutRequest", "LogoutResponse"])
def test_unsigned_logout_message_is_refused(client, signed_in_by_saml, idp_keys, kind):
    person = signed_in_user(client)
    response = client.get(idp_logout(idp_keys, kind=kind, sign=False))
    assert response.status_code == 400
    assert "is not signed" in response.content.decode()
    assert signed_in_user(client) == person


def test_unsigned_logout_is_refused_in_french_too(client, signed_in_by_saml, idp_keys):
    response = client.get(idp_logout(idp_keys, sign=False), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "n'est pas signé" in html.unescape(response.content.decode())


def test_logout_request_signed_by_another_key_is_refused(client, signed_in_by_saml, intruder_keys):
    person = signed_in_user(client)
    response = client.get(idp_logout(intruder_keys))
    assert response.status_code == 400
    assert signed_in_user(client) == person


def test_unsigned_logout_can_be_allowed_for_an_idp_that_cannot_sign(
    client, signed_in_by_saml, idp_keys
):
    signed_in_by_saml(SAML_IDP_SLO_URL=IDP_SLO_URL, SAML_ALLOW_UNSIGNED_LOGOUT="1")
    response = client.get(idp_logout(idp_keys, sign=False))
    assert response.status_code == 302
    assert signed_in_user(client) is None
