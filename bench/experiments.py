"""Experiments behind the recommendations in bench/README.md: each one measures, in-process
and on the bench database, what Agora does today against a proposed change, without
changing Agora (the alternatives live here).

    .venv/bin/python bench/experiments.py --database-url URL home     # lean home-feed page
    .venv/bin/python bench/experiments.py --database-url URL create   # celebrity create_post
    .venv/bin/python bench/experiments.py --database-url URL fanout   # fan-out to 7,000

home:   builds the JSON of GET /api/v1/feed/home the way recommended (one query for the page
        as plain values, only the card's columns; one query each for hashtags, attachments,
        the viewer's reactions, the reaction counts; no response-schema validation), checks
        it equals the API's output, and compares CPU per page.
create: services.create_post by the celebrity (7,000 followers) as today, where
        feed.distribute() computes the whole audience inside the request to decide between
        inline and background fan-out, against a distribute() that decides from a COUNT.
        Tasks go to django-tasks' dummy backend; the posts created are then fanned out, so
        the database stays consistent.
fanout: feed.fan_out() (audience as Python sets, bulk_create by 1,000) against one
        INSERT ... SELECT ... ON CONFLICT DO NOTHING, for a celebrity post. CPU of this
        process and, on PostgreSQL, of its database backend.

CPU is measured with time.process_time() (and /proc for the PostgreSQL backend), so the
figures hold on a machine busy with other jobs; wall times are shown too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import default_data_dir, vendor_of  # noqa: E402

CLK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int | None) -> float:
    if not pid:
        return 0.0
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK


class Timer:
    """CPU of this process + (PostgreSQL) of our database backend, and wall time."""

    def __init__(self):
        from django.db import connection

        connection.ensure_connection()
        self.pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                self.pid = cur.fetchone()[0]

    def measure(self, fn, n: int = 1):
        """Average over n calls (the /proc CPU clock ticks every 10 ms: average many)."""
        c0, b0, w0 = time.process_time(), backend_cpu(self.pid), time.perf_counter()
        for _ in range(n):
            out = fn()
        c1, b1, w1 = time.process_time(), backend_cpu(self.pid), time.perf_counter()
        return out, {"cpu_ms": (c1 - c0) * 1000 / n, "db_cpu_ms": (b1 - b0) * 1000 / n,
                     "wall_ms": (w1 - w0) * 1000 / n, "n": n}  # fmt: skip


def summary(r: dict) -> str:
    return (
        f"python CPU {r['cpu_ms']:7.1f} ms + database CPU {r['db_cpu_ms']:6.1f} ms "
        f"(wall {r['wall_ms']:7.1f} ms), mean of {r['n']}"
    )


# --- home ---------------------------------------------------------------------------------------

COLUMNS = [
    "post_id", "created_at", "post__kind", "post__title", "post__body", "post__body_html",
    "post__edited_at", "post__pinned_at", "post__comment_count", "post__reaction_count",
    "post__quoted_id", "post__author__username", "post__author__profile__display_name",
    "post__author__profile__avatar", "post__community_id", "post__community__slug",
    "post__community__name", "post__community__kind", "post__category__slug",
    "post__category__name",
]  # fmt: skip


def lean_home(viewer, limit: int = 20) -> dict:
    from django.db.models import Count
    from django.urls import reverse

    from agora.conversations.models import Attachment, PostHashtag, Reaction, TimelineEntry
    from agora.conversations.visibility import posts_visible_q

    rows = list(
        TimelineEntry.objects.filter(user=viewer)
        .filter(posts_visible_q(viewer, "post"))
        .order_by("-created_at", "-post_id")
        .values_list(*COLUMNS)[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r[0] for r in rows]
    tags: dict[int, list[str]] = {}
    for post_id, name in (
        PostHashtag.objects.filter(post_id__in=ids)
        .order_by("hashtag__key")
        .values_list("post_id", "hashtag__name")
    ):
        tags.setdefault(post_id, []).append(name)
    files: dict[int, list[dict]] = {}
    for a in Attachment.objects.filter(post_id__in=ids).order_by("id").values():
        files.setdefault(a["post_id"], []).append(a)  # (none in the bench data)
    mine = dict(
        Reaction.objects.filter(user=viewer, post_id__in=ids).values_list("post_id", "kind")
    )
    counts: dict[int, dict[str, int]] = {}
    for post_id, kind, n in (
        Reaction.objects.filter(post_id__in=ids)
        .values("post_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("post_id", "kind", "n")
    ):
        counts.setdefault(post_id, {})[kind] = n
    post_url = reverse("conversations:post", args=[0]).replace("/0/", "/{}/")
    avatar_url = reverse("people:avatar", args=["USER"]).replace("USER", "{}")
    items = []
    for r in rows:
        (pid, created, kind, title, body, html, edited, pinned, ncom, nreact, _quoted,
         username, display, avatar, cid, cslug, cname, ckind, catslug, catname) = r  # fmt: skip
        author = {"username": username, "display_name": display or username}
        if avatar:
            author["avatar_url"] = avatar_url.format(username)
        post = {
            "id": pid,
            "kind": kind,
            "url": post_url.format(pid),
            "author": author,
            "title": title,
            "body": body,
            "body_html": html,
            "hashtags": tags.get(pid, []),
            "attachments": files.get(pid, []),
            "created_at": created,
            "comment_count": ncom,
            "reaction_count": nreact,
            "reactions": counts.get(pid, {}),
        }
        if cid:
            post["community"] = {"slug": cslug, "name": cname, "kind": ckind}
        if catslug:
            post["category"] = {"slug": catslug, "name": catname}
        if edited:
            post["edited_at"] = edited
        if pinned:
            post["pinned_at"] = pinned
        if pid in mine:
            post["viewer_reaction"] = mine[pid]
        items.append(post)  # (quoted posts: one more query when any; none in the bench data)
    return {"items": items, "next_cursor": "..." if more else None}


def exp_home(m: dict, n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.serializers.json import DjangoJSONEncoder
    from django.test import Client

    from agora.accounts.services import user_for_token

    sample = m["sample_users"][:8]
    users = {u["id"]: get_user_model().objects.get(pk=u["id"]) for u in sample}
    mismatch = 0
    for u in sample:
        api = Client(HTTP_AUTHORIZATION=f"Bearer {u['token']}").get("/api/v1/feed/home")
        lean = json.loads(json.dumps(lean_home(users[u["id"]])["items"], cls=DjangoJSONEncoder))
        for a, b in zip(api.json()["items"], lean, strict=True):
            a.pop("created_at"), b.pop("created_at"), a.pop("quoted", None)
            if a != b:
                mismatch += 1
                print("differs:", json.dumps(a)[:300], "\n     vs:", json.dumps(b)[:300])
    print(f"output compared on {len(sample)} home pages: {mismatch} posts differ")
    u = sample[0]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {u['token']}")
    viewer = users[u["id"]]
    timer = Timer()

    def runs(fn):
        for _ in range(3):
            fn()
        return timer.measure(fn, n)[1]

    health = runs(lambda: client.get("/healthz"))
    api = runs(lambda: client.get("/api/v1/feed/home"))
    auth = runs(lambda: user_for_token(u["token"]))
    lean = runs(lambda: json.dumps(lean_home(viewer), cls=DjangoJSONEncoder).encode())
    print("/healthz through Django (middleware only):", summary(health))
    print("GET /api/v1/feed/home today:             ", summary(api))
    print("token lookup (user_for_token):           ", summary(auth))
    print("lean page + JSON encoding:               ", summary(lean))

    def total(r):
        return r["cpu_ms"] + r["db_cpu_ms"]

    est = total(health) + total(auth) + total(lean)
    print(
        f"=> a lean endpoint ~{est:.1f} ms CPU against {total(api):.1f} ms today "
        f"({total(api) / est:.1f}x less); home/healthz CPU ratio {total(health) / est:.0%} "
        f"(today {total(health) / total(api):.0%}; the target needs >= 30%)"
    )


# --- create -------------------------------------------------------------------------------------


def distribute_by_count(post) -> None:
    """Proposed feed.distribute(): decide inline vs background from a COUNT, without
    loading the audience (the background task computes it)."""
    from django.conf import settings

    from agora.communities.models import Community
    from agora.conversations import feed
    from agora.conversations.models import HashtagFollow
    from agora.people.models import Follow

    size = 1
    reach_followers = post.community_id is None
    if post.community_id is not None:
        community = Community.objects.only("kind", "member_count").get(pk=post.community_id)
        size += community.member_count
        reach_followers = community.kind == Community.Kind.OPEN
    if reach_followers:
        size += Follow.objects.filter(followee_id=post.author_id).count()
        size += HashtagFollow.objects.filter(hashtag__post_links__post=post).count()
    if size <= settings.AGORA_INLINE_FANOUT:
        feed._write(post, feed.audience_ids(post))
        return
    feed._write(post, [post.author_id])
    from agora.conversations.tasks import fan_out_task

    fan_out_task.enqueue(post.pk)


def exp_create(m: dict, n: int) -> None:
    from django.contrib.auth import get_user_model

    from agora.conversations import feed, services

    celeb = get_user_model().objects.get(pk=m["celebrity"]["id"])
    timer = Timer()
    original = feed.distribute
    created = []

    def create(i):
        post = services.create_post(celeb, body=f"Experiment {i}: all-hands moved to Friday.")
        created.append(post.pk)
        return post

    results = {}
    for label, dist in [
        ("today (audience computed in the request)", original),
        ("distribute() deciding from a COUNT", distribute_by_count),
        ("no distribute() at all (the rest of create_post)", lambda post: None),
    ]:
        feed.distribute = dist
        try:
            create(-1)
            counter = iter(range(n))
            results[label] = timer.measure(lambda c=counter: create(next(c)), n)[1]
        finally:
            feed.distribute = original
        print(f"create_post by the celebrity, {label}:\n    {summary(results[label])}")
    for post_id in created:  # keep the bench database consistent: every follower gets them
        feed.fan_out(post_id)
    drop_queued_fan_outs(created)


def drop_queued_fan_outs(post_ids) -> None:
    """If the database backend recorded our fan-out tasks, don't leave them to the next run."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return
    DBTaskResult.objects.filter(status="READY", task_path__contains="fan_out").filter(
        args_kwargs__args__0__in=list(post_ids)
    ).delete()


