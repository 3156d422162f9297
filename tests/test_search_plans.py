"""Search plans: the SQL a search compiles once (column filter, visibility rules), the SQL kept
for a viewer's next searches, and the engines' query plans. Whatever the plan, results and
counts only hold what the viewer may see, and the same documents as the plain path."""

import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from agora.communities import services as community_services
from agora.core import compiled
from agora.moderation import services as moderation
from agora.search import backends, registry, services
from agora.search.analysis import ParsedQuery
from tests.api_factories import add_member, committed, make_community, make_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def find(viewer, q, **filters):
    return services.search(viewer, q, services.Filters(**filters), limit=100)


def hits(viewer, q, **filters):
    return {(h.type, h.id) for h in find(viewer, q, **filters).items}


@pytest.fixture(autouse=True)
def fresh_compiled_sql():
    compiled.clear()
    yield
    compiled.clear()


@pytest.fixture
def world(db):
    w = type("World", (), {})()
    w.owner = UserFactory(username="owner", kind="employee")
    w.reader = UserFactory(username="reader", kind="employee")
    w.secret = make_community(w.owner, kind="secret", name="Cellule")
    w.open = make_community(w.owner, kind="open", name="Vitrine")
    w.secret_post = make_post(w.owner, "Dirigeable prototype", community=w.secret)
    w.open_post = make_post(w.owner, "Dirigeable en vitrine", community=w.open)
    return w


def test_kept_sql_reads_memberships_each_time(world):
    """The reader's compiled rules and readable communities are reused, yet joining and
    leaving the secret community changes what the very next search finds."""
    assert hits(world.reader, "dirigeable") == {("post", world.open_post.pk)}
    assert compiled._cache  # kept for the reader's next searches
    add_member(world.secret, world.reader)
    world.reader.refresh_from_db()
    assert hits(world.reader, "dirigeable") == {
        ("post", world.open_post.pk),
        ("post", world.secret_post.pk),
    }
    with committed():
        community_services.leave(world.reader, world.secret)
    world.reader.refresh_from_db()
    assert hits(world.reader, "dirigeable") == {("post", world.open_post.pk)}


def test_kept_sql_follows_the_viewers_row(world):
    """Becoming a guest is another viewer row, hence other SQL: nothing outside the guest's
    communities (none)."""
    profile_post = make_post(world.owner, "Dirigeable sur mon profil")
    assert ("post", profile_post.pk) in hits(world.reader, "dirigeable")
    type(world.reader).objects.filter(pk=world.reader.pk).update(kind="guest")
    world.reader.refresh_from_db()
    assert world.reader.is_guest
    assert hits(world.reader, "dirigeable") == set()


def test_hiding_applies_to_the_next_search(world):
    assert ("post", world.open_post.pk) in hits(world.reader, "dirigeable")
    with committed():
        moderation.set_hidden(world.owner, True, post_id=world.open_post.pk)
    result = find(world.reader, "dirigeable")
    assert result.items == [] and result.count == 0


def test_a_viewers_second_search_builds_no_rule_again(world, monkeypatch):
    find(world.reader, "dirigeable")
    calls = []
    post_type = registry.get("post")
    original = post_type.visible

    def counting(viewer):
        calls.append(viewer.pk)
        return original(viewer)

    monkeypatch.setattr(post_type, "visible", counting)
    find(world.reader, "dirigeable")
    reader = [world.reader.pk] * 2  # a new rule function is a new entry, built twice...
    assert calls == reader
    find(world.reader, "dirigeable")
    assert calls == reader  # ...then reused
    find(world.owner, "dirigeable")
    assert calls == reader + [world.owner.pk] * 2  # another viewer, another entry


def test_sql_that_read_the_database_or_the_clock_is_not_kept(world, monkeypatch):
    from django.utils import timezone

    post_type = registry.get("post")
    original = post_type.visible

    def eager(viewer):
        ids = list(type(viewer).objects.filter(pk=viewer.pk).values_list("pk", flat=True))
        return original(viewer) & Q(author_id__isnull=False) if ids else Q(pk__in=[])

    monkeypatch.setattr(post_type, "visible", eager)
    find(world.reader, "dirigeable")
    assert not [k for k in compiled._cache if k[2][1:] == ("post", eager)]

    def timed(viewer):
        return original(viewer) & Q(created_at__lte=timezone.now())

    monkeypatch.setattr(post_type, "visible", timed)
    assert ("post", world.open_post.pk) in hits(world.reader, "dirigeable")
    assert not [k for k in compiled._cache if k[2][1:] == ("post", timed)]


