"""Why an expert was asked: routing stores the reasons as data, and they are worded when shown
(question page, API), in the reader's language, with relative times as of the view, not in the
language of the background task that routed the question nor as of that moment. Requests made
before keep their free-text reason, shown as it is."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone, translation

from agora.accounts.services import create_api_token
from agora.experts import reasons as expert_reasons
from agora.qa import routing
from agora.qa.models import ExpertRequest
from tests.api_factories import employee
from tests.factories import UserFactory
from tests.qa.helpers import ask
from tests.qa.test_routing import make_expert

pytestmark = pytest.mark.django_db


EN_NOW = "2 accepted answers on kubernetes, most recent just now"
FR_NOW = "2 réponses acceptées sur kubernetes, la plus récente à l&#x27;instant"
EN_3W = "2 accepted answers on kubernetes, most recent 3\xa0weeks ago"
FR_3W = "2 réponses acceptées sur kubernetes, la plus récente il y a 3\xa0semaines"


@pytest.fixture
def routed(settings):
    """A question about kubernetes routed (in English, as the background task runs) to the
    one expert, whose answers are seconds old."""

    def make(language="en", asker_language="en"):
        settings.AGORA_EXPERT_ROUTING_COUNT = 1
        expert = make_expert("kubernetes", answers=2, accepted=2)
        asker = employee(language=asker_language)
        with translation.override(language):
            q = ask(asker, "How do I drain a kubernetes node safely?", tags=["kubernetes"])
            ExpertRequest.objects.filter(question=q).delete()  # the on-commit task's
            q.routing_round = 0
            q.save(update_fields=["routing_round"])
            (request,) = routing.route_question(q.pk)
        request.refresh_from_db()
        return SimpleNamespace(question=q, asker=asker, expert=expert, request=request)

    return make


def page(user, question) -> str:
    c = Client()
    c.force_login(user)
    response = c.get(f"/questions/{question.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def later(monkeypatch, delta):
    """Reasons worded as if `delta` had passed since now."""
    shifted = timezone.now() + delta
    monkeypatch.setattr(expert_reasons, "timezone", SimpleNamespace(now=lambda: shifted))


def test_reasons_are_stored_as_data_in_no_language(routed):
    r = routed()
    stored = r.request.reasons
    assert r.request.reason == ""
    assert stored[0] == {
        "kind": "accepted_on_tag",
        "count": 2,
        "tag": "kubernetes",
        "last_at": stored[0]["last_at"],
    }
    last_at = dt.datetime.fromisoformat(stored[0]["last_at"])
    assert abs((timezone.now() - last_at).total_seconds()) < 60
    assert stored[-1]["kind"] == "answers_total" and stored[-1]["count"] == 2
    assert stored[-1]["accepted"] == 2
    # nothing worded: the only text is the kind, the tag and timestamps
    for reason in stored:
        texts = {k for k, v in reason.items() if isinstance(v, str)}
        assert texts <= {"kind", "tag", "last_at"}, reason
    text = json.dumps(stored)
    assert " ago" not in text and "most recent" not in text and "réponse" not in text


@pytest.mark.parametrize(
    "routed_in, read_in, expected, other",
    [("en", "fr", FR_NOW, EN_NOW), ("fr", "en", EN_NOW, FR_NOW), ("en", "en", EN_NOW, FR_NOW)],
)
def test_the_page_words_the_reasons_in_the_readers_language(
    routed, routed_in, read_in, expected, other
):
    r = routed(language=routed_in, asker_language=read_in)
    html = page(r.asker, r.question)
    assert expected in html and other not in html
    assert "0 minutes" not in html and "0 minute" not in html


def test_each_reader_reads_the_same_request_in_their_language(routed):
    r = routed(asker_language="en")
    admin = UserFactory(kind="admin", language="fr")
    assert EN_NOW in page(r.asker, r.question)
    html = page(admin, r.question)
    assert FR_NOW in html and EN_NOW not in html


def test_relative_times_are_computed_when_shown(routed, monkeypatch):
    r = routed(asker_language="fr")
    assert FR_NOW in page(r.asker, r.question)
    later(monkeypatch, dt.timedelta(days=21, hours=1))
    html = page(r.asker, r.question)
    assert FR_3W in html and FR_NOW not in html
    r.asker.language = "en"
    r.asker.save(update_fields=["language"])
    assert EN_3W in page(r.asker, r.question)
    # and as of any moment
    request = ExpertRequest.objects.get(pk=r.request.pk)
    now = dt.datetime.fromisoformat(request.reasons[0]["last_at"])
    with translation.override("en"):
        worded = request.worded_reasons(now=now + dt.timedelta(hours=5, minutes=3))
    assert worded[0] == "2 accepted answers on kubernetes, most recent 5\xa0hours ago"
    assert worded[-1] == "2 answers in all (2 accepted), the latest 5\xa0hours ago"


def test_the_api_returns_the_reasons_in_the_requests_language(routed):
    r = routed(asker_language="")  # no saved language: the browser's
    url = f"/api/v1/questions/{r.question.pk}/experts"
    c = Client(HTTP_ACCEPT_LANGUAGE="fr")
    c.force_login(r.asker)
    (item,) = c.get(url).json()
    plain_fr = FR_NOW.replace("&#x27;", "'")
    assert item["reason"] == plain_fr  # the existing field, now in the reader's language
    assert item["reasons"][0] == plain_fr
    assert item["reasons"][-1] == "2 réponses au total (acceptées : 2), la dernière à l'instant"
    assert item["reason_data"] == r.request.reasons
    assert item["expert"]["username"] == r.expert.username and item["round"] == 1
    # a token read with another Accept-Language: English
    _token, secret = create_api_token(r.asker, "script")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    (item,) = token.get(url).json()
    assert item["reason"] == EN_NOW and item["reason_data"] == r.request.reasons
    french_token = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="fr")
    assert french_token.get(url).json()[0]["reason"] == plain_fr


def test_old_free_text_reasons_still_render(client_for):
    asker, expert = employee(language="fr"), employee()
    q = ask(asker, "Where is the VPN configuration?", tags=["vpn"])
    ExpertRequest.objects.filter(question=q).delete()
    # a request made before reasons were data: English text, no data
    ExpertRequest.objects.create(
        question=q, expert=expert, reason="1 accepted answer on vpn, most recent 2 days ago"
    )
    html = page(asker, q)
    assert "1 accepted answer on vpn, most recent 2 days ago" in html
    (item,) = client_for(asker).get(f"/api/v1/questions/{q.pk}/experts").json()
    assert item["reason"] == "1 accepted answer on vpn, most recent 2 days ago"
    assert item["reasons"] == [item["reason"]] and item["reason_data"] == []
    # no reason at all: nothing after the name
    ExpertRequest.objects.filter(question=q).update(reason="")
    (item,) = client_for(asker).get(f"/api/v1/questions/{q.pk}/experts").json()
    assert item["reason"] == "" and item["reasons"] == []


def test_unreadable_data_falls_back_to_the_text_or_nothing():
    asker, expert = employee(), employee()
    q = ask(asker, "Where is the VPN configuration?", tags=["vpn"])
    ExpertRequest.objects.filter(question=q).delete()
    request = ExpertRequest.objects.create(
        question=q,
        expert=expert,
        reason="#vpn",
        reasons=[{"kind": "from_the_future"}, {"kind": "answers_on_tag", "count": "x"}, "text"],
    )
    assert request.worded_reasons() == ["#vpn"]
    request.reasons.append({"kind": "similar_questions"})
    with translation.override("fr"):
        assert request.worded_reasons() == ["A répondu à des questions très proches de celle-ci"]
