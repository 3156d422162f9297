"""Who could help with a request, and which requests an offer could answer.

A request is matched to people from two sources: the expert finder (evidence from answers,
skills…) and the authors of open offers that resemble it. An offer is matched to open requests.
Resemblance is shared tags plus shared words, compared on the analysed stems stored with each
item (so French and English meet on the words they share). Every proposal is filtered twice:
the viewer must be allowed to see it, and a proposed person must be allowed to see the item.
"""

import math
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from agora.people.visibility import visible_profiles
from agora.search.analysis import STOP_WORDS, stems, words

from .models import HelpItem
from .visibility import audience_q, help_items_visible_q, visible_help_items

ACTIVE = (HelpItem.Status.OPEN, HelpItem.Status.IN_PROGRESS)
# Candidates scored in Python per look-up: the newest that share a tag or a title word.
CANDIDATES = 300
NOTIFY_TOP = 3
MIN_SHARED_WORDS = 2
MIN_COSINE = 0.12


@dataclass
class ItemMatch:
    item: HelpItem
    score: float
    reasons: list[str]


@dataclass
class PersonMatch:
    user: object
    score: float
    reasons: list[str] = field(default_factory=list)
    offer: HelpItem | None = None
    from_experts: bool = False
    evidence: dict = field(default_factory=dict)


def _terms(item: HelpItem) -> set[str]:
    return set(item.terms.split())


def _tag_keys(item: HelpItem) -> dict[str, str]:
    return {t.key: t.name for t in item.tags.all()}


def _shared_words(item: HelpItem, shared_stems: set[str], limit: int = 5) -> list[str]:
    """The words of `item` behind the shared stems, for a reason people can read."""
    out: list[str] = []
    for word in words(f"{item.title} {item.body}"):
        if word in STOP_WORDS or word in out:
            continue
        if shared_stems.intersection(stems(word)):
            out.append(word)
            if len(out) >= limit:
                break
    return out


def similarity(item: HelpItem, other: HelpItem) -> tuple[float, list[str]]:
    """(score, reasons); score 0 when the two have too little in common."""
    mine, theirs = _tag_keys(item), _tag_keys(other)
    shared_tags = [mine[k] for k in sorted(set(mine) & set(theirs))]
    a, b = _terms(item), _terms(other)
    shared = a & b
    cosine = len(shared) / math.sqrt(len(a) * len(b)) if a and b else 0.0
    shared_words = _shared_words(item, shared)
    text_match = len(shared_words) >= MIN_SHARED_WORDS and cosine >= MIN_COSINE
    if not shared_tags and not text_match:
        return 0.0, []
    reasons = []
    if shared_tags:
        reasons.append(_("Same tags: %(tags)s") % {"tags": ", ".join(f"#{t}" for t in shared_tags)})
    if text_match:
        reasons.append(_("Words in common: %(words)s") % {"words": ", ".join(shared_words)})
    score = 3.0 * len(shared_tags) + (5.0 * cosine if text_match else 0.0)
    return round(score, 4), reasons


def _candidates(item: HelpItem, qs):
    """Open items of the other kind sharing a tag or a title word with `item`, newest first."""
    tagged = HelpItem.tags.through.objects.filter(
        helpitem_id=OuterRef("pk"), hashtag__key__in=list(_tag_keys(item))
    )
    overlap = Q(Exists(tagged))
    title_stems = {s for w in words(item.title) if w not in STOP_WORDS for s in stems(w)}
    for stem in title_stems:
        overlap |= Q(terms__contains=f" {stem} ")
    ids = (
        qs.filter(overlap, status__in=ACTIVE)
        .exclude(author_id=item.author_id)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:CANDIDATES]
    )
    from .services import shape_items

    return shape_items(HelpItem.objects.filter(pk__in=list(ids)))


def _ranked(item: HelpItem, candidates, limit: int) -> list[ItemMatch]:
    scored = []
    for other in candidates:
        score, reasons = similarity(item, other)
        if score > 0:
            scored.append(ItemMatch(item=other, score=score, reasons=reasons))
    scored.sort(key=lambda m: (-m.score, -m.item.created_at.timestamp(), -m.item.pk))
    return scored[:limit]


