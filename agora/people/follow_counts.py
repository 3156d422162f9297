"""The follower and following counts shown on profiles, kept on Profile.

A count is of *active* people: a deactivated account neither follows nor is followed as far
as anyone can see. Every follow link saved or deleted through the ORM (services, cascades
of an account's deletion) adjusts the two profiles with F() expressions, safe under
concurrent follows of one celebrity (receivers.py); (de)activating someone recounts the people
around them. `recount()` with no argument rebuilds every profile: bulk loaders, which bypass
the ORM's signals, call it, and `agora recount_follows` runs it as a repair."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from .models import Follow, Profile


def _active_count(side: str, other: str):
    # COUNT per profile as a correlated subquery, so one UPDATE recounts any set of people.
    links = (
        Follow.objects.filter(**{side: OuterRef("user_id"), f"{other}__is_active": True})
        .order_by()
        .values(side)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(links), Value(0))


def recount(user_ids=None) -> int:
    profiles = Profile.objects.all()
    if user_ids is not None:
        user_ids = list({int(u) for u in user_ids})
        if not user_ids:
            return 0
        profiles = profiles.filter(user_id__in=user_ids)
    return profiles.update(
        follower_count=_active_count("followee", "follower"),
        following_count=_active_count("follower", "followee"),
    )


def neighbours(user_id: int) -> set[int]:
    """Everyone whose counts include `user_id` (and the person themself)."""
    ids = set(Follow.objects.filter(follower_id=user_id).values_list("followee_id", flat=True))
    ids |= set(Follow.objects.filter(followee_id=user_id).values_list("follower_id", flat=True))
    ids.add(user_id)
    return ids


def recount_around(user_id: int) -> None:
    recount(neighbours(user_id))


def adjust(follower_id: int, followee_id: int, delta: int) -> None:
    """One link appeared (+1) or went (-1). Only active people count on the other side."""
    active = dict(
        get_user_model()
        .objects.filter(pk__in=[follower_id, followee_id])
        .values_list("pk", "is_active")
    )
    if active.get(follower_id):
        Profile.objects.filter(user_id=followee_id).update(
            follower_count=Greatest(F("follower_count") + delta, 0)
        )
    if active.get(followee_id):
        Profile.objects.filter(user_id=follower_id).update(
            following_count=Greatest(F("following_count") + delta, 0)
        )


def counts(user) -> dict[str, int]:
    row = Profile.objects.filter(user_id=user.pk).values("follower_count", "following_count")
    row = row.first() or {"follower_count": 0, "following_count": 0}
    return {"followers": row["follower_count"], "following": row["following_count"]}
