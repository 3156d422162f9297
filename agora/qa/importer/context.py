"""What every stage of one import shares: the site, the options, the id mapping, the summary."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from agora.qa.models import ImportedRecord

from .summary import ImportSummary

Kind = ImportedRecord.Kind


def site_slug(site: str) -> str:
    """ "ai.stackexchange.com" -> "ai", "stackoverflow.com" -> "stackoverflow"."""
    name = site.lower().strip()
    for suffix in (".stackexchange.com", ".com", ".net", ".org"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")[:40] or "site"


class SourceMap:
    """Source id -> Agora id, per kind, for one site: loaded from `ImportedRecord` so a second
    run skips what the first one wrote, and grown as rows are written."""

    def __init__(self, site: str):
        self.site = site
        self.ids: dict[str, dict[int, int]] = {kind: {} for kind in Kind.values}
        rows = ImportedRecord.objects.filter(site=site).values_list(
            "kind", "source_id", "object_id"
        )
        for kind, source_id, object_id in rows.iterator(chunk_size=5000):
            self.ids.setdefault(kind, {})[source_id] = object_id

    def prune_stale(self) -> int:
        """Forget records whose object was deleted since (an account removed by an
        administrator...): the next rows would point at nothing; they are imported again."""
        from django.contrib.auth import get_user_model

        from agora.conversations.models import Comment, Post
        from agora.qa.models import Answer, AnswerComment

        models = {
            Kind.USER: get_user_model(),
            Kind.QUESTION: Post,
            Kind.ANSWER: Answer,
            Kind.COMMENT: Comment,
            Kind.ANSWER_COMMENT: AnswerComment,
        }
        pruned = 0
        for kind, model in models.items():
            known = self.ids[kind]
            if not known:
                continue
            object_ids = list(known.values())
            alive = set()
            for start in range(0, len(object_ids), 5000):
                chunk = object_ids[start : start + 5000]
                alive.update(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            stale = [s for s, o in known.items() if o not in alive]
            for start in range(0, len(stale), 5000):
                ImportedRecord.objects.filter(
                    site=self.site, kind=kind, source_id__in=stale[start : start + 5000]
                ).delete()
            for source_id in stale:
                del known[source_id]
            pruned += len(stale)
        return pruned

    def get(self, kind: str, source_id: int | None) -> int | None:
        if source_id is None:
            return None
        return self.ids[kind].get(source_id)

    def has(self, kind: str, source_id: int) -> bool:
        return source_id in self.ids[kind]

    def record(self, kind: str, pairs) -> None:
        """Write the (source id, object id) pairs and remember them; called in the transaction
        that wrote the objects, so a row and its record exist together or not at all."""
        from .inserts import insert

        known = self.ids[kind]
        rows = []
        for source_id, object_id in pairs:
            known[source_id] = object_id
            rows.append(
                {"site": self.site, "kind": kind, "source_id": source_id, "object_id": object_id}
            )
        insert(ImportedRecord, rows, returning=False)


@dataclass
class ImportContext:
    directory: Path
    site: str
    before: datetime | None
    community_id: int | None
    batch_size: int
    summary: ImportSummary
    mapping: SourceMap
    # progress(file_name, bytes_done, bytes_total)
    progress: Callable[[str, int, int], None] | None = None
    slug: str = field(init=False)

    def __post_init__(self):
        self.slug = site_slug(self.site)

    def file(self, name: str) -> Path | None:
        """The dump's file `name` (case-insensitively: some archives lower-case names)."""
        path = self.directory / name
        if path.is_file():
            return path
        for candidate in self.directory.iterdir():
            if candidate.name.lower() == name.lower() and candidate.is_file():
                return candidate
        return None

    def in_range(self, created: datetime) -> bool:
        return self.before is None or created < self.before

    def post_url(self, source_id: int, answer: bool = False) -> str:
        return f"https://{self.site}/{'a' if answer else 'q'}/{source_id}"

    def reporter(self, name: str, total: int):
        if self.progress is None:
            return None
        return lambda done: self.progress(name, done, total)
