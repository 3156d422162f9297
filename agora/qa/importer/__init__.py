"""Importing a Stack Exchange data dump (`agora import_stackexchange DIR`).

Decisions, in one place:

- Bodies: Stack Exchange stores the HTML it rendered. `Post.body` / `Answer.body` get Markdown
  converted from it (what an edit starts from and what search reads); `body_html` is that HTML
  cleaned by Agora's nh3 allow-list (images become links), which is what the page shows.
  Comments are Markdown on Stack Exchange already and are rendered as Agora renders comments.
- People: one inactive account per source user who wrote something imported (`se-<site>-<id>`,
  no e-mail, unusable password), recorded with its source id; posts of deleted users and of
  the "Community" bot go to one per-site placeholder account. See people.py.
- Attribution (CC BY-SA): every question and answer keeps `source_url` (https://<site>/q/<id>,
  /a/<id>) and `source_author` (the name the source showed).
- Questions go to the `--community` given (an open community, created if missing), else on
  their authors' profiles; they are not fanned out to timelines (they are history) but are
  indexed for search.
- Idempotence: `ImportedRecord(site, kind, source_id)` maps every imported row; a second run
  (same dump, bigger dump, later `--before`) writes only rows not mapped yet, and completes
  what they make possible (accepted answers, duplicates, links, counters).
- Robustness: a row that does not parse (XML, number, date) is reported with its file and
  line and skipped; rows pointing at something not imported are counted and skipped.
"""

from .run import LICENSE, import_dump
from .summary import ImportSummary

__all__ = ["LICENSE", "ImportSummary", "import_dump"]
