"""The texts on a profile: bio, goals and what one can help with, in French or English,
built from a few sentence templates and the person's own skills and interests."""

import random

from .plan import PersonPlan
from .vocabulary import Trade


def _tenure_phrase(days: int, language: str) -> str:
    years = days // 365
    if language == "en":
        return (
            "for a few months"
            if years < 1
            else "for a year"
            if years == 1
            else f"for {years} years"
        )
    if years < 1:
        return "depuis quelques mois"
    return "depuis un an" if years == 1 else f"depuis {years} ans"


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'and' if language == 'en' else 'et'} {items[-1]}"


BIO_OPENINGS = {
    "fr": (
        "{title} dans l'équipe **{team}** {tenure}.",
        "{based} à {location}, je travaille en **{department}** {tenure}.",
        "Au sein de **{department}** {tenure}, aujourd'hui dans l'équipe *{team}*.",
    ),
    "en": (
        "{title} in the **{team}** team {tenure}.",
        "Based in {location}, working in **{department}** {tenure}.",
        "Part of **{department}** {tenure}, currently in the *{team}* team.",
    ),
}
BIO_MIDDLES = {
    "fr": (
        "Au quotidien, je travaille surtout avec *{skill1}* et *{skill2}*.",
        "Mon sujet du moment : *{pro}*.",
        "Ce que je préfère : transformer un problème flou en plan d'action clair.",
        "J'aime documenter ce que j'apprends pour que les suivants aillent plus vite.",
    ),
    "en": (
        "Day to day I mostly work with *{skill1}* and *{skill2}*.",
        "Topic of the moment: *{pro}*.",
        "What I enjoy most: turning a fuzzy problem into a clear plan.",
        "I write down what I learn so the next person gets there faster.",
    ),
}
BIO_ENDINGS = {
    "fr": (
        "En dehors du travail : {hobbies}.",
        "Toujours {ready} pour un café et une discussion sur *{pro}*.",
        "Écrivez-moi si vous cherchez quelqu'un pour parler de *{skill1}*.",
    ),
    "en": (
        "Outside work: {hobbies}.",
        "Always up for a coffee and a chat about *{pro}*.",
        "Ping me if you want to talk *{skill1}*.",
    ),
}


def write_bio(rng: random.Random, person: PersonPlan, department: str) -> str:
    language = person.language
    skills = [name for name, _level in person.skills]
    hobbies = [name for name, kind in person.interests if kind == "personal"]
    pro = [name for name, kind in person.interests if kind == "pro"] or ["Innovation"]
    feminine = person.gender == "f"
    context = {
        "title": person.headline or department,
        "team": person.team or department,
        "department": department,
        "tenure": _tenure_phrase(person.joined_days_ago, language),
        "location": person.location,
        "based": "Basée" if feminine else "Basé",
        "ready": "partante" if feminine else "partant",
        "skill1": skills[0],
        "skill2": skills[1] if len(skills) > 1 else skills[0],
        "pro": pro[0],
        "hobbies": _join(hobbies[:2], language),
    }
    openings = BIO_OPENINGS[language]
    if person.role != "member":
        # Their headline already names their team, and heads' team is their department.
        openings = openings[1:2]
    endings = [e for e in BIO_ENDINGS[language] if hobbies or "{hobbies}" not in e]
    sentences = [rng.choice(openings), rng.choice(BIO_MIDDLES[language])]
    if rng.random() < 0.7:
        sentences.append(rng.choice(endings))
    return " ".join(sentences).format(**context)


GOALS = {
    "fr": (
        "Monter en compétence sur {learning}",
        "Animer un atelier interne sur {strong}",
        "Devenir mentor pour les nouvelles recrues",
        "Obtenir une certification en {strong}",
        "Lancer une communauté autour de « {pro} »",
        "Passer une journée avec l'équipe {other}",
        "Prendre la parole lors d'un meetup",
        "Mieux équilibrer vie pro et vie perso",
    ),
    "en": (
        "Get better at {learning}",
        "Run an internal workshop on {strong}",
        "Mentor new joiners",
        "Get certified in {strong}",
        "Start a community around “{pro}”",
        "Spend a day with the {other} team",
        "Give a talk at a meetup",
        "Keep a better work-life balance",
    ),
}


def write_goals(rng: random.Random, person: PersonPlan, other_department: str) -> str:
    levels = sorted(person.skills, key=lambda s: (s[1], s[0]))
    context = {
        "learning": levels[0][0],
        "strong": levels[-1][0],
        "pro": next((n for n, kind in person.interests if kind == "pro"), "Innovation"),
        "other": other_department,
    }
    count = 3 if person.role == "member" and rng.random() < 0.3 else rng.randint(1, 3)
    return "\n".join(g.format(**context) for g in rng.sample(GOALS[person.language], count))


def write_help_with(rng: random.Random, person: PersonPlan, trade: Trade) -> str:
    strong = [name for name, level in sorted(person.skills, key=lambda s: -s[1])][:3]
    if person.language == "en":
        return (
            f"Happy to help with {_join(strong, 'en')}.\n"
            f"I can also help you {rng.choice(trade.help_en)}."
        )
    return (
        f"Volontiers sur {_join(strong, 'fr')}.\n"
        f"Je peux aussi vous aider à {rng.choice(trade.help_fr)}."
    )
