"""The demo communities: what each is about, who runs it and who tends to join it."""

from dataclasses import dataclass

OPEN, REQUEST, SECRET = "open", "request", "secret"


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    kind: str
    theme: str  # key of the content templates in `content`
    description: str
    trades: tuple[str, ...]  # departments' trades whose people join most
    share: float  # chance that someone of those trades joins; a tenth of it for the others
    activity: int  # relative number of posts
    owner: str  # "cm" (the community manager) or a trade whose most senior person owns it
    extranet: bool = False


COMMUNITIES = (
    CommunitySpec(
        "Data & IA",
        OPEN,
        "data",
        "Tout sur la donnée et l'IA : modèles, pipelines, bonnes pratiques, veille. "
        "Questions bienvenues, même les plus simples.",
        ("tech", "product"),
        0.45,
        16,
        "tech",
    ),
    CommunitySpec(
        "Vélo au travail",
        OPEN,
        "velo",
        "Trajets domicile-travail à vélo, itinéraires, entretien, forfait mobilités durables. "
        "Bike to work: routes, repairs and tips.",
        (),
        0.14,
        9,
        "cm",
    ),
    CommunitySpec(
        "Green IT",
        OPEN,
        "green",
        "Sobriété numérique, empreinte carbone de nos services, matériel reconditionné.",
        ("tech", "ops"),
        0.22,
        8,
        "ops",
    ),
    CommunitySpec(
        "Onboarding",
        OPEN,
        "onboarding",
        "Bienvenue ! Le point d'entrée des nouveaux arrivants : questions pratiques, "
        "parrainage, rituels d'équipe. Welcome to the company!",
        ("hr",),
        0.5,
        12,
        "cm",
    ),
    CommunitySpec(
        "Photo club",
        OPEN,
        "photo",
        "Partagez vos photos, sorties et conseils de retouche. Un thème par mois.",
        (),
        0.1,
        6,
        "cm",
    ),
    CommunitySpec(
        "Support clients",
        OPEN,
        "support",
        "Entraide entre le support, le customer success et les équipes produit : "
        "incidents, retours clients, base de connaissances.",
        ("customer", "product"),
        0.55,
        14,
        "customer",
    ),
    CommunitySpec(
        "Sales & Avant-vente",
        OPEN,
        "sales",
        "Deals gagnés, objections fréquentes, démos qui marchent. Wins and lessons from the field.",
        ("sales", "marketing"),
        0.5,
        10,
        "sales",
    ),
    CommunitySpec(
        "Afterwork & sport",
        OPEN,
        "social",
        "Afterworks, tournois de baby-foot, course à pied du jeudi : la vie hors des réunions.",
        (),
        0.16,
        7,
        "cm",
    ),
    CommunitySpec(
        "Managers",
        REQUEST,
        "managers",
        "Entre managers : entretiens annuels, recrutement, feedback, charge des équipes. "
        "Réservé aux personnes qui encadrent une équipe.",
        (),
        0.0,
        6,
        "hr",
    ),
    CommunitySpec(
        "Innovation lab",
        REQUEST,
        "innovation",
        "Prototypes, hackathons et idées folles. On étudie chaque demande d'adhésion : "
        "dites-nous ce que vous voulez explorer.",
        ("tech", "product"),
        0.12,
        6,
        "cm",
    ),
    CommunitySpec(
        "Projet Horizon",
        SECRET,
        "horizon",
        "Groupe de travail confidentiel sur le projet Horizon. Merci de ne rien partager hors "
        "de ce groupe.",
        ("executive", "finance", "legal"),
        0.0,
        3,
        "cm",
    ),
    CommunitySpec(
        "Partenaires Acme",
        REQUEST,
        "partners",
        "Espace partagé avec nos partenaires et clients externes : planning, livrables, "
        "questions. Shared space with our partners — external guests are members here.",
        ("sales", "customer"),
        0.12,
        5,
        "cm",
        extranet=True,
    ),
)

RULES = (
    "1. Bienveillance avant tout.\n"
    "2. Pas d'informations clients nominatives.\n"
    "3. Une question = un post, pour que les réponses restent lisibles.\n"
)

CATEGORIES = ("Actualités", "Engineering", "Vie au travail")

# The demo employee's place in the communities.
CAMILLE_MEMBER_OF = ("Data & IA", "Vélo au travail", "Onboarding", "Photo club")
CAMILLE_PENDING = "Innovation lab"
CAMILLE_INVITED = "Green IT"
CAMILLE_HASHTAGS = ("python", "vélo", "onboarding")
