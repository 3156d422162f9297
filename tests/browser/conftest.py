"""Real-browser tests: Debian's headless Chromium driven by Playwright (sync API) against
pytest-django's live server. Playwright's own browser download is not used."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous waits: a busy CI machine (or pytest -n) is slow; a passing test never waits them.
TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 15_000
HOME_URL = re.compile(r"^https?://[^/]+/$")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def warm_live_server(live_server, django_db_setup, django_db_blocker):
    """The first request imports every URLconf and compiles templates (seconds on a slow
    machine): do it once before any test starts its clock."""
    from urllib.request import urlopen

    with django_db_blocker.unblock():
        for path in ("/healthz", "/accounts/login/"):
            urlopen(live_server.url + path, timeout=60).read()  # noqa: S310


@pytest.fixture
def new_context(browser, live_server, warm_live_server):
    """new_context(**options) -> a fresh browser profile (no cookies) on the live server:
    English, desktop size unless `options` say otherwise (viewport, java_script_enabled...)."""
    contexts = []

    def make(**options):
        options = {
            "base_url": live_server.url,
            "locale": "en-US",
            "viewport": {"width": 1280, "height": 900},
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browser_context(new_context):
    return new_context()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


def sign_in(page, email, password):
    """Sign in through the real login form; returns once the home page is shown."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("form.form-login").get_by_role("button").click()
    page.wait_for_url(HOME_URL)


@pytest.fixture
def login(page):
    """login(user) signs `user` in through the login form (password: factories.PASSWORD)."""
    from tests.factories import PASSWORD

    def do(user, password=PASSWORD):
        sign_in(page, user.email, password)
        return page

    return do
