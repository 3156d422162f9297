"""The expert finder ("who can help with …?") and skill suggestions.

`find_experts` is what other apps call (question routing, help matching); `search` is the
same with the checks a person's request needs (pages, API). The ranking model lives in
ranking.py, the evidence it reads in index.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agora.core.errors import Forbidden, Invalid, NotFound
from agora.people.models import Profile, ProfileSkill, Skill

from .models import SkillSuggestion
from .ranking import rank_people

MAX_LIMIT = 50
DEFAULT_LIMIT = 10
MAX_TAGS = 10
MAX_TEXT = 20_000
# Accepted answers on one tag before "add it to your skills?" is asked.
SUGGEST_AFTER_ACCEPTED = 3


@dataclass
class ExpertResult:
    user: object  # accounts.User, profile loaded
    score: float
    # Why, in the language active when the result was made; reason_data says the same as
    # data (reasons.py), to store and word again later in another language.
    reasons: list[str] = field(default_factory=list)
    reason_data: list[dict] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    source_id: int | None = None


def find_experts(
    viewer,
    text: str = "",
    tags: Sequence[str] = (),
    limit: int = DEFAULT_LIMIT,
    exclude_user_ids: Iterable[int] = (),
) -> list[ExpertResult]:
    """The people most likely to help with `text`/`tags`, best first, each with why.

    Only evidence `viewer` may read counts (answers in communities they cannot read are
    ignored, as if they did not exist), and only people the viewer may know of are returned.
    `viewer=None` is the operator's view (command line, bench): all live content counts.
    People who opted out of expert suggestions are never returned.
    """
    limit = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))
    text = (text or "")[:MAX_TEXT]
    tags = [str(t) for t in (tags or ()) if str(t).strip()][:MAX_TAGS]
    if not text.strip() and not tags:
        return []
    return rank_people(viewer, text, tags, limit, set(exclude_user_ids or ()))


def parse_tags(raw) -> list[str]:
    """Tags from a form or query string: "a, b" or ["a", "#b"]."""
    items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
    out = []
    for item in items:
        for part in str(item).split(","):
            part = part.strip().lstrip("#").strip()
            if part and part not in out:
                out.append(part)
    return out


def search(viewer, q: str = "", tags=(), limit=None) -> list[ExpertResult]:
    """A person asks "who can help?": signed in, with a question or tags."""
    if viewer is None or not viewer.is_authenticated:
        raise Forbidden()
    tag_list = parse_tags(tags)
    errors = {}
    if not (q or "").strip() and not tag_list:
        errors["q"] = [str(_("Say what you need help with, or give tags."))]
    if len(tag_list) > MAX_TAGS:
        errors["tags"] = [str(_("At most %(n)d tags.") % {"n": MAX_TAGS})]
    if len(q or "") > MAX_TEXT:
        errors["q"] = [str(_("At most %(n)d characters.") % {"n": MAX_TEXT})]
    if errors:
        raise Invalid(fields=errors)
    return find_experts(viewer, q or "", tag_list, limit or DEFAULT_LIMIT, [viewer.pk])


# --- skill suggestions ---------------------------------------------------------------------


def on_answer_accepted(answer) -> SkillSuggestion | None:
    """After an answer is accepted: when its author now has several accepted answers on a tag
    they have not declared as a skill, propose it (once) and tell them. Nothing is added to
    the profile until they accept."""
    from agora.conversations.models import Hashtag
    from agora.notifications.models import Kind
    from agora.notifications.services import notify
    from agora.qa.models import Answer

    author = answer.author
    if author is None or not author.is_active:
        return None
    post_id = answer.question_id
    tags = list(Hashtag.objects.filter(post_links__post_id=post_id))
    if not tags:
        return None
    declared = set(
        ProfileSkill.objects.filter(profile__user=author).values_list("skill__key", flat=True)
    )
    already = set(SkillSuggestion.objects.filter(user=author).values_list("key", flat=True))
    counts = dict(
        Answer.objects.filter(
            author=author,
            accepted_for__isnull=False,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            question__post__hashtag_links__hashtag__in=tags,
        )
        .values("question__post__hashtag_links__hashtag_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("question__post__hashtag_links__hashtag_id", "n")
    )
    created = None
    for tag in sorted(tags, key=lambda t: -counts.get(t.pk, 0)):
        n = counts.get(tag.pk, 0)
        if n < SUGGEST_AFTER_ACCEPTED or tag.key in declared or tag.key in already:
            continue
        suggestion, new = SkillSuggestion.objects.get_or_create(
            user=author, key=tag.key, defaults={"name": tag.name, "evidence_count": n}
        )
        if new:
            created = created or suggestion
    if created is not None:
        notify(Kind.SKILL_SUGGESTION, recipient=author)
    return created


def pending_suggestions(user):
    if user is None or not user.is_authenticated:
        return SkillSuggestion.objects.none()
    return SkillSuggestion.objects.filter(user=user, state=SkillSuggestion.State.PENDING)


def _own_pending(user, suggestion_id: int) -> SkillSuggestion:
    suggestion = pending_suggestions(user).filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound()
    return suggestion


def accept_suggestion(user, suggestion_id: int, level: int = ProfileSkill.Level.PRACTITIONER):
    """The person agreed: the skill joins their profile (at the level they chose)."""
    if level not in ProfileSkill.Level.values:
        raise Invalid(fields={"level": [str(_("Choose a level."))]})
    with transaction.atomic():
        suggestion = _own_pending(user, suggestion_id)
        skill = Skill.objects.filter(key=suggestion.key).first()
        if skill is None:
            skill = Skill.objects.create(name=suggestion.name)
        profile = Profile.objects.get(user=user)
        ProfileSkill.objects.get_or_create(profile=profile, skill=skill, defaults={"level": level})
        suggestion.state = SkillSuggestion.State.ACCEPTED
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["state", "decided_at"])
    return suggestion


def dismiss_suggestion(user, suggestion_id: int) -> SkillSuggestion:
    suggestion = _own_pending(user, suggestion_id)
    suggestion.state = SkillSuggestion.State.DISMISSED
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["state", "decided_at"])
    return suggestion


def suggestion_count(user) -> int:
    return pending_suggestions(user).count()


__all__ = [
    "ExpertResult",
    "accept_suggestion",
    "dismiss_suggestion",
    "find_experts",
    "on_answer_accepted",
    "pending_suggestions",
    "search",
]