def test_without_kept_sql_the_results_are_the_same(world, monkeypatch):
    add_member(world.secret, world.reader)
    world.reader.refresh_from_db()
    kept = find(world.reader, "dirigeable")
    monkeypatch.setattr(compiled, "SECONDS", 0)
    compiled.clear()
    fresh = find(world.reader, "dirigeable")
    assert not compiled._cache
    assert [(h.type, h.id) for h in kept.items] == [(h.type, h.id) for h in fresh.items]
    assert kept.count == fresh.count == 2


def test_the_orm_path_finds_the_same_as_compiled_sql(world, monkeypatch):
    """A column filter that cannot be compiled alone (a prefilter joining another table) is
    left to the ORM: same documents, same counts."""
    other = make_post(world.owner, "Dirigeable en réunion", community=world.secret)
    add_member(world.secret, world.reader)
    world.reader.refresh_from_db()
    fast = find(world.reader, "dirigeable")
    monkeypatch.setattr(backends, "where_sql", lambda queryset: None)
    slow = find(world.reader, "dirigeable")
    assert [(h.type, h.id) for h in fast.items] == [(h.type, h.id) for h in slow.items]
    assert fast.count == slow.count == 3
    assert ("post", other.pk) in {(h.type, h.id) for h in slow.items}


def test_candidates_are_checked_in_one_statement_per_chunk(world):
    for i in range(30):
        make_post(world.owner, f"Dirigeable numéro {i}")
    find(world.reader, "dirigeable")  # rules compiled and kept
    with CaptureQueriesContext(connection) as queries:
        result = find(world.reader, "dirigeable")
    assert result.count == 31
    checks = [q["sql"] for q in queries if "search_searchdocument.id IN (SELECT value" in q["sql"]]
    checks += [q["sql"] for q in queries if "search_searchdocument.id = ANY(" in q["sql"]]
    assert len(checks) == 1


# --- words that are common apart and rare together --------------------------------------------


@pytest.fixture
def small_bound(monkeypatch):
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    monkeypatch.setattr(backends, "TITLE_CANDIDATES", 2)
    monkeypatch.setattr(backends, "OR_CANDIDATES", 3)


def test_common_words_rarely_together_find_the_visible_pairs_only(world, small_bound):
    """ "montgolfière" and "escale" are each in many posts, together in four: one visible to
    the reader, one hidden by a moderator, one in a secret community, one deleted. The reader
    gets the visible pair first, never the others, and an honest count."""
    for i in range(8):
        make_post(world.owner, f"Montgolfière numéro {i}", community=world.open)
        make_post(world.owner, f"Escale numéro {i}", community=world.open)
    both = make_post(world.owner, "Montgolfière en escale à Lyon", community=world.open)
    hidden = make_post(world.owner, "Montgolfière en escale cachée", community=world.open)
    with committed():
        moderation.set_hidden(world.owner, True, post_id=hidden.pk)
    secret = make_post(world.owner, "Montgolfière en escale secrète", community=world.secret)
    from agora.conversations import services as conv

    gone = make_post(world.owner, "Montgolfière en escale supprimée", community=world.open)
    with committed():
        conv.delete_post(world.owner, gone.pk)
    for i in range(8):  # the newest documents hold one word or the other, not both
        make_post(world.owner, f"Escale tardive {i}", community=world.open)
    result = find(world.reader, "montgolfiere escale")
    found = [(h.type, h.id) for h in result.items]
    assert found[0] == ("post", both.pk)
    assert {("post", hidden.pk), ("post", secret.pk), ("post", gone.pk)}.isdisjoint(found)
    assert result.count == len(found)  # every counted document is one the reader may see
    owner = [(h.type, h.id) for h in find(world.owner, "montgolfiere escale").items]
    assert set(owner[:2]) == {("post", secret.pk), ("post", both.pk)}  # the owner reads both


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite plans")


