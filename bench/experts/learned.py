"""Self-supervised learned ranker for the expert finder, trained on each site's own history
before T with rolling cutoffs (issue 5, fourth round). Pure Python (no numpy in the venv).

    .venv/bin/python bench/experts/learned.py /work/shared/data/stackexchange/*
    .venv/bin/python bench/experts/learned.py DIR... --weights     # + the learned weights
    .venv/bin/python bench/experts/learned.py DIR... --quick       # fewer variants

The protocol is prototype.py's (T = creation time of the question at the 50% mark; the test
questions are the later ones with an accepted answer by someone who answered before T, the
asker excluded). What is new is where the weights come from: a linear model over ~30
log-scaled features, fitted by a listwise (softmax over the candidates) logistic loss with L2,
on training queries made from the posts created before T only:

- "per question" (A): every pre-T question q after a warm-up (the first 20% of the pre-T
  questions) whose accepted answer's author answered before q and is not the asker; the
  candidates' features are computed from the posts created before q's creation time.
- "rolling cutoffs" (B): cutoffs c at fractions of the pre-T questions (0.5 alone, the
  protocol's own shape at half the scale, or 0.3 … 0.8); the queries are the pre-T questions
  after c, the features computed from the posts created before c — a horizon as long as the
  test's. With person-level features only, the softmax over the queries of one cutoff is the
  Poisson regression of each person's count of accepted answers in (c, T] (with a free
  intercept per cutoff), i.e. the "forecast of who keeps answering" variant.
- labels: "acc" = the accepted answerer (what the test scores), or "all" = every answerer
  who answered before the cutoff (more, noisier examples; the question's other answerers are
  left out of the candidates of each answer).

Models are fitted per site on its own history ("own") or on the four sites' pre-T histories
pooled ("pool": what a deployment could do with other sites' history plus its own). As a
comparison only (it trains on other sites' test questions, features at their T), "LOSO test"
fits on the other three sites' test queries. L2 strength chosen on a time split of the
training queries (last 25% held out), then refitted on all of them; candidates per training
query: the positive and up to NEG uniformly sampled negatives.

No leakage: every feature of a training query is computed from posts created strictly before
its cutoff; test features from posts before T. Scores (dump-date votes) and Users.xml are not
used at all — the fixed model of prototype.py does use Score in its weighted activity, which
is why it is printed both as is and without Score. Like the prototype, "accepted" is the
dump's AcceptedAnswerId (the acceptance time is not in Posts.xml).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from operator import mul
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dumps import read_posts, split_time, test_cases  # noqa: E402
from prototype import BASELINES, FINAL, bm25_weight, rank_of, summarise  # noqa: E402
from prototype import Site as ProtoSite  # noqa: E402
from prototype import evaluate as proto_evaluate  # noqa: E402

from agora.search.analysis import analyse  # noqa: E402

DAY = 86400.0
EPOCH = datetime(1970, 1, 1)
WARMUP = 0.2
NEG = 30
LAMBDAS = (0.01, 0.1, 1.0)
REL_TAUS = (0.1, 0.2, 0.3, 0.4, 0.6)  # × the span of the evidence
ABS_TAUS = (7, 30, 90, 365)  # days
WINDOWS = (7, 30, 90)  # days
REL_WINDOWS = (0.1, 0.25)  # × span

PERSON_FEATURES = (
    ["vol", "acc", "rel"]
    + [f"act{c}" for c in REL_TAUS]
    + ["actw0.3", "accd0.3"]
    + [f"actd{d}" for d in ABS_TAUS]
    + [f"cnt{d}" for d in WINDOWS]
    + [f"cntr{c}" for c in REL_WINDOWS]
    + ["last", "lastr", "first", "rate"]
)
QUERY_FEATURES = ["text", "tag", "pa_rec", "topical"]
ALL_FEATURES = PERSON_FEATURES + QUERY_FEATURES


def ts(dt: datetime) -> float:
    return (dt - EPOCH).total_seconds()


# --------------------------------------------------------------------------- history


class History:
    """One dump's posts in time order, analysed once; states of the evidence at any time."""

    def __init__(self, directory):
        posts = read_posts(directory)
        self.name = Path(directory).name.replace(".stackexchange.com", "")
        self.cutoff = split_time(posts)
        self.T = ts(self.cutoff)
        self.cases = test_cases(posts, self.cutoff)
        self.questions = sorted((p for p in posts if p.kind == 1), key=lambda p: (p.created, p.id))
        qids = {q.id: q for q in self.questions}
        self.qby = qids
        self.answers = sorted(
            (p for p in posts if p.kind == 2 and p.owner and p.parent in qids),
            key=lambda p: (p.created, p.id),
        )
        self.accepted = {q.accepted for q in self.questions if q.accepted}
        self.answer_by = {a.id: a for a in self.answers}
        self.answers_of = defaultdict(list)
        for a in self.answers:
            self.answers_of[a.parent].append(a)
        # analysis, once per post
        self.qterms = {}  # query terms (as the finder sees a question)
        self.qbag = {}  # the question's share of an answerer's bag (title ×2, body, tags)
        for q in self.questions:
            title, body, tags = analyse(q.title), analyse(q.body), analyse(" ".join(q.tags))
            self.qterms[q.id] = Counter(analyse(q.title + "\n\n" + q.body) + tags)
            bag = Counter()
            for t in title:
                bag[t] += 2
            bag.update(body)
            bag.update(tags)
            self.qbag[q.id] = bag
        self.abag = {a.id: Counter(analyse(a.body)) for a in self.answers}
        self.pre_questions = [q for q in self.questions if q.created < self.cutoff]

    def state_sweep(self):
        """A State and an `advance(t)` that adds every post created before t (t ascending)."""
        state = State(self)
        events = sorted(
            [(ts(q.created), 0, q) for q in self.questions]
            + [(ts(a.created), 1, a) for a in self.answers],
            key=lambda e: (e[0], e[1], e[2].id),
        )
        pos = 0

        def advance(t):
            nonlocal pos
            while pos < len(events) and events[pos][0] < t:
                _t, kind, p = events[pos]
                if kind == 0:
                    state.add_question(p)
                else:
                    state.add_answer(p)
                pos += 1
            return state

        return advance


