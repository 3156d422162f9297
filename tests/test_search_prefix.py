"""Search-as-you-type: the header's suggestions match the word being typed as a prefix.

Like the other search tests these run on SQLite (FTS5 `"term"*`) and on PostgreSQL
(`to_tsquery('simple', 'term:*')`), DATABASE_URL choosing: the same assertions on the same
corpus prove that both engines find, and order, the same documents.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from agora.core import compiled
from agora.search import backends, services
from agora.search.analysis import (
    MAX_QUERY_TERMS,
    MIN_PREFIX_CHARS,
    ParsedQuery,
    is_prefix,
    stems,
)
from agora.search.models import SearchDocument
from tests.api_factories import committed, make_community, make_post
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


def suggested(viewer, q, **kwargs):
    return [h.id for h in services.suggest(viewer, q, **kwargs)]


def searched(viewer, q):
    return [h.id for h in services.search(viewer, q, limit=100).items]


@pytest.fixture
def corpus(ana):
    c = type("Corpus", (), {})()
    c.projet = post(ana, "Point d'étape sur le projet portail")
    c.projects = post(ana, "Two projects are starting this quarter")
    c.kubernetes = post(ana, "Notes", title="Kubernetes en production", kind="article")
    c.reunion = post(ana, "Compte rendu de la réunion de lundi")
    c.developpeuse = post(ana, "Nous recrutons une développeuse backend")
    c.developers = post(ana, "Our developers ship on Fridays")
    c.other = post(ana, "Rien à voir avec le reste")
    return c


# --- parsing ----------------------------------------------------------------------------------


def test_the_last_word_is_a_folded_unstemmed_prefix_and_earlier_words_are_whole():
    q = ParsedQuery("Projets RÉU", prefix=True)
    assert q.groups == [stems("projets"), ("reu*",)]
    assert ParsedQuery("dévelop", prefix=True).groups == [("develop*",)]
    # A whole word typed to its end still finds what the whole-word search finds.
    assert ParsedQuery("kubernetes", prefix=True).groups == [("kubernet", "kubernetes*")]


def test_without_prefix_or_after_a_space_every_word_is_whole():
    assert ParsedQuery("proj").groups == [stems("proj")]
    assert ParsedQuery("proj ", prefix=True).groups == [stems("proj")]
    assert ParsedQuery("proj\t", prefix=True).groups == [stems("proj")]


def test_a_short_last_word_is_a_whole_word():
    assert MIN_PREFIX_CHARS == 3
    assert ParsedQuery("projet p", prefix=True).groups == [stems("projet"), stems("p")]
    assert ParsedQuery("pr", prefix=True).groups == [stems("pr")]
    assert ParsedQuery("le", prefix=True).groups == []  # a stop word, as before
    # Three letters or more: a prefix, even of a stop word ("les" of "lesson").
    assert ParsedQuery("les", prefix=True).groups == [("les*",)]


def test_the_prefix_survives_the_cap_on_words():
    q = ParsedQuery(" ".join(f"mot{i}" for i in range(20)) + " kube", prefix=True)
    assert len(q.groups) == MAX_QUERY_TERMS
    assert q.groups[-1][-1] == "kube*"


@pytest.mark.parametrize(
    "raw",
    [
        "proj*",
        '"proj',
        'proj"',
        "proj:*",
        "proj:*A",
        "proj&",
        "proj|kube",
        "!proj",
        "(proj",
        "proj)",
        "proj' OR 1=1 --",
        "'); DROP TABLE search_searchdocument; --proj",
        "NEAR(proj",
        "title:proj",
        "proj^",
        "-proj",
        "proj\\",
        "proj%_",
        "x" * 5000,
    ],
)
def test_operators_in_a_prefix_never_reach_the_engines(raw):
    q = ParsedQuery(raw, prefix=True)
    for group in q.groups:
        for term in group:
            body = term[:-1] if is_prefix(term) else term
            assert body.isalnum(), term
    fts5, tsquery = q.fts5(), q.tsquery()
    for text in (fts5, tsquery):
        assert "--" not in text and ";" not in text and "!" not in text


# --- what suggestions find --------------------------------------------------------------------


def test_a_prefix_finds_the_words_it_starts(ana, corpus):
    assert set(suggested(ana, "proj")) == {corpus.projet.pk, corpus.projects.pk}
    assert suggested(ana, "kube") == [corpus.kubernetes.pk]
    assert suggested(ana, "réu") == [corpus.reunion.pk]
    assert suggested(ana, "reu") == [corpus.reunion.pk]
    assert set(suggested(ana, "dévelop")) == {corpus.developpeuse.pk, corpus.developers.pk}
    assert set(suggested(ana, "DEVELOP")) == {corpus.developpeuse.pk, corpus.developers.pk}


def test_the_whole_word_typed_to_its_end_finds_what_search_finds(ana, corpus):
    for q in ("kubernetes", "réunion", "projet", "developers"):
        assert set(searched(ana, q)) <= set(suggested(ana, q)), q


def test_the_results_page_still_needs_whole_words(ana, corpus):
    assert searched(ana, "proj") == []
    assert searched(ana, "kube") == []
    assert searched(ana, "projet") == [corpus.projet.pk]


def test_after_a_space_the_last_word_is_whole_again(ana, corpus):
    assert suggested(ana, "proj ") == []
    assert suggested(ana, "projet ") == [corpus.projet.pk]


def test_earlier_words_are_whole_words(ana, corpus):
    both = post(ana, "Le projet de migration vers Kubernetes")
    assert suggested(ana, "projets kube")[0] == both.pk  # stemmed earlier word, then prefix
    # "proj" before the word being typed is a whole word: no document holds it, so only the
    # any-word fallback of the search (documents holding "kube…") follows.
    found = suggested(ana, "proj kube")
    assert set(found) == {both.pk, corpus.kubernetes.pk}
    assert corpus.projet.pk not in found


def test_a_one_or_two_letter_word_is_not_a_prefix(ana, corpus):
    for q in ("p", "pr", "k", "r", "d", "é"):
        found = suggested(ana, q)
        assert corpus.projet.pk not in found and corpus.projects.pk not in found, q
        assert found == [h.id for h in services.search(ana, q, limit=8).items]


def test_a_stop_word_prefix_finds_longer_words(ana, corpus):
    lesson = post(ana, "A lesson learned")
    assert suggested(ana, "les") == [lesson.pk]
    assert searched(ana, "les") == []


def test_prefix_matches_are_highlighted(ana, corpus):
    (hit,) = services.search(ana, "réu", limit=10, prefix=True).items
    assert "<mark>réunion</mark>" in hit.snippet
    snippets = {h.id: h.snippet for h in services.search(ana, "proj", limit=10, prefix=True).items}
    assert "<mark>projet</mark>" in snippets[corpus.projet.pk]
    assert "<mark>projects</mark>" in snippets[corpus.projects.pk]


def test_the_same_order_on_every_database(ana):
    now = timezone.now()
    month = now - dt.timedelta(days=30)
    title = post(ana, "Notes diverses", title="Kubernetes en production", kind="article")
    twice = post(ana, "Kubernetes, encore kubectl et toujours Kubernetes", created_at=month)
    once = post(
        ana,
        "Un mot sur Kubernetes parmi beaucoup d'autres choses bien différentes "
        "dans un long texte qui parle de tout et de rien",
        created_at=month,
    )
    post(ana, "Rien à voir", created_at=month)
    for q in ("kube", "kuber", "kubernetes"):
        assert suggested(ana, q) == [title.pk, twice.pk, once.pk], q


def test_a_prefix_candidate_set_stays_bounded(ana, monkeypatch):
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    monkeypatch.setattr(backends, "TITLE_CANDIDATES", 2)
    monkeypatch.setattr(backends, "OR_CANDIDATES", 3)
    made = [post(ana, f"Projet numéro {i}").pk for i in range(4)]
    made += [post(ana, f"Project number {i}").pk for i in range(4)]
    result = services.search(ana, "proj", limit=20, prefix=True)
    assert result.count_capped
    assert len(result.items) <= 3 + 2
    assert {h.id for h in result.items} <= set(made)


@pytest.mark.parametrize(
    "q",
    [
        "proj*",
        '"proj',
        "proj:*",
        "!proj",
        "(proj",
        "title:proj",
        "'); DROP TABLE search_searchdocument; --proj",
        "NEAR(a b, 2) proj",
        "a & b | !c <-> proj",
        "%_\\proj",
    ],
)
def test_operator_laden_prefixes_are_text(client_for, ana, corpus, q):
    assert set(suggested(ana, q)) >= {corpus.projet.pk, corpus.projects.pk}
    r = client_for(ana).get("/search/suggest", {"q": q})
    assert r.status_code == 200
    assert f"/posts/{corpus.projet.pk}/" in r.content.decode()
    assert SearchDocument.objects.exists()


@pytest.mark.parametrize(
    "q", ['"', "*", "**", ":*", "&|!", "()", "x" * 10_000, "🙂🙂", "%_\\", "a:*", "é*", "ab*"]
)
def test_weird_suggestions_never_error(client_for, ana, corpus, q):
    r = client_for(ana).get("/search/suggest", {"q": q})
    assert r.status_code == 200, r.content
    services.suggest(ana, q)


# --- visibility -------------------------------------------------------------------------------


def test_a_prefix_never_reveals_a_secret_document(client_for, ana):
    owner = UserFactory(username="owner", kind="employee")
    secret = make_community(owner, kind="secret", name="Cellule confidentielle")
    hidden = make_post(owner, "Le dirigeable prototype décolle", community=secret)
    shown = make_post(owner, "Un dirigeable au salon")
    owner_sees = {(h.type, h.id) for h in services.suggest(owner, "dirig")}
    assert ("post", hidden.pk) in owner_sees and ("post", shown.pk) in owner_sees
    assert {(h.type, h.id) for h in services.suggest(ana, "dirig")} == {("post", shown.pk)}
    assert {(h.type, h.id) for h in services.suggest(ana, "confid")} == set()
    assert {(h.type, h.id) for h in services.suggest(owner, "confid")} == {("community", secret.pk)}
    html = client_for(ana).get("/search/suggest", {"q": "dirig"}).content.decode()
    assert f"/posts/{shown.pk}/" in html and f"/posts/{hidden.pk}/" not in html


# --- the header ---------------------------------------------------------------------------------


def test_the_header_shows_results_while_typing(client_for, ana, corpus):
    c = client_for(ana)
    r = c.get("/search/suggest", {"q": "proj"})
    assert r.status_code == 200
    html = r.content.decode()
    assert f"/posts/{corpus.projet.pk}/" in html
    assert f"/posts/{corpus.projects.pk}/" in html
    assert "No results." not in html
    assert "/search/?q=proj" in html  # "See all results"
    # After a space the word is finished: "proj" is no word of any document.
    assert "No results." in c.get("/search/suggest", {"q": "proj "}).content.decode()
    assert client_for().get("/search/suggest", {"q": "proj"}).status_code == 302


# --- what the suggestions hold ----------------------------------------------------------------


def test_suggestions_leave_comments_out_and_the_results_page_has_them(client_for, ana):
    from agora.conversations import services as conv

    parent = post(ana, "Le zeppelin du salon")
    with committed():
        comment = conv.add_comment(ana, parent.pk, "Un zeppelin de plus dans ce fil")
    assert [(h.type, h.id) for h in services.suggest(ana, "zepp")] == [("post", parent.pk)]
    found = {(h.type, h.id) for h in services.search(ana, "zeppelin").items}
    assert found == {("post", parent.pk), ("comment", comment.pk)}
    html = client_for(ana).get("/search/suggest", {"q": "zepp"}).content.decode()
    assert f"/posts/{parent.pk}/" in html and f"#comment-{comment.pk}" not in html
    page = client_for(ana).get("/search/", {"q": "zeppelin"}).content.decode()
    assert f"comment-{comment.pk}" in page


# --- PostgreSQL plans -------------------------------------------------------------------------

pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
PLANS = [{"PG_WALK_ABOVE": 0}, {"PG_WINDOW_ABOVE": 1}, {"PG_TITLE_WALK_ABOVE": 0}]


@pytest.fixture
def balloons(ana, monkeypatch):
    """Posts and articles enough to overflow small candidate bounds (set here)."""
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    monkeypatch.setattr(backends, "TITLE_CANDIDATES", 2)
    monkeypatch.setattr(backends, "OR_CANDIDATES", 3)
    open_ = make_community(ana, kind="open", name="Vitrine")
    for i in range(6):
        make_post(ana, f"Montgolfière numéro {i}", community=open_)
        make_post(ana, "Corps", title=f"Montgolfières en escale {i}", kind="article")


@pytest.fixture
def fetched(monkeypatch):
    """The engine statements run from here on, with their parameters."""
    sqls = []
    real_fetch = backends._fetch
    monkeypatch.setattr(
        backends, "_fetch", lambda sql, p: sqls.append((sql, p)) or real_fetch(sql, p)
    )
    return sqls


def by_every_plan(monkeypatch, results, expected, then=None):
    """results() under each of PLANS is `expected`; and again after then(monkeypatch)."""
    for plan in PLANS:
        with monkeypatch.context() as m:
            for name, value in plan.items():
                m.setattr(backends, name, value)
            assert results() == expected, plan
            if then is not None:
                then(m)
                assert results() == expected, plan


@pg_only
def test_pg_every_plan_finds_the_same_prefix_matches(ana, balloons, fetched, monkeypatch):
    """Through search_rank (the walk, GIN, the window of ids, titles) or the documents: the
    same prefix matches, for a search of every type (comments included)."""
    queries = ["montgol", "montgolfiere esc", "numero mont"]

    def results():
        compiled.clear()
        return [
            [(h.type, h.id, h.score) for h in services.search(ana, q, limit=20, prefix=True).items]
            for q in queries
        ]

    plain = results()
    assert all(plain)
    assert any("FROM search_rank AS" in sql and "':*" in f"{sql} {p}" for sql, p in fetched)
    assert not any("search_typeahead" in sql for sql, _ in fetched)
    by_every_plan(
        monkeypatch,
        results,
        plain,
        lambda m: m.setattr(backends.Allowed, "on_rank_tables", property(lambda self: False)),
    )


@pg_only
def test_pg_suggestions_read_the_prefix_lexemes_and_find_what_prefixes_find(
    ana, balloons, fetched, monkeypatch
):
    """search_typeahead's '^mon' lexemes (migration 0009) and search_rank's 'mon':*: the same
    suggestions, through every plan; a longer prefix stays `:*` on the typeahead table."""
    queries = ["mon", "montg", "montgol", "montgolfiere esc", "numero mont"]

    def results():
        compiled.clear()
        return [
            [(h.type, h.id, h.score) for h in services.suggest(ana, q, limit=20)] for q in queries
        ]

    typed = results()
    assert all(typed)
    assert any(
        "FROM search_typeahead AS" in sql and "regexp_replace(" in sql and "'mon':*" in str(p)
        for sql, p in fetched
    )
    with monkeypatch.context() as m:  # the same words through search_rank's `:*`
        m.setattr(backends.Allowed, "in_typeahead", property(lambda self: False))
        del fetched[:]
        assert results() == typed
        assert not any("search_typeahead" in sql for sql, _ in fetched)
    by_every_plan(monkeypatch, results, typed)
    # A prefix's frequency is sampled on the typeahead table, by its lexeme.
    from django.test.utils import CaptureQueriesContext

    low, high = backends.id_range()
    monkeypatch.setattr(backends, "PG_DF_WINDOW", high - low)
    monkeypatch.setattr(backends, "_pg_common_terms", lambda cur, column="tsv": {})
    for term, table in (("montg*", "search_typeahead"), ("montgolf*", "search_rank")):
        with CaptureQueriesContext(connection) as counted:
            assert backends.doc_frequency(term, low, high) >= 12
        assert f"FROM {table} WHERE" in counted.captured_queries[-1]["sql"], term
