"""Questions and answers for the demo company of `agora seed`.

Each question belongs to a trade (tech, finance, HR...) and is asked by someone anywhere in the
company; its answers come from people of that trade, so the expert finder has a believable
track record to work with (the people who answer about SQL are the engineers). About a quarter
stay unanswered (the queue and routing have something to show), most answered ones have an
accepted answer, votes are spread. Deterministic for a given seed; written with bulk inserts
(no routing tasks, no e-mails) except a few notifications for the demo logins. The search
index is rebuilt by `agora seed` afterwards.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agora.conversations import feed, hashtags
from agora.conversations.models import Post, PostHashtag
from agora.core.markdown import render_markdown
from agora.notifications.models import Kind
from agora.people.demo import DEMO_ACCOUNTS

from .models import Answer, AnswerComment, ExpertRequest, Question, Vote


@dataclass(frozen=True)
class Topic:
    trade: str
    lang: str
    title: str
    body: str
    tags: tuple[str, ...]
    answers: tuple[str, ...]


TOPICS = (
    Topic(
        "tech",
        "fr",
        "Comment annuler le dernier commit Git sans perdre mes modifications ?",
        "J'ai commité trop tôt sur ma branche, rien n'est encore poussé. Je voudrais "
        "reprendre mes changements et refaire un commit propre.",
        ("git",),
        (
            "`git reset --soft HEAD~1` : le commit disparaît, tes modifications restent "
            "indexées. Tu n'as plus qu'à corriger puis recommiter.",
            "Si tu veux juste changer le message ou ajouter un fichier oublié, "
            "`git commit --amend` suffit.",
        ),
    ),
    Topic(
        "tech",
        "en",
        "Why does my Docker build ignore the layer cache on CI?",
        "Locally the build takes 20 seconds, on the CI runner every step is rebuilt from "
        "scratch, including `pip install`.",
        ("docker", "ci"),
        (
            "Each CI job starts on a fresh runner, so there is no local cache. Use "
            "`--cache-from` with the image you pushed last time (or BuildKit's registry cache).",
            "Also copy `requirements.txt` and install dependencies *before* copying the source "
            "tree, otherwise any code change invalidates the install layer.",
        ),
    ),
    Topic(
        "tech",
        "fr",
        "Quelle requête SQL pour trouver les doublons d'e-mail dans la table clients ?",
        "On a importé un fichier CSV deux fois, je voudrais lister les adresses présentes "
        "plusieurs fois avant de nettoyer.",
        ("sql",),
        (
            "```sql\nSELECT lower(email), count(*)\nFROM clients\nGROUP BY lower(email)\n"
            "HAVING count(*) > 1;\n```\nLe `lower()` évite de rater les doublons à la casse près.",
        ),
    ),
    Topic(
        "tech",
        "en",
        "How do I find which process keeps a port busy on Linux?",
        "Our service fails to start with `address already in use` on port 8080.",
        ("linux",),
        (
            "`sudo ss -ltnp 'sport = :8080'` shows the process id and name. `lsof -i :8080` "
            "works too if it is installed.",
        ),
    ),
    Topic(
        "tech",
        "fr",
        "Un test échoue une fois sur dix sur la CI : par où commencer ?",
        "Le test d'export passe toujours en local. Sur la CI il échoue de temps en temps "
        "avec un ordre de lignes différent.",
        ("tests", "ci"),
        (
            "Un ordre différent, c'est presque toujours une requête sans `ORDER BY` : la base "
            "ne garantit aucun ordre. Ajoute un tri explicite dans le code testé.",
            "Lance le test en boucle en local (`pytest --count=50` avec pytest-repeat) pour "
            "reproduire avant de corriger.",
        ),
    ),
    Topic(
        "tech",
        "en",
        "Should we squash commits when merging a merge request?",
        "",
        ("git", "codereview"),
        (),
    ),
    Topic(
        "product",
        "fr",
        "Comment rédiger une user story testable ?",
        "Mes stories sont souvent renvoyées par l'équipe parce que les critères "
        "d'acceptation sont flous.",
        ("userstories", "specifications"),
        (
            "Écris les critères sous forme « Étant donné… Quand… Alors… » : chaque critère "
            "devient un test. Et une story = un comportement observable par l'utilisateur.",
            "Fais relire la story par un développeur et un testeur avant le sprint planning.",
        ),
    ),
    Topic(
        "product",
        "en",
        "How many users should we interview before a discovery decision?",
        "We are exploring a new reporting feature and have budget for a few interviews.",
        ("discovery", "userresearch"),
        (
            "Five to eight per segment usually surface most of the recurring problems; stop "
            "when you stop hearing anything new.",
        ),
    ),
    Topic(
        "product",
        "fr",
        "Quel outil pour suivre les demandes clients dans Jira ?",
        "",
        ("jira",),
        (),
    ),
    Topic(
        "sales",
        "fr",
        "Comment répondre à « c'est trop cher » en fin de cycle ?",
        "Le client a validé la solution mais bloque sur le prix au moment de signer.",
        ("negociation", "pricing"),
        (
            "Reviens à la valeur chiffrée ensemble pendant la découverte : combien leur coûte "
            "le problème aujourd'hui ? Ne baisse pas le prix sans contrepartie (durée, volume, "
            "référence client).",
            "Demande ce que « trop cher » veut dire : par rapport au budget, à un concurrent, "
            "ou à la valeur perçue ? La réponse change tout.",
        ),
    ),
    Topic(
        "sales",
        "en",
        "Where do I log a lost deal reason in Salesforce?",
        "",
        ("salesforce",),
        (
            "On the opportunity, set the stage to *Closed Lost*: the *Loss reason* picklist "
            "becomes mandatory. Add details in the description field.",
        ),
    ),
    Topic(
        "customer",
        "fr",
        "Comment désamorcer une escalade d'un client stratégique ?",
        "Un grand compte menace de résilier après trois incidents en un mois.",
        ("escalade", "relationclient"),
        (
            "Appelle, n'écris pas. Reconnais l'impact sans te justifier, donne un interlocuteur "
            "unique et un point d'étape daté. Puis tiens ce rendez-vous, même sans nouvelle.",
            "Prépare une chronologie factuelle des incidents avec l'équipe technique avant "
            "l'appel : rien de pire que de découvrir un incident devant le client.",
        ),
    ),
    Topic(
        "customer",
        "en",
        "How do I merge two Zendesk tickets from the same customer?",
        "",
        ("zendesk",),
        (
            "Open the newer ticket, then *Merge into another ticket* in the ticket options menu "
            "and pick the older one. Comments are copied over.",
        ),
    ),
    Topic(
        "marketing",
        "fr",
        "Quel format pour une vidéo LinkedIn qui sera vraiment vue ?",
        "On prépare une série de témoignages clients.",
        ("reseauxsociaux", "video"),
        (
            "Format carré ou vertical, moins d'une minute, sous-titres incrustés : la majorité "
            "des gens regardent sans le son.",
        ),
    ),
    Topic(
        "marketing",
        "en",
        "Which Canva template do we use for event announcements?",
        "",
        ("canva",),
        (),
    ),
    Topic(
        "finance",
        "fr",
        "Comment faire une recherche V avec deux critères dans Excel ?",
        "Je dois retrouver un montant selon le fournisseur ET le mois.",
        ("excel",),
        (
            "Utilise `RECHERCHEX` avec une concaténation : "
            "`=RECHERCHEX(A2&B2; Fournisseurs&Mois; Montants)`. Sur les anciennes versions, "
            "`INDEX`/`EQUIV` en formule matricielle.",
            "Ou ajoute une colonne clé « fournisseur|mois » dans la table source, c'est plus "
            "lisible pour ceux qui reprendront le fichier.",
        ),
    ),
    Topic(
        "finance",
        "en",
        "When is the monthly closing deadline for expense reports?",
        "I have receipts from a client visit and don't want them to slip to next month.",
        ("expenses", "closing"),
        (
            "Expense reports must be approved by your manager before the 3rd working day of "
            "the month; after that they go into the next closing.",
        ),
    ),
    Topic(
        "finance",
        "fr",
        "Comment retrouver une facture fournisseur dans SAP ?",
        "",
        ("sap",),
        (
            "Transaction `MIR4` avec le numéro de pièce, ou `FBL1N` pour lister toutes les "
            "pièces d'un fournisseur sur une période.",
        ),
    ),
    Topic(
        "hr",
        "fr",
        "Comment préparer mon entretien annuel en tant que manager ?",
        "C'est ma première campagne avec une équipe de six personnes.",
        ("entretienannuel", "management"),
        (
            "Relis les objectifs de l'an dernier et note pour chacun deux faits précis. "
            "Envoie la trame à la personne une semaine avant pour qu'elle se prépare aussi.",
            "Garde du temps pour parler de ses envies d'évolution : c'est souvent ce que les "
            "gens retiennent de l'entretien.",
        ),
    ),
    Topic(
        "hr",
        "en",
        "How many remote work days are allowed per week?",
        "",
        ("remotework",),
        (
            "Up to three days a week by default, more with your manager's agreement. The "
            "policy is on the HR portal under *Working arrangements*.",
        ),
    ),
    Topic("hr", "fr", "Où déclarer un arrêt maladie dans le SIRH ?", "", ("sirh",), ()),
    Topic(
        "ops",
        "fr",
        "Quels indicateurs suivre pour piloter un processus de livraison ?",
        "On veut un tableau de bord simple pour la revue hebdo.",
        ("indicateurs", "lean"),
        (
            "Délai de bout en bout, taux de livraisons à l'heure et volume en cours : trois "
            "indicateurs suffisent pour commencer, affichés en tendance sur huit semaines.",
        ),
    ),
    Topic(
        "ops", "en", "What is our procedure when the office network goes down?", "", ("crisis",), ()
    ),
    Topic(
        "legal",
        "fr",
        "Faut-il un avenant pour prolonger un contrat fournisseur ?",
        "Le contrat arrive à échéance dans un mois, le fournisseur propose de continuer "
        "aux mêmes conditions.",
        ("contrats",),
        (
            "Oui, sauf clause de tacite reconduction. Un avenant d'une page suffit : durée, "
            "date d'effet, le reste inchangé. Envoie-le au juridique pour relecture.",
        ),
    ),
    Topic(
        "legal",
        "en",
        "Can we reuse a customer's logo in a sales deck?",
        "",
        ("marketing", "contracts"),
        (
            "Only with written permission: check the contract for a publicity clause, "
            "otherwise ask the customer by e-mail and keep the answer.",
        ),
    ),
)

COMMENTS = {
    "fr": ("Merci, ça marche !", "Exactement ce qu'il me fallait.", "Tu aurais un exemple ?"),
    "en": ("Thanks, that worked!", "Exactly what I needed.", "Do you have an example?"),
}


@dataclass
class QaSummary:
    questions: int = 0
    answers: int = 0
    accepted: int = 0
    votes: int = 0

    def line(self) -> str:
        return (
            f"Questions: {self.questions} questions, {self.answers} answers "
            f"({self.accepted} accepted), {self.votes} votes."
        )


def _people_by_trade(trade_of: dict[str, str]) -> dict[str, list]:
    """Employees by trade (the department's), in a stable order."""
    users = get_user_model().objects.filter(is_active=True).exclude(kind="guest").order_by("pk")
    by_trade: dict[str, list] = {}
    for user in users:
        by_trade.setdefault(trade_of.get(user.username, ""), []).append(user)
    return by_trade


def _demo_users() -> dict[str, object]:
    emails = {email: role for role, email, _kind in DEMO_ACCOUNTS}
    return {emails[u.email]: u for u in get_user_model().objects.filter(email__in=list(emails))}


def demo_employee():
    """The demo's employee login, if the demo accounts were seeded."""
    return _demo_users().get("employee")


@transaction.atomic
def seed_questions(random_seed: int = 42) -> QaSummary:
    from agora.conversations.seeding import load_people

    rng = random.Random(random_seed * 7919 + 5)
    people, _demo, _ids = load_people()
    by_trade = _people_by_trade({p.username: p.trade for p in people})
    everyone = [u for group in by_trade.values() for u in group]
    demo = _demo_users()
    summary = QaSummary()
    now = timezone.now()
    for index, topic in enumerate(TOPICS):
        experts = by_trade.get(topic.trade) or everyone
        # The demo employee asks the first question; the others come from anywhere.
        asker = (
            demo.get("employee") if index == 0 and demo.get("employee") else rng.choice(everyone)
        )
        days_ago = rng.randint(1, 120) if topic.answers else rng.randint(0, 20)
        created = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 23))
        question = _write_question(topic, asker, created)
        summary.questions += 1
        candidates = [u for u in experts if u.pk != asker.pk]
        answerers = rng.sample(candidates, min(len(topic.answers), len(candidates)))
        answers = []
        for n, (text, author) in enumerate(zip(topic.answers, answerers, strict=False)):
            at = created + dt.timedelta(hours=2 + n * 5 + rng.randint(0, 30))
            answers.append(
                Answer.objects.create(
                    question=question,
                    author=author,
                    body=text,
                    body_html=render_markdown(text),
                    created_at=min(at, now),
                )
            )
        summary.answers += len(answers)
        summary.votes += _vote(rng, question, answers, everyone, asker)
        if answers and rng.random() < 0.75:
            best = max(answers, key=lambda a: (a.score, -a.pk))
            question.accepted_answer = best
            summary.accepted += 1
        if answers and rng.random() < 0.4:
            commenter = rng.choice(everyone)
            text = rng.choice(COMMENTS[topic.lang])
            AnswerComment.objects.create(
                answer=answers[0],
                author=commenter,
                body=text,
                body_html=render_markdown(text),
                created_at=min(answers[0].created_at + dt.timedelta(hours=1), now),
            )
            Answer.objects.filter(pk=answers[0].pk).update(comment_count=1)
        question.answer_count = len(answers)
        question.last_activity_at = max([created] + [a.created_at for a in answers])
        if not answers and candidates:
            # Unanswered questions were routed: a couple of people of the trade were asked.
            asked = rng.sample(candidates, min(2, len(candidates)))
            for expert in asked:
                ExpertRequest.objects.create(
                    question=question,
                    expert=expert,
                    reason=f"#{topic.tags[0]}",
                    asked_at=created + dt.timedelta(minutes=1),
                )
            question.routing_round, question.routed_at = 1, created + dt.timedelta(minutes=1)
        question.save()
        feed.fan_out(question.pk)
    _demo_notifications(demo)
    return summary


