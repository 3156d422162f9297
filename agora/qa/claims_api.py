"""REST API v1 for claiming imported Stack Exchange accounts: your own claims under /me, the
administrators' queue and decisions under /import-claims. Thin: claims.py decides."""

from ninja import Query, Router, Schema, Status

from agora.core.api import ErrorOut

from . import claims
from .claim_schemas import ClaimIn, ClaimOut, ClaimPage, claim_out

router = Router(tags=["imported accounts"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = None


class QueueQuery(PageQuery):
    state: str = claims.State.PENDING


def _page(page) -> dict:
    return {"items": [claim_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/me/import-claims", response={201: ClaimOut, **ERRORS}, exclude_unset=True)
def create_claim(request, payload: ClaimIn):
    """Say an account imported from Stack Exchange is yours (employees only). Administrators
    are told; once one approves, its questions, answers and comments become yours."""
    claim = claims.request_claim(
        request.auth, payload.site, payload.source_user_id, payload.note, request=request
    )
    return Status(201, claim_out(claims.claim_for(request.auth, claim.pk)))


@router.get("/me/import-claims", response={200: ClaimPage, **ERRORS}, exclude_unset=True)
def list_my_claims(request, query: Query[PageQuery]):
    """Your claims, newest first, with their state."""
    return _page(claims.my_claims(request.auth, query.cursor, query.limit))


@router.get("/import-claims", response={200: ClaimPage, **ERRORS}, exclude_unset=True)
def list_claims(request, query: Query[QueueQuery]):
    """Administrators: claims of `state` (pending, approved, rejected; empty: all, pending
    first), newest first."""
    return _page(claims.queue(request.auth, query.state, query.cursor, query.limit))


@router.post(
    "/import-claims/{claim_id}/approve", response={200: ClaimOut, **ERRORS}, exclude_unset=True
)
def approve_claim(request, claim_id: int):
    """Administrators: give the imported account's contributions to the claimant (the other
    pending claims on it are rejected)."""
    return claim_out(claims.decide_claim(request.auth, claim_id, True, request=request))


@router.post(
    "/import-claims/{claim_id}/reject", response={200: ClaimOut, **ERRORS}, exclude_unset=True
)
def reject_claim(request, claim_id: int):
    return claim_out(claims.decide_claim(request.auth, claim_id, False, request=request))
