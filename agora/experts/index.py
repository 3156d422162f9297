"""The evidence index: per person and per place, the track record (ExpertStat) and the
distinctive terms and tags (ExpertTerm) of their answers.

Places. Answers live in places: questions asked on profiles (PROFILE, which every employee
reads) or one community (its id). Each has its own rows, and two merged places are kept
alongside, the sum of a person's rows in:

- EMPLOYEES: the profile questions and every open community — what every employee may read;
- EVERYONE: every place (the operator's view, `viewer=None`).

So an employee's query reads one row per person and term from EMPLOYEES, plus the rows of
the on-request and secret communities they belong to; a guest's query reads the rows of
their communities; the operator's reads EVERYONE. A merged row is exactly the sum of the
place rows it stands for, so evidence from a community a viewer may not read never counts:
when a community changes kind across "open", the EMPLOYEES rows of the people who answered
there are merged again from their place rows in the same transaction (`remerge_community`).

Document frequencies (people per term and place, ExpertTermCount) and per-place totals
(ExpertPlace) are kept in step with the rows, so a query looks them up instead of counting.

Everything is rebuilt person by person from the live answers — after an answer is written,
edited, accepted, hidden or deleted (signals.py), and for answers created in bulk (imports)
by `catch_up()` before a query. Rebuilding a person is a few queries whatever happened, so
the index cannot drift from the answers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter, defaultdict
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum

from agora.communities.models import Community
from agora.conversations.models import PostHashtag
from agora.qa.models import Answer
from agora.search.analysis import analyse

from .models import ExpertPlace, ExpertStat, ExpertTerm, ExpertTermCount, IndexState

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Time scales of the decayed activity; the ranker picks the one that suits the span of the
# evidence, so a site that lived four days and one that lived ten years are both handled.
TAUS_DAYS = tuple(2.0 ** (k / 2) for k in range(-4, 28))  # 6 hours … 32 years, steps of √2
# A person's distinctive terms kept in all, shared among their places by number of answers
# (at least MIN_TERMS_PER_PLACE each): bounds the table and what a query reads, however many
# communities someone answers in.
TERMS_PER_PERSON = 400
MIN_TERMS_PER_PLACE = 30
TITLE_WEIGHT = 2
ACCEPTED_WEIGHT = 2  # an accepted answer's text says more about what someone knows

# Places (ExpertStat.place, ExpertTerm.place); a community is its id (> 0).
PROFILE = 0
EMPLOYEES = -1
EVERYONE = -2
MERGED = (EMPLOYEES, EVERYONE)
# Refreshing more people than this at once recounts the document frequencies from scratch
# instead of adjusting them person by person.
RECOUNT_ABOVE = 2000
CHUNK = 200


def tag_term(key: str) -> str:
    return "#" + key


def days(at: datetime) -> float:
    return (at - EPOCH).total_seconds() / 86400.0


def days_sql(column: str) -> str:
    """SQL for days(column), for reading many of them without building datetimes."""
    if connection.vendor == "postgresql":
        return (
            f"(EXTRACT(EPOCH FROM {column} - TIMESTAMPTZ '2000-01-01 00:00:00+00') / 86400)::float8"
        )
    return f"(julianday({column}) - 2451544.5)"  # julianday('2000-01-01 00:00:00')


def activity_sql(i: int) -> str:
    """SQL for ExpertStat.activity[i] as a float."""
    if connection.vendor == "postgresql":
        return f"(activity ->> {int(i)})::float8"
    return f"json_extract(activity, '$[{int(i)}]')"


def answer_weight(accepted: bool, score: int) -> float:
    return 1.0 + 2.0 * accepted + math.log1p(max(score, 0))


def _logaddexp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    hi, lo = (a, b) if a >= b else (b, a)
    return hi + math.log1p(math.exp(lo - hi))


def _live_answers(user_ids):
    return (
        Answer.objects.filter(
            author_id__in=user_ids,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            question__post__deleted_at__isnull=True,
            question__post__hidden_at__isnull=True,
        )
        .select_related("question__post")
        .only(
            "id",
            "author_id",
            "body",
            "score",
            "created_at",
            "question__accepted_answer_id",
            "question__post__id",
            "question__post__title",
            "question__post__body",
            "question__post__community_id",
        )
    )


# --- refreshing people ---------------------------------------------------------------------


def refresh_people(user_ids) -> None:
    """Rebuild the index rows of these people from their live answers."""
    user_ids = sorted({int(u) for u in user_ids if u})
    recount = len(user_ids) > RECOUNT_ABOVE
    for start in range(0, len(user_ids), CHUNK):
        _refresh_chunk(user_ids[start : start + CHUNK], counts=not recount)
    if recount:
        recount_all()


def _lock_people(user_ids) -> None:
    # Two processes refreshing the same person (a signal and a catch-up) take turns, so
    # neither can insert its rows next to the other's.
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk__in=user_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _refresh_chunk(user_ids: list[int], counts: bool = True) -> None:
    with transaction.atomic():
        _lock_people(user_ids)
        _rebuild_rows(user_ids, counts)


def _rebuild_rows(user_ids: list[int], counts: bool) -> None:
    answers = list(_live_answers(user_ids))
    post_ids = {a.question.post.id for a in answers}
    tags: dict[int, list[str]] = defaultdict(list)
    for post_id, key in PostHashtag.objects.filter(post_id__in=post_ids).values_list(
        "post_id", "hashtag__key"
    ):
        tags[post_id].append(key)

    stats: dict[tuple, dict] = {}
    terms: dict[tuple, Counter] = defaultdict(Counter)
    tag_rows: dict[tuple, dict] = {}
    for a in answers:
        post = a.question.post
        place = (a.author_id, post.community_id or PROFILE)
        accepted = a.question.accepted_answer_id == a.id
        s = stats.get(place)
        if s is None:
            s = stats[place] = {
                "answers": 0,
                "accepted": 0,
                "score": 0,
                "first_at": a.created_at,
                "last_at": a.created_at,
                "weighted": [-math.inf] * len(TAUS_DAYS),
                "plain": [-math.inf] * len(TAUS_DAYS),
            }
        s["answers"] += 1
        s["accepted"] += accepted
        s["score"] += a.score
        s["first_at"] = min(s["first_at"], a.created_at)
        s["last_at"] = max(s["last_at"], a.created_at)
        t = days(a.created_at)
        w = math.log(answer_weight(accepted, a.score))
        for i, tau in enumerate(TAUS_DAYS):
            s["weighted"][i] = _logaddexp(s["weighted"][i], w + t / tau)
            s["plain"][i] = _logaddexp(s["plain"][i], t / tau)
        text_weight = ACCEPTED_WEIGHT if accepted else 1
        bag = terms[place]
        for term in analyse(post.title):
            bag[term] += TITLE_WEIGHT * text_weight
        for term in analyse(post.body) + analyse(a.body):
            bag[term] += text_weight
        for key in tags.get(post.id, ()):
            bag[tag_term(key)] += text_weight
            row = tag_rows.setdefault(
                (place, key), {"answers": 0, "accepted": 0, "last_at": a.created_at}
            )
            row["answers"] += 1
            row["accepted"] += accepted
            row["last_at"] = max(row["last_at"], a.created_at)

    answers_of = defaultdict(int)
    for (user_id, _place), s in stats.items():
        answers_of[user_id] += s["answers"]
    place_stats: dict[tuple, dict] = {}
    place_terms: dict[tuple, dict] = {}
    for key, s in stats.items():
        user_id = key[0]
        cap = max(MIN_TERMS_PER_PLACE, TERMS_PER_PERSON * s["answers"] // answers_of[user_id])
        bag = terms[key]
        place_stats[key] = {
            "answers": s["answers"],
            "accepted": s["accepted"],
            "score": s["score"],
            "length": float(sum(bag.values())),
            "first_at": s["first_at"],
            "last_at": s["last_at"],
            "activity": [round(x, 6) for x in s["weighted"] + s["plain"]],
        }
        # Tags always kept; words: the heaviest, long words first on ties (more specific).
        words = [(t, c) for t, c in bag.items() if not t.startswith("#")]
        words.sort(key=lambda tc: (-tc[1], -len(tc[0]), tc[0]))
        kept = words[:cap] + [(t, c) for t, c in bag.items() if t.startswith("#")]
        out = place_terms[key] = {}
        for term, weight in kept:
            tag = tag_rows.get((key, term[1:])) if term[0] == "#" else None
            out[term[:64]] = [
                float(weight),
                tag["answers"] if tag else 0,
                tag["accepted"] if tag else 0,
                tag["last_at"] if tag else None,
            ]
    communities = {place for _user, place in place_stats if place > 0}
    open_ids = _open_communities(communities)
    merged_stats, merged_terms = merge(place_stats, place_terms, open_ids, MERGED)
    place_stats.update(merged_stats)
    place_terms.update(merged_terms)
    _write(user_ids, place_stats, place_terms, places=None, counts=counts)


def _open_communities(ids) -> set[int]:
    """The open ones among these communities. On PostgreSQL the rows are share-locked, so a
    kind change waits for this refresh, or this refresh for the kind change (then it sees the
    new kind): see remerge_community."""
    if not ids:
        return set()
    ids = sorted(ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id, kind FROM {Community._meta.db_table} "  # noqa: S608
                "WHERE id = ANY(%s) ORDER BY id FOR SHARE",
                [ids],
            )
            rows = cur.fetchall()
    else:
        rows = Community.objects.filter(pk__in=ids).values_list("pk", "kind")
    return {pk for pk, kind in rows if kind == Community.Kind.OPEN}


def merge(place_stats, place_terms, open_ids, targets) -> tuple[dict, dict]:
    """The merged places' rows (`targets` among MERGED) from place rows keyed (user, place):
    counts and term weights add up, activity adds up (log-sum-exp), dates take the extremes."""
    out_stats: dict[tuple, dict] = {}
    out_terms: dict[tuple, dict] = {}
    for (user_id, place), s in place_stats.items():
        into = [EVERYONE]
        if place == PROFILE or place in open_ids:
            into.append(EMPLOYEES)
        for merged in into:
            if merged not in targets:
                continue
            key = (user_id, merged)
            m = out_stats.get(key)
            if m is None:
                out_stats[key] = dict(s, activity=list(s["activity"]))
                found = place_terms.get((user_id, place), {})
                out_terms[key] = {term: list(v) for term, v in found.items()}
                continue
            m["answers"] += s["answers"]
            m["accepted"] += s["accepted"]
            m["score"] += s["score"]
            m["length"] += s["length"]
            m["first_at"] = min(m["first_at"], s["first_at"])
            m["last_at"] = max(m["last_at"], s["last_at"])
            m["activity"] = [
                round(_logaddexp(a, b), 6)
                for a, b in zip(m["activity"], s["activity"], strict=True)
            ]
            bag = out_terms[key]
            for term, evidence in place_terms.get((user_id, place), {}).items():
                add_term_evidence(bag, term, *evidence)
    return out_stats, out_terms


def add_term_evidence(bag: dict, term: str, weight, answers, accepted, last_at) -> None:
    """Fold one place's evidence on `term` into `bag` (term -> [weight, answers, accepted,
    last_at]): how merged places are built, and how a query adds up a person's places."""
    slot = bag.get(term)
    if slot is None:
        bag[term] = [weight, answers, accepted, last_at]
        return
    slot[0] += weight
    slot[1] += answers
    slot[2] += accepted
    if last_at is not None and (slot[3] is None or last_at > slot[3]):
        slot[3] = last_at


