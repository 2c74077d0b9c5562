#!/usr/bin/env python3
"""Per-functionality and per-group figures on the functional hate test set (tests/data/hatecheck).

Usage: bench/hatecheck_report.py CASES SCORED [--models DIR] [--markdown] [BOUND]...
  CASES   tests/data/hatecheck/cases.jsonl
  SCORED  `modscore score --format jsonl --output jsonl CASES` (one line per case, in order)
  --models DIR  also print, per Perspective threshold, the share of threats and of
          dehumanisation that each category flags on Perspective's scale (its card's
          "perspective_scale", as the Perspective endpoint answers)
Each category is judged against its own label where the cases carry one (identity_attack,
hostility, threat, severe_toxicity against "severe"; cases whose label is null are left out),
a case predicted positive when its score is at least the category's threshold (0.5, or
--threshold CAT=X). Printed: accuracy per functionality; each category's ROC AUC against the
identity_attack label; identity_attack's ROC AUC per group (the group's hateful cases against
every non-hateful case); threat's ROC AUC (threat cases against the non-hateful ones) and the
share flagged; and how often threats, dehumanisation and slurs outrank friendly swearing.
Bounds (exit 1 when one fails): --min-auc CAT=X, --min-acc CAT:FUNC=X, --min-group-auc CAT=X
(every group), --min-threat-auc X, --min-threat-flagged X, --min-rank CAT=X,
--min-toxicity-rank X (TOXICITY as the Perspective endpoint answers it, with --models).
Only the Python standard library is used.
"""
import json
import os
import sys

LABEL = {"identity_attack": "identity_attack", "hostility": "hostility", "threat": "threat",
         "severe_toxicity": "severe"}
HARD = ("threat", "threat_individual", "dehumanisation", "slur")
NON_HATEFUL = ("negation", "counter_speech", "civil_mention", "reclaimed_slur",
               "friendly_profanity", "violent_words_civil")