# --- fanout -------------------------------------------------------------------------------------


def sql_fan_out(post_id: int) -> int:
    """Proposed feed.fan_out(): the audience rule as one INSERT ... SELECT."""
    from django.db import connection

    from agora.communities.models import Community
    from agora.conversations.models import Post

    post = (
        Post.objects.select_related("community")
        .only("author_id", "community__kind")
        .get(pk=post_id)
    )
    branches = ["SELECT %s AS user_id"]
    params: list = [post.author_id]
    reach_followers = post.community_id is None or post.community.kind == Community.Kind.OPEN
    if post.community_id is not None:
        branches.append(
            "SELECT user_id FROM communities_membership WHERE community_id = %s AND state = %s"
        )
        params += [post.community_id, "active"]
    if reach_followers:
        branches.append(
            "SELECT f.follower_id FROM people_follow f JOIN accounts_user u "
            "ON u.id = f.follower_id WHERE f.followee_id = %s AND u.kind <> %s"
        )
        params += [post.author_id, "guest"]
        branches.append(
            "SELECT hf.user_id FROM conversations_hashtagfollow hf "
            "JOIN conversations_posthashtag ph ON ph.hashtag_id = hf.hashtag_id "
            "JOIN accounts_user u ON u.id = hf.user_id WHERE ph.post_id = %s AND u.kind <> %s"
        )
        params += [post_id, "guest"]
    sql = (
        "INSERT INTO conversations_timelineentry (user_id, post_id, created_at) "
        "SELECT a.user_id, p.id, p.created_at FROM conversations_post p, ("
        + " UNION ".join(branches)
        + ") a WHERE p.id = %s ON CONFLICT (user_id, created_at, post_id) DO NOTHING"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*params, post_id])
        return cur.rowcount


