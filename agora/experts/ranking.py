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
questions, or one community) and a query reads the places the viewer may read.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agora.communities.models import Community
from agora.communities.visibility import readable_q
from agora.people.models import Profile, ProfileSkill
from agora.people.text import fold
from agora.people.visibility import field_visible_q, people_visible_to
from agora.qa.importer.fields import hashtag_name
from agora.qa.models import ImportedRecord
from agora.search.analysis import analyse, words

from . import index
from .models import ExpertStat, ExpertTerm

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
K1, B = 1.2, 0.75
FLOOR = 1e-3


def _places_q(viewer) -> Q:
    """A Q over ExpertStat/ExpertTerm: the places whose answers the viewer may read."""
    if viewer is None:
        return Q()
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    # Evaluated once: as a subquery it would be re-planned inside each of the index queries.
    readable = list(Community.objects.filter(readable_q(viewer)).values_list("pk", flat=True))
    communities = Q(community_id__in=readable)
    if viewer.is_guest:
        return communities
    return Q(community__isnull=True) | communities


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
    last_at: object
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
    places = _places_q(viewer)
    terms, tag_keys = _query_terms(text, tags)
    tag_terms = [index.tag_term(k) for k in tag_keys]
    # The query's rarest-looking words first (longer words are rarer), so a long question
    # costs no more than a short one.
    wanted_terms = sorted(terms, key=lambda t: (-len(t), t))[:MAX_DF_TERMS] + tag_terms

    # Document frequencies (people per term) of the query's terms, among readable places.
    df = dict(
        ExpertTerm.objects.filter(places, term__in=wanted_terms)
        .values("term")
        .annotate(n=Count("user", distinct=True))
        .values_list("term", "n")
    )
    totals = ExpertStat.objects.filter(places).aggregate(
        people=Count("user", distinct=True),
        first=Min("first_at"),
        last=Max("last_at"),
        length=Max("length"),
    )
    people_total = totals["people"] or 0
    term_cap = max(MIN_TERM_PEOPLE_CAP, MAX_TERM_SHARE * people_total)
    word_terms = [t for t in terms if t in df and df[t] <= term_cap]
    word_terms.sort(key=lambda t: (df[t], t))
    word_terms = word_terms[:MAX_QUERY_TERMS]
    chosen = word_terms + [t for t in tag_terms if t in df]

    term_rows = (
        list(
            ExpertTerm.objects.filter(places, term__in=chosen).values_list(
                "user_id", "term", "weight", "answers", "accepted", "last_at"
            )
        )
        if chosen
        else []
    )
    per_person_terms: dict[int, dict[str, list]] = defaultdict(dict)
    for user_id, term, weight, answers, accepted, last_at in term_rows:
        slot = per_person_terms[user_id].get(term)
        if slot is None:
            per_person_terms[user_id][term] = [weight, answers, accepted, last_at]
        else:
            slot[0] += weight
            slot[1] += answers
            slot[2] += accepted
            slot[3] = max(slot[3], last_at)

    skill_keys = set(tag_keys) | {w for w in words(text) if len(w) > 1}
    skills = _matching_skills(viewer, skill_keys)

    span = 0.0
    ref = 0.0
    if totals["first"] is not None:
        ref = index.days(totals["last"])
        span = ref - index.days(totals["first"])
    tau_i = _tau_index(span)
    tau = index.TAUS_DAYS[tau_i]
    plain_i = tau_i + len(index.TAUS_DAYS)

    # Candidates: whoever matched a term or tag, the most recently active, people with a
    # matching skill. The database picks them (subqueries), so no id list travels.
    recent = ExpertStat.objects.filter(places).order_by("-last_at").values("user_id")
    wanted = Q(user_id__in=recent[:RECENT_CANDIDATES]) | Q(user_id__in=list(skills))
    if chosen:
        wanted |= Q(
            user_id__in=ExpertTerm.objects.filter(places, term__in=chosen).values("user_id")
        )
    stats_by_user: dict[int, list] = defaultdict(list)
    for row in (
        ExpertStat.objects.filter(places)
        .filter(wanted)
        .exclude(user_id__in=list(exclude))
        .values_list(
            "user_id",
            "answers",
            "accepted",
            "length",
            "last_at",
            f"activity__{tau_i}",
            f"activity__{plain_i}",
        )
    ):
        stats_by_user[row[0]].append(Place(*row[1:]))
    candidates = (set(stats_by_user) | set(skills)) - set(exclude)
    if not candidates:
        return []

    lengths = {u: sum(r.length for r in rows) for u, rows in stats_by_user.items()}
    avg_length = (sum(lengths.values()) / len(lengths)) if lengths else 1.0
    n_people = max(people_total, 1)
    text_scores = {}
    for user_id, found in per_person_terms.items():
        s = 0.0
        dl = lengths.get(user_id, avg_length) or avg_length
        for term in word_terms:
            slot = found.get(term)
            if not slot:
                continue
            idf = math.log(1 + (n_people - df[term] + 0.5) / (df[term] + 0.5))
            tf = slot[0]
            s += (
                idf
                * (1 + math.log(terms[term]))
                * tf
                * (K1 + 1)
                / (tf + K1 * (1 - B + B * dl / avg_length))
            )
        text_scores[user_id] = s
    best_text = max(text_scores.values(), default=0.0) or 1.0

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
                tag_score += math.log(1 + n_people / (1 + df.get(term, 0))) * math.log1p(slot[1])
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
            results.append(
                ExpertResult(
                    user=user,
                    score=round(score, 4),
                    reasons=_reasons(evidence),
                    evidence=evidence,
                    source_id=user.source_id,
                )
            )
            if len(results) >= limit:
                return results
    return results


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


