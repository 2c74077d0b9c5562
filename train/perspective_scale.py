#!/usr/bin/env python3
"""Fit each attribute model's map to Perspective's scale and write it into its card.

Usage: train/perspective_scale.py MODSCORE MODELS_DIR PREP_DIR [--write] [--json]
  PREP_DIR  train/prepare.py's output: rater-*.jsonl, {"text","share":{ATTRIBUTE: share}}, the
            share of a comment's raters who marked it so, on rows no model is trained on
            (prepare_more.raters says which)
Perspective's number is the share of readers who would call a comment toxic (or an insult, a
threat...); modscore's score is a probability calibrated on its own training mix. For every
category whose card names a Perspective attribute with rater data, the rows are scored
(`modscore score`), split by a stable hash of the text into a fit part (4 in 5) and a check
part, and on the fit part the share is regressed on the score: the score's bins (fixed edges,
merged until each holds 40 rows), each source weighing the same in total (so that no single
corpus sets the scale), pooled adjacent violators for a non-decreasing share, and the bins'
(mean score, share) as the knots of a piecewise-linear map from score 0 to 1. On the check
part: a reliability table (mean predicted share against mean observed share, by predicted
share) and, at Perspective thresholds 0.5, 0.7, 0.8 and 0.9, precision and recall against
"most raters marked it" (share >= 0.5), for the score itself (before) and the map (after).
--write puts {"score","share","fitted_on","check"} into the card as "perspective_scale"
(card.c reads score and share; the rest is for people) for the attributes in WRITTEN, whose
rater data is each rater's own judgement of the attribute: TOXICITY (C3's crowd level, the
toxic-spans corpus's toxic / not toxic per annotator, Davidson's votes) and SEVERE_TOXICITY.
For INSULT, IDENTITY_ATTACK, PROFANITY and THREAT the only rater-level data is the type of the
spans each annotator marked, and an annotator types the kind that struck them most (an
identity attack is often typed Insult): the share of annotators typing it undercounts the
share who would call the comment so (fitted, such maps top out at 0.26-0.66 and no threshold
from 0.7 would ever flag), so those cards keep modscore's own score; their figures are
printed. --json prints each attribute's check as JSON. Only the standard library is used.
"""
import glob
import json
import os
import subprocess
import sys

EDGES = [0, .01, .02, .03, .05, .075, .1, .15, .2, .25, .3, .4, .5, .6, .7, .8, .9, .95, 1.0001]
MIN_BIN = 40
THRESHOLDS = (0.5, 0.7, 0.8, 0.9)
WRITTEN = ("TOXICITY", "SEVERE_TOXICITY")


def bucket(text):
    h = 2166136261
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h % 5


def load(prep):
    rows = []
    for path in sorted(glob.glob(f"{prep}/rater-*.jsonl")):
        src = os.path.basename(path)[6:-6]
        with open(path, encoding="utf-8") as f:
            rows += [dict(json.loads(l), source=src) for l in f]
    return rows


