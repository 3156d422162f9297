"""Comments.xml: a comment on a question becomes a post comment, one on an answer an answer
comment. Comment text on Stack Exchange is already (mini-)Markdown: it is kept as typed and
rendered by Agora's Markdown renderer."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from agora.conversations.models import Comment
from agora.core.markdown import render_markdown
from agora.qa.models import AnswerComment

from .context import ImportContext, Kind
from .fields import BadField, optional_int, required_date, required_int
from .inserts import insert
from .people import People
from .rows import Malformed, read_rows

COMMENTS_FILE = "Comments.xml"
MAX_COMMENT = 10_000

# One line of text with nothing Markdown would treat specially renders as one paragraph:
# writing it directly gives the very HTML markdown-it + nh3 give, at a fraction of the cost.
_PLAIN = re.compile(r"[^\\`*_\[\]<>&#!~|\r\n\t\xa0]+")
_BLOCK_START = re.compile(r"[-+=]|\d{1,9}[.)]")


def comment_html(text: str) -> str:
    stripped = text.strip(" ")
    if _PLAIN.fullmatch(stripped) and not _BLOCK_START.match(stripped):
        return f"<p>{stripped}</p>\n"
    return render_markdown(text)


@dataclass(slots=True)
class CommentRow:
    line: int
    source_id: int
    post: int
    created: datetime
    text: str
    user: int | None


class CommentImporter:
    def __init__(self, ctx: ImportContext, people: People):
        self.ctx = ctx
        self.people = people
        self.touched_posts: set[int] = set()
        self.touched_answers: set[int] = set()
        self.new_comment_ids: list[int] = []
        self.new_answer_comment_ids: list[int] = []

    def run(self) -> None:
        path = self.ctx.file(COMMENTS_FILE)
        if path is None:
            self.ctx.summary.missing_files.append(COMMENTS_FILE)
            return
        summary, mapping = self.ctx.summary, self.ctx.mapping
        batch: list[CommentRow] = []
        for row in read_rows(path, self.ctx.reporter(COMMENTS_FILE, path.stat().st_size)):
            if isinstance(row, Malformed):
                summary.bad_row(COMMENTS_FILE, row.line, row.reason)
                continue
            try:
                comment = CommentRow(
                    line=row.line,
                    source_id=required_int(row.attrs, "Id"),
                    post=required_int(row.attrs, "PostId"),
                    created=required_date(row.attrs, "CreationDate"),
                    text=(row.attrs.get("Text") or "").strip()[:MAX_COMMENT],
                    user=optional_int(row.attrs, "UserId"),
                )
            except BadField as error:
                summary.bad_row(COMMENTS_FILE, row.line, str(error))
                continue
            if not self.ctx.in_range(comment.created):
                summary.skip("comments", "created after --before")
            elif mapping.has(Kind.COMMENT, comment.source_id) or mapping.has(
                Kind.ANSWER_COMMENT, comment.source_id
            ):
                summary.existing["comments"] += 1
                self.people.note(comment.user)
            elif not comment.text:
                summary.skip("comments", "empty")
            elif not (
                mapping.has(Kind.QUESTION, comment.post) or mapping.has(Kind.ANSWER, comment.post)
            ):
                summary.skip("comments", "on a post not imported")
            else:
                batch.append(comment)
                if len(batch) >= self.ctx.batch_size:
                    self._write(batch)
                    batch = []
        self._write(batch)

    def _write(self, batch: list[CommentRow]) -> None:
        if not batch:
            return
        mapping, people = self.ctx.mapping, self.people
        seen: set[int] = set()
        unique = []
        for c in batch:
            if c.source_id in seen:
                self.ctx.summary.skip("comments", "same Id twice")
            else:
                seen.add(c.source_id)
                unique.append(c)
        batch = unique
        first_seen: dict[int | None, datetime] = {}
        for c in batch:
            if c.user not in first_seen or c.created < first_seen[c.user]:
                first_seen[c.user] = c.created
        on_questions = [c for c in batch if mapping.has(Kind.QUESTION, c.post)]
        on_answers = [c for c in batch if not mapping.has(Kind.QUESTION, c.post)]
        with transaction.atomic():
            people.ensure(first_seen)
            comments = [
                {
                    "post_id": mapping.get(Kind.QUESTION, c.post),
                    "author_id": people.account_of(c.user),
                    "body": c.text,
                    "body_html": comment_html(c.text),
                    "created_at": c.created,
                }
                for c in on_questions
            ]
            comment_ids = insert(Comment, comments)
            answer_comments = [
                {
                    "answer_id": mapping.get(Kind.ANSWER, c.post),
                    "author_id": people.account_of(c.user),
                    "body": c.text,
                    "body_html": comment_html(c.text),
                    "created_at": c.created,
                }
                for c in on_answers
            ]
            answer_comment_ids = insert(AnswerComment, answer_comments)
            mapping.record(
                Kind.COMMENT,
                [(c.source_id, i) for c, i in zip(on_questions, comment_ids, strict=True)],
            )
            mapping.record(
                Kind.ANSWER_COMMENT,
                [(c.source_id, i) for c, i in zip(on_answers, answer_comment_ids, strict=True)],
            )
        self.touched_posts.update(c["post_id"] for c in comments)
        self.touched_answers.update(c["answer_id"] for c in answer_comments)
        self.new_comment_ids.extend(comment_ids)
        self.new_answer_comment_ids.extend(answer_comment_ids)
        self.ctx.summary.imported["comments"] += len(batch)