@sqlite_only
def test_sqlite_a_rare_word_read_oldest_first_gives_the_newest_matches(world, monkeypatch):
    """The forward walk (every all-words match by id, then the rows newest first in chunks)
    keeps what the backwards walk keeps: the newest visible-by-prefilter matches."""
    for i in range(12):
        make_post(world.owner, f"Montgolfière et escale {i}", community=world.open)
        make_post(world.owner, f"Escale seule {i}", community=world.open)
    make_post(world.owner, "Montgolfière et escale secrète", community=world.secret)
    rare, common = ParsedQuery("montgolfiere escale").groups
    frequencies = {**dict.fromkeys(rare, 13), **dict.fromkeys(common, 26)}
    monkeypatch.setattr(backends, "FORWARD_BELOW", 0)
    backwards = newest_ids(world.reader, "montgolfiere escale", 5, frequencies)
    monkeypatch.setattr(backends, "FORWARD_BELOW", 100)
    monkeypatch.setattr(backends, "FORWARD_RATIO", 2)
    monkeypatch.setattr(backends, "FORWARD_CHUNK", 4)  # several chunks
    assert backends._forward(ParsedQuery("montgolfiere escale"), frequencies)
    assert newest_ids(world.reader, "montgolfiere escale", 5, frequencies) == backwards
    assert len(backwards[0]) == 5 and backwards[1]  # capped: twelve readable matches
    result = find(world.reader, "montgolfiere escale")
    assert result.count == 12  # the secret one is never a candidate for the reader


# --- PostgreSQL plans ---------------------------------------------------------------------------

pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")


def newest_ids(viewer, q, bound, frequencies, mode="and", titles=False):
    from agora.search.models import SearchDocument

    plan = services._plan(viewer, services.Filters())
    allowed = backends.Allowed(SearchDocument.objects.filter(plan.columns))
    found = backends.rank(ParsedQuery(q), allowed, mode, bound, titles, frequencies)
    return sorted((r[0] for r in found.rows), reverse=True), found.capped


