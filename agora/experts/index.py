"""The evidence index: per person and per place (profile questions, or one community), the
track record (ExpertStat) and the distinctive terms and tags (ExpertTerm) of their answers.

It is rebuilt person by person from the live answers — after an answer is written, edited,
accepted, hidden or deleted (signals.py), and for answers created in bulk (imports) by
`catch_up()` before a query. Rebuilding a person is a few queries whatever happened, so the
index cannot drift from the answers.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max

from agora.conversations.models import PostHashtag
from agora.qa.models import Answer
from agora.search.analysis import analyse

from .models import ExpertStat, ExpertTerm, IndexState

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


def tag_term(key: str) -> str:
    return "#" + key


def days(at: datetime) -> float:
    return (at - EPOCH).total_seconds() / 86400.0


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


def refresh_people(user_ids) -> None:
    """Rebuild the index rows of these people from their live answers."""
    user_ids = sorted({int(u) for u in user_ids if u})
    for start in range(0, len(user_ids), 200):
        _refresh_chunk(user_ids[start : start + 200])


def _refresh_chunk(user_ids: list[int]) -> None:
    with transaction.atomic():
        # Two processes refreshing the same person (a signal and a catch-up) take turns, so
        # neither can insert its rows next to the other's.
        list(
            get_user_model()
            .objects.select_for_update()
            .filter(pk__in=user_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _rebuild_rows(user_ids)


def _rebuild_rows(user_ids: list[int]) -> None:
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
        place = (a.author_id, post.community_id)
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
    for (user_id, _community_id), s in stats.items():
        answers_of[user_id] += s["answers"]
    new_stats, new_terms = [], []
    for (user_id, community_id), s in stats.items():
        cap = max(MIN_TERMS_PER_PLACE, TERMS_PER_PERSON * s["answers"] // answers_of[user_id])
        bag = terms[(user_id, community_id)]
        new_stats.append(
            ExpertStat(
                user_id=user_id,
                community_id=community_id,
                answers=s["answers"],
                accepted=s["accepted"],
                score=s["score"],
                length=float(sum(bag.values())),
                first_at=s["first_at"],
                last_at=s["last_at"],
                activity=[round(x, 6) for x in s["weighted"] + s["plain"]],
            )
        )
        # Tags always kept; words: the heaviest, long words first on ties (more specific).
        words = [(t, c) for t, c in bag.items() if not t.startswith("#")]
        words.sort(key=lambda tc: (-tc[1], -len(tc[0]), tc[0]))
        kept = words[:cap] + [(t, c) for t, c in bag.items() if t.startswith("#")]
        for term, weight in kept:
            tag = tag_rows.get(((user_id, community_id), term[1:])) if term[0] == "#" else None
            new_terms.append(
                ExpertTerm(
                    user_id=user_id,
                    community_id=community_id,
                    term=term[:64],
                    weight=float(weight),
                    answers=tag["answers"] if tag else 0,
                    accepted=tag["accepted"] if tag else 0,
                    last_at=tag["last_at"] if tag else s["last_at"],
                )
            )
    ExpertStat.objects.filter(user_id__in=user_ids).delete()
    ExpertTerm.objects.filter(user_id__in=user_ids).delete()
    ExpertStat.objects.bulk_create(new_stats, batch_size=500)
    ExpertTerm.objects.bulk_create(new_terms, batch_size=1000)


def _state() -> IndexState:
    state = IndexState.objects.order_by("pk").first()
    return state or IndexState.objects.create(last_answer_id=0)


def catch_up() -> int:
    """Index the authors of answers created since the last run (bulk imports send no
    signals). One cheap query when nothing is new. Returns how many people were refreshed."""
    newest = Answer.objects.aggregate(m=Max("id"))["m"] or 0
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
    authors = set(Answer.objects.values_list("author_id", flat=True).distinct())
    refresh_people(authors)
    newest = Answer.objects.aggregate(m=Max("id"))["m"] or 0
    state = _state()
    IndexState.objects.filter(pk=state.pk).update(last_answer_id=newest)
    return len(authors)
