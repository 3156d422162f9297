"""Switching the interface language from the header, remembered in the account."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switch_to_french_and_keep_it_after_signing_in_again(page, login, browser_context):
    user = UserFactory(display_name="Marie Curie")
    login(user)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    header = page.get_by_role("banner")
    header.get_by_label("Language").select_option("fr")
    header.locator("form.language-switch").get_by_role("button").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    user.refresh_from_db()
    assert user.language == "fr"
    nav = page.locator("nav.main-nav")
    expect(nav.get_by_role("link", name="Personnes")).to_be_visible()
    expect(page.locator("form.menu-signout button")).to_have_text("Se déconnecter")

    # Sign out, forget every cookie (the language cookie too): the account remembers.
    page.locator("details.user-menu summary").click()
    page.locator("form.menu-signout button").click()
    page.wait_for_url("**/accounts/login/**")
    browser_context.clear_cookies()
    sign_in(page, user.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("nav.main-nav").get_by_role("link", name="Personnes")).to_be_visible()