def _imported(outer):
    return ImportedRecord.objects.filter(kind=ImportedRecord.Kind.USER, object_id=outer)


def _people(viewer, user_ids) -> dict:
    """The suggestible people among `user_ids` whom the viewer may know exist."""
    User = get_user_model()
    qs = User.objects.filter(pk__in=user_ids, profile__expert_suggestible=True).filter(
        # Imported accounts are inactive (nobody logs in as them) but are people with a record.
        Q(is_active=True) | Exists(_imported(OuterRef("pk")))
    )
    if viewer is not None and viewer.is_guest:
        qs = qs.filter(profile__in=Profile.objects.filter(people_visible_to(viewer)).values("pk"))
    qs = qs.select_related("profile").annotate(
        source_id=Subquery(_imported(OuterRef("pk")).values("source_id")[:1])
    )
    return {u.pk: u for u in qs}


def _evidence(rows, found, tag_terms, skill_links, features) -> dict:
    last = max((r.last_at for r in rows), default=None)
    tags = {}
    for term in tag_terms:
        slot = found.get(term)
        if slot and slot[1]:
            tags[term[1:]] = {
                "answers": slot[1],
                "accepted": slot[2],
                "last_answer_at": slot[3].isoformat(),
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


def _ago(iso: str) -> str:
    from datetime import datetime

    return timesince(datetime.fromisoformat(iso), depth=1)


def _reasons(e: dict) -> list[str]:
    reasons = []
    for tag, t in sorted(e["tags"].items(), key=lambda kv: (-kv[1]["accepted"], -kv[1]["answers"]))[
        :2
    ]:
        if t["accepted"]:
            reasons.append(
                ngettext(
                    "%(n)d accepted answer on %(tag)s, most recent %(when)s ago",
                    "%(n)d accepted answers on %(tag)s, most recent %(when)s ago",
                    t["accepted"],
                )
                % {"n": t["accepted"], "tag": tag, "when": _ago(t["last_answer_at"])}
            )
        else:
            reasons.append(
                ngettext(
                    "%(n)d answer on %(tag)s, most recent %(when)s ago",
                    "%(n)d answers on %(tag)s, most recent %(when)s ago",
                    t["answers"],
                )
                % {"n": t["answers"], "tag": tag, "when": _ago(t["last_answer_at"])}
            )
    if e["text_match"] >= 0.5:
        reasons.append(_("Answered questions much like this one"))
    for skill in e["skills"]:
        level = str(ProfileSkill.Level(skill["level"]).label)
        if skill["endorsements"]:
            reasons.append(
                ngettext(
                    "Skill: %(skill)s (%(level)s), endorsed by %(n)d colleague",
                    "Skill: %(skill)s (%(level)s), endorsed by %(n)d colleagues",
                    skill["endorsements"],
                )
                % {"skill": skill["name"], "level": level, "n": skill["endorsements"]}
            )
        else:
            reasons.append(
                _("Skill: %(skill)s (%(level)s)") % {"skill": skill["name"], "level": level}
            )
    if e["answers"]:
        reasons.append(
            ngettext(
                "%(n)d answer in all (%(acc)d accepted), the latest %(when)s ago",
                "%(n)d answers in all (%(acc)d accepted), the latest %(when)s ago",
                e["answers"],
            )
            % {"n": e["answers"], "acc": e["accepted"], "when": _ago(e["last_answer_at"])}
        )
    return reasons