class State:
    """The evidence a finder has at some time: incremental per-person aggregates, a person
    BM25 index (prototype's "text"), a per-answer BM25 index (explore's "pa_rec")."""

    def __init__(self, hist: History):
        self.h = hist
        self.n_questions = 0
        self.tag_df = Counter()
        self.people = {}
        self.term_people = defaultdict(set)
        self.total_len = 0
        self.first = None
        # per answer documents
        self.doc_owner, self.doc_time, self.doc_len = [], [], []
        self.doc_post = defaultdict(list)  # term -> [(doc, tf)]
        self.doc_total = 0

    def add_question(self, q):
        self.n_questions += 1
        for t in q.tags:
            self.tag_df[t.lower()] += 1

    def add_answer(self, a):
        h = self.h
        q = h.qby[a.parent]
        is_acc = a.id in h.accepted
        t = ts(a.created)
        p = self.people.get(a.owner)
        if p is None:
            p = self.people[a.owner] = {
                "n": 0, "acc": 0, "times": [], "accs": [], "tags": Counter(), "bag": Counter(),
                "len": 0,
            }  # fmt: skip
        p["n"] += 1
        p["acc"] += is_acc
        p["times"].append(t)
        p["accs"].append(is_acc)
        for tag in q.tags:
            p["tags"][tag.lower()] += 1
        w = 2 if is_acc else 1
        contrib = Counter()
        for term, c in h.qbag[q.id].items():
            contrib[term] += c * w
        for term, c in h.abag[a.id].items():
            contrib[term] += c * w
        bag = p["bag"]
        for term, c in contrib.items():
            if term not in bag:
                self.term_people[term].add(a.owner)
            bag[term] += c
        n = sum(contrib.values())
        p["len"] += n
        self.total_len += n
        if self.first is None:
            self.first = t
        # per-answer document: question title ×2 + body + tags + the answer
        doc = h.qbag[q.id] + h.abag[a.id]
        i = len(self.doc_owner)
        self.doc_owner.append(a.owner)
        self.doc_time.append(t)
        self.doc_len.append(sum(doc.values()))
        self.doc_total += self.doc_len[-1]
        for term, tf in doc.items():
            self.doc_post[term].append((i, tf))

    # ---- features

    def person_features(self, now: float) -> dict[int, list[float]]:
        span = max((now - self.first) / DAY, 1e-3)
        out = {}
        for o, p in self.people.items():
            ages = [(now - t) / DAY for t in p["times"]]
            accs = p["accs"]
            n, acc = p["n"], p["acc"]
            f = [math.log1p(n), math.log1p(acc), math.log((acc + 1) / (n + 2))]
            for c in REL_TAUS:
                tau = c * span
                f.append(math.log(1e-3 + sum(math.exp(-a / tau) for a in ages)))
            tau = 0.3 * span
            dec = [math.exp(-a / tau) for a in ages]
            f.append(math.log(1e-3 + sum(d * (1 + 2 * x) for d, x in zip(dec, accs, strict=True))))
            f.append(math.log(1e-3 + sum(d for d, x in zip(dec, accs, strict=True) if x)))
            for d in ABS_TAUS:
                f.append(math.log(1e-3 + sum(math.exp(-a / d) for a in ages)))
            for d in WINDOWS:
                f.append(math.log1p(sum(a <= d for a in ages)))
            for c in REL_WINDOWS:
                f.append(math.log1p(sum(a <= c * span for a in ages)))
            last, first = ages[-1], ages[0]
            f += [
                math.log1p(last),
                math.log(0.01 + last / span),
                math.log1p(first),
                math.log((n + 0.5) / (first + 1)),
            ]
            out[o] = f
        return out

    def query_features(self, terms: Counter, qtags, now: float) -> dict[int, list[float]]:
        """text, tag, pa_rec, topical for every person (as in prototype.py / explore.py)."""
        n_people = len(self.people)
        avg = self.total_len / n_people
        text = defaultdict(float)
        for t, qtf in terms.items():
            owners = self.term_people.get(t)
            if not owners:
                continue
            df = len(owners)
            idf = math.log(1 + (n_people - df + 0.5) / (df + 0.5)) * (1 + math.log(qtf))
            for o in owners:
                p = self.people[o]
                text[o] += idf * bm25_weight(p["bag"][t], p["len"], avg)
        best = max(text.values(), default=0) or 1
        # per-answer BM25, recency-weighted sum
        n_docs = len(self.doc_owner)
        davg = self.doc_total / n_docs
        s = defaultdict(float)
        for t, qtf in terms.items():
            plist = self.doc_post.get(t)
            if not plist:
                continue
            df = len(plist)
            idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) * (1 + math.log(qtf))
            for i, tf in plist:
                s[i] += idf * bm25_weight(tf, self.doc_len[i], davg)
        best_doc = max(s.values(), default=0) or 1.0
        tau = 0.3 * max((now - self.first) / DAY, 1e-3)
        rec = defaultdict(float)
        for i, v in s.items():
            rec[self.doc_owner[i]] += (v / best_doc) * math.exp(
                -(now - self.doc_time[i]) / DAY / tau
            )
        best_rec = max(rec.values(), default=0) or 1.0
        tag_w = [math.log(1 + self.n_questions / (1 + self.tag_df[t])) for t in qtags]
        out = {}
        for o, p in self.people.items():
            tag = sum(w * math.log1p(p["tags"][t]) for w, t in zip(tag_w, qtags, strict=True))
            tx = text.get(o, 0.0)
            out[o] = [
                math.log(0.02 + tx / best),
                tag,
                math.log(0.02 + rec.get(o, 0.0) / best_rec),
                float(tx > 0 or tag > 0),
            ]
        return out


