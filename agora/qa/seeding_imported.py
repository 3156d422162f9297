"""An imported Stack Exchange archive for the demo company of `agora seed`.

A company moving from a Stack Overflow for Teams site brings its old questions: the demo writes
a small dump in the official XML format (Posts, Users, Comments) and runs the real importer on
it, so the demo shows what an import gives — inactive accounts for the old site's people,
attributed questions and answers, and their evidence in the expert finder — and the demo
employee has asked for their old account, which the demo administrator finds in the claims
review queue. The texts are the demo's own.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from django.utils import timezone

from .claims import request_claim
from .importer.run import import_dump

SITE = "teams.demo-archive.example"
# (source id, display name); 1 is the demo employee's old account (DEMO_ACCOUNTS).
USERS = ((1, "Camille Martin"), (2, "Hugo Lefèvre"), (3, "Priya Raman"))
# Each question: (title, body, tags, asker), then its answers: (author, body, accepted).
ARCHIVE = (
    (
        "How do we rotate the staging database password without downtime?",
        "<p>The password is in three services' settings. Changing it breaks whichever "
        "service restarts last.</p>",
        ("postgresql", "operations"),
        2,
        (
            (
                1,
                "<p>Create a second role with the same grants, move the services to it one "
                "by one, then drop the old role.</p>",
                True,
            ),
            (
                3,
                "<p>Keep both passwords valid for a day with two roles; our runbook has the "
                "exact commands.</p>",
                False,
            ),
        ),
    ),
    (
        "Quelle est la procédure pour une note de frais en devise étrangère ?",
        "<p>J'ai payé un hôtel en livres sterling : quel taux de change indiquer ?</p>",
        ("expenses",),
        3,
        ((1, "<p>Le taux du relevé bancaire, avec le relevé en pièce jointe.</p>", True),),
    ),
    (
        "Which linter settings does the mobile team use for Kotlin?",
        "<p>I am starting on the Android app and want the same rules as everyone.</p>",
        ("kotlin", "mobile"),
        1,
        (
            (
                2,
                "<p>The shared ktlint configuration is in the build repository; run "
                "<code>./gradlew ktlintCheck</code> before pushing.</p>",
                True,
            ),
        ),
    ),
    (
        "Où trouver le gabarit de présentation client à jour ?",
        "<p>Celui de l'intranet date de l'ancienne charte graphique.</p>",
        ("communication",),
        2,
        (),
    ),
)
# (post id, author, text): post 2 is the first question's first answer.
COMMENTS = ((2, 2, "Thanks, the two-role trick worked."),)


@dataclass
class ImportedSummary:
    questions: int = 0
    answers: int = 0
    people: int = 0
    claims: int = 0

    def line(self) -> str:
        return (
            f"Imported archive ({SITE}): {self.questions} questions, {self.answers} answers, "
            f"{self.people} people, {self.claims} claim waiting for an administrator"
        )


def _rows(root: str, rows: list[dict]) -> str:
    body = "\n".join(
        "  <row " + " ".join(f"{k}={quoteattr(str(v))}" for k, v in row.items()) + " />"
        for row in rows
    )
    return f'<?xml version="1.0" encoding="utf-8"?>\n<{root}>\n{body}\n</{root}>\n'


def write_archive(directory: Path, now=None) -> Path:
    """The demo archive as a Stack Exchange dump in `directory` (a year old, a day apart)."""
    now = now or timezone.now()
    start = now - timezone.timedelta(days=400)

    def when(days: float) -> str:
        return (start + timezone.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000")

    posts, next_id = [], 1
    for n, (title, body, tags, asker, answers) in enumerate(ARCHIVE):
        qid = next_id
        next_id += 1
        answer_rows, accepted = [], None
        for k, (author, text, is_accepted) in enumerate(answers):
            aid = next_id
            next_id += 1
            accepted = aid if is_accepted else accepted
            answer_rows.append(
                {
                    "Id": aid,
                    "PostTypeId": 2,
                    "ParentId": qid,
                    "CreationDate": when(n * 30 + 1 + k),
                    "Score": 3 - k,
                    "Body": text,
                    "OwnerUserId": author,
                }
            )
        question = {
            "Id": qid,
            "PostTypeId": 1,
            "CreationDate": when(n * 30),
            "Score": 4,
            "Body": body,
            "OwnerUserId": asker,
            "Title": title,
            "Tags": "".join(f"<{t}>" for t in tags),
            "AnswerCount": len(answers),
        }
        if accepted:
            question["AcceptedAnswerId"] = accepted
        posts += [question, *answer_rows]
    users = [
        {"Id": uid, "DisplayName": name, "CreationDate": when(0), "Reputation": 1}
        for uid, name in USERS
    ]
    comments = [
        {"Id": cid, "PostId": post_id, "Text": text, "CreationDate": when(2), "UserId": author}
        for cid, (post_id, author, text) in enumerate(COMMENTS, start=1)
    ]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Posts.xml").write_text(_rows("posts", posts), encoding="utf-8")
    (directory / "Users.xml").write_text(_rows("users", users), encoding="utf-8")
    (directory / "Comments.xml").write_text(_rows("comments", comments), encoding="utf-8")
    return directory


def seed_imported(employee=None) -> ImportedSummary:
    """Import the demo archive; the demo employee (if given) claims their old account."""
    with tempfile.TemporaryDirectory() as tmp:
        result = import_dump(write_archive(Path(tmp) / SITE), site=SITE, index=False)
    summary = ImportedSummary(
        questions=result.imported["questions"],
        answers=result.imported["answers"],
        people=result.imported["users"],
    )
    if employee is not None:
        request_claim(
            employee,
            SITE,
            USERS[0][0],
            "My account on the old Teams site: same name, and I answered the database "
            "questions there.",
        )
        summary.claims = 1
    return summary