def _in_block(block: int) -> None:
    """The next documents get ids in that block of search_rank (migration 0007), or after
    the last document when it is already there."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('search_searchdocument', 'id'), "
            "GREATEST(%s, (SELECT MAX(id) FROM search_searchdocument), 1))",
            [block << backends.ID_BLOCK_BITS],
        )


@pytest.fixture
def ids_from_one(db):
    """Documents numbered from the start again (an earlier test's rolled back rows left the
    sequence further on), so that the blocks below are where the tests say."""
    _in_block(0)


def _posts_over_blocks(world, text: str, per_block: dict[int, int]) -> None:
    for block, count in per_block.items():
        _in_block(block)
        for i in range(count):
            make_post(world.owner, f"{text} {block}-{i}", community=world.open)


def _windows(monkeypatch) -> list[tuple[str, int]]:
    """(the id blocks named, rows found) of each windowed engine query that follows."""
    seen = []
    real_fetch = backends._fetch

    def spy(sql, params):
        rows = real_fetch(sql, params)
        blocks = re.findall(r"~e(\d+)", sql)
        if blocks:
            seen.append((f"{min(map(int, blocks))}-{max(map(int, blocks))}", len(rows)))
        return rows

    monkeypatch.setattr(backends, "_fetch", spy)
    return seen


@pg_only
def test_pg_a_rare_word_is_read_newest_blocks_first(ids_from_one, world, monkeypatch):
    """A word below PG_WALK_ABOVE with many more matches than wanted is first looked for in
    the newest blocks of ids: the same newest matches as collecting all of them."""
    monkeypatch.setattr(backends, "BLOCK_COST", 0)  # a few documents: windows always pay
    _posts_over_blocks(world, "Zeppelin numéro", {1: 20, 5: 20})
    everything = newest_ids(world.reader, "zeppelin", 4, {"zeppelin": 1})  # no window
    windows = _windows(monkeypatch)
    # 40 expected among ~330,000 ids: 3 x 5 wanted are expected in the newest 120,000 or so,
    # blocks 3 to 5, which hold 20.
    assert newest_ids(world.reader, "zeppelin", 4, {"zeppelin": 40}) == everything
    assert windows == [("3-5", 5)]  # found in the window, no second query
    # Fewer in the window than wanted (the estimate was far too high): every match.
    all_40 = newest_ids(world.reader, "zeppelin", 60, {"zeppelin": 1})
    windows.clear()
    assert newest_ids(world.reader, "zeppelin", 60, {"zeppelin": 19_000}) == all_40
    assert windows == [("4-5", 20)]  # then every match, without blocks


@pg_only
def test_pg_a_window_holding_half_of_what_is_wanted_is_kept(ids_from_one, world, monkeypatch):
    """The bound is on the work: a window with at least half the wanted matches is not read
    again wider, and the matches beyond it are reported (capped)."""
    monkeypatch.setattr(backends, "BLOCK_COST", 0)
    _posts_over_blocks(world, "Zeppelin numéro", {1: 10, 5: 12})
    everything, _ = newest_ids(world.reader, "zeppelin", 30, {"zeppelin": 1})
    windows = _windows(monkeypatch)
    ids, capped = newest_ids(world.reader, "zeppelin", 20, {"zeppelin": 200})
    assert windows == [("3-5", 12)]
    assert ids == everything[:12] and capped  # the 12 newest, and "more match"


@pg_only
def test_pg_several_words_are_read_newest_blocks_first(ids_from_one, world, monkeypatch):
    """Several words whose rarest is rare enough: a window of the newest blocks too (the
    rarest word's count bounds the matches in common), the same newest matches."""
    monkeypatch.setattr(backends, "BLOCK_COST", 0)
    _posts_over_blocks(world, "Zeppelin escale", {1: 20, 5: 20})
    _posts_over_blocks(world, "Zeppelin seul", {5: 5})
    query = ParsedQuery("zeppelin escale")
    low = dict.fromkeys((t for g in query.groups for t in g), 1)
    everything = newest_ids(world.reader, "zeppelin escale", 4, low)
    windows = _windows(monkeypatch)
    assert newest_ids(world.reader, "zeppelin escale", 4, dict.fromkeys(low, 40)) == everything
    assert windows == [("3-5", 5)]
    # With a low estimate several words are read at once, without a window.
    windows.clear()
    assert newest_ids(world.reader, "zeppelin escale", 4, dict.fromkeys(low, 2)) == everything
    assert windows == []


@pg_only
def test_pg_a_next_window_reads_older_blocks_only(ids_from_one, world, monkeypatch):
    """A window finding fewer than wanted is followed by one over the older blocks alone,
    sized by the matches per id it found; the rows are the newest, as without windows."""
    monkeypatch.setattr(backends, "BLOCK_COST", 0)
    monkeypatch.setattr(backends, "WINDOW_MARGIN", 1)
    _posts_over_blocks(world, "Zeppelin numéro", {1: 20, 2: 3, 3: 3, 5: 6})
    everything, _ = newest_ids(world.reader, "zeppelin", 30, {"zeppelin": 1})
    windows = _windows(monkeypatch)
    # 300 expected among ~330,000 ids: the 15 wanted in the newest ~16,000 (blocks 4-5),
    # which hold 6; 6 per 65,536 ids puts the 9 still wanted in the ~100,000 ids before
    # (blocks 2-3, not 4-5 again): 6 more, 12 of 15, kept.
    ids, capped = newest_ids(world.reader, "zeppelin", 14, {"zeppelin": 300})
    assert windows == [("4-5", 6), ("2-3", 6)]
    assert ids == everything[:12] and capped


@pg_only
def test_pg_a_window_that_costs_more_than_every_match_is_not_read(ids_from_one, world, monkeypatch):
    """Each block of a window costs about BLOCK_COST matches fetched (GIN reads the block's
    lexeme entirely): with few matches expected, every match is fetched at once."""
    _posts_over_blocks(world, "Zeppelin numéro", {1: 20, 5: 20})
    everything = newest_ids(world.reader, "zeppelin", 4, {"zeppelin": 1})
    windows = _windows(monkeypatch)
    assert newest_ids(world.reader, "zeppelin", 4, {"zeppelin": 40}) == everything
    assert windows == []
    monkeypatch.setattr(backends, "BLOCK_COST", 1)
    assert newest_ids(world.reader, "zeppelin", 4, {"zeppelin": 40}) == everything
    assert windows == [("3-5", 5)]


@pg_only
def test_pg_a_long_walk_reads_the_newest_block_first(ids_from_one, world, monkeypatch):
    """Words common enough to walk the ids backwards but expected to meet seldom: the newest
    block of ids is read through GIN first, then, if it holds too few, the walk goes on
    below it; the same newest matches as walking from the top."""
    monkeypatch.setattr(backends, "PG_WALK_ABOVE", 0)
    _posts_over_blocks(world, "Zeppelin numéro", {1: 20, 5: 20})
    everything, _ = newest_ids(world.reader, "zeppelin", 60, {})  # no statistics: a walk
    windows = _windows(monkeypatch)
    sparse = {"zeppelin": 20_000}  # one in 16 of the ~330,000 ids: a long walk
    assert newest_ids(world.reader, "zeppelin", 4, sparse) == (everything[:4], True)
    assert windows == [("5-5", 5)]
    windows.clear()  # 20 in the block, more than half of the 31 wanted: kept, "more match"
    assert newest_ids(world.reader, "zeppelin", 30, sparse) == (everything[:20], True)
    assert windows == [("5-5", 20)]
    windows.clear()  # 20 of 61 wanted: the walk below the block finds the other 20
    assert newest_ids(world.reader, "zeppelin", 60, sparse) == (everything, False)
    assert windows == [("5-5", 20)]
    windows.clear()  # a word in most documents: the walk is short, no block first
    assert newest_ids(world.reader, "zeppelin", 4, {"zeppelin": 300_000})[0] == everything[:4]
    assert windows == []


@pg_only
def test_pg_frequent_title_words_walk_the_titled_documents(world, monkeypatch):
    for i in range(6):
        make_post(world.owner, "Corps du texte", title=f"Zeppelin {i}", kind="article")
    make_post(world.owner, "Zeppelin sans titre")
    sqls = []
    real_fetch = backends._fetch
    monkeypatch.setattr(backends, "_fetch", lambda sql, p: sqls.append(sql) or real_fetch(sql, p))
    query = ParsedQuery("zeppelin")
    plan = services._plan(world.reader, services.Filters())
    from agora.search.models import SearchDocument

    def titles():
        allowed = backends.Allowed(SearchDocument.objects.filter(plan.columns))
        return backends._candidates_pg(query, allowed, "and", 0, True, {"zeppelin": 7}).rows

    gin = titles()
    assert not any("IS TRUE" in s for s in sqls)
    monkeypatch.setattr(backends, "_pg_common_terms", lambda cur, column="tsv": {"zeppelin": 1})
    monkeypatch.setattr(backends, "PG_TITLE_WALK_ABOVE", 5)
    walked = titles()
    assert any("IS TRUE" in s for s in sqls)
    assert [r[0] for r in walked] == [r[0] for r in gin] and len(gin) == 6


@pg_only
def test_pg_frequencies_from_statistics_or_the_newest_ids(world, monkeypatch):
    for i in range(12):
        make_post(world.owner, f"Zeppelin numéro {i}", community=world.open)
    low, high = backends.id_range()
    monkeypatch.setattr(backends, "PG_DF_WINDOW", 4)
    backends._pg_common.clear()
    monkeypatch.setattr(backends, "_pg_common_terms", lambda cur, column="tsv": {"numero": 0.5})
    assert backends.doc_frequency("numero", low, high) == int(0.5 * (high - low + 1))
    # Not among the commonest: its share of the newest 4 ids (all of them hold it).
    assert backends.doc_frequency("zeppelin", low, high) == high - low + 1


def _rank_rows(table="search_rank"):
    column = "title_tsv" if table == "search_rank_title" else "tsv"
    # search_rank's terms also name their block of ids (migration 0007).
    blocks = "" if table == "search_rank_title" else " || search_id_block(d.id)"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT r.id, r.doc_type, r.community_id, r.created_at, "  # noqa: S608
            f"r.{column} = strip(d.{column}){blocks} "
            f"FROM {table} r LEFT JOIN search_searchdocument d ON d.id = r.id ORDER BY r.id"
        )
        return cur.fetchall()


