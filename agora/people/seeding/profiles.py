"""One employee at a time: identity, username, headline, languages, skills, interests, profile
texts and privacy choices. Every draw comes from the planner's one random stream, in a fixed
order, so a seed always gives the same people."""

import random
import re

from ..models import Visibility
from ..services import LANGUAGE_CHOICES
from ..text import fold
from .demo_cast import DEMO_PEOPLE
from .departments import CEO_TITLE, EXECUTIVE_OFFICE, spec_of
from .names_and_places import (
    CITY_SPEECH,
    DEPARTMENT_LOCATIONS,
    FIRST_NAMES,
    LAST_NAMES,
    LOCATIONS,
    OTHER_LANGUAGES,
)
from .org_chart import Position
from .plan import PersonPlan
from .texts import write_bio, write_goals, write_help_with
from .vocabulary import (
    COMMON_PRO_INTERESTS,
    GENERAL_SKILLS,
    PERSONAL_INTERESTS,
    TRADES,
    DepartmentSpec,
    Trade,
)

EMPLOYEE_DOMAIN = "demo.agora.test"

# Field visibilities a fraction of people change, so the demo shows the privacy features.
VISIBILITY_TWEAKS = (
    ("location", Visibility.ONLY_ME),
    ("location", Visibility.FOLLOWING),
    ("goals", Visibility.FOLLOWING),
    ("goals", Visibility.ONLY_ME),
    ("email", Visibility.ONLY_ME),
    ("email", Visibility.EVERYONE),
    ("interests", Visibility.EMPLOYEES),
    ("interests", Visibility.FOLLOWING),
    ("bio", Visibility.EMPLOYEES),
    ("languages", Visibility.FOLLOWING),
    ("manager", Visibility.EVERYONE),
    ("help_with", Visibility.EMPLOYEES),
)


class Usernames:
    """Hands out unique usernames, for employees and guests alike."""

    def __init__(self, reserved):
        self.taken = set(reserved)

    def for_person(self, first: str, last: str) -> str:
        return self._unique(f"{_slug(first)}.{_slug(last)}")

    def _unique(self, base: str) -> str:
        """`camille.martin`, then `camille.martin2`… Demo logins reserved theirs up front."""
        if base not in self.taken:
            self.taken.add(base)
            return base
        number = 2
        while f"{base}{number}" in self.taken:
            number += 1
        self.taken.add(f"{base}{number}")
        return f"{base}{number}"