def exp_fanout(m: dict, n: int, followers: int = 0) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count

    from agora.conversations import feed, services
    from agora.conversations.models import TimelineEntry
    from agora.people.models import Follow

    author_id = m["celebrity"]["id"]
    if followers:
        author_id = (
            Follow.objects.values("followee_id")
            .annotate(n=Count("id"))
            .filter(n__gte=followers, followee__kind="employee")
            .order_by("n")
            .values_list("followee_id", flat=True)
            .first()
        )
    celeb = get_user_model().objects.get(pk=author_id)
    original = feed.distribute
    feed.distribute = lambda post: None
    try:
        post = services.create_post(celeb, body="Experiment: fan-out to every follower.")
    finally:
        feed.distribute = original
    audience = len(feed.audience_ids(post))
    timer = Timer()

    def clear():
        with transaction.atomic():
            TimelineEntry.objects.filter(post_id=post.pk).delete()

    for label, fn in [("feed.fan_out() today", feed.fan_out), ("INSERT ... SELECT", sql_fan_out)]:
        total = {"cpu_ms": 0.0, "db_cpu_ms": 0.0, "wall_ms": 0.0}
        for _ in range(n):
            clear()
            _rows, r = timer.measure(lambda fn=fn: fn(post.pk))
            got = TimelineEntry.objects.filter(post_id=post.pk).count()
            assert got == audience, (label, got, audience)
            for k in total:
                total[k] += r[k] / n
        print(
            f"fan-out of post {post.pk} to {audience} timelines, {label}:\n"
            f"    {summary({**total, 'n': n})}"
        )


