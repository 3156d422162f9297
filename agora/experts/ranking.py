"""Who can help: people ranked by the evidence of what they answered.

The model (chosen with bench/experts/prototype.py; see bench/experts/README.md) adds a few
log-scaled signals, each generic rather than tuned to one site:

- activity: answers decayed with a time constant of 30% of the evidence's span (so a site
  that lived four days and one that lived ten years are treated alike), once plain and once
  weighted by acceptance and votes — people who answered lately answer next;
- volume (log answers) and reliability (smoothed share of accepted answers);
- text: BM25 of the query against each person's answered questions and answers (French and
  English analysis of the search app), normalised by the best candidate;
- tags: answers on the query's tags, weighted by how rare each tag is;
- declared skills matching the query, with their level and endorsements.

Only evidence the viewer may read is counted: the index keeps it per place (profile
questions, one community, and merged places: see index.py) and a query reads the places that
hold exactly what the viewer may read. What a query reads is bounded whatever the size of
the instance: document frequencies and totals are looked up, and each term contributes at
most its TERM_ROWS heaviest rows per place.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from psycopg.pq import Format

from agora.communities.models import Community
from agora.communities.visibility import readable_q
from agora.core import compiled
from agora.people.models import Profile, ProfileSkill, Skill
from agora.people.text import fold
from agora.people.visibility import field_visible_q, people_visible_to
from agora.qa.importer.fields import hashtag_name
from agora.qa.models import ImportedRecord
from agora.search.analysis import analyse, words

from . import index, reasons
from .models import ExpertPlace, ExpertStat, ExpertTerm, ExpertTermCount

WEIGHTS = {
    "activity": 1.0,
    "activity_weighted": 1.0,
    "volume": 1.0,
    "reliability": 0.25,
    "text": 0.5,
    "tags": 0.25,
    "skills": 1.0,
}
SPAN_FRACTION = 0.3
MAX_QUERY_TERMS = 32
# Terms used by more people than this say little about anyone (and would make a query read
# most of the index): half of a small place, at most 5% of a large one.
MIN_TERM_PEOPLE_CAP = 50
MAX_TERM_SHARE = 0.05
MAX_DF_TERMS = 64
RECENT_CANDIDATES = 200
# Rows read per term and place: the heaviest (people who used the term most there).
TERM_ROWS = 100
# Candidates whose activity is read and features computed (see _shortlist).
MAX_CANDIDATES = 200
K1, B = 1.2, 0.75
FLOOR = 1e-3


def _places(viewer) -> list[int]:
    """The index places (see index.py) holding exactly the evidence the viewer may read."""
    if viewer is None:
        return [index.EVERYONE]
    if not viewer.is_authenticated:
        return []

    def build():
        readable = Community.objects.filter(readable_q(viewer))
        if not viewer.is_guest:
            readable = readable.exclude(kind=Community.Kind.OPEN)
        return readable.order_by("pk").values_list("pk").query.sql_with_params()

    # Built by the ORM once per viewer (core/compiled.py), the memberships read each time.
    sql, params = compiled.for_viewer(viewer, ("experts.places", readable_q), build)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        ids = [pk for (pk,) in cur.fetchall()]
    if viewer.is_guest:
        # Guests read their communities only (not the profile questions): their place rows.
        return ids
    # Employees: everything every employee reads is merged in EMPLOYEES; then the on-request
    # and secret communities they belong to.
    return [index.EMPLOYEES] + ids


def _term_rows(pairs, recent_places=None, users=None) -> list[tuple]:
    """Rows of the terms of `pairs` ((place, term) each), in one statement, each part a range
    of the covering expert_term_top index.

    Without `users`: the TERM_ROWS heaviest rows of each pair, (user_id, i, weight) for the
    i-th pair (so a common word costs no more than a rare one), and with `recent_places` (a
    place or a list) (user_id, -1, 0.0) for the RECENT_CANDIDATES people most recently
    active there. With `users`: all their rows of the pairs, (user_id, i, weight, answers,
    accepted, last_at); last_at as _instant_sql reads it (see _as_datetime)."""
    terms = ExpertTerm._meta.db_table
    if users is not None:
        # One range of the index per pair too, but one statement without a part per pair:
        # the list of people is then written (and planned) once.
        if not users or not pairs:
            return []
        index_of = {pair: i for i, pair in enumerate(pairs)}
        # PostgreSQL: written out, the list of people is a hashed test (an array parameter
        # would be searched element by element for each row of the ranges).
        in_list = _in if connection.vendor == "postgresql" else _in_json
        where = [in_list("place", {p for p, _t in pairs}), in_list("term", {t for _p, t in pairs})]
        # "+ 0": not a condition an index on user_id could serve, so the planner walks the
        # terms' ranges rather than all of these (the busiest) people's rows.
        where.append(in_list("user_id + 0", users))
        with connection.cursor() as cur:
            _numbers(cur).execute(
                "SELECT user_id, place, term, weight, answers, accepted, "  # noqa: S608
                f"{_instant_sql('last_at')} FROM {terms} WHERE "
                + " AND ".join(sql for sql, _p in where),
                [p for _sql, params in where for p in params],
            )
            return [
                (user_id, index_of[(place, term)], *rest)
                for user_id, place, term, *rest in cur.fetchall()
                if (place, term) in index_of
            ]
    if connection.vendor == "postgresql":
        return _heaviest_rows_pg(pairs, recent_places)
    parts, params = [], []
    columns, limit = "weight", f"ORDER BY weight DESC LIMIT {int(TERM_ROWS)}"
    for i, (place, term) in enumerate(pairs):
        parts.append(
            f"SELECT * FROM (SELECT user_id, {i}, {columns} FROM {terms} "  # noqa: S608
            f"WHERE place = %s AND term = %s {limit}) AS t{i}"
        )
        params += [place, term]
    if recent_places is not None:
        if isinstance(recent_places, int):
            where, params_ = "place = %s", [recent_places]
        else:
            where = "place IN (" + ", ".join(["%s"] * len(recent_places)) + ")"
            params_ = list(recent_places)
        parts.append(
            f"SELECT user_id, -1, 0.0 FROM (SELECT user_id FROM {ExpertStat._meta.db_table} "  # noqa: S608
            f"WHERE {where} ORDER BY last_at DESC LIMIT %s) AS r"
        )
        params += params_ + [RECENT_CANDIDATES]
    if not parts:
        return []
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts), params)
        return cur.fetchall()


def _heaviest_rows_pg(pairs, recent_places) -> list[tuple]:
    """_term_rows without `users` on PostgreSQL: the same rows from a statement whose text
    does not depend on the number of pairs, so it is prepared once. A part per pair cost
    ~2 ms of planning per query (40 pairs), more than running it. Each pair is still one
    range of expert_term_top read in its order (LATERAL … LIMIT is a probe per pair), and
    the rows come in the order of the pairs, as the parts did (the weights of a person's
    places are then added up in the same order)."""
    terms = ExpertTerm._meta.db_table
    sql = (
        "(SELECT t.user_id, p.i::int - 1, t.weight "  # noqa: S608
        "FROM unnest(%s::bigint[], %s::text[]) WITH ORDINALITY AS p(place, term, i) "
        f"CROSS JOIN LATERAL (SELECT user_id, weight FROM {terms} "
        "WHERE place = p.place AND term = p.term "
        f"ORDER BY weight DESC LIMIT {int(TERM_ROWS)}) AS t ORDER BY p.i)"
    )
    params = [_int_array(p for p, _t in pairs), [t for _p, t in pairs]]
    if recent_places is not None:
        # One place (employees, the operator): the range of expert_stat_recent in its order,
        # read up to the limit. "= ANY" would read the whole place and sort it.
        single = isinstance(recent_places, int)
        sql += (
            f" UNION ALL (SELECT user_id, -1, 0.0 FROM {ExpertStat._meta.db_table} "  # noqa: S608
            f"WHERE place {'= %s' if single else '= ANY(%s::bigint[])'} "
            "ORDER BY last_at DESC LIMIT %s)"
        )
        params += [recent_places if single else _int_array(recent_places), RECENT_CANDIDATES]
    with connection.cursor() as cur:
        _numbers(cur).execute(sql, params)
        return cur.fetchall()


def _numbers(cur):
    """`cur` set to read results in PostgreSQL's binary format: the statements reading
    evidence return thousands of numbers, which psycopg then takes as they are instead of
    parsing their text (a few ms of a query's CPU). For ints, floats and text only (Django
    registers text-format loaders for some other types)."""
    if connection.vendor == "postgresql":
        cur.cursor.format = Format.BINARY
    return cur


def _in(column: str, values) -> tuple[str, list]:
    """`column IN values` as SQL and parameters. Integers are written out: any number of
    them (SQLite limits parameters), and the statement is then planned for them (PostgreSQL
    would prepare a repeated statement with a generic plan, blind to the list's length).
    Strings are parameters: one array on PostgreSQL."""
    values = sorted(values)
    if all(isinstance(v, int) for v in values):
        return f"{column} IN ({', '.join(str(int(v)) for v in values)})", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _in_json(column: str, values) -> tuple[str, list]:
    """SQLite: `column IN values`, the values one JSON parameter. The text is then fixed, so
    SQLite's statement is cached instead of parsed again with a thousand values written in it
    (and Django's placeholder rewriting scans a short text); the list still becomes a sorted
    ephemeral index, probed or walked as a written-out list is."""
    sql = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608
    return sql, [json.dumps(sorted(values))]


def _in_fixed(column: str, values) -> tuple[str, list]:
    """Like _in, but one array on PostgreSQL whatever the values, so the statement's text is
    fixed (prepared once): for lists whose best plan does not depend on their length (a
    few places, keys looked up in a unique index)."""
    if connection.vendor != "postgresql":
        return _in(column, values)
    values = sorted(values)
    if all(isinstance(v, int) for v in values):
        return f"{column} = ANY(%s::bigint[])", [_int_array(values)]
    return f"{column} = ANY(%s::text[])", [values]


def _instant_sql(column: str) -> str:
    """SQL reading a timestamp for _as_datetime. On PostgreSQL seconds since 1970 (a float
    holds them to the microsecond): Django's timestamptz loader is Python code, ~4 µs a value,
    and a query reads several hundred of them to show ten people's."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::float8"
    return column


def _as_datetime(value):
    """An aware datetime from a timestamp read by raw SQL (_instant_sql): SQLite returns
    naive UTC (a datetime for a column, Django's text for an expression over one),
    PostgreSQL seconds since 1970."""
    if value is None:
        return None
    if isinstance(value, float):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _query_terms(text: str, tags) -> tuple[Counter, list[str]]:
    tag_keys = []
    for tag in tags:
        # The importer's spelling of Stack Exchange tags ("c++" -> "cplusplus"), then the
        # hashtag key's folding.
        raw = str(tag).strip().lstrip("#")
        key = fold(hashtag_name(raw) or raw).replace(" ", "")
        if key and key not in tag_keys:
            tag_keys.append(key)
    terms = Counter(analyse(text))
    for key in tag_keys:
        terms.update(analyse(key.replace("-", " ")))
    return terms, tag_keys


def _tau_index(span_days: float) -> int:
    target = max(SPAN_FRACTION * span_days, 1e-6)
    return min(
        range(len(index.TAUS_DAYS)), key=lambda i: abs(math.log(index.TAUS_DAYS[i] / target))
    )


class Place(NamedTuple):
    """A person's record in one place the viewer may read (see index.ExpertStat)."""

    answers: int
    accepted: int
    length: float
    last_at: object  # as _instant_sql reads it
    activity_weighted: float
    activity: float


def _merge_activity(rows, name: str) -> float:
    total = -math.inf
    for row in rows:
        total = index._logaddexp(total, getattr(row, name))
    return total


def rank_people(viewer, text, tags, limit, exclude):
    from .services import ExpertResult

    index.catch_up()
    places = _places(viewer)
    if not places:
        return []
    terms, tag_keys = _query_terms(text, tags)
    tag_terms = [index.tag_term(k) for k in tag_keys]
    # The query's rarest-looking words first (longer words are rarer), so a long question
    # costs no more than a short one.
    wanted_terms = sorted(terms, key=lambda t: (-len(t), t))[:MAX_DF_TERMS] + tag_terms

    # Document frequencies (people per term) and totals of the readable places, looked up.
    # Over several places the numbers add up (someone in two of them counts twice: an
    # estimate, as the idf is).
    df: Counter = Counter()
    present: dict[str, list[int]] = defaultdict(list)
    skill_keys = set(tag_keys) | {w for w in words(text) if len(w) > 1}
    counts, declared, totals = _lookups(places, wanted_terms, skill_keys)
    for place, term, n in counts:
        df[term] += n
        present[term].append(place)
    people_total = sum(t[0] for t in totals)
    term_cap = max(MIN_TERM_PEOPLE_CAP, MAX_TERM_SHARE * people_total)
    word_terms = [t for t in terms if t in df and df[t] <= term_cap]
    word_terms.sort(key=lambda t: (df[t], t))
    word_terms = word_terms[:MAX_QUERY_TERMS]

    # Who matched: the people of the heaviest rows of each chosen term and tag, per readable
    # place (their weights only), and the most recently active; one statement.
    pairs = [
        (place, term)
        for term in word_terms + [t for t in tag_terms if t in df]
        for place in sorted(present[term])
    ]
    matched: dict[int, dict[str, float]] = defaultdict(dict)
    recent: set[int] = set()
    pair_terms = [term for _place, term in pairs]
    for user_id, i, weight in _term_rows(pairs, places[0] if places[0] < 0 else places):
        if i < 0:
            recent.add(user_id)
            continue
        found = matched[user_id]
        term = pair_terms[i]
        found[term] = found.get(term, 0.0) + weight

    skills = _matching_skills(viewer, declared)

    span = 0.0
    ref = 0.0
    if totals:
        ref = index.days(max(t[3] for t in totals))
        span = ref - index.days(min(t[2] for t in totals))
    tau_i = _tau_index(span)
    tau = index.TAUS_DAYS[tau_i]
    plain_i = tau_i + len(index.TAUS_DAYS)

    # Candidates: whoever matched a term or tag, people with a matching skill, and the most
    # recently active (only useful when the others are few: they come after them). First
    # their records, read from an index.
    wanted = set(matched) | set(skills)
    if len(wanted) < MAX_CANDIDATES:
        wanted |= recent
    cards, lengths = _cards(places, wanted - set(exclude))
    candidates = (set(cards) | set(skills)) - set(exclude)
    if not candidates:
        return []

    n_people = max(people_total, 1)
    # BM25's average document length: that of the readable places (not of the candidates,
    # so it does not depend on how many of them are looked at).
    avg_length = (sum(t[1] for t in totals) / people_total if people_total else 0.0) or 1.0
    idf = {
        t: math.log(1 + (n_people - df[t] + 0.5) / (df[t] + 0.5)) * (1 + math.log(terms[t]))
        for t in word_terms
    }

    norms: dict[int, float] = {}  # per person, BM25's length normalisation
    k1_plus_1 = K1 + 1

    def bm25(user_id, weights) -> float:
        # Run for every person matched (~1,000 for a long question): kept lean, the same
        # arithmetic in the same order as the formula (scores must not move).
        norm = norms.get(user_id)
        if norm is None:
            dl = lengths.get(user_id, 0) or avg_length
            norm = norms[user_id] = K1 * (1 - B + B * dl / avg_length)
        s = 0.0
        for term, tf in weights:
            w = idf.get(term)
            if w is not None:
                s += w * tf * k1_plus_1 / (tf + norm)
        return s

    text_scores = {user_id: bm25(user_id, found.items()) for user_id, found in matched.items()}
    tag_idf = {t: math.log(1 + n_people / (1 + df.get(t, 0))) for t in tag_terms}
    if len(candidates) > MAX_CANDIDATES:
        best_text = max(text_scores.values(), default=0.0) or 1.0
        candidates = _shortlist(
            candidates, cards, matched, skills, text_scores, best_text, tag_idf, ref, tau
        )
    # The candidates' complete evidence on the query's terms (the heaviest rows only said who
    # they are), and their full records with the activity at the query's time scale.
    per_person_terms: dict[int, dict[str, list]] = defaultdict(dict)
    for user_id, i, *evidence in _term_rows(pairs, users=candidates):
        index.add_term_evidence(per_person_terms[user_id], pairs[i][1], *evidence)
    for user_id in candidates:
        found = per_person_terms.get(user_id)
        text_scores[user_id] = bm25(user_id, ((t, s[0]) for t, s in found.items())) if found else 0
    best_text = max(text_scores.values(), default=0.0) or 1.0
    stats_by_user = _records(places, candidates, tau_i, plain_i)

    scored = []
    for user_id in candidates:
        rows = stats_by_user.get(user_id, [])
        n = sum(r.answers for r in rows)
        acc = sum(r.accepted for r in rows)
        found = per_person_terms.get(user_id, {})
        # A declared skill counts like a little recent evidence (more with its level and
        # endorsements), so people known by their skills rather than answers can show up.
        skill_mass = sum(
            link.level / 4 * (1 + math.log1p(link.endorsement_count))
            for link in skills.get(user_id, ())
        )
        f = {}
        for name in ("activity_weighted", "activity"):
            mass = math.exp(min(_merge_activity(rows, name) - ref / tau, 50)) if rows else 0.0
            f[name] = math.log(FLOOR + mass + skill_mass)
        f["volume"] = math.log1p(n)
        f["reliability"] = math.log((acc + 1) / (n + 2))
        f["text"] = math.log(0.02 + text_scores.get(user_id, 0.0) / best_text)
        tag_score = 0.0
        for term in tag_terms:
            slot = found.get(term)
            if slot:
                tag_score += tag_idf[term] * math.log1p(slot[1])
        f["tags"] = tag_score
        f["skills"] = sum(
            link.level / 4 + 0.5 * math.log1p(link.endorsement_count)
            for link in skills.get(user_id, ())
        )
        score = sum(WEIGHTS[k] * v for k, v in f.items())
        # Someone with no evidence on the subject comes after everyone with some, however
        # active they are: the track record ranks people, it does not make them relevant.
        topical = text_scores.get(user_id, 0.0) > 0 or tag_score > 0 or f["skills"] > 0
        scored.append((topical, score, user_id, f, rows, found))
    scored.sort(key=lambda x: (not x[0], -x[1], x[2]))

    results = []
    # People are fetched a page at a time: usually one query, more only when many of the best
    # candidates are not suggestible or not visible to the viewer.
    batch = limit + 10
    for start in range(0, len(scored), batch):
        page = scored[start : start + batch]
        users = _people(viewer, [s[2] for s in page])
        for _topical, score, user_id, f, rows, found in page:
            user = users.get(user_id)
            if user is None:
                continue
            evidence = _evidence(rows, found, tag_terms, skills.get(user_id, ()), f)
            reason_data = reasons.from_evidence(evidence)
            results.append(
                ExpertResult(
                    user=user,
                    score=round(score, 4),
                    reasons=reasons.word(reason_data),
                    reason_data=reason_data,
                    evidence=evidence,
                    source_id=user.source_id,
                )
            )
            if len(results) >= limit:
                return results
    return results


def _lookups(places, terms, skill_keys) -> tuple[list[tuple], list[str], list[tuple]]:
    """What a query looks up before reading any evidence, in one statement:

    - (place, term, people) for `terms` in `places` (document frequencies);
    - the declared skills among `skill_keys`: the skills query is the dearest of a query to
      build (ORM, visibility rules), and most queries name no one's skill, so it runs only
      when one does;
    - (people, length, first_at, last_at) of each of `places` that has records, in the
      order of the places (their lengths are added up in that order).

    On PostgreSQL the lists are arrays: the text does not depend on them (prepared once)."""
    table_counts, table_places = ExpertTermCount._meta.db_table, ExpertPlace._meta.db_table
    in_places, p_places = _in_fixed("place", places)
    # Typed NULLs: PostgreSQL resolves a UNION's column types from its parts.
    none_float, none_at = "CAST(NULL AS float8)", "CAST(NULL AS timestamptz)"
    parts, params = [], []
    if terms:
        in_terms, p_terms = _in_fixed("term", terms)
        parts.append(
            f"SELECT 1, place, term, people, {none_float}, {none_at}, {none_at} "  # noqa: S608
            f"FROM {table_counts} "
            f"WHERE {in_places} AND {in_terms}"
        )
        params += p_places + p_terms
    if skill_keys:
        in_keys, p_keys = _in_fixed("key", skill_keys)
        parts.append(
            f"SELECT 2, CAST(NULL AS bigint), key, 0, {none_float}, {none_at}, {none_at} "  # noqa: S608
            f"FROM {Skill._meta.db_table} "
            f"WHERE {in_keys}"
        )
        params += p_keys
    parts.append(
        f"SELECT 3, place, CAST(NULL AS text), people, length, first_at, last_at "  # noqa: S608
        f"FROM {table_places} "
        f"WHERE {in_places}"
    )
    params += p_places
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 2", params)
        rows = cur.fetchall()
    counts, declared, totals = [], [], []
    for kind, place, term, people, length, first, last in rows:
        if kind == 1:
            counts.append((place, term, people))
        elif kind == 2:
            declared.append(term)
        else:
            totals.append((people, length, _as_datetime(first), _as_datetime(last)))
    return counts, sorted(declared), totals


def _int_array(values) -> str:
    """A PostgreSQL array literal of integers, in their order: psycopg adapts a list of a
    thousand integers one by one, in Python (~0.6 ms)."""
    return "{" + ",".join(str(int(v)) for v in values) + "}"


def _stat_rows(columns: list[str], places, user_ids) -> list[tuple]:
    """`columns` (SQL over ExpertStat) of these people's records in these places.

    PostgreSQL probes the (place, user) index once per pair, both lists passed as arrays:
    with the lists written out, each call was planned again (~2 ms for a thousand people)
    and the plans read far more than the pairs (every row of the place, or every record of
    these busy people, who answer in dozens of communities). The statement's text no longer
    changes, so it is prepared, and its generic plan is the probe whatever the lists."""
    table = ExpertStat._meta.db_table
    with connection.cursor() as cur:
        _numbers(cur)
        if connection.vendor == "postgresql":
            # LIMIT 1 (a record per place and person) keeps the planner from flattening the
            # probe into a join, which it would plan as a scan of the whole table.
            cur.execute(
                f"SELECT {', '.join(columns)} FROM unnest(%s::bigint[]) AS p(pl) "  # noqa: S608
                "CROSS JOIN unnest(%s::bigint[]) AS u(id) CROSS JOIN LATERAL "
                f"(SELECT * FROM {table} WHERE place = p.pl AND user_id = u.id LIMIT 1) AS s",
                [_int_array(sorted(places)), _int_array(sorted(user_ids))],
            )
        else:
            # SQLite: the lists as JSON (see _in_json), so this text is fixed too.
            (in_places, p1), (in_users, p2) = (
                _in_json("place", places),
                _in_json("user_id", user_ids),
            )
            cur.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {in_places} AND {in_users}",  # noqa: S608
                p1 + p2,
            )
        return cur.fetchall()


def _cards(places, user_ids) -> tuple[dict[int, list], dict[int, float]]:
    """Per person, (user_id, place, answers, accepted, score, length, days of the latest
    answer) of their records in `places`: no activity (read from the covering index alone);
    and the total length of their records (BM25's document length)."""
    if not user_ids:
        return {}, {}
    columns = ["user_id", "place", "answers", "accepted", "score", "length"]
    out: dict[int, list] = defaultdict(list)
    for card in _stat_rows(columns + [index.days_sql("last_at")], places, user_ids):
        out[card[0]].append(card)
    return out, {user_id: sum(c[5] for c in rows) for user_id, rows in out.items()}


def _records(places, user_ids, *activity) -> dict[int, list]:
    """Per person, their Place records in `places`, with the activity at two indices."""
    out: dict[int, list] = defaultdict(list)
    if not user_ids:
        return out
    columns = ["user_id", "answers", "accepted", "length", _instant_sql("last_at")]
    columns += [index.activity_sql(i) for i in activity]
    for user_id, *record in _stat_rows(columns, places, user_ids):
        out[user_id].append(Place(*record))
    return out


def _shortlist(candidates, cards, matched, skills, text_scores, best_text, tag_idf, ref, tau):
    """The MAX_CANDIDATES candidates whose full features are worth computing: ranked by the
    signals of rank_people with the activity estimated from the records alone (each place's
    answers taken as recent as its latest one, an upper bound; votes approximated) and the
    text and tags from the heaviest rows, so the activity and the complete evidence of
    everyone matched need not be read. It only decides who is looked at in full (a signal
    added to rank_people and not here still counts for those)."""
    w_weighted, w_plain, w_volume, w_reliability, w_text, w_tags, w_skills = (
        WEIGHTS.get(k, 0.0)
        for k in (
            "activity_weighted",
            "activity",
            "volume",
            "reliability",
            "text",
            "tags",
            "skills",
        )
    )
    log, log1p, exp = math.log, math.log1p, math.exp
    no_cards: list = []
    tag_items = list(tag_idf.items())
    estimated = []
    # Run for every candidate (~1,500 for a long question): lean loops (no lookups of what
    # the query has none of), the arithmetic of rank_people's in the same order.
    for user_id in candidates:
        n = acc = 0
        plain = weighted = 0.0
        for _user, _place, answers, accepted, score, _length, last_day in cards.get(
            user_id, no_cards
        ):
            n += answers
            acc += accepted
            if answers:
                x = (last_day - ref) / tau
                decay = exp(x if x <= 50 else 50)
                plain += answers * decay
                votes = answers * log1p(score / answers) if score > 0 else 0.0
                weighted += (answers + 2 * accepted + votes) * decay
        skill_mass = skill_score = 0.0
        if skills:
            for link in skills.get(user_id, no_cards):
                skill_mass += link.level / 4 * (1 + log1p(link.endorsement_count))
                skill_score += link.level / 4 + 0.5 * log1p(link.endorsement_count)
        tag_score = 0.0
        if tag_items:
            found = matched.get(user_id)
            if found:
                for term, idf in tag_items:
                    weight = found.get(term)  # of a tag: its answers, accepted ones twice
                    if weight:
                        tag_score += idf * log1p(weight)
        text = text_scores.get(user_id, 0.0)
        estimate = (
            w_weighted * log(FLOOR + weighted + skill_mass)
            + w_plain * log(FLOOR + plain + skill_mass)
            + w_volume * log1p(n)
            + w_reliability * log((acc + 1) / (n + 2))
            + w_text * log(0.02 + text / best_text)
            + w_tags * tag_score
            + w_skills * skill_score
        )
        topical = text > 0 or tag_score > 0 or skill_score > 0
        estimated.append((not topical, -estimate, user_id))
    estimated.sort()
    return {user_id for _t, _e, user_id in estimated[:MAX_CANDIDATES]}


def _matching_skills(viewer, keys) -> dict[int, list]:
    if not keys:
        return {}
    links = ProfileSkill.objects.filter(skill__key__in=list(keys)[:100])
    if viewer is not None:
        links = links.filter(
            profile__in=Profile.objects.filter(field_visible_q("skills", viewer)).values("pk")
        )
    out: dict[int, list] = defaultdict(list)
    for link in links.select_related("skill").annotate(endorsement_count=Count("endorsements")):
        out[link.profile_id].append(link)
    return out


def _people(viewer, user_ids) -> dict:
    """The suggestible people among `user_ids` whom the viewer may know exist, each a User
    with its profile loaded and `source_id` (their Stack Exchange id when imported).

    Who qualifies: a profile open to expert suggestions, and an active account or an
    imported one (inactive, as nobody logs in as them, but a person with a record); for a
    guest, only the people a guest may know of (people/visibility.py). One raw statement
    whose rule is built once per viewer (core/compiled.py): building it with the ORM on
    every query cost ~3 ms, more than the rest of the statement's work."""
    User = get_user_model()
    sql, params = compiled.for_viewer(
        viewer, ("experts.people", _people_sql), lambda: _people_sql(viewer)
    )
    in_users, p_users = _in_fixed("u.id", user_ids)
    with connection.cursor() as cur:
        cur.execute(sql.replace("{people}", in_users), p_users + params)
        rows = cur.fetchall()
    user_names, profile_names = _attnames(User), _attnames(Profile)
    n_user = len(user_names)
    profile_of = Profile._meta.get_field("user")
    out = {}
    for row in rows:
        user = User.from_db(connection.alias, user_names, row[:n_user])
        profile = Profile.from_db(connection.alias, profile_names, row[n_user:-1])
        # As select_related("profile") would: each knows the other.
        profile_of.remote_field.set_cached_value(user, profile)
        profile_of.set_cached_value(profile, user)
        user.source_id = row[-1]
        out[user.pk] = user
    return out


def _attnames(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _people_sql(viewer) -> tuple[str, list]:
    """_people's statement and parameters, "{people}" standing for the list of people
    (whose parameters come first)."""
    User = get_user_model()
    users, profiles = User._meta.db_table, Profile._meta.db_table
    kind = ImportedRecord.Kind.USER.value
    assert kind.isalnum()  # a constant of the code, written in the text
    imported = (
        f"FROM {ImportedRecord._meta.db_table} r "  # noqa: S608
        f"WHERE r.kind = '{kind}' AND r.object_id = u.id"
    )
    columns = [f"u.{f.column}" for f in User._meta.concrete_fields]
    columns += [f"p.{f.column}" for f in Profile._meta.concrete_fields]
    sql = (
        f"SELECT {', '.join(columns)}, (SELECT r.source_id {imported} LIMIT 1) "  # noqa: S608
        f"FROM {users} u JOIN {profiles} p ON p.user_id = u.id "
        "WHERE {people} AND p.expert_suggestible "
        f"AND (u.is_active OR EXISTS (SELECT 1 {imported}))"
    )
    params = []
    if viewer is not None and viewer.is_guest:
        visible, more = (
            Profile.objects.filter(people_visible_to(viewer)).values("pk").query.sql_with_params()
        )
        sql += f" AND p.user_id IN ({visible})"
        params += list(more)
    return sql, params


def _evidence(rows, found, tag_terms, skill_links, features) -> dict:
    last = _as_datetime(max((r.last_at for r in rows), default=None))
    tags = {}
    for term in tag_terms:
        slot = found.get(term)
        if slot and slot[1]:
            tags[term[1:]] = {
                "answers": slot[1],
                "accepted": slot[2],
                "last_answer_at": _as_datetime(slot[3]).isoformat(),
            }
    return {
        "answers": sum(r.answers for r in rows),
        "accepted": sum(r.accepted for r in rows),
        "last_answer_at": last.isoformat() if last else None,
        "tags": tags,
        "text_match": round(math.exp(features["text"]) - 0.02, 3),
        "skills": [
            {
                "name": link.skill.name,
                "level": link.level,
                "endorsements": link.endorsement_count,
            }
            for link in skill_links
        ],
    }
