"""Who plays the demo logins, which department everyone is in and who reports to whom:
CEO → directors → department heads → team leads → everyone else."""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from .demo_cast import DEMO_PEOPLE
from .departments import DEPARTMENTS, EXECUTIVE_OFFICE, department_rank, spec_of, trade_of
from .graph import Graph

EXECUTIVE_TEAM = "Comité exécutif"
TEAM_MIN_SIZE = 10  # departments this big get team leads under their head
TEAM_SPAN = 8  # about how many people a team lead looks after


@dataclass
class Position:
    role: str
    team: str
    manager: int | None = None


@dataclass
class OrgChart:
    demo_logins: dict[str, int]  # demo role → graph node
    department_of: dict[int, str]
    positions: dict[int, Position]
    parent_department: dict[str, str | None]  # every department, with its parent if any


def draw_org_chart(
    graph: Graph, rng: random.Random, neighbours: dict[int, set[int]], degree: dict[int, int]
) -> OrgChart:
    return _OrgChartDrawer(graph, rng, neighbours, degree).draw()


class _OrgChartDrawer:
    def __init__(self, graph, rng, neighbours, degree):
        self.graph = graph
        self.rng = rng
        self.neighbours = neighbours
        self.degree = degree
        self.ceo = min(graph.nodes, key=lambda n: (-self.degree[n], n))
        self.parent_department: dict[str, str | None] = {EXECUTIVE_OFFICE.name: None}

    def draw(self) -> OrgChart:
        demo = self._cast_demo_logins()
        department_of = self._name_departments(demo)
        positions = self._assign_positions(department_of, set(demo.values()))
        return OrgChart(demo, department_of, positions, self.parent_department)

    def _cast_demo_logins(self) -> dict[str, int]:
        """Pick graph people to play the demo employees: the demo employee sits in the largest
        department, well connected but not its head, so she has colleagues and a manager."""
        ranked = sorted(self.graph.nodes, key=lambda n: (-self.degree[n], n))
        others = [n for n in ranked if n != self.ceo]
        sizes = Counter(self.graph.department_of[n] for n in others)
        biggest = min(sizes, key=lambda label: (-sizes[label], label))
        colleagues = [n for n in others if self.graph.department_of[n] == biggest]
        employee = colleagues[len(colleagues) // 3]
        others.remove(employee)
        community_manager = others[len(others) // 10]  # well connected: animates communities
        others.remove(community_manager)
        return {
            "employee": employee,
            "community manager": community_manager,
            "administrator": others[len(others) // 2],
        }

    def _name_departments(self, demo: dict[str, int]) -> dict[int, str]:
        """Graph labels become invented department names, the largest label the first name."""
        name_of_label = {}
        for rank, label in enumerate(self.graph.label_order):
            spec = DEPARTMENTS[rank % len(DEPARTMENTS)]
            lap = rank // len(DEPARTMENTS)
            name_of_label[label] = spec.name if lap == 0 else f"{spec.name} {lap + 1}"
        department_of = {n: name_of_label[self.graph.department_of[n]] for n in self.graph.nodes}
        department_of[self.ceo] = EXECUTIVE_OFFICE.name
        for role, key in demo.items():
            if DEMO_PEOPLE[role].department:
                department_of[key] = DEMO_PEOPLE[role].department
        return department_of

    def _assign_positions(
        self, department_of: dict[int, str], demo: set[int]
    ) -> dict[int, Position]:
        """CEO → directors (one per trade with several departments) → department heads → team
        leads in big departments → everyone else. A tree by construction: no cycles."""
        positions = {self.ceo: Position("ceo", EXECUTIVE_TEAM)}
        members: dict[str, list[int]] = defaultdict(list)
        for key in self.graph.nodes:
            if key != self.ceo:
                members[department_of[key]].append(key)
        heads = {}
        for name in sorted(members):
            # Heads and leads are the best connected; the demo logins stay ordinary staff.
            ranked = sorted(members[name], key=lambda n: (n in demo, -self.degree[n], n))
            heads[name] = ranked[0]
            positions.update(self._staff_department(name, ranked))
            self.parent_department[name] = None
        self._appoint_directors(heads, members, positions)
        return positions

    def _staff_department(self, name: str, ranked: list[int]) -> dict[int, Position]:
        head, staff = ranked[0], ranked[1:]
        positions = {head: Position("head", name)}
        if len(ranked) < TEAM_MIN_SIZE:
            positions.update({key: Position("member", name, head) for key in staff})
            return positions
        pool = spec_of(name).teams or trade_of(name).teams
        team_count = min(len(pool), max(2, round(len(staff) / TEAM_SPAN)))
        teams = self.rng.sample(pool, team_count)
        leads = staff[:team_count]
        size = Counter()
        for lead, team in zip(leads, teams, strict=True):
            positions[lead] = Position("lead", team, head)
        for key in staff[team_count:]:
            # Join a lead one is in touch with, else the smallest team: teams follow who
            # actually works together and stay about the same size.
            lead = max(leads, key=lambda lead: (lead in self.neighbours[key], -size[lead], -lead))
            size[lead] += 1
            positions[key] = Position("member", positions[lead].team, lead)
        return positions

    def _appoint_directors(self, heads, members, positions) -> None:
        by_trade: dict[str, list[str]] = defaultdict(list)
        for name in heads:
            by_trade[spec_of(name).trade].append(name)
        for trade in sorted(by_trade):
            # The biggest department leads its trade; on a tie, the trade's main one.
            names = sorted(by_trade[trade], key=lambda n: (-len(members[n]), department_rank(n), n))
            director = heads[names[0]]
            positions[director].manager = self.ceo
            if trade == "executive" or len(names) == 1:
                continue
            positions[director].role = "director"
            positions[director].team = EXECUTIVE_TEAM
            for name in names[1:]:
                positions[heads[name]].manager = director
                self.parent_department[name] = names[0]
