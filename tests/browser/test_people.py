"""Profiles in a real browser: editing one's own profile, following someone with htmx."""

import re

import pytest
from playwright.sync_api import expect

from agora.people.models import Follow
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_profile_headline_and_skills(page, login, live_server):
    user = UserFactory(display_name="Grace Hopper")
    login(user)
    page.goto("/people/me/edit")

    page.get_by_label("Headline").fill("Compiler pioneer, happy to review your COBOL")
    page.get_by_label("Skill 1", exact=True).fill("Compilers")
    page.get_by_label("Level 1", exact=True).select_option(label="Expert")
    # With JavaScript, "Add a skill" appends a fourth row to the three blank ones.
    page.get_by_role("button", name="Add a skill").click()
    page.get_by_label("Skill 4", exact=True).fill("Public speaking")
    page.get_by_label("Level 4", exact=True).select_option(label="Learning")
    page.get_by_role("button", name="Save my profile").click()

    expect(page).to_have_url(f"{live_server.url}/people/{user.username}/")
    expect(page.get_by_role("status")).to_contain_text("Your profile was saved.")
    expect(page.locator(".profile-header .headline")).to_have_text(
        "Compiler pioneer, happy to review your COBOL"
    )
    skills = page.get_by_role("region", name="Skills")
    expect(skills.get_by_role("listitem")).to_have_count(2)
    expect(skills.get_by_role("listitem").filter(has_text="Compilers")).to_contain_text("Expert")
    expect(skills.get_by_role("listitem").filter(has_text="Public speaking")).to_contain_text(
        "Learning"
    )

    # Back in the form, the saved skill is the first row and can be removed.
    page.goto("/people/me/edit")
    expect(page.get_by_label("Skill 1", exact=True)).to_have_value("Compilers")
    expect(page.get_by_label("Level 1", exact=True)).to_have_value("4")


def test_follow_from_profile_with_htmx(page, login, live_server):
    alice = UserFactory(display_name="Alice Martin")
    bob = UserFactory(display_name="Bob Durand")
    login(alice)
    page.goto(f"/people/{bob.username}/")
    counts = page.locator("#follow-counts")
    expect(counts).to_contain_text("0 followers")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.__samePage = true")  # lost if the click reloaded the page

    page.get_by_role("button", name="Follow Bob Durand").click()

    expect(page.get_by_role("button", name="Unfollow Bob Durand")).to_be_visible()
    expect(counts).to_contain_text("1 follower")
    assert page.evaluate("window.__samePage === true"), "htmx should swap, not reload"
    assert Follow.objects.filter(follower=alice, followee=bob).exists()
    # Focus stays on the (new) button, so keyboard users don't lose their place.
    expect(page.get_by_role("button", name="Unfollow Bob Durand")).to_be_focused()

    page.get_by_role("button", name="Unfollow Bob Durand").click()
    expect(page.get_by_role("button", name="Follow Bob Durand")).to_be_visible()
    expect(counts).to_contain_text("0 followers")
    assert not Follow.objects.filter(follower=alice, followee=bob).exists()


def test_follow_without_javascript(new_context, live_server):
    """Progressive enhancement: the same button is a plain form post without JS."""
    alice = UserFactory(display_name="Alice Martin")
    bob = UserFactory(display_name="Bob Durand")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/people/{bob.username}/")

    page.get_by_role("button", name="Follow Bob Durand").click()

    expect(page).to_have_url(f"{live_server.url}/people/{bob.username}/")
    expect(page.get_by_role("button", name="Unfollow Bob Durand")).to_be_visible()
    expect(page.locator("#follow-counts")).to_contain_text("1 follower")

    # From a list, the plain post comes back to that list.
    page.goto("/people/?q=dur")
    page.get_by_role("button", name="Unfollow Bob Durand").click()
    expect(page).to_have_url(f"{live_server.url}/people/?q=dur")
    expect(page.get_by_role("button", name="Follow Bob Durand")).to_be_visible()


def test_directory_filters_as_you_type(page, login):
    me = UserFactory(display_name="Hedy Lamarr")
    UserFactory(display_name="Barbara Liskov")
    UserFactory(display_name="Frances Allen")
    login(me)
    page.goto("/people/")
    results = page.locator("#directory-results")
    expect(results.locator(".person-name")).to_have_count(3)

    page.get_by_label("Name").fill("lisk")  # htmx: no submit needed

    expect(results.locator(".person-name")).to_have_count(1)
    expect(results.locator(".person-name")).to_have_text("Barbara Liskov")
    expect(page).to_have_url(re.compile(r"/people/\?q=lisk&"))  # the filtered list has a URL