# --- read: fan-out on write (timeline) against fan-out on read --------------------------------

TIMELINE_SQL = """
SELECT t.post_id, t.created_at FROM conversations_timelineentry t
JOIN conversations_post p ON p.id = t.post_id
LEFT JOIN communities_community c ON c.id = p.community_id
WHERE t.user_id = %(v)s AND p.deleted_at IS NULL AND p.hidden_at IS NULL
  AND (p.community_id IS NULL OR c.kind = 'open' OR p.community_id IN
       (SELECT community_id FROM communities_membership WHERE user_id = %(v)s AND state = 'active'))
ORDER BY t.created_at DESC, t.post_id DESC LIMIT 21
"""

# The home feed computed when read: the newest posts, filtered by "is it from one of my sources".
ON_READ_FILTER_SQL = """
SELECT p.id, p.created_at FROM conversations_post p
LEFT JOIN communities_community c ON c.id = p.community_id
WHERE p.deleted_at IS NULL AND p.hidden_at IS NULL AND (
  p.author_id = %(v)s
  OR p.community_id IN (SELECT community_id FROM communities_membership
                        WHERE user_id = %(v)s AND state = 'active')
  OR ((p.community_id IS NULL OR c.kind = 'open') AND (
        p.author_id IN (SELECT followee_id FROM people_follow WHERE follower_id = %(v)s)
     OR p.id IN (SELECT ph.post_id FROM conversations_posthashtag ph
                 JOIN conversations_hashtagfollow hf ON hf.hashtag_id = ph.hashtag_id
                 WHERE hf.user_id = %(v)s))))
ORDER BY p.created_at DESC, p.id DESC LIMIT 21
"""

