"""What one viewer is shown of a profile: hidden fields are absent, not just blanked in HTML."""

import weakref
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


def present(profile: Profile, viewer, *, skill_links=None, interest_links=None) -> ProfileView:
    """`skill_links`/`interest_links`: given when already fetched (see `lean_profile`)."""
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
            for link in (profile.skill_links.all() if skill_links is None else skill_links)
        ]
    if "interests" in v:
        view.interests = [
            InterestView(link.interest.name, link.interest.key, link.kind, link.get_kind_display())
            for link in (profile.interest_links.all() if interest_links is None else interest_links)
        ]
    if "goals" in v:
        view.goals = [line.strip() for line in profile.goals.splitlines() if line.strip()]
    if "help_with" in v:
        view.help_with = profile.help_with
    return view


# --- A lean read of one profile ------------------------------------------------------------------
# `shape_profiles` costs ~5-9 ms of CPU per profile, almost all in building and compiling three
# ORM queries (three Exists annotations, select_related, two prefetches). The profile page and
# API are among the most read endpoints (issue 3), so an employee's view of one profile is
# read with two plain queries and presented by the same `present`. Guests see people through
# GUEST_CONTACTS rules that other apps register: they keep the ORM path.


_columns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _profile_columns(connection) -> tuple:
    """The profile's columns as SQL and the converters of each (per database connection: the
    converters are bound to it), computed once instead of on every request (~30 fields)."""
    found = _columns.get(connection)
    if found is None:
        fields = Profile._meta.concrete_fields
        converters = []
        for model_field in fields:
            col = model_field.get_col("p")
            funcs = connection.ops.get_db_converters(col) + model_field.get_db_converters(
                connection
            )
            converters.append((col, funcs) if funcs else None)
        sql = ", ".join(f"p.{connection.ops.quote_name(f.column)}" for f in fields)
        found = _columns[connection] = (sql, [f.attname for f in fields], converters)
    return found


def _partial(model, alias: str, **values):
    """An instance with only these fields loaded (the others deferred), as the ORM's
    .only() builds it: much cheaper than Model(**kwargs), which sets every field."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[name] for name in names])


def lean_profile(viewer, username: str) -> ProfileView | None:
    """What `services.access_profile` presents, for an employee viewer; None if the person
    doesn't exist or isn't visible. Only for employees (asserted)."""
    from django.contrib.auth import get_user_model
    from django.db import DEFAULT_DB_ALIAS, connections

    from .models import Department, Follow, Interest, Skill

    assert viewer.is_employee
    connection = connections[DEFAULT_DB_ALIAS]
    alias = connection.alias
    user_model = get_user_model()
    columns, attnames, converters = _profile_columns(connection)
    t_profile, t_user = Profile._meta.db_table, user_model._meta.db_table
    t_follow = Follow._meta.db_table
    # Employees see every active person; a manager is named only if visible too.
    sql = f"""
        SELECT {columns}, u.username, u.kind, u.email, d.name, d.slug, mu.username,
               mp.display_name,
               EXISTS(SELECT 1 FROM {t_follow} f
                      WHERE f.follower_id = p.user_id AND f.followee_id = %s),
               EXISTS(SELECT 1 FROM {t_follow} f
                      WHERE f.follower_id = %s AND f.followee_id = p.user_id)
        FROM {t_profile} p
        JOIN {t_user} u ON u.id = p.user_id
        LEFT JOIN {Department._meta.db_table} d ON d.id = p.department_id
        LEFT JOIN {t_user} mu ON mu.id = p.manager_id AND mu.is_active
        LEFT JOIN {t_profile} mp ON mp.user_id = mu.id
        WHERE u.username = %s AND u.is_active"""  # noqa: S608 (table names and placeholders)
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.pk, viewer.pk, username])
        row = cursor.fetchone()
        if row is None:
            return None
        n = len(attnames)
        values = list(row[:n])
        for i, found in enumerate(converters):
            if found is not None:
                col, funcs = found
                for convert in funcs:
                    values[i] = convert(values[i], col, connection)
        profile = Profile.from_db(alias, attnames, values)
        (uname, kind, email, d_name, d_slug, m_username, m_display, owner_follows_viewer,
         viewer_follows_owner) = row[n:]  # fmt: skip
        profile.user = _partial(
            user_model, alias, id=profile.user_id, username=uname, kind=kind, email=email
        )
        if profile.department_id and d_name is not None:
            profile.department = _partial(
                Department, alias, id=profile.department_id, name=d_name, slug=d_slug
            )
        manager_visible = m_username is not None and m_display is not None
        if profile.manager_id and m_username is not None:
            manager = _partial(user_model, alias, id=profile.manager_id, username=m_username)
            if m_display is not None:
                manager.profile = _partial(
                    Profile, alias, user_id=profile.manager_id, display_name=m_display
                )
            profile.manager = manager
        profile.owner_follows_viewer = bool(owner_follows_viewer)
        profile.viewer_follows_owner = bool(viewer_follows_owner)
        profile.manager_visible = manager_visible
        # Skills (by level, then key) and interests (by kind, then key), as their Meta orders.
        cursor.execute(
            f"""SELECT 0, s.name, s.key, ps.level, CAST(NULL AS TEXT)
                  FROM {ProfileSkill._meta.db_table} ps
                  JOIN {Skill._meta.db_table} s ON s.id = ps.skill_id
                 WHERE ps.profile_id = %s
                UNION ALL
                SELECT 1, i.name, i.key, NULL, pi.kind
                  FROM {ProfileInterest._meta.db_table} pi
                  JOIN {Interest._meta.db_table} i ON i.id = pi.interest_id
                 WHERE pi.profile_id = %s
                ORDER BY 1, 4 DESC, 5, 3""",  # noqa: S608
            [profile.user_id, profile.user_id],
        )
        skills, interests = [], []
        for what, name, key, level, interest_kind in cursor.fetchall():
            if what == 0:
                skills.append(ProfileSkill(level=level, skill=Skill(name=name, key=key)))
            else:
                interests.append(
                    ProfileInterest(kind=interest_kind, interest=Interest(name=name, key=key))
                )
    return present(profile, viewer, skill_links=skills, interest_links=interests)
