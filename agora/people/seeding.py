"""Build a believable demo company for `agora seed`.

Two steps, kept apart so the first can be tested without a database:

1. `plan_company()` is pure Python and deterministic for a given seed. It takes a real
   communication graph (the e-mail network in SHARED_DATA_DIR/graphs) or, when that is missing,
   grows a synthetic one, and decides who is who: names, departments, reporting lines, profile
   texts, skills, interests and who follows whom.
2. `write_company()` inserts that plan with `bulk_create` in one transaction: a fixed number of
   queries whatever the size of the company (users are created without their post_save signal,
   so profiles and e-mail addresses are created here too).
"""

import heapq
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
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

from .demo import COMMUNITY_MANAGERS_GROUP, DEMO_ACCOUNTS, DEMO_PASSWORD
from .models import (
    Department,
    Follow,
    Interest,
    Profile,
    ProfileInterest,
    ProfileSkill,
    Skill,
    Visibility,
)
from .services import LANGUAGE_CHOICES
from .text import fold

MIN_PEOPLE = 10
EDGES_FILE = "email-Eu-core.txt"
LABELS_FILE = "email-Eu-core-department-labels.txt"
EMPLOYEE_DOMAIN = "demo.agora.test"
BATCH_SIZE = 500


def _words(text: str) -> tuple[str, ...]:
    """Comma-separated vocabulary, so names with spaces ("Le Gall") stay whole."""
    return tuple(word.strip() for word in text.split(",") if word.strip())


# --- Vocabulary: who works here and what they do ------------------------------------------------


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
        skills=_words("Stratégie, Leadership, Prise de parole en public, Levée de fonds"),
        interests=_words("Innovation, Management bienveillant, Future of work"),
        help_fr=("préparer une présentation au comité de direction",),
        help_en=("prepare a presentation for the leadership team",),
    ),
    "tech": Trade(
        director=Title("Directeur technique", "Directrice technique", "Chief Technology Officer"),
        teams=_words(
            "Paiements, Identité & accès, Recherche, Messagerie, API publique, Front-end, "
            "Performance, Intégrations, Notifications, Fondations"
        ),
        skills=_words("Git, Linux, Revue de code, Agilité / Scrum, Docker, SQL"),
        interests=_words(
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
        teams=_words("Découverte, Collaboration, Administration, Analytics, Onboarding produit"),
        skills=_words("Ateliers utilisateurs, Spécifications, Jira, Analyse de données produit"),
        interests=_words("Product discovery, UX writing, Éthique du design, No-code"),
        help_fr=(
            "préparer des entretiens utilisateurs",
            "transformer une idée en user story testable",
        ),
        help_en=("prepare user interviews", "turn an idea into a testable user story"),
    ),
    "sales": Trade(
        director=Title("Directeur commercial", "Directrice commerciale", "Chief Revenue Officer"),
        teams=_words(
            "Grands comptes, Mid-market, PME, Secteur public, Nouveaux logos, Renouvellements"
        ),
        skills=_words("Négociation, Salesforce, Prospection, Prévisions commerciales"),
        interests=_words("Social selling, Vente consultative, Marchés internationaux"),
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
        teams=_words(
            "Onboarding, Comptes stratégiques, Niveau 1, Niveau 2, Adoption, Expertise technique"
        ),
        skills=_words("Relation client, Écoute active, Zendesk, Gestion des escalades"),
        interests=_words("Expérience client, Communautés d'utilisateurs, Self-service"),
        help_fr=(
            "comprendre ce que les clients nous disent vraiment",
            "désamorcer une escalade client",
        ),
        help_en=("understand what customers really tell us", "calm down a customer escalation"),
    ),
    "marketing": Trade(
        director=Title("Directeur marketing", "Directrice marketing", "Chief Marketing Officer"),
        teams=_words("Contenus, Acquisition, Marque, Marketing produit, Communauté"),
        skills=_words("Storytelling, Rédaction web, Canva, Réseaux sociaux"),
        interests=_words("Storytelling, Création vidéo, Marque employeur, Communautés"),
        help_fr=("trouver le bon titre pour un article", "préparer un post qui sera lu"),
        help_en=("find the right title for an article", "write a post people will read"),
    ),
    "finance": Trade(
        director=Title(
            "Directeur administratif et financier",
            "Directrice administrative et financière",
            "Chief Financial Officer",
        ),
        teams=_words("Clôture, Reporting, Budget, Fournisseurs, Recouvrement"),
        skills=_words("Excel avancé, Analyse financière, Power BI, SAP"),
        interests=_words("Finance durable, Automatisation de la finance, Économie comportementale"),
        help_fr=("construire un budget de projet", "lire un compte de résultat sans douleur"),
        help_en=("build a project budget", "read a P&L without pain"),
    ),
    "hr": Trade(
        director=Title(
            "Directeur des ressources humaines",
            "Directrice des ressources humaines",
            "Chief People Officer",
        ),
        teams=_words("Talents, Relations sociales, Développement RH, Marque employeur"),
        skills=_words("Droit du travail, SIRH, Conduite d'entretien, Accompagnement managérial"),
        interests=_words(
            "Qualité de vie au travail, Mobilité interne, Neurosciences de l'apprentissage"
        ),
        help_fr=("préparer un entretien annuel", "recommander quelqu'un de votre réseau"),
        help_en=("prepare a yearly review", "refer someone from your network"),
    ),
    "ops": Trade(
        director=Title(
            "Directeur des opérations", "Directrice des opérations", "Chief Operating Officer"
        ),
        teams=_words("Flux, Sites, Qualité, Amélioration continue"),
        skills=_words("Lean, Gestion des processus, Pilotage par indicateurs, Gestion de crise"),
        interests=_words("Lean management, Économie circulaire, Mobilité douce"),
        help_fr=("cartographier un processus qui coince", "organiser un déménagement d'équipe"),
        help_en=("map a process that keeps jamming", "organise a team move"),
    ),
    "legal": Trade(
        director=Title("Directeur juridique", "Directrice juridique", "General Counsel"),
        teams=_words("Contrats, Propriété intellectuelle, Conformité"),
        skills=_words("Droit des contrats, Veille réglementaire, Négociation contractuelle"),
        interests=_words("Éthique de l'IA, LegalTech, Protection des données"),
        help_fr=("relire une clause avant signature", "savoir si une donnée est personnelle"),
        help_en=("check a clause before signing", "tell whether a piece of data is personal"),
    ),
}


