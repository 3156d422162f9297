"""The communication graph the company is shaped by: the real e-mail network when its files
are there (its best-connected piece, grown with synthetic people when more are asked), else a
synthetic one."""

import heapq
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .departments import DEPARTMENTS

EDGES_FILE = "email-Eu-core.txt"
LABELS_FILE = "email-Eu-core-department-labels.txt"


@dataclass
class Graph:
    """Who wrote to whom (directed edges, no self-loops) and each person's department label."""

    department_of: dict[int, int]
    edges: set[tuple[int, int]]
    label_order: list[int]  # labels from the largest department of the whole source down
    source: str

    @property
    def nodes(self) -> list[int]:
        return sorted(self.department_of)

    def undirected(self) -> dict[int, set[int]]:
        neighbours: dict[int, set[int]] = {node: set() for node in self.department_of}
        for src, dst in self.edges:
            neighbours[src].add(dst)
            neighbours[dst].add(src)
        return neighbours

    def restricted_to(self, nodes) -> "Graph":
        keep = set(nodes)
        return Graph(
            {n: self.department_of[n] for n in keep},
            {(a, b) for a, b in self.edges if a in keep and b in keep},
            self.label_order,
            self.source,
        )


def _labels_by_size(department_of: dict[int, int]) -> list[int]:
    sizes = Counter(department_of.values())
    return sorted(sizes, key=lambda label: (-sizes[label], label))


def load_email_graph(directory: Path) -> Graph | None:
    """The SNAP email-Eu-core network, or None when its files are not there."""
    edges_path, labels_path = directory / EDGES_FILE, directory / LABELS_FILE
    if not (edges_path.is_file() and labels_path.is_file()):
        return None
    department_of = dict(_int_pairs(labels_path))
    edges = {
        (a, b)
        for a, b in _int_pairs(edges_path)
        if a != b and a in department_of and b in department_of
    }
    source = (
        f"real e-mail network {EDGES_FILE} ({len(department_of):,} people, {len(edges):,} links)"
    )
    return Graph(department_of, edges, _labels_by_size(department_of), source)


def _int_pairs(path: Path):
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) >= 2:
                yield int(parts[0]), int(parts[1])


def synthetic_graph(people: int, rng: random.Random) -> Graph:
    """A stand-in when the real data is absent: a long tail of department sizes, like the
    real organisation (a few big departments, many small ones)."""
    count = max(3, min(len(DEPARTMENTS), people // 8))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(count)]
    graph = Graph({}, set(), list(range(count)), "synthetic graph (preferential attachment)")
    grow(graph, people, rng, weights)
    return graph


def grow(graph: Graph, people: int, rng: random.Random, label_weights=None) -> None:
    """Add people until there are `people`. Each newcomer writes to a few colleagues, mostly in
    their own department and preferably to those who already have many contacts (preferential
    attachment); about half write back. That yields the heavy-tailed, clustered shape of a
    real organisation's communication."""
    labels = list(graph.label_order)
    if label_weights is None:
        sizes = Counter(graph.department_of.values())
        label_weights = [sizes[label] + 1 for label in labels]
    # A node appears once per contact, plus once: drawing uniformly from these lists is drawing
    # proportionally to degree + 1, in constant time.
    everyone: list[int] = list(graph.nodes)
    by_label: dict[int, list[int]] = defaultdict(list)
    for node in graph.nodes:
        by_label[graph.department_of[node]].append(node)
    for src, dst in sorted(graph.edges):
        for node in (src, dst):
            everyone.append(node)
            by_label[graph.department_of[node]].append(node)

    next_id = max(graph.department_of, default=-1) + 1
    while len(graph.department_of) < people:
        newcomer, next_id = next_id, next_id + 1
        label = rng.choices(labels, label_weights)[0]
        targets = set()
        for _ in range(rng.randint(3, 12)):
            pool = by_label[label] if by_label[label] and rng.random() < 0.7 else everyone
            if pool:
                targets.add(rng.choice(pool))
        graph.department_of[newcomer] = label
        everyone.append(newcomer)
        by_label[label].append(newcomer)
        for target in sorted(targets):
            graph.edges.add((newcomer, target))
            if rng.random() < 0.5:
                graph.edges.add((target, newcomer))
            for node in (newcomer, target):
                everyone.append(node)
                by_label[graph.department_of[node]].append(node)


def connected_core(graph: Graph, people: int) -> list[int]:
    """Start from the best-connected person and keep adding the best-connected person next to
    those already picked: the N people form one connected, dense piece of the organisation."""
    neighbours = graph.undirected()
    degree = {node: len(neighbours[node]) for node in neighbours}
    if not degree:
        return []
    start = min(degree, key=lambda n: (-degree[n], n))
    frontier = [(-degree[start], start)]
    seen = {start}
    picked: list[int] = []
    while frontier and len(picked) < people:
        _, node = heapq.heappop(frontier)
        picked.append(node)
        for other in neighbours[node]:
            if other not in seen:
                seen.add(other)
                heapq.heappush(frontier, (-degree[other], other))
    if len(picked) < people:  # the connected piece is smaller: add the loners, best first
        rest = sorted(set(degree) - set(picked), key=lambda n: (-degree[n], n))
        picked += rest[: people - len(picked)]
    return picked


def company_graph(people: int, rng: random.Random, graphs_dir: Path | None) -> Graph:
    full = load_email_graph(graphs_dir) if graphs_dir else None
    if full is None:
        return synthetic_graph(people, rng)
    graph = full.restricted_to(connected_core(full, people))
    if len(graph.department_of) < people:  # more people asked than the data holds
        grow(graph, people, rng)
        graph.source += f", grown by {people - len(full.department_of):,} synthetic people"
    return graph
