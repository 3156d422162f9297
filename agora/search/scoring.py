"""BM25 over the bounded candidate set, computed here rather than by the engines.

FTS5's bm25() and PostgreSQL's ts_rank must look at every match of a term the first time they
score it (FTS5 counts them for the IDF; ts_rank needs a scan of its own), which is what made a
frequent word cost seconds. Here the candidates' analysed terms are already in hand, document
frequencies are sampled (backends.doc_frequency, cached when they were extrapolated), and the
formula is FTS5's: per query term, idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len / avglen)),
f being the term's count in the title times TITLE_WEIGHT plus its count in the body. Both
databases therefore order the same candidates identically.
"""

import math
import time
from dataclasses import dataclass

from django.db import connection

from . import backends
from .analysis import ParsedQuery, is_prefix

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
STATS_SECONDS = 600.0  # how long a sampled statistic of a large index is reused
SMALL_INDEX = 50_000  # below this many documents statistics are recomputed on every query

_cache: dict[tuple, tuple[float, float]] = {}


@dataclass
class Scored:
    id: int
    score: float
    created_at: object
    doc_type: str
    held: float  # share of the query's words the document holds


def _cached(key: tuple, compute, reuse) -> float:
    """compute(), reused for STATS_SECONDS when reuse(value) says it is worth it."""
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[1] > now:
        return hit[0]
    value = compute()
    if reuse(value):
        if len(_cache) > 20_000:
            _cache.clear()
        _cache[key] = (value, now + STATS_SECONDS)
    return value


def _average_length() -> float:
    sample = backends.length_sample()
    return sum(sample) / len(sample) if sample else 1.0


def frequencies(query: ParsedQuery, ids: tuple[int, int] | None = None) -> dict[str, int]:
    """Document frequency of every term of the query (sampled, see backends.doc_frequency);
    `ids`: backends.id_range(), when the caller has it."""
    db = connection.settings_dict.get("NAME")
    low, high = ids or backends.id_range()
    # In a large index every estimate is reused for a while; in a small one they are exact
    # and cheap, and only the extrapolated ones (frequent terms) are kept.
    large = high - low + 1 >= SMALL_INDEX
    out = {}
    for group in query.groups:
        for term in group:
            out[term] = _cached(
                (db, "df", term),
                lambda t=term: backends.doc_frequency(t, low, high),
                lambda value: large or value >= backends.DF_SAMPLE,
            )
    return out


def score(query: ParsedQuery, rows, ids: tuple[int, int] | None = None) -> list[Scored]:
    """rows: (id, title terms, body terms, created_at, doc_type) from backends.rank."""
    if not rows:
        return []
    db = connection.settings_dict.get("NAME")
    ids = ids or backends.id_range()
    low, high = ids
    n = max(high - low + 1, 1)
    large = n >= SMALL_INDEX
    avglen = max(_cached((db, "avglen"), _average_length, lambda _: large), 1.0)
    idf = {
        term: max(math.log((n - df + 0.5) / (df + 0.5)), 1e-6)
        for term, df in frequencies(query, ids).items()
    }
    groups = query.groups
    out = []
    for doc_id, title, body, created_at, doc_type in rows:
        title_terms = title.split()
        body_terms = body.split()
        norm = K1 * (1 - B + B * (len(title_terms) + len(body_terms)) / avglen)
        total = 0.0
        held = 0
        for group in groups:
            found = False
            for term in group:
                if is_prefix(term):  # search-as-you-type: every index term it starts counts
                    in_title, in_body = _starting(title_terms, term), _starting(body_terms, term)
                else:
                    # list.count runs in C: cheaper than building a Counter for a few terms.
                    in_title, in_body = title_terms.count(term), body_terms.count(term)
                f = TITLE_WEIGHT * in_title + BODY_WEIGHT * in_body
                if f:
                    found = True
                    total += idf[term] * f * (K1 + 1) / (f + norm)
            held += found
        out.append(Scored(doc_id, total, created_at, doc_type, held / len(groups)))
    return out


def _starting(terms: list[str], prefix_term: str) -> int:
    """How many of `terms` a prefix term (analysis.is_prefix) starts."""
    stem = prefix_term[:-1]
    return sum(1 for t in terms if t.startswith(stem))