# --------------------------------------------------------------------------- queries


class Query:
    """One ranking problem: candidate ids and feature rows, the positive's index."""

    __slots__ = ("site", "t", "owners", "rows", "pos", "qid")

    def __init__(self, site, t, owners, rows, pos, qid):
        self.site, self.t, self.owners, self.rows, self.pos, self.qid = (
            site, t, owners, rows, pos, qid,
        )  # fmt: skip


def build(hist: History, requests, sample: bool, rng) -> list[Query]:
    """requests: (time, question, positives) sorted by time; positives = [(expert, excluded)].
    One Query per positive; features from the posts created before `time`."""
    advance = hist.state_sweep()
    out = []
    pf_cache = {}
    for t, q, positives in sorted(requests, key=lambda r: (r[0], r[1].id)):
        state = advance(t)
        if t not in pf_cache:
            pf_cache.clear()
            pf_cache[t] = state.person_features(t)
        pf = pf_cache[t]
        qf = state.query_features(hist.qterms[q.id], [x.lower() for x in q.tags], t)
        for expert, excluded in positives:
            if expert not in pf:
                continue
            others = [o for o in pf if o != expert and o not in excluded]
            if sample and len(others) > NEG:
                others = rng.sample(others, NEG)
            owners = [expert] + others
            rows = [tuple(pf[o] + qf[o]) for o in owners]
            out.append(Query(hist.name, t, owners, rows, 0, q.id))
    return out


