"""The demo company's words: job titles, trades (what a family of departments does, knows
and offers to help with), and the skills and interests people list on their profiles."""

from dataclasses import dataclass


def word_list(text: str) -> tuple[str, ...]:
    """Comma-separated vocabulary, so names with spaces ("Le Gall") stay whole."""
    return tuple(word.strip() for word in text.split(",") if word.strip())


@dataclass(frozen=True)
class Title:
    """A job title in French (both grammatical genders) and in English."""

    masculine: str
    feminine: str
    english: str

    def spoken(self, language: str, gender: str) -> str:
        if language == "en":
            return self.english
        return self.feminine if gender == "f" else self.masculine


@dataclass(frozen=True)
class Trade:
    """What a family of departments shares: its director, team names, skills and talk."""

    director: Title
    teams: tuple[str, ...]
    skills: tuple[str, ...]
    interests: tuple[str, ...]  # professional interests typical of the trade
    help_fr: tuple[str, ...]  # completes "Je peux aussi vous aider à …"
    help_en: tuple[str, ...]  # completes "I can also help you …"


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    english: str
    trade: str
    titles: tuple[Title, ...]
    skills: tuple[str, ...]
    teams: tuple[str, ...] = ()  # when the trade's team names would not fit


TRADES = {
    "executive": Trade(
        director=Title("Directeur général", "Directrice générale", "Chief Executive Officer"),
        teams=("Comité exécutif",),
        skills=word_list("Stratégie, Leadership, Prise de parole en public, Levée de fonds"),
        interests=word_list("Innovation, Management bienveillant, Future of work"),
        help_fr=("préparer une présentation au comité de direction",),
        help_en=("prepare a presentation for the leadership team",),
    ),
    "tech": Trade(
        director=Title("Directeur technique", "Directrice technique", "Chief Technology Officer"),
        teams=word_list(
            "Paiements, Identité & accès, Recherche, Messagerie, API publique, Front-end, "
            "Performance, Intégrations, Notifications, Fondations"
        ),
        skills=word_list("Git, Linux, Revue de code, Agilité / Scrum, Docker, SQL"),
        interests=word_list(
            "Open source, Architecture logicielle, Cybersécurité, Rust, Cloud souverain, Green IT"
        ),
        help_fr=(
            "relire une merge request ou un design technique",
            "débusquer un test qui échoue une fois sur dix",
            "automatiser une tâche répétitive avec un petit script",
            "choisir entre deux bibliothèques",
        ),
        help_en=(
            "review a merge request or a design doc",
            "track down a test that fails one time in ten",
            "automate a boring task with a small script",
            "choose between two libraries",
        ),
    ),
    "product": Trade(
        director=Title("Directeur produit", "Directrice produit", "Chief Product Officer"),
        teams=word_list("Découverte, Collaboration, Administration, Analytics, Onboarding produit"),
        skills=word_list("Ateliers utilisateurs, Spécifications, Jira, Analyse de données produit"),
        interests=word_list("Product discovery, UX writing, Éthique du design, No-code"),
        help_fr=(
            "préparer des entretiens utilisateurs",
            "transformer une idée en user story testable",
        ),
        help_en=("prepare user interviews", "turn an idea into a testable user story"),
    ),
    "sales": Trade(
        director=Title("Directeur commercial", "Directrice commerciale", "Chief Revenue Officer"),
        teams=word_list(
            "Grands comptes, Mid-market, PME, Secteur public, Nouveaux logos, Renouvellements"
        ),
        skills=word_list("Négociation, Salesforce, Prospection, Prévisions commerciales"),
        interests=word_list("Social selling, Vente consultative, Marchés internationaux"),
        help_fr=(
            "préparer un rendez-vous client délicat",
            "répondre à une objection sur le prix",
        ),
        help_en=("prepare a tricky customer meeting", "answer a pricing objection"),
    ),
    "customer": Trade(
        director=Title(
            "Directeur de l'expérience client",
            "Directrice de l'expérience client",
            "VP Customer Experience",
        ),
        teams=word_list(
            "Onboarding, Comptes stratégiques, Niveau 1, Niveau 2, Adoption, Expertise technique"
        ),
        skills=word_list("Relation client, Écoute active, Zendesk, Gestion des escalades"),
        interests=word_list("Expérience client, Communautés d'utilisateurs, Self-service"),
        help_fr=(
            "comprendre ce que les clients nous disent vraiment",
            "désamorcer une escalade client",
        ),
        help_en=("understand what customers really tell us", "calm down a customer escalation"),
    ),
    "marketing": Trade(
        director=Title("Directeur marketing", "Directrice marketing", "Chief Marketing Officer"),
        teams=word_list("Contenus, Acquisition, Marque, Marketing produit, Communauté"),
        skills=word_list("Storytelling, Rédaction web, Canva, Réseaux sociaux"),
        interests=word_list("Storytelling, Création vidéo, Marque employeur, Communautés"),
        help_fr=("trouver le bon titre pour un article", "préparer un post qui sera lu"),
        help_en=("find the right title for an article", "write a post people will read"),
    ),
    "finance": Trade(
        director=Title(
            "Directeur administratif et financier",
            "Directrice administrative et financière",
            "Chief Financial Officer",
        ),
        teams=word_list("Clôture, Reporting, Budget, Fournisseurs, Recouvrement"),
        skills=word_list("Excel avancé, Analyse financière, Power BI, SAP"),
        interests=word_list(
            "Finance durable, Automatisation de la finance, Économie comportementale"
        ),
        help_fr=("construire un budget de projet", "lire un compte de résultat sans douleur"),
        help_en=("build a project budget", "read a P&L without pain"),
    ),
    "hr": Trade(
        director=Title(
            "Directeur des ressources humaines",
            "Directrice des ressources humaines",
            "Chief People Officer",
        ),
        teams=word_list("Talents, Relations sociales, Développement RH, Marque employeur"),
        skills=word_list("Droit du travail, SIRH, Conduite d'entretien, Accompagnement managérial"),
        interests=word_list(
            "Qualité de vie au travail, Mobilité interne, Neurosciences de l'apprentissage"
        ),
        help_fr=("préparer un entretien annuel", "recommander quelqu'un de votre réseau"),
        help_en=("prepare a yearly review", "refer someone from your network"),
    ),
    "ops": Trade(
        director=Title(
            "Directeur des opérations", "Directrice des opérations", "Chief Operating Officer"
        ),
        teams=word_list("Flux, Sites, Qualité, Amélioration continue"),
        skills=word_list("Lean, Gestion des processus, Pilotage par indicateurs, Gestion de crise"),
        interests=word_list("Lean management, Économie circulaire, Mobilité douce"),
        help_fr=("cartographier un processus qui coince", "organiser un déménagement d'équipe"),
        help_en=("map a process that keeps jamming", "organise a team move"),
    ),
    "legal": Trade(
        director=Title("Directeur juridique", "Directrice juridique", "General Counsel"),
        teams=word_list("Contrats, Propriété intellectuelle, Conformité"),
        skills=word_list("Droit des contrats, Veille réglementaire, Négociation contractuelle"),
        interests=word_list("Éthique de l'IA, LegalTech, Protection des données"),
        help_fr=("relire une clause avant signature", "savoir si une donnée est personnelle"),
        help_en=("check a clause before signing", "tell whether a piece of data is personal"),
    ),
}

GENERAL_SKILLS = word_list(
    "Gestion de projet, Prise de parole en public, Anglais professionnel, Animation d'ateliers, "
    "Excel, Mentorat, Rédaction, Facilitation, Gestion du changement, Design thinking, "
    "Feedback constructif, Notion, Négociation"
)
# Ordered from the most to the least common, so shared interests happen as often as in life.
COMMON_PRO_INTERESTS = word_list(
    "IA générative, Open source, Télétravail, Innovation, Développement durable, "
    "Management bienveillant, Accessibilité numérique, Intelligence collective, "
    "Diversité & inclusion, Future of work, Design thinking, Sobriété numérique, "
    "Apprentissage continu"
)
PERSONAL_INTERESTS = word_list(
    "randonnée, photography, jazz, cuisine, running, vélo, escalade, lecture, jeux de société, "
    "cinéma, yoga, jardinage, piano, voile, théâtre, football, rugby, podcasts, bénévolat, ski, "
    "surf, guitare, pâtisserie, astronomy, trail, tennis, couture, bande dessinée, "
    "science-fiction, vinyles, permaculture, danse, chorale, échecs, apiculture, "
    "open water swimming, Lego, origami, kayak, poterie"
)