def _typeahead_rows():
    # search_typeahead (migration 0009): search_rank's terms and the prefixes of 3-5 letters.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT r.id, r.doc_type, r.community_id, r.created_at, "
            "r.tsv = strip(d.tsv) || search_id_block(d.id) || search_prefixes(d.tsv) "
            "FROM search_typeahead r LEFT JOIN search_searchdocument d ON d.id = r.id ORDER BY r.id"
        )
        return cur.fetchall()


def _typeahead_documents():
    return [d for d in _documents() if d[1] not in backends.TYPEAHEAD_LEFT_OUT]


def _documents(titled=False):
    from agora.search.models import SearchDocument

    docs = SearchDocument.objects.exclude(title_terms="") if titled else SearchDocument.objects
    return [
        (d.id, d.doc_type, d.community_id, d.created_at, True)
        for d in docs.order_by("id").only("id", "doc_type", "community_id", "created_at")
    ]


@pg_only
def test_pg_the_narrow_tables_follow_every_write(world):
    """search_rank and search_rank_title hold a row per document (per titled document), with
    its filter columns and terms, whatever writes: saves, edits, deletions, a reindex."""
    from agora.conversations import services as conv
    from agora.search.indexing import reindex_all

    article = make_post(world.owner, "Corps", title="Zeppelin au salon", kind="article")
    post = make_post(world.owner, "Zeppelin sans titre", community=world.open)
    with committed():
        conv.add_comment(world.owner, post.pk, "Zeppelin en commentaire")
    assert _rank_rows() == _documents()
    assert _rank_rows("search_rank_title") == _documents(titled=True)
    assert _typeahead_rows() == _typeahead_documents()
    assert "comment" in {d[1] for d in _documents()}
    from agora.search.models import SearchDocument

    titled = SearchDocument.objects.get(doc_type="article", object_id=article.pk)
    assert titled.pk in {r[0] for r in _rank_rows("search_rank_title")}
    with committed():
        post.body = "Dirigeable désormais"
        post.save()
    assert ("post", post.pk) in hits(world.reader, "desormais")
    assert _typeahead_rows() == _typeahead_documents()
    with committed():
        conv.delete_post(world.owner, world.open_post.pk)
    assert _rank_rows() == _documents()
    assert _typeahead_rows() == _typeahead_documents()
    assert reindex_all() > 0
    assert _rank_rows() == _documents()
    assert _rank_rows("search_rank_title") == _documents(titled=True)
    assert _typeahead_rows() == _typeahead_documents()
    with connection.cursor() as cur:  # the prefixes are there, as the typed query names them
        cur.execute(
            f"SELECT COUNT(*) FROM search_typeahead WHERE tsv @@ {backends.TYPEAHEAD_TSQUERY}",
            ["'desor':*"],
        )
        assert cur.fetchone()[0] == 1
    assert len(_documents(titled=True)) >= 1