def per_question_requests(hist: History, label: str):
    pre = hist.pre_questions
    reqs = []
    for q in pre[int(WARMUP * len(pre)) :]:
        t = ts(q.created)
        reqs.append((t, q, positives(hist, q, t, label)))
    return [r for r in reqs if r[2]]


def cutoff_requests(hist: History, fractions, label: str):
    pre = hist.pre_questions
    reqs = []
    for f in fractions:
        c = ts(pre[int(f * len(pre))].created)
        for q in pre:
            if ts(q.created) >= c:
                reqs.append((c, q, positives(hist, q, c, label)))
    return [r for r in reqs if r[2]]


def positives(hist: History, q, t: float, label: str):
    """[(expert, excluded candidates)]: the accepted answerer, or every answerer; experts
    must have answered before t (the State drops the others) and not be the asker."""
    if label == "acc":
        a = hist.answer_by.get(q.accepted) if q.accepted else None
        if a is None or a.owner == q.owner:
            return []
        return [(a.owner, {q.owner})]
    answerers = {a.owner for a in hist.answers_of[q.id] if a.owner != q.owner}
    return [(o, {q.owner} | (answerers - {o})) for o in sorted(answerers)]


def test_queries(hist: History) -> list[Query]:
    reqs = [(hist.T, c.question, [(c.expert, {c.question.owner})]) for c in hist.cases]
    return build(hist, reqs, sample=False, rng=None)


# --------------------------------------------------------------------------- model


def standardiser(queries, keep):
    cols = list(zip(*(tuple(r[j] for j in keep) for q in queries for r in q.rows), strict=True))
    mean = [sum(c) / len(c) for c in cols]
    std = [
        math.sqrt(sum((x - m) ** 2 for x in c) / len(c)) or 1.0
        for c, m in zip(cols, mean, strict=True)
    ]
    return mean, std


def transform(queries, keep, mean, std):
    out = []
    for q in queries:
        rows = [
            tuple((r[j] - m) / s for j, m, s in zip(keep, mean, std, strict=True)) for r in q.rows
        ]
        out.append((rows, [list(c) for c in zip(*rows, strict=True)], q.pos))
    return out