# The best on-read shape on PostgreSQL: the newest 21 of each source (index range scans
# through LATERAL), merged.
ON_READ_LATERAL_SQL = """
SELECT id, created_at FROM (
  (SELECT id, created_at FROM conversations_post WHERE author_id = %(v)s
    ORDER BY created_at DESC, id DESC LIMIT 21)
  UNION
  (SELECT p.id, p.created_at FROM communities_membership m CROSS JOIN LATERAL (
     SELECT id, created_at FROM conversations_post q WHERE q.community_id = m.community_id
     ORDER BY created_at DESC, id DESC LIMIT 21) p
   WHERE m.user_id = %(v)s AND m.state = 'active')
  UNION
  (SELECT p.id, p.created_at FROM people_follow f CROSS JOIN LATERAL (
     SELECT q.id, q.created_at FROM conversations_post q
     LEFT JOIN communities_community c ON c.id = q.community_id
     WHERE q.author_id = f.followee_id AND (q.community_id IS NULL OR c.kind = 'open')
     ORDER BY q.created_at DESC, q.id DESC LIMIT 21) p
   WHERE f.follower_id = %(v)s)
  UNION
  (SELECT p.id, p.created_at FROM conversations_hashtagfollow hf CROSS JOIN LATERAL (
     SELECT ph.post_id AS id, ph.created_at FROM conversations_posthashtag ph
     WHERE ph.hashtag_id = hf.hashtag_id ORDER BY ph.created_at DESC LIMIT 21) p
   WHERE hf.user_id = %(v)s)
) AS mine ORDER BY created_at DESC, id DESC LIMIT 21
"""


def exp_read(m: dict, n: int) -> None:
    """Server-side time of the page-of-ids query, for the sample users: precomputed timeline
    against the feed computed at read time (PostgreSQL: EXPLAIN ANALYZE planning + execution;
    SQLite: time of the query in this process)."""
    from django.db import connection

    viewers = [u["id"] for u in m["sample_users"]][: max(8, min(n, 64))]
    shapes = {"timeline (fan-out on write)": TIMELINE_SQL, "on read, OR filter": ON_READ_FILTER_SQL}
    if connection.vendor == "postgresql":
        shapes["on read, LATERAL per source"] = ON_READ_LATERAL_SQL
    with connection.cursor() as cur:
        for label, sql in shapes.items():
            times = []
            for v in viewers:
                for attempt in range(2):  # the first run warms the cache
                    if connection.vendor == "postgresql":
                        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, {"v": v})
                        plan = cur.fetchone()[0]
                        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                        ms = plan["Planning Time"] + plan["Execution Time"]
                    else:
                        t0 = time.process_time()
                        cur.execute(sql, {"v": v})
                        cur.fetchall()
                        ms = (time.process_time() - t0) * 1000
                    if attempt:
                        times.append(ms)
            times.sort()
            print(
                f"{label:<32} median {times[len(times) // 2]:7.2f} ms, "
                f"p90 {times[int(len(times) * 0.9)]:7.2f} ms, max {times[-1]:7.2f} ms "
                f"({len(times)} viewers)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--manifest")
    parser.add_argument("--repeat", type=int, default=0, help="default: 40 home, 10 others")
    parser.add_argument(
        "--pg-prepared",
        action="store_true",
        help="PostgreSQL: server-side binding + automatic prepared statements (OPTIONS "
        "server_side_binding=True, prepare_threshold=5) instead of Django's defaults",
    )
    parser.add_argument(
        "--followers",
        type=int,
        default=0,
        help="fanout: the author with about this many followers (default: the celebrity)",
    )
    parser.add_argument("experiment", choices=["home", "create", "fanout", "read"])
    args = parser.parse_args()
    url = args.database_url
    vendor = vendor_of(url)
    mpath = Path(args.manifest or ROOT / "bench" / "results" / f"dataset-{vendor}.json")
    m = json.loads(mpath.read_text())
    os.environ.update(
        DATABASE_URL=url,
        AGORA_DATA_DIR=m.get("data_dir") or str(default_data_dir(url)),
        DJANGO_SETTINGS_MODULE="agora.settings",
        ALLOWED_HOSTS="testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    if args.pg_prepared and vendor == "postgresql":
        settings.DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, prepare_threshold=5
        )
    # tasks are recorded, not run (if the backends were not already set up at import time;
    # otherwise exp_create deletes what it queued)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    print(f"{vendor} ({m.get('dataset')}): {args.experiment}{' (prepared)' * args.pg_prepared}")
    n = args.repeat or (40 if args.experiment == "home" else 10)
    if args.experiment == "fanout":
        exp_fanout(m, n, args.followers)
    else:
        {"home": exp_home, "create": exp_create, "read": exp_read}[args.experiment](m, n)


if __name__ == "__main__":
    main()
