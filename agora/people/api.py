from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from agora.core.api import ErrorOut, StrictInput, dump_json
from agora.core.errors import Invalid

from . import services
from .models import Profile
from .schemas import (
    DepartmentOut,
    FollowState,
    OrgChartOut,
    ProfileOut,
    ProfilePage,
    ProfilePatch,
    SuggestionOut,
    profile_out,
)

router = Router(tags=["people"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class DirectoryQuery(Schema):
    q: str = ""
    department: str = ""
    skill: str = ""
    interest: str = ""
    location: str = ""
    cursor: str | None = None
    limit: int | None = None


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = None


def _page(page):
    return {"items": [profile_out(v) for v in page.items], "next_cursor": page.next_cursor}


@router.get("/users", response={200: ProfilePage, **ERRORS}, exclude_unset=True)
def list_users(request, query: Query[DirectoryQuery]):
    """The people directory (employees only), filtered by name, department, skill, interest
    and location; filters only match fields you are allowed to see."""
    filters = services.DirectoryFilters(
        q=query.q,
        department=query.department,
        skill=query.skill,
        interest=query.interest,
        location=query.location,
    )
    return _page(services.directory(request.auth, filters, query.cursor, query.limit))


def profile_response(view) -> HttpResponse:
    """A ProfileOut encoded as ninja encodes it, without validating it again on the way out
    (~0.1 ms for this, one of the most read endpoints): profile_out is already what ninja
    would dump (tests/test_profile_lean.py compares the bytes)."""
    return HttpResponse(
        dump_json(profile_out(view)),
        content_type="application/json; charset=utf-8",  # as ninja's create_response
    )


@router.get("/users/{username}", response={200: ProfileOut, **ERRORS}, exclude_unset=True)
def get_user(request, username: str):
    return profile_response(services.access_profile(request.auth, username))


@router.get(
    "/users/{username}/followers", response={200: ProfilePage, **ERRORS}, exclude_unset=True
)
def list_followers(request, username: str, query: Query[PageQuery]):
    return _page(services.followers(request.auth, username, query.cursor, query.limit))


@router.get(
    "/users/{username}/following", response={200: ProfilePage, **ERRORS}, exclude_unset=True
)
def list_following(request, username: str, query: Query[PageQuery]):
    return _page(services.following(request.auth, username, query.cursor, query.limit))


@router.post("/users/{username}/follow", response={200: FollowState, **ERRORS})
def follow(request, username: str):
    services.follow(request.auth, username)
    return {"following": True}


@router.delete("/users/{username}/follow", response={200: FollowState, **ERRORS})
def unfollow(request, username: str):
    services.unfollow(request.auth, username)
    return {"following": False}


@router.get("/users/{username}/org", response={200: OrgChartOut, **ERRORS}, exclude_unset=True)
def org_chart(request, username: str):
    chart = services.org_chart(request.auth, username)
    return {
        "person": profile_out(chart.person),
        "chain": [profile_out(v) for v in chart.chain],
        "reports": [profile_out(v) for v in chart.reports],
    }


@router.get("/me/profile", response={200: ProfileOut, **ERRORS}, exclude_unset=True)
def my_profile(request):
    return profile_out(services.access_profile(request.auth, request.auth.username))


@router.patch("/me/profile", response={200: ProfileOut, **ERRORS}, exclude_unset=True)
def edit_my_profile(request, payload: ProfilePatch):
    """Change any subset of your profile. All changes apply together or not at all."""
    changes = payload.model_dump(exclude_unset=True)
    for key in ("skills", "interests"):
        if key in changes and changes[key] is None:
            raise Invalid(fields={key: ["Give a list (empty to clear)."]})
    profile = get_object_or_404(Profile, user=request.auth)
    services.update_profile(request.auth, profile, changes)
    return profile_out(services.access_profile(request.auth, request.auth.username))


@router.post("/me/avatar", response={200: ProfileOut, **ERRORS}, exclude_unset=True)
def upload_avatar(request, avatar: File[UploadedFile]):
    profile = get_object_or_404(Profile, user=request.auth)
    services.set_avatar(request.auth, profile, avatar)
    return profile_out(services.access_profile(request.auth, request.auth.username))


@router.delete("/me/avatar", response={200: ProfileOut, **ERRORS}, exclude_unset=True)
def delete_avatar(request):
    profile = get_object_or_404(Profile, user=request.auth)
    services.clear_avatar(request.auth, profile)
    return profile_out(services.access_profile(request.auth, request.auth.username))


@router.get("/me/suggestions", response={200: list[SuggestionOut], **ERRORS}, exclude_unset=True)
def my_suggestions(request, limit: int = 6):
    found = services.suggestions(request.auth, limit=max(1, min(limit, 30)))
    return [{"person": profile_out(s.person), "reasons": s.reasons} for s in found]


@router.get("/departments", response={200: list[DepartmentOut], **ERRORS})
def list_departments(request):
    if not request.auth.is_employee:
        return []
    return [{"name": d.name, "slug": d.slug, "size": d.size} for d in services.departments()]


@router.get("/skills", response={200: list[str], **ERRORS})
def complete_skills(request, q: str = ""):
    """Skill names starting with `q` (case- and accent-insensitive), for autocompletion.
    Employees only: the company's vocabulary is not for external guests."""
    if not request.auth.is_employee:
        return []
    return services.complete_skills(q[:80])


@router.get("/interests", response={200: list[str], **ERRORS})
def complete_interests(request, q: str = ""):
    if not request.auth.is_employee:
        return []
    return services.complete_interests(q[:80])


class EndorsementState(Schema):
    skill: str
    endorsed: bool
    count: int


class EndorsementIn(StrictInput):
    skill: str


def _endorsement_state(request, link) -> dict:
    summary = services.endorsement_summary(link.profile, request.auth).get(link.skill.key, {})
    return {
        "skill": link.skill.name,
        "endorsed": summary.get("by_viewer", False),
        "count": summary.get("count", 0),
    }


@router.post("/users/{username}/endorsements", response={200: EndorsementState, **ERRORS})
def endorse_skill(request, username: str, payload: EndorsementIn):
    """Vouch for one of a colleague's declared skills (not your own). Idempotent."""
    return _endorsement_state(request, services.endorse(request.auth, username, payload.skill))


@router.delete("/users/{username}/endorsements", response={200: EndorsementState, **ERRORS})
def unendorse_skill(request, username: str, skill: str):
    """Withdraw your endorsement of the skill named in `?skill=`."""
    return _endorsement_state(request, services.unendorse(request.auth, username, skill))
