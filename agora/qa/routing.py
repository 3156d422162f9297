"""Routing: when a question is posted, a few likely experts are told "you might know the
answer"; if nobody answered after AGORA_EXPERT_ESCALATION_DELAY seconds, the next ones are
asked, up to AGORA_EXPERT_MAX_ROUNDS rounds.

Who is asked: the expert finder's best candidates (agora.experts.services.find_experts, seen
from the asker's side) who may read the question (secret communities), accept being suggested
as experts (profile.expert_suggestible), have not turned EXPERT_ASKED notifications off
entirely, and are not the asker or someone already asked. The load is spread: a candidate's
score is divided by (1 + LOAD_PENALTY × requests received in the last LOAD_WINDOW), so the same
two people are not asked about everything.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from agora.conversations.models import Post
from agora.conversations.visibility import visible_posts
from agora.notifications.models import Kind, Preference
from agora.people.models import Profile

from .models import ExpertRequest, Question

log = logging.getLogger(__name__)

LOAD_WINDOW = dt.timedelta(days=7)
LOAD_PENALTY = 0.5
ESCALATION_BATCH = 200


def routing_count() -> int:
    return int(getattr(settings, "AGORA_EXPERT_ROUTING_COUNT", 3))


def escalation_delay() -> int:
    return int(getattr(settings, "AGORA_EXPERT_ESCALATION_DELAY", 4 * 3600))


def max_rounds() -> int:
    return int(getattr(settings, "AGORA_EXPERT_MAX_ROUNDS", 3))


def recent_load(user_ids, now=None) -> dict[int, int]:
    """How many times each person was asked lately (one grouped query on the expert_load
    index)."""
    since = (now or timezone.now()) - LOAD_WINDOW
    rows = (
        ExpertRequest.objects.filter(expert_id__in=list(user_ids), asked_at__gte=since)
        .values("expert_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["expert_id"]: row["n"] for row in rows}


def choose(candidates, load: dict[int, int], count: int) -> list:
    """The `count` best candidates once each score is discounted by the person's recent load;
    ties go to the higher raw score, then to the older account (deterministic)."""

    def adjusted(c) -> float:
        return float(c.score) / (1 + LOAD_PENALTY * load.get(c.user.pk, 0))

    ranked = sorted(candidates, key=lambda c: (-adjusted(c), -float(c.score), c.user.pk))
    return ranked[:count]


def _willing_ids(user_ids) -> set[int]:
    """People who accept expert requests: suggestible, and EXPERT_ASKED not switched off both
    in the app and by e-mail."""
    suggestible = set(
        Profile.objects.filter(
            user_id__in=user_ids, expert_suggestible=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    muted = set(
        Preference.objects.filter(
            user_id__in=user_ids, kind=Kind.EXPERT_ASKED, in_app=False, email=False
        ).values_list("user_id", flat=True)
    )
    return suggestible - muted


def eligible(question: Question, candidates) -> list:
    post = question.post
    ids = [c.user.pk for c in candidates if c.user.pk != post.author_id]
    willing = _willing_ids(ids)
    out = []
    for c in candidates:
        if c.user.pk not in willing:
            continue
        # Candidates are few (the finder's top ten): one visibility check each.
        if visible_posts(c.user).filter(pk=post.pk).exists():
            out.append(c)
    return out


def _question_text(post: Post) -> tuple[str, list[str]]:
    tags = [t.name for t in post.hashtags.all()]
    return f"{post.title}\n\n{post.body}", tags


def _is_open(question: Question) -> bool:
    post = question.post
    return (
        question.closed_at is None
        and post.deleted_at is None
        and post.hidden_at is None
        and post.kind == Post.Kind.QUESTION
    )


def route_question(question_id: int, *, round: int = 1, now=None) -> list[ExpertRequest]:
    """Ask the next experts about a question. Returns the requests created (none when the
    question is gone, closed, already answered in a later round, or nobody fits)."""
    from agora.experts.services import find_experts

    question = (
        Question.objects.select_related("post__author", "post__community")
        .filter(pk=question_id)
        .first()
    )
    if question is None or not _is_open(question) or question.routing_round >= round:
        return []  # gone, closed, or this round already ran (a task and the command raced)
    if round > 1 and question.answer_count > 0:
        return []
    asker = question.post.author
    already = set(question.expert_requests.values_list("expert_id", flat=True))
    count = routing_count()
    text, tags = _question_text(question.post)
    candidates = find_experts(
        asker,
        text,
        tags=tags,
        limit=max(10, count * 4),
        exclude_user_ids=tuple(already | {asker.pk}),
    )
    candidates = [c for c in candidates if c.user.pk not in already and c.user.pk != asker.pk]
    candidates = eligible(question, candidates)
    now = now or timezone.now()
    chosen = choose(candidates, recent_load([c.user.pk for c in candidates], now), count)
    created = []
    for c in chosen:
        try:
            with transaction.atomic():
                # Why, as data: worded when shown, in the reader's language (not the task's).
                request = ExpertRequest.objects.create(
                    question=question,
                    expert=c.user,
                    round=round,
                    reasons=list(c.reason_data),
                    asked_at=now,
                )
                from agora.notifications.services import notify

                notify(Kind.EXPERT_ASKED, recipient=c.user, actor=asker, post=question.post)
        except IntegrityError:
            continue  # a concurrent run asked this person already
        created.append(request)
    # The round counts even when nobody fitted: escalation stops after the last one.
    Question.objects.filter(pk=question.pk, routing_round__lt=round).update(
        routing_round=round, routed_at=now
    )
    return created


def due_for_escalation(now=None):
    """Open, unanswered questions whose latest round of experts was asked more than the delay
    ago, with rounds left (one range scan on the qa_escalation index)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=escalation_delay())
    return (
        Question.objects.filter(
            answer_count=0,
            closed_at__isnull=True,
            routing_round__gt=0,
            routed_at__lte=cutoff,
            routing_round__lt=max_rounds(),
            post__deleted_at__isnull=True,
            post__hidden_at__isnull=True,
        )
        .order_by("routed_at")
        .values_list("pk", "routing_round")[:ESCALATION_BATCH]
    )


def escalate_unanswered(now=None) -> int:
    """Ask the next experts for every question due; returns how many people were asked."""
    asked = 0
    for question_id, last_round in list(due_for_escalation(now)):
        try:
            asked += len(route_question(question_id, round=last_round + 1, now=now))
        except Exception:  # one bad question must not stop the others
            log.exception("escalating question %s failed", question_id)
    return asked
