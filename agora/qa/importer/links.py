"""PostLinks.xml: "duplicate of" (LinkTypeId 3) marks the question a duplicate of the other;
"linked" (1) becomes a post reference ("referenced by" on the target). A link to or from an
answer stands for the answer's question. Links whose two ends were not imported are skipped."""

from django.db import transaction

from agora.conversations.models import PostReference
from agora.qa.models import Answer, Question

from .context import ImportContext, Kind
from .fields import BadField, required_date, required_int
from .rows import Malformed, read_rows

LINKS_FILE = "PostLinks.xml"
LINKED, DUPLICATE = 1, 3


class LinkImporter:
    def __init__(self, ctx: ImportContext, answer_question: dict[int, int]):
        self.ctx = ctx
        self.answer_question = answer_question

    def run(self) -> None:
        path = self.ctx.file(LINKS_FILE)
        if path is None:
            self.ctx.summary.missing_files.append(LINKS_FILE)
            return
        summary, mapping = self.ctx.summary, self.ctx.mapping
        batch = []
        for row in read_rows(path, self.ctx.reporter(LINKS_FILE, path.stat().st_size)):
            if isinstance(row, Malformed):
                summary.bad_row(LINKS_FILE, row.line, row.reason)
                continue
            try:
                link = (
                    required_int(row.attrs, "Id"),
                    required_int(row.attrs, "PostId"),
                    required_int(row.attrs, "RelatedPostId"),
                    required_int(row.attrs, "LinkTypeId"),
                    required_date(row.attrs, "CreationDate"),
                )
            except BadField as error:
                summary.bad_row(LINKS_FILE, row.line, str(error))
                continue
            source_id, _post, _related, link_type, created = link
            if link_type not in (LINKED, DUPLICATE):
                summary.skip("links", f"LinkTypeId {link_type}")
            elif not self.ctx.in_range(created):
                summary.skip("links", "created after --before")
            elif mapping.has(Kind.LINK, source_id):
                summary.existing["links"] += 1
            else:
                batch.append(link)
                if len(batch) >= self.ctx.batch_size:
                    self._write(batch)
                    batch = []
        self._write(batch)

    def _question_of(self, post_source_id: int, answer_questions: dict[int, int]) -> int | None:
        mapping = self.ctx.mapping
        question_id = mapping.get(Kind.QUESTION, post_source_id)
        if question_id is not None:
            return question_id
        return answer_questions.get(mapping.get(Kind.ANSWER, post_source_id))

    def _write(self, batch) -> None:
        if not batch:
            return
        mapping, summary = self.ctx.mapping, self.ctx.summary
        answer_ids = [
            mapping.get(Kind.ANSWER, s)
            for _i, post, related, _t, _c in batch
            for s in (post, related)
            if mapping.has(Kind.ANSWER, s)
        ]
        answer_questions = {
            a: self.answer_question[a] for a in answer_ids if a in self.answer_question
        }
        unknown = [a for a in answer_ids if a not in answer_questions]
        if unknown:
            answer_questions.update(
                Answer.objects.filter(pk__in=unknown).values_list("pk", "question_id")
            )
        duplicates, references = [], []
        seen: set[int] = set()
        for source_id, post, related, link_type, _created in batch:
            if source_id in seen:
                summary.skip("links", "same Id twice")
                continue
            seen.add(source_id)
            source = self._question_of(post, answer_questions)
            target = self._question_of(related, answer_questions)
            if source is None or target is None:
                summary.skip("links", "an end not imported")
            elif source == target:
                summary.skip("links", "to itself")
            elif link_type == DUPLICATE and mapping.has(Kind.QUESTION, post):
                duplicates.append((source_id, source, target))
            else:
                references.append((source_id, source, target))
        with transaction.atomic():
            records = self._duplicates(duplicates) + self._references(references)
            mapping.record(Kind.LINK, records)
        summary.imported["links"] += len(records)

    def _duplicates(self, duplicates) -> list[tuple[int, int]]:
        # The first "duplicate of" wins: the question page shows one original.
        for _source_id, question_id, original_id in duplicates:
            Question.objects.filter(pk=question_id, duplicate_of__isnull=True).update(
                duplicate_of_id=original_id
            )
        return [(source_id, question_id) for source_id, question_id, _o in duplicates]

    def _references(self, references) -> list[tuple[int, int]]:
        if not references:
            return []
        pairs = {(s, t) for _i, s, t in references}
        existing = {
            (s, t): pk
            for pk, s, t in PostReference.objects.filter(
                source_id__in={s for s, _t in pairs}, target_id__in={t for _s, t in pairs}
            ).values_list("pk", "source_id", "target_id")
        }
        new = [PostReference(source_id=s, target_id=t) for s, t in sorted(pairs - set(existing))]
        PostReference.objects.bulk_create(new, batch_size=500)
        existing.update({(r.source_id, r.target_id): r.pk for r in new})
        return [(source_id, existing[(s, t)]) for source_id, s, t in references]
