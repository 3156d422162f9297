"""Who may create, edit, move, answer and close requests and offers, and how thanks work."""

import datetime as dt

import pytest
from django.utils import timezone

from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.help import services, thanks
from agora.help.models import HelpItem, Response, Thanks
from tests.api_factories import add_member, employee, guest, make_community

from .helpers import make_item

pytestmark = pytest.mark.django_db
Status = HelpItem.Status


def test_create_request_renders_markdown_and_collects_tags():
    ana = employee()
    item = make_item(
        ana,
        title="Someone who knows French labour law?",
        body="We hire in **Lyon**, see #droit-social",
        tags=["#contrats", "Contrats", "lyon"],
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    item.refresh_from_db()
    assert item.status == Status.OPEN
    assert "<strong>Lyon</strong>" in item.body_html
    assert sorted(t.name for t in item.tags.all()) == ["contrats", "droit-social", "lyon"]
    # Stems of title, body and tags: "contrats" is findable as "contrat".
    assert " contrat " in item.terms


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "offer", "deadline": dt.date(2099, 1, 1)}, "deadline"),
        ({"deadline": dt.date(2000, 1, 1)}, "deadline"),
        ({"availability": "Fridays"}, "availability"),
        ({"tags": ["not a tag!"]}, "tags"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
        ({"body": "nul \x00 byte"}, "body"),
    ],
)
def test_create_rejects_bad_fields(kwargs, field):
    data = {"kind": "request", "title": "Help"} | kwargs
    with pytest.raises(Invalid) as caught:
        services.create_item(employee(), **data)
    assert field in caught.value.fields


def test_unknown_kind_is_invalid():
    with pytest.raises(Invalid) as caught:
        services.create_item(employee(), kind="gift", title="x")
    assert "kind" in caught.value.fields


def test_guest_must_choose_one_of_their_communities():
    owner, visitor = employee(), guest()
    extranet = make_community(owner, kind="secret")
    with pytest.raises(Invalid) as caught:
        services.create_item(visitor, kind="request", title="Access to the portal")
    assert "community" in caught.value.fields
    with pytest.raises(Forbidden):
        services.create_item(visitor, kind="request", title="Access", community=extranet)
    add_member(extranet, visitor)
    item = make_item(visitor, title="Access to the portal", community=extranet)
    assert item.community == extranet


def test_only_members_post_in_a_community_even_an_open_one():
    owner, outsider = employee(), employee()
    open_one = make_community(owner, kind="open")
    with pytest.raises(Forbidden):
        services.create_item(outsider, kind="offer", title="Spare bench", community=open_one)


def test_only_the_author_edits():
    ana, bob = employee(), employee()
    item = make_item(ana, title="Old title", tags=["a"])
    with pytest.raises(Forbidden):
        services.edit_item(bob, item.pk, {"title": "Mine now"})
    edited = services.edit_item(ana, item.pk, {"title": "New title", "tags": ["b", "c"]})
    assert edited.title == "New title"
    assert [t.name for t in edited.tags.all()] == ["b", "c"]
    assert " new " in HelpItem.objects.get(pk=item.pk).terms


def test_edit_keeps_an_unchanged_past_deadline_but_refuses_unknown_fields():
    ana = employee()
    item = make_item(ana, deadline=timezone.localdate() + dt.timedelta(days=1))
    HelpItem.objects.filter(pk=item.pk).update(deadline=dt.date(2020, 1, 1))
    services.edit_item(ana, item.pk, {"title": "Still needed", "deadline": dt.date(2020, 1, 1)})
    with pytest.raises(Invalid):
        services.edit_item(ana, item.pk, {"deadline": dt.date(2020, 1, 2)})
    with pytest.raises(Invalid):
        services.edit_item(ana, item.pk, {"kind": "offer"})


def test_status_transitions():
    ana, bob = employee(), employee()
    item = make_item(ana)
    with pytest.raises(Forbidden):
        services.set_status(bob, item.pk, Status.DONE)
    with pytest.raises(Invalid):
        services.set_status(ana, item.pk, "finished")
    moved = services.set_status(ana, item.pk, Status.IN_PROGRESS)
    assert moved.status == Status.IN_PROGRESS and moved.closed_at is None
    done = services.set_status(ana, item.pk, Status.DONE)
    assert done.closed_at is not None
    # A closed item only reopens.
    with pytest.raises(Conflict):
        services.set_status(ana, item.pk, Status.WITHDRAWN)
    reopened = services.set_status(ana, item.pk, Status.OPEN)
    assert reopened.status == Status.OPEN and reopened.closed_at is None
    withdrawn = services.set_status(ana, item.pk, Status.WITHDRAWN)
    assert withdrawn.closed_at is not None
    # The same status again changes nothing.
    assert services.set_status(ana, item.pk, Status.WITHDRAWN).closed_at == withdrawn.closed_at


