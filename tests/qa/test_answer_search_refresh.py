"""An answer's search document is titled as its question: editing the question's title must
rebuild the answers' documents, so the new title finds them and the old one no longer does."""

import pytest

from agora.conversations import services as posts
from agora.qa import services
from agora.search.models import SearchDocument
from agora.search.services import Filters, search
from tests.api_factories import committed, employee
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db

ANSWERS = Filters(types=["answer"])


def _found(viewer, words):
    return [(h.id, h.title) for h in search(viewer, words, ANSWERS).items]


def test_editing_the_question_title_refreshes_its_answers_documents():
    ana, bob, reader = employee(), employee(), employee()
    q = ask(ana, "How do I rotate the VPN certificates?", "They expired today.")
    a = answer(bob, q, "Run the renewal script, then restart the gateway.")
    other = answer(employee(), q, "Ask the network team.")
    old_title = "How do I rotate the VPN certificates?"
    assert set(_found(reader, "certificates")) == {(a.pk, old_title), (other.pk, old_title)}

    new_title = "How do I renew the gateway keystore?"
    with committed():
        services.edit_question(ana, q.pk, title=new_title, body="The keystore expired today.")
    assert set(_found(reader, "keystore")) == {(a.pk, new_title), (other.pk, new_title)}
    assert _found(reader, "certificates") == []
    assert set(
        SearchDocument.objects.filter(doc_type="answer").values_list("object_id", "title_text")
    ) == {(a.pk, new_title), (other.pk, new_title)}
    # the answer's own text is still found
    assert [h.id for h in search(reader, "restart", ANSWERS).items] == [a.pk]


def test_a_body_only_edit_keeps_the_answers_documents_and_a_deleted_question_drops_them():
    ana, bob, reader = employee(), employee(), employee()
    q = ask(ana, "How do I rotate the VPN certificates?")
    a = answer(bob, q)
    with committed():
        services.edit_question(ana, q.pk, body="Still expired, any idea?")
    assert [h.id for h in search(reader, "certificates", ANSWERS).items] == [a.pk]
    with committed():
        posts.delete_post(ana, q.pk)
    assert not SearchDocument.objects.filter(doc_type="answer", object_id=a.pk).exists()
