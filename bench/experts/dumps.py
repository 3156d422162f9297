"""Reading a Stack Exchange dump's Posts.xml and splitting it the way the protocol says.

Protocol: sort the questions by creation time; T = the creation time of the question at the
50% mark; only posts created before T are known to the finder; the test questions are the
later ones with an accepted answer whose author answered at least once before T and is not
the asker.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

TAG_RE = re.compile(r"<([^<>]+)>|\|([^|]+)")
HTML_RE = re.compile(r"<[^>]+>")


def parse_tags(raw: str) -> list[str]:
    return [a or b for a, b in TAG_RE.findall(raw or "") if (a or b)]


def strip_html(text: str) -> str:
    return html.unescape(HTML_RE.sub(" ", text or ""))


def parse_time(raw: str) -> datetime:
    return datetime.fromisoformat(raw.rstrip("Z"))


@dataclass
class Post:
    id: int
    kind: int  # 1 question, 2 answer
    created: datetime
    owner: int | None
    score: int
    body: str
    title: str = ""
    tags: list[str] = field(default_factory=list)
    parent: int | None = None
    accepted: int | None = None


def read_posts(directory: str | Path) -> list[Post]:
    posts = []
    for _event, el in ET.iterparse(Path(directory) / "Posts.xml"):
        if el.tag != "row":
            continue
        a = el.attrib
        kind = int(a.get("PostTypeId", 0))
        if kind in (1, 2):
            owner = a.get("OwnerUserId")
            posts.append(
                Post(
                    id=int(a["Id"]),
                    kind=kind,
                    created=parse_time(a["CreationDate"]),
                    owner=int(owner) if owner else None,
                    score=int(a.get("Score", 0) or 0),
                    body=strip_html(a.get("Body", "")),
                    title=a.get("Title", ""),
                    tags=parse_tags(a.get("Tags", "")),
                    parent=int(a["ParentId"]) if a.get("ParentId") else None,
                    accepted=int(a["AcceptedAnswerId"]) if a.get("AcceptedAnswerId") else None,
                )
            )
        el.clear()
    return posts


def split_time(posts: list[Post]) -> datetime:
    questions = sorted((p for p in posts if p.kind == 1), key=lambda p: (p.created, p.id))
    return questions[len(questions) // 2].created


@dataclass
class TestCase:
    question: Post
    expert: int  # the accepted answer's author (source user id)


def test_cases(posts: list[Post], cutoff: datetime) -> list[TestCase]:
    by_id = {p.id: p for p in posts}
    answered_before = {p.owner for p in posts if p.kind == 2 and p.created < cutoff and p.owner}
    cases = []
    for q in sorted((p for p in posts if p.kind == 1), key=lambda p: (p.created, p.id)):
        if q.created < cutoff or not q.accepted:
            continue
        answer = by_id.get(q.accepted)
        if answer is None or answer.owner is None or answer.owner == q.owner:
            continue
        if answer.owner in answered_before:
            cases.append(TestCase(q, answer.owner))
    return cases
