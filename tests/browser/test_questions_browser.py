"""Questions in a real browser (issue 5): ask a question and see similar questions while
typing the title, see which expert was asked, answer it from the expert's account (reached
through the "you might know the answer" notification), vote, and accept the answer.
Routing runs inline here (immediate task backend), as the worker would run it."""

import re

import pytest
from playwright.sync_api import expect

from agora.notifications.models import Notification
from agora.qa import services
from agora.qa.models import Answer, ExpertRequest, Question
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _htmx_ready(page):
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.__samePage = true")


def _same_page(page) -> bool:
    return page.evaluate("window.__samePage === true")


def test_ask_route_answer_and_accept(page, login, new_context, live_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AGORA_EXPERT_ROUTING_COUNT = 1
    asker = UserFactory(username="asker", display_name="Alice Asker")
    expert = UserFactory(username="kube", display_name="Karim Kube")
    earlier_asker = UserFactory(display_name="Earlier Asker")
    # Karim's track record: an accepted answer about kubernetes.
    earlier = services.ask_question(
        earlier_asker,
        title="How do I drain a kubernetes node before maintenance?",
        body="We patch nodes every month.",
        tags=["kubernetes"],
    )
    first = services.answer_question(expert, earlier.pk, "Use `kubectl drain --ignore-daemonsets`.")
    from agora.qa.votes import accept

    accept(earlier_asker, first.pk)

    login(asker)
    page.goto("/questions/")
    page.get_by_role("link", name="Ask a question").click()
    _htmx_ready(page)
    page.get_by_label("Your question").press_sequentially("drain kubernetes node", delay=20)
    similar = page.locator("#similar-questions")
    expect(
        similar.get_by_role("link", name="How do I drain a kubernetes node before maintenance?")
    ).to_be_visible()
    assert _same_page(page), "similar questions come in place, without a reload"

    page.get_by_label("Your question").fill(
        "How do I drain a kubernetes node that has local storage?"
    )
    page.get_by_label("Details").fill("The drain refuses because of **emptyDir** volumes.")
    page.get_by_label("Tags").fill("kubernetes, storage")
    page.get_by_role("button", name="Publish the question").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How do I drain a kubernetes node that has local storage?"
    )
    question = Question.objects.exclude(pk=earlier.pk).get()
    expect(page).to_have_url(re.compile(rf"/questions/{question.pk}/$"))
    # The asker sees who was asked.
    asked = page.locator("section.qa-asked")
    expect(asked.get_by_role("link", name="Karim Kube")).to_be_visible()
    assert ExpertRequest.objects.get(question=question).expert == expert

    # Karim is told, follows the notification and answers.
    expert_page = new_context().new_page()
    sign_in(expert_page, expert.email, PASSWORD)
    expert_page.goto("/notifications/")
    link = expert_page.get_by_role(
        "link", name=re.compile("Alice Asker asked a question you might know")
    )
    expect(link).to_be_visible()
    link.click()
    expect(expert_page).to_have_url(re.compile(rf"/questions/{question.pk}/"))
    expect(expert_page.get_by_text("You were asked about this question")).to_be_visible()
    expert_page.get_by_label("Your answer").fill("Add `--delete-emptydir-data` to the drain.")
    expert_page.get_by_role("button", name="Publish the answer").click()
    answer = Answer.objects.get(question=question)
    expect(expert_page.locator(f"#answer-{answer.pk}")).to_contain_text("--delete-emptydir-data")
    assert ExpertRequest.objects.get(question=question).answered_at is not None

    # The asker votes the answer up and accepts it, in place.
    page.reload()
    _htmx_ready(page)
    card = page.locator(f"#answer-{answer.pk}")
    card.get_by_role("button", name="Vote this answer up").click()
    expect(card.locator(".qa-score")).to_have_text("1")
    card.get_by_role("button", name="Accept this answer").click()
    expect(page.locator(f"#answer-{answer.pk}").get_by_text("Accepted answer")).to_be_visible()
    assert _same_page(page)
    assert Question.objects.get(pk=question.pk).accepted_answer_id == answer.pk
    assert asked.get_by_role("link", name="Karim Kube").is_visible()


def test_mention_someone_in_an_answer_and_a_comment_with_the_suggestions(page, login):
    asker = UserFactory(username="asker", display_name="Alice Asker")
    answerer = UserFactory(username="bob", display_name="Bob Answerer")
    cyd = UserFactory(username="cyd.moreau", display_name="Cyd Moreau")
    question = services.ask_question(
        asker, title="Who renews the VPN certificates?", body="Mine expired.", tags=["vpn"]
    )
    login(answerer)
    page.goto(f"/questions/{question.pk}/")
    _htmx_ready(page)

    # "@" and the start of a name in the answer box: the answer's own suggestions offer Cyd,
    # choosing her completes the username in the answer, not in the question's comment form.
    form = page.locator("#answer-form")
    form.get_by_label("Your answer").press_sequentially("Ask @cy", delay=20)
    choice = form.get_by_role("button", name="Cyd Moreau")
    expect(choice).to_be_visible()
    expect(page.locator("#comment-mention-suggestions")).to_be_empty()
    choice.click()
    body = form.get_by_label("Your answer")
    expect(body).to_have_value("Ask @cyd.moreau ")
    expect(choice).to_be_hidden()  # the suggestions are gone once one is chosen
    body.press("End")
    body.press_sequentially("about it, she did it last year.")
    assert _same_page(page), "suggestions and completion come in place, without a reload"
    form.get_by_role("button", name="Publish the answer").click()

    answer = Answer.objects.get(question=question)
    card = page.locator(f"#answer-{answer.pk}")
    expect(card).to_contain_text("she did it last year.")
    expect(card.get_by_role("link", name="@cyd.moreau")).to_have_attribute(
        "href", "/people/cyd.moreau/"
    )
    assert Notification.objects.filter(recipient=cyd, kind="mention", answer=answer).exists()

    # The same in a comment on the answer, in that answer's own box.
    _htmx_ready(page)
    card.get_by_text("Add a comment").click()
    box = card.get_by_label("Comment on this answer")
    box.press_sequentially("Thanks @al", delay=20)
    card.get_by_role("button", name="Alice Asker").click()
    expect(card.get_by_label("Comment on this answer")).to_have_value("Thanks @asker ")
    card.get_by_role("button", name="Comment", exact=True).click()
    comments = page.locator(f"#answer-{answer.pk} .qa-answer-comments")
    expect(comments.get_by_role("link", name="@asker")).to_have_attribute("href", "/people/asker/")
    # the asker is told of the mention, with a link to the answer
    assert Notification.objects.filter(recipient=asker, kind="mention", answer=answer).exists()
