"""Sign-up with e-mail verification, and sign-in, in a real browser."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_sign_up_confirm_email_and_land_signed_in(page, live_server):
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address", exact=True).fill("jeanne.dupont@example.com")
    page.locator("input[name=display_name]").fill("Jeanne Dupont")
    page.locator("input[name=password1]").fill("A-sturdy-passphrase-42")
    page.locator("input[name=password2]").fill("A-sturdy-passphrase-42")
    page.locator("form.form-signup").get_by_role("button").click()

    # Verification is mandatory: no session yet, a "check your inbox" page instead.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.locator("details.user-menu")).to_have_count(0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jeanne.dupont@example.com"]
    link = CONFIRM_LINK.search(message.body).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.get_by_text("jeanne.dupont@example.com").first).to_be_visible()
    page.locator("main form").get_by_role("button").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("details.user-menu summary")).to_contain_text("Jeanne Dupont")
    user = get_user_model().objects.get(email="jeanne.dupont@example.com")
    assert user.profile.display_name == "Jeanne Dupont"
    assert EmailAddress.objects.get(user=user).verified


def test_sign_in_with_email_and_password(page, live_server):
    user = UserFactory(display_name="Ada Lovelace")
    page.goto("/people/")  # a protected page: the login form, then back here
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/people/$"))

    page.get_by_label("E-mail address", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.locator("form.form-login").get_by_role("button").click()
    error = page.get_by_role("alert")
    expect(error).to_contain_text("not correct")
    expect(page.get_by_label("E-mail address", exact=True)).to_have_value(user.email)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("form.form-login").get_by_role("button").click()
    expect(page).to_have_url(live_server.url + "/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.locator("details.user-menu summary")).to_contain_text("Ada Lovelace")
