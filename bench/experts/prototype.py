"""Research prototype of the expert finder: the protocol in pure Python over the XML dumps,
to compare signals in seconds (the real bench, protocol.py, goes through the importer and
`agora experts`). Features mirror agora/experts/ranking.py.

    .venv/bin/python bench/experts/prototype.py /work/shared/data/stackexchange/*
    .venv/bin/python bench/experts/prototype.py DIR... --fit     # + leave-one-site-out fit
    .venv/bin/python bench/experts/prototype.py DIR... --oracle  # + what knowing the future buys
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dumps import read_posts, split_time, test_cases  # noqa: E402

from agora.search.analysis import analyse  # noqa: E402

DAY = 86400.0
K1, B = 1.2, 0.75
SPANS = (0.1, 0.2, 0.3, 0.4)
# The model of agora/experts/ranking.py (WEIGHTS), in the names used here.
FINAL = {"act0.3": 1.0, "actq0.3": 1.0, "vol": 1.0, "rel": 0.25, "text": 0.5, "tag": 0.25}
BASELINES = {
    "popularity (accepted answers)": {"acc": 1.0},
    "tag profile": {"tag": 1.0},
    "BM25, single answers, top-5 per person": {"answers_top5": 1.0},
}


def bm25_weight(tf: float, length: float, avg: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))


class Site:
    """What the finder may know of one dump: the posts created before T."""

    def __init__(self, directory):
        posts = read_posts(directory)
        self.name = Path(directory).name
        self.cutoff = split_time(posts)
        self.cases = test_cases(posts, self.cutoff)
        known = [p for p in posts if p.created < self.cutoff]
        questions = {p.id: p for p in known if p.kind == 1}
        answers = [p for p in known if p.kind == 2 and p.owner and p.parent in questions]
        accepted = {q.accepted for q in questions.values() if q.accepted}
        self.ref = max(a.created for a in answers)
        self.span = (self.ref - min(a.created for a in answers)).total_seconds() / DAY
        self.tag_df = Counter(t.lower() for q in questions.values() for t in q.tags)
        self.n_questions = len(questions)
        self.people = defaultdict(
            lambda: {"n": 0, "acc": 0, "events": [], "tags": Counter(), "bag": Counter()}
        )
        self.answer_docs = []  # (owner, terms, length) for the single-answer baseline
        for a in answers:
            q = questions[a.parent]
            is_acc = a.id in accepted
            p = self.people[a.owner]
            p["n"] += 1
            p["acc"] += is_acc
            age = (self.ref - a.created).total_seconds() / DAY
            p["events"].append((age, 1 + 2 * is_acc + math.log1p(max(a.score, 0))))
            for t in q.tags:
                p["tags"][t.lower()] += 1
            w = 2 if is_acc else 1
            for term in analyse(q.title):
                p["bag"][term] += 2 * w
            for term in analyse(q.body) + analyse(a.body) + analyse(" ".join(q.tags)):
                p["bag"][term] += w
            terms = Counter(analyse(a.body))
            self.answer_docs.append((a.owner, terms, sum(terms.values())))
        self.lengths = {o: sum(p["bag"].values()) for o, p in self.people.items()}
        self.avg_length = sum(self.lengths.values()) / len(self.lengths)
        self.df = Counter(t for p in self.people.values() for t in p["bag"])
        self.answer_df = Counter(t for _o, terms, _n in self.answer_docs for t in terms)
        self.avg_answer = sum(n for _o, _t, n in self.answer_docs) / len(self.answer_docs)
        self.cache = {c.question.id: self.features(c.question) for c in self.cases}

    def features(self, q) -> dict[int, dict[str, float]]:
        terms = Counter(analyse(q.title + "\n\n" + q.body) + analyse(" ".join(q.tags)))
        n_people = len(self.people)
        text = {}
        for owner, p in self.people.items():
            s = 0.0
            for t, qtf in terms.items():
                tf = p["bag"].get(t)
                if tf:
                    idf = math.log(1 + (n_people - self.df[t] + 0.5) / (self.df[t] + 0.5))
                    s += (
                        idf
                        * (1 + math.log(qtf))
                        * bm25_weight(tf, self.lengths[owner], self.avg_length)
                    )
            text[owner] = s
        best = max(text.values(), default=0) or 1
        single = defaultdict(list)
        n_docs = len(self.answer_docs)
        for owner, doc, length in self.answer_docs:
            s = 0.0
            for t in terms:
                tf = doc.get(t)
                if tf:
                    df = self.answer_df[t]
                    idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
                    s += idf * bm25_weight(tf, length, self.avg_answer)
            single[owner].append(s)
        qtags = [t.lower() for t in q.tags]
        out = {}
        for owner, p in self.people.items():
            f = {
                "text": math.log(0.02 + text[owner] / best),
                "answers_top5": sum(sorted(single[owner], reverse=True)[:5]),
                "tag": sum(
                    math.log(1 + self.n_questions / (1 + self.tag_df[t])) * math.log1p(p["tags"][t])
                    for t in qtags
                ),
                "vol": math.log1p(p["n"]),
                "acc": float(p["acc"]),
                "rel": math.log((p["acc"] + 1) / (p["n"] + 2)),
            }
            for c in SPANS:
                tau = c * self.span
                f[f"act{c}"] = math.log(1e-3 + sum(math.exp(-a / tau) for a, _w in p["events"]))
                f[f"actq{c}"] = math.log(1e-3 + sum(w * math.exp(-a / tau) for a, w in p["events"]))
            f["topical"] = float(text[owner] > 0 or f["tag"] > 0)
            out[owner] = f
        return out


def rank_of(feats, weights, expert, asker, gate) -> float:
    def score(o):
        f = feats[o]
        return (gate * f["topical"], sum(w * f[k] for k, w in weights.items() if w))

    target = score(expert)
    greater = ties = 0
    for o in feats:
        if o in (expert, asker):
            continue
        s = score(o)
        greater += s > target
        ties += s == target
    return 1 + greater + ties / 2  # ties broken at random, on average


def evaluate(sites, weights, gate=1.0) -> dict:
    out, pooled = {}, []
    for site in sites:
        ranks = [
            rank_of(site.cache[c.question.id], weights, c.expert, c.question.owner, gate)
            for c in site.cases
        ]
        out[site.name] = summarise(ranks)
        pooled += ranks
    out["pooled"] = summarise(pooled)
    return out


def summarise(ranks) -> dict:
    n = len(ranks)
    return {
        "n": n,
        "mrr": sum(1 / r for r in ranks) / n,
        "h1": sum(r <= 1 for r in ranks) / n,
        "h5": sum(r <= 5 for r in ranks) / n,
        "h10": sum(r <= 10 for r in ranks) / n,
    }


def fit(sites, keys, rounds=3) -> dict:
    weights = dict.fromkeys(keys, 1.0)
    grid = [0, 0.25, 0.5, 1, 2, 4]
    best = evaluate(sites, weights)["pooled"]["mrr"]
    for _ in range(rounds):
        improved = False
        for k in keys:
            for g in grid:
                trial = dict(weights, **{k: g})
                m = evaluate(sites, trial)["pooled"]["mrr"]
                if m > best + 1e-9:
                    best, weights, improved = m, trial, True
        if not improved:
            break
    return weights


def add_oracle(sites) -> None:
    """A prior no finder can have: each person's true number of accepted answers among the
    test questions (leave-one-out: the question being ranked is not counted). It bounds what
    any "who keeps answering" signal can reach on a dump."""
    for site in sites:
        future = Counter(c.expert for c in site.cases)
        for c in site.cases:
            for owner, f in site.cache[c.question.id].items():
                f["oracle"] = math.log(0.5 + future[owner] - (owner == c.expert))


def line(label, r) -> str:
    p = r["pooled"]
    per_site = " ".join(f"{r[k]['mrr']:.3f}" for k in r if k != "pooled")
    return (
        f"| {label} | {p['mrr']:.3f} | {p['h1']:.3f} | {p['h5']:.3f} | {p['h10']:.3f} "
        f"| {per_site} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--oracle", action="store_true", help="also rank with knowledge of the future")
    args = ap.parse_args()
    sites = [Site(d) for d in args.dirs]
    print("| model | MRR | Hit@1 | Hit@5 | Hit@10 | MRR per site |")
    print("|---|---:|---:|---:|---:|---|")
    for label, weights in BASELINES.items():
        print(line(label, evaluate(sites, weights, gate=0)))
    print(line("**final model**", evaluate(sites, FINAL)))
    print(line("final, no off-topic gate", evaluate(sites, FINAL, gate=0)))
    for k in FINAL:
        print(line(f"final without {k}", evaluate(sites, {**FINAL, k: 0})))
    for c in SPANS:
        w = {k: v for k, v in FINAL.items() if not k.startswith("act")}
        w.update({f"act{c}": 1.0, f"actq{c}": 1.0})
        print(line(f"final, time constant {c} × span", evaluate(sites, w)))
    print(line("activity only (0.3 × span)", evaluate(sites, {"actq0.3": 1.0}, gate=0)))
    if args.oracle:
        add_oracle(sites)
        print(line("oracle prior (knows the future)", evaluate(sites, {"oracle": 1.0}, gate=0)))
        for w in (0.1, 0.25, 0.5, 1.0):
            for k in ("text", "tag"):
                label = f"oracle prior + {k} × {w}"
                print(line(label, evaluate(sites, {"oracle": 1.0, k: w}, gate=0)))
    if args.fit:
        keys = list(FINAL)
        for i, held_out in enumerate(sites):
            weights = fit(sites[:i] + sites[i + 1 :], keys)
            r = evaluate([held_out], weights)["pooled"]
            print(f"leave-one-site-out {held_out.name}: MRR {r['mrr']:.3f} with {weights}")


if __name__ == "__main__":
    main()
