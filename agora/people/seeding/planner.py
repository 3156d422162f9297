"""`plan_company()`: the whole demo company as pure data, deterministic for a given seed.

The steps draw from one random stream in a fixed order (graph, org chart, employees, shared
interests, guests, follow dates): reordering them changes every company.
"""

import random
from pathlib import Path

from ..demo import DEMO_ACCOUNTS
from .follows import date_follows, follows_from_graph, give_things_in_common
from .graph import Graph, company_graph
from .guests import plan_guests
from .org_chart import draw_org_chart
from .plan import CompanyPlan
from .profiles import EmployeePlanner, Usernames

MIN_PEOPLE = 10


def plan_company(people: int, random_seed: int, graphs_dir: Path | None) -> CompanyPlan:
    if people < MIN_PEOPLE:
        raise ValueError(f"A demo company needs at least {MIN_PEOPLE} people.")
    rng = random.Random(random_seed)
    graph = company_graph(people, rng, graphs_dir)
    return _plan_from_graph(graph, rng)


def _plan_from_graph(graph: Graph, rng: random.Random) -> CompanyPlan:
    neighbours = graph.undirected()
    degree = {node: len(neighbours[node]) for node in graph.nodes}
    usernames = Usernames(email.split("@")[0] for _role, email, _kind in DEMO_ACCOUNTS)
    chart = draw_org_chart(graph, rng, neighbours, degree)
    demo = chart.demo_logins
    accounts = {role: (email, kind) for role, email, kind in DEMO_ACCOUNTS}
    role_of = {key: role for role, key in demo.items()}
    employees = EmployeePlanner(rng, usernames, chart.parent_department)
    people = {}
    for key in graph.nodes:
        role = role_of.get(key)
        people[key] = employees.plan(
            key, chart.department_of[key], chart.positions[key], role and accounts[role], role
        )
    follows = follows_from_graph(graph, degree, people, demo["employee"])
    give_things_in_common(rng, people, demo["employee"], follows)
    community_manager = demo["community manager"]
    guests = plan_guests(rng, usernames, people, community_manager, accounts)
    follows |= {(guest.key, guest.invited_by) for guest in guests}
    everyone = [people[key] for key in graph.nodes] + guests
    return CompanyPlan(
        people=everyone,
        follows=date_follows(rng, sorted(follows), {p.key: p for p in everyone}),
        departments=sorted(chart.parent_department.items()),
        community_managers=[community_manager],
        source=graph.source,
    )
