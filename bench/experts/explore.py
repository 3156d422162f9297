"""New signals tried on top of the prototype's model (issue 5, third round): what each adds to
the fixed model, pooled and leave-one-site-out (the weight of the new signal chosen on three
sites, scored on the fourth; the held-out ranks pooled).

    .venv/bin/python bench/experts/explore.py /work/shared/data/stackexchange/*

Signals (all from posts created before T, and the query question itself):

- link: the query question's body links to earlier posts (/questions/N, /q/N, /a/N,
  /answers/N, full or relative URLs): credit to the answerers of the linked questions
  (accepted answer 2) and to the authors of linked answers;
- pa_*: BM25 per answer, the answer's document being the answered question's title (twice)
  and body, the answer and the tags — an answer is evidence for the question it answers;
  per person the sum (pa_sum), the best (pa_max), the three best (pa_top3), and the
  recency-weighted sum Σ s_a · exp(−age/τ) ("recent topical activity", pa_rec, τ = 0.3 ×
  span), each relative to the best candidate and log-scaled as the text signal is;
- knn{k}: the answerers of the k pre-T questions most like the query (BM25 over question
  title + body), credited by similarity (accepted answer 2);
- asker2: second-order evidence through the asker: people who answered questions the
  asker also answered, or questions on which the asker commented (Comments.xml when the
  dump has it), or the asker's own questions;
- hour{lag}_{sigma}: how often the person answered at the time of day (UTC) the question
  was asked (+ lag hours), a circular Gaussian kernel of sigma hours, smoothed towards
  uniform, log of the ratio to uniform; weekday: the same for weekend vs weekday;
- tag_llr: the query's tags' log-likelihood ratio under the person's tag distribution
  (Dirichlet-smoothed towards the site's) against the site's — specialisation;
- text_clarity: the text signal times 1 − second best / best text score (how far the best
  match stands out);
- rrf: reciprocal-rank fusion (k = 60) of the rankings by weighted activity, text and tags
  (and variants with pa_rec), instead of the weighted sum.

Also printed: how many test questions link to a pre-T post, the fixed model's and the text
signal's results by the accepted answerer's number of answers before T, and the per-query
best of eight rankings (an oracle choice: what these signals could reach at best).
"""

from __future__ import annotations

import argparse
import html
import math
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from prototype import DAY, FINAL, Site, bm25_weight, evaluate, line, rank_of, summarise  # noqa: E402

from agora.search.analysis import analyse  # noqa: E402

LINK_RE = re.compile(r"/(questions|q|a|answers)/(\d+)")
GRID = (0.0, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
RRF_K = 60
TAU_FRACTION = 0.3
HOUR_VARIANTS = ((0, 2), (0, 3), (2, 2), (2, 3), (1, 1.5))
HOUR_ALPHA = 2.0
TAG_MU = 5.0


def raw_posts(directory) -> dict[int, str]:
    raw = {}
    for _event, el in ET.iterparse(Path(directory) / "Posts.xml"):
        if el.tag == "row":
            raw[int(el.attrib["Id"])] = html.unescape(el.attrib.get("Body", ""))
        el.clear()
    return raw


def comments(directory) -> list[tuple[int, int, str]]:
    """(post id, commenter, creation time) of every comment (the caller keeps those before T)."""
    path = Path(directory) / "Comments.xml"
    out = []
    if not path.exists():
        return out
    for _event, el in ET.iterparse(path):
        if el.tag == "row" and el.attrib.get("UserId"):
            out.append(
                (int(el.attrib["PostId"]), int(el.attrib["UserId"]), el.attrib["CreationDate"])
            )
        el.clear()
    return out


class Index:
    """BM25 over a list of documents (Counter each), term → postings."""

    def __init__(self, docs):
        self.postings = defaultdict(list)
        self.lengths = []
        for i, doc in enumerate(docs):
            self.lengths.append(sum(doc.values()))
            for t, tf in doc.items():
                self.postings[t].append((i, tf))
        self.n = len(docs)
        self.avg = (sum(self.lengths) / self.n) if self.n else 1.0

    def scores(self, terms: Counter) -> dict[int, float]:
        out = defaultdict(float)
        for t, qtf in terms.items():
            plist = self.postings.get(t)
            if not plist:
                continue
            df = len(plist)
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5)) * (1 + math.log(qtf))
            for i, tf in plist:
                out[i] += idf * bm25_weight(tf, self.lengths[i], self.avg)
        return out