def score(modscore, models, rows, tmp):
    with open(tmp, "w", encoding="utf-8") as f:
        for i, r in enumerate(rows):
            f.write(json.dumps({"id": str(i), "text": r["text"]}, ensure_ascii=False) + "\n")
    out = subprocess.run([modscore, "score", "--models", models, "--format", "jsonl",
                          "--output", "jsonl", tmp],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    os.unlink(tmp)
    return [json.loads(l)["scores"] for l in out]


def pav(ys, ws):
    """Weighted pooled adjacent violators: the non-decreasing fit of ys."""
    blocks = []  # [value, weight, count]
    for y, w in zip(ys, ws):
        blocks.append([y, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            b = blocks.pop()
            a = blocks[-1]
            a[0] = (a[0] * a[1] + b[0] * b[1]) / (a[1] + b[1])
            a[1] += b[1]
            a[2] += b[2]
    out = []
    for v, _, n in blocks:
        out += [v] * n
    return out


def fit(pts):
    """pts: (score, share, weight). Knots (score, share) of the monotone map."""
    bins = [[] for _ in EDGES[:-1]]
    for p in pts:
        k = next(i for i in range(len(EDGES) - 1) if p[0] < EDGES[i + 1])
        bins[k].append(p)
    merged = []
    for b in bins:  # merge small bins into the next, the last into the one before
        if merged and len(merged[-1]) < MIN_BIN:
            merged[-1] += b
        elif b:
            merged.append(b)
    if len(merged) > 1 and len(merged[-1]) < MIN_BIN:
        merged[-2] += merged.pop()
    xs = [sum(p[0] * p[2] for p in b) / sum(p[2] for p in b) for b in merged]
    ys = [sum(p[1] * p[2] for p in b) / sum(p[2] for p in b) for b in merged]
    ws = [sum(p[2] for p in b) for b in merged]
    ys = pav(ys, ws)
    knots = [(0.0, ys[0])] + [(x, y) for x, y in zip(xs, ys) if 0 < x < 1] + [(1.0, ys[-1])]
    out = []
    for x, y in knots:  # strictly ascending scores
        x, y = round(x, 6), round(y, 6)
        if not out or x > out[-1][0]:
            out.append((x, y))
    return out


def apply(knots, v):
    for k in range(1, len(knots)):
        if v <= knots[k][0]:
            (x0, y0), (x1, y1) = knots[k - 1], knots[k]
            return y0 + (y1 - y0) * (v - x0) / (x1 - x0)
    return knots[-1][1]


def pr(pred, gold, w, t):
    """Precision and recall at t, each row weighing w (each source the same in total)."""
    tp = sum(x for p, g, x in zip(pred, gold, w) if p >= t and g)
    fp = sum(x for p, g, x in zip(pred, gold, w) if p >= t and not g)
    pos = sum(x for g, x in zip(gold, w) if g)
    return {"threshold": t, "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / pos, 4) if pos else None,
            "flagged_rows": sum(1 for p in pred if p >= t)}


def reliability(pred, obs, w):
    out = []
    for lo, hi in ((0, .1), (.1, .3), (.3, .5), (.5, .7), (.7, .9), (.9, 1.01)):
        idx = [i for i, p in enumerate(pred) if lo <= p < hi]
        if idx:
            tw = sum(w[i] for i in idx)
            out.append({"predicted": [lo, min(hi, 1.0)], "rows": len(idx),
                        "mean_predicted": round(sum(pred[i] * w[i] for i in idx) / tw, 4),
                        "mean_observed": round(sum(obs[i] * w[i] for i in idx) / tw, 4)})
    return out


def main():
    a = [x for x in sys.argv[1:] if not x.startswith("--")]
    if len(a) != 3:
        sys.exit(__doc__)
    modscore, models, prep = a
    rows = load(prep)
    scores = score(modscore, models, rows, f"{prep}/rater-all.tmp")
    as_json = "--json" in sys.argv
    for cat in sorted(os.listdir(models)):
        path = f"{models}/{cat}/card.json"
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            card = json.load(f)
        attr = card.get("perspective_attribute")
        idx = [i for i, r in enumerate(rows) if attr in r["share"] and cat in scores[i]]
        if not attr or not idx:
            continue
        size = {}
        for i in idx:
            if bucket(rows[i]["text"]):
                size[rows[i]["source"]] = size.get(rows[i]["source"], 0) + 1
        pts = [(scores[i][cat], rows[i]["share"][attr], 1.0 / size[rows[i]["source"]])
               for i in idx if bucket(rows[i]["text"])]
        knots = fit(pts)
        chk = [i for i in idx if not bucket(rows[i]["text"])]
        raw = [scores[i][cat] for i in chk]
        mapped = [apply(knots, v) for v in raw]
        obs = [rows[i]["share"][attr] for i in chk]
        gold = [o >= 0.5 for o in obs]
        csize = {}
        for i in chk:
            csize[rows[i]["source"]] = csize.get(rows[i]["source"], 0) + 1
        w = [1.0 / csize[rows[i]["source"]] for i in chk]
        check = {"rows": len(chk), "sources": {s: sum(1 for i in chk if rows[i]["source"] == s)
                                              for s in sorted(size)},
                 "majority_marked": sum(gold),
                 "weights": "each source the same in total",
                 "reliability": reliability(mapped, obs, w),
                 "reliability_before": reliability(raw, obs, w),
                 "before": [pr(raw, gold, w, t) for t in THRESHOLDS],
                 "after": [pr(mapped, gold, w, t) for t in THRESHOLDS]}
        print(f"{cat} ({attr}): {len(pts)} fit rows from {', '.join(sorted(size))}; "
              f"knots {knots}")
        print(f"  check: {len(chk)} rows, {sum(gold)} most raters marked")
        for b, r in zip(check["before"], check["after"]):
            print(f"  at {b['threshold']}: before P {b['precision']} R {b['recall']}"
                  f" | after P {r['precision']} R {r['recall']}")
        for r in check["reliability"]:
            print(f"  predicted {r['predicted'][0]}-{r['predicted'][1]}: {r['rows']} rows, "
                  f"mean predicted {r['mean_predicted']}, observed {r['mean_observed']}")
        if as_json:
            print(json.dumps({"category": cat, "knots": knots, "check": check}))
        if "--write" in sys.argv and attr in WRITTEN:
            card["perspective_scale"] = {
                "score": [k[0] for k in knots], "share": [k[1] for k in knots],
                "fitted_on": (f"{len(pts)} rows with rater shares ({', '.join(sorted(size))}; "
                              "4 in 5 by text hash, each source weighing the same), "
                              "train/perspective_scale.py"),
                "check": check}
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(card, f, indent=2, ensure_ascii=False)
                f.write("\n")
            os.replace(tmp, path)


if __name__ == "__main__":
    main()
