"""What the demo people write, in French and English: post templates by theme, comments,
and a handful of long-form articles. `{m}` is a colleague to @mention, `{n}` a number,
`{day}` a day of the week; the planner fills them."""

DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
}

POSTS = {
    "data": {
        "fr": (
            "Quelqu'un a déjà branché **dbt** sur notre entrepôt ? Je cherche un retour "
            "d'expérience avant de me lancer. #data #python",
            "Petit tip #python du jour : `pandas.read_parquet(..., columns=[...])` ne charge "
            "que les colonnes utiles. Sur notre export clients, on passe de {n} s à 3 s.",
            "Le modèle de prévision du churn est en production 🎉 Merci {m} pour la revue "
            "des features ! Détails au prochain point data de {day}. #ia #data",
            "Rappel #rgpd : pas de données personnelles dans les notebooks partagés. "
            "Utilisez le jeu anonymisé (voir le wiki). #data",
            "Atelier « prompt engineering pour les non-devs » {day} à 12h30, {n} places. "
            "Qui est partant ? #ia",
            "Question bête mais utile : vous versionnez vos jeux de test comment ? Git LFS, "
            "DVC, autre chose ? #data #mlops",
        ),
        "en": (
            "Our embeddings pipeline now runs in {n} minutes instead of two hours. "
            "Write-up coming soon, thanks {m}! #ia #python",
            "Reading group: this week we discuss evaluation of LLM answers. Join us on "
            "{day}, link in the comments. #ia",
            "Does anyone have a clean template for a **data contract**? Looking for "
            "something lightweight. #data",
            "Reminder: the feature store migration happens on {day}. Dashboards may be "
            "stale for an hour. #data",
        ),
    },
    "velo": {
        "fr": (
            "Nouveau parking vélo sécurisé au sous-sol : {n} places, badge obligatoire. "
            "#vélo #mobilité",
            "Itinéraire du jour : le long du canal, 25 minutes, zéro voiture. Qui veut "
            "faire le trajet ensemble {day} ? #vélo",
            "Atelier réparation {day} midi avec {m} : crevaisons, freins, éclairage. "
            "Apportez votre vélo ! #vélo",
            "Le forfait mobilités durables passe à {n} € par an, pensez à le demander aux RH. "
            "#vélo #rse",
            "Pluie annoncée toute la semaine… vos astuces pour arriver sec ? #vélo",
        ),
        "en": (
            "Bike to work week starts {day}! Log your kilometres, the team with the most "
            "wins breakfast. #vélo",
            "Found a great route along the river, {n} km and almost no traffic. Map in the "
            "comments. #vélo",
            "Anyone else commuting by e-bike? Looking for advice on batteries. #vélo",
        ),
    },
    "green": {
        "fr": (
            "Nous avons mesuré l'empreinte de nos environnements de test : {n} % de "
            "serveurs inutilisés la nuit. On les éteint à partir de {day}. #greenit",
            "Le matériel reconditionné est désormais proposé par défaut pour les "
            "renouvellements de portables. #greenit #rse",
            "Défi du mois : vider sa boîte mail et ses vieux fichiers partagés. "
            "{m} a déjà libéré {n} Go ! #greenit",
            "Conférence sobriété numérique {day} : qui y va ? #greenit",
        ),
        "en": (
            "Tip: lower the default video quality in meetings, it cuts data use by {n} %. #greenit",
            "Our CI now caches dependencies: {n} % less compute per build. #greenit #devops",
        ),
    },
    "onboarding": {
        "fr": (
            "Bienvenue aux {n} nouveaux arrivants de ce mois ! Présentez-vous en "
            "commentaire 👋 #onboarding",
            "Petit guide de survie : où trouver la cantine, le wiki, les salles de réunion et "
            "qui contacter pour son badge. #onboarding",
            "Premier jour aujourd'hui dans l'équipe ! Merci {m} pour l'accueil. #onboarding",
            "Le programme de parrainage redémarre : {n} binômes formés. Vous voulez "
            "parrainer ? #onboarding",
            "Rappel : la session d'accueil a lieu chaque {day} matin, salle Agora. #onboarding",
        ),
        "en": (
            "Hello everyone! Just joined as part of the team, happy to be here. Any tips "
            "for a newcomer? #onboarding",
            "New joiner FAQ updated: laptops, expenses, holidays and the coffee machine. "
            "#onboarding",
            "Welcome lunch on {day} for everyone who joined this quarter. See you there! "
            "#onboarding",
        ),
    },
    "photo": {
        "fr": (
            "Thème du mois : « reflets ». Postez vos meilleures photos avant le {n} ! #photo",
            "Sortie photo {day} soir au bord du fleuve, golden hour garantie. #photo",
            "Lightroom ou darktable ? Je cherche un logiciel de retouche gratuit. #photo",
        ),
        "en": (
            "Golden hour from the office roof yesterday. Shot with a phone, no filter! #photo",
            "Photo walk on {day}: we meet at 6 pm in the lobby. #photo",
        ),
    },
    "support": {
        "fr": (
            "Incident de connexion SSO résolu, {n} clients impactés. Merci {m} pour la "
            "réactivité ! Post-mortem à venir. #support",
            "Nouvel article dans la base de connaissances : réinitialiser un compte "
            "administrateur client. #support #kb",
            "Les tickets « export CSV » ont doublé cette semaine : quelqu'un côté produit "
            "peut regarder ? #support #produit",
            "Satisfaction client du mois : {n} %. Bravo à toute l'équipe ! #support",
            "Astuce : la macro « relance J+3 » fait gagner un temps fou. #support",
        ),
        "en": (
            "A customer just told us our team is the best support they ever had. "
            "Shout-out to {m}! #support",
            "We are rolling out the new ticket categories on {day}. Please read the "
            "guide before then. #support",
            "Escalation process reminder: P1 goes to the on-call engineer first. #support",
        ),
    },
    "sales": {
        "fr": (
            "Signature ! Contrat de {n} k€ avec un grand compte de la distribution. "
            "Merci {m} pour la démo décisive. #sales #win",
            "Objection de la semaine : « c'est trop cher ». Vos meilleures réponses ? #sales",
            "Le nouveau deck commercial est dans le drive. Retours avant {day} svp ! #sales",
        ),
        "en": (
            "Closed our biggest deal of the quarter: {n} seats! Great teamwork with "
            "{m}. #sales #win",
            "Presales tip: always ask about their identity provider before the demo. "
            "#sales #presales",
        ),
    },
    "social": {
        "fr": (
            "Afterwork {day} soir au bar d'en face, tout le monde est bienvenu 🍻 #afterwork",
            "Tournoi de baby-foot : {n} équipes inscrites, finale {day} ! #sport",
            "Course du jeudi : 8 km tranquilles, départ 12h15 du hall. #sport",
        ),
        "en": (
            "Board games night on {day}, bring your favourite! #afterwork",
            "Who's up for a 5-a-side football match next week? We need {n} more. #sport",
        ),
    },
    "managers": {
        "fr": (
            "Les entretiens annuels ouvrent {day}. Vos trucs pour préparer un entretien "
            "vraiment utile ? #management",
            "Retour d'expérience : on a testé les 1:1 toutes les deux semaines au lieu "
            "d'hebdo. Bilan mitigé. #management",
            "Formation « feedback difficile » : {n} places, inscrivez-vous auprès de {m}. "
            "#management",
        ),
        "en": (
            "How do you handle workload when two people are off at once? Looking for "
            "practical ideas. #management",
            "Hiring update: {n} open roles, referrals are very welcome. #recrutement",
        ),
    },
    "innovation": {
        "fr": (
            "Hackathon interne les {n} et {day} : thème « l'IA au service du support ». "
            "#innovation #hackathon",
            "Prototype du jour : un bot qui résume les tickets longs. Démo avec {m}. "
            "#innovation #ia",
            "Idée : un tableau de bord carbone par équipe. Des volontaires ? #innovation",
        ),
        "en": (
            "Demo day recap: {n} prototypes, three will go to the roadmap! #innovation",
            "Looking for testers for our voice-notes prototype. #innovation",
        ),
    },
    "horizon": {
        "fr": (
            "Point Horizon : la due diligence avance, prochaine étape {day}. Merci de "
            "garder tout cela strictement confidentiel. #horizon",
            "Le planning révisé est dans le dossier partagé. {m}, tu peux valider la partie "
            "juridique ? #horizon",
            "Synthèse de l'atelier d'hier : {n} risques identifiés, tous couverts. #horizon",
        ),
        "en": ("Horizon steering committee moved to {day}. Agenda to follow. #horizon",),
    },
    "partners": {
        "fr": (
            "Planning du lot 2 partagé : livraison prévue le {n}. Des questions ? #projet",
            "Compte rendu de l'atelier {day} avec nos partenaires en pièce jointe. #projet",
            "{m} animera la revue de fin de sprint {day}. #projet",
        ),
        "en": (
            "Thanks all for the workshop yesterday. Next milestone: {day}, deliverables "
            "in the shared folder. #project",
            "Quick question for the Agora team: can we get access to the staging "
            "environment before {day}? #project",
            "Status update: {n} of 12 user stories done, on track. #project",
        ),
    },
    "profile": {
        "fr": (
            "Très fière de l'équipe : la nouvelle version est en ligne, {n} bugs corrigés "
            "en un sprint. Merci {m} ! #release",
            "Je cherche quelqu'un qui connaît bien #excel pour un tableau croisé un peu "
            "retors. Un café en échange ☕",
            "Retour de conférence : trois idées que je veux tester chez nous. Fil en "
            "commentaire. #veille",
            "Rappel #rgpd : les exports de données personnelles passent par la DPO. "
            "Merci {m} pour la piqûre de rappel.",
            "Qui serait partant pour une session de pair programming {day} ? #python",
            "Nouvelle procédure de notes de frais : tout se fait dans l'appli désormais. #rh",
            "Première semaine en télétravail partiel : mes trois astuces pour rester "
            "concentré. #teletravail",
            "Bravo à {m} pour sa certification ! 🎉 #formation",
            "Je partage la checklist de mise en production qu'on utilise depuis {n} mois. "
            "#devops #qualité",
            "On recrute ! {n} postes ouverts dans mon équipe, cooptations bienvenues. #recrutement",
        ),
        "en": (
            "Shipped! The new onboarding flow is live for all customers. Kudos to {m}. #release",
            "Lessons learned after {n} months of async stand-ups: fewer meetings, better "
            "notes. #remote",
            "Does anyone know who owns the invoicing API? I have a question about "
            "rounding. #finance",
            "Great session with {m} on #python type hints today. Slides on the wiki.",
            "Quick #security reminder: never paste tokens in chat, use the vault.",
            "We are hiring! {n} open roles on my team, referrals welcome. #recrutement",
            "Happy to share our team's meeting-free Wednesday experiment: focus time is "
            "up. #productivity",
            "Just finished the {day} training on accessibility. Highly recommended! "
            "#a11y #formation",
        ),
    },
}

