"""Writing a comment or a reaction costs a fixed, small number of queries: the comment row is
written once (rendered before the INSERT), so it is indexed for search once, and the post is
read without the card shaping neither shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.search.models import SearchDocument
from tests.api_factories import committed, employee, make_post, send

pytestmark = pytest.mark.django_db


def _comment(client, post, body):
    with CaptureQueriesContext(connection) as ctx, committed():
        response = send(client, "post", f"/api/v1/posts/{post.pk}/comments", {"body": body})
    assert response.status_code == 201
    return response.json(), ctx.captured_queries


def test_a_comment_is_written_and_indexed_once(client_for):
    author, reader, friend = employee(), employee(), employee()
    post = make_post(author, "Lunch on Friday?")
    client = client_for(reader)
    _comment(client, post, "warm-up")
    body, queries = _comment(client, post, f"Count me in, @{friend.username} too")
    assert f'href="/people/{friend.username}/"' in body["body_html"]
    sql = [q["sql"] for q in queries]
    assert not [s for s in sql if s.startswith('UPDATE "conversations_comment"')]
    index_writes = [
        s for s in sql if s.startswith(("INSERT", "UPDATE")) and "search_searchdocument" in s
    ]
    assert len(index_writes) == 1, index_writes
    assert not [s for s in sql if "conversations_attachment" in s]  # no card shaping
    assert SearchDocument.objects.filter(doc_type="comment", object_id=body["id"]).count() == 1


def test_comment_queries_do_not_grow_with_the_post(client_for):
    author, reader = employee(), employee()
    post = make_post(author, "A busy thread #lunch")
    client = client_for(reader)
    _comment(client, post, "first")
    _, few = _comment(client, post, "second")
    for i in range(10):
        _comment(client_for(employee()), post, f"more {i}")
    _, many = _comment(client, post, "third")
    assert len(many) == len(few)


def test_reacting_reads_the_post_without_card_shaping(client_for):
    author, reader = employee(), employee()
    post = make_post(author, "React to me")
    client = client_for(reader)
    url = f"/api/v1/posts/{post.pk}/reaction"
    send(client, "put", url, {"kind": "like"})
    with CaptureQueriesContext(connection) as ctx, committed():
        response = send(client, "put", url, {"kind": "celebrate"})
    assert response.status_code == 200
    assert not [q for q in ctx.captured_queries if "conversations_attachment" in q["sql"]]
    assert len(ctx.captured_queries) <= 10


def test_a_new_post_looks_up_its_search_documents_once(client_for):
    """A post model has several document types (post, article, question): their current
    documents are read in one query, not one per type."""
    author = employee()
    client = client_for(author)
    with CaptureQueriesContext(connection) as ctx, committed():
        response = send(client, "post", "/api/v1/posts", {"body": "Quarterly numbers are out"})
    assert response.status_code == 201
    lookups = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "search_searchdocument"' in q["sql"]
    ]
    assert len(lookups) == 1, lookups
    assert SearchDocument.objects.filter(doc_type="post", object_id=response.json()["id"]).exists()