class ExtSite(Site):
    def __init__(self, directory):
        super().__init__(directory)
        from dumps import read_posts

        posts = read_posts(directory)
        self.by_id = {p.id: p for p in posts}
        raw = raw_posts(directory)
        known = [p for p in posts if p.created < self.cutoff]
        questions = {p.id: p for p in known if p.kind == 1}
        accepted = {q.accepted for q in questions.values() if q.accepted}
        self.answers = [p for p in known if p.kind == 2 and p.owner and p.parent in questions]
        self.answers_of_q = defaultdict(list)
        for a in self.answers:
            self.answers_of_q[a.parent].append(a)
        self.tau = TAU_FRACTION * self.span
        docs, qdocs, self.meta = [], [], []
        for a in self.answers:
            q = questions[a.parent]
            d = Counter()
            for t in analyse(q.title):
                d[t] += 2
            d.update(analyse(q.body))
            d.update(analyse(a.body))
            d.update(analyse(" ".join(q.tags)))
            docs.append(d)
            age = (self.ref - a.created).total_seconds() / DAY
            self.meta.append((a.owner, age, a.id in accepted))
        self.answer_index = Index(docs)
        self.hours = defaultdict(list)
        self.weekdays = defaultdict(list)
        for a in self.answers:
            self.hours[a.owner].append(a.created.hour + a.created.minute / 60)
            self.weekdays[a.owner].append(a.created.weekday())
        self.qlist = list(questions.values())
        for q in self.qlist:
            d = Counter()
            for t in analyse(q.title):
                d[t] += 2
            d.update(analyse(q.body))
            d.update(analyse(" ".join(q.tags)))
            qdocs.append(d)
        self.question_index = Index(qdocs)
        self.accepted = accepted
        # second order through the asker
        cutoff_s = self.cutoff.isoformat()
        self.commented = defaultdict(set)  # commenter -> posts
        for post_id, user, at in comments(directory):
            if at < cutoff_s and post_id in self.by_id:
                p = self.by_id[post_id]
                qid = p.parent if p.kind == 2 else p.id
                self.commented[user].add(qid)
        self.answered = defaultdict(set)
        for a in self.answers:
            self.answered[a.owner].add(a.parent)
        self.asked = defaultdict(set)
        for q in self.qlist:
            if q.owner:
                self.asked[q.owner].add(q.id)
        self.raw = raw
        for c in self.cases:
            self.extend(c.question, self.cache[c.question.id])

    def extend(self, q, feats) -> None:
        terms = Counter(analyse(q.title + "\n\n" + q.body) + analyse(" ".join(q.tags)))
        # per-answer BM25
        s = self.answer_index.scores(terms)
        per = defaultdict(list)
        rec = defaultdict(float)
        best_doc = max(s.values(), default=0) or 1.0
        for i, v in s.items():
            owner, age, _acc = self.meta[i]
            per[owner].append(v)
            rec[owner] += (v / best_doc) * math.exp(-age / self.tau)
        sums = {o: sum(v) for o, v in per.items()}
        maxs = {o: max(v) for o, v in per.items()}
        top3 = {o: sum(sorted(v, reverse=True)[:3]) for o, v in per.items()}

        def rel(d):
            best = max(d.values(), default=0) or 1.0
            return lambda o: math.log(0.02 + d.get(o, 0.0) / best)

        f_sum, f_max, f_top3, f_rec = rel(sums), rel(maxs), rel(top3), rel(rec)
        # kNN over questions
        qs = self.question_index.scores(terms)
        ranked_q = sorted(qs.items(), key=lambda kv: -kv[1])
        knn = {}
        for k in (5, 20, 50):
            credit = defaultdict(float)
            top = ranked_q[:k]
            best = top[0][1] if top else 1.0
            for i, v in top:
                for a in self.answers_of_q[self.qlist[i].id]:
                    credit[a.owner] += (v / best) * (2 if a.id in self.accepted else 1)
            knn[k] = credit
        # links
        link = defaultdict(float)
        for _kind, n in LINK_RE.findall(self.raw.get(q.id, "")):
            p = self.by_id.get(int(n))
            if p is None or p.created >= self.cutoff:
                continue
            if p.kind == 2:
                if p.owner:
                    link[p.owner] += 2
                qid = p.parent
            else:
                qid = p.id
            for a in self.answers_of_q.get(qid, ()):
                link[a.owner] += 2 if a.id in self.accepted else 1
        # second order through the asker
        asker = q.owner
        a2 = defaultdict(float)
        if asker:
            touched = self.answered.get(asker, set()) | self.commented.get(asker, set())
            touched |= self.asked.get(asker, set())
            for qid in touched:
                for a in self.answers_of_q.get(qid, ()):
                    a2[a.owner] += 1
        # hour of day: how often the person answered at the time of day the question is asked
        hq = q.created.hour + q.created.minute / 60
        for lag, sigma in HOUR_VARIANTS:
            norm = sigma * math.sqrt(2 * math.pi)
            aff = defaultdict(float)
            for owner, hours in self.hours.items():
                t = 0.0
                for h in hours:
                    d = abs((h - hq - lag + 12) % 24 - 12)
                    t += math.exp(-d * d / (2 * sigma * sigma))
                aff[owner] = (t / norm + HOUR_ALPHA / 24) / (len(hours) + HOUR_ALPHA)
            for o, f in feats.items():
                f[f"hour{lag}_{sigma}"] = math.log(24 * aff[o]) if o in aff else 0.0
        wk = q.created.weekday() >= 5
        for o, f in feats.items():
            days = self.weekdays.get(o, [])
            same = sum((d >= 5) == wk for d in days)
            share = 2 / 7 if wk else 5 / 7
            f["weekday"] = math.log((same + 2 * share) / (len(days) + 2) / share) if days else 0.0
        # query clarity: the text signal weighted by how far the best match stands out
        # (1 − second best / best, raw text scores)
        rel_text = sorted((math.exp(f["text"]) - 0.02 for f in feats.values()), reverse=True)
        clarity = 1 - rel_text[1] / rel_text[0] if len(rel_text) > 1 and rel_text[0] > 0 else 0.0
        for f in feats.values():
            f["text_clarity"] = clarity * f["text"]
        # tag specialisation: log-likelihood ratio of the query's tags under the person's tag
        # distribution (Dirichlet-smoothed towards the site's) against the site's
        qtags = [t.lower() for t in q.tags]
        total_tags = sum(self.tag_df.values()) or 1
        for o, f in feats.items():
            p = self.people[o]
            n_tags = sum(p["tags"].values())
            llr = 0.0
            for t in qtags:
                pt = (self.tag_df[t] + 0.5) / (total_tags + 0.5)
                llr += math.log((p["tags"][t] + TAG_MU * pt) / (n_tags + TAG_MU) / pt)
            f["tag_llr"] = llr
        for o, f in feats.items():
            f["pa_sum"], f["pa_max"], f["pa_top3"], f["pa_rec"] = (
                f_sum(o),
                f_max(o),
                f_top3(o),
                f_rec(o),
            )
            for k, credit in knn.items():
                f[f"knn{k}"] = math.log1p(credit.get(o, 0.0))
            f["link"] = math.log1p(link.get(o, 0.0))
            f["asker2"] = math.log1p(a2.get(o, 0.0))
            f["topical2"] = float(f["topical"] or o in per)
        # reciprocal-rank fusion
        for name, keys in {
            "rrf_act_text_tag": ("actq0.3", "text", "tag"),
            "rrf_act_pa": ("actq0.3", "pa_rec"),
            "rrf_act_text_tag_pa": ("actq0.3", "text", "tag", "pa_rec"),
            "rrf_final_pa": ("_final", "pa_rec"),
        }.items():
            fused = defaultdict(float)
            for key in keys:
                if key == "_final":
                    val = {o: sum(w * f[k] for k, w in FINAL.items()) for o, f in feats.items()}
                else:
                    val = {o: f[key] for o, f in feats.items()}
                order = sorted(val, key=lambda o: -val[o])
                for r, o in enumerate(order):
                    fused[o] += 1.0 / (RRF_K + r + 1)
            for o, f in feats.items():
                f[name] = fused[o] * 100