def _write_question(topic: Topic, asker, created) -> Question:
    body = topic.body or topic.title
    post = Post.objects.create(
        kind=Post.Kind.QUESTION,
        author=asker,
        title=topic.title,
        body=body,
        body_html=render_markdown(body),
        created_at=created,
    )
    PostHashtag.objects.bulk_create(
        [
            PostHashtag(post=post, hashtag=hashtags.get_or_create(tag), created_at=created)
            for tag in topic.tags
        ],
        ignore_conflicts=True,
    )
    hashtags.store_names(post.pk)
    return Question.objects.create(post=post, created_at=created, last_activity_at=created)


def _vote(rng, question: Question, answers: list[Answer], everyone: list, asker) -> int:
    """A few up-votes (and the odd down-vote) from people other than the authors."""
    count = 0
    voters = rng.sample(everyone, min(12, len(everyone)))
    rows = []
    for voter in voters[: rng.randint(0, 5)]:
        if voter.pk != asker.pk:
            rows.append(Vote(user=voter, question=question, value=1))
    for rank, answer in enumerate(answers):
        for voter in voters[: rng.randint(0, 8 - 3 * rank if rank < 3 else 1)]:
            if voter.pk != answer.author_id:
                value = -1 if rng.random() < 0.1 else 1
                rows.append(Vote(user=voter, answer=answer, value=value))
    Vote.objects.bulk_create(rows)
    for row in rows:
        count += 1
        if row.question_id:
            question.score += row.value
        else:
            next(a for a in answers if a.pk == row.answer_id).score += row.value
    for answer in answers:
        Answer.objects.filter(pk=answer.pk).update(score=answer.score)
    return count


def _demo_notifications(demo: dict) -> None:
    """The demo employee has answers to their question waiting, and is asked about one."""
    from agora.notifications.services import notify

    employee = demo.get("employee")
    if employee is None:
        return
    for answer in Answer.objects.filter(question__post__author=employee).select_related(
        "author", "question__post"
    ):
        notify(
            Kind.ANSWER,
            recipient=employee,
            actor=answer.author,
            post=answer.question.post,
            answer=answer,
        )
    open_question = (
        Question.objects.filter(answer_count=0, post__community__isnull=True)
        .exclude(post__author=employee)
        .select_related("post__author")
        .order_by("-created_at")
        .first()
    )
    if open_question is not None:
        ExpertRequest.objects.get_or_create(
            question=open_question, expert=employee, defaults={"reason": "demo", "round": 1}
        )
        notify(
            Kind.EXPERT_ASKED,
            recipient=employee,
            actor=open_question.post.author,
            post=open_question.post,
        )
