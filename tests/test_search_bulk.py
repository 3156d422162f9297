"""Search at scale: bounded candidate sets, honest counts, bulk indexing and the reindex."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from agora.conversations import services as conv
from agora.conversations.models import Comment, Post
from agora.moderation import services as moderation
from agora.search import backends, registry, services
from agora.search.indexing import index_many, reindex_all
from agora.search.models import SearchDocument
from tests.api_factories import committed, make_community
from tests.conversation_factories import PostFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db):
    return UserFactory(username="ana", kind="employee")


def post(author, body, title="", kind="post", community=None, **extra):
    with committed():
        return PostFactory(
            author=author, body=body, title=title, kind=kind, community=community, **extra
        )


def ids(result):
    return [h.id for h in result.items]


@pytest.fixture
def small_bound(monkeypatch):
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    monkeypatch.setattr(backends, "TITLE_CANDIDATES", 2)
    monkeypatch.setattr(backends, "OR_CANDIDATES", 3)


def test_capped_count_is_a_lower_bound_of_visible_documents(ana, small_bound):
    club = make_community(ana, kind="open", name="Club")
    now = timezone.now()
    made = [
        post(ana, f"Tournoi de pétanque numéro {i}", created_at=now - dt.timedelta(days=i))
        for i in range(6)
    ]
    in_club = post(ana, "Tournoi de pétanque au club", community=club)
    with committed():
        moderation.set_hidden(ana, True, post_id=in_club.pk)
    result = services.search(ana, "petanque", limit=20)
    assert result.count_capped
    assert in_club.pk not in ids(result)
    # The newest matches were scored; the hidden one is not counted.
    assert result.count == len(result.items) == 2
    assert set(ids(result)) <= {p.pk for p in made}


def test_uncapped_count_is_exact(ana, small_bound):
    a = post(ana, "Covoiturage lundi")
    b = post(ana, "Covoiturage mardi")
    result = services.search(ana, "covoiturage")
    assert not result.count_capped and result.count == 2
    assert set(ids(result)) == {a.pk, b.pk}


def test_an_old_title_match_still_competes_beyond_the_bound(ana, small_bound):
    now = timezone.now()
    old = post(
        ana,
        "Notes",
        title="Procédure d'inventaire",
        kind="article",
        created_at=now - dt.timedelta(days=700),
    )
    for i in range(5):
        post(ana, f"On parle d'inventaire ici, fil {i}")
    result = services.search(ana, "inventaire", limit=20)
    assert result.count_capped
    assert ids(result)[0] == old.pk


def test_api_says_when_the_count_is_a_lower_bound(client_for, ana, small_bound):
    for i in range(5):
        post(ana, f"Réunion budget {i}")
    body = client_for(ana).get("/api/v1/search", {"q": "budget"}).json()
    assert body["count_capped"] is True and body["count"] == 3
    page = client_for(ana).get("/search/", {"q": "budget"}).content.decode()
    assert "3+" in page


def test_reindex_gives_ids_in_creation_order_across_types(ana):
    now = timezone.now()
    old_post = post(ana, "Archive ancienne", created_at=now - dt.timedelta(days=300))
    new_post = post(ana, "Nouvelle affaire", created_at=now - dt.timedelta(days=1))
    with committed():
        comment = conv.add_comment(ana, old_post.pk, "Commentaire récent")
    Comment.objects.filter(pk=comment.pk).update(created_at=now - dt.timedelta(days=100))
    assert reindex_all() > 0
    docs = list(SearchDocument.objects.filter(doc_type__in=["post", "comment"]).order_by("id"))
    assert [(d.doc_type, d.object_id) for d in docs] == [
        ("post", old_post.pk),
        ("comment", comment.pk),
        ("post", new_post.pk),
    ]
    assert [h.id for h in services.search(ana, "archive").items] == [old_post.pk]


def test_bulk_builders_match_the_model_builders(ana):
    club = make_community(ana, kind="open", name="Club")
    p = post(ana, "Un article sur la sécurité", title="Sécurité", kind="article", community=club)
    q = post(ana, "We talk about security here")
    with committed():
        c = conv.add_comment(ana, q.pk, "Réponse en français sur la sécurité")
    for doc_type in registry.all_types():
        if not doc_type.bulk_values:
            continue
        objects = {o.pk: o for o in doc_type.queryset()}
        rows = list(doc_type.queryset().values(*doc_type.bulk_values))
        assert rows, doc_type.name
        for row in rows:
            assert doc_type.build_values(row) == doc_type.build(objects[row["id"]]), doc_type.name
    assert {p.pk, q.pk} <= set(Post.objects.values_list("pk", flat=True))
    assert Comment.objects.filter(pk=c.pk).exists()


def test_index_many_indexes_and_removes_in_bulk(ana, django_assert_max_num_queries):
    posts = [post(ana, f"Plan de continuité {i}") for i in range(5)]
    with committed():
        comment = conv.add_comment(ana, posts[0].pk, "Continuité assurée")
    SearchDocument.objects.all().delete()
    assert services.search(ana, "continuite").count == 0
    Post.objects.filter(pk=posts[1].pk).update(deleted_at=timezone.now())
    objects = list(registry.get("post").queryset().model.objects.select_related("author"))
    objects += list(Comment.objects.select_related("post", "author"))
    with django_assert_max_num_queries(20):
        written = index_many(objects)
    assert written == 5  # four live posts and the comment
    found = {(h.type, h.id) for h in services.search(ana, "continuite", limit=50).items}
    assert found == {("post", p.pk) for p in posts if p.pk != posts[1].pk} | {
        ("comment", comment.pk)
    }
    # Indexing again replaces, never duplicates.
    index_many(objects)
    assert SearchDocument.objects.filter(doc_type="post").count() == 4


def test_a_type_without_prefilter_is_still_found_and_checked(ana, monkeypatch):
    plain = registry.get("post")
    monkeypatch.setattr(plain, "prefilter", None)
    secret = make_community(ana, kind="secret", name="Secret")
    p = post(ana, "Projet confidentiel", community=secret)
    outsider = UserFactory(username="outsider", kind="employee")
    assert ids(services.search(ana, "confidentiel")) == [p.pk]
    result = services.search(outsider, "confidentiel")
    assert ids(result) == [] and result.count == 0


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")


@sqlite_only
def test_reindex_refreshes_the_statistics_of_fts5_tables(ana):
    """Statistics taken while the index was empty (an ANALYZE of the whole database before
    the reindex) made SQLite scan FTS5's data table on every segment merge; the reindex
    takes them again, so the planner sees the index as it is."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # the index is empty: search_fts_data holds its 2 header rows
    for i in range(30):
        post(ana, f"release planning {i} for the quarterly review")
    reindex_all()
    with connection.cursor() as cur:
        for table in backends.SQLITE_FTS_SHADOW_TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            rows = cur.fetchone()[0]
            cur.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [table])
            stat = cur.fetchone()
            assert stat is None or int(stat[0].split()[0]) == rows, (table, stat, rows)
        cur.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
        assert "prefix = '3 4 5'" in cur.fetchone()[0]


@sqlite_only
def test_the_rebuild_seeks_fts5_segments_whatever_stale_statistics_say(ana):
    """FTS5 merges segments while the index is rebuilt, deleting each merged range of its
    data table by rowid; statistics taken while that table was empty ("2 rows") made SQLite
    scan the whole table for each, so the reindex forgets them before it rebuilds."""
    for i in range(5):
        post(ana, f"release planning {i}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        cur.execute("ANALYZE")  # search_fts_data: its 2 header rows
        cur.execute("EXPLAIN QUERY PLAN DELETE FROM search_fts_data WHERE id>=1 AND id<=2")
        assert "SCAN" in cur.fetchall()[-1][-1]  # what the merges did
    backends.before_bulk_load()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN DELETE FROM search_fts_data WHERE id>=1 AND id<=2")
        assert "INTEGER PRIMARY KEY" in cur.fetchall()[-1][-1]
    assert reindex_all() > 0
    assert [h.id for h in services.search(ana, "planning").items]