def _departments(table: str) -> tuple[DepartmentSpec, ...]:
    """Parse the table below: a `name | English name | trade` line, then indented lines with
    the department's own skills, maybe its own team names, and its job titles
    (`masculine / feminine / English`)."""
    specs = []
    for block in re.split(r"\n(?=\S)", table.strip()):
        head, skills, *titles = (line.strip() for line in block.splitlines())
        teams = titles.pop(0).removeprefix("teams:") if titles[0].startswith("teams:") else ""
        name, english, trade = (part.strip() for part in head.split("|"))
        specs.append(
            DepartmentSpec(
                name,
                english,
                trade,
                tuple(Title(*(part.strip() for part in t.split(" / "))) for t in titles),
                _words(skills.removeprefix("skills:")),
                _words(teams),
            )
        )
    return tuple(specs)


EXECUTIVE_OFFICE = _departments(
    """
Direction générale | Executive Office | executive
    skills: Organisation, Gestion d'agenda, Coordination
    Assistant de direction / Assistante de direction / Executive Assistant
"""
)[0]
CEO_TITLE = Title("Président-directeur général", "Présidente-directrice générale", "CEO")

# The 42 departments, from the one that should be the largest down: the source graph's
# department labels are matched to them by size, so "R&D Logiciel" gets the biggest label.
DEPARTMENTS = _departments(
    """
R&D Logiciel | Software R&D | tech
    skills: Python, Django, TypeScript, PostgreSQL, React, Tests automatisés
    Développeur backend / Développeuse backend / Backend Engineer
    Développeur front-end / Développeuse front-end / Front-end Engineer
    Ingénieur logiciel / Ingénieure logicielle / Software Engineer
    Développeur full-stack / Développeuse full-stack / Full-stack Developer
Sales EMEA | Sales EMEA | sales
    skills: Cycle de vente complexe, Closing, Social selling, Allemand professionnel
    Ingénieur commercial / Ingénieure commerciale / Account Executive
    Business developer / Business developer / Business Developer
    Chargé d'affaires / Chargée d'affaires / Sales Development Representative
Customer Success | Customer Success | customer
    skills: Onboarding client, Gestion de compte, Prévention du churn, Gainsight
    Customer success manager / Customer success manager / Customer Success Manager
    Chargé d'onboarding / Chargée d'onboarding / Onboarding Specialist
Produit | Product | product
    skills: Discovery produit, Roadmap, User stories, Priorisation
    Product manager / Product manager / Product Manager
    Product owner / Product owner / Product Owner
Marketing | Marketing | marketing
    skills: Marketing produit, Stratégie de contenu, Positionnement, Études de marché
    Chargé de marketing / Chargée de marketing / Marketing Manager
    Product marketing manager / Product marketing manager / Product Marketing Manager
Opérations | Operations | ops
    skills: Amélioration continue, Planification, Tableaux de bord, Gestion des fournisseurs
    Chargé des opérations / Chargée des opérations / Operations Specialist
    Analyste opérations / Analyste opérations / Operations Analyst
Finance | Finance | finance
    skills: Modélisation financière, Consolidation, IFRS, Business plan
    Analyste financier / Analyste financière / Financial Analyst
    Chargé de mission finance / Chargée de mission finance / Finance Officer
Ressources humaines | Human Resources | hr
    skills: Relations sociales, Entretiens annuels, Gestion des compétences, Médiation
    Chargé RH / Chargée RH / HR Generalist
    HR business partner / HR business partner / HR Business Partner
Support client | Customer Support | customer
    skills: Diagnostic, Base de connaissances, Support multicanal, SQL
    Conseiller support / Conseillère support / Support Specialist
    Ingénieur support / Ingénieure support / Support Engineer
Plateforme & Cloud | Platform & Cloud | tech
    skills: Kubernetes, Terraform, Observabilité, AWS, CI/CD
    teams: Infrastructure, Observabilité, Outillage développeurs, Bases de données
    Ingénieur DevOps / Ingénieure DevOps / DevOps Engineer
    Ingénieur SRE / Ingénieure SRE / Site Reliability Engineer
    Ingénieur cloud / Ingénieure cloud / Cloud Engineer
Ventes France | Sales France | sales
    skills: Marchés publics, Réponse aux appels d'offres, Prospection téléphonique
    Ingénieur commercial / Ingénieure commerciale / Account Executive
    Chargé de clientèle / Chargée de clientèle / Account Manager
Data & IA | Data & AI | tech
    skills: Python, Machine learning, dbt, Statistiques, Data visualisation, LLM
    teams: Data platform, Analytics, IA appliquée, Qualité des données
    Data scientist / Data scientist / Data Scientist
    Ingénieur data / Ingénieure data / Data Engineer
    Ingénieur machine learning / Ingénieure machine learning / ML Engineer
Services professionnels | Professional Services | customer
    skills: Gestion de projet, Migration de données, Paramétrage, Conduite du changement
    Consultant / Consultante / Implementation Consultant
    Chef de projet déploiement / Cheffe de projet déploiement / Delivery Manager
Sales North America | Sales North America | sales
    skills: Cycle de vente complexe, Closing, HubSpot, Prospection
    Ingénieur commercial / Ingénieure commerciale / Account Executive
    Business developer / Business developer / Business Developer
Design UX | UX Design | product
    skills: Figma, Recherche utilisateur, Design system, Accessibilité numérique, Prototypage
    teams: Design system, Recherche, Parcours clients
    Designer UX / Designer UX / UX Designer
    Designer UI / Designer UI / UI Designer
    Chercheur UX / Chercheuse UX / UX Researcher
Contrôle de gestion | Management Control | finance
    skills: Contrôle de gestion, Construction budgétaire, Analyse des écarts
    Contrôleur de gestion / Contrôleuse de gestion / Financial Controller
Communication interne | Internal Communications | marketing
    skills: Communication interne, Animation de communautés, Événements internes, Vidéo
    teams: Éditorial, Communautés, Événements internes
    Chargé de communication interne / Chargée de communication interne / Internal Comms Officer
    Community manager / Community manager / Community Manager
DSI — Informatique interne | Internal IT | tech
    skills: Active Directory, Réseaux, Microsoft 365, ITIL, SSO / OpenID Connect
    teams: Poste de travail, Réseaux & télécoms, Applications internes, Support utilisateurs
    Administrateur systèmes / Administratrice systèmes / Systems Administrator
    Technicien support IT / Technicienne support IT / IT Support Technician
    Ingénieur réseau / Ingénieure réseau / Network Engineer
Recrutement | Talent Acquisition | hr
    skills: Sourcing de talents, Entretiens de recrutement, Cooptation, LinkedIn Recruiter
    teams: Tech, Business, Campus
    Chargé de recrutement / Chargée de recrutement / Recruiter
    Talent acquisition partner / Talent acquisition partner / Talent Partner
Juridique | Legal | legal
    skills: Droit des contrats, Propriété intellectuelle, Droit du numérique
    Juriste / Juriste / Legal Counsel
Qualité logicielle | Quality Engineering | tech
    skills: Tests automatisés, Playwright, Tests de charge, Gestion des anomalies
    teams: Automatisation, Performance, Recette
    Ingénieur QA / Ingénieure QA / QA Engineer
    Testeur / Testeuse / Software Tester
Avant-vente | Presales | sales
    skills: Démonstrations produit, Réponse aux appels d'offres, Architecture de solution
    Ingénieur avant-vente / Ingénieure avant-vente / Presales Engineer
    Consultant solutions / Consultante solutions / Solutions Consultant
Marketing digital | Digital Marketing | marketing
    skills: SEO, Google Analytics, Marketing automation, Emailing, Publicité en ligne
    teams: SEO, Acquisition payante, Emailing
    Chargé d'acquisition / Chargée d'acquisition / Growth Marketer
    Spécialiste SEO / Spécialiste SEO / SEO Specialist
Comptabilité | Accounting | finance
    skills: Comptabilité générale, Clôture mensuelle, Fiscalité
    Comptable / Comptable / Accountant
Sécurité des systèmes d'information | Information Security | tech
    skills: Cybersécurité, Tests d'intrusion, ISO 27001, Réponse à incident
    teams: SOC, Gouvernance, Sécurité applicative
    Ingénieur sécurité / Ingénieure sécurité / Security Engineer
    Analyste SOC / Analyste SOC / SOC Analyst
Achats | Procurement | finance
    skills: Négociation fournisseurs, Sourcing, Achats responsables
    Acheteur / Acheteuse / Buyer
Sales APAC | Sales APAC | sales
    skills: Cycle de vente complexe, Vente indirecte, Japonais professionnel
    Ingénieur commercial / Ingénieure commerciale / Account Executive
    Chargé de partenaires / Chargée de partenaires / Channel Manager
Formation & développement | Learning & Development | hr
    skills: Ingénierie pédagogique, Plan de développement des compétences, Coaching
    Chargé de formation / Chargée de formation / Learning Manager
Logistique | Logistics | ops
    skills: Supply chain, Gestion des stocks, Transport
    Coordinateur logistique / Coordinatrice logistique / Logistics Coordinator
Partenariats | Partnerships | sales
    skills: Gestion de partenaires, Co-marketing, Programmes revendeurs
    Chargé de partenariats / Chargée de partenariats / Partner Manager
Mobile | Mobile | tech
    skills: Swift, Kotlin, Flutter, Accessibilité mobile
    Développeur iOS / Développeuse iOS / iOS Developer
    Développeur Android / Développeuse Android / Android Developer
Documentation | Documentation | product
    skills: Rédaction technique, Markdown, Docs as code, Traduction
    Rédacteur technique / Rédactrice technique / Technical Writer
Événementiel | Events | marketing
    skills: Organisation de salons, Gestion de budget, Logistique événementielle
    Chef de projet événementiel / Cheffe de projet événementiel / Event Manager
Conformité & RGPD | Compliance & Privacy | legal
    skills: RGPD, Conformité, Gestion des risques, Audit
    Délégué à la protection des données / Déléguée à la protection des données / DPO
    Chargé de conformité / Chargée de conformité / Compliance Officer
Architecture | Architecture | tech
    skills: Architecture logicielle, Microservices, Domain-Driven Design, API REST
    Architecte logiciel / Architecte logicielle / Software Architect
    Architecte SI / Architecte SI / Enterprise Architect
Services généraux | Workplace | ops
    skills: Aménagement des espaces, Gestion des prestataires, Sécurité des locaux
    Office manager / Office manager / Office Manager
    Chargé des services généraux / Chargée des services généraux / Facilities Officer
Paie & administration du personnel | Payroll | hr
    skills: Paie, DSN, Administration du personnel
    Gestionnaire de paie / Gestionnaire de paie / Payroll Specialist
Relations presse | Press Relations | marketing
    skills: Relations presse, Communiqués, Communication de crise
    Attaché de presse / Attachée de presse / PR Manager
Trésorerie | Treasury | finance
    skills: Gestion de trésorerie, Cash management, Couverture de change
    Trésorier / Trésorière / Treasurer
Formation clients | Customer Education | customer
    skills: Ingénierie pédagogique, E-learning, Animation de formation
    Formateur / Formatrice / Customer Trainer
RSE & développement durable | Sustainability | ops
    skills: Bilan carbone, Reporting extra-financier, Achats responsables
    Chargé RSE / Chargée RSE / Sustainability Officer
Relations investisseurs | Investor Relations | finance
    skills: Communication financière, Levée de fonds, Modélisation financière
    Chargé des relations investisseurs / Chargée des relations investisseurs / IR Manager
"""
)
DEPARTMENT_BY_NAME = {d.name: d for d in (EXECUTIVE_OFFICE, *DEPARTMENTS)}