EXTRAS = {
    "fr": (
        "Vos retours sont les bienvenus !",
        "Merci à toutes et à tous 🙏",
        "Plus d'infos sur le wiki.",
        "N'hésitez pas à me contacter en direct.",
        "On en reparle au prochain point d'équipe ?",
    ),
    "en": (
        "Feedback welcome!",
        "Thanks everyone 🙏",
        "More on the wiki.",
        "Feel free to ping me directly.",
        "Let's discuss it at the next team meeting?",
    ),
}

COMMENTS = {
    "fr": (
        "Super initiative, merci !",
        "Bravo à toute l'équipe 👏",
        "Je suis partant·e !",
        "Très utile, je partage avec mon équipe.",
        "Est-ce qu'il y a un lien vers la doc ?",
        "On a eu le même souci le mois dernier, je t'envoie nos notes.",
        "Merci pour le partage, je ne connaissais pas.",
        "{m} ça devrait t'intéresser !",
        "Je peux aider si besoin.",
        "Génial, hâte de voir la suite.",
        "Quelle date exactement ?",
        "+1, on en a vraiment besoin.",
        "Attention à bien vérifier l'aspect #rgpd.",
        "Top ! Tu peux le présenter au prochain point ?",
        "Je m'inscris 🙋",
    ),
    "en": (
        "Great work, congrats!",
        "Thanks for sharing, very useful.",
        "Count me in!",
        "Is there a recording?",
        "We had the same issue, happy to compare notes.",
        "{m} you might like this one.",
        "Nice! Any plans to roll it out more widely?",
        "+1, this would help us a lot.",
        "Where can I find the docs?",
        "Love it 🙌",
        "I can help with testing.",
        "Good point, I had not thought about it.",
    ),
}

