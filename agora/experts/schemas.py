from ninja import Schema

from agora.core.api import StrictInput


class ExpertOut(Schema):
    rank: int
    username: str
    display_name: str
    url: str
    source_id: int | None = None
    score: float
    reasons: list[str]
    evidence: dict


class SkillSuggestionOut(Schema):
    id: int
    name: str
    evidence_count: int
    state: str


class AcceptSuggestionIn(StrictInput):
    level: int = 2