def loss_grad(w, data, lam):
    d = len(w)
    g = [0.0] * d
    total = 0.0
    for rows, cols, pos in data:
        s = [sum(map(mul, w, r)) for r in rows]
        m = max(s)
        e = [math.exp(x - m) for x in s]
        z = sum(e)
        total += m + math.log(z) - s[pos]
        r = [x / z for x in e]
        r[pos] -= 1.0
        for j in range(d):
            g[j] += sum(map(mul, r, cols[j]))
    n = len(data)
    total = total / n + 0.5 * lam * sum(x * x for x in w)
    return total, [gj / n + lam * wj for gj, wj in zip(g, w, strict=True)]


def lbfgs(fun, w, iters=100, m=8, tol=1e-5):
    f, g = fun(w)
    S, Y = [], []
    for _ in range(iters):
        q = list(g)
        alphas = []
        for s, y in reversed(list(zip(S, Y, strict=True))):
            rho = 1.0 / sum(map(mul, y, s))
            a = rho * sum(map(mul, s, q))
            alphas.append((a, rho, s, y))
            q = [qi - a * yi for qi, yi in zip(q, y, strict=True)]
        if S:
            gamma = sum(map(mul, S[-1], Y[-1])) / sum(map(mul, Y[-1], Y[-1]))
            q = [gamma * x for x in q]
        for a, rho, s, y in reversed(alphas):
            b = rho * sum(map(mul, y, q))
            q = [qi + (a - b) * si for qi, si in zip(q, s, strict=True)]
        direction = [-x for x in q]
        slope = sum(map(mul, g, direction))
        if slope >= 0:
            direction, slope, S, Y = [-x for x in g], -sum(x * x for x in g), [], []
        step = 1.0
        while True:
            w2 = [wi + step * di for wi, di in zip(w, direction, strict=True)]
            f2, g2 = fun(w2)
            if f2 <= f + 1e-4 * step * slope or step < 1e-8:
                break
            step *= 0.5
        s = [a - b for a, b in zip(w2, w, strict=True)]
        y = [a - b for a, b in zip(g2, g, strict=True)]
        if sum(map(mul, s, y)) > 1e-12:
            S.append(s)
            Y.append(y)
            if len(S) > m:
                S.pop(0)
                Y.pop(0)
        converged = abs(f - f2) < tol * max(1.0, abs(f))
        w, f, g = w2, f2, g2
        if converged:
            break
    return w


class Model:
    def __init__(self, features, lam=None):
        self.features = features
        self.keep = [ALL_FEATURES.index(k) for k in features]
        self.lam = lam

    def fit(self, queries):
        """L2 chosen on a time split (the last 25% of each site's training queries by time)
        unless given, then refitted on all."""
        self.n_train = len(queries)
        if self.lam is None:
            train, valid = [], []
            for site in sorted({q.site for q in queries}):
                qs = sorted((q for q in queries if q.site == site), key=lambda q: (q.t, q.qid))
                cut = int(0.75 * len(qs))
                train += qs[:cut]
                valid += qs[cut:]
            best = None
            for lam in LAMBDAS:
                self._fit(train, lam)
                v = self._data(valid)
                ll, _ = loss_grad(self.w, v, 0.0)
                if best is None or ll < best[0]:
                    best = (ll, lam)
            self.lam = best[1]
        self._fit(queries, self.lam)
        return self

    def _data(self, queries):
        return transform(queries, self.keep, self.mean, self.std)

    def _fit(self, queries, lam):
        self.mean, self.std = standardiser(queries, self.keep)
        data = self._data(queries)
        self.w = lbfgs(lambda w: loss_grad(w, data, lam), [0.0] * len(self.keep))

    def scores(self, rows):
        w = [
            wi / s for wi, s in zip(self.w, self.std, strict=True)
        ]  # on the raw (unstandardised) scale
        return [sum(wi * r[j] for wi, j in zip(w, self.keep, strict=True)) for r in rows]

    def describe(self, top=12):
        """The heaviest weights on the standardised scale (comparable across features),
        as a share of the norm (λ only rescales them)."""
        norm = math.sqrt(sum(w * w for w in self.w)) or 1.0
        kw = sorted(zip(self.features, self.w, strict=True), key=lambda kw: -abs(kw[1]))[:top]
        return f"λ {self.lam:g}: " + ", ".join(f"{k} {w / norm:+.2f}" for k, w in kw)


