"""Helpers for the questions-and-answers tests: everything goes through the services, with
on-commit callbacks (fan-out, search indexing, the routing task) run at the end of each call."""

from agora.qa import services
from tests.api_factories import committed


def ask(
    author,
    title="How do I rotate the VPN certificates?",
    body="It expired today.",
    *,
    tags=("vpn",),
    community=None,
):
    with committed():
        return services.ask_question(
            author, title=title, body=body, tags=list(tags), community=community
        )


def answer(author, question, body="Run the renewal script, then restart the gateway."):
    with committed():
        return services.answer_question(author, question.pk, body)
