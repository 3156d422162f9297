"""allauth's account pages in Agora's words, in English and in French: Settings → E-mail
addresses, Password and Two-factor authentication, the password-reset link, "Confirm it's
you", connected accounts, the e-mail confirmation and sign-out pages, their messages and the
e-mails allauth sends. And the overridden templates still drive allauth's forms: the e-mail
page's actions, changing and setting a password, turning two-factor authentication on and off.
"""

import json
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model
from django.core import mail
from lxml import html as lxml_html

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-Long enough passphrase 42"

# allauth's own words, which Agora's pages must not show: title case, "Email", and its French
# ("Courriel", gendered "sûr(e)", "déconnecté(e)").
ALLAUTH_WORDS = [
    "Email Addresses",
    "Add Email",
    "Make Primary",
    "Re-send Verification",
    "Current Password",
    "New Password",
    "Change Password",
    "Set Password",
    "Two-Factor Authentication",
    "Authenticator App",
    "Recovery Codes",
    "Confirm Access",
    "Account Connections",
    "Third-Party",
    "Bad Token",
    "Sign Out",
    "Sign In",
    "Courriel",
    "Ajouter un e-mail",
    "Rendre principale",
    "sûr(e)",
    "déconnecté",
    "Mauvais jeton",
    "Confirmer l'accès",
    "compte social",
]


# --- Reading a page -------------------------------------------------------------------------


def parse(response):
    return lxml_html.fromstring(response.content.decode())


def words(response) -> str:
    """What a reader meets: the title, the main text, placeholders, alt texts and the e-mail
    page's confirmation dialog (JSON for allauth's script)."""
    doc = parse(response)
    main = doc.xpath("//main")[0]
    parts = [doc.findtext(".//title") or ""]
    for script in main.xpath(".//script") + doc.xpath("//script[@data-allauth-onload]"):
        if script.get("type") == "application/json" and script.text:
            parts.append(json.dumps(json.loads(script.text), ensure_ascii=False))
        script.drop_tree()
    parts.append(main.text_content())
    for attribute in ("placeholder", "alt", "aria-label", "title"):
        parts += main.xpath(f".//@{attribute}")
    return re.sub(r"\s+", " ", " ".join(parts))


def heading(response) -> str:
    return parse(response).xpath("//main//h1")[0].text_content().strip()


def title(response) -> str:
    return parse(response).findtext(".//title").split("·")[0].strip()


def field_label(response, field_id: str) -> str:
    labels = parse(response).xpath(f'//label[@for="{field_id}"]')
    assert labels, field_id
    return labels[0].text_content().strip()


def placeholder(response, field_id: str) -> str:
    return parse(response).xpath(f'//*[@id="{field_id}"]')[0].get("placeholder")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def assert_agora_words(response, *expected):
    text = words(response)
    for phrase in expected:
        assert phrase in text, (phrase, text)
    for phrase in ALLAUTH_WORDS:
        assert phrase not in text, (phrase, text)
    assert not re.search(r"\bEmail\b", text), text  # Agora writes "E-mail"


def assert_agora_mail(message, language):
    hello, foreign = ("Hello,", "Bonjour") if language == "en" else ("Bonjour,", "Hello")
    assert message.subject.startswith("[Agora] ")
    assert message.body.startswith(hello)
    assert foreign not in message.body
    for phrase in ("Hello from", "Thank you for using", "Bonjour, c'est", "Merci d'utiliser"):
        assert phrase not in message.body
    prose = re.sub(r"https?://\S+", "", message.subject + message.body)  # not the links
    assert not re.search(r"\b[Ee]mail\b", prose)
    assert "Courriel" not in prose


# --- Signing in ----------------------------------------------------------------------------


def sign_in(client, user):
    """Signed in, and recently: allauth asks for the password again before the two-factor
    pages; the password goes through Agora's "Confirm it's you" form."""
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


@pytest.fixture(params=["en", "fr"])
def language(request):
    return request.param