def requests_for_offer(viewer, offer: HelpItem, limit: int = 10) -> list[ItemMatch]:
    """Open requests the offer could answer, that both the viewer and the offer's author may
    see (the author is the one who would help)."""
    qs = visible_help_items(viewer).filter(kind=HelpItem.Kind.REQUEST)
    qs = qs.filter(help_items_visible_q(offer.author))
    return _ranked(offer, _candidates(offer, qs), limit)


def offers_for_request(viewer, request: HelpItem, limit: int = 10) -> list[ItemMatch]:
    """Open offers visible to the viewer whose authors may see the request."""
    qs = visible_help_items(viewer).filter(kind=HelpItem.Kind.OFFER)
    qs = qs.filter(author__in=get_user_model().objects.filter(audience_q(request)))
    return _ranked(request, _candidates(request, qs), limit)


def _experts(viewer, request: HelpItem, limit: int):
    from agora.experts.services import find_experts

    return find_experts(
        viewer,
        f"{request.title}\n{request.body}",
        tags=[t.name for t in request.tags.all()],
        limit=limit,
        exclude_user_ids=[request.author_id],
    )


def people_for_request(viewer, request: HelpItem, limit: int = 8) -> list[PersonMatch]:
    """People who could help: authors of matching offers first (they said they would), then
    the expert finder's proposals. Only people who may see the request, and whom the viewer
    may see; never the author."""
    people: dict[int, PersonMatch] = {}
    for match in offers_for_request(viewer, request, limit=limit):
        author = match.item.author
        if author.pk in people:
            continue
        reasons = [_("Offers “%(title)s”") % {"title": match.item.title}, *match.reasons]
        people[author.pk] = PersonMatch(
            user=author, score=match.score + 2.0, reasons=reasons, offer=match.item
        )
    for expert in _experts(viewer, request, limit):
        found = people.get(expert.user.pk)
        if found is None:
            people[expert.user.pk] = PersonMatch(
                user=expert.user,
                score=float(expert.score),
                reasons=list(expert.reasons),
                from_experts=True,
                evidence=getattr(expert, "evidence", None) or {},
            )
        else:
            found.score += float(expert.score)
            found.reasons.extend(expert.reasons)
            found.evidence = getattr(expert, "evidence", None) or {}
    allowed = set(
        get_user_model()
        .objects.filter(pk__in=list(people))
        .exclude(pk=request.author_id)
        .filter(audience_q(request))
        .filter(pk__in=visible_profiles(viewer).values("user_id"))
        .values_list("pk", flat=True)
    )
    ranked = sorted(
        (m for uid, m in people.items() if uid in allowed), key=lambda m: (-m.score, m.user.pk)
    )
    return ranked[:limit]


def notify_matches(item: HelpItem) -> list:
    """On a new item, tell a few people who match — never the author, only people who may see
    the item (notify() checks again) and who did not opt out of HELP_MATCH notifications."""
    from agora.notifications.services import notify

    if item.kind == HelpItem.Kind.REQUEST:
        recipients = [m.user for m in _worth_telling(item)]
    else:
        recipients = []
        for match in requests_for_offer(item.author, item, limit=NOTIFY_TOP * 2):
            if match.item.author not in recipients:
                recipients.append(match.item.author)
    sent = []
    for user in recipients[:NOTIFY_TOP]:
        if user.pk == item.author_id:
            continue
        notification = notify("help_match", recipient=user, actor=item.author, help_item=item)
        if notification is not None:
            sent.append(notification)
    return sent


def _worth_telling(request: HelpItem) -> list[PersonMatch]:
    """People who offered something like it, then experts with answers on its own tags who
    agreed to be suggested as experts."""
    chosen = []
    for match in people_for_request(request.author, request, limit=NOTIFY_TOP * 3):
        on_topic = _on_topic(match.evidence) and match.user.profile.expert_suggestible
        if match.offer is not None or on_topic:
            chosen.append(match)
    return chosen[:NOTIFY_TOP]


def _on_topic(evidence: dict) -> bool:
    """Answers on the request's own tags, or a declared skill it names; a general track record
    alone is not a reason to interrupt someone."""
    return bool(evidence.get("tags") or evidence.get("tag_answers") or evidence.get("skills"))