# --- writing rows --------------------------------------------------------------------------

STAT_COLUMNS = (
    "user_id",
    "place",
    "answers",
    "accepted",
    "score",
    "length",
    "first_at",
    "last_at",
    "activity",
)
TERM_COLUMNS = ("user_id", "place", "term", "weight", "answers", "accepted", "last_at")


def _adapt_datetime():
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value  # psycopg takes aware datetimes
    # What Django's SQLite backend stores (naive UTC, str()), without its per-call lookups.
    return lambda value: str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _insert(table: str, columns, rows: list[tuple]) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _write(user_ids, stats: dict, terms: dict, places, counts: bool) -> None:
    """Replace these people's rows (in `places`, or all their places) by `stats`/`terms`
    (keyed (user, place)), keeping the document frequencies and place totals in step (unless
    not `counts`: then recount_all() follows)."""
    old_stats = ExpertStat.objects.filter(user_id__in=user_ids)
    old_terms = ExpertTerm.objects.filter(user_id__in=user_ids)
    if places is not None:
        old_stats = old_stats.filter(place__in=places)
        old_terms = old_terms.filter(place__in=places)
    touched = set(old_stats.values_list("place", flat=True).distinct())
    touched |= {place for _user, place in stats}
    delta: Counter = Counter()
    if counts:
        for place, term, n in (
            old_terms.values("place", "term")
            .annotate(n=Count("id"))
            .values_list("place", "term", "n")
        ):
            delta[(place, term)] -= n
    old_terms.delete()
    old_stats.delete()

    adapt = _adapt_datetime()
    _insert(
        ExpertStat._meta.db_table,
        STAT_COLUMNS,
        [
            (
                user_id,
                place,
                s["answers"],
                s["accepted"],
                s["score"],
                s["length"],
                adapt(s["first_at"]),
                adapt(s["last_at"]),
                json.dumps(s["activity"]),
            )
            for (user_id, place), s in stats.items()
        ],
    )
    rows = []
    for (user_id, place), bag in terms.items():
        for term, (weight, answers, accepted, last_at) in bag.items():
            at = adapt(last_at) if last_at is not None else None
            rows.append((user_id, place, term, weight, answers, accepted, at))
            if counts:
                delta[(place, term)] += 1
    _insert(ExpertTerm._meta.db_table, TERM_COLUMNS, rows)
    if counts:
        _apply_counts(delta)
        recount_places(touched)