@pytest.fixture
def person(language):
    return UserFactory(language=language, display_name="Ada Lovelace")


def anonymous(client, language):
    client.cookies["agora_language"] = language
    return client


# --- Settings pages, as their owner sees them --------------------------------------------

SETTINGS_PAGES = {
    "/accounts/email/": {
        "en": (
            "E-mail addresses",
            ["Verified", "Primary", "Make primary", "Send the confirmation e-mail again"],
            ["Remove", "Add an e-mail address", "Add this address"],
        ),
        "fr": (
            "Adresses e-mail",
            ["Vérifiée", "Principale", "Définir comme principale"],
            ["Renvoyer l'e-mail de confirmation", "Ajouter une adresse e-mail"],
        ),
    },
    "/accounts/password/change/": {
        "en": ("Change password", ["Current password", "New password (again)"], []),
        "fr": (
            "Changer le mot de passe",
            ["Mot de passe actuel", "Nouveau mot de passe (confirmation)"],
            ["Enregistrer le nouveau mot de passe"],
        ),
    },
    "/accounts/2fa/": {
        "en": ("Two-factor authentication", ["Authenticator app", "Recovery codes"], ["Set up"]),
        "fr": (
            "Authentification à deux facteurs",
            ["Application d'authentification", "Codes de récupération"],
            ["Configurer"],
        ),
    },
    "/accounts/2fa/totp/activate/": {
        "en": ("Set up an authenticator app", ["Setup key", "Code shown by the app"], ["Turn on"]),
        "fr": (
            "Configurer une application d'authentification",
            ["Clé de configuration", "Code affiché par l'application"],
            ["Activer"],
        ),
    },
    "/accounts/2fa/recovery-codes/generate/": {
        "en": ("New recovery codes", ["Generate new codes"], []),
        "fr": ("Nouveaux codes de récupération", ["Générer de nouveaux codes"], []),
    },
    "/accounts/3rdparty/": {
        "en": ("Connected accounts", ["No other account is connected"], []),
        "fr": ("Comptes associés", ["Aucun autre compte n'est associé"], []),
    },
}


@pytest.mark.parametrize("url", SETTINGS_PAGES)
def test_settings_pages_in_agoras_words(client, person, language, url):
    response = sign_in(client, person).get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    expected_heading, *phrases = SETTINGS_PAGES[url][language]
    assert heading(response) == expected_heading
    assert title(response) == expected_heading or url.startswith("/accounts/2fa/recovery")
    assert_agora_words(response, *[p for group in phrases for p in group])
    # The settings chrome: Agora's settings navigation beside the page.
    assert parse(response).xpath("//main//nav[@class='settings-nav']")


def test_e_mail_page_labels_and_confirmation_dialog(client, person, language):
    response = sign_in(client, person).get("/accounts/email/")
    label = {"en": "E-mail address", "fr": "Adresse e-mail"}[language]
    assert field_label(response, "id_email") == label
    assert placeholder(response, "id_email") == label
    doc = parse(response)
    # allauth's buttons and script hooks are still there.
    names = {b.get("name") for b in doc.xpath("//main//button")}
    assert {"action_primary", "action_send", "action_remove", "action_add"} <= names
    script = doc.xpath('//script[@data-allauth-onload="allauth.account.forms.manageEmailForm"]')
    assert doc.xpath('//script[contains(@src, "account/js/account.js")]')
    assert (
        json.loads(script[0].text)["i18n"]["confirmDelete"]
        == {
            "en": "Remove the selected e-mail address from your account?",
            "fr": "Retirer de votre compte l'adresse e-mail sélectionnée ?",
        }[language]
    )


def test_password_change_labels_and_placeholders(client, person, language):
    response = sign_in(client, person).get("/accounts/password/change/")
    expected = {
        "en": ("Current password", "New password", "New password (again)"),
        "fr": (
            "Mot de passe actuel",
            "Nouveau mot de passe",
            "Nouveau mot de passe (confirmation)",
        ),
    }[language]
    for field_id, label in zip(("id_oldpassword", "id_password1", "id_password2"), expected):
        assert field_label(response, field_id) == label
        assert placeholder(response, field_id) == label
    assert {"en": "Forgot your password?", "fr": "Mot de passe oublié ?"}[language] in words(
        response
    )


