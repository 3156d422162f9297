"""API shapes for claims of imported accounts (claims.py)."""

from datetime import datetime

from ninja import Field, Schema

from agora.communities.schemas import PersonRef, compact, person_ref
from agora.core.api import StrictInput

from .models import MAX_CLAIM_NOTE, ImportClaim


class ClaimIn(StrictInput):
    site: str = Field(
        ..., max_length=120, description='the source site, e.g. "ai.stackexchange.com"'
    )
    source_user_id: int | str = Field(
        ...,
        description="your user id on that site, or the address of your profile there "
        '("https://ai.stackexchange.com/users/3899/name")',
    )
    note: str = Field("", max_length=MAX_CLAIM_NOTE, description="for the administrators")


class ImportedAccountOut(Schema):
    site: str
    source_id: int
    display_name: str = Field(..., description="the name the source showed")
    questions: int = Field(..., description="what the imported account still holds")
    answers: int
    comments: int


class ClaimOut(Schema):
    id: int
    state: str = Field(..., description=" | ".join(ImportClaim.State.values))
    state_label: str
    note: str
    created_at: datetime
    imported: ImportedAccountOut
    claimant: PersonRef
    decided_by: PersonRef | None = None
    decided_at: datetime | None = None


class ClaimPage(Schema):
    items: list[ClaimOut]
    next_cursor: str | None


def claim_out(claim: ImportClaim) -> dict:
    """`claim` comes from claims._shaped (counts and profiles loaded)."""
    return compact(
        {
            "id": claim.pk,
            "state": claim.state,
            "state_label": str(claim.get_state_display()),
            "note": claim.note,
            "created_at": claim.created_at,
            "imported": {
                "site": claim.site,
                "source_id": claim.source_id,
                "display_name": claim.imported.profile.display_name,
                "questions": claim.question_count,
                "answers": claim.answer_count,
                "comments": claim.comment_count + claim.answer_comment_count,
            },
            "claimant": person_ref(claim.claimant),
            "decided_by": person_ref(claim.decided_by) if claim.decided_by_id else None,
            "decided_at": claim.decided_at,
        }
    )