def loso(sites, base, key, grid=GRID, gate=1.0):
    """Leave-one-site-out: the weight of `key` chosen on the other sites (pooled MRR), the
    held-out site ranked with it; returns the pooled held-out summary and the weights."""
    ranks, chosen = [], []
    for i, held in enumerate(sites):
        rest = sites[:i] + sites[i + 1 :]
        best_w = max(
            grid, key=lambda w: (evaluate(rest, {**base, key: w}, gate)["pooled"]["mrr"], -w)
        )
        chosen.append(best_w)
        w = {**base, key: best_w}
        ranks += [
            rank_of(held.cache[c.question.id], w, c.expert, c.question.owner, gate)
            for c in held.cases
        ]
    return summarise(ranks), chosen


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--only", help="comma-separated signals to test on top of the model")
    args = ap.parse_args()
    sites = [ExtSite(d) for d in args.dirs]
    print("| model | MRR | Hit@1 | Hit@5 | Hit@10 | MRR per site |")
    print("|---|---:|---:|---:|---:|---|")
    print(line("final model", evaluate(sites, FINAL)))
    alone = [
        "tag_llr",
        "pa_sum",
        "pa_max",
        "pa_top3",
        "pa_rec",
        "knn5",
        "knn20",
        "knn50",
        "link",
        "asker2",
    ]
    alone += ["rrf_act_text_tag", "rrf_act_pa", "rrf_act_text_tag_pa", "rrf_final_pa"]
    if args.only:
        alone = [k for k in alone if k in args.only.split(",")]
    for k in alone:
        print(line(f"{k} alone", evaluate(sites, {k: 1.0}, gate=0)))
    new = ["pa_sum", "pa_max", "pa_top3", "pa_rec", "knn5", "knn20", "knn50", "link", "asker2"]
    new += ["tag_llr", "text_clarity"]
    hour = [f"hour{lag}_{sigma}" for lag, sigma in HOUR_VARIANTS] + ["weekday"]
    rrf = ["rrf_act_text_tag", "rrf_act_pa", "rrf_act_text_tag_pa"]
    if args.only:
        new = [k for k in new + hour + rrf if k in args.only.split(",")]
    else:
        new += hour + rrf
    for k in new:
        for w in (0.1, 0.25, 0.5, 1.0):
            print(line(f"final + {k} × {w}", evaluate(sites, {**FINAL, k: w})))
        s, chosen = loso(sites, FINAL, k)
        print(
            f"| final + {k}, weight chosen leave-one-site-out {chosen} | {s['mrr']:.3f} "
            f"| {s['h1']:.3f} | {s['h5']:.3f} | {s['h10']:.3f} | held-out pooled |"
        )
    links = sum(
        any(f["link"] > 0 for f in site.cache[c.question.id].values())
        for site in sites
        for c in site.cases
    )
    linked_expert = sum(
        site.cache[c.question.id][c.expert]["link"] > 0 for site in sites for c in site.cases
    )
    print(f"\ntest questions linking to a pre-T post: {links}; ", end="")
    print(f"the accepted answerer credited by the link: {linked_expert}")
    print(
        "\n| accepted answerer's answers before T | test questions | final MRR | final Hit@10 "
        "| text alone Hit@10 | pa_rec alone Hit@10 |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for lo, hi in ((1, 3), (4, 10), (11, 30), (31, 10**9)):
        got = {"final": [], "text": [], "pa_rec": []}
        for site in sites:
            for c in site.cases:
                if lo <= site.people[c.expert]["n"] <= hi:
                    f = site.cache[c.question.id]
                    got["final"].append(rank_of(f, FINAL, c.expert, c.question.owner, 1.0))
                    for k in ("text", "pa_rec"):
                        got[k].append(rank_of(f, {k: 1.0}, c.expert, c.question.owner, 0))
        fs, ts, ps = (summarise(got[k]) for k in ("final", "text", "pa_rec"))
        label = f"{lo}–{hi}" if hi < 10**9 else f"> {lo - 1}"
        print(
            f"| {label} | {fs['n']} | {fs['mrr']:.3f} | {fs['h10']:.3f} | {ts['h10']:.3f} "
            f"| {ps['h10']:.3f} |"
        )
    print()
    # the best any of these rankings could do if a query could pick its best one
    union = []
    for site in sites:
        for c in site.cases:
            f = site.cache[c.question.id]
            union.append(
                min(
                    rank_of(f, w, c.expert, c.question.owner, 0)
                    for w in [FINAL]
                    + [
                        {k: 1.0}
                        for k in ("text", "tag", "pa_rec", "pa_max", "knn20", "actq0.3", "vol")
                    ]
                )
            )
    s = summarise(union)
    print(
        "| per-query best of final, text, tag, pa_rec, pa_max, knn20, activity, volume "
        "(oracle choice) "
        f"| {s['mrr']:.3f} | {s['h1']:.3f} | {s['h5']:.3f} | {s['h10']:.3f} | |"
    )
    # text replaced by pa_*
    for k in ["pa_sum", "pa_top3", "pa_rec"]:
        w = {**FINAL, "text": 0.0, k: 0.5}
        print(line(f"final, text replaced by {k} × 0.5", evaluate(sites, w)))


if __name__ == "__main__":
    main()