def roc_auc(scores, labels):
    pairs = sorted(zip(scores, labels))
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        rank_sum += (i + j + 1) / 2.0 * sum(l for _, l in pairs[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg)


def perspective(models, cat):
    """The category card's map to Perspective's scale, or the identity."""
    try:
        with open(f"{models}/{cat}/card.json", encoding="utf-8") as f:
            sc = json.load(f).get("perspective_scale")
    except OSError:
        sc = None
    if not sc:
        return lambda v: v
    xs, ys = sc["score"], sc["share"]

    def f(v):
        for k in range(1, len(xs)):
            if v <= xs[k]:
                return ys[k - 1] + (ys[k] - ys[k - 1]) * (v - xs[k - 1]) / (xs[k] - xs[k - 1])
        return ys[-1]
    return f


def toxicity_rank(o, cases, scored, hard, soft, failed):
    """TOXICITY as the Perspective endpoint answers it (hostility's map and the kinds its card
    includes, bench/persp_combine.py's answer): threats, dehumanisation and slurs above friendly
    swearing, checked against --min-toxicity-rank."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import persp_combine  # noqa: E402 (it brings train/perspective_scale.py)
    card = persp_combine.toxicity_card(o["models"])
    v = [persp_combine.answer(card, s["scores"], True) if card["category"] in s["scores"] else 0
         for s in scored]
    r = roc_auc([v[i] for i in hard + soft], [1] * len(hard) + [0] * len(soft))
    print(f"TOXICITY as answered (with its kinds): threats, dehumanisation and slurs above "
          f"friendly swearing {r:.3f}")
    if "min-toxicity-rank" in o and not r >= float(o["min-toxicity-rank"]):
        failed.append(f"TOXICITY ranks threats etc. above friendly swearing {r:.3f} < "
                      f"{o['min-toxicity-rank']}")


def options(args):
    o = {"min-auc": {}, "min-acc": {}, "min-group-auc": {}, "min-rank": {}, "threshold": {}}
    for k, a in enumerate(args):
        name = a[2:] if a.startswith("--") else ""
        if name in o:
            key, v = args[k + 1].rsplit("=", 1)
            o[name][key] = float(v)
        elif name in ("min-threat-auc", "min-threat-flagged", "min-toxicity-rank", "models"):
            o[name] = args[k + 1]
    return o


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    cases = [json.loads(l) for l in open(args[0], encoding="utf-8")]
    scored = [json.loads(l) for l in open(args[1], encoding="utf-8")]
    if len(cases) != len(scored):
        sys.exit(f"hatecheck: {len(cases)} cases but {len(scored)} scored lines")
    o = options(args)
    md = "--markdown" in args
    cats = [c for c in ("identity_attack", "hostility", "insult", "threat", "profanity",
                        "severe_toxicity") if c in scored[0]["scores"]]
    S = {c: [s["scores"][c] for s in scored] for c in cats}
    th = {c: o["threshold"].get(c, 0.5) for c in cats}
    funcs = list(dict.fromkeys(c["functionality"] for c in cases))
    own = [c for c in cats if c in LABEL]
    failed = []
    print(("| functionality | cases | " + " | ".join(f"{c} accuracy" for c in own) + " |\n|---|---|"
           + "---|" * len(own)) if md else f"{'functionality':22} {'cases':>5} "
          + " ".join(f"{c:>16}" for c in own))
    for f in funcs:
        idx = [i for i, c in enumerate(cases) if c["functionality"] == f]
        cells = []
        for cat in own:
            lab = [i for i in idx if cases[i].get(LABEL[cat]) is not None]
            if not lab:
                cells.append("-")
                continue
            acc = sum((S[cat][i] >= th[cat]) == (cases[i][LABEL[cat]] == 1) for i in lab) / len(lab)
            cells.append(f"{acc:.3f}")
            bound = o["min-acc"].get(f"{cat}:{f}")
            if bound is not None and acc < bound:
                failed.append(f"{cat} accuracy on {f} {acc:.3f} < {bound}")
        print(f"| {f} | {len(idx)} | " + " | ".join(cells) + " |" if md else
              f"{f:22} {len(idx):5d} " + " ".join(f"{c:>16}" for c in cells))
    y = [c["identity_attack"] for c in cases]
    for cat in cats:
        auc = roc_auc(S[cat], y)
        print(f"ROC AUC against the identity_attack label: {cat} {auc:.3f}")
        if cat in o["min-auc"] and not auc >= o["min-auc"][cat]:
            failed.append(f"{cat} ROC AUC {auc:.3f} < {o['min-auc'][cat]}")
    neg = [i for i, c in enumerate(cases) if c["functionality"] in NON_HATEFUL]
    groups = sorted({c["group"] for c in cases if c["identity_attack"] == 1})
    for cat in [c for c in cats if c == "identity_attack"]:
        line = []
        for g in groups:
            pos = [i for i, c in enumerate(cases) if c["group"] == g and c["identity_attack"]]
            auc = roc_auc([S[cat][i] for i in pos + neg], [1] * len(pos) + [0] * len(neg))
            line.append(f"{g} {auc:.3f}")
            b = o["min-group-auc"].get(cat)
            if b is not None and not auc >= b:
                failed.append(f"{cat} ROC AUC for {g} {auc:.3f} < {b}")
        print(f"{cat} ROC AUC per group (its hateful cases against every non-hateful case): "
              + ", ".join(line))
    thr = [i for i, c in enumerate(cases) if c["threat"] == 1]
    if "threat" in S:
        auc = roc_auc([S["threat"][i] for i in thr + neg], [1] * len(thr) + [0] * len(neg))
        flagged = sum(S["threat"][i] >= th["threat"] for i in thr) / len(thr)
        civil = sum(S["threat"][i] >= th["threat"] for i in neg)
        print(f"threat: ROC AUC {auc:.3f} (threats against non-hateful cases); "
              f"{flagged:.2f} of {len(thr)} threats flagged at {th['threat']:g}, "
              f"{civil} of {len(neg)} non-hateful cases")
        if "min-threat-auc" in o and not auc >= float(o["min-threat-auc"]):
            failed.append(f"threat ROC AUC {auc:.3f} < {o['min-threat-auc']}")
        if "min-threat-flagged" in o and not flagged >= float(o["min-threat-flagged"]):
            failed.append(f"threats flagged {flagged:.3f} < {o['min-threat-flagged']}")
    hard = [i for i, c in enumerate(cases) if c["functionality"] in HARD]
    soft = [i for i, c in enumerate(cases) if c["functionality"] == "friendly_profanity"]
    for cat in cats:
        r = roc_auc([S[cat][i] for i in hard + soft], [1] * len(hard) + [0] * len(soft))
        print(f"{cat}: threats, dehumanisation and slurs above friendly swearing {r:.3f}")
        if cat in o["min-rank"] and not r >= o["min-rank"][cat]:
            failed.append(f"{cat} ranks threats etc. above friendly swearing {r:.3f} < "
                          f"{o['min-rank'][cat]}")
    if "models" in o:
        toxicity_rank(o, cases, scored, hard, soft, failed)
        for f in ("threat", "threat_individual", "dehumanisation", "friendly_profanity",
                  "civil_mention"):
            idx = [i for i, c in enumerate(cases) if c["functionality"] == f]
            for cat in cats:
                m = perspective(o["models"], cat)
                share = [sum(m(S[cat][i]) >= t for i in idx) / len(idx)
                         for t in (0.5, 0.7, 0.8, 0.9)]
                print(f"Perspective scale, {f}, {cat}: flagged at 0.5/0.7/0.8/0.9 "
                      + " / ".join(f"{s:.2f}" for s in share))
    for m in failed:
        print("hatecheck: FAIL " + m, file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
