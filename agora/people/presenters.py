"""What one viewer is shown of a profile: hidden fields are absent, not just blanked in HTML."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from .models import PRIVATE_FIELDS, Profile, ProfileInterest, ProfileSkill
from .text import initials
from .visibility import can_see_field, can_see_person, with_viewer_context


@dataclass
class SkillView:
    name: str
    key: str
    level: int
    level_label: str


@dataclass
class InterestView:
    name: str
    key: str
    kind: str
    kind_label: str


@dataclass
class PersonRef:
    username: str
    display_name: str


@dataclass
class ProfileView:
    profile: Profile
    username: str
    display_name: str
    kind: str
    is_guest: bool
    initials: str
    avatar_url: str | None
    is_self: bool
    viewer_follows: bool
    follows_viewer: bool
    visible: set[str] = field(default_factory=set)
    headline: str | None = None
    bio: str | None = None
    bio_html: str | None = None
    email: str | None = None
    department: str | None = None
    department_slug: str | None = None
    team: str | None = None
    manager: PersonRef | None = None
    location: str | None = None
    languages: list[str] | None = None
    skills: list[SkillView] | None = None
    interests: list[InterestView] | None = None
    goals: list[str] | None = None
    help_with: str | None = None

    @property
    def url(self) -> str:
        return reverse("people:profile", args=[self.username])


def shape_profiles(qs: QuerySet[Profile], viewer) -> QuerySet[Profile]:
    """Everything `present` touches, fetched in a fixed number of queries for any list size."""
    return (
        with_viewer_context(qs, viewer)
        .select_related("user", "department", "manager__profile")
        .prefetch_related(
            Prefetch("skill_links", ProfileSkill.objects.select_related("skill")),
            Prefetch("interest_links", ProfileInterest.objects.select_related("interest")),
        )
    )


def _manager_visible(profile: Profile, viewer) -> bool:
    known = getattr(profile, "manager_visible", None)
    if known is None:  # not fetched through shape_profiles
        return can_see_person(profile.manager_id, viewer)
    return bool(known)


def present(profile: Profile, viewer) -> ProfileView:
    owner_follows_viewer = bool(getattr(profile, "owner_follows_viewer", False))
    user = profile.user
    view = ProfileView(
        profile=profile,
        username=user.username,
        display_name=profile.display_name,
        kind=user.kind,
        is_guest=user.is_guest,
        initials=initials(profile.display_name),
        avatar_url=reverse("people:avatar", args=[user.username]) if profile.avatar else None,
        is_self=viewer is not None and viewer.pk == user.pk,
        viewer_follows=bool(getattr(profile, "viewer_follows_owner", False)),
        follows_viewer=owner_follows_viewer,
    )
    for name in PRIVATE_FIELDS:
        if can_see_field(profile, name, viewer, owner_follows_viewer=owner_follows_viewer):
            view.visible.add(name)
    v = view.visible
    if "headline" in v:
        view.headline = profile.headline
    if "bio" in v:
        view.bio, view.bio_html = profile.bio, profile.bio_html
    if "email" in v:
        view.email = user.email
    if "department" in v and profile.department_id:
        view.department = profile.department.name
        view.department_slug = profile.department.slug
    if "team" in v:
        view.team = profile.team
    if "manager" in v and profile.manager_id and _manager_visible(profile, viewer):
        manager_profile = getattr(profile.manager, "profile", None)
        view.manager = PersonRef(
            profile.manager.username,
            manager_profile.display_name if manager_profile else profile.manager.username,
        )
    if "location" in v:
        view.location = profile.location
    if "languages" in v:
        view.languages = list(profile.languages or [])
    if "skills" in v:
        view.skills = [
            SkillView(link.skill.name, link.skill.key, link.level, link.get_level_display())
            for link in profile.skill_links.all()
        ]
    if "interests" in v:
        view.interests = [
            InterestView(link.interest.name, link.interest.key, link.kind, link.get_kind_display())
            for link in profile.interest_links.all()
        ]
    if "goals" in v:
        view.goals = [line.strip() for line in profile.goals.splitlines() if line.strip()]
    if "help_with" in v:
        view.help_with = profile.help_with
    return view
