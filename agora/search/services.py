"""Search: parse safely, rank a bounded candidate set in the engine (restricted in SQL to what
the viewer may see and to the filters), re-rank in Python (recency, quoted phrases), page.

Pagination: the cursor is an opaque offset into the re-ranked candidate list. That is acceptable
here (unlike keyset pagination elsewhere) because the candidate set is capped at
backends.CANDIDATES and re-ranked deterministically (score, then id) on every request.
"""

import base64
import binascii
import datetime as dt
import html
import json
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agora.core.errors import Invalid
from agora.core.pagination import clamp_limit

from . import backends, registry
from .analysis import WORD_RE, ParsedQuery, stems, words
from .models import SearchDocument

SNIPPET_CHARS = 220
RECENCY_WEIGHT = 0.1
RECENCY_HALF_DAYS = 180
PHRASE_BOOST = 1.5
PHRASE_CHECKED = 200  # the phrase is looked for in the engine's best candidates only
OR_FALLBACK_BELOW = 10  # fewer "all words" matches than this: add "any word" matches after


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


def _filters_q(viewer, filters: Filters) -> Q:
    from agora.communities.visibility import listed_communities
    from agora.people.visibility import visible_profiles

    names = type_names()
    wanted = filters.types or names
    unknown = [t for t in wanted if t not in names]
    if unknown:
        raise _bad("type", _("Unknown type: %(t)s") % {"t": ", ".join(unknown)[:100]})
    visible = Q(pk__in=[])
    for name in wanted:
        visible |= registry.get(name).visible(viewer)
    q = visible
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


def _ranked(viewer, query: ParsedQuery, filters: Filters) -> list[tuple[int, float]]:
    allowed = SearchDocument.objects.filter(_filters_q(viewer, filters))
    rows = backends.rank(query, allowed, "and")
    if len(rows) < OR_FALLBACK_BELOW and len(query.groups) > 1:
        # Few documents have every word: "any word" matches follow, always after "all words"
        # ones (on the Stack Exchange bench this beats one merged any-word ranking).
        seen = {r[0] for r in rows}
        extra = [r for r in backends.rank(query, allowed, "or") if r[0] not in seen]
        floor = min((r[1] for r in rows), default=0.0)
        top = max((r[1] for r in extra), default=0.0)
        shift = (top - floor) + 1.0 if rows and extra else 0.0
        rows = [(i, s + shift, c) for i, s, c in rows] + extra
    now = timezone.now()
    scored = []
    for doc_id, score, created_at in rows:
        created_at = _aware(created_at)
        score = float(score or 0.0)
        if created_at is not None:
            # Whole days: the order must not change between two page requests.
            age_days = max((now - created_at).days, 0)
            score *= 1 + RECENCY_WEIGHT / (1 + age_days / RECENCY_HALF_DAYS)
        scored.append((doc_id, score))
    if query.phrases and scored:
        texts = {
            i: f"{t} {b}"
            for i, t, b in SearchDocument.objects.filter(
                pk__in=[i for i, _ in scored[:PHRASE_CHECKED]]
            ).values_list("id", "title_text", "body_text")
        }
        boosted = []
        for doc_id, score in scored:
            folded = " " + " ".join(words(texts.get(doc_id, ""))) + " "
            if all(f" {p} " in folded for p in query.phrases):
                score *= PHRASE_BOOST
            boosted.append((doc_id, score))
        scored = boosted
    # Scores rounded (engines compute in float4/float8) so ties break the same way: by id.
    scored.sort(key=lambda r: (-float(f"{r[1]:.7g}"), r[0]))
    return scored


def highlight(text: str, stem_set: set[str], limit: int = SNIPPET_CHARS) -> str:
    """Escape first, then wrap matched words: user HTML is never injected."""
    text = text or ""
    first = None
    matches = []
    for m in WORD_RE.finditer(text):
        folded = words(m.group(0))
        if folded and any(s in stem_set for w in folded for s in stems(w)):
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


def search(viewer, q: str | None, filters: Filters | None = None, cursor=None, limit=None):
    filters = filters or Filters()
    limit = clamp_limit(limit)
    offset = _decode_cursor(cursor)
    query = ParsedQuery(q)
    # Filters are checked even for an empty query, so a bad one is reported consistently.
    _filters_q(viewer, filters)
    if query.empty or viewer is None or not viewer.is_authenticated:
        return Results(items=[], next_cursor=None, count=0)
    ranked = _ranked(viewer, query, filters)
    page = ranked[offset : offset + limit]
    docs = SearchDocument.objects.in_bulk([i for i, _ in page])
    stem_set = query.stem_set
    items = []
    for doc_id, score in page:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        source = doc.body_text or doc.title_text
        items.append(
            Hit(
                type=doc.doc_type,
                id=doc.object_id,
                title=doc.title_text,
                url=doc.url,
                snippet=highlight(source, stem_set),
                score=round(score, 6),
                created_at=doc.created_at,
                lang=doc.lang,
            )
        )
    next_cursor = _encode_cursor(offset + limit) if offset + limit < len(ranked) else None
    return Results(items=items, next_cursor=next_cursor, count=len(ranked))


def suggest(viewer, q: str, limit: int = 8) -> list[Hit]:
    return search(viewer, q, limit=limit).items