def _apply_counts(delta: Counter) -> None:
    changes = sorted((key, n) for key, n in delta.items() if n)  # one lock order for everyone
    if not changes:
        return
    table = ExpertTermCount._meta.db_table
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} (place, term, people) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (place, term) DO UPDATE SET people = {table}.people + excluded.people",
            [(place, term, n) for (place, term), n in changes],
        )
        gone = [(place, term) for (place, term), n in changes if n < 0]
        if gone:
            cur.executemany(
                f"DELETE FROM {table} WHERE place = %s AND term = %s AND people <= 0",  # noqa: S608
                gone,
            )


def recount_places(places) -> None:
    """Recompute the totals (people, first and last answer) of these places."""
    places = sorted(set(places))
    if not places:
        return
    found = {
        row["place"]: row
        for row in ExpertStat.objects.filter(place__in=places)
        .values("place")
        .annotate(
            people=Count("id"), length=Sum("length"), first=Min("first_at"), last=Max("last_at")
        )
        .order_by("place")
    }
    ExpertPlace.objects.filter(place__in=[p for p in places if p not in found]).delete()
    ExpertPlace.objects.bulk_create(
        [
            ExpertPlace(
                place=p,
                people=r["people"],
                length=r["length"],
                first_at=r["first"],
                last_at=r["last"],
            )
            for p, r in found.items()
        ],
        update_conflicts=True,
        unique_fields=["place"],
        update_fields=["people", "length", "first_at", "last_at"],
    )