def test_changing_the_password(client, person, language):
    sign_in(client, person)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert {"en": "Your password has been changed.", "fr": "Votre mot de passe a été modifié."}[
        language
    ] in messages_of(response)


def test_choosing_a_password_for_an_account_without_one(client, language):
    sso_person = UserFactory(language=language)
    sso_person.set_unusable_password()
    sso_person.save()
    client.force_login(sso_person)
    # Settings → Password leads to "Choose a password".
    response = client.get("/accounts/password/change/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/set/"
    expected = {
        "en": ("Choose a password", "Password", "Password (again)", "Save the password"),
        "fr": (
            "Choisissez un mot de passe",
            "Mot de passe",
            "Mot de passe (confirmation)",
            "Enregistrer le mot de passe",
        ),
    }[language]
    assert heading(response) == expected[0]
    assert field_label(response, "id_password1") == expected[1]
    assert field_label(response, "id_password2") == expected[2]
    assert placeholder(response, "id_password2") == expected[2]
    assert_agora_words(response, expected[3])
    response = client.post(
        "/accounts/password/set/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    sso_person.refresh_from_db()
    assert sso_person.check_password(NEW_PASSWORD)
    assert {"en": "Your password has been saved.", "fr": "Votre mot de passe a été enregistré."}[
        language
    ] in messages_of(response)


def test_confirm_its_you(client, person, language):
    client.force_login(person)
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    expected = {
        "en": ("Confirm it's you", "Enter your password again.", "Password", "Confirm"),
        "fr": (
            "Confirmez votre identité",
            "Saisissez de nouveau votre mot de passe.",
            "Mot de passe",
            "Confirmer",
        ),
    }[language]
    assert heading(response) == expected[0]
    assert field_label(response, "id_password") == expected[2]
    assert_agora_words(response, expected[1], expected[3])
    response = client.post(
        response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True
    )  # on to the page asked for
    assert response.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"


# --- E-mail addresses: the page's actions ---------------------------------------------------

ACTION_MESSAGES = {
    "en": {
        "sent": "Confirmation e-mail sent to {}.",
        "unverified": "Only a verified address can be primary: confirm it first.",
        "confirmed": "{} is confirmed.",
        "primary": "Primary e-mail address changed.",
        "removed": "{} is removed from your account.",
        "keep_primary": "{} is your primary address: make another address primary before "
        "removing it.",
        "not_verified": "Not verified",
        "confirm_heading": "Confirm your e-mail address",
        "subject": "[Agora] Confirm your e-mail address",
    },
    "fr": {
        "sent": "E-mail de confirmation envoyé à {}.",
        "unverified": "Seule une adresse vérifiée peut être principale : confirmez-la d'abord.",
        "confirmed": "L'adresse {} est confirmée.",
        "primary": "Adresse e-mail principale modifiée.",
        "removed": "L'adresse {} est retirée de votre compte.",
        "keep_primary": "{} est votre adresse principale : définissez une autre adresse comme "
        "principale avant de la retirer.",
        "not_verified": "Non vérifiée",
        "confirm_heading": "Confirmez votre adresse e-mail",
        "subject": "[Agora] Confirmez votre adresse e-mail",
    },
}


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def address_row(response, email):
    """The label of the e-mail page's radio for `email`, badges included."""
    doc = parse(response)
    radio = doc.xpath(f'//input[@type="radio"][@value="{email}"]')
    assert radio, email
    return doc.xpath(f'//label[@for="{radio[0].get("id")}"]')[0].text_content()


def test_e_mail_page_actions_still_work(client, person, language):
    said = ACTION_MESSAGES[language]
    old, new = person.email, "ada.second@example.com"
    sign_in(client, person)

    # Add: the address appears, not verified, and a confirmation e-mail goes to it.
    response = client.post("/accounts/email/", {"action_add": "", "email": new}, follow=True)
    assert response.status_code == 200
    assert said["sent"].format(new) in messages_of(response)
    assert EmailAddress.objects.filter(user=person, email=new, verified=False).exists()
    assert said["not_verified"] in address_row(response, new)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [new]
    assert message.subject == said["subject"]
    assert_agora_mail(message, language)
    assert "Ada Lovelace" in message.body

    # Re-send the confirmation.
    response = client.post("/accounts/email/", {"action_send": "", "email": new}, follow=True)
    assert said["sent"].format(new) in messages_of(response)
    assert len(mail.outbox) == 2

    # An unverified address cannot become primary.
    response = client.post("/accounts/email/", {"action_primary": "", "email": new}, follow=True)
    assert said["unverified"] in messages_of(response)
    assert EmailAddress.objects.get(user=person, primary=True).email == old

    # The link from the e-mail: Agora's confirmation page, then the address is verified.
    link = confirmation_link(mail.outbox[-1])
    response = client.get(link)
    assert heading(response) == said["confirm_heading"]
    assert_agora_words(response, new)
    response = client.post(link, follow=True)
    assert said["confirmed"].format(new) in messages_of(response)
    assert EmailAddress.objects.get(user=person, email=new).verified

    # Make it primary: the account's address follows.
    response = client.post("/accounts/email/", {"action_primary": "", "email": new}, follow=True)
    assert said["primary"] in messages_of(response)
    assert EmailAddress.objects.get(user=person, primary=True).email == new
    person.refresh_from_db()
    assert person.email == new

    # The primary address stays; the other one can go.
    response = client.post("/accounts/email/", {"action_remove": "", "email": new}, follow=True)
    assert said["keep_primary"].format(new) in messages_of(response)
    response = client.post("/accounts/email/", {"action_remove": "", "email": old}, follow=True)
    assert said["removed"].format(old) in messages_of(response)
    assert list(EmailAddress.objects.filter(user=person).values_list("email", flat=True)) == [new]
    assert not parse(response).xpath(f'//input[@type="radio"][@value="{old}"]')


def test_form_errors_in_agoras_words(client, person, language):
    sign_in(client, person)
    response = client.post("/accounts/email/", {"action_add": "", "email": person.email})
    assert response.status_code == 200
    assert_agora_words(
        response,
        {
            "en": "This e-mail address is already on your account.",
            "fr": "Cette adresse e-mail fait déjà partie de votre compte.",
        }[language],
    )
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert_agora_words(
        response,
        {"en": "Enter your current password.", "fr": "Saisissez votre mot de passe actuel."}[
            language
        ],
    )
    client.logout()
    response = anonymous(client, language).post(
        "/accounts/login/", {"login": person.email, "password": "wrong"}
    )
    assert_agora_words(
        response,
        {
            "en": "The e-mail address or the password is not correct.",
            "fr": "L'adresse e-mail ou le mot de passe n'est pas correct.",
        }[language],
    )


def test_e_mail_confirmation_link_that_no_longer_works(client, language):
    response = anonymous(client, language).get("/accounts/confirm-email/not-a-key/")
    assert response.status_code == 200
    expected = {
        "en": "This confirmation link has expired or is not valid.",
        "fr": "Ce lien de confirmation a expiré ou n'est pas valide.",
    }[language]
    assert_agora_words(response, expected)


# --- Sign-up, sign-out and the e-mails of the entrance ----------------------------------------


def test_check_your_e_mail_after_signing_up(client, language):
    response = anonymous(client, language).post(
        "/accounts/signup/",
        {
            "email": "grace@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "display_name": "Grace Hopper",
        },
        follow=True,
    )
    assert heading(response) == {"en": "Check your e-mail", "fr": "Consultez vos e-mails"}[language]
    assert_agora_words(response)
    (message,) = mail.outbox
    assert message.subject == ACTION_MESSAGES[language]["subject"]
    assert_agora_mail(message, language)
    assert "Grace Hopper" in message.body
    assert "/accounts/confirm-email/" in message.body


def test_signing_up_again_with_a_known_address(client, language):
    known = UserFactory()
    anonymous(client, language).post(
        "/accounts/signup/",
        {
            "email": known.email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "display_name": "Someone",
        },
    )
    (message,) = mail.outbox
    assert (
        message.subject
        == {
            "en": "[Agora] You already have an Agora account",
            "fr": "[Agora] Vous avez déjà un compte Agora",
        }[language]
    )
    assert_agora_mail(message, language)
    assert known.email in message.body and "/accounts/password/reset/" in message.body


def test_password_reset_for_an_unknown_address(client, language):
    anonymous(client, language).post("/accounts/password/reset/", {"email": "nobody@example.com"})
    (message,) = mail.outbox
    assert (
        message.subject
        == {
            "en": "[Agora] No Agora account uses this address",
            "fr": "[Agora] Aucun compte Agora n'utilise cette adresse",
        }[language]
    )
    assert_agora_mail(message, language)
    assert "nobody@example.com" in message.body and "/accounts/signup/" in message.body


def test_password_reset_through_the_e_mailed_link(client, language):
    person = UserFactory()
    anonymous(client, language).post("/accounts/password/reset/", {"email": person.email})
    (message,) = mail.outbox
    assert (
        message.subject
        == {
            "en": "[Agora] Reset your password",
            "fr": "[Agora] Réinitialiser votre mot de passe",
        }[language]
    )
    assert_agora_mail(message, language)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)[1]

    # The link leads to Agora's "Choose a new password".
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    expected = {
        "en": ("Choose a new password", "New password", "New password (again)"),
        "fr": (
            "Choisissez un nouveau mot de passe",
            "Nouveau mot de passe",
            "Nouveau mot de passe (confirmation)",
        ),
    }[language]
    assert heading(response) == expected[0]
    assert field_label(response, "id_password1") == expected[1]
    assert field_label(response, "id_password2") == expected[2]
    assert placeholder(response, "id_password1") == expected[1]
    assert_agora_words(response)

    # Saving it: Agora's "Password changed", and the new password signs in.
    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/password/reset/key/done/"
    assert heading(response) == {"en": "Password changed", "fr": "Mot de passe modifié"}[language]
    assert_agora_words(response)
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)

    # The same link again: it no longer works.
    response = client.get(link, follow=True)
    assert (
        heading(response)
        == {
            "en": "This link no longer works",
            "fr": "Ce lien ne fonctionne plus",
        }[language]
    )
    assert_agora_words(response)
    assert parse(response).xpath('//main//a[@href="/accounts/password/reset/"]')


