"""`agora seed` adds believable requests and offers, some done with thanks, all consistent."""

import io

import pytest
from django.core.management import call_command

from agora.help.models import HelpItem, Response, Thanks
from agora.help.visibility import audience_q

pytestmark = pytest.mark.django_db


def test_seed_creates_help_items_consistent_with_the_rules():
    out = io.StringIO()
    call_command("seed", stdout=out, people=40, no_archive=True)
    assert "Help:" in out.getvalue()
    items = list(HelpItem.objects.prefetch_related("tags"))
    assert len(items) >= 30
    assert {i.kind for i in items} == {"request", "offer"}
    assert all(i.terms.strip() and i.tags.all() for i in items)
    done = [i for i in items if i.status == "done"]
    assert done and all(i.closed_at and i.kind == "request" for i in done)
    assert all(i.thanks.exists() for i in done)
    # French and English both present.
    titles = " ".join(i.title for i in items)
    assert "Quelqu'un" in titles and "Anyone" in titles
    # Nobody thanks or answers themselves, and only people who can see the item take part.
    for thanks in Thanks.objects.select_related("item__community"):
        assert thanks.helper_id != thanks.item.author_id
        assert type(thanks.helper).objects.filter(audience_q(thanks.item), pk=thanks.helper_id)
    for response in Response.objects.select_related("item__community"):
        assert response.user_id != response.item.author_id
    # The search index knows them.
    from agora.search.models import SearchDocument

    assert SearchDocument.objects.filter(doc_type="help").count() == len(items)