def recount_all() -> None:
    """Document frequencies and place totals counted again from the rows (after a rebuild or
    a large catch-up: one pass instead of millions of adjustments)."""
    counts = ExpertTermCount._meta.db_table
    terms = ExpertTerm._meta.db_table
    with transaction.atomic():
        ExpertTermCount.objects.all().delete()
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {counts} (place, term, people) "  # noqa: S608
                f"SELECT place, term, COUNT(*) FROM {terms} GROUP BY place, term"
            )
        ExpertPlace.objects.all().delete()
        recount_places(ExpertStat.objects.values_list("place", flat=True).distinct())


# --- a community changes kind --------------------------------------------------------------


def answerers_in(community_id: int) -> list[int]:
    return list(
        ExpertStat.objects.filter(place=community_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def before_kind_change(community_id: int, kind: str) -> None:
    """Before a community's kind changes. In a transaction (the services and the admin save
    in one): the people whose merged rows will change are locked first, in the order
    refreshes lock them (people, then the community), so a concurrent refresh cannot deadlock
    with the change; remerge_community() follows after the save. Outside one, a community
    that stops being open is taken out of the merged rows before the change is written, so
    there is no moment when its evidence shows to everyone."""
    if connection.in_atomic_block:
        _lock_people(answerers_in(community_id))
    elif kind != Community.Kind.OPEN:
        remerge_community(community_id, kind)


def remerge_community(community_id: int, kind: str | None = None) -> int:
    """After a community turned open, or stopped being open: merge the EMPLOYEES rows of the
    people who answered there again from their place rows (no text is analysed again), with
    the kinds as this transaction sees them (or this community taken as `kind`). Returns how
    many people were merged again."""
    with transaction.atomic():
        user_ids = answerers_in(community_id)
        _lock_people(user_ids)
        for start in range(0, len(user_ids), CHUNK):
            _remerge(user_ids[start : start + CHUNK], {community_id: kind} if kind else {})
    return len(user_ids)


def _remerge(user_ids: list[int], kinds: dict) -> None:
    place_stats = {}
    for row in ExpertStat.objects.filter(user_id__in=user_ids, place__gte=PROFILE).values(
        "user_id", "place", *STAT_COLUMNS[2:]
    ):
        place_stats[(row.pop("user_id"), row.pop("place"))] = row
    place_terms: dict[tuple, dict] = defaultdict(dict)
    for user_id, place, term, weight, answers, accepted, last_at in ExpertTerm.objects.filter(
        user_id__in=user_ids, place__gte=PROFILE
    ).values_list(*TERM_COLUMNS):
        place_terms[(user_id, place)][term] = [weight, answers, accepted, last_at]
    open_ids = _open_communities({place for _user, place in place_stats if place > 0})
    for pk, kind in kinds.items():
        if kind == Community.Kind.OPEN:
            open_ids.add(pk)
        else:
            open_ids.discard(pk)
    stats, terms = merge(place_stats, place_terms, open_ids, (EMPLOYEES,))
    _write(user_ids, stats, terms, places=[EMPLOYEES], counts=True)


# --- catching up, rebuilding ---------------------------------------------------------------


def _state() -> IndexState:
    state = IndexState.objects.order_by("pk").first()
    return state or IndexState.objects.create(last_answer_id=0)


def catch_up() -> int:
    """Index the authors of answers created since the last run (bulk imports send no
    signals). One cheap query when nothing is new. Returns how many people were refreshed."""
    # Every expert query starts here: one raw statement (building the two ORM queries cost
    # more than running them), the ORM only when there is something to do.
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT MAX(id) FROM {Answer._meta.db_table}), "  # noqa: S608
            f"(SELECT last_answer_id FROM {IndexState._meta.db_table} ORDER BY id LIMIT 1)"
        )
        newest, done = cur.fetchone()
    newest = newest or 0
    if done is not None and newest <= done:
        return 0
    state = _state()
    if newest <= state.last_answer_id:
        return 0
    authors = set(
        Answer.objects.filter(id__gt=state.last_answer_id, id__lte=newest).values_list(
            "author_id", flat=True
        )
    )
    refresh_people(authors)
    IndexState.objects.filter(pk=state.pk, last_answer_id__lt=newest).update(last_answer_id=newest)
    return len(authors)


def rebuild() -> int:
    """Everything from scratch (after a restore, or to change the analysis)."""
    ExpertStat.objects.all().delete()
    ExpertTerm.objects.all().delete()
    authors = sorted(set(Answer.objects.values_list("author_id", flat=True).distinct()))
    for start in range(0, len(authors), CHUNK):
        _refresh_chunk(authors[start : start + CHUNK], counts=False)
    recount_all()
    newest = Answer.objects.aggregate(m=Max("id"))["m"] or 0
    state = _state()
    IndexState.objects.filter(pk=state.pk).update(last_answer_id=newest)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics for the planner, and the visibility map that lets the covering
        # indexes be read without the rows.
        tables = ", ".join(
            m._meta.db_table for m in (ExpertStat, ExpertTerm, ExpertTermCount, ExpertPlace)
        )
        with connection.cursor() as cur:
            cur.execute(f"VACUUM (ANALYZE) {tables}")
    return len(authors)
