"""A celebrity's fan-out in isolation (PostgreSQL): `feed.fan_out()` of their newest profile
post, committed, after deleting its timeline entries; wall time and WAL written per run.

    .venv/bin/python bench/fanout_wal.py --database-url URL [--rounds 6] [--checkpoint]

`--checkpoint` runs CHECKPOINT before each fan-out: the first change to a page after a
checkpoint writes the whole page to the WAL, so this is the worst case a post meets (the
celebrity test's slowest post was the one after a checkpoint). `--root` measures another
checkout (e.g. `git worktree add /tmp/old <commit>`) against the same database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--checkpoint", action="store_true")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    args = ap.parse_args()
    if not (args.database_url or "").startswith("postgres"):
        raise SystemExit("--database-url postgres://… (the WAL is PostgreSQL's)")
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="agora.settings")
    sys.path.insert(0, args.root)
    import django

    django.setup()
    from django.db import connection

    from agora.conversations import feed
    from agora.conversations.models import Post, TimelineEntry
    from agora.people.models import Profile

    celebrity = Profile.objects.order_by("-follower_count").values_list("user_id", flat=True)[0]
    post = (
        Post.objects.filter(author_id=celebrity, community__isnull=True, deleted_at__isnull=True)
        .order_by("-id")
        .first()
    )

    def wal_position() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
            return int(cursor.fetchone()[0])

    walls, wal = [], []
    for _ in range(args.rounds):
        TimelineEntry.objects.filter(post_id=post.pk).delete()
        if args.checkpoint:
            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        w0, t0 = wal_position(), time.perf_counter()
        rows = feed.fan_out(post.pk)
        walls.append((time.perf_counter() - t0) * 1000)
        wal.append((wal_position() - w0) / 1e6)
    print(
        f"post {post.pk}, {rows} timelines, load {os.getloadavg()[0]:.2f}:"
        f" wall median {statistics.median(walls):.0f}"
        f" ms {[round(x) for x in walls]}; WAL median {statistics.median(wal):.1f} MB"
        f" {[round(x, 1) for x in wal]}"
    )


if __name__ == "__main__":
    main()