@pg_only
def test_pg_the_narrow_tables_find_what_the_documents_find(world, small_bound, monkeypatch):
    """Through search_rank (the walk, GIN, the window, titles) or the documents themselves:
    the same candidates, pages and counts."""
    for i in range(8):
        make_post(world.owner, f"Montgolfière numéro {i}", community=world.open)
        make_post(world.owner, f"Escale numéro {i}", community=world.open)
        make_post(world.owner, "Corps", title=f"Montgolfière escale {i}", kind="article")
    make_post(world.owner, "Montgolfière en escale secrète", community=world.secret)
    queries = ["montgolfiere escale", "montgolfiere", "escale zeppelin", "numero"]

    def results():
        compiled.clear()
        out = []
        for q in queries:
            r = find(world.reader, q)
            out.append(([(h.type, h.id, h.score) for h in r.items], r.count, r.count_capped))
        return out

    sqls = []
    real_fetch = backends._fetch
    monkeypatch.setattr(backends, "_fetch", lambda sql, p: sqls.append(sql) or real_fetch(sql, p))
    plans = [{}, {"PG_WALK_ABOVE": 0}, {"PG_WINDOW_ABOVE": 1}, {"PG_TITLE_WALK_ABOVE": 0}]
    for plan in plans:
        with monkeypatch.context() as m:
            for name, value in plan.items():
                m.setattr(backends, name, value)
            sqls.clear()
            narrow = results()
            assert any(items for items, _, _ in narrow)
            assert any("FROM search_rank AS" in s for s in sqls)
            assert any("FROM search_rank_title AS" in s for s in sqls)
            m.setattr(backends.Allowed, "on_rank_tables", property(lambda self: False))
            assert results() == narrow, plan
