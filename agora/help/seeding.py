"""Requests and offers of help for the demo company of `agora seed`.

Runs after the people and conversations seeds: authors are the demo employees, some items live
in the communities their authors belong to, some requests are already done with thanks (so
profiles show "Thanked N times"), others have people who offered to help. Deterministic for a
given seed.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from agora.communities.models import Community, Membership

from .models import HelpItem, Response, Thanks
from .services import index_text

REQ, OFFER = HelpItem.Kind.REQUEST, HelpItem.Kind.OFFER

# (kind, title, details, tags, deadline in days or availability)
CATALOGUE = [
    (
        REQ,
        "Quelqu'un connaît le droit du travail suisse ?",
        "Premier salarié à Genève : j'aimerais un avis sur le contrat avant de l'envoyer.",
        ["droit", "contrats", "suisse"],
        10,
    ),
    (
        REQ,
        "Need a contact at the Lyon tax office",
        "Our VAT refund has been stuck for three months. Does anyone know who to call?",
        ["tax", "finance", "lyon"],
        14,
    ),
    (
        REQ,
        "Un coup de main vendredi pour déménager le labo",
        "Une vingtaine de cartons et deux baies à descendre au rez-de-chaussée, vers 15 h.",
        ["logistique", "labo"],
        4,
    ),
    (
        REQ,
        "Reviewer for a Python data pipeline",
        "About 600 lines of pandas; I'd love a second pair of eyes on the joins before we ship.",
        ["python", "pandas", "data"],
        7,
    ),
    (
        REQ,
        "Relecture d'une présentation client en anglais",
        "Douze diapositives pour un appel d'offres européen, le ton doit rester simple.",
        ["anglais", "relecture", "ventes"],
        5,
    ),
    (
        REQ,
        "Anyone with Kubernetes on-call experience?",
        "Our staging cluster restarts pods at random; looking for someone to pair for an hour.",
        ["kubernetes", "devops"],
        3,
    ),
    (
        REQ,
        "Cherche un traducteur allemand pour une notice",
        "Notice d'utilisation de deux pages pour un client de Stuttgart.",
        ["allemand", "traduction"],
        12,
    ),
    (
        REQ,
        "Help preparing a first conference talk",
        "Accepted at a meetup in Nantes, never spoken in public. Tips and a dry run welcome!",
        ["speaking", "mentorat"],
        20,
    ),
    (
        REQ,
        "Besoin d'un banc de test 48 V pour deux jours",
        "Pour valider un prototype de chargeur avant la démo de fin de mois.",
        ["hardware", "labo", "electronique"],
        9,
    ),
    (
        REQ,
        "Excel macro broken since the Office update",
        "The monthly reporting macro fails on the pivot refresh. VBA experts welcome.",
        ["excel", "vba", "reporting"],
        6,
    ),
    (
        REQ,
        "Un contact chez un intégrateur SAP ?",
        "Nous évaluons une migration et voudrions un retour d'expérience honnête.",
        ["sap", "erp"],
        30,
    ),
    (
        REQ,
        "Someone to mentor an intern on SQL",
        "Two sessions a week for a month; the intern knows the basics.",
        ["sql", "mentorat"],
        15,
    ),
    (
        REQ,
        "Des idées pour animer un atelier RSE ?",
        "Atelier de 2 h avec 25 personnes sur nos engagements environnementaux.",
        ["rse", "animation"],
        18,
    ),
    (
        REQ,
        "Legal review of a software licence",
        "A supplier sends an unusual open-source licence clause; who can read it with me?",
        ["droit", "licences", "opensource"],
        8,
    ),
    (
        REQ,
        "Prêt d'un vidéoprojecteur pour le séminaire",
        "Séminaire d'équipe à Bordeaux, notre salle n'en a pas.",
        ["materiel", "evenement"],
        6,
    ),
    (
        REQ,
        "Accessibility check of our customer portal",
        "We want a quick audit of keyboard navigation and contrast before the release.",
        ["accessibilite", "web"],
        21,
    ),
    (
        REQ,
        "Quelqu'un a déjà monté un dossier CIR ?",
        "Crédit impôt recherche : je cherche un retour sur la partie justificatifs.",
        ["finance", "cir", "recherche"],
        25,
    ),
    (
        REQ,
        "Spanish speaker for a customer call",
        "A 30-minute call with a distributor in Valencia next Tuesday.",
        ["espagnol", "ventes"],
        5,
    ),
    (
        OFFER,
        "Je peux relire vos contrats en français",
        "Juriste de formation, je relis volontiers contrats fournisseurs et CGV.",
        ["droit", "contrats", "relecture"],
        "Le mardi après-midi",
    ),
    (
        OFFER,
        "Spare 48 V test bench in building B",
        "Free most weeks; book it with me a few days ahead.",
        ["hardware", "labo", "electronique"],
        "Until the end of June",
    ),
    (
        OFFER,
        "I can review Python and pandas code",
        "Happy to review pull requests or pair on data cleaning.",
        ["python", "pandas", "data"],
        "Two hours a week",
    ),
    (
        OFFER,
        "Cours d'Excel avancé pour débutants motivés",
        "Tableaux croisés, RECHERCHEX, premières macros.",
        ["excel", "formation"],
        "Jeudis midi",
    ),
    (
        OFFER,
        "Native German speaker, happy to translate",
        "Short documents, e-mails or a call with a German client.",
        ["allemand", "traduction"],
        "On request",
    ),
    (
        OFFER,
        "Mentorat pour les prises de parole en public",
        "J'anime des conférences depuis dix ans ; répétitions et conseils.",
        ["speaking", "mentorat"],
        "Une soirée par mois",
    ),
    (
        OFFER,
        "I have contacts in the Lyon startup scene",
        "Investors, incubators, a few founders: ask and I'll introduce you.",
        ["reseau", "lyon", "startups"],
        "Anytime",
    ),
    (
        OFFER,
        "Prêt de matériel photo pour vos événements",
        "Un boîtier, deux objectifs et un trépied.",
        ["materiel", "evenement", "photo"],
        "Le week-end",
    ),
    (
        OFFER,
        "Kubernetes pairing sessions",
        "I run our production clusters and can pair on debugging.",
        ["kubernetes", "devops"],
        "Wednesdays",
    ),
    (
        OFFER,
        "Je connais bien les dossiers CIR et CII",
        "J'en ai monté cinq chez mon ancien employeur.",
        ["finance", "cir", "recherche"],
        "Sur rendez-vous",
    ),
    (
        OFFER,
        "SQL mentoring for juniors",
        "Query plans, indexes and the classic mistakes.",
        ["sql", "mentorat"],
        "Fridays",
    ),
    (
        OFFER,
        "Spanish and Portuguese for customer calls",
        "I can join calls or relire vos e-mails.",
        ["espagnol", "portugais", "ventes"],
        "Most afternoons",
    ),
    (
        OFFER,
        "Audit d'accessibilité express",
        "Navigation au clavier, contrastes, lecteurs d'écran : une heure suffit souvent.",
        ["accessibilite", "web"],
        "Un créneau par semaine",
    ),
    (
        OFFER,
        "Facilitation d'ateliers et de rétrospectives",
        "Formats courts, participatifs, pour 5 à 40 personnes.",
        ["animation", "agile"],
        "Selon agenda",
    ),
]
THANK_YOU = [
    "Merci beaucoup, ça m'a fait gagner une semaine !",
    "Thanks a lot, that was exactly what I needed.",
    "Un grand merci pour ta disponibilité.",
    "Huge thanks — the demo went fine.",
    "Merci pour les conseils, tout est réglé.",
]
OFFERS_TO_HELP = [
    "Je peux regarder ça demain.",
    "I did something similar last year, happy to help.",
    "Dispo jeudi si ça te va.",
    "Ping me, I have an hour this week.",
]


@dataclass
class HelpSummary:
    items: int
    done: int
    thanks: int
    responses: int

    def line(self) -> str:
        return (
            f"Help: {self.items} requests and offers ({self.done} done), "
            f"{self.thanks} thanks, {self.responses} offers to help."
        )


def help_exists() -> bool:
    return HelpItem.objects.exists()


def seed_help(random_seed: int = 42, log: Callable[[str], object] = print) -> HelpSummary:
    rng = random.Random(random_seed)
    users = list(
        get_user_model()
        .objects.filter(is_active=True, kind__in=["employee", "admin"])
        .order_by("pk")
    )
    if len(users) < 4:
        return HelpSummary(0, 0, 0, 0)
    members = _open_community_members()
    now = timezone.now()
    demo = get_user_model().objects.filter(email="camille.martin@demo.agora.test").first()
    summary = HelpSummary(0, 0, 0, 0)
    for index, (kind, title, body, tags, extra) in enumerate(CATALOGUE):
        community, audience = None, users
        if members and rng.random() < 0.25:
            community = rng.choice(sorted(members, key=lambda c: c.pk))
            audience = members[community]
        author = audience[rng.randrange(len(audience))]
        if demo is not None and index in (1, 19):
            author, community, audience = demo, None, users
        created = now - dt.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
        item = HelpItem.objects.create(
            kind=kind,
            author=author,
            community=community,
            title=title,
            body=body,
            deadline=(created + dt.timedelta(days=extra)).date() if kind == REQ else None,
            availability=extra if kind == OFFER else "",
            created_at=created,
            updated_at=created,
        )
        index_text(item, tags)
        summary.items += 1
        others = [u for u in audience if u.pk != author.pk]
        helpers = rng.sample(others, k=min(len(others), rng.randint(0, 3)))
        if demo is not None and kind == REQ and index in (0, 3) and demo.pk != author.pk:
            helpers = [demo, *[h for h in helpers if h.pk != demo.pk]][:3]
        for offset, helper in enumerate(helpers):
            Response.objects.create(
                item=item,
                user=helper,
                message=rng.choice(OFFERS_TO_HELP),
                created_at=created + dt.timedelta(hours=3 + offset * 5),
            )
            summary.responses += 1
        _settle(rng, item, helpers, created, summary)
    log(summary.line())
    return summary


def _settle(rng, item: HelpItem, helpers, created, summary: HelpSummary) -> None:
    """Older requests that got answers are mostly done with thanks; a few are in progress."""
    age = (timezone.now() - created).days
    if item.kind != REQ or not helpers:
        if item.kind == OFFER and age > 50:
            _close(item, HelpItem.Status.WITHDRAWN, created + dt.timedelta(days=40))
        return
    if age > 12 or rng.random() < 0.3:
        closed = created + dt.timedelta(days=rng.randint(1, min(age, 10) or 1))
        thanked = helpers[: rng.randint(1, len(helpers))]
        Thanks.objects.bulk_create(
            [
                Thanks(item=item, helper=h, message=rng.choice(THANK_YOU), created_at=closed)
                for h in thanked
            ]
        )
        _close(item, HelpItem.Status.DONE, closed)
        summary.done += 1
        summary.thanks += len(thanked)
    else:
        item.status = HelpItem.Status.IN_PROGRESS
        item.save(update_fields=["status"])


def _close(item: HelpItem, status: str, at) -> None:
    item.status, item.closed_at, item.updated_at = status, at, at
    item.save(update_fields=["status", "closed_at", "updated_at"])


def _open_community_members() -> dict[Community, list]:
    """Open communities with a few active employee members: where community items go."""
    out: dict[Community, list] = {}
    rows = (
        Membership.objects.filter(
            state=Membership.State.ACTIVE,
            community__kind=Community.Kind.OPEN,
            user__is_active=True,
            user__kind__in=["employee", "admin"],
        )
        .select_related("community", "user")
        .order_by("community_id", "user_id")
    )
    for m in rows:
        out.setdefault(m.community, []).append(m.user)
    return {c: people for c, people in out.items() if len(people) >= 4}