def test_password_reset_while_signed_in_names_the_account(client, person, language):
    client.force_login(person)
    response = client.get("/accounts/password/reset/")
    expected = {
        "en": "You are currently using the account of Ada Lovelace.",
        "fr": "Vous utilisez actuellement le compte de Ada Lovelace.",
    }[language]
    assert_agora_words(response, expected)
    assert "connecté" not in words(response)


def test_signing_out(client, person, language):
    client.force_login(person)
    response = client.get("/accounts/logout/")
    expected = {
        "en": ("Sign out", "Sign out of Agora on this device?"),
        "fr": ("Se déconnecter", "Se déconnecter d'Agora sur cet appareil ?"),
    }[language]
    assert heading(response) == expected[0]
    assert_agora_words(response, expected[1])
    response = client.post("/accounts/logout/", follow=True)
    assert "_auth_user_id" not in client.session
    assert {"en": "You have signed out.", "fr": "Déconnexion effectuée."}[language] in messages_of(
        response
    )


def test_signup_closed_and_inactive_account_pages(client, language):
    from agora.core.models import SiteSettings

    site = SiteSettings.current()
    site.signup_open = False
    site.save()
    response = anonymous(client, language).get("/accounts/signup/")
    assert (
        heading(response)
        == {
            "en": "Sign-up is closed",
            "fr": "Les inscriptions sont fermées",
        }[language]
    )
    assert_agora_words(response)
    response = client.get("/accounts/inactive/")
    assert heading(response) == {"en": "Account deactivated", "fr": "Compte désactivé"}[language]
    assert_agora_words(response)


