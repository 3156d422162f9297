"""Search relevance on real text: MRR@10 and Recall@10 over the Stack Exchange dumps.

    .venv/bin/python bench/search/relevance.py
    .venv/bin/python bench/search/relevance.py --database-url postgres://postgres@127.0.0.1:5432/agora_search_bench

Imports every dump's questions under --dumps (default ../shared/data/stackexchange) as Agora
articles on their authors' profiles (title = question title, body = the question's HTML turned
into Markdown-ish text, created_at = CreationDate, one bench employee per Stack Exchange user
id, plus one "anonymous" author per site for questions without an owner), rebuilds the search
index through the search app, then asks Agora's search service, as an employee:

* self   - each question's own title; the relevant document is that question;
* linked - for each PostLinks pair (LinkTypeId 1 linked, 3 duplicate) whose two questions were
  imported, the title of one (both directions); the relevant document is the other one, and
  the query's own question is removed from the ranking before scoring.

All sites share one database and one index (other sites are distractors too); figures are
reported per site (the site of the query) and pooled, printed as Markdown and written to
bench/results/search-relevance.md and .json.

By default a fresh SQLite database in a temporary AGORA_DATA_DIR; --database-url points at
another database (e.g. an empty PostgreSQL one; earlier bench imports in it are replaced).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
DEFAULT_DUMPS = ROOT.parent / "shared" / "data" / "stackexchange"
K = 10
USER_PREFIX = "se-bench-"


# --- HTML to text ----------------------------------------------------------------------------


class _HtmlToText(HTMLParser):
    """Stack Exchange HTML to readable Markdown-ish text (paragraphs, lists, code, links)."""

    BLOCK = {"p", "div", "blockquote", "pre", "ul", "ol", "table", "tr", "hr"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pre = 0
        self.href: list[str | None] = []

    def _newline(self, n=2):
        self.out.append("\n" * n)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.BLOCK or tag in self.HEADINGS:
            self._newline()
            if tag == "pre":
                self.pre += 1
                self.out.append("```\n")
            elif tag == "blockquote":
                self.out.append("> ")
            elif tag in self.HEADINGS:
                self.out.append("#" * int(tag[1]) + " ")
        elif tag == "li":
            self._newline(1)
            self.out.append("- ")
        elif tag == "br":
            self._newline(1)
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "a":
            self.href.append(a.get("href"))
            self.out.append("[")
        elif tag == "img":
            alt = a.get("alt") or "image"
            self.out.append(f"![{alt}]({a.get('src') or ''})")
        elif tag in ("td", "th"):
            self.out.append(" | ")

    def handle_endtag(self, tag):
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.out.append("\n```")
            self._newline()
        elif tag in self.BLOCK or tag in self.HEADINGS:
            self._newline()
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "a":
            href = self.href.pop() if self.href else None
            self.out.append(f"]({href})" if href else "]")

    def handle_data(self, data):
        if self.pre:
            self.out.append(data)
        else:
            self.out.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip()


def html_to_text(fragment: str) -> str:
    parser = _HtmlToText()
    parser.feed(fragment or "")
    parser.close()
    return parser.text()


# --- dumps -----------------------------------------------------------------------------------


@dataclass
class Question:
    site: str
    se_id: int
    title: str
    body: str
    created_at: dt.datetime
    owner: int | None
    post_id: int | None = None


@dataclass
class Site:
    name: str
    questions: dict[int, Question] = field(default_factory=dict)
    links: list[tuple[int, int, int]] = field(default_factory=list)  # (post, related, type)
    has_links_file: bool = False


def _rows(path: Path):
    for _, elem in ET.iterparse(path, events=("end",)):
        if elem.tag == "row":
            yield elem.attrib
            elem.clear()


def _when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def load_dumps(dumps: Path) -> list[Site]:
    sites = []
    for d in sorted(p for p in dumps.iterdir() if (p / "Posts.xml").exists()):
        site = Site(d.name)
        for r in _rows(d / "Posts.xml"):
            if r.get("PostTypeId") != "1" or not r.get("Title"):
                continue
            q = Question(
                site=d.name,
                se_id=int(r["Id"]),
                title=html.unescape(r["Title"]).strip()[:200],
                body=html_to_text(r.get("Body", ""))[:50_000] or html.unescape(r["Title"]),
                created_at=_when(r["CreationDate"]),
                owner=int(r["OwnerUserId"]) if r.get("OwnerUserId") else None,
            )
            site.questions[q.se_id] = q
        if (d / "PostLinks.xml").exists():
            site.has_links_file = True
            for r in _rows(d / "PostLinks.xml"):
                if r.get("LinkTypeId") in ("1", "3"):
                    site.links.append(
                        (int(r["PostId"]), int(r["RelatedPostId"]), int(r["LinkTypeId"]))
                    )
        sites.append(site)
    return sites


# --- Django ----------------------------------------------------------------------------------


def setup_django(database_url: str | None, data_dir: str | None = None) -> str:
    """Set the environment BEFORE django.setup(); returns the data directory used."""
    data_dir = data_dir or tempfile.mkdtemp(prefix="agora-search-bench-")
    os.environ["AGORA_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{Path(data_dir) / 'agora.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
    os.environ.setdefault("AGORA_TASKS_IMMEDIATE", "1")
    os.environ.setdefault("SECRET_KEY", "search-bench-not-secret")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return data_dir


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def bench_viewer():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    viewer = User.objects.filter(username=f"{USER_PREFIX}viewer").first()
    if viewer is None:
        viewer = User.objects.create_user(
            username=f"{USER_PREFIX}viewer", email="viewer@se-bench.agora.test", password=None
        )
    assert viewer.kind == User.Kind.EMPLOYEE, viewer.kind
    return viewer


def import_questions(sites: list[Site]) -> dict:
    """Bulk import; fills Question.post_id. Replaces an earlier bench import in the same DB."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from agora.conversations.models import Post
    from agora.core.markdown import render_markdown
    from agora.people.models import Profile

    User = get_user_model()
    t0 = time.perf_counter()
    with transaction.atomic():
        Post.objects.filter(author__username__startswith=USER_PREFIX).delete()
        # Authors: one employee per (site, owner id); bulk_create skips the profile signal.
        keys = sorted({(q.site, q.owner or 0) for s in sites for q in s.questions.values()})
        wanted = {
            f"{USER_PREFIX}{site.split('.')[0]}-{owner or 'anon'}": (site, owner)
            for site, owner in keys
        }
        existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        User.objects.bulk_create(
            [
                User(username=u, email=f"{u}@se-bench.agora.test", kind=User.Kind.EMPLOYEE)
                for u in wanted
                if u not in existing
            ],
            batch_size=500,
        )
        users = dict(User.objects.filter(username__in=wanted).values_list("username", "id"))
        have_profile = set(
            Profile.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True)
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user_id=uid,
                    display_name=f"{wanted[u][0]} user {wanted[u][1] or 'anonymous'}",
                    name_key=f"{wanted[u][0]} user {wanted[u][1] or 'anonymous'}".lower(),
                )
                for u, uid in users.items()
                if uid not in have_profile
            ],
            batch_size=500,
        )
        rows, questions = [], []
        for s in sites:
            for q in s.questions.values():
                author = users[f"{USER_PREFIX}{q.site.split('.')[0]}-{q.owner or 'anon'}"]
                rows.append(
                    Post(
                        kind=Post.Kind.ARTICLE,
                        author_id=author,
                        community=None,
                        title=q.title,
                        body=q.body,
                        body_html=render_markdown(q.body),
                        created_at=q.created_at,
                    )
                )
                questions.append(q)
        created = Post.objects.bulk_create(rows, batch_size=500)
        for q, p in zip(questions, created, strict=True):
            q.post_id = p.pk
    return {
        "questions": len(rows),
        "authors": len(users),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def reindex() -> float:
    """`agora search_reindex`, then ANALYZE: right after a bulk load the planner has no
    statistics (PostgreSQL then skipped the GIN index: 350 ms instead of 7 ms a query)."""
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("search_reindex", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return round(time.perf_counter() - t0, 1)


# --- ranking ---------------------------------------------------------------------------------


class Ranker:
    """Post ids ranked by Agora's search service (or by a debugging stand-in)."""

    POST_TYPES = {"post", "article", "posts", "articles"}

    def __init__(self, viewer, standin: bool = False, all_types: bool = False):
        self.viewer = viewer
        self.standin = standin
        self.errors = 0
        self.last_error = ""
        self.kwargs = {}
        if standin:
            return
        import inspect

        from agora.search import services

        self.search = services.search
        params = inspect.signature(self.search).parameters
        names = services.type_names() if hasattr(services, "type_names") else []
        types = None if all_types else [t for t in names if t in self.POST_TYPES] or None
        if types and "filters" in params and hasattr(services, "Filters"):
            self.kwargs["filters"] = services.Filters(types=types)
        elif types and "types" in params:
            self.kwargs["types"] = types
        self.types = types or "all"

    def rank(self, q: str, limit: int) -> list[int]:
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls % 250 == 0:
            print(f"  {self.calls} queries ...", file=sys.stderr, flush=True)
        if self.standin:
            from agora.conversations.models import Post

            words = [w for w in re.findall(r"\w+", q.lower()) if len(w) > 3][:3] or [q]
            qs = Post.objects.all()
            for w in words:
                qs = qs.filter(title__icontains=w)
            return list(qs.order_by("-created_at").values_list("id", flat=True)[:limit])
        try:
            page = self.search(self.viewer, q, limit=limit, **self.kwargs)
        except Exception as exc:  # a query that raises counts as a miss, and is reported
            self.errors += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            return []
        items = getattr(page, "items", page)
        out = []
        for it in items:
            if str(getattr(it, "type", "post")).lower() in self.POST_TYPES:
                out.append(int(it.id))
        return out


# --- evaluation ------------------------------------------------------------------------------


@dataclass
class Score:
    n: int = 0
    rr: float = 0.0
    hits: int = 0
    misses: list = field(default_factory=list)

    def add(self, rank: int | None, example):
        self.n += 1
        if rank is not None and rank <= K:
            self.rr += 1.0 / rank
            self.hits += 1
        else:
            self.misses.append(example)

    def row(self):
        if not self.n:
            return {"queries": 0, "mrr@10": None, "recall@10": None}
        return {
            "queries": self.n,
            "mrr@10": round(self.rr / self.n, 4),
            "recall@10": round(self.hits / self.n, 4),
        }


def evaluate(sites: list[Site], ranker: Ranker) -> dict:
    scores = {task: defaultdict(Score) for task in ("self", "linked")}
    t0 = time.perf_counter()
    titles = {
        q.post_id: f"{s.name.split('.')[0]}: {q.title}" for s in sites for q in s.questions.values()
    }
    for s in sites:
        for q in s.questions.values():
            ranked = ranker.rank(q.title, K)
            rank = ranked.index(q.post_id) + 1 if q.post_id in ranked[:K] else None
            ex = {
                "site": s.name,
                "query": q.title,
                "rank": rank,
                "top": [titles.get(i, i) for i in ranked[:3]],
            }
            scores["self"][s.name].add(rank, ex)
            scores["self"]["pooled"].add(rank, ex)
        pairs = set()
        for a, b, _ in s.links:
            if a in s.questions and b in s.questions and a != b:
                pairs.add((a, b))
                pairs.add((b, a))  # both directions: a link is a relation between the two
        for a, b in sorted(pairs):
            qa, qb = s.questions[a], s.questions[b]
            ranked = [pid for pid in ranker.rank(qa.title, K + 1) if pid != qa.post_id][:K]
            rank = ranked.index(qb.post_id) + 1 if qb.post_id in ranked else None
            ex = {
                "site": s.name,
                "query": qa.title,
                "relevant": qb.title,
                "rank": rank,
                "top": [titles.get(i, i) for i in ranked[:3]],
            }
            scores["linked"][s.name].add(rank, ex)
            scores["linked"]["pooled"].add(rank, ex)
    return {"scores": scores, "seconds": round(time.perf_counter() - t0, 1)}


def markdown_table(scores, sites: list[Site]) -> str:
    lines = [
        "| site | self: queries | self: MRR@10 | self: R@10 "
        "| linked: queries | linked: MRR@10 | linked: R@10 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def fmt(v):
        return "–" if v is None else f"{v:.3f}"

    for name in [s.name for s in sites] + ["pooled"]:
        a, b = scores["self"][name].row(), scores["linked"][name].row()
        site = next((s for s in sites if s.name == name), None)
        linked_n = str(b["queries"]) if (site is None or site.has_links_file) else "no PostLinks"
        lines.append(
            f"| {name} | {a['queries']} | {fmt(a['mrr@10'])} | {fmt(a['recall@10'])} | "
            f"{linked_n} | {fmt(b['mrr@10'])} | {fmt(b['recall@10'])} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dumps", type=Path, default=DEFAULT_DUMPS)
    ap.add_argument("--database-url", default=None, help="default: fresh SQLite in a temp dir")
    ap.add_argument("--data-dir", default=None, help="AGORA_DATA_DIR (default: a new temp dir)")
    ap.add_argument("--out", type=Path, default=RESULTS / "search-relevance.md")
    ap.add_argument(
        "--standin",
        action="store_true",
        help="DEBUG ONLY: rank with title__icontains instead of the search service",
    )
    ap.add_argument(
        "--all-types",
        action="store_true",
        help="search every document type (people, comments...) instead of posts and articles",
    )
    ap.add_argument("--misses", type=int, default=15, help="misses to print per task")
    args = ap.parse_args(argv)

    data_dir = setup_django(args.database_url, args.data_dir)
    from django.conf import settings
    from django.db import connection

    vendor = connection.vendor
    print(
        f"database: {vendor} {settings.DATABASES['default']['NAME']} (data dir {data_dir})",
        flush=True,
    )
    t0 = time.perf_counter()
    migrate()
    t_migrate = round(time.perf_counter() - t0, 1)
    sites = load_dumps(args.dumps)
    print(
        "loaded:",
        ", ".join(f"{s.name} {len(s.questions)} q, {len(s.links)} links" for s in sites),
        flush=True,
    )
    imp = import_questions(sites)
    print(
        f"imported {imp['questions']} questions by {imp['authors']} authors in {imp['seconds']} s",
        flush=True,
    )
    t_reindex = None if args.standin else reindex()
    if t_reindex is not None:
        print(f"search_reindex: {t_reindex} s", flush=True)
    viewer = bench_viewer()
    ranker = Ranker(viewer, standin=args.standin, all_types=args.all_types)
    ev = evaluate(sites, ranker)
    scores = ev["scores"]
    table = markdown_table(scores, sites)
    n_queries = scores["self"]["pooled"].n + scores["linked"]["pooled"].n
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ranking = (
        "STAND-IN title__icontains (debug only)"
        if args.standin
        else f"agora.search.services.search, types={ranker.types}"
    )
    md = [
        f"# Search relevance on the Stack Exchange dumps ({vendor})",
        "",
        f"{stamp}; ranking: {ranking}; viewer: an employee; {imp['questions']} questions imported "
        f'as profile articles into one index; K = {K}. "linked": PostLinks types 1 and 3, both '
        "directions, query's own question removed before scoring.",
        "",
        table,
        "",
        f"{n_queries} queries in {ev['seconds']} s; search errors: {ranker.errors}"
        + (f" (last: {ranker.last_error})" if ranker.errors else ""),
        "",
    ]
    text = "\n".join(md)
    print()
    print(text)
    for task in ("self", "linked"):
        misses = scores[task]["pooled"].misses
        print(f"\n{task}: {len(misses)} misses; first {min(args.misses, len(misses))}:")
        for m in misses[: args.misses]:
            print("  ", json.dumps(m, ensure_ascii=False))
    if args.standin:
        print("\n(stand-in ranking: results NOT written)")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    suffix = "" if vendor == "sqlite" else f"-{vendor}"
    out_md = args.out.with_name(args.out.stem + suffix + ".md")
    out_md.write_text(text)
    payload = {
        "generated_at": stamp,
        "vendor": vendor,
        "ranking": ranking,
        "k": K,
        "import": imp,
        "timings": {"migrate": t_migrate, "reindex": t_reindex, "evaluate": ev["seconds"]},
        "search_errors": ranker.errors,
        "results": {task: {name: sc.row() for name, sc in scores[task].items()} for task in scores},
        "misses": {task: scores[task]["pooled"].misses for task in scores},
    }
    out_md.with_suffix(".json").write_text(json.dumps(payload, indent=1, ensure_ascii=False))
    print(f"\nwritten: {out_md} and {out_md.with_suffix('.json').name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
