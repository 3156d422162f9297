"""Who follows whom: everyone follows the people they wrote to in the graph."""

import random

from ..models import Visibility
from .graph import Graph
from .plan import PersonPlan

DEMO_EMPLOYEE_FOLLOWS = 15


def follows_from_graph(
    graph: Graph, degree: dict[int, int], people: dict[int, PersonPlan], demo_employee: int
) -> set[tuple[int, int]]:
    """Everyone follows the people they wrote to; the demo employee is trimmed (or topped up)
    to about fifteen, so her feed is readable and her suggestions are not all followed."""
    follows = {(a, b) for a, b in graph.edges if a != demo_employee}
    me = people[demo_employee]
    by_degree = sorted(graph.nodes, key=lambda n: (-degree[n], n))
    wrote_to = [n for n in by_degree if (demo_employee, n) in graph.edges]
    colleagues = [n for n in by_degree if people[n].department == me.department]
    teammates = {n for n in colleagues if people[n].team == me.team}
    # Leave most teammates unfollowed: "same team" is the demo's best suggestion reason.
    candidates = [me.manager] + [n for n in wrote_to + colleagues if n not in teammates]
    chosen = list(dict.fromkeys(n for n in candidates + by_degree if n is not None))
    chosen = [n for n in chosen if n != demo_employee][:DEMO_EMPLOYEE_FOLLOWS]
    return follows | {(demo_employee, n) for n in chosen}


def give_things_in_common(
    rng: random.Random, people: dict[int, PersonPlan], demo_employee: int, follows
) -> None:
    """Make sure people outside her department share an interest with the demo employee,
    so "people you may want to meet" crosses department walls, as the product intends."""
    me = people[demo_employee]
    followed = {b for a, b in follows if a == demo_employee}
    strangers = [
        p
        for key, p in sorted(people.items())
        if key != demo_employee
        and key not in followed
        and p.department != me.department
        and p.suggestible
        and p.visibility.get("interests", Visibility.EVERYONE) <= Visibility.EMPLOYEES
    ]
    for person in rng.sample(strangers, min(10, len(strangers))):
        theirs = {name for name, _kind in person.interests}
        if theirs & {name for name, _kind in me.interests}:
            continue
        shared = rng.choice(me.interests)
        if len(person.interests) >= 6:
            person.interests.pop()
        person.interests.append(shared)


def date_follows(
    rng: random.Random, follows, people: dict[int, PersonPlan]
) -> list[tuple[int, int, int]]:
    """A follow is never older than either person's arrival."""
    dated = []
    for a, b in follows:
        newest = min(people[a].joined_days_ago, people[b].joined_days_ago)
        dated.append((a, b, rng.randint(0, newest * 24 * 60)))
    return dated
