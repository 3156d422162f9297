"""Business rules for people: profiles, the directory, the follow graph, suggestions, org chart.

Web views and API routers call these functions and nothing else writes people data.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from agora.core import images
from agora.core.errors import Forbidden, Invalid, NotFound
from agora.core.markdown import render_markdown
from agora.core.pagination import Page, paginate

from . import follow_counts as follow_counts_store
from . import signals
from .models import (
    PRIVATE_FIELDS,
    Department,
    Follow,
    Interest,
    Profile,
    ProfileInterest,
    ProfileSkill,
    Skill,
    Visibility,
)
from .presenters import ProfileView, lean_profile, present, shape_profiles
from .text import fold
from .visibility import field_visible_q, visible_profiles

LANGUAGE_CHOICES = {
    "fr": "Français",
    "en": "English",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "nl": "Nederlands",
    "ar": "العربية",
    "zh": "中文",
    "ja": "日本語",
    "pl": "Polski",
    "ro": "Română",
    "ru": "Русский",
    "tr": "Türkçe",
    "hi": "हिन्दी",
}
MAX_SKILLS = 50
MAX_INTERESTS = 50


# --- Reading ------------------------------------------------------------------------------------


def _nul_free(text: str) -> str:
    """PostgreSQL refuses NUL characters in text, even in a lookup (an error, not a miss).
    Search terms lose them; identifiers carrying one are simply unknown."""
    return text.replace("\x00", "") if isinstance(text, str) else text


def access_profile(viewer, username: str) -> ProfileView:
    """Fetch a profile the viewer may see, or NotFound (never say whether it exists)."""
    if "\x00" in username:
        raise NotFound(_("No such person."))
    if viewer is not None and viewer.is_authenticated and viewer.is_employee:
        # Most profile views are employees': two plain statements instead of three ORM
        # queries whose building cost more than running them (same view: test_profile_lean).
        view = lean_profile(viewer, username)
        if view is None:
            raise NotFound(_("No such person."))
        return view
    qs = shape_profiles(visible_profiles(viewer).filter(user__username=username), viewer)
    profile = qs.first()
    if profile is None:
        raise NotFound(_("No such person."))
    return present(profile, viewer)


def access_user(viewer, username: str):
    if "\x00" in username:
        raise NotFound(_("No such person."))
    profile = (
        visible_profiles(viewer).select_related("user").filter(user__username=username).first()
    )
    if profile is None:
        raise NotFound(_("No such person."))
    return profile.user


@dataclass
class DirectoryFilters:
    q: str = ""
    department: str = ""
    skill: str = ""
    interest: str = ""
    location: str = ""


def directory(viewer, filters: DirectoryFilters, cursor=None, limit=None) -> Page:
    """The people directory. Filters only match fields the viewer may see, so a filter can't
    be used to probe a hidden value (searching "location=Lyon" won't reveal a hidden Lyon)."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_employee:
        raise Forbidden(_("The directory is for employees."))
    filters = DirectoryFilters(**{k: _nul_free(v) for k, v in vars(filters).items()})
    qs = visible_profiles(viewer)
    if filters.q:
        key = fold(filters.q)
        qs = qs.filter(
            Q(name_key__contains=key)
            | (Q(headline__icontains=filters.q) & field_visible_q("headline", viewer))
        )
    if filters.department:
        qs = qs.filter(department__slug=filters.department) & qs.filter(
            field_visible_q("department", viewer)
        )
    if filters.skill:
        qs = qs.filter(skills__key=fold(filters.skill)).filter(field_visible_q("skills", viewer))
    if filters.interest:
        qs = qs.filter(interests__key=fold(filters.interest)).filter(
            field_visible_q("interests", viewer)
        )
    if filters.location:
        qs = qs.filter(location__icontains=filters.location.strip()).filter(
            field_visible_q("location", viewer)
        )
    page = paginate(shape_profiles(qs.distinct(), viewer), ["name_key", "user_id"], cursor, limit)
    page.items = [present(p, viewer) for p in page.items]
    return page


def departments() -> QuerySet[Department]:
    return Department.objects.annotate(size=Count("profiles")).order_by("name")


def complete_skills(prefix: str, limit: int = 10) -> list[str]:
    key = fold(_nul_free(prefix))
    if not key:
        return []
    return list(Skill.objects.filter(key__startswith=key).values_list("name", flat=True)[:limit])


def complete_interests(prefix: str, limit: int = 10) -> list[str]:
    key = fold(_nul_free(prefix))
    if not key:
        return []
    return list(Interest.objects.filter(key__startswith=key).values_list("name", flat=True)[:limit])


# --- Editing ------------------------------------------------------------------------------------

SIMPLE_FIELDS = {
    "display_name": 120,
    "headline": 160,
    "bio": 10_000,
    "team": 120,
    "location": 120,
    "goals": 4_000,
    "help_with": 4_000,
}


def _check_text(name: str, value, errors: dict) -> str | None:
    if not isinstance(value, str):
        errors.setdefault(name, []).append(_("Must be text."))
        return None
    value = value.strip()
    if "\x00" in value:
        errors.setdefault(name, []).append(_("Contains characters that are not allowed."))
        return None
    if len(value) > SIMPLE_FIELDS[name]:
        errors.setdefault(name, []).append(
            _("At most %(n)d characters.") % {"n": SIMPLE_FIELDS[name]}
        )
        return None
    if name == "display_name" and not value:
        errors.setdefault(name, []).append(_("A display name is required."))
        return None
    return value


def _term(model, name: str):
    name = " ".join(name.split())[:80]
    key = fold(name)
    term = model.objects.filter(key=key).first()
    if term is None:
        try:
            with transaction.atomic():
                term = model.objects.create(name=name)
        except IntegrityError:  # someone created it a moment ago
            term = model.objects.get(key=key)
    return term


def update_profile(actor, profile: Profile, changes: dict) -> Profile:
    """Validate every change first, then apply them all in one transaction, or none.

    `changes` keys: the simple text fields, `department` (slug or ""), `manager` (username or
    ""), `languages` (codes), `skills` ([{"name", "level"}]), `interests` ([{"name", "kind"}]),
    `suggestible`, `expert_suggestible` (appear in "who can help?"), and `visibility`
    ({field: level}).
    """
    if actor.pk != profile.user_id and not actor.is_administrator:
        raise Forbidden(_("You can only edit your own profile."))
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for name in SIMPLE_FIELDS:
        if name in changes:
            value = _check_text(name, changes[name], errors)
            if value is not None:
                clean[name] = value

    if "department" in changes:
        slug = changes["department"] or ""
        if slug:
            department = (
                Department.objects.filter(slug=slug).first() if "\x00" not in slug else None
            )
            if department is None:
                errors["department"] = [_("Unknown department.")]
            clean["department"] = department
        else:
            clean["department"] = None

    if "manager" in changes:
        username = changes["manager"] or ""
        if username:
            manager_profile = (
                None
                if "\x00" in username
                else visible_profiles(actor)
                .filter(user__username=username, user__kind__in=["employee", "admin"])
                .select_related("user")
                .first()
            )
            if manager_profile is None:
                errors["manager"] = [_("Unknown person.")]
            elif manager_profile.user_id == profile.user_id:
                errors["manager"] = [_("You cannot be your own manager.")]
            elif _reports_to(manager_profile.user_id, profile.user_id):
                errors["manager"] = [_("That would make a loop in the reporting line.")]
            else:
                clean["manager"] = manager_profile.user
        else:
            clean["manager"] = None

    if "languages" in changes:
        codes = changes["languages"]
        if not isinstance(codes, list) or any(c not in LANGUAGE_CHOICES for c in codes):
            errors["languages"] = [_("Unknown language code.")]
        else:
            clean["languages"] = list(dict.fromkeys(codes))

    for flag in ("suggestible", "expert_suggestible"):
        if flag in changes:
            if not isinstance(changes[flag], bool):
                errors[flag] = [_("Must be true or false.")]
            else:
                clean[flag] = changes[flag]

    skills = _check_skills(changes["skills"], errors) if "skills" in changes else None
    interests = _check_interests(changes["interests"], errors) if "interests" in changes else None

    visibility = changes.get("visibility") or {}
    if not isinstance(visibility, dict):
        errors["visibility"] = [_("Must map fields to visibility levels.")]
        visibility = {}
    for name, level in visibility.items():
        if name not in PRIVATE_FIELDS:
            errors.setdefault("visibility", []).append(_("Unknown field: %s") % name)
        elif level not in Visibility.values:
            errors.setdefault("visibility", []).append(_("Unknown visibility level: %s") % level)
        else:
            clean[f"{name}_visibility"] = level

    if errors:
        raise Invalid(fields=errors)

    with transaction.atomic():
        for name, value in clean.items():
            setattr(profile, name, value)
        if "bio" in clean:
            profile.bio_html = render_markdown(profile.bio)
        profile.save()
        if skills is not None:
            _replace_skills(profile, skills)
        if interests is not None:
            _replace_interests(profile, interests)
    return profile


def _reports_to(user_id: int, boss_id: int) -> bool:
    """Whether `boss_id` is above `user_id` in the reporting line (walks up, bounded)."""
    seen = set()
    current = user_id
    for _step in range(100):
        manager = Profile.objects.filter(user_id=current).values_list("manager_id", flat=True)
        current = manager.first()
        if current is None or current in seen:
            return False
        if current == boss_id:
            return True
        seen.add(current)
    return False


def _check_skills(items, errors) -> list[tuple[str, int]] | None:
    if not isinstance(items, list) or len(items) > MAX_SKILLS:
        errors["skills"] = [_("Give a list of at most %(n)d skills.") % {"n": MAX_SKILLS}]
        return None
    out: dict[str, tuple[str, int]] = {}
    for item in items:
        name = item.get("name") if isinstance(item, dict) else None
        level = (
            item.get("level", ProfileSkill.Level.PRACTITIONER) if isinstance(item, dict) else None
        )
        if not isinstance(name, str) or not fold(name):
            errors.setdefault("skills", []).append(_("Each skill needs a name."))
            continue
        if "\x00" in name:
            errors.setdefault("skills", []).append(_("Contains characters that are not allowed."))
            continue
        # The folded key is stored too, and folding can lengthen a name ("ß" -> "ss").
        if len(name.strip()) > 80 or len(fold(name)) > 80:
            errors.setdefault("skills", []).append(_("A skill name has at most 80 characters."))
            continue
        if level not in ProfileSkill.Level.values:
            errors.setdefault("skills", []).append(_("Unknown skill level: %s") % level)
            continue
        out[fold(name)] = (name.strip(), level)
    return list(out.values())


def _check_interests(items, errors) -> list[tuple[str, str]] | None:
    if not isinstance(items, list) or len(items) > MAX_INTERESTS:
        errors["interests"] = [_("Give a list of at most %(n)d interests.") % {"n": MAX_INTERESTS}]
        return None
    out: dict[str, tuple[str, str]] = {}
    for item in items:
        name = item.get("name") if isinstance(item, dict) else None
        kind = item.get("kind", "pro") if isinstance(item, dict) else None
        if not isinstance(name, str) or not fold(name):
            errors.setdefault("interests", []).append(_("Each interest needs a name."))
            continue
        if "\x00" in name:
            errors.setdefault("interests", []).append(
                _("Contains characters that are not allowed.")
            )
            continue
        if len(name.strip()) > 80 or len(fold(name)) > 80:
            errors.setdefault("interests", []).append(
                _("An interest name has at most 80 characters.")
            )
            continue
        if kind not in ProfileInterest.Kind.values:
            errors.setdefault("interests", []).append(_("Unknown interest kind: %s") % kind)
            continue
        out[fold(name)] = (name.strip(), kind)
    return list(out.values())


def _replace_skills(profile: Profile, skills: list[tuple[str, int]]) -> None:
    # Kept skills keep their row (and so their endorsements); only removed ones go.
    wanted = {}
    for name, level in skills:
        wanted[_term(Skill, name).pk] = level
    existing = {link.skill_id: link for link in profile.skill_links.all()}
    profile.skill_links.exclude(skill_id__in=list(wanted)).delete()
    for skill_id, level in wanted.items():
        link = existing.get(skill_id)
        if link is None:
            ProfileSkill.objects.create(profile=profile, skill_id=skill_id, level=level)
        elif link.level != level:
            link.level = level
            link.save(update_fields=["level"])


def _replace_interests(profile: Profile, interests: list[tuple[str, str]]) -> None:
    profile.interest_links.all().delete()
    ProfileInterest.objects.bulk_create(
        ProfileInterest(profile=profile, interest=_term(Interest, name), kind=kind)
        for name, kind in interests
    )


# A few kilobytes of PNG can declare 100 megapixels: decoding it would take gigabytes.


def set_avatar(actor, profile: Profile, upload) -> Profile:
    if actor.pk != profile.user_id and not actor.is_administrator:
        raise Forbidden(_("You can only edit your own profile."))
    side = settings.AVATAR_SIZE
    webp = images.to_webp(
        upload, field="avatar", max_bytes=settings.AVATAR_MAX_BYTES, size=(side, side)
    )
    images.replace_file(profile.avatar, f"{profile.user_id}.webp", webp)
    return profile


def clear_avatar(actor, profile: Profile) -> Profile:
    if actor.pk != profile.user_id and not actor.is_administrator:
        raise Forbidden(_("You can only edit your own profile."))
    if profile.avatar:
        profile.avatar.delete(save=True)
    return profile


# --- Follow graph -------------------------------------------------------------------------------


def follow(actor, username: str) -> bool:
    """Follow someone the actor can see. Returns False if they already did (idempotent)."""
    target = access_user(actor, username)
    if target.pk == actor.pk:
        raise Invalid(_("You cannot follow yourself."))
    with transaction.atomic():
        _link, created = Follow.objects.get_or_create(follower=actor, followee=target)
        if created:
            transaction.on_commit(
                lambda: signals.followed.send(Follow, follower=actor, followee=target)
            )
    return created


def unfollow(actor, username: str) -> bool:
    target = access_user(actor, username)
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(follower=actor, followee=target).delete()
        if deleted:
            transaction.on_commit(
                lambda: signals.unfollowed.send(Follow, follower=actor, followee=target)
            )
    return bool(deleted)


def _follow_page(viewer, links: QuerySet[Follow], person_field: str, cursor, limit) -> Page:
    """A page of follow links, each presented as the person on the other side. People the
    viewer may not see are left out (a guest must not learn who else follows someone)."""
    links = links.filter(**{f"{person_field}__profile__in": visible_profiles(viewer).values("pk")})
    page = paginate(links, ["-created_at", "-id"], cursor, limit)
    ids = [getattr(link, f"{person_field}_id") for link in page.items]
    profiles = {
        p.user_id: p for p in shape_profiles(Profile.objects.filter(user_id__in=ids), viewer)
    }
    page.items = [present(profiles[i], viewer) for i in ids if i in profiles]
    return page


def followers(viewer, username: str, cursor=None, limit=None) -> Page:
    user = access_user(viewer, username)
    return _follow_page(viewer, Follow.objects.filter(followee=user), "follower", cursor, limit)


def following(viewer, username: str, cursor=None, limit=None) -> Page:
    user = access_user(viewer, username)
    return _follow_page(viewer, Follow.objects.filter(follower=user), "followee", cursor, limit)


def follow_counts(viewer, user, profile: Profile | None = None) -> dict[str, int]:
    """Counts of the people the viewer could see in the lists: a guest doesn't learn how many
    colleagues they can't see follow someone, and deactivated accounts don't count.
    `profile`: the user's, when already loaded (its kept counts are read from it)."""
    if viewer is not None and viewer.is_authenticated and viewer.is_employee:
        # Employees see every active person: the counts kept on the profile are exactly that.
        if profile is not None and profile.user_id == user.pk:
            return {"followers": profile.follower_count, "following": profile.following_count}
        return follow_counts_store.counts(user)
    visible = visible_profiles(viewer).values("pk")
    return {
        "followers": Follow.objects.filter(followee=user, follower__profile__in=visible).count(),
        "following": Follow.objects.filter(follower=user, followee__profile__in=visible).count(),
    }


# --- Suggestions --------------------------------------------------------------------------------


@dataclass
class Suggestion:
    person: ProfileView
    score: float
    reasons: list[str]


FRIENDS_SAMPLE = 500  # the people you follow most recently that "followed by" looks through


def suggestions(viewer, limit: int = 6) -> list[Suggestion]:
    """People you may want to meet, each with the reasons shown to you.

    Signals: skills and interests you share (only where their owner lets you see them), same
    team or department, and being followed by people you follow. Computed with a handful of
    aggregate queries over a bounded candidate set, not a scan per candidate.
    """
    if viewer is None or not viewer.is_authenticated or not viewer.is_employee:
        return []
    # The viewer's own profile, as the page's header reads it too (one query for both).
    me = getattr(viewer, "profile", None)
    if me is None:
        return []
    already = Follow.objects.filter(follower=viewer).values("followee_id")
    candidates = visible_profiles(viewer).filter(
        suggestible=True, user__kind__in=["employee", "admin"]
    )
    candidates = candidates.exclude(user=viewer).exclude(user_id__in=already)

    my_skills = list(me.skill_links.values_list("skill_id", flat=True))
    my_interests = list(me.interest_links.values_list("interest_id", flat=True))
    scores: dict[int, float] = {}
    reasons: dict[int, dict[str, list[str] | int | str]] = {}

    def bump(uid, weight, key, value):
        scores[uid] = scores.get(uid, 0.0) + weight
        bucket = reasons.setdefault(uid, {})
        if isinstance(value, str) and key in ("skills", "interests"):
            bucket.setdefault(key, []).append(value)
        else:
            bucket[key] = value

    if my_skills:
        rows = ProfileSkill.objects.filter(
            skill_id__in=my_skills,
            profile__in=candidates.filter(field_visible_q("skills", viewer)).values("pk"),
        ).values_list("profile_id", "skill__name")[:2000]
        for uid, name in rows:
            bump(uid, 2.0, "skills", name)
    if my_interests:
        rows = ProfileInterest.objects.filter(
            interest_id__in=my_interests,
            profile__in=candidates.filter(field_visible_q("interests", viewer)).values("pk"),
        ).values_list("profile_id", "interest__name")[:2000]
        for uid, name in rows:
            bump(uid, 1.5, "interests", name)
    # People followed by the people you follow. Driven from your follows (the unique index
    # on follower, followee), counted, and only then checked against the candidates: with the
    # candidate check inside the statement SQLite walked every follow of every candidate
    # (~350,000 rows, 140 ms a home page on enterprise-M).
    followed = list(
        Follow.objects.filter(follower=viewer, followee__is_active=True)
        .order_by("-id")
        .values_list("followee_id", flat=True)[:FRIENDS_SAMPLE]
    )
    if followed:
        counted = (
            Follow.objects.filter(follower_id__in=followed)
            .exclude(followee_id__in=[*followed, viewer.pk])
            .values("followee_id")
            .annotate(n=Count("id"))
            .order_by("-n", "followee_id")[:200]
        )
        counts = {row["followee_id"]: row["n"] for row in counted}
        eligible = set(
            candidates.filter(user_id__in=list(counts)).values_list("user_id", flat=True)
        )
        for uid, n in counts.items():
            if uid in eligible:
                bump(uid, 1.0 * min(n, 5), "friends", n)
    if me.team:
        same_team = candidates.filter(team=me.team, department_id=me.department_id).filter(
            field_visible_q("team", viewer)
        )
        if me.department_id:  # matching on it must not reveal a hidden department
            same_team = same_team.filter(field_visible_q("department", viewer))
        same_team = same_team.values_list("user_id", flat=True)[:200]
        for uid in same_team:
            bump(uid, 3.0, "team", me.team)
    elif me.department_id:
        same_department = (
            candidates.filter(department_id=me.department_id)
            .filter(field_visible_q("department", viewer))
            .values_list("user_id", flat=True)[:200]
        )
        for uid in same_department:
            bump(uid, 1.0, "department", me.department.name)

    best = sorted(scores, key=lambda uid: (-scores[uid], uid))[:limit]
    shaped = {
        p.user_id: p for p in shape_profiles(Profile.objects.filter(user_id__in=best), viewer)
    }
    out = []
    for uid in best:
        if uid in shaped:
            out.append(
                Suggestion(present(shaped[uid], viewer), scores[uid], _explain(reasons[uid]))
            )
    return out


def _explain(bucket: dict) -> list[str]:
    said = []
    if "team" in bucket:
        said.append(_("Same team: %s") % bucket["team"])
    if "department" in bucket:
        said.append(_("Same department: %s") % bucket["department"])
    if "skills" in bucket:
        said.append(_("Shared skills: %s") % ", ".join(sorted(bucket["skills"])[:3]))
    if "interests" in bucket:
        said.append(_("Shared interests: %s") % ", ".join(sorted(bucket["interests"])[:3]))
    if "friends" in bucket:
        n = bucket["friends"]
        said.append(
            _("Followed by %(n)d person you follow") % {"n": n}
            if n == 1
            else _("Followed by %(n)d people you follow") % {"n": n}
        )
    return said


# --- Org chart ----------------------------------------------------------------------------------


@dataclass
class OrgChart:
    person: ProfileView | None
    chain: list[ProfileView]  # from the top down to the person's manager
    reports: list[ProfileView]


def org_chart(viewer, username: str | None) -> OrgChart:
    """A person, their visible chain of managers, and their direct reports. Without a person:
    the people at the top (no visible manager)."""
    visible = visible_profiles(viewer)
    if username is None:
        has_reports = Exists(Profile.objects.filter(manager_id=OuterRef("user_id")))
        tops = visible.filter(
            has_reports, manager__isnull=True, user__kind__in=["employee", "admin"]
        )
        tops = shape_profiles(tops, viewer).order_by("name_key")[:50]
        return OrgChart(None, [], [present(p, viewer) for p in tops])
    person = access_profile(viewer, username)
    chain = []
    current = person
    seen = {person.username}
    while current.manager is not None and current.manager.username not in seen and len(chain) < 30:
        try:
            current = access_profile(viewer, current.manager.username)
        except NotFound:
            break
        seen.add(current.username)
        chain.append(current)
    chain.reverse()
    reports = shape_profiles(
        visible.filter(manager_id=person.profile.user_id).filter(
            field_visible_q("manager", viewer)
        ),
        viewer,
    ).order_by("name_key")
    return OrgChart(person, chain, [present(p, viewer) for p in reports])


# --- Endorsements -------------------------------------------------------------------------------


def _endorsable_link(actor, username: str, skill_key: str) -> ProfileSkill:
    """The declared skill `actor` may endorse: someone else's, on a profile and a skills
    list the actor may see (guests only reach the people they may see)."""
    if actor is None or not actor.is_authenticated:
        raise Forbidden()
    profile = access_user(actor, username).profile
    if profile.user_id == actor.pk:
        raise Forbidden(_("You cannot endorse your own skills."))
    if not visible_profiles(actor).filter(field_visible_q("skills", actor), pk=profile.pk).exists():
        raise NotFound(_("No such skill."))
    link = profile.skill_links.filter(skill__key=fold(skill_key)).select_related("skill").first()
    if link is None:
        raise NotFound(_("No such skill."))
    return link


def endorse(actor, username: str, skill_key: str) -> ProfileSkill:
    """Vouch for a colleague's declared skill (once; endorsing again changes nothing)."""
    from .models import Endorsement

    link = _endorsable_link(actor, username, skill_key)
    Endorsement.objects.get_or_create(skill_link=link, endorser=actor)
    return link


def unendorse(actor, username: str, skill_key: str) -> ProfileSkill:
    from .models import Endorsement

    link = _endorsable_link(actor, username, skill_key)
    Endorsement.objects.filter(skill_link=link, endorser=actor).delete()
    return link


def endorsement_summary(profile: Profile, viewer) -> dict[str, dict]:
    """{skill key: {"count", "by_viewer"}} for the profile's skills, in one query."""
    from django.db.models import Value

    from .models import Endorsement

    links = profile.skill_links.annotate(
        endorsement_count=Count("endorsements"),
        by_viewer=Exists(
            Endorsement.objects.filter(skill_link=OuterRef("pk"), endorser_id=viewer.pk)
        )
        if viewer is not None and viewer.is_authenticated
        else Value(False),
    ).values_list("skill__key", "endorsement_count", "by_viewer")
    return {key: {"count": n, "by_viewer": bool(mine)} for key, n, mine in links}
