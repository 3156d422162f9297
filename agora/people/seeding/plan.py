"""The plan: what `plan_company()` decides and `write_company()` stores. Pure data, no
database."""

from dataclasses import dataclass, field


@dataclass
class PersonPlan:
    key: int  # graph node for employees, negative for guests
    username: str
    email: str
    first_name: str
    last_name: str
    kind: str
    language: str
    gender: str
    location: str
    role: str  # ceo, director, head, lead, member, guest
    department: str | None = None
    team: str = ""
    manager: int | None = None
    invited_by: int | None = None
    headline: str = ""
    bio: str = ""
    languages: list[str] = field(default_factory=list)
    skills: list[tuple[str, int]] = field(default_factory=list)
    interests: list[tuple[str, str]] = field(default_factory=list)
    goals: str = ""
    help_with: str = ""
    visibility: dict[str, int] = field(default_factory=dict)
    suggestible: bool = True
    is_staff: bool = False
    joined_days_ago: int = 0

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class CompanyPlan:
    people: list[PersonPlan]
    follows: list[tuple[int, int, int]]  # follower key, followee key, minutes ago
    departments: list[tuple[str, str | None]]  # name, parent department name
    community_managers: list[int]
    source: str
