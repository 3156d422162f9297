"""Expert-finder latency on an enterprise-M-sized Q&A set.

Builds (once, --build) a database with the enterprise-M population — 10,000 people, 300
communities (60% open, 25% on request, 15% secret) with memberships — and 100,000 questions
with 200,000 answers whose texts and tags are drawn from the Stack Exchange dumps (each
answerer keeps to one or two "home" sites, so topics cluster as they do in a company; a power
law decides who answers most). Then times `find_experts` for queries built from real
questions, as employees (readable places: profile questions, open communities, their own)
and as the operator (viewer None), and prints p50/p95/max.

    .venv/bin/python bench/experts/latency.py --database-url sqlite:////tmp/xl/agora.sqlite3 --build
    .venv/bin/python bench/experts/latency.py --database-url sqlite:////tmp/xl/agora.sqlite3
    # after a change to the evidence index: migrate, rebuild the index, measure
    .venv/bin/python bench/experts/latency.py --database-url sqlite:////tmp/xl/agora.sqlite3 \
        --reindex
    # another checkout's code on the same data (before/after): git archive <commit> agora | tar …
    .venv/bin/python bench/experts/latency.py --database-url … --root /tmp/old

CPU: this process's, and on PostgreSQL the server backend's serving it (from
/proc/<pid>/schedstat, the server being on this machine), so the figures say what a query
costs whatever else the shared machine runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

PEOPLE = 10_000
COMMUNITIES = 300
QUESTIONS = 100_000
ANSWERS_PER_QUESTION = 2
SEED = 2024
DUMPS = Path("/work/shared/data/stackexchange")


def setup(database_url: str, data_dir: str | None):
    os.environ["DATABASE_URL"] = database_url
    if data_dir:
        os.environ["AGORA_DATA_DIR"] = data_dir
    elif database_url.startswith("sqlite:///"):
        os.environ["AGORA_DATA_DIR"] = str(Path(database_url[len("sqlite:///") :]).parent)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
    import django

    django.setup()


def corpus():
    from dumps import read_posts

    sites = []
    for directory in sorted(DUMPS.iterdir()):
        posts = read_posts(directory)
        questions = [p for p in posts if p.kind == 1 and p.title]
        answers = [p for p in posts if p.kind == 2 and p.body]
        sites.append((directory.name, questions, answers))
    return sites


def build(questions_wanted: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from agora.communities.models import Community, Membership
    from agora.conversations.models import Hashtag, Post, PostHashtag
    from agora.people.models import Profile
    from agora.qa.models import Answer, Question

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    User = get_user_model()
    sites = corpus()
    started = time.monotonic()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                username=f"xp{i:05d}",
                kind="guest" if i % 100 == 99 else "employee",
                password="!",
            )
            for i in range(PEOPLE)
        )
        Profile.objects.bulk_create(
            Profile(user=u, display_name=f"Person {u.username}", name_key=f"person {u.username}")
            for u in users
        )
        kinds = ["open"] * 60 + ["request"] * 25 + ["secret"] * 15
        communities = Community.objects.bulk_create(
            Community(name=f"Team {i}", slug=f"xp-team-{i}", kind=kinds[i % 100])
            for i in range(COMMUNITIES)
        )
        memberships = set()
        for c_i, community in enumerate(communities):
            size = int(4000 / (c_i + 1) ** 0.9) + 5
            for u in rng.sample(users, min(size, len(users))):
                memberships.add((community.pk, u.pk))
        Membership.objects.bulk_create(
            (Membership(community_id=c, user_id=u) for c, u in memberships), batch_size=5000
        )
        tag_names = sorted({t for _n, qs, _a in sites for q in qs for t in q.tags})
        tags = {
            t.name: t
            for t in Hashtag.objects.bulk_create(
                Hashtag(name=n[:64], key=n[:64].lower()) for n in tag_names
            )
        }
        # Answerers: a power law of activity, each with home sites (topics).
        weights = [1 / (r + 1) ** 0.8 for r in range(PEOPLE)]
        home = {u.pk: rng.sample(range(len(sites)), rng.choice([1, 1, 2])) for u in users}
        # …and the one to three communities where they answer (besides profile questions).
        home_communities = {u.pk: rng.sample(communities, rng.choice([1, 2, 3])) for u in users}

        def answerer(site_i):
            while True:
                author = rng.choices(users, weights=weights)[0]
                if site_i in home[author.pk] or rng.random() < 0.05:
                    return author

        span = timedelta(days=730)
        start = datetime(2024, 1, 1, tzinfo=UTC)
        for batch in range(questions_wanted // 5000):
            posts, specs = [], []
            for _ in range(5000):
                site_i = rng.randrange(len(sites))
                _name, qs, ans = sites[site_i]
                q = rng.choice(qs)
                when = start + span * rng.random()
                authors = [answerer(site_i) for _ in range(ANSWERS_PER_QUESTION)]
                community = (
                    rng.choice(home_communities[authors[0].pk]) if rng.random() < 0.65 else None
                )
                posts.append(
                    Post(
                        kind=Post.Kind.QUESTION,
                        author=rng.choice(users),
                        community=community,
                        title=q.title[:200],
                        body=q.body[:4000],
                        body_html="",
                        created_at=when,
                    )
                )
                specs.append((site_i, q, when, authors))
            posts = Post.objects.bulk_create(posts)
            questions = Question.objects.bulk_create(
                Question(post=p, created_at=p.created_at, last_activity_at=p.created_at)
                for p in posts
            )
            PostHashtag.objects.bulk_create(
                (
                    PostHashtag(post=p, hashtag=tags[t], created_at=p.created_at)
                    for p, (_s, q, _w, _a) in zip(posts, specs, strict=True)
                    for t in set(q.tags)
                    if t in tags
                ),
                ignore_conflicts=True,
            )
            answers = []
            for question, (site_i, _q, when, authors) in zip(questions, specs, strict=True):
                for author in authors:
                    body = rng.choice(sites[site_i][2]).body[:3000]
                    answers.append(
                        Answer(
                            question=question,
                            author=author,
                            body=body,
                            body_html="",
                            score=rng.randint(-1, 12),
                            created_at=when + timedelta(hours=rng.random() * 48),
                        )
                    )
            answers = Answer.objects.bulk_create(answers)
            accepted = []
            for i, question in enumerate(questions):
                if rng.random() < 0.6:
                    question.accepted_answer = answers[i * ANSWERS_PER_QUESTION]
                    accepted.append(question)
            Question.objects.bulk_update(accepted, ["accepted_answer"])
            print(f"  questions {(batch + 1) * 5000:,}", flush=True)
    print(f"built in {time.monotonic() - started:.0f} s; indexing…", flush=True)
    reindex()


def reindex() -> None:
    from django.core.management import call_command

    from agora.experts import index

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    people = index.rebuild()
    print(f"indexed {people:,} answerers in {time.monotonic() - started:.0f} s", flush=True)


def backend_cpu_ns(connection):
    """A function returning the CPU time (ns) of the PostgreSQL backend serving `connection`
    (0 elsewhere, or when the server is not on this machine)."""
    if connection.vendor != "postgresql":
        return lambda: 0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cur.fetchone()[0]}/schedstat")
    if not stat.exists():
        return lambda: 0
    return lambda: int(stat.read_text().split()[0])


def measure(n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries

    from agora.experts.models import ExpertStat, ExpertTerm
    from agora.experts.services import find_experts
    from agora.qa.models import Answer

    rng = random.Random(7)
    sites = corpus()
    viewers = list(get_user_model().objects.filter(kind="employee").order_by("?")[:50])
    print(
        f"answers {Answer.objects.count():,}, index rows: stats {ExpertStat.objects.count():,}, "
        f"terms {ExpertTerm.objects.count():,}"
    )
    queries = []
    for _ in range(n):
        _name, qs, _a = rng.choice(sites)
        q = rng.choice(qs)
        queries.append((q.title + "\n\n" + q.body, q.tags))
    short = [(q.title, []) for _n, qs, _a in sites for q in rng.sample(qs, 10)]
    find_experts(None, "warm up", ["python"])
    db_ns = backend_cpu_ns(connection)
    for label, viewer_of, batch in (
        ("employee, question text + tags", lambda i: viewers[i % len(viewers)], queries),
        ("employee, title only", lambda i: viewers[i % len(viewers)], short),
        ("operator (all places), question text + tags", lambda i: None, queries),
    ):
        times, cpu, db, both = [], [], [], []
        for i, (text, tags) in enumerate(batch):
            reset_queries()
            t, c, d = time.perf_counter(), time.process_time(), db_ns()
            find_experts(viewer_of(i), text, tags, limit=10)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            db.append((db_ns() - d) / 1e6)
            both.append(cpu[-1] + db[-1])
        for values in (times, cpu, db, both):
            values.sort()
        p95 = int(0.95 * (len(times) - 1))
        # CPU: this process's (with SQLite, the database's work too) and PostgreSQL's backend:
        # what the figures would be on an idle machine, as other jobs share the cores.
        server = (
            f" + server p50 {statistics.median(db):5.1f} p95 {db[p95]:5.1f} ms = "
            f"p50 {statistics.median(both):5.1f} p95 {both[p95]:5.1f} ms"
            if connection.vendor == "postgresql"
            else ""
        )
        print(
            f"{label:45s} n={len(times):4d} p50 {statistics.median(times):6.1f} ms  "
            f"p95 {times[p95]:6.1f} ms  max {times[-1]:6.1f} ms  "
            f"(CPU p50 {statistics.median(cpu):5.1f} p95 {cpu[p95]:5.1f} ms{server}; "
            f"load {os.getloadavg()[0]:.1f}; {connection.vendor})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--data-dir")
    ap.add_argument("--build", action="store_true", help="Create the dataset first.")
    ap.add_argument(
        "--reindex",
        action="store_true",
        help="Migrate and rebuild the evidence index of an existing dataset first.",
    )
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--questions", type=int, default=QUESTIONS, help="Questions to build.")
    ap.add_argument("--root", help="Measure the agora/ of this checkout instead.")
    args = ap.parse_args()
    if args.root:
        sys.path.insert(0, str(Path(args.root).resolve()))
    setup(args.database_url, args.data_dir)
    if args.root:
        import agora

        print(f"code: {Path(agora.__file__).parent}")
    if args.build:
        build(args.questions)
    elif args.reindex:
        reindex()
    measure(args.queries)


if __name__ == "__main__":
    main()
