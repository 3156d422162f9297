"""The expert finder's answers to a fixed set of queries, as JSON, to compare two versions of
the code on the same data (a speed-up must not change a ranking).

    .venv/bin/python bench/experts/snapshot.py --database-url sqlite:////tmp/xl/agora.sqlite3 \
        --out /tmp/before.json [--root /tmp/old-checkout]
    .venv/bin/python bench/experts/snapshot.py --database-url … --out /tmp/after.json
    .venv/bin/python bench/experts/snapshot.py --compare /tmp/before.json /tmp/after.json

60 queries: employees, guests and the operator; titles and full questions, with and without
tags; 20 results each (people, scores, reasons, evidence).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))


def queries(sites, rng) -> list[tuple[str, list[str]]]:
    out = []
    for _ in range(10):
        _name, qs, _a = rng.choice(sites)
        q = rng.choice(qs)
        out.append((q.title + "\n\n" + q.body, list(q.tags)))
        out.append((q.title, []))
    return out


def snapshot() -> list[dict]:
    from django.contrib.auth import get_user_model
    from latency import corpus

    from agora.experts.services import find_experts

    rng = random.Random(11)
    User = get_user_model()
    employees = list(
        User.objects.filter(kind="employee").order_by("pk").values_list("pk", flat=True)
    )
    guests = list(User.objects.filter(kind="guest").order_by("pk").values_list("pk", flat=True))
    viewer_ids = rng.sample(employees, 10) + rng.sample(guests, 5)
    viewers = {u.pk: u for u in User.objects.filter(pk__in=viewer_ids)}
    batch = queries(corpus(), rng)
    out = []
    for i, (text, tags) in enumerate(batch * 3):
        kind = ("employee", "guest", "operator")[i // len(batch)]
        if kind == "operator":
            viewer = None
        else:
            pool = viewer_ids[:10] if kind == "employee" else viewer_ids[10:]
            viewer = viewers[pool[i % len(pool)]]
        results = find_experts(viewer, text, tags, limit=20)
        out.append(
            {
                "viewer": viewer.pk if viewer else None,
                "query": text[:80],
                "tags": tags,
                "results": [
                    {
                        "user": r.user.pk,
                        "score": r.score,
                        "reasons": r.reasons,
                        "evidence": r.evidence,
                        "source_id": r.source_id,
                    }
                    for r in results
                ],
            }
        )
    return out


def compare(before: Path, after: Path) -> int:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    differ = 0
    for x, y in zip(a, b, strict=True):
        if x != y:
            differ += 1
            people = [r["user"] for r in x["results"]] == [r["user"] for r in y["results"]]
            print(f"differs ({'same people' if people else 'other people'}): {x['query']!r}")
    n = sum(len(x["results"]) for x in a)
    print(f"{len(a)} queries, {n} results: {differ} queries differ")
    return 1 if differ else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--data-dir")
    ap.add_argument("--out")
    ap.add_argument("--root", help="Use the agora/ of this checkout instead.")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.compare:
        sys.exit(compare(*map(Path, args.compare)))
    from latency import setup  # puts this checkout on the path: --root goes before it

    if args.root:
        sys.path.insert(0, str(Path(args.root).resolve()))
    setup(args.database_url, args.data_dir)
    Path(args.out).write_text(json.dumps(snapshot(), indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