class EmployeePlanner:
    """Plans one employee after another, each a `PersonPlan` with a filled profile."""

    def __init__(self, rng: random.Random, usernames: Usernames, departments):
        self.rng = rng
        self.usernames = usernames
        self.departments = departments  # every department's name: goals name another one

    def plan(self, key, department, position: Position, account, demo_role) -> PersonPlan:
        rng = self.rng
        spec = spec_of(department)
        demo = DEMO_PEOPLE.get(demo_role) if demo_role else None
        if demo:
            first, last, gender, language, location = (
                demo.first_name,
                demo.last_name,
                demo.gender,
                demo.language,
                demo.location,
            )
            email, kind = account
            username = email.split("@")[0]  # reserved by the planner
        else:
            location = _weighted_choice(rng, DEPARTMENT_LOCATIONS.get(spec.name, LOCATIONS))
            language, first, last, gender = self._identity(location)
            kind = "employee"
            username = self.usernames.for_person(first, last)
            email = f"{username}@{EMPLOYEE_DOMAIN}"
        person = PersonPlan(
            key=key,
            username=username,
            email=email,
            first_name=first,
            last_name=last,
            kind=kind,
            language=language,
            gender=gender,
            location=location,
            role=position.role,
            department=department,
            team=position.team,
            manager=position.manager,
            is_staff=kind == "admin",
            joined_days_ago=self._tenure(position.role),
        )
        person.headline = (demo and demo.headline) or self._headline(person, spec)
        person.languages = list(demo.languages) if demo else self._languages(language, location)
        self._fill_profile(person, spec, rich=demo is not None)
        if not demo:
            self._vary_privacy(person)
        elif demo_role == "employee":
            # The demo employee shows a field kept for the people she follows.
            person.visibility = {"goals": Visibility.FOLLOWING}
        return person

    def _identity(self, location: str) -> tuple[str, str, str, str]:
        french_share, _local = CITY_SPEECH.get(location, (0.5, None))
        language = "fr" if self.rng.random() < french_share else "en"
        first, gender = self.rng.choice(FIRST_NAMES[language])
        if gender == "x":  # epicene names still need a grammatical gender in French titles
            gender = self.rng.choice("fm")
        return language, first, self.rng.choice(LAST_NAMES[language]), gender

    def _tenure(self, role: str) -> int:
        if role == "ceo":
            return self.rng.randint(3000, 4200)
        if role in ("director", "head"):
            return self.rng.randint(900, 3600)
        return int(self.rng.triangular(20, 3400, 600))

    def _headline(self, person: PersonPlan, spec: DepartmentSpec) -> str:
        language, gender = person.language, person.gender
        if person.role == "ceo":
            return CEO_TITLE.spoken(language, gender)
        if person.role == "director":
            return TRADES[spec.trade].director.spoken(language, gender)
        if person.role == "head":
            return f"Head of {spec.english}" if language == "en" else f"Responsable {spec.name}"
        title = self.rng.choice(spec.titles).spoken(language, gender)
        if person.role == "lead":
            if language == "en":
                return f"{title}, {person.team} team lead"
            return f"{title}, lead de l'équipe {person.team}"
        if self.rng.random() < 0.2:
            return f"Senior {title}" if language == "en" else f"{title} senior"
        return title

    def _languages(self, native: str, location: str) -> list[str]:
        rng = self.rng
        spoken = [native]
        if native == "fr" and rng.random() < 0.85:
            spoken.append("en")
        if native == "en" and rng.random() < 0.5:  # a French company: many learn French
            spoken.append("fr")
        local = CITY_SPEECH.get(location, (0, None))[1]
        if local and rng.random() < 0.6:
            spoken.append(local)
        if rng.random() < 0.15:
            spoken.append(rng.choice(OTHER_LANGUAGES))
        return [code for code in dict.fromkeys(spoken) if code in LANGUAGE_CHOICES]

    def _fill_profile(self, person: PersonPlan, spec: DepartmentSpec, rich: bool) -> None:
        rng = self.rng
        trade = TRADES[spec.trade]
        senior = person.role in ("ceo", "director", "head", "lead")
        person.skills = self._skills(spec, trade, 7 if rich else rng.randint(3, 8), senior)
        # Demo profiles are full and balanced: half work, half life outside it.
        person.interests = (
            self._interests(trade, 6, professional=3)
            if rich
            else self._interests(trade, rng.randint(2, 6))
        )
        department = spec.english if person.language == "en" else spec.name
        person.bio = write_bio(rng, person, department)
        other = self._another_department(person.department)
        other_name = other.english if person.language == "en" else other.name
        person.goals = write_goals(rng, person, other_name)
        person.help_with = write_help_with(rng, person, trade)

    def _skills(self, spec, trade, count, senior) -> list[tuple[str, int]]:
        # The department's own skills first, then its trade's, then anyone's.
        pool = dict.fromkeys(spec.skills, 4.0)
        for name in trade.skills:
            pool.setdefault(name, 2.0)
        for name in GENERAL_SKILLS:
            pool.setdefault(name, 1.0)
        names = _weighted_sample(self.rng, list(pool), list(pool.values()), count)
        skills = []
        for name in names:
            level = self.rng.choices((1, 2, 3, 4), (2, 5, 4, 2))[0]
            if senior and name not in GENERAL_SKILLS:
                level = min(4, level + 1)
            skills.append((name, level))
        return skills

    def _interests(self, trade: Trade, count: int, professional=None) -> list[tuple[str, str]]:
        if professional is None:
            professional = self.rng.randint(1, max(1, count - 1))
        pro_pool = dict.fromkeys(trade.interests, 3.0)
        for rank, name in enumerate(COMMON_PRO_INTERESTS):
            pro_pool.setdefault(name, 4.0 / (rank + 1) ** 0.7)
        personal_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(PERSONAL_INTERESTS))]
        pro = _weighted_sample(self.rng, list(pro_pool), list(pro_pool.values()), professional)
        personal = _weighted_sample(
            self.rng, list(PERSONAL_INTERESTS), personal_weights, count - professional
        )
        return [(name, "pro") for name in pro] + [(name, "personal") for name in personal]

    def _another_department(self, department: str | None) -> DepartmentSpec:
        """A department to discover (a goal): any existing one but one's own and the board."""
        names = sorted(n for n in self.departments if n not in (department, EXECUTIVE_OFFICE.name))
        return spec_of(self.rng.choice(names)) if names else EXECUTIVE_OFFICE

    def _vary_privacy(self, person: PersonPlan) -> None:
        if self.rng.random() < 0.3:
            for name, level in self.rng.sample(VISIBILITY_TWEAKS, self.rng.randint(1, 2)):
                person.visibility[name] = level
        person.suggestible = self.rng.random() >= 0.05


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name).replace("'", "")).strip("-")


def _weighted_choice(rng: random.Random, weights: dict[str, int]) -> str:
    names = list(weights)
    return rng.choices(names, [weights[n] for n in names])[0]


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, likelier ones first (Efraimidis–Spirakis keys: u ** (1 / weight))."""
    keyed = sorted(zip(items, weights, strict=True), key=lambda iw: -(rng.random() ** (1 / iw[1])))
    return [item for item, _weight in keyed[:k]]
