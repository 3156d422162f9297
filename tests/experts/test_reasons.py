"""The expert finder's reasons: data (reasons.from_evidence) worded in the active language
(reasons.word) with relative times as of when they are shown; "just now" for evidence seconds
old rather than "0 minutes ago". The live page, API and command word them in their language."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from agora.experts import reasons
from agora.experts.services import find_experts
from tests.api_factories import employee

from .helpers import answered

pytestmark = pytest.mark.django_db


NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def at(**delta) -> str:
    return (NOW - dt.timedelta(**delta)).isoformat()


def en(data, now=NOW):
    with translation.override("en"):
        return reasons.word(data, now)


def fr(data, now=NOW):
    with translation.override("fr"):
        return reasons.word(data, now)


def test_each_kind_in_english_and_french_with_plurals():
    data = [
        {"kind": "accepted_on_tag", "count": 1, "tag": "rh", "last_at": at(days=22)},
        {"kind": "accepted_on_tag", "count": 12, "tag": "kubernetes", "last_at": at(days=22)},
        {"kind": "answers_on_tag", "count": 1, "tag": "vpn", "last_at": at(hours=3)},
        {"kind": "answers_on_tag", "count": 3, "tag": "vpn", "last_at": at(hours=3)},
        {"kind": "similar_questions"},
        {"kind": "skill", "skill": "Terraform", "level": 3, "endorsements": 2},
        {"kind": "skill", "skill": "Terraform", "level": 3, "endorsements": 0},
        {"kind": "answers_total", "count": 5, "accepted": 2, "last_at": at(days=400)},
    ]
    assert en(data) == [
        "1 accepted answer on rh, most recent 3\xa0weeks ago",
        "12 accepted answers on kubernetes, most recent 3\xa0weeks ago",
        "1 answer on vpn, most recent 3\xa0hours ago",
        "3 answers on vpn, most recent 3\xa0hours ago",
        "Answered questions much like this one",
        "Skill: Terraform (Advanced), endorsed by 2 colleagues",
        "Skill: Terraform (Advanced)",
        "5 answers in all (2 accepted), the latest 1\xa0year ago",
    ]
    worded = fr(data)
    assert worded[0] == "1 réponse acceptée sur rh, il y a 3\xa0semaines"
    assert worded[1] == "12 réponses acceptées sur kubernetes, la plus récente il y a 3\xa0semaines"
    assert worded[3] == "3 réponses sur vpn, la plus récente il y a 3\xa0heures"
    assert worded[4] == "A répondu à des questions très proches de celle-ci"
    assert worded[5].startswith("Compétence : Terraform (") and "2 collègues" in worded[5]
    assert worded[7] == "5 réponses au total (acceptées : 2), la dernière il y a 1\xa0année"


@pytest.mark.parametrize("seconds", [0, 5, 59, -30])  # -30: a clock a little ahead
def test_evidence_seconds_old_reads_just_now(seconds):
    data = [
        {"kind": "accepted_on_tag", "count": 1, "tag": "rh", "last_at": at(seconds=seconds)},
        {"kind": "answers_on_tag", "count": 2, "tag": "vpn", "last_at": at(seconds=seconds)},
        {"kind": "answers_total", "count": 1, "accepted": 1, "last_at": at(seconds=seconds)},
    ]
    assert en(data) == [
        "1 accepted answer on rh, most recent just now",
        "2 answers on vpn, most recent just now",
        "1 answer in all (1 accepted), the latest just now",
    ]
    assert fr(data) == [
        "1 réponse acceptée sur rh, à l'instant",
        "2 réponses sur vpn, la plus récente à l'instant",
        "1 réponse au total (acceptées : 1), à l'instant",
    ]
    assert not any("0 minute" in r or "0\xa0minute" in r for r in en(data) + fr(data))


def test_a_minute_old_is_a_minute_ago():
    data = [{"kind": "answers_on_tag", "count": 2, "tag": "vpn", "last_at": at(seconds=61)}]
    assert en(data) == ["2 answers on vpn, most recent 1\xa0minute ago"]
    assert fr(data) == ["2 réponses sur vpn, la plus récente il y a 1\xa0minute"]


def test_the_same_data_ages_with_the_moment_they_are_worded():
    data = [{"kind": "accepted_on_tag", "count": 2, "tag": "rh", "last_at": NOW.isoformat()}]
    assert en(data) == ["2 accepted answers on rh, most recent just now"]
    assert en(data, NOW + dt.timedelta(days=15)) == [
        "2 accepted answers on rh, most recent 2\xa0weeks ago"
    ]


def test_unknown_or_broken_reasons_are_left_out():
    data = [
        {"kind": "something_new", "count": 1},
        {"kind": "accepted_on_tag", "count": 1},
        None,
        "free text",
        {"kind": "skill", "skill": "Go", "level": 99},
        {"kind": "similar_questions"},
    ]
    assert en(data) == ["Answered questions much like this one"]
    assert reasons.word_one({"kind": "nope"}) == ""


@pytest.fixture
def k8s():
    asker, expert = employee(), employee()
    for i in range(2):
        answered(expert, asker, f"Kubernetes pod crash loop {i}", tags=["kubernetes"])
    return expert


def test_results_carry_the_data_and_the_words_of_the_active_language(k8s):
    with translation.override("fr"):
        (result,) = find_experts(employee(), "", ["kubernetes"])
    assert result.user == k8s
    assert result.reasons[0] == "2 réponses acceptées sur kubernetes, la plus récente à l'instant"
    kind = result.reason_data[0]
    assert kind["kind"] == "accepted_on_tag" and kind["count"] == 2 and kind["tag"] == "kubernetes"
    last_at = dt.datetime.fromisoformat(kind["last_at"])
    assert abs((timezone.now() - last_at).total_seconds()) < 60
    # the data say it again in any language
    assert en(result.reason_data, timezone.now())[0] == (
        "2 accepted answers on kubernetes, most recent just now"
    )
    with translation.override("en"):
        (result,) = find_experts(employee(), "", ["kubernetes"])
    assert result.reasons[0] == "2 accepted answers on kubernetes, most recent just now"


def test_the_api_and_page_word_reasons_in_the_readers_language(k8s):
    french = Client(HTTP_ACCEPT_LANGUAGE="fr")
    french.force_login(employee())
    (row,) = french.get("/api/v1/experts", {"tags": "kubernetes"}).json()
    assert row["reasons"][0] == "2 réponses acceptées sur kubernetes, la plus récente à l'instant"
    assert row["reason_data"][0]["kind"] == "accepted_on_tag"
    assert row["evidence"]["tags"]["kubernetes"]["accepted"] == 2
    english = Client()
    english.force_login(employee(language="en"))
    (row,) = english.get("/api/v1/experts", {"tags": "kubernetes"}).json()
    assert row["reasons"][0] == "2 accepted answers on kubernetes, most recent just now"
    page = Client()
    page.force_login(employee(language="fr"))
    html = page.get("/experts/", {"tags": "kubernetes"}).content.decode()
    assert "2 réponses acceptées sur kubernetes, la plus récente à l&#x27;instant" in html


def test_the_command_words_reasons_in_its_language(k8s, capsys):
    with translation.override("en"):  # the active language (LANGUAGE_CODE in a shell)
        call_command("experts", "--tags", "kubernetes", "--json")
    (row,) = json.loads(capsys.readouterr().out)
    assert row["reasons"][0] == "2 accepted answers on kubernetes, most recent just now"
    assert row["reason_data"][0]["kind"] == "accepted_on_tag"
    call_command("experts", "--tags", "kubernetes", "--json", "--language", "fr")
    (row,) = json.loads(capsys.readouterr().out)
    assert row["reasons"][0] == "2 réponses acceptées sur kubernetes, la plus récente à l'instant"
    with translation.override("en"):
        call_command("experts", "--tags", "kubernetes", "--language", "fr")
        assert translation.get_language() == "en"
    assert "- 2 réponses acceptées sur kubernetes" in capsys.readouterr().out
    with translation.override("fr"):
        call_command("experts", "--tags", "kubernetes")
    assert "- 2 réponses acceptées sur kubernetes" in capsys.readouterr().out