GENERAL_SKILLS = _words(
    "Gestion de projet, Prise de parole en public, Anglais professionnel, Animation d'ateliers, "
    "Excel, Mentorat, Rédaction, Facilitation, Gestion du changement, Design thinking, "
    "Feedback constructif, Notion, Négociation"
)
# Ordered from the most to the least common, so shared interests happen as often as in life.
COMMON_PRO_INTERESTS = _words(
    "IA générative, Open source, Télétravail, Innovation, Développement durable, "
    "Management bienveillant, Accessibilité numérique, Intelligence collective, "
    "Diversité & inclusion, Future of work, Design thinking, Sobriété numérique, "
    "Apprentissage continu"
)
PERSONAL_INTERESTS = _words(
    "randonnée, photography, jazz, cuisine, running, vélo, escalade, lecture, jeux de société, "
    "cinéma, yoga, jardinage, piano, voile, théâtre, football, rugby, podcasts, bénévolat, ski, "
    "surf, guitare, pâtisserie, astronomy, trail, tennis, couture, bande dessinée, "
    "science-fiction, vinyles, permaculture, danse, chorale, échecs, apiculture, "
    "open water swimming, Lego, origami, kayak, poterie"
)


def _gendered(gender: str, names: str) -> list[tuple[str, str]]:
    return [(name, gender) for name in _words(names)]