def rank(scores, pos=0) -> float:
    target = scores[pos]
    greater = sum(s > target for i, s in enumerate(scores) if i != pos)
    ties = sum(s == target for i, s in enumerate(scores) if i != pos)
    return 1 + greater + ties / 2


def evaluate(tests: dict, scorer) -> dict:
    out, pooled, rr = {}, [], {}
    for site, qs in tests.items():
        ranks = [rank(scorer(q)) for q in qs]
        out[site] = summarise(ranks)
        pooled += ranks
        rr.update(((site, q.qid), 1 / r) for q, r in zip(qs, ranks, strict=True))
    out["pooled"] = summarise(pooled)
    out["_rr"] = rr
    return out


def paired_delta(rr, base, n_boot=2000, seed=7) -> str:
    """MRR difference against `base` (same queries), with a paired bootstrap 95% interval."""
    keys = sorted(base)
    d = [rr[k] - base[k] for k in keys]
    rng = random.Random(seed)
    n = len(d)
    boots = sorted(sum(d[rng.randrange(n)] for _ in range(n)) / n for _ in range(n_boot))
    return (
        f"{sum(d) / n:+.3f} [{boots[int(0.025 * n_boot)]:+.3f}, {boots[int(0.975 * n_boot)]:+.3f}]"
    )


def linear(weights: dict):
    idx = [(ALL_FEATURES.index(k), w) for k, w in weights.items()]

    def scorer(q):
        return [sum(w * r[j] for j, w in idx) for r in q.rows]

    return scorer


def gated(scorer):
    """Prototype's off-topic gate: people with no topical evidence after all the others."""
    j = ALL_FEATURES.index("topical")

    def g(q):
        return [s + 1e6 * r[j] for s, r in zip(scorer(q), q.rows, strict=True)]

    return g


BASE_RR = {}  # the prototype's fixed model's reciprocal ranks, for the Δ column


