"""Where the time of one request goes, without a server: CPU and wall time per request, number
of SQL queries and time spent in SQL, for the endpoints bench/run.py loads; the plans of the
feed queries (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite); optionally a
cProfile of one endpoint.

    .venv/bin/python bench/probe.py --database-url sqlite:////tmp/bench-sqlite/agora.sqlite3
    .venv/bin/python bench/probe.py --database-url postgres://postgres@127.0.0.1/agora_bench \
        --cprofile home

CPU time per request is what decides throughput on a 2-core machine (two granian workers,
each one Python thread at a time), and it is much less disturbed than wall time by other jobs
running on the same machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import default_data_dir, vendor_of  # noqa: E402


def endpoints(m: dict) -> dict[str, tuple[str, str]]:
    """key -> (path, auth) where auth is "token" or "session"."""
    celeb = m["celebrity"]["username"]
    return {
        "healthz": ("/healthz", ""),
        "home": ("/api/v1/feed/home", "token"),
        "community": (f"/api/v1/communities/{m['community']['slug']}/feed", "token"),
        "post": (f"/api/v1/posts/{m['post_with_50_comments']}", "token"),
        "comments": (f"/api/v1/posts/{m['post_with_50_comments']}/comments?limit=50", "token"),
        "profile_api": (f"/api/v1/users/{celeb}", "token"),
        "profile_web": (f"/people/{celeb}/", "session"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--manifest")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--cprofile", help="endpoint key to profile with cProfile")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    url = args.database_url
    vendor = vendor_of(url)
    mpath = Path(args.manifest or ROOT / "bench" / "results" / f"dataset-{vendor}.json")
    m = json.loads(mpath.read_text())
    os.environ.update(
        DATABASE_URL=url,
        AGORA_DATA_DIR=m.get("data_dir") or str(default_data_dir(url)),
        DJANGO_SETTINGS_MODULE="agora.settings",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = m["sample_users"][0]
    token_client = Client(HTTP_AUTHORIZATION=f"Bearer {user['token']}")
    session_client = Client()
    session_client.force_login(get_user_model().objects.get(pk=user["id"]))
    # a deep cursor, as bench/run.py uses
    cursor = None
    for _ in range(5):
        r = token_client.get("/api/v1/feed/home", {"cursor": cursor} if cursor else {})
        cursor = r.json().get("next_cursor")
    eps = endpoints(m)
    if cursor:
        eps["home_deep"] = (f"/api/v1/feed/home?cursor={cursor}", "token")
    print(f"{vendor}: {m.get('dataset')}, viewer {user['username']}, {args.requests} requests each")
    print(
        f"{'endpoint':<12} {'status':>6} {'cpu ms':>7} {'wall ms':>8} {'queries':>7} {'sql ms':>7}"
    )
    for key, (path, auth) in eps.items():
        if args.only and key not in args.only:
            continue
        client = session_client if auth == "session" else token_client
        for _ in range(3):
            client.get(path)
        cpu, wall, sql = [], [], []
        for _ in range(args.requests):
            reset_queries()
            with CaptureQueriesContext(connection) as q:
                c0, w0 = time.process_time(), time.perf_counter()
                r = client.get(path)
                c1, w1 = time.process_time(), time.perf_counter()
            cpu.append((c1 - c0) * 1000)
            wall.append((w1 - w0) * 1000)
            sql.append(sum(float(x["time"]) for x in q.captured_queries) * 1000)
        print(
            f"{key:<12} {r.status_code:>6} {statistics.median(cpu):>7.2f} "
            f"{statistics.median(wall):>8.2f} {len(q.captured_queries):>7} "
            f"{statistics.median(sql):>7.2f}"
        )
        if key in ("home", "home_deep", "community") and not args.no_explain:
            explain(connection, vendor, q.captured_queries, key)
    if args.cprofile:
        path, auth = eps[args.cprofile]
        client = session_client if auth == "session" else token_client
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        profiler.disable()
        print(f"\ncProfile of {args.requests} × {path} (top 40 by cumulative time)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def explain(connection, vendor: str, queries, key: str) -> None:
    """The plan of the page query: the first one reading the timeline or the posts by a
    (created_at, id) order."""
    for q in queries:
        sql = q["sql"]
        if "ORDER BY" in sql and (
            "conversations_timelineentry" in sql.split("FROM", 1)[1][:60]
            or "conversations_post" in sql.split("FROM", 1)[1][:40]
        ):
            break
    else:
        return
    print(f"    plan of the {key} page query:")
    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            for row in cur.fetchall():
                print("      ", row[-1])
        else:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (row,) in cur.fetchall():
                print("      ", row)


if __name__ == "__main__":
    main()
