from ninja import Query, Router, Schema

from agora.core.api import ErrorOut

from . import services
from .presenters import expert_out
from .schemas import AcceptSuggestionIn, ExpertOut, SkillSuggestionOut

router = Router(tags=["experts"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ExpertQuery(Schema):
    q: str = ""
    tags: str = ""
    limit: int = services.DEFAULT_LIMIT


@router.get("/experts", response={200: list[ExpertOut], **ERRORS})
def find_experts(request, query: Query[ExpertQuery]):
    """Who can help with `q` (text) and/or `tags` (comma-separated)? People ranked by the
    evidence you are allowed to see, each with the reasons (`reasons` worded in the request's
    language, `reason_data` the same as data). `limit` is capped at 50."""
    results = services.search(request.auth, query.q, query.tags, query.limit)
    return [expert_out(i, r) for i, r in enumerate(results, 1)]


@router.get("/me/skill-suggestions", response={200: list[SkillSuggestionOut], **ERRORS})
def list_skill_suggestions(request):
    """Skills proposed to you from your accepted answers, waiting for your decision."""
    return list(services.pending_suggestions(request.auth))


@router.post(
    "/me/skill-suggestions/{suggestion_id}/accept", response={200: SkillSuggestionOut, **ERRORS}
)
def accept_skill_suggestion(request, suggestion_id: int, payload: AcceptSuggestionIn | None = None):
    level = payload.level if payload is not None else 2
    return services.accept_suggestion(request.auth, suggestion_id, level)


@router.post(
    "/me/skill-suggestions/{suggestion_id}/dismiss", response={200: SkillSuggestionOut, **ERRORS}
)
def dismiss_skill_suggestion(request, suggestion_id: int):
    return services.dismiss_suggestion(request.auth, suggestion_id)
