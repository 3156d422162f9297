from ninja import Schema

from agora.core.api import StrictInput


class ExpertOut(Schema):
    rank: int
    username: str
    display_name: str
    url: str
    source_id: int | None = None
    score: float
    reasons: list[str]  # in the request's language
    reason_data: list[dict] = []  # the same reasons as data (agora/experts/reasons.py)
    evidence: dict


class SkillSuggestionOut(Schema):
    id: int
    name: str
    evidence_count: int
    state: str


class AcceptSuggestionIn(StrictInput):
    level: int = 2
