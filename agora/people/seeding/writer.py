"""Store a plan: `bulk_create` in one transaction, a fixed number of queries whatever the
size of the company (users are created without their post_save signal, so profiles and
e-mail addresses are created here too)."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from agora.core.markdown import render_markdown

from .. import follow_counts
from ..demo import COMMUNITY_MANAGERS_GROUP, DEMO_PASSWORD
from ..models import Department, Follow, Interest, Profile, ProfileInterest, ProfileSkill, Skill
from ..text import fold
from .plan import CompanyPlan, PersonPlan
from .planner import plan_company

BATCH_SIZE = 500


@dataclass
class SeedSummary:
    people: int
    guests: int
    departments: int
    follows: int
    skill_links: int
    skills: int
    source: str
    seconds: float

    def line(self) -> str:
        return (
            f"Seeded {self.people:,} people and {self.guests} guests in {self.departments} "
            f"departments: {self.follows:,} follows, {self.skill_links:,} skills declared "
            f"({self.skills} distinct) in {self.seconds:.1f} s."
        )


def company_exists() -> bool:
    return Profile.objects.exists() or get_user_model().objects.exists()


def seed_company(
    people: int = 300,
    random_seed: int = 42,
    graphs_dir: Path | None = None,
    log: Callable[[str], object] = print,
) -> SeedSummary:
    started = time.perf_counter()
    if graphs_dir is None:
        graphs_dir = Path(settings.SHARED_DATA_DIR) / "graphs"
    plan = plan_company(people, random_seed, graphs_dir)
    log(f"Source: {plan.source}.")
    write_company(plan)
    employees = [p for p in plan.people if p.kind != "guest"]
    return SeedSummary(
        people=len(employees),
        guests=len(plan.people) - len(employees),
        departments=len(plan.departments),
        follows=len(plan.follows),
        skill_links=sum(len(p.skills) for p in plan.people),
        skills=len({name for p in plan.people for name, _level in p.skills}),
        source=plan.source,
        seconds=time.perf_counter() - started,
    )


@transaction.atomic
def write_company(plan: CompanyPlan) -> None:
    now = timezone.now()
    department_ids = _create_departments(plan.departments)
    skill_ids = _create_terms(Skill, {name for p in plan.people for name, _ in p.skills})
    interest_ids = _create_terms(Interest, {name for p in plan.people for name, _ in p.interests})
    user_ids = _create_users(plan.people, now)
    _create_profiles(plan.people, user_ids, department_ids, now)
    ProfileSkill.objects.bulk_create(
        (
            ProfileSkill(profile_id=user_ids[p.key], skill_id=skill_ids[name], level=level)
            for p in plan.people
            for name, level in p.skills
        ),
        batch_size=BATCH_SIZE,
    )
    ProfileInterest.objects.bulk_create(
        (
            ProfileInterest(profile_id=user_ids[p.key], interest_id=interest_ids[name], kind=kind)
            for p in plan.people
            for name, kind in p.interests
        ),
        batch_size=BATCH_SIZE,
    )
    Follow.objects.bulk_create(
        (
            Follow(
                follower_id=user_ids[a],
                followee_id=user_ids[b],
                created_at=now - timedelta(minutes=minutes),
            )
            for a, b, minutes in plan.follows
        ),
        batch_size=BATCH_SIZE,
    )
    # bulk_create skips the services that keep the profiles' follow counts.
    follow_counts.recount(user_ids.values())
    # Demo logins must work at once, whatever AGORA_EMAIL_VERIFICATION says.
    EmailAddress.objects.bulk_create(
        (
            EmailAddress(user_id=user_ids[p.key], email=p.email, verified=True, primary=True)
            for p in plan.people
        ),
        batch_size=BATCH_SIZE,
    )
    group, _created = Group.objects.get_or_create(name=COMMUNITY_MANAGERS_GROUP)
    group.user_set.add(*(user_ids[key] for key in plan.community_managers))


def _create_departments(departments: list[tuple[str, str | None]]) -> dict[str, int]:
    Department.objects.bulk_create(
        [Department(name=name, slug=slugify(name)) for name, _parent in departments],
        ignore_conflicts=True,
    )
    existing = {d.name: d for d in Department.objects.filter(name__in=[n for n, _ in departments])}
    for name, parent in departments:
        existing[name].parent_id = existing[parent].pk if parent else None
    Department.objects.bulk_update(existing.values(), ["parent"], batch_size=BATCH_SIZE)
    return {name: d.pk for name, d in existing.items()}


def _create_terms(model, names: set[str]) -> dict[str, int]:
    """Skills and interests are shared vocabularies: reuse a term that already exists."""
    model.objects.bulk_create(
        [model(name=name, key=fold(name)) for name in sorted(names)],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    ids = dict(model.objects.filter(key__in=[fold(n) for n in names]).values_list("key", "pk"))
    return {name: ids[fold(name)] for name in names}


def _create_users(people: list[PersonPlan], now) -> dict[int, int]:
    """Employees first, then the guests, who point at the employee who invited them."""
    # One hash for everybody: the password hasher is deliberately slow.
    password = make_password(DEMO_PASSWORD)
    ids: dict[int, int] = {}
    for batch in (
        [p for p in people if p.invited_by is None],
        [p for p in people if p.invited_by is not None],
    ):
        ids |= _insert_users(batch, password, ids, now)
    return ids


def _insert_users(people, password, ids, now) -> dict[int, int]:
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(
                username=p.username,
                email=p.email,
                first_name=p.first_name,
                last_name=p.last_name,
                kind=p.kind,
                language=p.language,
                password=password,
                is_staff=p.is_staff,
                is_superuser=p.is_staff,
                invited_by_id=ids.get(p.invited_by),
                date_joined=now - timedelta(days=p.joined_days_ago),
            )
            for p in people
        ],
        batch_size=BATCH_SIZE,
    )
    # Read the ids back rather than rely on bulk_create returning them on every backend.
    by_username = dict(
        user_model.objects.filter(username__in=[p.username for p in people]).values_list(
            "username", "pk"
        )
    )
    return {p.key: by_username[p.username] for p in people}


def _create_profiles(people, user_ids, department_ids, now) -> None:
    Profile.objects.bulk_create(
        (
            Profile(
                user_id=user_ids[p.key],
                display_name=p.display_name,
                name_key=fold(p.display_name)[:120],  # Profile.save() is skipped by bulk_create
                headline=p.headline,
                bio=p.bio,
                bio_html=render_markdown(p.bio),
                department_id=department_ids.get(p.department),
                team=p.team,
                manager_id=user_ids.get(p.manager),
                location=p.location,
                languages=p.languages,
                goals=p.goals,
                help_with=p.help_with,
                suggestible=p.suggestible,
                created_at=now - timedelta(days=p.joined_days_ago),
                **{f"{name}_visibility": level for name, level in p.visibility.items()},
            )
            for p in people
        ),
        batch_size=BATCH_SIZE,
    )