# Given names with the grammatical gender used for French job titles; "x" names are epicene.
FIRST_NAMES = {
    "fr": _gendered(
        "f",
        "Élodie, Chloé, Zoé, Léa, Manon, Inès, Clémence, Margaux, Océane, Anaïs, Hélène, Émilie, "
        "Sophie, Juliette, Amélie, Mathilde, Pauline, Aurélie, Céline, Noémie, Agathe, Louise, "
        "Lucie, Maëlle, Salomé, Gaëlle, Bérénice, Joséphine, Nadia, Yasmine, Fatou, Mélanie, "
        "Solène, Maïwenn, Héloïse, Capucine, Marie-Claire, Romane, Jeanne, Nour",
    )
    + _gendered(
        "m",
        "François, Benoît, Jérôme, Étienne, Théo, Hugo, Lucas, Mathéo, Raphaël, Noël, Grégoire, "
        "Sébastien, Cédric, Loïc, Gaël, Thibault, Antoine, Mehdi, Karim, Julien, Nicolas, "
        "Maxime, Rémi, Aurélien, Baptiste, Quentin, Timothée, Yannick, Hervé, Joël, "
        "Jean-Baptiste, Amaury, Côme, Bastien, Valentin, Adrien, Moussa, Tristan, Léon, Arthur",
    )
    + _gendered("x", "Camille, Dominique, Claude, Alix, Sacha, Charlie, Morgan, Lou, Eden, Andréa"),
    "en": _gendered(
        "f",
        "Emma, Olivia, Charlotte, Amelia, Grace, Hannah, Chloe, Isla, Freya, Ava, Mia, Evie, "
        "Ruby, Lily, Harriet, Imogen, Zara, Priya, Aisha, Megan, Siobhan, Niamh, Ingrid, "
        "Katarzyna, Lucía, Giulia, Hanna, Mei, Yuki, Amara, Beatriz, Clara, Nora, Leah",
    )
    + _gendered(
        "m",
        "James, Oliver, Henry, George, Jack, Harry, Thomas, William, Oscar, Noah, Arjun, Rohan, "
        "Liam, Connor, Declan, Lars, Mateo, Diego, Marco, Lukas, Jonas, Tobias, Kenji, Wei, "
        "Kwame, Tomasz, Piotr, Samuel, Daniel, Ethan, Callum, Rhys, Finn, Ravi, Omar",
    )
    + _gendered("x", "Alex, Sam, Jordan, Taylor, Riley, Jamie, Robin, Casey, Avery, Quinn"),
}
LAST_NAMES = {
    "fr": _words(
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, "
        "Laurent, Lefèvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, "
        "Girard, André, Mercier, Dupont, Lambert, Bonnet, Legrand, Garnier, Faure, Rousseau, "
        "Blanc, Guérin, Henry, Roussel, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont, "
        "Fontaine, Chevalier, Robin, Masson, Gérard, Nguyen, Boyer, Lemaire, Duval, Joly, Roche, "
        "Meyer, Meunier, Pérez, Marchand, Dufour, Blanchard, Barbier, Brunet, Leclerc, Vidal, "
        "Bourgeois, Lemoine, Picard, Lacroix, Fabre, Rivière, Le Gall, Ménard, Fleury, "
        "Deschamps, Prévost, Carré, Rémy, Barré, Benali, Haddad, Traoré, Diallo, Ferreira, "
        "Da Silva, Hébert"
    ),
    "en": _words(
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, "
        "Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, Patel, "
        "Khan, Lewis, Phillips, Mason, Mitchell, Hughes, Murphy, O'Brien, Kelly, Lee, Chen, "
        "Nakamura, Kowalski, Schmidt, Fischer, Weber, Becker, Novak, Rossi, Bianchi, Romano, "
        "García, Fernández, Martínez, López, Jansen, de Vries, Andersson, Johansson, Nielsen, "
        "O'Connor, Byrne, Campbell, Stewart, Anderson, Scott, Reid, Murray, Kim, Park, Singh, "
        "Sharma, Okafor, Mensah, Santos, Costa, Müller, Schäfer"
    ),
}