# --- Two-factor authentication, on and off -------------------------------------------------

TWO_FACTOR = {
    "en": {
        "on": "Authenticator app turned on.",
        "off": "Authenticator app turned off.",
        "codes_left": "10 of your 10 recovery codes are left.",
        "unused": "Unused codes",
        "badge": "On",
        "index": ["Turn off", "Show", "Download", "Generate new codes"],
        "deactivate": "Turn off the authenticator app",
        "login": "Two-factor authentication",
        "login_text": "or one of your recovery codes",
        "reauthenticate": ["Other ways to confirm", "Use your password"],
    },
    "fr": {
        "on": "Application d'authentification activée.",
        "off": "Application d'authentification désactivée.",
        "codes_left": "Il vous reste 10 codes de récupération sur 10.",
        "unused": "Codes inutilisés",
        "badge": "Activée",
        "index": ["Désactiver", "Afficher", "Télécharger", "Générer de nouveaux codes"],
        "deactivate": "Désactiver l'application d'authentification",
        "login": "Authentification à deux facteurs",
        "login_text": "ou l'un de vos codes de récupération",
        "reauthenticate": ["Autres façons de confirmer", "Utiliser votre mot de passe"],
    },
}


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# allauth says "turned on" once the transaction commits: a real one here.
@pytest.mark.django_db(transaction=True)
def test_two_factor_authentication_on_and_off(client, person, language):
    said = TWO_FACTOR[language]
    sign_in(client, person)

    # Turn it on with a code of the secret the page shows: on to the recovery codes.
    page = client.get("/accounts/2fa/totp/activate/")
    secret = parse(page).xpath('//input[@id="authenticator_secret"]')[0].get("value")
    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": current_code(secret)}, follow=True
    )
    assert is_mfa_enabled(person)
    assert said["on"] in messages_of(response)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/recovery-codes/"
    assert heading(response) == {"en": "Recovery codes", "fr": "Codes de récupération"}[language]
    assert field_label(response, "recovery_codes") == said["unused"]
    assert_agora_words(response, said["codes_left"])

    response = client.get("/accounts/2fa/")
    assert_agora_words(response, said["codes_left"], *said["index"])
    badge = parse(response).xpath("//main//span[contains(@class, 'badge-success')]")
    assert badge[0].text_content() == said["badge"]
    response = client.get("/accounts/2fa/recovery-codes/generate/")
    assert_agora_words(
        response,
        {
            "en": "Your current codes will stop working.",
            "fr": "Vos codes actuels ne fonctionneront plus.",
        }[language],
    )

    # Signing in again asks for a code; a recovery code does.
    client.logout()
    response = anonymous(client, language).post(
        "/accounts/login/", {"login": person.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/2fa/authenticate/"
    assert heading(response) == said["login"]
    assert_agora_words(response, said["login_text"])
    recovery = Authenticator.objects.get(user=person, type="recovery_codes")
    code = recovery.wrap().get_unused_codes()[0]
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(person.pk)

    # A sensitive step now offers the password or a code.
    response = client.get("/accounts/2fa/reauthenticate/")
    assert (
        heading(response) == {"en": "Confirm it's you", "fr": "Confirmez votre identité"}[language]
    )
    assert_agora_words(response, *said["reauthenticate"])

    # Turning it off.
    sign_in(client, person)
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert heading(response) == said["deactivate"]
    assert_agora_words(response)
    response = client.post("/accounts/2fa/totp/deactivate/", follow=True)
    assert said["off"] in messages_of(response)
    assert not is_mfa_enabled(person)
