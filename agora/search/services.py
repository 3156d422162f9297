"""Search: parse safely, let the engine score a bounded set of candidates (the newest matches
passing the filters and each type's cheap prefilter, see backends), keep those the viewer may
see (each type's `visible` rule, one query over the candidates), re-rank in Python (recency,
quoted phrases), page.

Counts only count candidates the viewer was checked to see: candidates are checked best first,
VERIFY_CHUNK at a time, until the requested page is full. When the engine's bound was reached or
unchecked candidates remain (`count_capped`), the count is a lower bound ("100+"), never an
estimate that could include hidden documents.

Pagination: the cursor is an opaque offset into the re-ranked candidate list. That is acceptable
here (unlike keyset pagination elsewhere) because the candidate set is capped at
backends.CANDIDATES (+ TITLE_CANDIDATES) and re-ranked deterministically (score, then id) on
every request.

Cost: a search's time was mostly the ORM building the same SQL again (the column filter with
its list of readable communities for every engine query, each type's visibility rule for every
chunk). The column filter is compiled once per search (backends.Allowed) and the engine queries
are plain SQL around it; the visibility check is one statement per chunk whose rules (one
fragment per type) are built once and kept for the viewer's next searches (core/compiled.py: the
SQL text only, never what it reads).
"""

import base64
import binascii
import datetime as dt
import html
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agora.core import compiled
from agora.core.errors import Invalid
from agora.core.pagination import clamp_limit

from . import backends, registry, scoring
from .analysis import WORD_RE, ParsedQuery, is_prefix, stems, words
from .models import SearchDocument

SNIPPET_CHARS = 220
RECENCY_WEIGHT = 0.1
RECENCY_HALF_DAYS = 180
PHRASE_BOOST = 1.5
PHRASE_CHECKED = 200  # the phrase is looked for in the engine's best candidates only
OR_FALLBACK_BELOW = 10  # fewer "all words" matches than this: add "any word" matches after
COORDINATION_POWER = 2
# Candidates are checked against the visibility rules in chunks, best first, until the page is
# full: a count is exact when every candidate was checked, else a lower bound ("100+").
VERIFY_CHUNK = 100


@dataclass
class Filters:
    types: list[str] | None = None
    community: str | None = None
    author: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matched words
    score: float
    created_at: dt.datetime | None
    lang: str


@dataclass
class Results:
    items: list[Hit]
    next_cursor: str | None
    count: int  # matches the viewer may see (within the ranked candidate cap)
    count_capped: bool = False  # more documents match: `count` is a lower bound


def type_names() -> list[str]:
    return [t.name for t in registry.all_types()]


def _bad(field: str, message) -> Invalid:
    return Invalid(fields={field: [str(message)]})


def _decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        value = None
    if not isinstance(value, dict) or not isinstance(value.get("o"), int) or value["o"] < 0:
        raise _bad("cursor", _("Not a valid cursor."))
    return value["o"]