REPLIES = {
    "fr": (
        "Merci !",
        "Bonne question, je regarde et je reviens vers toi.",
        "Oui, le lien est dans le wiki.",
        "Avec plaisir 🙂",
        "Exactement, on s'en parle demain.",
    ),
    "en": (
        "Thanks!",
        "Good question, I'll check and come back to you.",
        "Yes, the link is on the wiki.",
        "My pleasure 🙂",
        "Exactly, let's talk tomorrow.",
    ),
}

# (language, category, title, body)
ARTICLES = (
    (
        "fr",
        "Actualités",
        "Résultats du trimestre : merci à toutes et à tous",
        "Le trimestre se termine avec une croissance de **18 %** et un taux de "
        "satisfaction client record.\n\n## Ce qui a marché\n\n- Le nouveau parcours "
        "d'onboarding client\n- La réduction du délai de réponse du support\n- Trois "
        "grands comptes signés en Europe\n\n## La suite\n\nNous investissons dans la "
        "plateforme et dans la formation. Rendez-vous à la réunion générale pour les "
        "questions. #actualités",
    ),
    (
        "en",
        "Engineering",
        "How we cut our CI time in half",
        "Our pipeline had grown to 40 minutes. Here is what we changed.\n\n## Caching\n\n"
        "Dependencies and test databases are now cached between runs.\n\n## Splitting\n\n"
        "Tests run in 8 parallel shards, balanced by duration.\n\n## Result\n\n"
        "19 minutes on average, and less compute spent. #devops #greenit",
    ),
    (
        "fr",
        "Vie au travail",
        "Le nouveau flex office, mode d'emploi",
        "À partir du mois prochain, les bureaux du 3e étage passent en flex office.\n\n"
        "## Réserver\n\nTout se fait dans l'appli, jusqu'à deux semaines à l'avance.\n\n"
        "## Les règles\n\n1. Bureau rangé le soir\n2. Appels dans les bulles\n3. Casiers "
        "personnels au rez-de-chaussée\n\nVos questions en commentaire ! #flexoffice",
    ),
    (
        "en",
        "Engineering",
        "Postgres full-text search: lessons from production",
        "We moved search from an external engine to PostgreSQL.\n\n## Why\n\nOne less "
        "system to run, and permissions enforced in one place.\n\n## Gotchas\n\n"
        "- Accents and stemming need both French and English configurations\n"
        "- Ranking needs tuning with real queries\n\nFull notes on the wiki. #postgresql "
        "#python",
    ),
    (
        "fr",
        "Engineering",
        "RGPD : ce que chaque développeur doit savoir",
        "La conformité n'est pas qu'une affaire de juristes.\n\n## Les réflexes\n\n"
        "- Minimiser les données collectées\n- Jamais de données réelles en test\n"
        "- Journaliser les accès aux données sensibles\n\n## Besoin d'aide ?\n\n"
        "L'équipe Conformité tient une permanence chaque jeudi. #rgpd",
    ),
    (
        "fr",
        "Vie au travail",
        "Challenge mobilité : les résultats",
        "Pendant un mois, **214 personnes** ont laissé la voiture au garage.\n\n"
        "## Le podium\n\n1. Support client : 3 450 km\n2. R&D : 3 120 km\n3. Finance : "
        "1 980 km\n\nMerci à la communauté Vélo au travail pour l'organisation ! #vélo #rse",
    ),
    (
        "en",
        "Actualités",
        "Welcome to our new office in Lisbon",
        "Our Lisbon office opens next month with twelve people from support and R&D.\n\n"
        "## Visiting\n\nDesks are bookable for anyone travelling there.\n\n## Hiring\n\n"
        "Six more roles open this year. #recrutement",
    ),
    (
        "fr",
        "Actualités",
        "Agora : notre réseau social d'entreprise est lancé",
        "Agora remplace l'ancien intranet.\n\n## Pourquoi\n\nPour trouver plus vite les "
        "bonnes personnes et partager entre équipes.\n\n## Par où commencer\n\n"
        "- Complétez votre profil\n- Rejoignez deux ou trois communautés\n- Suivez les "
        "sujets qui vous intéressent\n\nBonne découverte ! #agora #onboarding",
    ),
    (
        "en",
        "Vie au travail",
        "Five things I learned in my first month",
        "I joined a month ago. Here is what helped me most.\n\n1. Ask questions in the "
        "Onboarding community\n2. Book coffee with your buddy\n3. Read the team wiki\n"
        "4. Join a community outside work topics\n5. Say yes to the Thursday run\n\n"
        "#onboarding",
    ),
    (
        "fr",
        "Engineering",
        "Retour sur notre premier hackathon IA",
        "48 heures, 14 équipes, 9 prototypes.\n\n## Les lauréats\n\nUn assistant qui "
        "résume les tickets du support, et un outil de détection des doublons dans le "
        "CRM.\n\n## Et maintenant\n\nLes deux projets entrent dans la roadmap. #ia "
        "#innovation",
    ),
)
