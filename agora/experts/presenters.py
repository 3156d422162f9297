from django.urls import reverse


def expert_out(rank: int, result) -> dict:
    user = result.user
    return {
        "rank": rank,
        "user_id": user.pk,
        "username": user.username,
        "display_name": user.profile.display_name or user.username,
        "url": reverse("people:profile", args=[user.username]),
        "source_id": result.source_id,
        "score": result.score,
        "reasons": result.reasons,
        "reason_data": result.reason_data,
        "evidence": result.evidence,
    }