def test_respond_rules():
    ana, bob = employee(), employee()
    item = make_item(ana)
    with pytest.raises(Forbidden):
        thanks.respond(ana, item.pk, "me!")
    thanks.respond(bob, item.pk, "I did this last year")
    with pytest.raises(Conflict):
        thanks.respond(bob, item.pk)
    thanks.withdraw_response(bob, item.pk)
    assert not Response.objects.exists()
    with pytest.raises(NotFound):
        thanks.withdraw_response(bob, item.pk)
    services.set_status(ana, item.pk, Status.DONE)
    with pytest.raises(Conflict):
        thanks.respond(bob, item.pk)


def test_thanks_close_the_request_and_are_given_once():
    ana, bob, cyd = employee(), employee(), employee()
    item = make_item(ana)
    thanks.respond(bob, item.pk)
    created = thanks.thank(ana, item.pk, [bob.username, cyd.username], "Merci !")
    assert {t.helper for t in created} == {bob, cyd}
    item.refresh_from_db()
    assert item.status == Status.DONE and item.closed_at is not None
    with pytest.raises(Invalid):
        thanks.thank(ana, item.pk, [bob.username])
    assert Thanks.objects.count() == 2


@pytest.mark.parametrize("who", ["self", "unknown", "nobody", "outsider"])
def test_thanks_need_real_visible_helpers(who):
    owner, ana = employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, ana)
    item = make_item(ana, community=secret)
    outsider = employee()
    names = {
        "self": [ana.username],
        "unknown": ["ghost"],
        "nobody": [],
        "outsider": [outsider.username],  # cannot see the request
    }[who]
    with pytest.raises(Invalid) as caught:
        thanks.thank(ana, item.pk, names)
    assert "helpers" in caught.value.fields
    assert not Thanks.objects.exists()


def test_only_the_author_thanks_and_only_on_requests():
    ana, bob = employee(), employee()
    request = make_item(ana)
    offer = make_item(ana, kind="offer", title="I can review SQL")
    with pytest.raises(Forbidden):
        thanks.thank(bob, request.pk, [ana.username])
    with pytest.raises(Invalid):
        thanks.thank(ana, offer.pk, [bob.username])
    services.set_status(ana, request.pk, Status.WITHDRAWN)
    with pytest.raises(Conflict):
        thanks.thank(ana, request.pk, [bob.username])


def test_admins_and_moderators_hide_and_restore(admin_user):
    owner, ana, bob = employee(), employee(), employee()
    community = make_community(owner, kind="open")
    add_member(community, ana)
    item = make_item(ana, community=community)
    with pytest.raises(Forbidden):
        services.set_hidden(bob, item.pk, True)
    services.set_hidden(owner, item.pk, True)  # the community's owner moderates it
    with pytest.raises(NotFound):
        services.access_item(ana, item.pk)
    with pytest.raises(NotFound):
        services.set_hidden(bob, item.pk, False)  # no longer visible: not even Forbidden
    services.set_hidden(admin_user, item.pk, False)
    assert services.access_item(ana, item.pk).hidden_at is None


def test_thanks_on_profile_counts_all_but_shows_only_visible_requests():
    owner, ana, bob, viewer = employee(), employee(), employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, ana)
    add_member(secret, bob)
    hidden_request = make_item(ana, title="Secret budget", community=secret)
    public_request = make_item(ana, title="Public thing")
    thanks.thank(ana, hidden_request.pk, [bob.username], "secret words")
    thanks.thank(ana, public_request.pk, [bob.username], "public words")
    summary = thanks.thanks_received(viewer, bob)
    assert summary.count == 2
    visible = {t.item.title for t in summary.latest if t.item_visible}
    assert visible == {"Public thing"}
    assert thanks.thanks_received(ana, bob).count == 2
    assert all(t.item_visible for t in thanks.thanks_received(ana, bob).latest)
