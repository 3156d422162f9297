"""The expert-finding quality protocol, end to end through Agora.

For each dump directory: sort its questions by creation time; T = the creation time of the
question at the 50% mark; `agora import_stackexchange DIR --before T` into a fresh SQLite
database; then, for every later question with an accepted answer whose author answered at
least once before T (and is not the asker), ask `agora experts` with the question's title,
body and tags (the asker excluded) and score the rank of the accepted answerer, recognised by
the "source_id" of the JSON output. Prints per-site and pooled MRR, Hit@1/5/10 and writes
bench/results/experts.md.

    .venv/bin/python bench/experts/protocol.py /work/shared/data/stackexchange/*
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from dumps import read_posts, split_time, test_cases  # noqa: E402

AGORA = str(ROOT / ".venv" / "bin" / "agora")
PYTHON = sys.executable
LIMIT = 50  # deep enough that a miss is a real miss for Hit@10, and ranks to 50 count in MRR


def run(cmd, env):
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(cmd[:3])} …")
    return done.stdout


def prepare(directory: Path, workdir: Path):
    posts = read_posts(directory)
    cutoff = split_time(posts)
    cases = test_cases(posts, cutoff)
    env = dict(os.environ, AGORA_DATA_DIR=str(workdir), DJANGO_SETTINGS_MODULE="agora.settings")
    env.pop("DATABASE_URL", None)
    import_s = 0.0
    marker = workdir / "imported"
    if not marker.exists():
        run([AGORA, "migrate", "-v0"], env)
        started = time.monotonic()
        run([AGORA, "import_stackexchange", str(directory), "--before", cutoff.isoformat()], env)
        import_s = time.monotonic() - started
        marker.write_text(cutoff.isoformat())
    queries = [
        {
            "question": c.question.id,
            "expert": c.expert,
            "asker": c.question.owner,
            "text": c.question.title + "\n\n" + c.question.body,
            "tags": c.question.tags,
        }
        for c in cases
    ]
    return cutoff, queries, env, import_s


def worker(path: str, site: str, rebuild: bool) -> None:
    """Runs inside the site's database: `agora experts … --json` once per test question."""
    import django

    django.setup()
    from django.core.management import call_command

    if rebuild:
        from agora.experts import index

        index.rebuild()

    from agora.qa.models import ImportedRecord

    queries = json.loads(Path(path).read_text())
    users = dict(
        ImportedRecord.objects.filter(kind="user", site=site).values_list("source_id", "object_id")
    )
    from django.contrib.auth import get_user_model

    names = dict(get_user_model().objects.values_list("pk", "username"))
    out = []
    for q in queries:
        asker = names.get(users.get(q["asker"])) if q["asker"] else None
        args = [q["text"], "--tags", ",".join(q["tags"]), "--limit", str(LIMIT), "--json"]
        if asker:
            args += ["--exclude", asker]
        buf = io.StringIO()
        started = time.perf_counter()
        call_command("experts", *args, stdout=buf)
        elapsed = time.perf_counter() - started
        ranked = [r["source_id"] for r in json.loads(buf.getvalue())]
        rank = ranked.index(q["expert"]) + 1 if q["expert"] in ranked else None
        out.append({"question": q["question"], "rank": rank, "ms": elapsed * 1000})
    print(json.dumps(out))


def stats(ranks):
    n = len(ranks)
    if not n:
        return {"n": 0, "mrr": 0, "h1": 0, "h5": 0, "h10": 0}
    return {
        "n": n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "h1": sum(1 for r in ranks if r and r <= 1) / n,
        "h5": sum(1 for r in ranks if r and r <= 5) / n,
        "h10": sum(1 for r in ranks if r and r <= 10) / n,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "experts.md")
    ap.add_argument("--keep", action="store_true", help="Keep the temporary databases.")
    ap.add_argument(
        "--workdir",
        type=Path,
        help="Keep each site's database under WORKDIR/<site> and reuse it on the next run "
        "(the evidence index is rebuilt, so ranking changes are measured without re-importing).",
    )
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.worker[2] == "rebuild")
        return
    rows, all_ranks, latencies = [], [], []
    for directory in args.dirs:
        if args.workdir:
            workdir = args.workdir / directory.resolve().name
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(tempfile.mkdtemp(prefix="agora-experts-"))
        cutoff, queries, env, import_s = prepare(directory, workdir)
        qfile = workdir / "queries.json"
        qfile.write_text(json.dumps(queries))
        site = directory.resolve().name
        mode = "rebuild" if args.workdir else "fresh"
        out = json.loads(run([PYTHON, __file__, "--worker", str(qfile), site, mode], env))
        ranks = [o["rank"] for o in out]
        ms = sorted(o["ms"] for o in out)
        latencies += ms
        s = stats(ranks)
        rows.append((site, cutoff, s, ms, import_s))
        all_ranks += ranks
        print(
            f"{site:40s} T={cutoff:%Y-%m-%d %H:%M} n={s['n']:3d} MRR {s['mrr']:.3f} "
            f"H@1 {s['h1']:.3f} H@5 {s['h5']:.3f} H@10 {s['h10']:.3f}",
            flush=True,
        )
        if not args.keep and not args.workdir:
            subprocess.run(["rm", "-rf", str(workdir)], check=False)
    pooled = stats(all_ranks)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0
    print(
        f"{'pooled':40s} {'':18s} n={pooled['n']:3d} MRR {pooled['mrr']:.3f} "
        f"H@1 {pooled['h1']:.3f} H@5 {pooled['h5']:.3f} H@10 {pooled['h10']:.3f}  "
        f"(query p95 {p95:.1f} ms)"
    )
    write_report(args.out, rows, pooled, p95)


def write_report(path: Path, rows, pooled, p95) -> None:
    lines = [
        "# Expert finder quality (bench/experts/protocol.py)",
        "",
        "Import the posts created before T (the 50% question), ask `agora experts` for every "
        "later question whose accepted answerer had answered before T, score the rank of that "
        "person. " + f"Top {LIMIT} requested per query.",
        "",
        "| site | T | test questions | MRR | Hit@1 | Hit@5 | Hit@10 | p95 query ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for site, cutoff, s, ms, _import_s in rows:
        site_p95 = ms[int(0.95 * (len(ms) - 1))] if ms else 0
        lines.append(
            f"| {site} | {cutoff:%Y-%m-%d %H:%M} | {s['n']} | {s['mrr']:.3f} | {s['h1']:.3f} "
            f"| {s['h5']:.3f} | {s['h10']:.3f} | {site_p95:.1f} |"
        )
    lines.append(
        f"| **pooled** | | {pooled['n']} | **{pooled['mrr']:.3f}** | {pooled['h1']:.3f} | "
        f"{pooled['h5']:.3f} | **{pooled['h10']:.3f}** | {p95:.1f} |"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