# Where people work (weights), and per city: the chance a person there is a French speaker
# first, and the local language they may also speak.
LOCATIONS = {
    "Paris": 34, "Lyon": 8, "Nantes": 7, "Toulouse": 6, "Lille": 5, "Bordeaux": 5,
    "Rennes": 3, "Marseille": 3, "Montréal": 5, "London": 6, "Berlin": 4, "Barcelona": 4,
    "Brussels": 3, "Geneva": 2, "Lisbon": 2,
}  # fmt: skip
DEPARTMENT_LOCATIONS = {
    "Sales EMEA": {"London": 5, "Paris": 4, "Berlin": 3, "Barcelona": 3, "Milan": 2,
                   "Amsterdam": 2, "Brussels": 1},
    "Sales North America": {"Montréal": 4, "New York": 3, "Toronto": 2, "Boston": 1},
    "Sales APAC": {"Singapore": 4, "Sydney": 2, "Tokyo": 2},
    "Ventes France": {"Paris": 4, "Lyon": 2, "Bordeaux": 1, "Lille": 1, "Nantes": 1,
                      "Marseille": 1},
}  # fmt: skip
CITY_SPEECH = {
    "Paris": (0.9, None), "Lyon": (0.9, None), "Nantes": (0.9, None), "Toulouse": (0.9, None),
    "Lille": (0.9, None), "Bordeaux": (0.9, None), "Rennes": (0.9, None),
    "Marseille": (0.9, None), "Montréal": (0.6, None), "Brussels": (0.7, "nl"),
    "Geneva": (0.85, "de"), "London": (0.1, None), "Berlin": (0.1, "de"),
    "Barcelona": (0.1, "es"), "Milan": (0.1, "it"), "Amsterdam": (0.05, "nl"),
    "Lisbon": (0.1, "pt"), "New York": (0.05, "es"), "Toronto": (0.15, None),
    "Boston": (0.05, None), "Singapore": (0.02, "zh"), "Sydney": (0.02, None),
    "Tokyo": (0.02, "ja"),
}  # fmt: skip
OTHER_LANGUAGES = ("es", "de", "it", "pt", "ar", "pl", "ro")

EXECUTIVE_TEAM = "Comité exécutif"
TEAM_MIN_SIZE = 10  # departments this big get team leads under their head
TEAM_SPAN = 8  # about how many people a team lead looks after

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


@dataclass(frozen=True)
class DemoPerson:
    """Who stands behind each demo login: fixed, so the demo reads the same every time."""

    first_name: str
    last_name: str
    gender: str
    language: str
    location: str
    languages: tuple[str, ...]
    department: str | None = None  # moves the person there whatever the graph says
    headline: str | None = None


DEMO_PEOPLE = {
    "employee": DemoPerson("Camille", "Martin", "f", "fr", "Lyon", ("fr", "en", "es")),
    "community manager": DemoPerson(
        "Sam",
        "Taylor",
        "m",
        "en",
        "Paris",
        ("en", "fr"),
        department="Communication interne",
        headline="Community Manager · Internal Communications",
    ),
    "administrator": DemoPerson(
        "Alex",
        "Morel",
        "m",
        "fr",
        "Paris",
        ("fr", "en"),
        department="DSI — Informatique interne",
        headline="Administrateur de la plateforme Agora",
    ),
    "external guest": DemoPerson(
        "Jordan",
        "Lee",
        "f",
        "en",
        "London",
        ("en", "fr"),
        headline="Consultant at Northwind Partners",
    ),
}
DEMO_EMPLOYEE_FOLLOWS = 15
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
GUEST_SKILLS = _words(
    "Conseil en transformation, Gestion de projet, Design UX, Intégration de systèmes, "
    "Conduite du changement, Formation"
)


# --- The communication graph --------------------------------------------------------------------


@dataclass
class Graph:
    """Who wrote to whom (directed edges, no self-loops) and each person's department label."""

    department_of: dict[int, int]
    edges: set[tuple[int, int]]
    label_order: list[int]  # labels from the largest department of the whole source down
    source: str

    @property
    def nodes(self) -> list[int]:
        return sorted(self.department_of)

    def undirected(self) -> dict[int, set[int]]:
        neighbours: dict[int, set[int]] = {node: set() for node in self.department_of}
        for src, dst in self.edges:
            neighbours[src].add(dst)
            neighbours[dst].add(src)
        return neighbours

    def restricted_to(self, nodes) -> "Graph":
        keep = set(nodes)
        return Graph(
            {n: self.department_of[n] for n in keep},
            {(a, b) for a, b in self.edges if a in keep and b in keep},
            self.label_order,
            self.source,
        )


def _labels_by_size(department_of: dict[int, int]) -> list[int]:
    sizes = Counter(department_of.values())
    return sorted(sizes, key=lambda label: (-sizes[label], label))


def load_email_graph(directory: Path) -> Graph | None:
    """The SNAP email-Eu-core network, or None when its files are not there."""
    edges_path, labels_path = directory / EDGES_FILE, directory / LABELS_FILE
    if not (edges_path.is_file() and labels_path.is_file()):
        return None
    department_of = dict(_int_pairs(labels_path))
    edges = {
        (a, b)
        for a, b in _int_pairs(edges_path)
        if a != b and a in department_of and b in department_of
    }
    source = (
        f"real e-mail network {EDGES_FILE} ({len(department_of):,} people, {len(edges):,} links)"
    )
    return Graph(department_of, edges, _labels_by_size(department_of), source)


def _int_pairs(path: Path):
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) >= 2:
                yield int(parts[0]), int(parts[1])


