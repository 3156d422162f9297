"""Posts.xml: questions (PostTypeId 1) and answers (2); other types (tag wikis, excerpts,
moderator nominations...) are counted and skipped.

Rows are read in batches; each batch is written with a handful of bulk inserts in one
transaction (posts, questions, answers, their import records and tags together, so an
interrupted import leaves nothing half-written). Things that may point forward in the file
are resolved at the end: an answer read before its question, a question's accepted answer.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from agora.conversations.models import Post
from agora.qa.models import Answer, Question

from .context import ImportContext, Kind
from .fields import (
    BadField,
    optional_date,
    optional_int,
    required_date,
    required_int,
    split_tags,
)
from .inserts import insert, update
from .markdown import html_to_markdown
from .people import People
from .rows import Malformed, read_rows
from .sanitize import safe_html
from .tags import Tags

POSTS_FILE = "Posts.xml"
QUESTION, ANSWER = 1, 2
MAX_TITLE = 200
MAX_BODY = 50_000


@dataclass(slots=True)
class PostRow:
    line: int
    source_id: int
    type_id: int
    created: datetime
    owner: int | None
    owner_name: str
    score: int | None
    title: str
    html: str
    tags: list[str]
    parent: int | None
    accepted: int | None
    last_activity: datetime | None
    edited: datetime | None
    closed: datetime | None


def parse_post(attrs: dict[str, str], line: int) -> PostRow:
    type_id = required_int(attrs, "PostTypeId")
    parent = optional_int(attrs, "ParentId")
    if type_id == ANSWER and parent is None:
        raise BadField("answer without ParentId")
    return PostRow(
        line=line,
        source_id=required_int(attrs, "Id"),
        type_id=type_id,
        created=required_date(attrs, "CreationDate"),
        owner=optional_int(attrs, "OwnerUserId"),
        owner_name=(attrs.get("OwnerDisplayName") or "").strip(),
        score=optional_int(attrs, "Score"),
        title=" ".join((attrs.get("Title") or "").split()),
        html=attrs.get("Body") or "",
        tags=split_tags(attrs.get("Tags")),
        parent=parent,
        accepted=optional_int(attrs, "AcceptedAnswerId"),
        last_activity=optional_date(attrs, "LastActivityDate"),
        edited=optional_date(attrs, "LastEditDate"),
        closed=optional_date(attrs, "ClosedDate"),
    )


def _when(ctx: ImportContext, moment: datetime | None) -> datetime | None:
    """A date of the source kept only if it falls before --before (an edit made later did not
    happen yet in the imported world)."""
    return moment if moment is not None and ctx.in_range(moment) else None


def _title(row: PostRow, body: str) -> str:
    title = row.title or " ".join(body.split())[:80] or f"Question {row.source_id}"
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    return title


class PostImporter:
    def __init__(self, ctx: ImportContext, people: People):
        self.ctx = ctx
        self.people = people
        self.tags = Tags(ctx.summary)
        self.accepted: dict[int, int] = {}  # question source id -> answer source id
        self.closed: dict[int, datetime] = {}  # already-imported questions closed since
        self.deferred: list[PostRow] = []  # answers read before their question
        self.questions_seen: set[int] = set()  # read, whether imported or not
        self.touched_questions: set[int] = set()  # question ids whose answers changed
        self.answer_question: dict[int, int] = {}  # answer id -> question id (this run)
        self.score_missing: dict[int, tuple[str, int]] = {}  # source id -> (kind, object id)
        self.new_question_ids: list[int] = []
        self.new_answer_ids: list[int] = []

    # --- reading ------------------------------------------------------------------------------

    def run(self) -> None:
        path = self.ctx.file(POSTS_FILE)
        if path is None:
            raise FileNotFoundError(f"{self.ctx.directory / POSTS_FILE} not found")
        summary = self.ctx.summary
        batch: list[PostRow] = []
        for row in read_rows(path, self.ctx.reporter(POSTS_FILE, path.stat().st_size)):
            if isinstance(row, Malformed):
                summary.bad_row(POSTS_FILE, row.line, row.reason)
                continue
            try:
                post = parse_post(row.attrs, row.line)
            except BadField as error:
                summary.bad_row(POSTS_FILE, row.line, str(error))
                continue
            if self._wanted(post):
                batch.append(post)
                if len(batch) >= self.ctx.batch_size:
                    self._write(batch)
                    batch = []
        self._write(batch)
        self._write_deferred()
        self._resolve_accepted()
        self._close_existing()

    def _wanted(self, post: PostRow) -> bool:
        summary, mapping = self.ctx.summary, self.ctx.mapping
        if post.type_id == QUESTION:
            kind, summary_kind = Kind.QUESTION, "questions"
            self.questions_seen.add(post.source_id)
        elif post.type_id == ANSWER:
            kind, summary_kind = Kind.ANSWER, "answers"
        else:
            summary.skip("other posts", f"PostTypeId {post.type_id}")
            return False
        if not self.ctx.in_range(post.created):
            summary.skip(summary_kind, "created after --before")
            return False
        if post.type_id == QUESTION and post.accepted is not None:
            self.accepted[post.source_id] = post.accepted
        if mapping.has(kind, post.source_id):
            summary.existing[summary_kind] += 1
            self.people.note(post.owner)
            if post.type_id == QUESTION and post.closed and self.ctx.in_range(post.closed):
                self.closed[mapping.get(kind, post.source_id)] = post.closed
            return False
        return True

    # --- writing ------------------------------------------------------------------------------

    def _write(self, batch: list[PostRow]) -> None:
        if not batch:
            return
        questions = [p for p in batch if p.type_id == QUESTION]
        in_batch = {q.source_id for q in questions}
        answers = []
        for post in batch:
            if post.type_id != ANSWER:
                continue
            if post.parent in in_batch or self.ctx.mapping.has(Kind.QUESTION, post.parent):
                answers.append(post)
            else:
                self.deferred.append(post)
        first_seen: dict[int | None, datetime] = {}
        for post in questions + answers:
            if post.owner not in first_seen or post.created < first_seen[post.owner]:
                first_seen[post.owner] = post.created
        with transaction.atomic():
            self.people.ensure(first_seen)
            self._create_questions(questions)
            self._create_answers(answers)

    def _fresh(self, rows: list[PostRow], kind: str, summary_kind: str) -> list[PostRow]:
        """A row whose Id was already written (the same Id twice in a file) is skipped: the
        first one wins."""
        mapping = self.ctx.mapping
        seen, fresh = set(), []
        for row in rows:
            if row.source_id in seen or mapping.has(kind, row.source_id):
                self.ctx.summary.skip(summary_kind, "same Id twice")
                continue
            seen.add(row.source_id)
            fresh.append(row)
        return fresh

    def _create_questions(self, rows: list[PostRow]) -> None:
        rows = self._fresh(rows, Kind.QUESTION, "questions")
        if not rows:
            return
        ctx, people = self.ctx, self.people
        posts, questions = [], []
        for row in rows:
            body = html_to_markdown(row.html)[:MAX_BODY]
            posts.append(
                {
                    "kind": Post.Kind.QUESTION,
                    "author_id": people.account_of(row.owner),
                    "community_id": ctx.community_id,
                    "title": _title(row, body),
                    "body": body,
                    "body_html": safe_html(row.html),
                    "created_at": row.created,
                    "edited_at": _when(ctx, row.edited),
                }
            )
        post_ids = insert(Post, posts)
        for row, post_id in zip(rows, post_ids, strict=True):
            questions.append(
                {
                    "post_id": post_id,
                    "score": row.score or 0,
                    "answer_count": 0,
                    "created_at": row.created,
                    "last_activity_at": _when(ctx, row.last_activity) or row.created,
                    "closed_at": _when(ctx, row.closed),
                    "source_url": ctx.post_url(row.source_id),
                    "source_author": people.display_name(row.owner, row.owner_name),
                }
            )
            if row.score is None:
                self.score_missing[row.source_id] = (Kind.QUESTION, post_id)
        insert(Question, questions, returning=False)
        pairs = list(zip(rows, post_ids, strict=True))
        ctx.mapping.record(Kind.QUESTION, [(r.source_id, p) for r, p in pairs])
        self.tags.link([(p, r.created, r.tags) for r, p in pairs])
        self.new_question_ids.extend(post_ids)
        ctx.summary.imported["questions"] += len(rows)

    def _create_answers(self, rows: list[PostRow]) -> None:
        rows = self._fresh(rows, Kind.ANSWER, "answers")
        if not rows:
            return
        ctx, people = self.ctx, self.people
        answers = []
        for row in rows:
            body = html_to_markdown(row.html)[:MAX_BODY]
            answers.append(
                {
                    "question_id": ctx.mapping.get(Kind.QUESTION, row.parent),
                    "author_id": people.account_of(row.owner),
                    "body": body,
                    "body_html": safe_html(row.html),
                    "score": row.score or 0,
                    "comment_count": 0,
                    "created_at": row.created,
                    "edited_at": _when(ctx, row.edited),
                    "source_url": ctx.post_url(row.source_id, answer=True),
                    "source_author": people.display_name(row.owner, row.owner_name),
                }
            )
        answer_ids = insert(Answer, answers)
        for row, answer, answer_id in zip(rows, answers, answer_ids, strict=True):
            self.touched_questions.add(answer["question_id"])
            self.answer_question[answer_id] = answer["question_id"]
            if row.score is None:
                self.score_missing[row.source_id] = (Kind.ANSWER, answer_id)
        ctx.mapping.record(
            Kind.ANSWER, [(r.source_id, a) for r, a in zip(rows, answer_ids, strict=True)]
        )
        self.new_answer_ids.extend(answer_ids)
        ctx.summary.imported["answers"] += len(rows)

    def _write_deferred(self) -> None:
        """Answers whose question came later in the file (or never)."""
        mapping, summary = self.ctx.mapping, self.ctx.summary
        ready = []
        for post in self.deferred:
            if mapping.has(Kind.QUESTION, post.parent):
                ready.append(post)
            elif post.parent in self.questions_seen:
                summary.skip("answers", "question not imported")
            else:
                summary.skip("answers", "unknown question")
        self.deferred = []
        for start in range(0, len(ready), self.ctx.batch_size):
            self._write(ready[start : start + self.ctx.batch_size])

    # --- what needed the whole file -----------------------------------------------------------

    def _resolve_accepted(self) -> None:
        """A question's accepted answer usually comes after it in the file: set them all at the
        end, also on questions an earlier run imported when their answer arrives now."""
        mapping = self.ctx.mapping
        wanted: dict[int, int] = {}  # question id -> answer id
        for question_source, answer_source in self.accepted.items():
            question_id = mapping.get(Kind.QUESTION, question_source)
            answer_id = mapping.get(Kind.ANSWER, answer_source)
            if question_id is not None and answer_id is not None:
                wanted[question_id] = answer_id
        self.accepted = {}
        question_ids = list(wanted)
        changed = []
        for start in range(0, len(question_ids), 2000):
            chunk = question_ids[start : start + 2000]
            current = dict(
                Question.objects.filter(pk__in=chunk).values_list("pk", "accepted_answer_id")
            )
            answers_of = dict(
                Answer.objects.filter(pk__in=[wanted[q] for q in chunk]).values_list(
                    "pk", "question_id"
                )
            )
            for question_id in chunk:
                answer_id = wanted[question_id]
                # only an answer *to that question* can be its accepted answer
                if answers_of.get(answer_id) != question_id:
                    self.ctx.summary.skip("answers", "accepted answer of another question")
                    continue
                if current.get(question_id) is None:
                    changed.append((question_id, answer_id))
        with transaction.atomic():
            update(Question, ["accepted_answer_id"], changed)
        self.ctx.summary.imported["accepted answers"] += len(changed)

    def _close_existing(self) -> None:
        if not self.closed:
            return
        with transaction.atomic():
            for question_id, closed in self.closed.items():
                Question.objects.filter(pk=question_id, closed_at__isnull=True).update(
                    closed_at=closed
                )
