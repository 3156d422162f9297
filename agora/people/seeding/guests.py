"""External guests: the demo guest, invited by the community manager, and a few customers
and partners invited by the people who work with them."""

import random

from .demo_cast import DEMO_PEOPLE
from .departments import spec_of
from .names_and_places import FIRST_NAMES, LAST_NAMES
from .plan import PersonPlan
from .profiles import Usernames
from .vocabulary import Title, word_list

EXTRA_GUESTS = 4
GUEST_COMPANIES = (
    ("Atelier Boréal", "atelier-boreal.example"),
    ("Cabinet Lumière", "cabinet-lumiere.example"),
    ("Helix Consulting", "helix.example"),
    ("Studio Pixel", "studio-pixel.example"),
)
GUEST_TITLES = (
    Title("Consultant", "Consultante", "Consultant"),
    Title("Chef de projet", "Cheffe de projet", "Project Manager"),
    Title("Directeur de clientèle", "Directrice de clientèle", "Account Director"),
    Title("Designer indépendant", "Designer indépendante", "Freelance Designer"),
)
GUEST_SKILLS = word_list(
    "Conseil en transformation, Gestion de projet, Design UX, Intégration de systèmes, "
    "Conduite du changement, Formation"
)


def plan_guests(
    rng: random.Random,
    usernames: Usernames,
    people: dict[int, PersonPlan],
    community_manager: int,
    accounts: dict[str, tuple[str, str]],
) -> list[PersonPlan]:
    guests = []
    for role, (email, kind) in sorted(accounts.items()):
        if kind == "guest":
            demo = DEMO_PEOPLE[role]
            guests.append(
                _guest(
                    rng,
                    -1 - len(guests),
                    (demo.first_name, demo.last_name, demo.gender, demo.language),
                    email,
                    email.split("@")[0],  # reserved by the planner
                    community_manager,
                    demo.headline,
                )
            )
    # Other guests are customers and partners invited by the people who work with them.
    hosts = [
        key
        for key, p in sorted(people.items())
        if spec_of(p.department).trade in ("sales", "customer")
    ] or sorted(people)
    for company, domain in GUEST_COMPANIES[:EXTRA_GUESTS]:
        language = rng.choice(("fr", "fr", "en"))
        first, gender = rng.choice(FIRST_NAMES[language])
        gender = rng.choice("fm") if gender == "x" else gender
        last = rng.choice(LAST_NAMES[language])
        title = rng.choice(GUEST_TITLES).spoken(language, gender)
        at = "at" if language == "en" else "chez"
        username = usernames.for_person(first, last)
        guests.append(
            _guest(
                rng,
                -1 - len(guests),
                (first, last, gender, language),
                f"{username}@{domain}",
                username,
                rng.choice(hosts),
                f"{title} {at} {company}",
            )
        )
    return guests


def _guest(rng: random.Random, key, identity, email, username, host, headline) -> PersonPlan:
    first, last, gender, language = identity
    guest = PersonPlan(
        key=key,
        username=username,
        email=email,
        first_name=first,
        last_name=last,
        kind="guest",
        language=language,
        gender=gender,
        location="",
        role="guest",
        invited_by=host,
        headline=headline,
        languages=["en", "fr"] if language == "en" else ["fr", "en"],
        joined_days_ago=rng.randint(5, 200),
    )
    guest.skills = [(name, rng.randint(2, 4)) for name in rng.sample(GUEST_SKILLS, 3)]
    guest.bio = (
        "I work with the Agora team on a shared project; ask me anything about it."
        if language == "en"
        else "Je travaille avec vos équipes sur un projet commun : sollicitez-moi !"
    )
    return guest
