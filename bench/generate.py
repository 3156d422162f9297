"""Generate the "enterprise-M" (or the small "S") benchmark dataset into an empty database.

    .venv/bin/python bench/generate.py --size M --database-url postgres://postgres@127.0.0.1:5432/agora_bench
    .venv/bin/python bench/generate.py --size M --database-url sqlite:////tmp/bench-sqlite/agora.sqlite3

What it builds (size M; S is a tenth of the people and a twentieth of the content):

* 10,000 people (1% external guests, a few administrators), profiles, verified e-mail
  addresses, one shared password (printed in the manifest) so the web login works.
* A follow graph skewed like a real company: the person of follower rank r has about
  7,000 / r^0.7 followers (rank 1 = the "celebrity", 7,000 followers; rank 100 ~ 280;
  median ~ 18), ~350,000 follows in all.
* 300 communities (60% open, 25% on request, 15% secret); sizes 4,000 / k^0.9 (the largest is
  an open "all company" one), plus pending requests and invitations; owners and moderators.
* 1,000,000 posts over two years (35% on profiles, 65% in communities, weighted by community
  size; 3% of profile posts are articles; 20% carry a hashtag; a few pinned, hidden, deleted);
  3,000,000 comments (30% of them replies) and 5,000,000 reactions (4M on posts, 1M on
  comments, one per person per target, only by people who may read the target), distributed by
  a capped Pareto popularity so a few posts are hot and most are quiet.
* Denormalised counters (Post.comment_count, Post.reaction_count, Comment.reaction_count,
  Community.member_count) computed while generating and checked against the rows at the end.
* Home timelines consistent with agora/conversations/feed.py's fan-out rules (author; active
  members of the community; for profile posts and open-community posts, the author's and the
  hashtags' followers who are employees), built with one INSERT ... SELECT.
  Capped: fanning every post out to every reader since day one would be ~10^9 rows (a post in
  the 4,000-member community alone reaches 4,000 timelines), so each person's timeline keeps
  the posts newer than a per-person horizon chosen so that it holds ~500 entries (posts are
  spread uniformly in time, so horizon = now - span * 500 / posts-from-all-their-sources).
  Within the horizon the timeline is complete, as if older entries had been trimmed.
* Personal API tokens (through accounts.services.create_api_token) for a sample of employees
  and for the celebrity, and a JSON manifest in bench/results/dataset-<vendor>.json.

Loading: PostgreSQL gets COPY (psycopg cursor.copy) with foreign-key triggers off
(session_replication_role = replica) and secondary indexes dropped and rebuilt after the load;
SQLite gets executemany in big transactions with synchronous=OFF, journal_mode=OFF and its
secondary indexes dropped and rebuilt after the load. Both are ANALYZEd (PostgreSQL: VACUUM
ANALYZE, so index-only scans work at once).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import enum
import itertools
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from array import array
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-password-1"
DAY = 86400.0


@dataclass(frozen=True)
class Size:
    people: int
    communities: int
    posts: int
    comments: int
    post_reactions: int
    comment_reactions: int
    hashtags: int
    celebrity_followers: int
    follow_alpha: float = 0.7
    largest_community: float = 0.4  # share of the people in the biggest community
    community_alpha: float = 0.9
    profile_share: float = 0.35
    reply_share: float = 0.30
    tagged_share: float = 0.20
    timeline_cap: int = 500
    span_days: int = 730
    sample_users: int = 64


SIZES = {
    "M": Size(
        people=10_000,
        communities=300,
        posts=1_000_000,
        comments=3_000_000,
        post_reactions=4_000_000,
        comment_reactions=1_000_000,
        hashtags=300,
        celebrity_followers=7_000,
    ),
    "S": Size(
        people=1_000,
        communities=50,
        posts=50_000,
        comments=150_000,
        post_reactions=200_000,
        comment_reactions=50_000,
        hashtags=60,
        celebrity_followers=700,
        sample_users=32,
    ),
}


def _words(text: str, sep: str | None = None) -> list[str]:
    return [w.strip() for w in text.split(sep) if w.strip()]


FIRST = _words(
    "Ana Louis Camille Hugo Lea Nathan Chloe Lucas Emma Jules Alice Adam Sarah Paul Manon Leo "
    "Ines Tom Julie Noah Clara Arthur Zoe Ethan Lina Gabriel Eva Raphael Jade Mael Rose Sacha "
    "Priya Kenji Amara Diego Mei Omar Elif Jonas Freya Mateo Aisha Lars Yuki Tariq Ingrid Ravi"
)
LAST = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert "
    "Bonnet Francois Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel "
    "Nicolas Perrin Morin Mathieu Clement Gauthier Dumont Lopez Fontaine Chevalier Robin Schmidt "
    "Nguyen Kowalski Rossi Silva Okafor Tanaka Novak Jensen Haddad Kaur"
)
TOPICS = _words(
    "All company|Engineering|Data|Security|Design|Product|Sales|Marketing|Support|Finance|"
    "People|Legal|Facilities|Cloud|Mobile|Frontend|Backend|Platform|Quality|Research|Green team|"
    "Running club|Book club|Photography|Parents|Cycling|Music|Cooking|Board games|Language "
    "exchange|Mentoring|Diversity|Accessibility|Open source|Hackathon|Innovation|Customer voice|"
    "Partners|Procurement|Travel|Lyon office|Paris office|Nantes office|Remote workers|Newcomers",
    "|",
)
WORDS = _words(
    "the team shipped release customer feedback roadmap quarter planning meeting review design "
    "system latency database migration onboarding workshop slides demo sprint backlog incident "
    "postmortem dashboard metrics growth budget hiring interview office coffee lunch training "
    "security audit compliance partner contract launch campaign newsletter webinar survey "
    "results thanks everyone great work please share your ideas before friday monday next week "
    "we are looking for help with the new process tool documentation wiki guide question answer "
    "api mobile app website search performance bug fix test deploy production staging cloud "
    "cost saving energy travel policy holiday event party celebration welcome congratulations "
    "milestone anniversary project proposal draft comments feedback welcome how do you handle "
    "what is the best way to improve our internal communication across teams and sites"
)
TAG_WORDS = _words(
    "release security onboarding data design mobile cloud green hiring kudos ai devops "
    "frontend backend quality sales marketing support finance legal remote events learning "
    "mentoring accessibility opensource hackathon innovation travel wellbeing"
)
REACTION_KINDS = ["like", "celebrate", "support", "insightful", "curious"]
REACTION_WEIGHTS = [60, 12, 10, 12, 6]
KIND_COUNT_COLUMNS = [f"{kind}_count" for kind in REACTION_KINDS]  # ReactionCounts


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", flush=True)


# --- Database plumbing ---------------------------------------------------------------------------


class Loader:
    """Bulk loading for one vendor: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, url: str):
        self.url = url
        self.vendor = "sqlite" if url.startswith("sqlite") else "postgresql"
        self.conn = None
        self.dropped: dict[str, list[str]] = {}

    # connection ---------------------------------------------------------------------------------
    def connect(self) -> None:
        if self.vendor == "sqlite":
            import sqlite3

            self.conn = sqlite3.connect(sqlite_path(self.url), isolation_level=None)
            for pragma in (
                "PRAGMA journal_mode=OFF",
                "PRAGMA synchronous=OFF",
                "PRAGMA foreign_keys=OFF",
                "PRAGMA temp_store=MEMORY",
                "PRAGMA cache_size=-2000000",
                "PRAGMA mmap_size=8000000000",
            ):
                self.conn.execute(pragma)
        else:
            import psycopg

            self.conn = psycopg.connect(pg_url(self.url), autocommit=True)
            self.execute("SET synchronous_commit = off")
            self.execute("SET maintenance_work_mem = '1GB'")
            self.execute("SET work_mem = '512MB'")
            try:
                self.execute("SET session_replication_role = replica")  # no FK triggers
            except Exception as exc:  # not a superuser: keep the triggers, just slower
                log(f"session_replication_role not available ({exc}); FK triggers stay on")

    def close(self) -> None:
        if self.vendor == "sqlite":
            self.conn.execute("PRAGMA journal_mode=WAL")
        else:
            self.execute("SET session_replication_role = origin")
        self.conn.close()

    def execute(self, sql: str, params=()) -> list:
        if self.vendor == "sqlite":
            cur = self.conn.execute(sql, params)
            return cur.fetchall()
        with self.conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s") if params else sql, params or None)
            return cur.fetchall() if cur.description else []

    # loading ------------------------------------------------------------------------------------
    def copy(self, table: str, columns: list[str], rows) -> int:
        n = 0
        if self.vendor == "sqlite":
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(table), ", ".join(quote(c) for c in columns), ", ".join("?" * len(columns))
            )
            self.conn.execute("BEGIN")
            it = iter(rows)
            while True:
                chunk = list(itertools.islice(it, 200_000))
                if not chunk:
                    break
                self.conn.executemany(sql, chunk)
                n += len(chunk)
            self.conn.execute("COMMIT")
            return n
        cols = ", ".join(quote(c) for c in columns)
        with self.conn.cursor() as cur, cur.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as cp:
            write = cp.write_row
            for row in rows:
                write(row)
                n += 1
        return n

    # indexes ------------------------------------------------------------------------------------
    def drop_indexes(self, table: str) -> None:
        """Drop secondary indexes and unique constraints; remember how to rebuild them."""
        ddl: list[str] = []
        if self.vendor == "sqlite":
            for name, sql in self.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=? "
                "AND sql IS NOT NULL",
                (table,),
            ):
                ddl.append(sql)
                self.execute(f"DROP INDEX {quote(name)}")
        else:
            for name, definition in self.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'",
                (quote(table),),
            ):
                ddl.append(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
                self.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, definition in self.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                (quote(table),),
            ):
                ddl.append(definition)
                self.execute(f"DROP INDEX {quote(name)}")
        self.dropped[table] = ddl

    def rebuild_indexes(self, table: str) -> None:
        for sql in self.dropped.pop(table, []):
            self.execute(sql)

    def reset_sequence(self, table: str) -> None:
        if self.vendor == "postgresql":
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{quote(table)}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {quote(table)}))"
            )
        # SQLite AUTOINCREMENT tables update sqlite_sequence on explicit ids by themselves.

    def analyze(self) -> None:
        if self.vendor == "sqlite":
            self.execute("ANALYZE")
        else:
            self.execute("VACUUM (ANALYZE)")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_path(url: str) -> str:
    import dj_database_url

    return dj_database_url.parse(url)["NAME"]


