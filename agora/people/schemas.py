"""API shapes for people. Hidden fields are left out of the JSON entirely."""

from ninja import Field, Schema

from agora.core.api import StrictInput

from .models import ProfileInterest, ProfileSkill
from .presenters import ProfileView


class DepartmentRef(Schema):
    name: str
    slug: str


class PersonRefOut(Schema):
    username: str
    display_name: str


class SkillOut(Schema):
    name: str
    level: int
    level_label: str


class InterestOut(Schema):
    name: str
    kind: str


class ProfileOut(Schema):
    username: str
    display_name: str
    kind: str
    is_guest: bool
    avatar_url: str | None = None
    url: str
    viewer_follows: bool
    follows_viewer: bool
    headline: str | None = None
    bio: str | None = None
    bio_html: str | None = None
    email: str | None = None
    department: DepartmentRef | None = None
    team: str | None = None
    manager: PersonRefOut | None = None
    location: str | None = None
    languages: list[str] | None = None
    skills: list[SkillOut] | None = None
    interests: list[InterestOut] | None = None
    goals: list[str] | None = None
    help_with: str | None = None
    visibility: dict[str, int] | None = Field(
        None, description="Only on your own profile: the visibility of each field."
    )


def profile_out(view: ProfileView) -> dict:
    """The ProfileOut of a view: its keys in the schema's order and hidden fields absent, so
    it is exactly what ninja dumps from it (GET /users/{name} encodes it as is)."""
    out = {
        "username": view.username,
        "display_name": view.display_name,
        "kind": view.kind,
        "is_guest": view.is_guest,
        "avatar_url": view.avatar_url,
        "url": view.url,
        "viewer_follows": view.viewer_follows,
        "follows_viewer": view.follows_viewer,
        "headline": view.headline,
        "bio": view.bio,
        "bio_html": view.bio_html,
        "email": view.email,
        "department": (
            {"name": view.department, "slug": view.department_slug} if view.department else None
        ),
        "team": view.team,
        "manager": (
            {"username": view.manager.username, "display_name": view.manager.display_name}
            if view.manager
            else None
        ),
        "location": view.location,
        "languages": view.languages,
        "skills": (
            [{"name": s.name, "level": s.level, "level_label": s.level_label} for s in view.skills]
            if view.skills is not None
            else None
        ),
        "interests": (
            [{"name": i.name, "kind": i.kind} for i in view.interests]
            if view.interests is not None
            else None
        ),
        "goals": view.goals,
        "help_with": view.help_with,
    }
    if view.is_self:
        from .models import PRIVATE_FIELDS

        out["visibility"] = {f: getattr(view.profile, f"{f}_visibility") for f in PRIVATE_FIELDS}
    return {k: v for k, v in out.items() if v is not None}


class ProfilePage(Schema):
    items: list[ProfileOut]
    next_cursor: str | None


class SkillIn(StrictInput):
    name: str = Field(..., max_length=80)
    level: int = Field(ProfileSkill.Level.PRACTITIONER, ge=1, le=4)


class InterestIn(StrictInput):
    name: str = Field(..., max_length=80)
    kind: str = Field(ProfileInterest.Kind.PROFESSIONAL, pattern="^(pro|personal)$")


class ProfilePatch(StrictInput):
    display_name: str | None = Field(None, max_length=120)
    headline: str | None = Field(None, max_length=160)
    bio: str | None = Field(None, max_length=10_000)
    department: str | None = Field(None, description="department slug, or empty to clear")
    team: str | None = Field(None, max_length=120)
    manager: str | None = Field(None, description="manager's username, or empty to clear")
    location: str | None = Field(None, max_length=120)
    languages: list[str] | None = None
    skills: list[SkillIn] | None = None
    interests: list[InterestIn] | None = None
    goals: str | None = Field(None, max_length=4_000)
    help_with: str | None = Field(None, max_length=4_000)
    suggestible: bool | None = None
    expert_suggestible: bool | None = None
    visibility: dict[str, int] | None = Field(
        None, description="field name -> 0 everyone, 1 employees, 2 people I follow, 3 only me"
    )


class FollowState(Schema):
    following: bool


class SuggestionOut(Schema):
    person: ProfileOut
    reasons: list[str]


class DepartmentOut(Schema):
    name: str
    slug: str
    size: int


class OrgChartOut(Schema):
    person: ProfileOut | None
    chain: list[ProfileOut]
    reports: list[ProfileOut]
