"""The demo company's departments: the executive office and 42 departments, each with its
trade, job titles, skills and maybe its own team names; and how to look one up by name."""

import re

from .vocabulary import TRADES, DepartmentSpec, Title, Trade, word_list


def _parse_departments(table: str) -> tuple[DepartmentSpec, ...]:
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
                word_list(skills.removeprefix("skills:")),
                word_list(teams),
            )
        )
    return tuple(specs)


EXECUTIVE_OFFICE = _parse_departments(
    """
Direction générale | Executive Office | executive
    skills: Organisation, Gestion d'agenda, Coordination
    Assistant de direction / Assistante de direction / Executive Assistant
"""
)[0]
CEO_TITLE = Title("Président-directeur général", "Présidente-directrice générale", "CEO")

# The 42 departments, from the one that should be the largest down: the source graph's
# department labels are matched to them by size, so "R&D Logiciel" gets the biggest label.
DEPARTMENTS = _parse_departments(
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


def _base_name(department: str | None) -> str:
    """ "R&D Logiciel 2" (only when a source has more than 42 labels) → "R&D Logiciel"."""
    name = department or EXECUTIVE_OFFICE.name
    return name if name in DEPARTMENT_BY_NAME else re.sub(r" \d+$", "", name)


def department_rank(department: str) -> int:
    return DEPARTMENTS.index(spec_of(department)) if spec_of(department) in DEPARTMENTS else -1


def spec_of(department: str | None) -> DepartmentSpec:
    return DEPARTMENT_BY_NAME[_base_name(department)]


def trade_of(department: str) -> Trade:
    return TRADES[spec_of(department).trade]