def pg_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def vendor_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def default_data_dir(url: str) -> Path:
    if vendor_of(url) == "sqlite":
        return Path(sqlite_path(url)).resolve().parent
    return Path("/tmp") / f"bench-{urlsplit(pg_url(url)).path.lstrip('/') or 'pg'}"


def prepare_database(url: str, data_dir: Path, reset: bool) -> None:
    """An empty database with Agora's schema (`agora migrate`)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if vendor_of(url) == "sqlite":
        path = Path(sqlite_path(url))
        if path.exists() and path.stat().st_size > 0:
            if not reset:
                sys.exit(f"{path} exists: pass --reset to delete it and start again")
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        import psycopg

        parts = urlsplit(pg_url(url))
        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if exists and reset:
                conn.execute(f"DROP DATABASE {quote(name)} WITH (FORCE)")
                exists = None
            if not exists:
                conn.execute(f"CREATE DATABASE {quote(name)}")
        with psycopg.connect(pg_url(url)) as conn:
            has_users = conn.execute("SELECT to_regclass('accounts_user') IS NOT NULL").fetchone()[
                0
            ]
            if has_users:
                count = conn.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
                if count:
                    sys.exit(f"{name} already has {count} users: pass --reset to recreate it")
    agora = str(Path(sys.executable).parent / "agora")
    subprocess.run(
        [agora, "migrate", "--noinput", "-v0", "--skip-checks"], check=True, env=os.environ.copy()
    )


# --- Rows with every column (defaults filled from the models) -------------------------------------


class Rows:
    """Row layout of one model: the columns we generate, then every other concrete column
    filled with the model's default, so a new field with a default doesn't break the bench
    (a new NOT NULL field without a default stops it with a clear message)."""

    def __init__(self, model, columns: list[str], fmt_ts):
        from django.db import models as m

        self.table = model._meta.db_table
        self.columns = list(columns)
        extra_cols, extra_vals = [], []
        for f in model._meta.concrete_fields:
            if f.column in columns or (f.primary_key and isinstance(f, m.AutoField)):
                continue
            if f.has_default():
                value = f.get_default()
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = dt.datetime.now(dt.UTC)
            elif f.null:
                value = None
            elif (
                isinstance(f, (m.CharField, m.TextField))
                or getattr(f, "blank", False)
                and (isinstance(f, m.FileField))
            ):
                value = ""
            else:
                sys.exit(f"bench/generate.py: no value for {self.table}.{f.column}; update it")
            if isinstance(value, dt.datetime):
                value = fmt_ts(value.timestamp())
            elif isinstance(value, (list, dict)):
                value = json.dumps(value)
            elif isinstance(value, enum.Enum):
                value = value.value
            extra_cols.append(f.column)
            extra_vals.append(value)
        self.all_columns = self.columns + extra_cols
        self.suffix = tuple(extra_vals)

    def load(self, loader: Loader, rows) -> int:
        suffix = self.suffix
        full = (r + suffix for r in rows) if suffix else rows
        return loader.copy(self.table, self.all_columns, full)


# --- The generator ------------------------------------------------------------------------------


def pareto_weights(n: int, rng: random.Random, alpha: float, cap: float) -> list[float]:
    return [min(cap, rng.paretovariate(alpha)) for _ in range(n)]


def cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


class Generator:
    def __init__(self, size: Size, loader: Loader, seed: int):
        self.z = size
        self.db = loader
        self.rng = random.Random(seed)
        # The kinds of the reactions, drawn when a post's or comment's row is written (its
        # counters per kind go in the row) from a stream of their own.
        self.kind_rng = random.Random(seed + 1)
        self.kinds_cum = cumulative(REACTION_WEIGHTS)
        self.now = time.time() - 120
        self.t0 = self.now - size.span_days * DAY
        self.t1 = self.now - 60
        self.timings: dict[str, float] = {}
        if loader.vendor == "sqlite":
            utc = dt.UTC

            def fmt(ts: float) -> str:
                return str(dt.datetime.fromtimestamp(ts, utc).replace(tzinfo=None))
        else:
            utc = dt.UTC

            def fmt(ts: float) -> str:
                return str(dt.datetime.fromtimestamp(ts, utc))

        self.ts = fmt

    def phase(self, name: str, started: float) -> None:
        self.timings[name] = round(time.time() - started, 1)
        log(f"{name}: {self.timings[name]} s (load average {os.getloadavg()[0]:.1f})")

    # people ---------------------------------------------------------------------------------------
    def people(self) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from agora.accounts.models import User
        from agora.people.models import Department, Profile
        from agora.people.text import fold

        started = time.time()
        z, rng, ts = self.z, self.rng, self.ts
        n = z.people
        ids = list(range(1, n + 1))
        kinds = ["employee"] * n
        for i in rng.sample(range(10, n), max(5, n // 100)):
            kinds[i] = "guest"
        for i in range(5):
            kinds[i] = "admin"
        self.kind = {ids[i]: kinds[i] for i in range(n)}
        self.employees = [u for u in ids if self.kind[u] != "guest"]
        self.guests = [u for u in ids if self.kind[u] == "guest"]
        password = make_password(PASSWORD)
        self.usernames = {}
        names = {}
        for u in ids:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            names[u] = (first, last)
            self.usernames[u] = f"{first}.{last}{u}".lower()

        departments = [
            "Engineering", "Sales", "Marketing", "Finance", "People", "Legal", "Support",
            "Product", "Design", "Operations", "Research", "Data",
        ]  # fmt: skip
        dept_rows = Rows(Department, ["id", "name", "slug", "parent_id"], ts)
        dept_rows.load(self.db, ((i + 1, d, d.lower(), None) for i, d in enumerate(departments)))
        self.db.reset_sequence(dept_rows.table)

        user_rows = Rows(
            User,
            ["id", "password", "last_login", "is_superuser", "username", "first_name",
             "last_name", "email", "is_staff", "is_active", "date_joined", "kind", "language",
             "invited_by_id"],
            ts,
        )  # fmt: skip
        joined = self.t0 - 30 * DAY

        def users():
            for u in ids:
                first, last = names[u]
                kind = self.kind[u]
                domain = "partner.example" if kind == "guest" else "bench.agora.test"
                inviter = rng.choice(self.employees) if kind == "guest" else None
                yield (
                    u, password, None, kind == "admin", self.usernames[u], first, last,
                    f"{self.usernames[u]}@{domain}", kind == "admin", True,
                    ts(joined + rng.random() * 30 * DAY), kind, "", inviter,
                )  # fmt: skip

        user_rows.load(self.db, users())
        self.db.reset_sequence(user_rows.table)

        email_rows = Rows(EmailAddress, ["id", "user_id", "email", "verified", "primary"], ts)
        email_rows.load(
            self.db,
            (
                (
                    u,
                    u,
                    f"{self.usernames[u]}@"
                    f"{'partner.example' if self.kind[u] == 'guest' else 'bench.agora.test'}",
                    True,
                    True,
                )  # fmt: skip
                for u in ids
            ),
        )
        self.db.reset_sequence(email_rows.table)

        profile_rows = Rows(
            Profile,
            ["user_id", "display_name", "name_key", "headline", "bio", "bio_html", "team",
             "location", "department_id", "manager_id", "created_at", "updated_at"],
            ts,
        )  # fmt: skip
        cities = ["Paris", "Lyon", "Nantes", "Lille", "Berlin", "Madrid", "Remote"]

        def profiles():
            for idx, u in enumerate(ids):
                first, last = names[u]
                display = f"{first} {last}"
                manager = ids[(idx - 1) // 8] if idx > 0 and self.kind[u] != "guest" else None
                if manager is not None and self.kind[manager] == "guest":
                    manager = None
                yield (
                    u, display, fold(display), f"{rng.choice(WORDS).title()} at Bench Corp",
                    "", "", rng.choice(TOPICS), rng.choice(cities),
                    (idx % len(departments)) + 1 if self.kind[u] != "guest" else None, manager,
                    ts(joined), ts(joined),
                )  # fmt: skip

        profile_rows.load(self.db, profiles())
        self.phase("people", started)

    # follows ----------------------------------------------------------------------------------
    def follows(self) -> None:
        from agora.people.models import Follow

        started = time.time()
        z, rng = self.z, self.rng
        emp = self.employees
        ranked = emp[:]
        rng.shuffle(ranked)
        # keep the administrators out of rank 1 so the celebrity is an ordinary employee
        while self.kind[ranked[0]] != "employee":
            rng.shuffle(ranked)
        self.celebrity = ranked[0]
        self.followers: dict[int, list[int]] = {}
        self.followees: dict[int, list[int]] = {u: [] for u in self.kind}
        for r, star in enumerate(ranked, start=1):
            count = min(len(emp) - 1, max(2, round(z.celebrity_followers / r**z.follow_alpha)))
            chosen = rng.sample(emp, count + 1)
            chosen = [c for c in chosen if c != star][:count]
            self.followers[star] = chosen
            for c in chosen:
                self.followees[c].append(star)
        rows = Rows(Follow, ["id", "follower_id", "followee_id", "created_at"], self.ts)
        t0, span, ts = self.t0 - 20 * DAY, 20 * DAY, self.ts

        def gen():
            i = 0
            for star in ranked:
                for f in self.followers[star]:
                    i += 1
                    yield (i, f, star, ts(t0 + rng.random() * span))

        self.db.drop_indexes(rows.table)
        self.n_follows = rows.load(self.db, gen())
        self.db.rebuild_indexes(rows.table)
        self.db.reset_sequence(rows.table)
        # The profiles' follow counts (kept by the services in the product); everyone
        # generated is active.
        self.db.execute(
            "UPDATE people_profile SET "
            "follower_count = (SELECT count(*) FROM people_follow f "
            "WHERE f.followee_id = people_profile.user_id), "
            "following_count = (SELECT count(*) FROM people_follow f "
            "WHERE f.follower_id = people_profile.user_id)"
        )
        self.phase("follows", started)

    # communities --------------------------------------------------------------------------------
    def communities(self) -> None:
        from agora.communities.models import Community, Membership

        started = time.time()
        z, rng, ts = self.z, self.rng, self.ts
        n = z.communities
        self.ckind: dict[int, str] = {}
        self.members: dict[int, list[int]] = {}
        self.cslug: dict[int, str] = {}
        memberships = []  # (community, user, role, state)
        self.user_communities: dict[int, list[int]] = {u: [] for u in self.kind}
        for k in range(1, n + 1):
            kind = rng.choices(["open", "request", "secret"], [60, 25, 15])[0] if k > 1 else "open"
            self.ckind[k] = kind
            size = min(
                len(self.employees),
                max(3, round(z.largest_community * z.people / k**z.community_alpha)),
            )
            chosen = rng.sample(self.employees, size)
            self.members[k] = chosen
            for j, u in enumerate(chosen):
                role = "owner" if j == 0 else "moderator" if j <= 2 else "member"
                memberships.append((k, u, role, "active"))
                self.user_communities[u].append(k)
            inside = set(chosen)
            outsiders = rng.sample(self.employees, min(50, len(self.employees)))
            outsiders = [u for u in outsiders if u not in inside][: max(1, size // 50)]
            if kind == "request":
                memberships += [(k, u, "member", "pending") for u in outsiders]
            elif kind == "secret":
                memberships += [(k, u, "member", "invited") for u in outsiders]
        # External guests: each belongs to one or two request/secret communities.
        closed = [k for k in self.ckind if self.ckind[k] != "open"] or [1]
        for g in self.guests:
            for k in rng.sample(closed, min(len(closed), rng.choice([1, 1, 2]))):
                memberships.append((k, g, "guest", "active"))
                self.members[k].append(g)
                self.user_communities[g].append(k)
        topics = TOPICS[:]
        rows = Rows(
            Community,
            ["id", "name", "slug", "kind", "description", "description_html", "created_by_id",
             "created_at", "member_count"],
            ts,
        )  # fmt: skip

        def gen():
            for k in range(1, n + 1):
                name = topics[(k - 1) % len(topics)]
                if k > len(topics):
                    name = f"{name} {k}"
                slug = name.lower().replace(" ", "-")
                self.cslug[k] = slug
                desc = f"The {name} community."
                yield (
                    k, name, slug, self.ckind[k], desc, f"<p>{desc}</p>", self.members[k][0],
                    ts(self.t0 - 10 * DAY), len(self.members[k]),
                )  # fmt: skip

        rows.load(self.db, gen())
        self.db.reset_sequence(rows.table)
        mrows = Rows(
            Membership, ["id", "community_id", "user_id", "role", "state", "created_at"], ts
        )
        self.db.drop_indexes(mrows.table)
        mrows.load(
            self.db,
            (
                (i, k, u, role, state, ts(self.t0 - 5 * DAY))
                for i, (k, u, role, state) in enumerate(memberships, start=1)
            ),
        )
        self.db.rebuild_indexes(mrows.table)
        self.db.reset_sequence(mrows.table)
        self.n_memberships = len(memberships)
        self.phase("communities", started)

    # hashtags -----------------------------------------------------------------------------------
    def hashtags(self) -> None:
        from agora.conversations.models import Category, Hashtag, HashtagFollow
        from agora.people.text import fold

        started = time.time()
        z, rng, ts = self.z, self.rng, self.ts
        names = []
        for i in range(z.hashtags):
            w = TAG_WORDS[i % len(TAG_WORDS)]
            names.append(w if i < len(TAG_WORDS) else f"{w}{i}")
        self.tags = names
        Rows(Hashtag, ["id", "name", "key"], ts).load(
            self.db, ((i + 1, nm, fold(nm).replace(" ", "")) for i, nm in enumerate(names))
        )
        self.db.reset_sequence(Hashtag._meta.db_table)
        cats = ["News", "Engineering", "Life at work", "Customers", "Culture"]
        Rows(Category, ["id", "name", "slug"], ts).load(
            self.db, ((i + 1, c, c.lower().replace(" ", "-")) for i, c in enumerate(cats))
        )
        self.db.reset_sequence(Category._meta.db_table)
        self.n_categories = len(cats)
        # Tag popularity is Zipf-like; 10% of employees follow one to three tags.
        self.tag_cum = cumulative(1 / (r**1.1) for r in range(1, z.hashtags + 1))
        self.tag_follows: dict[int, list[int]] = {}
        rows = []
        for u in rng.sample(self.employees, len(self.employees) // 10):
            tags = {self.pick_tag() for _ in range(rng.choice([1, 2, 3]))}
            self.tag_follows[u] = sorted(tags)
            rows += [(u, t) for t in sorted(tags)]
        Rows(HashtagFollow, ["id", "user_id", "hashtag_id", "created_at"], ts).load(
            self.db, ((i, u, t, ts(self.t0)) for i, (u, t) in enumerate(rows, start=1))
        )
        self.db.reset_sequence(HashtagFollow._meta.db_table)
        self.phase("hashtags", started)

    def pick_tag(self) -> int:
        x = self.rng.random() * self.tag_cum[-1]
        return bisect.bisect_left(self.tag_cum, x) + 1

    # text ---------------------------------------------------------------------------------------
    def texts(self) -> None:
        """A pool of bodies with their rendered HTML (rendered by Agora's own Markdown)."""
        rng = self.rng

        def plain(text):
            return "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>"

        def render(text):
            # Agora's own rendering (links for #tags) when it works in this tree, else plain.
            try:
                from agora.conversations.parsing import link_entities
                from agora.core.markdown import render_markdown

                return render_markdown(link_entities(text, set()))
            except Exception:
                return plain(text)

        def sentence(lo, hi):
            words = rng.choices(WORDS, k=rng.randint(lo, hi))
            return " ".join(words).capitalize() + rng.choice([".", ".", "!", "?"])

        self.post_pool = []
        for _ in range(3000):
            body = sentence(8, 30)
            if rng.random() < 0.3:
                body += "\n\n" + sentence(5, 25)
            self.post_pool.append((body, render(body)))
        self.tagged_pool = {}
        for t, name in enumerate(self.tags, start=1):
            variants = []
            for _ in range(4):
                body = sentence(8, 25) + f" #{name}"
                variants.append((body, render(body)))
            self.tagged_pool[t] = variants
        self.comment_pool = []
        for _ in range(3000):
            body = sentence(3, 18)
            self.comment_pool.append((body, render(body)))

    # posts --------------------------------------------------------------------------------------
    def posts(self) -> None:
        from agora.conversations.models import Post, PostHashtag

        started = time.time()
        z, rng, ts = self.z, self.rng, self.ts
        n = z.posts
        rand = rng.random
        # When: uniform over the span, ids in time order.
        times = sorted(self.t0 + rand() * (self.t1 - self.t0) for _ in range(n))
        times[-1] = self.t1
        # Who and where.
        activity = {u: min(50.0, rng.paretovariate(1.5)) for u in self.employees}
        emp_cum = cumulative(activity[u] for u in self.employees)
        com_ids = list(self.ckind)
        com_cum = cumulative(len(self.members[k]) ** 0.8 for k in com_ids)
        author = [0] * n
        community = [0] * n  # 0: on the author's profile
        for p in range(n):
            if rand() < z.profile_share:
                author[p] = self.employees[bisect.bisect_left(emp_cum, rand() * emp_cum[-1])]
            else:
                k = com_ids[bisect.bisect_left(com_cum, rand() * com_cum[-1])]
                community[p] = k
                author[p] = rng.choice(self.members[k])
        self.times, self.author, self.community = times, author, community
        # Popularity: capped Pareto; comment and reaction counts drawn from it.
        pop = pareto_weights(n, rng, 1.3, 60.0)
        # Special posts: live, on an employee's profile, recent-ish.
        self.deleted, self.hidden, self.pinned = set(), set(), set()
        for p in rng.sample(range(n), n // 500):
            self.deleted.add(p)
        for p in rng.sample(range(n), n // 1000):
            self.hidden.add(p)
        by_community: dict[int, list[int]] = {}
        for p in range(n):
            if community[p]:
                by_community.setdefault(community[p], []).append(p)
        self.by_community = by_community
        for ps in by_community.values():
            for p in ps[-40:][:2]:
                self.pinned.add(p)
        recent_profile = [
            p
            for p in range(n - 1, max(-1, n - 20000), -1)
            if community[p] == 0 and p not in self.deleted and p not in self.hidden
        ]
        self.post50 = recent_profile[5]
        self.target_posts = recent_profile[10:410]  # where the bench comments and reacts
        # Comment counts: multinomial over popularity, exactly z.comments in all.
        counts = self.multinomial(pop, z.comments)
        delta = 50 - counts[self.post50]
        counts[self.post50] = 50
        self.adjust(counts, -delta, avoid={self.post50})
        self.comment_counts = counts
        # Reaction counts: the same popularity, capped by who may read the post.
        rcounts = self.multinomial(pop, z.post_reactions)
        spill = 0
        for p in range(n):
            cap = len(self.pool_of(p))
            if rcounts[p] > cap:
                spill += rcounts[p] - cap
                rcounts[p] = cap
        while spill:
            p = int(rand() * n)
            if rcounts[p] < len(self.pool_of(p)):
                rcounts[p] += 1
                spill -= 1
        self.reaction_counts = rcounts
        tagged = [0] * n
        for p in range(n):
            if rand() < z.tagged_share:
                tagged[p] = self.pick_tag()
        self.tagged = tagged

        pool, tpool = self.post_pool, self.tagged_pool
        ncat = self.n_categories
        rows = Rows(
            Post,
            ["id", "kind", "author_id", "community_id", "title", "category_id", "body",
             "body_html", "created_at", "pinned_at", "hidden_at", "deleted_at", "comment_count",
             "reaction_count", *KIND_COUNT_COLUMNS, "hashtag_names", "attachment_count"],
            ts,
        )  # fmt: skip
        self.times_fmt = [None] * n
        tag_names = self.tags
        self.post_kinds = [array("l", bytes(8 * n)) for _ in REACTION_KINDS]

        def gen():
            for p in range(n):
                t = times[p]
                tf = ts(t)
                self.times_fmt[p] = tf
                c = community[p] or None
                if tagged[p]:
                    body, html = rng.choice(tpool[tagged[p]])
                else:
                    body, html = pool[int(rand() * len(pool))]
                kind, title, cat = "post", "", None
                if c is None and rand() < 0.03:
                    kind, title, cat = "article", body[:60].rstrip(" .!?"), 1 + int(rand() * ncat)
                yield (
                    p + 1, kind, author[p], c, title, cat, body, html, tf,
                    ts(t + 3600) if p in self.pinned else None,
                    ts(t + 7200) if p in self.hidden else None,
                    ts(t + 7200) if p in self.deleted else None,
                    counts[p], rcounts[p], *self.draw_kinds(rcounts[p], self.post_kinds, p),
                    tag_names[tagged[p] - 1] if tagged[p] else "", 0,
                )  # fmt: skip

        self.db.drop_indexes(rows.table)
        self.db.drop_indexes(PostHashtag._meta.db_table)
        rows.load(self.db, gen())
        self.db.reset_sequence(rows.table)
        trows = Rows(PostHashtag, ["id", "post_id", "hashtag_id", "created_at"], ts)
        self.n_post_tags = trows.load(
            self.db,
            (
                (i, p + 1, t, self.times_fmt[p])
                for i, (p, t) in enumerate(((p, t) for p, t in enumerate(tagged) if t), start=1)
            ),
        )
        self.db.reset_sequence(trows.table)
        self.phase("posts (rows)", started)
        started = time.time()
        self.db.rebuild_indexes(rows.table)
        self.db.rebuild_indexes(trows.table)
        self.phase("posts (indexes)", started)

    def draw_kinds(self, r: int, into: list[array], i: int) -> list[int]:
        """Split r reactions among the kinds (REACTION_WEIGHTS); kept in `into[k][i]` for
        the reactions' rows, and returned for the counters of the row being written."""
        split = [0] * len(REACTION_KINDS)
        if r:
            cum, rand, bl = self.kinds_cum, self.kind_rng.random, bisect.bisect_left
            for _ in range(r):
                split[bl(cum, rand() * 100)] += 1
            for k, c in enumerate(split):
                into[k][i] = c
        return split

    def kinds_of(self, split: list[array], i: int) -> list[str]:
        """The kinds of the reactions of entry i, in kind order (their users and times are
        drawn at random, so the order means nothing)."""
        return [kind for k, kind in enumerate(REACTION_KINDS) for _ in range(split[k][i])]

    def pool_of(self, p: int) -> list[int]:
        """Who may read post p (and so react and comment): a closed community's members,
        otherwise the employees."""
        k = self.community[p]
        if k and self.ckind[k] != "open":
            return self.members[k]
        return self.employees

    def multinomial(self, weights: list[float], total: int) -> list[int]:
        cum = cumulative(weights)
        top = cum[-1]
        counts = [0] * len(weights)
        rand = self.rng.random
        bl = bisect.bisect_left
        for _ in range(total):
            counts[bl(cum, rand() * top)] += 1
        return counts

    def adjust(self, counts: list[int], delta: int, avoid: set[int]) -> None:
        """Add (delta > 0) or remove (delta < 0) that many units from random entries."""
        n = len(counts)
        rand = self.rng.random
        while delta:
            i = int(rand() * n)
            if i in avoid:
                continue
            if delta > 0:
                counts[i] += 1
                delta -= 1
            elif counts[i] > 0:
                counts[i] -= 1
                delta += 1

    # comments -----------------------------------------------------------------------------------
    def comments(self) -> None:
        from agora.conversations.models import Comment, Reaction

        started = time.time()
        z, rng, ts = self.z, self.rng, self.ts
        rand = rng.random
        n_comments = z.comments
        # Comment reactions: uniform over comments (Poisson ~0.33 each), capped later.
        cr = [0] * n_comments
        for _ in range(z.comment_reactions):
            cr[int(rand() * n_comments)] += 1
        pool = self.comment_pool
        npool = len(pool)
        reply_share = z.reply_share
        now = self.now
        meta_post = array("l")  # per comment: its post (index), for the comment reactions
        meta_time = array("d")  # and its time
        rows = Rows(
            Comment,
            ["id", "post_id", "parent_id", "author_id", "body", "body_html", "created_at",
             "reaction_count", *KIND_COUNT_COLUMNS],
            ts,
        )  # fmt: skip
        expo = rng.expovariate
        comment_kinds = [array("H", bytes(2 * n_comments)) for _ in REACTION_KINDS]
        draw_kinds = self.draw_kinds

        def gen():
            cid = 0
            for p, c in enumerate(self.comment_counts):
                if not c:
                    continue
                readers = self.pool_of(p)
                t = self.times[p]
                tops: list[int] = []
                for _ in range(c):
                    cid += 1
                    t = min(now, t + expo(1 / 7200.0))
                    parent = None
                    if tops and rand() < reply_share:
                        parent = tops[int(rand() * len(tops))]
                    else:
                        tops.append(cid)
                    r = cr[cid - 1]
                    if r > len(readers):
                        r = cr[cid - 1] = len(readers)
                    body, html = pool[int(rand() * npool)]
                    meta_post.append(p)
                    meta_time.append(t)
                    yield (
                        cid, p + 1, parent, readers[int(rand() * len(readers))], body, html,
                        ts(t), r, *draw_kinds(r, comment_kinds, cid - 1),
                    )  # fmt: skip

        self.db.drop_indexes(rows.table)
        self.n_comments = rows.load(self.db, gen())
        self.db.reset_sequence(rows.table)
        self.phase("comments (rows)", started)

        started = time.time()
        rrows = Rows(Reaction, ["id", "user_id", "post_id", "comment_id", "kind", "created_at"], ts)
        sample, kinds_of = rng.sample, self.kinds_of

        def gen_reactions():
            rid = 0
            for p, r in enumerate(self.reaction_counts):
                if not r:
                    continue
                t = self.times[p]
                kinds = kinds_of(self.post_kinds, p)
                for u, kind in zip(sample(self.pool_of(p), r), kinds, strict=True):
                    rid += 1
                    yield (rid, u, p + 1, None, kind, ts(min(now, t + expo(1 / 86400.0))))
            for ci, r in enumerate(cr):
                if not r:
                    continue
                p, t = meta_post[ci], meta_time[ci]
                kinds = kinds_of(comment_kinds, ci)
                for u, kind in zip(sample(self.pool_of(p), r), kinds, strict=True):
                    rid += 1
                    yield (rid, u, None, ci + 1, kind, ts(min(now, t + expo(1 / 86400.0))))

        self.db.drop_indexes(rrows.table)
        self.n_reactions = rrows.load(self.db, gen_reactions())
        self.db.reset_sequence(rrows.table)
        self.n_comment_reactions = sum(cr)
        self.phase("reactions (rows)", started)
        started = time.time()
        self.db.rebuild_indexes(rows.table)
        self.db.rebuild_indexes(rrows.table)
        self.phase("comments and reactions (indexes)", started)

    # timelines ----------------------------------------------------------------------------------
    def timelines(self) -> None:
        from agora.conversations.models import TimelineEntry

        started = time.time()
        z, ts = self.z, self.ts
        n = z.posts
        own = [0] * (z.people + 1)
        profile = [0] * (z.people + 1)  # profile posts + open-community posts, per author
        per_community: dict[int, int] = {k: len(v) for k, v in self.by_community.items()}
        per_tag = [0] * (z.hashtags + 1)
        for p in range(n):
            a, k = self.author[p], self.community[p]
            own[a] += 1
            reachable = not k or self.ckind[k] == "open"
            if reachable:
                profile[a] += 1
                if self.tagged[p]:
                    per_tag[self.tagged[p]] += 1
        span = self.t1 - self.t0
        cap = z.timeline_cap
        self.incoming: dict[int, int] = {}
        horizons = []
        for u in self.kind:
            total = own[u] + sum(per_community.get(k, 0) for k in self.user_communities[u])
            if self.kind[u] != "guest":
                total += sum(profile[f] for f in self.followees[u])
                total += sum(per_tag[t] for t in self.tag_follows.get(u, ()))
            self.incoming[u] = total
            horizon = self.t0 - DAY if total <= cap else self.t1 - span * cap / total
            horizons.append((u, ts(horizon)))
        db = self.db
        db.execute("DROP TABLE IF EXISTS bench_horizon")
        stamp = "timestamp with time zone" if db.vendor == "postgresql" else "datetime"
        db.execute(f"CREATE TABLE bench_horizon (user_id bigint PRIMARY KEY, horizon {stamp})")
        db.copy("bench_horizon", ["user_id", "horizon"], horizons)
        db.execute("ANALYZE bench_horizon")
        table = TimelineEntry._meta.db_table
        db.drop_indexes(table)
        if db.vendor == "sqlite":
            # the UNIQUE (user, post) constraint lives in CREATE TABLE: rows go in that order
            db.execute("BEGIN")
        sql = f"""
        INSERT INTO {table} (user_id, post_id, created_at)
        SELECT user_id, post_id, created_at FROM (
            SELECT p.author_id AS user_id, p.id AS post_id, p.created_at AS created_at
              FROM conversations_post p
              JOIN bench_horizon h ON h.user_id = p.author_id
             WHERE p.created_at >= h.horizon
            UNION
            SELECT m.user_id, p.id, p.created_at
              FROM communities_membership m
              JOIN bench_horizon h ON h.user_id = m.user_id
              JOIN conversations_post p
                ON p.community_id = m.community_id AND p.created_at >= h.horizon
             WHERE m.state = 'active'
            UNION
            SELECT f.follower_id, p.id, p.created_at
              FROM people_follow f
              JOIN accounts_user u ON u.id = f.follower_id AND u.kind <> 'guest'
              JOIN bench_horizon h ON h.user_id = f.follower_id
              JOIN conversations_post p
                ON p.author_id = f.followee_id AND p.created_at >= h.horizon
              LEFT JOIN communities_community c ON c.id = p.community_id
             WHERE p.community_id IS NULL OR c.kind = 'open'
            UNION
            SELECT hf.user_id, p.id, p.created_at
              FROM conversations_hashtagfollow hf
              JOIN accounts_user u ON u.id = hf.user_id AND u.kind <> 'guest'
              JOIN bench_horizon h ON h.user_id = hf.user_id
              JOIN conversations_posthashtag ph
                ON ph.hashtag_id = hf.hashtag_id AND ph.created_at >= h.horizon
              JOIN conversations_post p ON p.id = ph.post_id
              LEFT JOIN communities_community c ON c.id = p.community_id
             WHERE p.community_id IS NULL OR c.kind = 'open'
        ) AS audience
        ORDER BY user_id, post_id
        """
        if db.vendor == "postgresql":
            # Statistics for the freshly loaded tables, and nested loops over the (community,
            # created_at) and (author, created_at) indexes: a hash join on community_id alone
            # would pair every member with every post of the community (~10^9 rows) before
            # applying the horizon.
            for t in (
                "conversations_post",
                "communities_membership",
                "people_follow",
                "conversations_posthashtag",
                "conversations_hashtagfollow",
                "accounts_user",
            ):
                db.execute(f"ANALYZE {t}")
            db.execute("BEGIN")
            db.execute("SET LOCAL enable_hashjoin = off")
            db.execute("SET LOCAL enable_mergejoin = off")
            db.execute(sql)
            db.execute("COMMIT")
        else:
            db.execute(sql)
            db.execute("COMMIT")
        db.execute("DROP TABLE bench_horizon")
        self.phase("timelines (rows)", started)
        started = time.time()
        db.rebuild_indexes(table)
        db.reset_sequence(table)
        self.phase("timelines (indexes)", started)

    # finishing ----------------------------------------------------------------------------------
    def finish(self) -> dict:
        started = time.time()
        self.db.analyze()
        self.phase("analyze", started)
        started = time.time()
        db = self.db
        counts = {}
        for label, table in [
            ("people", "accounts_user"),
            ("communities", "communities_community"),
            ("memberships", "communities_membership"),
            ("follows", "people_follow"),
            ("posts", "conversations_post"),
            ("comments", "conversations_comment"),
            ("reactions", "conversations_reaction"),
            ("timeline_entries", "conversations_timelineentry"),
            ("hashtag_follows", "conversations_hashtagfollow"),
            ("post_hashtags", "conversations_posthashtag"),
        ]:
            counts[label] = db.execute(f"SELECT count(*) FROM {table}")[0][0]
        checks = {
            "sum(comment_count) = comments": db.execute(
                "SELECT sum(comment_count) FROM conversations_post"
            )[0][0]
            == counts["comments"],
            "sum(post reaction_count) = post reactions": db.execute(
                "SELECT sum(reaction_count) FROM conversations_post"
            )[0][0]
            == db.execute("SELECT count(*) FROM conversations_reaction WHERE post_id IS NOT NULL")[
                0
            ][0],
            "sum(comment reaction_count) = comment reactions": db.execute(
                "SELECT sum(reaction_count) FROM conversations_comment"
            )[0][0]
            == db.execute(
                "SELECT count(*) FROM conversations_reaction WHERE comment_id IS NOT NULL"
            )[0][0],
            "posts with hashtag_names = tagged posts": db.execute(
                "SELECT count(*) FROM conversations_post WHERE hashtag_names <> ''"
            )[0][0]
            == db.execute("SELECT count(DISTINCT post_id) FROM conversations_posthashtag")[0][0],
            # per kind, as reactions: sum over the targets of the counter, and the rows
            **{
                f"sum({column}) = {kind} reactions ({what})": db.execute(
                    f"SELECT sum({column}) FROM conversations_{what}"
                )[0][0]
                == db.execute(
                    f"SELECT count(*) FROM conversations_reaction WHERE {what}_id IS NOT NULL"
                    f" AND kind = '{kind}'"
                )[0][0]
                for what in ("post", "comment")
                for kind, column in zip(REACTION_KINDS, KIND_COUNT_COLUMNS, strict=True)
            },
            "member_count = active memberships": db.execute(
                "SELECT count(*) FROM communities_community c WHERE member_count <> "
                "(SELECT count(*) FROM communities_membership m WHERE m.community_id = c.id "
                "AND m.state = 'active')"
            )[0][0]
            == 0,
            "follower_count = follows": db.execute(
                "SELECT count(*) FROM people_profile p WHERE follower_count <> "
                "(SELECT count(*) FROM people_follow f WHERE f.followee_id = p.user_id)"
            )[0][0]
            == 0,
            "post with 50 comments": db.execute(
                "SELECT count(*) FROM conversations_comment WHERE post_id = ?", (self.post50 + 1,)
            )[0][0]
            == 50,
        }
        per_user = db.execute(
            "SELECT min(n), avg(n), max(n) FROM (SELECT user_id, count(*) AS n FROM "
            "conversations_timelineentry GROUP BY user_id) AS t"
        )[0]
        self.phase("checks", started)
        for name, ok in checks.items():
            log(f"check {name}: {'ok' if ok else 'FAILED'}")
        return {
            "counts": counts,
            "checks": checks,
            "timeline_per_user": {
                "min": per_user[0],
                "avg": round(float(per_user[1]), 1),
                "max": per_user[2],
            },
        }


def make_tokens(gen: Generator, size: Size) -> dict:
    """API tokens through Agora's own service, for the sample users and the celebrity."""
    from django.contrib.auth import get_user_model

    from agora.accounts.services import create_api_token

    rng = random.Random(7)
    # Sample users: employees with a full timeline (~cap entries), so the deep page exists.
    candidates = [
        u
        for u in gen.employees
        if gen.kind[u] == "employee"
        and u != gen.celebrity
        and gen.incoming.get(u, 0) >= 2 * size.timeline_cap
        and gen.user_communities[u]
    ]
    sample = rng.sample(candidates, min(size.sample_users, len(candidates)))
    User = get_user_model()
    users = {u.pk: u for u in User.objects.filter(pk__in=[*sample, gen.celebrity])}

    def entry(uid):
        _token, secret = create_api_token(users[uid], "bench")
        user = users[uid]
        return {"id": uid, "username": user.username, "email": user.email, "token": secret}

    return {"sample_users": [entry(u) for u in sample], "celebrity": entry(gen.celebrity)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        required=not os.environ.get("DATABASE_URL"),
    )
    parser.add_argument("--data-dir", help="AGORA_DATA_DIR (default: beside the SQLite file, "
                        "or /tmp/bench-<dbname> for PostgreSQL)")  # fmt: skip
    parser.add_argument("--reset", action="store_true", help="drop an existing database first")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--manifest", help="default: bench/results/dataset-<vendor>.json (-S.json for size S)"
    )
    args = parser.parse_args()

    url = args.database_url
    vendor = vendor_of(url)
    data_dir = Path(args.data_dir or default_data_dir(url)).resolve()
    os.environ["DATABASE_URL"] = url
    os.environ["AGORA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
    sys.path.insert(0, str(ROOT))
    size = SIZES[args.size]
    started = time.time()
    log(f"enterprise-{args.size} on {vendor}: {url} (data dir {data_dir})")
    prepare_database(url, data_dir, args.reset)
    migrate_s = round(time.time() - started, 1)
    log(f"migrate: {migrate_s} s")

    import django

    django.setup()
    loader = Loader(url)
    loader.connect()
    gen = Generator(size, loader, args.seed)
    gen.timings["migrate"] = migrate_s
    gen.people()
    gen.follows()
    gen.communities()
    gen.hashtags()
    gen.texts()
    gen.posts()
    gen.timelines()
    gen.comments()
    summary = gen.finish()
    loader.close()

    from django.db import connection

    connection.close()
    tokens = make_tokens(gen, size)
    total = round(time.time() - started, 1)
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = round(own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime, 1)
    biggest_open = max(
        (k for k in gen.ckind if gen.ckind[k] == "open"), key=lambda k: len(gen.by_community[k])
    )
    manifest = {
        "dataset": f"enterprise-{args.size}",
        "vendor": vendor,
        "database_url": url,
        "data_dir": str(data_dir),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generation_seconds": total,
        # This process's CPU (+ `agora migrate`); PostgreSQL's own work is not in it. On a
        # machine shared with other jobs the wall time can be several times the CPU time.
        "generation_cpu_seconds": cpu,
        "load_average_at_end": os.getloadavg()[0],
        "timings": gen.timings,
        "size": asdict(size),
        **summary,
        "password": PASSWORD,
        "celebrity": {
            **tokens["celebrity"],
            "followers": len(gen.followers[gen.celebrity]),
        },
        "sample_users": tokens["sample_users"],
        "community": {
            "slug": gen.cslug[biggest_open],
            "members": len(gen.members[biggest_open]),
            "posts": len(gen.by_community[biggest_open]),
        },
        "post_with_50_comments": gen.post50 + 1,
        "target_post_ids": [p + 1 for p in gen.target_posts],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.size == "M" else f"-{args.size}"
    out = Path(args.manifest) if args.manifest else RESULTS / f"dataset-{vendor}{suffix}.json"
    out.write_text(json.dumps(manifest, indent=2) + "\n")
    log(
        f"done in {total} s ({math.floor(total / 60)} min {total % 60:.0f} s; this process's "
        f"CPU: {cpu} s); manifest: {out}"
    )
    if not all(summary["checks"].values()):
        sys.exit("some consistency checks failed (see above)")


if __name__ == "__main__":
    main()
