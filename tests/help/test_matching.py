"""Proposals: people for a request (offers and the expert finder), requests for an offer.
Never someone who can't see the item, never an item the viewer can't see."""

import pytest

from agora.help import matching
from tests.api_factories import add_member, employee, guest, make_community
from tests.factories import set_profile

from .helpers import answered_on, make_item

pytestmark = pytest.mark.django_db


def _people(viewer, item):
    return {m.user.username: m for m in matching.people_for_request(viewer, item)}


def test_offer_matches_request_on_tags_and_words_with_reasons():
    ana, bob, cyd = employee(), employee(), employee()
    offer = make_item(bob, kind="offer", title="I can review French contracts", tags=["contrats"])
    make_item(cyd, kind="offer", title="Spare oscilloscope in Grenoble", tags=["labo"])
    request = make_item(
        ana,
        title="Need someone to review a contract in French",
        body="A supplier contract, 12 pages.",
        tags=["contrats"],
    )
    found = _people(ana, request)
    assert list(found) == [bob.username]
    match = found[bob.username]
    assert match.offer == offer
    assert any("#contrats" in r for r in match.reasons)
    assert any("review" in r or "contract" in r for r in match.reasons)

    offers = matching.requests_for_offer(bob, offer)
    assert [m.item for m in offers] == [request]
    assert offers[0].reasons


def test_words_alone_match_across_languages():
    ana, bob = employee(), employee()
    make_item(bob, kind="offer", title="Relecture de contrats commerciaux en anglais")
    request = make_item(ana, title="Relire un contrat commercial avant vendredi")
    assert bob.username in _people(ana, request)


def test_unrelated_items_do_not_match():
    ana, bob = employee(), employee()
    make_item(bob, kind="offer", title="Spare test bench", tags=["hardware"])
    request = make_item(ana, title="Contact at the tax office", tags=["tax"])
    assert _people(ana, request) == {}


def test_closed_offers_and_own_offers_are_not_proposed():
    from agora.help import services

    ana, bob = employee(), employee()
    mine = make_item(ana, kind="offer", title="Python reviews", tags=["python"])
    theirs = make_item(bob, kind="offer", title="Python reviews", tags=["python"])
    services.set_status(bob, theirs.pk, "withdrawn")
    request = make_item(ana, title="Python review needed", tags=["python"])
    assert _people(ana, request) == {}
    assert mine.pk not in [m.item.pk for m in matching.requests_for_offer(ana, mine)]


def test_expert_finder_people_are_proposed_unless_they_opted_out():
    ana, expert, shy = employee(), employee(), employee()
    answered_on(expert, "kubernetes")
    answered_on(shy, "kubernetes")
    set_profile(shy, expert_suggestible=False)
    request = make_item(ana, title="Our cluster keeps restarting", tags=["kubernetes"])
    found = _people(ana, request)
    assert expert.username in found
    assert found[expert.username].reasons
    assert shy.username not in found
    assert ana.username not in found


def test_people_who_cannot_see_a_secret_request_are_never_proposed():
    owner, ana, member, outsider, expert = (employee() for _ in range(5))
    secret = make_community(owner, kind="secret")
    add_member(secret, ana)
    add_member(secret, member)
    make_item(outsider, kind="offer", title="Budget spreadsheets", tags=["budget"])
    make_item(member, kind="offer", title="Budget spreadsheets", tags=["budget"])
    answered_on(expert, "budget")
    request = make_item(ana, title="Budget spreadsheet help", tags=["budget"], community=secret)
    found = _people(ana, request)
    assert member.username in found
    assert outsider.username not in found
    assert expert.username not in found


def test_offer_never_reveals_a_request_the_viewer_or_the_offerer_cannot_see():
    owner, ana, bob, viewer = employee(), employee(), employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, ana)
    secret_request = make_item(ana, title="SQL tuning", tags=["sql"], community=secret)
    public_request = make_item(ana, title="SQL tuning too", tags=["sql"])
    offer = make_item(bob, kind="offer", title="SQL tuning", tags=["sql"])
    # The offerer is not in the secret community: only the public request.
    assert [m.item for m in matching.requests_for_offer(bob, offer)] == [public_request]
    add_member(secret, bob)
    # A viewer who can't see the secret request does not see it proposed either.
    assert [m.item for m in matching.requests_for_offer(viewer, offer)] == [public_request]
    assert secret_request in [m.item for m in matching.requests_for_offer(bob, offer)]


def test_guest_only_sees_matches_inside_their_community():
    owner, visitor, colleague, other = employee(), guest(), employee(), employee()
    extranet = make_community(owner, kind="secret")
    add_member(extranet, visitor)
    add_member(extranet, colleague)
    make_item(other, kind="offer", title="Portal access support", tags=["portal"])
    inside = make_item(
        colleague, kind="offer", title="Portal access support", tags=["portal"], community=extranet
    )
    request = make_item(visitor, title="Portal access", tags=["portal"], community=extranet)
    found = _people(visitor, request)
    assert list(found) == [colleague.username]
    assert found[colleague.username].offer == inside