def line(label, r, gated_r=None) -> str:
    p = r["pooled"]
    extra = f" {paired_delta(r['_rr'], BASE_RR)} |" if BASE_RR and "_rr" in r else " |"
    if gated_r is not None:
        g = gated_r["pooled"]
        extra += f" {g['mrr']:.3f} / {g['h10']:.3f} |"
    per_site = " ".join(f"{r[k]['mrr']:.3f}" for k in r if not k.startswith("_") and k != "pooled")
    return (
        f"| {label} | {p['mrr']:.3f} | {p['h1']:.3f} | {p['h5']:.3f} | {p['h10']:.3f} "
        f"| {per_site} |{extra}"
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--weights", action="store_true", help="print the learned weights")
    ap.add_argument("--quick", action="store_true", help="only the main variants")
    ap.add_argument("--seed", type=int, default=5, help="of the sampled negatives")
    args = ap.parse_args()
    t0 = time.time()
    rng = random.Random(args.seed)
    hists = [History(d) for d in args.dirs]
    tests = {h.name: test_queries(h) for h in hists}
    sets = {
        "A acc (per question)": lambda h: per_question_requests(h, "acc"),
        "A all answers (per question)": lambda h: per_question_requests(h, "all"),
        "B acc, cutoff 0.5": lambda h: cutoff_requests(h, (0.5,), "acc"),
        "B acc, cutoffs 0.3…0.8": lambda h: cutoff_requests(
            h, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8), "acc"
        ),
        "B all answers, cutoffs 0.3…0.8": lambda h: cutoff_requests(
            h, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8), "all"
        ),
    }
    if args.quick:
        sets = {k: v for k, v in sets.items() if k.startswith(("A acc", "B acc, cutoffs"))}
    train = {
        name: {h.name: build(h, make(h), True, rng) for h in hists} for name, make in sets.items()
    }
    print(f"(features built in {time.time() - t0:.0f} s)\n")
    print("training queries per site:", end=" ")
    print(
        "; ".join(
            f"{n}: " + ", ".join(f"{s} {len(q)}" for s, q in d.items()) for n, d in train.items()
        )
    )
    print(f"test queries: {', '.join(f'{s} {len(q)}' for s, q in tests.items())}\n")

    print(
        "| model | MRR | Hit@1 | Hit@5 | Hit@10 | MRR per site (" + ", ".join(tests) + ") "
        "| ΔMRR vs fixed model [95% paired bootstrap] | with the off-topic gate: MRR / Hit@10 |"
    )
    print("|---|---:|---:|---:|---:|---|---|---|")
    proto = [ProtoSite(d) for d in args.dirs]
    for label, w in BASELINES.items():
        if label.startswith("popularity"):
            print(line(f"prototype: {label}", proto_evaluate(proto, w, gate=0)))
    print(line("prototype: fixed model (uses Score)", proto_evaluate(proto, FINAL)))
    for site in proto:
        short = site.name.replace(".stackexchange.com", "")
        for c in site.cases:
            r = rank_of(site.cache[c.question.id], FINAL, c.expert, c.question.owner, 1.0)
            BASE_RR[(short, c.question.id)] = 1 / r
    fixed = {"act0.3": 1.0, "actw0.3": 1.0, "vol": 1.0, "rel": 0.25, "text": 0.5, "tag": 0.25}
    print(line("fixed model, our features, no Score", evaluate(tests, gated(linear(fixed)))))

    variants = [
        ("all features", ALL_FEATURES),
        ("person features only (forecast)", PERSON_FEATURES),
    ]
    notes = []
    for set_name, per_site in train.items():
        for vname, feats in variants:
            if args.quick and vname != "all features":
                continue
            # (a) own history
            models = {s: Model(feats).fit(qs) for s, qs in per_site.items()}
            r, rg = evaluate_models(tests, models)
            lams = "/".join(f"{m.lam:g}" for m in models.values())
            print(line(f"{set_name}, {vname}, own site (λ {lams})", r, rg))
            # (b) pool of the four sites' pre-T histories
            pool = Model(feats).fit([q for qs in per_site.values() for q in qs])
            r, rg = evaluate_models(tests, dict.fromkeys(tests, pool))
            print(line(f"{set_name}, {vname}, pooled histories (λ {pool.lam:g})", r, rg))
            if args.weights:
                notes.append(f"{set_name}, {vname}, pooled: {pool.describe()}")
                for s, m in models.items():
                    notes.append(f"{set_name}, {vname}, own {s}: {m.describe()}")
    # (c) comparison only: trained on the other sites' test queries
    sampled = {s: subsample(qs, rng) for s, qs in tests.items()}
    for vname, feats in variants:
        models = {}
        for s in tests:
            rest = [q for o, qs in sampled.items() if o != s for q in qs]
            models[s] = Model(feats).fit(rest)
        r, rg = evaluate_models(tests, models)
        print(line(f"comparison: LOSO on other sites' test queries, {vname}", r, rg))
        if args.weights:
            for s, m in models.items():
                notes.append(f"LOSO-test, {vname}, held out {s}: {m.describe()}")
    for n in notes:
        print("\n" + n)
    print(f"\n({time.time() - t0:.0f} s)")


def evaluate_models(tests, models):
    """Ungated and gated (the prototype's off-topic gate on top of the learned score)."""

    def scorer(q):
        return models[q.site].scores(q.rows)

    return evaluate(tests, scorer), evaluate(tests, gated(scorer))


def subsample(queries, rng) -> list[Query]:
    out = []
    for q in queries:
        keep = [0] + sorted(rng.sample(range(1, len(q.rows)), min(NEG, len(q.rows) - 1)))
        out.append(
            Query(q.site, q.t, [q.owners[i] for i in keep], [q.rows[i] for i in keep], 0, q.qid)
        )
    return out


if __name__ == "__main__":
    main()
