"""Web pages: list with tabs and filters, forms with errors next to fields, detail actions with
and without htmx, and a list page whose query count does not grow with its length."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.help.models import HelpItem, Response, Thanks
from tests.api_factories import employee

from .helpers import make_item

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_nav_and_list_tabs(client_for):
    ana = employee()
    make_item(ana, title="Need a Python mentor", tags=["python"])
    make_item(ana, kind="offer", title="I can lend a projector")
    c = client_for(ana)
    page = c.get("/help/").content.decode()
    assert 'href="/help/"' in page and "Need a Python mentor" in page
    assert "I can lend a projector" not in page
    offers = c.get("/help/?kind=offer").content.decode()
    assert "I can lend a projector" in offers and "Need a Python mentor" not in offers
    fragment = c.get("/help/?q=python", HTTP_HX_TARGET="help-results", **HTMX).content.decode()
    assert fragment.startswith('<div id="help-results"') and "Need a Python mentor" in fragment
    assert "No request matches" in c.get("/help/?tag=rust").content.decode()
    assert "not a valid hashtag" in c.get("/help/?tag=!!").content.decode()


def test_create_form_shows_errors_next_to_fields(client_for):
    ana = employee()
    c = client_for(ana)
    assert c.get("/help/new/?kind=offer").status_code == 200
    r = c.post(
        "/help/new/",
        {"kind": "offer", "title": "Spare bench", "deadline": "2099-01-01", "community": ""},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="id_deadline_error"' in html and "Only a request has a deadline" in html
    r = c.post(
        "/help/new/",
        {
            "kind": "request",
            "title": "Someone with a contact at the tax office?",
            "body": "For the **VAT** refund",
            "tags": "#tax, finance",
            "deadline": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            "community": "",
        },
    )
    item = HelpItem.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/help/{item.pk}/"
    assert sorted(t.name for t in item.tags.all()) == ["finance", "tax"]
    detail = c.get(r["Location"]).content.decode()
    assert "<strong>VAT</strong>" in detail and "Close with a thank-you" in detail


def test_edit_page(client_for):
    ana, bob = employee(), employee()
    item = make_item(ana, title="Old", tags=["a"])
    assert client_for(bob).get(f"/help/{item.pk}/edit/").status_code == 403
    c = client_for(ana)
    assert 'value="a"' in c.get(f"/help/{item.pk}/edit/").content.decode()
    r = c.post(f"/help/{item.pk}/edit/", {"title": "", "body": "", "tags": ""})
    assert 'id="id_title_error"' in r.content.decode()
    r = c.post(f"/help/{item.pk}/edit/", {"title": "New", "body": "", "tags": "b"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.title == "New" and [t.name for t in item.tags.all()] == ["b"]


def test_respond_status_and_thanks_with_htmx(client_for):
    ana, bob = employee(), employee()
    item = make_item(ana, title="Moving boxes on Friday")
    b, a = client_for(bob), client_for(ana)
    html = b.post(f"/help/{item.pk}/respond", {"message": "I have a van"}, **HTMX).content.decode()
    assert html.startswith('<div id="help-item"') and "You offered to help" in html
    again = b.post(f"/help/{item.pk}/respond", {"message": ""}, **HTMX).content.decode()
    assert "You already answered" in again
    html = a.post(f"/help/{item.pk}/status", {"status": "in_progress"}, **HTMX).content.decode()
    assert "In progress" in html and Response.objects.count() == 1
    html = a.post(f"/help/{item.pk}/thank", {"message": "Merci"}, **HTMX).content.decode()
    assert "Choose at least one person" in html  # next to the form, nothing closed
    html = a.post(
        f"/help/{item.pk}/thank", {"helpers": [bob.username], "message": "Merci"}, **HTMX
    ).content.decode()
    assert "Done" in html and Thanks.objects.get().helper == bob
    profile = a.get(f"/people/{bob.username}/").content.decode()
    assert "Thanked once" in profile and "Moving boxes on Friday" in profile


def test_actions_without_htmx_redirect_or_show_errors(client_for):
    ana, bob = employee(), employee()
    item = make_item(ana, title="Moving boxes on Friday")
    r = client_for(bob).post(f"/help/{item.pk}/respond", {"message": "Me"})
    assert r.status_code == 302
    r = client_for(ana).post(f"/help/{item.pk}/thank", {"others": "nobody-here"})
    assert r.status_code == 200 and "No one who can see this request" in r.content.decode()
    r = client_for(bob).post(f"/help/{item.pk}/status", {"status": "done"})
    assert r.status_code == 200 and "Only the author" in r.content.decode()
    r = client_for(ana).post(f"/help/{item.pk}/thank", {"others": bob.username})
    assert r.status_code == 302
    assert HelpItem.objects.get().status == "done"


def test_matches_fragment(client_for):
    ana, bob = employee(), employee()
    make_item(bob, kind="offer", title="I review French contracts", tags=["contrats"])
    request = make_item(ana, title="French contract review", tags=["contrats"])
    html = client_for(ana).get(f"/help/{request.pk}/matches/", **HTMX).content.decode()
    assert bob.username in html and "#contrats" in html


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/help/")
    assert r.status_code == 200
    return len(ctx)


def test_list_page_query_count_does_not_grow(client_for):
    ana = employee()
    c = client_for(ana)
    for i in range(2):
        make_item(employee(), title=f"Request {i}", tags=["a", f"t{i}"])
    few = _list_queries(c)
    for i in range(2, 15):
        item = make_item(employee(), title=f"Request {i}", tags=["a", f"t{i}"])
        Response.objects.create(item=item, user=ana)
    assert _list_queries(c) == few