def synthetic_graph(people: int, rng: random.Random) -> Graph:
    """A stand-in when the real data is absent: a long tail of department sizes, like the
    real organisation (a few big departments, many small ones)."""
    count = max(3, min(len(DEPARTMENTS), people // 8))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(count)]
    graph = Graph({}, set(), list(range(count)), "synthetic graph (preferential attachment)")
    grow(graph, people, rng, weights)
    return graph


def grow(graph: Graph, people: int, rng: random.Random, label_weights=None) -> None:
    """Add people until there are `people`. Each newcomer writes to a few colleagues, mostly in
    their own department and preferably to those who already have many contacts (preferential
    attachment); about half write back. That yields the heavy-tailed, clustered shape of a
    real organisation's communication."""
    labels = list(graph.label_order)
    if label_weights is None:
        sizes = Counter(graph.department_of.values())
        label_weights = [sizes[label] + 1 for label in labels]
    # A node appears once per contact, plus once: drawing uniformly from these lists is drawing
    # proportionally to degree + 1, in constant time.
    everyone: list[int] = list(graph.nodes)
    by_label: dict[int, list[int]] = defaultdict(list)
    for node in graph.nodes:
        by_label[graph.department_of[node]].append(node)
    for src, dst in sorted(graph.edges):
        for node in (src, dst):
            everyone.append(node)
            by_label[graph.department_of[node]].append(node)

    next_id = max(graph.department_of, default=-1) + 1
    while len(graph.department_of) < people:
        newcomer, next_id = next_id, next_id + 1
        label = rng.choices(labels, label_weights)[0]
        targets = set()
        for _ in range(rng.randint(3, 12)):
            pool = by_label[label] if by_label[label] and rng.random() < 0.7 else everyone
            if pool:
                targets.add(rng.choice(pool))
        graph.department_of[newcomer] = label
        everyone.append(newcomer)
        by_label[label].append(newcomer)
        for target in sorted(targets):
            graph.edges.add((newcomer, target))
            if rng.random() < 0.5:
                graph.edges.add((target, newcomer))
            for node in (newcomer, target):
                everyone.append(node)
                by_label[graph.department_of[node]].append(node)


def connected_core(graph: Graph, people: int) -> list[int]:
    """Start from the best-connected person and keep adding the best-connected person next to
    those already picked: the N people form one connected, dense piece of the organisation."""
    neighbours = graph.undirected()
    degree = {node: len(neighbours[node]) for node in neighbours}
    if not degree:
        return []
    start = min(degree, key=lambda n: (-degree[n], n))
    frontier = [(-degree[start], start)]
    seen = {start}
    picked: list[int] = []
    while frontier and len(picked) < people:
        _, node = heapq.heappop(frontier)
        picked.append(node)
        for other in neighbours[node]:
            if other not in seen:
                seen.add(other)
                heapq.heappush(frontier, (-degree[other], other))
    if len(picked) < people:  # the connected piece is smaller: add the loners, best first
        rest = sorted(set(degree) - set(picked), key=lambda n: (-degree[n], n))
        picked += rest[: people - len(picked)]
    return picked


def company_graph(people: int, rng: random.Random, graphs_dir: Path | None) -> Graph:
    full = load_email_graph(graphs_dir) if graphs_dir else None
    if full is None:
        return synthetic_graph(people, rng)
    graph = full.restricted_to(connected_core(full, people))
    if len(graph.department_of) < people:  # more people asked than the data holds
        grow(graph, people, rng)
        graph.source += f", grown by {people - len(full.department_of):,} synthetic people"
    return graph


# --- The plan: pure data, no database -----------------------------------------------------------


@dataclass
class PersonPlan:
    key: int  # graph node for employees, negative for guests
    username: str
    email: str
    first_name: str
    last_name: str
    kind: str
    language: str
    gender: str
    location: str
    role: str  # ceo, director, head, lead, member, guest
    department: str | None = None
    team: str = ""
    manager: int | None = None
    invited_by: int | None = None
    headline: str = ""
    bio: str = ""
    languages: list[str] = field(default_factory=list)
    skills: list[tuple[str, int]] = field(default_factory=list)
    interests: list[tuple[str, str]] = field(default_factory=list)
    goals: str = ""
    help_with: str = ""
    visibility: dict[str, int] = field(default_factory=dict)
    suggestible: bool = True
    is_staff: bool = False
    joined_days_ago: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class CompanyPlan:
    people: list[PersonPlan]
    follows: list[tuple[int, int, int]]  # follower key, followee key, minutes ago
    departments: list[tuple[str, str | None]]  # name, parent department name
    community_managers: list[int]
    source: str


@dataclass
class Position:
    role: str
    team: str
    manager: int | None = None


def plan_company(people: int, random_seed: int, graphs_dir: Path | None) -> CompanyPlan:
    if people < MIN_PEOPLE:
        raise ValueError(f"A demo company needs at least {MIN_PEOPLE} people.")
    rng = random.Random(random_seed)
    graph = company_graph(people, rng, graphs_dir)
    return _Planner(graph, rng).plan()


class _Planner:
    def __init__(self, graph: Graph, rng: random.Random):
        self.graph = graph
        self.rng = rng
        self.neighbours = graph.undirected()
        self.degree = {node: len(self.neighbours[node]) for node in graph.nodes}
        self.ceo = min(graph.nodes, key=lambda n: (-self.degree[n], n))
        self.usernames = {email.split("@")[0] for _role, email, _kind in DEMO_ACCOUNTS}
        self.parent_department: dict[str, str | None] = {EXECUTIVE_OFFICE.name: None}

    def plan(self) -> CompanyPlan:
        demo = self._cast_demo_logins()
        department_of = self._name_departments(demo)
        positions = self._draw_org_chart(department_of, set(demo.values()))
        accounts = {role: (email, kind) for role, email, kind in DEMO_ACCOUNTS}
        role_of = {key: role for role, key in demo.items()}
        people = {}
        for key in self.graph.nodes:
            role = role_of.get(key)
            people[key] = self._employee(
                key, department_of[key], positions[key], role and accounts[role], role
            )
        follows = self._follows(people, demo["employee"])
        self._give_things_in_common(people, demo["employee"], follows)
        community_manager = demo["community manager"]
        guests = self._guests(people, community_manager, accounts)
        follows |= {(guest.key, guest.invited_by) for guest in guests}
        everyone = [people[key] for key in self.graph.nodes] + guests
        return CompanyPlan(
            people=everyone,
            follows=self._dated(sorted(follows), {p.key: p for p in everyone}),
            departments=sorted(self.parent_department.items()),
            community_managers=[community_manager],
            source=self.graph.source,
        )

    # Who is who ---------------------------------------------------------------------------------

    def _cast_demo_logins(self) -> dict[str, int]:
        """Pick graph people to play the demo employees: the demo employee sits in the largest
        department, well connected but not its head, so she has colleagues and a manager."""
        ranked = sorted(self.graph.nodes, key=lambda n: (-self.degree[n], n))
        others = [n for n in ranked if n != self.ceo]
        sizes = Counter(self.graph.department_of[n] for n in others)
        biggest = min(sizes, key=lambda label: (-sizes[label], label))
        colleagues = [n for n in others if self.graph.department_of[n] == biggest]
        employee = colleagues[len(colleagues) // 3]
        others.remove(employee)
        community_manager = others[len(others) // 10]  # well connected: animates communities
        others.remove(community_manager)
        return {
            "employee": employee,
            "community manager": community_manager,
            "administrator": others[len(others) // 2],
        }

    def _name_departments(self, demo: dict[str, int]) -> dict[int, str]:
        """Graph labels become invented department names, the largest label the first name."""
        name_of_label = {}
        for rank, label in enumerate(self.graph.label_order):
            spec = DEPARTMENTS[rank % len(DEPARTMENTS)]
            lap = rank // len(DEPARTMENTS)
            name_of_label[label] = spec.name if lap == 0 else f"{spec.name} {lap + 1}"
        department_of = {n: name_of_label[self.graph.department_of[n]] for n in self.graph.nodes}
        department_of[self.ceo] = EXECUTIVE_OFFICE.name
        for role, key in demo.items():
            if DEMO_PEOPLE[role].department:
                department_of[key] = DEMO_PEOPLE[role].department
        return department_of

    def _draw_org_chart(self, department_of: dict[int, str], demo: set[int]) -> dict[int, Position]:
        """CEO → directors (one per trade with several departments) → department heads → team
        leads in big departments → everyone else. A tree by construction: no cycles."""
        positions = {self.ceo: Position("ceo", EXECUTIVE_TEAM)}
        members: dict[str, list[int]] = defaultdict(list)
        for key in self.graph.nodes:
            if key != self.ceo:
                members[department_of[key]].append(key)
        heads = {}
        for name in sorted(members):
            # Heads and leads are the best connected; the demo logins stay ordinary staff.
            ranked = sorted(members[name], key=lambda n: (n in demo, -self.degree[n], n))
            heads[name] = ranked[0]
            positions.update(self._staff_department(name, ranked))
            self.parent_department[name] = None
        self._appoint_directors(heads, members, positions)
        return positions

    def _staff_department(self, name: str, ranked: list[int]) -> dict[int, Position]:
        head, staff = ranked[0], ranked[1:]
        positions = {head: Position("head", name)}
        if len(ranked) < TEAM_MIN_SIZE:
            positions.update({key: Position("member", name, head) for key in staff})
            return positions
        pool = _spec(name).teams or _trade(name).teams
        team_count = min(len(pool), max(2, round(len(staff) / TEAM_SPAN)))
        teams = self.rng.sample(pool, team_count)
        leads = staff[:team_count]
        size = Counter()
        for lead, team in zip(leads, teams, strict=True):
            positions[lead] = Position("lead", team, head)
        for key in staff[team_count:]:
            # Join a lead one is in touch with, else the smallest team: teams follow who
            # actually works together and stay about the same size.
            lead = max(leads, key=lambda lead: (lead in self.neighbours[key], -size[lead], -lead))
            size[lead] += 1
            positions[key] = Position("member", positions[lead].team, lead)
        return positions

    def _appoint_directors(self, heads, members, positions) -> None:
        by_trade: dict[str, list[str]] = defaultdict(list)
        for name in heads:
            by_trade[_spec(name).trade].append(name)
        for trade in sorted(by_trade):
            # The biggest department leads its trade; on a tie, the trade's main one.
            names = sorted(by_trade[trade], key=lambda n: (-len(members[n]), _rank(n), n))
            director = heads[names[0]]
            positions[director].manager = self.ceo
            if trade == "executive" or len(names) == 1:
                continue
            positions[director].role = "director"
            positions[director].team = EXECUTIVE_TEAM
            for name in names[1:]:
                positions[heads[name]].manager = director
                self.parent_department[name] = names[0]

    # One person ---------------------------------------------------------------------------------

    def _employee(self, key, department, position, account, demo_role) -> PersonPlan:
        rng = self.rng
        spec = _spec(department)
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
            username = email.split("@")[0]  # reserved in __init__
        else:
            location = _weighted_choice(rng, DEPARTMENT_LOCATIONS.get(spec.name, LOCATIONS))
            language, first, last, gender = self._identity(location)
            kind = "employee"
            username = self._username(first, last)
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

    def _username(self, first: str, last: str) -> str:
        return self._username_from(f"{_slug(first)}.{_slug(last)}")

    def _username_from(self, base: str) -> str:
        """`camille.martin`, then `camille.martin2`… Demo logins reserved theirs up front."""
        if base not in self.usernames:
            self.usernames.add(base)
            return base
        number = 2
        while f"{base}{number}" in self.usernames:
            number += 1
        self.usernames.add(f"{base}{number}")
        return f"{base}{number}"

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
        person.bio = _bio(rng, person, department)
        other = self._another_department(person.department)
        other_name = other.english if person.language == "en" else other.name
        person.goals = _goals(rng, person, other_name)
        person.help_with = _help_with(rng, person, trade)

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
        names = sorted(
            n for n in self.parent_department if n not in (department, EXECUTIVE_OFFICE.name)
        )
        return _spec(self.rng.choice(names)) if names else EXECUTIVE_OFFICE

    def _vary_privacy(self, person: PersonPlan) -> None:
        if self.rng.random() < 0.3:
            for name, level in self.rng.sample(VISIBILITY_TWEAKS, self.rng.randint(1, 2)):
                person.visibility[name] = level
        person.suggestible = self.rng.random() >= 0.05

    # Who follows whom ---------------------------------------------------------------------------

    def _follows(self, people, demo_employee: int) -> set[tuple[int, int]]:
        """Everyone follows the people they wrote to; the demo employee is trimmed (or topped up)
        to about fifteen, so her feed is readable and her suggestions are not all followed."""
        follows = {(a, b) for a, b in self.graph.edges if a != demo_employee}
        me = people[demo_employee]
        by_degree = sorted(self.graph.nodes, key=lambda n: (-self.degree[n], n))
        wrote_to = [n for n in by_degree if (demo_employee, n) in self.graph.edges]
        colleagues = [n for n in by_degree if people[n].department == me.department]
        teammates = {n for n in colleagues if people[n].team == me.team}
        # Leave most teammates unfollowed: "same team" is the demo's best suggestion reason.
        candidates = [me.manager] + [n for n in wrote_to + colleagues if n not in teammates]
        chosen = list(dict.fromkeys(n for n in candidates + by_degree if n is not None))
        chosen = [n for n in chosen if n != demo_employee][:DEMO_EMPLOYEE_FOLLOWS]
        return follows | {(demo_employee, n) for n in chosen}

    def _give_things_in_common(self, people, demo_employee: int, follows) -> None:
        """Make sure people outside her department share an interest with the demo employee,
        so "people you may want to meet" crosses department walls, as the product intends."""
        me = people[demo_employee]
        followed = {b for a, b in follows if a == demo_employee}
        strangers = [
            p
            for key, p in sorted(people.items())
            if key != demo_employee
            and key not in followed
            and p.department != me.department
            and p.suggestible
            and p.visibility.get("interests", Visibility.EVERYONE) <= Visibility.EMPLOYEES
        ]
        for person in self.rng.sample(strangers, min(10, len(strangers))):
            theirs = {name for name, _kind in person.interests}
            if theirs & {name for name, _kind in me.interests}:
                continue
            shared = self.rng.choice(me.interests)
            if len(person.interests) >= 6:
                person.interests.pop()
            person.interests.append(shared)

    def _dated(self, follows, people) -> list[tuple[int, int, int]]:
        """A follow is never older than either person's arrival."""
        dated = []
        for a, b in follows:
            newest = min(people[a].joined_days_ago, people[b].joined_days_ago)
            dated.append((a, b, self.rng.randint(0, newest * 24 * 60)))
        return dated

    # External guests ----------------------------------------------------------------------------

    def _guests(self, people, community_manager, accounts) -> list[PersonPlan]:
        guests = []
        for role, (email, kind) in sorted(accounts.items()):
            if kind == "guest":
                demo = DEMO_PEOPLE[role]
                guests.append(
                    self._guest(
                        -1 - len(guests),
                        (demo.first_name, demo.last_name, demo.gender, demo.language),
                        email,
                        email.split("@")[0],  # reserved in __init__
                        community_manager,
                        demo.headline,
                    )
                )
        # Other guests are customers and partners invited by the people who work with them.
        hosts = [
            key
            for key, p in sorted(people.items())
            if _spec(p.department).trade in ("sales", "customer")
        ] or sorted(people)
        for company, domain in GUEST_COMPANIES[:EXTRA_GUESTS]:
            language = self.rng.choice(("fr", "fr", "en"))
            first, gender = self.rng.choice(FIRST_NAMES[language])
            gender = self.rng.choice("fm") if gender == "x" else gender
            last = self.rng.choice(LAST_NAMES[language])
            title = self.rng.choice(GUEST_TITLES).spoken(language, gender)
            at = "at" if language == "en" else "chez"
            username = self._username(first, last)
            guests.append(
                self._guest(
                    -1 - len(guests),
                    (first, last, gender, language),
                    f"{username}@{domain}",
                    username,
                    self.rng.choice(hosts),
                    f"{title} {at} {company}",
                )
            )
        return guests

    def _guest(self, key, identity, email, username, host, headline) -> PersonPlan:
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
            joined_days_ago=self.rng.randint(5, 200),
        )
        guest.skills = [(name, self.rng.randint(2, 4)) for name in self.rng.sample(GUEST_SKILLS, 3)]
        guest.bio = (
            "I work with the Agora team on a shared project; ask me anything about it."
            if language == "en"
            else "Je travaille avec vos équipes sur un projet commun : sollicitez-moi !"
        )
        return guest


# --- Texts --------------------------------------------------------------------------------------


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


def _bio(rng: random.Random, person: PersonPlan, department: str) -> str:
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


def _goals(rng: random.Random, person: PersonPlan, other_department: str) -> str:
    levels = sorted(person.skills, key=lambda s: (s[1], s[0]))
    context = {
        "learning": levels[0][0],
        "strong": levels[-1][0],
        "pro": next((n for n, kind in person.interests if kind == "pro"), "Innovation"),
        "other": other_department,
    }
    count = 3 if person.role == "member" and rng.random() < 0.3 else rng.randint(1, 3)
    return "\n".join(g.format(**context) for g in rng.sample(GOALS[person.language], count))


def _help_with(rng: random.Random, person: PersonPlan, trade: Trade) -> str:
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


# --- Small helpers ------------------------------------------------------------------------------


def _base_name(department: str | None) -> str:
    """ "R&D Logiciel 2" (only when a source has more than 42 labels) → "R&D Logiciel"."""
    name = department or EXECUTIVE_OFFICE.name
    return name if name in DEPARTMENT_BY_NAME else re.sub(r" \d+$", "", name)


def _rank(department: str) -> int:
    return DEPARTMENTS.index(_spec(department)) if _spec(department) in DEPARTMENTS else -1


def _spec(department: str | None) -> DepartmentSpec:
    return DEPARTMENT_BY_NAME[_base_name(department)]


def _trade(department: str) -> Trade:
    return TRADES[_spec(department).trade]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name).replace("'", "")).strip("-")


def _weighted_choice(rng: random.Random, weights: dict[str, int]) -> str:
    names = list(weights)
    return rng.choices(names, [weights[n] for n in names])[0]


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, likelier ones first (Efraimidis–Spirakis keys: u ** (1 / weight))."""
    keyed = sorted(zip(items, weights, strict=True), key=lambda iw: -(rng.random() ** (1 / iw[1])))
    return [item for item, _weight in keyed[:k]]


# --- Writing the plan ---------------------------------------------------------------------------


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
