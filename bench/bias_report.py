#!/usr/bin/env python3
"""Identity-term bias figures for bench/bias.sh (Dixon et al. 2018; Borkan et al. 2019).

Usage: bench/bias_report.py SET.jsonl SCORES.jsonl THRESHOLD [--max-fpr X] [--min-tpr Y] [--json]

SET.jsonl     {"id","group","label","text"} lines (tests/data/bias/identity.jsonl)
SCORES.jsonl  `modscore score --output jsonl` of SET.jsonl (one line per input, same order)
THRESHOLD     the policy's hostility review threshold: a civil sentence at or above it
              is a false positive (it would be held for review)

Per group: FPR (civil sentences at or above the threshold), TPR (hostile ones at or above),
subgroup AUC (the group's hostile vs the group's civil), BPSN AUC (other groups' hostile vs
this group's civil: low when civil mentions of the group look hostile) and BNSP AUC (this
group's hostile vs other groups' civil). Overall: the pooled figures and the generalised
mean (p = -5) of each per-group AUC, as in the Jigsaw unintended-bias metric.
With --max-fpr X / --min-tpr Y it exits 1 when any group's FPR exceeds X or its TPR is
under Y (the ctest bias test).
Only the Python standard library is used.
"""
import argparse
import json
import sys


def auc(neg, pos):
    """P(score(pos) > score(neg)) with ties counted half (Mann-Whitney)."""
    if not neg or not pos:
        return float("nan")
    allv = sorted([(s, 0) for s in neg] + [(s, 1) for s in pos])
    rank_sum, i = 0.0, 0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        r = (i + 1 + j) / 2.0
        rank_sum += r * sum(1 for k in range(i, j) if allv[k][1] == 1)
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg))


def power_mean(values, p=-5):
    values = [v for v in values if v == v]
    return (sum(v ** p for v in values) / len(values)) ** (1.0 / p) if values else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set")
    ap.add_argument("scores")
    ap.add_argument("threshold", type=float)
    ap.add_argument("--max-fpr", type=float, default=None)
    ap.add_argument("--min-tpr", type=float, default=None)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = [json.loads(l) for l in open(a.set, encoding="utf-8") if l.strip()]
    scored = [json.loads(l) for l in open(a.scores, encoding="utf-8") if l.strip()]
    if len(rows) != len(scored):
        sys.exit(f"bias_report: {len(scored)} scores for {len(rows)} sentences")
    groups = {}
    for r, s in zip(rows, scored):
        if r["id"] != s["id"]:
            sys.exit(f"bias_report: score for {s['id']} where {r['id']} was expected")
        g = groups.setdefault(r["group"], ([], []))
        g[r["label"]].append(s["scores"]["hostility"])
    t = a.threshold
    civil_all = [(g, v) for g, (c, _) in groups.items() for v in c]
    host_all = [(g, v) for g, (_, h) in groups.items() for v in h]
    out = []
    for g, (civil, hostile) in groups.items():
        out.append({
            "group": g,
            "civil": len(civil), "hostile": len(hostile),
            "fpr": sum(v >= t for v in civil) / len(civil),
            "tpr": sum(v >= t for v in hostile) / len(hostile),
            "mean_civil": sum(civil) / len(civil),
            "max_civil": max(civil),
            "subgroup_auc": auc(civil, hostile),
            "bpsn_auc": auc(civil, [v for h, v in host_all if h != g]),
            "bnsp_auc": auc([v for h, v in civil_all if h != g], hostile),
        })
    allc = [v for _, v in civil_all]
    allh = [v for _, v in host_all]
    overall = {
        "threshold": t,
        "fpr": sum(v >= t for v in allc) / len(allc),
        "tpr": sum(v >= t for v in allh) / len(allh),
        "auc": auc(allc, allh),
        "max_group_fpr": max(r["fpr"] for r in out),
        "mean_subgroup_auc": power_mean([r["subgroup_auc"] for r in out]),
        "mean_bpsn_auc": power_mean([r["bpsn_auc"] for r in out]),
        "mean_bnsp_auc": power_mean([r["bnsp_auc"] for r in out]),
    }
    if a.json:
        print(json.dumps({"overall": overall, "groups": out}))
    else:
        print(f"{'group':<14} {'FPR':>6} {'TPR':>6} {'civil mean':>10} {'civil max':>9} "
              f"{'subgroup':>8} {'BPSN':>6} {'BNSP':>6}")
        for r in sorted(out, key=lambda r: (-r["fpr"], -r["mean_civil"])):
            print(f"{r['group']:<14} {r['fpr']:6.2f} {r['tpr']:6.2f} {r['mean_civil']:10.3f} "
                  f"{r['max_civil']:9.3f} {r['subgroup_auc']:8.3f} {r['bpsn_auc']:6.3f} "
                  f"{r['bnsp_auc']:6.3f}")
        print(f"{'all':<14} {overall['fpr']:6.2f} {overall['tpr']:6.2f}  pooled AUC "
              f"{overall['auc']:.3f}; power means (p=-5): subgroup {overall['mean_subgroup_auc']:.3f}"
              f" BPSN {overall['mean_bpsn_auc']:.3f} BNSP {overall['mean_bnsp_auc']:.3f}")
        print(f"threshold {t:g} (policy hostility.review); highest group FPR "
              f"{overall['max_group_fpr']:.2f}")
    bad = 0
    for r in out:
        if a.max_fpr is not None and r["fpr"] > a.max_fpr:
            bad += 1
            print(f"bias: group {r['group']}: civil false-positive rate {r['fpr']:.3f} "
                  f"exceeds {a.max_fpr:g}", file=sys.stderr)
        if a.min_tpr is not None and r["tpr"] < a.min_tpr:
            bad += 1
            print(f"bias: group {r['group']}: hostile true-positive rate {r['tpr']:.3f} "
                  f"is under {a.min_tpr:g}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
