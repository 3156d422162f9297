"""The shell on a phone and for keyboard and screen-reader users."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}

# Every visible form control has a name a screen reader can announce.
UNLABELLED_CONTROLS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea')]
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby') && el.type !== 'submit')
  .map((el) => el.name || el.id)"""


def fits_and_labels(page, path):
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    assert page.evaluate(UNLABELLED_CONTROLS) == [], path
    expect(page.get_by_role("main")).to_have_count(1)


def test_entrance_pages_fit_a_phone(new_context):
    page = new_context(viewport=PHONE).new_page()
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        fits_and_labels(page, path)


def test_pages_fit_a_phone_and_label_every_control(new_context):
    me = UserFactory(display_name="Katherine Johnson")
    guest = UserFactory(display_name="Dorothy Vaughan", kind="guest")
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, me.email, PASSWORD)
    for path in (
        "/",
        "/people/",
        f"/people/{me.username}/",
        "/people/me/edit",
        "/people/org/",
        "/settings/",
        "/settings/tokens",
        "/accounts/email/",
        "/accounts/2fa/",
    ):
        fits_and_labels(page, path)
    # On a phone the main navigation is still one tap away, not hidden behind a menu.
    expect(page.locator("nav.main-nav").get_by_role("link", name="People")).to_be_visible()
    # An external guest is flagged on their profile.
    fits_and_labels(page, f"/people/{guest.username}/")
    expect(page.locator(".profile-header .badge-external")).to_be_visible()


def test_keyboard_skip_link_and_account_menu(page, login):
    user = UserFactory(display_name="Alan Turing")
    login(user)
    page.goto("/people/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    summary = page.locator("details.user-menu summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Edit my profile")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Edit my profile")).to_be_hidden()
    expect(summary).to_be_focused()
