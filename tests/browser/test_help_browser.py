"""Requests for help in a real browser: post one, a colleague offers to help, the author closes
it with thanks (htmx, same page), and the thanks shows on the helper's profile."""

import pytest
from playwright.sync_api import expect

from agora.help.models import HelpItem, Thanks
from agora.notifications.models import Notification
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_answered_and_closed_with_thanks(page, login, new_context):
    alice = UserFactory(username="alice", display_name="Alice Martin")
    bob = UserFactory(username="bob", display_name="Bob Durand")
    login(alice)
    page.get_by_role("link", name="Help", exact=True).click()
    page.get_by_role("link", name="Ask for help").first.click()
    page.get_by_label("Title").fill("A hand to move boxes on Friday")
    page.get_by_label("Tags").fill("logistics")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").first).to_contain_text("Your request is published.")
    item = HelpItem.objects.get()

    bob_page = new_context().new_page()
    sign_in(bob_page, bob.email, PASSWORD)
    bob_page.goto(f"/help/{item.pk}/")
    bob_page.get_by_label("A word for the author (optional)").fill("I have a van")
    bob_page.get_by_role("button", name="I can help").click()
    expect(bob_page.get_by_role("heading", name="You offered to help")).to_be_visible()
    assert Notification.objects.filter(recipient=alice, kind="help_response").exists()

    page.reload()
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.__samePage = true")
    page.get_by_label("Bob Durand").check()
    page.get_by_label("Your thank-you note").fill("Merci Bob !")
    page.get_by_role("button", name="Send my thanks").click()
    expect(page.locator("#help-item")).to_contain_text("Done")
    assert page.evaluate("window.__samePage === true")
    assert Thanks.objects.get().helper == bob

    bob_page.goto("/people/bob/")
    expect(bob_page.get_by_role("heading", name="Thanked once for their help")).to_be_visible()
    expect(bob_page.get_by_text("Merci Bob !")).to_be_visible()
