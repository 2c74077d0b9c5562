#!/usr/bin/env python3
"""Per-functionality accuracy on the functional hate test set (tests/data/hatecheck).

Usage: bench/hatecheck_report.py CASES SCORED [--markdown] [--min-auc CAT=X]... [--min-acc CAT:FUNC=X]...
  CASES   tests/data/hatecheck/cases.jsonl
  SCORED  `modscore score --format jsonl --output jsonl CASES` (one line per case, in order)
A category predicts a case hateful (identity_attack) or toxic (hostility) when its score is
at least 0.5 (the default policy's flag threshold for identity_attack, review threshold for
hostility). Prints accuracy per functionality for each category that was scored against its
own label (identity_attack cases against "identity_attack", hostility against "hostility"),
and each category's ROC AUC against the identity_attack label. Exit 1 when a bound fails.
Only the Python standard library is used.
"""
import json
import sys


def roc_auc(scores, labels):
    pairs = sorted(zip(scores, labels))
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    # rank-sum with ties averaged
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg = (i + j + 1) / 2.0
        rank_sum += avg * sum(l for _, l in pairs[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    cases = [json.loads(l) for l in open(args[0], encoding="utf-8")]
    scored = [json.loads(l) for l in open(args[1], encoding="utf-8")]
    if len(cases) != len(scored):
        sys.exit(f"hatecheck: {len(cases)} cases but {len(scored)} scored lines")
    markdown = "--markdown" in args
    min_auc, min_acc = {}, {}
    for k, a in enumerate(args):
        if a == "--min-auc":
            c, v = args[k + 1].split("=")
            min_auc[c] = float(v)
        if a == "--min-acc":
            c, v = args[k + 1].split("=")
            min_acc[c] = float(v)
    cats = [c for c in ("identity_attack", "hostility", "insult", "threat", "profanity")
            if c in scored[0]["scores"]]
    funcs = []
    for c in cases:
        if c["functionality"] not in funcs:
            funcs.append(c["functionality"])
    label_of = {"identity_attack": "identity_attack", "hostility": "hostility"}
    failed = []
    own = [c for c in cats if c in label_of]
    if markdown:
        print("| functionality | cases | " + " | ".join(f"{c} accuracy" for c in own) + " |")
        print("|---|---|" + "---|" * len(own))
    else:
        print(f"{'functionality':22} {'cases':>5} " + " ".join(f"{c:>16}" for c in own))
    for f in funcs:
        idx = [i for i, c in enumerate(cases) if c["functionality"] == f]
        accs = []
        for cat in own:
            lab = label_of[cat]
            ok = sum(1 for i in idx
                     if (scored[i]["scores"][cat] >= 0.5) == (cases[i][lab] == 1))
            accs.append(ok / len(idx))
            bound = min_acc.get(f"{cat}:{f}")
            if bound is not None and ok / len(idx) < bound:
                failed.append(f"{cat} accuracy on {f} {ok / len(idx):.3f} < {bound}")
        if markdown:
            print(f"| {f} | {len(idx)} | " + " | ".join(f"{a:.2f}" for a in accs) + " |")
        else:
            print(f"{f:22} {len(idx):5d} " + " ".join(f"{a:16.3f}" for a in accs))
    y = [c["identity_attack"] for c in cases]
    for cat in cats:
        auc = roc_auc([s["scores"][cat] for s in scored], y)
        print(f"ROC AUC against the identity_attack label: {cat} {auc:.3f}")
        if cat in min_auc and not auc >= min_auc[cat]:
            failed.append(f"{cat} ROC AUC {auc:.3f} < {min_auc[cat]}")
    for m in failed:
        print("hatecheck: FAIL " + m, file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