def _encode_cursor(offset: int) -> str:
    raw = json.dumps({"o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class Plan:
    """`columns`: cheap filters and prefilters on SearchDocument's own columns, for the engine.
    `visible(types)`: the authoritative visibility rules of those types, built only for the
    types the candidates actually have (building all of them costs more than using them).
    `visible_ids(ids, types)` applies them to candidates."""

    def __init__(self, viewer, columns: Q, types=None):
        self.viewer = viewer
        self.columns = columns
        self.types = types  # the document types searched
        self._visible: dict[str, Q] = {}
        self._rules: dict[str, tuple[str, list]] = {}
        self.checked: dict[int, bool] = {}

    def visible(self, names) -> Q:
        q = Q(pk__in=[])
        for name in sorted(names):
            if name not in self._visible:
                self._visible[name] = registry.get(name).visible(self.viewer)
            q |= self._visible[name]
        return q

    def visible_ids(self, ids: list[int], names) -> set[int]:
        """The ids among `ids` (documents of the types `names`) that the viewer may see: one
        statement whose WHERE clause ORs each type's rule, compiled once per type and search
        (the ids are a single parameter); each verdict is kept for the rest of the search."""
        unknown = [i for i in ids if i not in self.checked]
        if unknown:
            parts = [self._rule(name) for name in sorted(names)]
            if connection.vendor == "sqlite":
                by_id = "search_searchdocument.id IN (SELECT value FROM json_each(%s))"
                params: list = [json.dumps(unknown)]
            else:
                by_id = "search_searchdocument.id = ANY(%s::bigint[])"
                params = [unknown]
            for _, part_params in parts:
                params += part_params
            rules = " OR ".join(f"({sql})" for sql, _ in parts) or "0 = 1"
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT search_searchdocument.id FROM search_searchdocument "  # noqa: S608
                    f"WHERE {by_id} AND ({rules})",
                    params,
                )
                ok = {row[0] for row in cur.fetchall()}
            for i in unknown:
                self.checked[i] = i in ok
        return {i for i in ids if self.checked[i]}

    def _rule(self, name: str) -> tuple[str, list]:
        """One type's visibility rule as a WHERE fragment over search_searchdocument."""
        if name not in self._rules:
            self._rules[name] = _compiled_rule(registry.get(name), self.viewer)
        return self._rules[name]


def _compiled_rule(doc_type, viewer) -> tuple[str, list]:
    """A type's visibility rule for `viewer` as SQL over search_searchdocument, built by the
    ORM from doc_type.visible and reused by the viewer's next searches (see core/compiled.py: only
    the text is reused, the rule reads the data each time it runs)."""

    def build():
        rule = Q(pk__in=[]) | doc_type.visible(viewer)
        where = backends.where_sql(SearchDocument.objects.filter(rule))
        if where is None:  # a rule joining another table: let the ORM nest it
            sql, params = SearchDocument.objects.filter(rule).values("id").query.sql_with_params()
            where = f"search_searchdocument.id IN ({sql})", list(params)
        return where

    return compiled.for_viewer(viewer, ("visible", doc_type.name, doc_type.visible), build)


def _plan(viewer, filters: Filters, prefilters: bool = True) -> Plan:
    names = type_names()
    wanted = filters.types or names
    unknown = [t for t in wanted if t not in names]
    if unknown:
        raise _bad("type", _("Unknown type: %(t)s") % {"t": ", ".join(unknown)[:100]})
    scope = registry.ViewerScope(viewer)
    # Types sharing a prefilter share one condition (one list of community ids, not six).
    by_prefilter: dict = {}
    for name in wanted:
        prefilter = registry.get(name).prefilter if prefilters else None
        by_prefilter.setdefault(prefilter, []).append(name)
    columns = Q(pk__in=[])
    for prefilter, group in by_prefilter.items():
        of_types = Q(doc_type__in=group) if len(group) > 1 else Q(doc_type=group[0])
        columns |= of_types & prefilter(scope) if prefilter is not None else of_types
    return Plan(viewer, columns & _filters_q(viewer, filters), wanted)


def _filters_q(viewer, filters: Filters) -> Q:
    from agora.communities.visibility import listed_communities
    from agora.people.visibility import visible_profiles

    q = Q()
    if filters.community:
        community = (
            listed_communities(viewer).filter(slug=filters.community).first()
            if "\x00" not in filters.community
            else None
        )
        if community is None:
            raise _bad("community", _("Unknown community."))
        q &= Q(community_id=community.pk)
    if filters.author:
        person = (
            visible_profiles(viewer).filter(user__username=filters.author).first()
            if "\x00" not in filters.author
            else None
        )
        if person is None:
            raise _bad("author", _("Unknown person."))
        q &= Q(author_id=person.user_id)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise _bad("to", _("The end date is before the start date."))
    tz = timezone.get_current_timezone()
    try:
        if filters.date_from:
            start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
            q &= Q(created_at__gte=start.astimezone(dt.UTC))
        if filters.date_to:
            end = dt.datetime.combine(filters.date_to, dt.time.min, tzinfo=tz)
            q &= Q(created_at__lt=(end + dt.timedelta(days=1)).astimezone(dt.UTC))
    except OverflowError:
        # Year 1 or 9999 at the edge of a timezone: out of range for the database.
        raise _bad("to" if filters.date_to else "from", _("This date is out of range.")) from None
    return q


def _aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


def _visible_rows(rows, plan: Plan):
    """rows: tuples whose first item is a document id and last its type."""
    if not rows:
        return []
    ok = plan.visible_ids([r[0] for r in rows], {r[-1] for r in rows})
    return [r for r in rows if r[0] in ok]


def _visible_prefix(ranked, plan: Plan, wanted: int):
    """The viewer-visible candidates, best first, checked a chunk at a time until `wanted`
    are found: (visible rows, whether every candidate was checked)."""
    visible: list[tuple[int, float, str]] = []
    pos = 0
    while pos < len(ranked) and len(visible) < wanted:
        chunk = ranked[pos : pos + VERIFY_CHUNK]
        pos += len(chunk)
        visible += _visible_rows(chunk, plan)
    return visible, pos >= len(ranked)


def _any_word_candidates(query: ParsedQuery, allowed, seen: set, ids=None):
    """Candidates holding any of the words, within backends.OR_CANDIDATES: each word's newest
    matches in turn, rarest word first, so the words that weigh most in the score (and name
    the subject) are fully covered and the commonest are the ones cut; then, if cut, the newest
    any-word title matches."""
    df = scoring.frequencies(query, ids)
    by_rarity = sorted(query.groups, key=lambda g: max(df.get(t, 0) for t in g))
    rows: dict[int, tuple] = {}
    capped = False
    for group in by_rarity:
        budget = backends.OR_CANDIDATES - len(rows)
        if budget <= 0:
            capped = True
            break
        part = backends.rank(
            query.only([group]), allowed, "and", bound=budget, titles=False, frequencies=df
        )
        for row in part.rows:
            if row[0] not in seen:
                rows.setdefault(row[0], row)
        capped = capped or part.capped
    if capped:
        titled = backends.rank(query, allowed, "or", bound=0, frequencies=df)
        for row in titled.rows:
            if row[0] not in seen:
                rows.setdefault(row[0], row)
    return list(rows.values()), capped


def _order(row):
    # Scores rounded so that float noise never decides; ties break by id.
    return (-float(f"{row[1]:.7g}"), row[0])


def _ranked(plan: Plan, query: ParsedQuery) -> tuple[list[tuple[int, float, str]], bool]:
    ids = backends.id_range()  # once per search: the statistics and plans below need it
    allowed = backends.Allowed(plan.columns, ids, plan.types)
    frequencies = scoring.frequencies(query, ids)  # cached; the engines choose plans by them
    found = backends.rank(query, allowed, "and", frequencies=frequencies)
    capped = found.capped
    rows = [
        (r.id, r.score, r.created_at, r.doc_type) for r in scoring.score(query, found.rows, ids)
    ]
    if len(query.groups) > 1 and len(rows) < VERIFY_CHUNK:
        rows = _visible_rows(rows, plan)
    if len(rows) < OR_FALLBACK_BELOW and len(query.groups) > 1:
        # Few documents have every word: "any word" matches follow, always after "all words"
        # ones (on the Stack Exchange bench this beats one merged any-word ranking), scored
        # times a power of the share of the query's words they hold, so three words of four
        # beat one word repeated.
        seen = {r[0] for r in rows}
        any_rows, any_capped = _any_word_candidates(query, allowed, seen, ids)
        extra = [
            (r.id, r.score * r.held**COORDINATION_POWER, r.created_at, r.doc_type)
            for r in scoring.score(query, any_rows, ids)
        ]
        capped = capped or any_capped
        floor = min((r[1] for r in rows), default=0.0)
        top = max((r[1] for r in extra), default=0.0)
        shift = (top - floor) + 1.0 if rows and extra else 0.0
        rows = [(i, s + shift, c, t) for i, s, c, t in rows] + extra
    now = timezone.now()
    scored = []
    for doc_id, score, created_at, doc_type in rows:
        created_at = _aware(created_at)
        score = float(score or 0.0)
        if created_at is not None:
            # Whole days: the order must not change between two page requests.
            age_days = max((now - created_at).days, 0)
            score *= 1 + RECENCY_WEIGHT / (1 + age_days / RECENCY_HALF_DAYS)
        scored.append((doc_id, score, doc_type))
    scored.sort(key=_order)
    if query.phrases and scored:
        texts = {
            i: f"{t} {b}"
            for i, t, b in SearchDocument.objects.filter(
                pk__in=[r[0] for r in scored[:PHRASE_CHECKED]]
            ).values_list("id", "title_text", "body_text")
        }
        boosted = []
        for doc_id, score, doc_type in scored:
            if doc_id in texts:
                folded = " " + " ".join(words(texts[doc_id])) + " "
                if all(f" {p} " in folded for p in query.phrases):
                    score *= PHRASE_BOOST
            boosted.append((doc_id, score, doc_type))
        scored = sorted(boosted, key=_order)
    return scored, capped


def highlight(text: str, stem_set: set[str], limit: int = SNIPPET_CHARS) -> str:
    """Escape first, then wrap matched words: user HTML is never injected. `stem_set` may
    hold prefixes (analysis.is_prefix): a word with a stem they start is matched too."""
    text = text or ""
    prefixes = tuple(s[:-1] for s in stem_set if is_prefix(s))
    first = None
    matches = []
    for m in WORD_RE.finditer(text):
        folded = words(m.group(0))
        if folded and any(
            s in stem_set or (prefixes and s.startswith(prefixes)) for w in folded for s in stems(w)
        ):
            matches.append((m.start(), m.end()))
            if first is None:
                first = m.start()
    start = 0
    if first is not None and first > limit // 3:
        start = text.rfind(" ", 0, first - limit // 3) + 1
    end = min(len(text), start + limit)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e in matches:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def search(
    viewer,
    q: str | None,
    filters: Filters | None = None,
    cursor=None,
    limit=None,
    prefix: bool = False,
):
    """`prefix`: search-as-you-type, the last word of a text not ending with a space matches
    as a prefix too (analysis.ParsedQuery); the results page searches whole words."""
    filters = filters or Filters()
    limit = clamp_limit(limit)
    offset = _decode_cursor(cursor)
    query = ParsedQuery(q, prefix=prefix)
    # Filters are checked even for an empty query, so a bad one is reported consistently.
    searching = not query.empty and viewer is not None and viewer.is_authenticated
    plan = _plan(viewer, filters, prefilters=searching)
    if not searching:
        return Results(items=[], next_cursor=None, count=0)
    ranked, capped = _ranked(plan, query)
    visible, exhausted = _visible_prefix(ranked, plan, offset + limit + 1)
    page = visible[offset : offset + limit]
    docs = {
        row[0]: row
        for row in SearchDocument.objects.filter(pk__in=[r[0] for r in page]).values_list(
            "id", "doc_type", "object_id", "title_text", "body_text", "url", "created_at", "lang"
        )
    }
    stem_set = query.stem_set
    items = []
    for doc_id, score, _type in page:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        _, doc_type, object_id, title, body, url, created_at, lang = doc
        items.append(
            Hit(
                type=doc_type,
                id=object_id,
                title=title,
                url=url,
                snippet=highlight(body or title, stem_set),
                score=round(score, 6),
                created_at=created_at,
                lang=lang,
            )
        )
    next_cursor = _encode_cursor(offset + limit) if offset + limit < len(visible) else None
    return Results(
        items=items,
        next_cursor=next_cursor,
        count=len(visible),
        count_capped=capped or not exhausted,
    )


def suggest(viewer, q: str, limit: int = 8) -> list[Hit]:
    """The header's results as you type: the word being typed matches as a prefix. Comments
    are left out (backends.TYPEAHEAD_LEFT_OUT): each repeats its post's title, so a few busy
    threads filled the eight places; the results page, a keystroke away, has them."""
    types = [t for t in type_names() if t not in backends.TYPEAHEAD_LEFT_OUT]
    return search(viewer, q, filters=Filters(types=types), limit=limit, prefix=True).items
