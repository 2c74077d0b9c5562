#!/usr/bin/python3
"""The learning curve of bench/adapt.sh: for each simulated community (see
adapt_sites.py) and k decisions (seeded random draws, REPEATS each), ROC AUC
on the rest of the site's rows (at most --test-max of them, drawn with the
same seed) for
  shipped   the shipped hostility model as it is
  alone     modscore train on the k decisions alone
  feature, prior, both
            modscore train --base models/hostility with that --adapt-method
  sklearn   scikit-learn TF-IDF (word 1-2, char 2-5) + LogisticRegression,
            balanced, C by 5-fold CV on the k rows, trained on the same k rows
Writes one JSON object per (site, k, repeat) to OUT/results.jsonl and prints
a markdown table of the means (and the timing of adapting on 1,000
decisions). Needs scikit-learn: run with /usr/bin/python3 (Debian's).

Usage: adapt_bench.py MODSCORE REPO SITES_DIR OUT_DIR [--repeats N] [--ks 50,100,300,1000]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

SITES = ["olid-test", "davidson-hate", "davidson-off", "stormfront", "civil"]
METHODS = ["feature", "prior", "both"]
SYSTEMS = ["shipped", "alone"] + METHODS + ["sklearn"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def dump(rows, path):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"text": r["text"], "label": r["label"]}, ensure_ascii=False) + "\n")


def draw(rows, k, seed, test_max):
    """k rows with at least 5 of each class (else redrawn), and the rest."""
    r = random.Random(seed)
    for _ in range(100):
        idx = list(range(len(rows)))
        r.shuffle(idx)
        train = [rows[i] for i in idx[:k]]
        pos = sum(x["label"] for x in train)
        if pos >= 5 and k - pos >= 5:
            return train, [rows[i] for i in idx[k:k + test_max]]
    raise SystemExit(f"cannot draw {k} rows with both classes")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def auc_of(ms, repo, model, test):
    out = run([ms, "eval", "--models", f"{repo}/models", "--model", model, "--data", test, "--json"])
    return json.loads(out)["roc_auc"]


def sklearn_auc(train, test, seed):
    def feats(a, b):
        w = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        c = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        return (hstack([w.fit_transform(a), c.fit_transform(a)]).tocsr(),
                hstack([w.transform(b), c.transform(b)]).tocsr())
    xt = [r["text"] for r in train]
    yt = np.array([r["label"] for r in train])
    best, best_c = -1, 1.0
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    for cc in (0.3, 1, 3, 10, 30):
        dec = np.zeros(len(xt))
        for tr, te in folds.split(xt, yt):
            a, b = feats([xt[i] for i in tr], [xt[i] for i in te])
            m = LogisticRegression(C=cc, class_weight="balanced", max_iter=2000).fit(a, yt[tr])
            dec[te] = m.decision_function(b)
        s = roc_auc_score(yt, dec)
        if s > best:
            best, best_c = s, cc
    a, b = feats(xt, [r["text"] for r in test])
    m = LogisticRegression(C=best_c, class_weight="balanced", max_iter=2000).fit(a, yt)
    return roc_auc_score([r["label"] for r in test], m.decision_function(b))


def one(ms, repo, site, rows, k, rep, tmp, test_max, jobs):
    seed = 1000 * rep + k
    train, test = draw(rows, k, seed, test_max)
    tr, te = f"{tmp}/train.jsonl", f"{tmp}/test.jsonl"
    dump(train, tr)
    dump(test, te)
    res = {"site": site, "k": k, "repeat": rep, "seed": seed, "test_rows": len(test),
           "test_positives": sum(r["label"] for r in test)}
    res["shipped"] = auc_of(ms, repo, f"{repo}/models/hostility", te)
    common = ["--task", "hostility", "--models", f"{repo}/models", "--data", tr, "-q",
              "--jobs", str(jobs), "--seed", str(seed)]
    run([ms, "train", *common, "--out", f"{tmp}/alone"])
    res["alone"] = auc_of(ms, repo, f"{tmp}/alone", te)
    for m in METHODS:
        t0 = time.monotonic()
        run([ms, "train", *common, "--base", f"{repo}/models/hostility", "--adapt-method", m,
             "--out", f"{tmp}/{m}"])
        res[f"{m}_seconds"] = round(time.monotonic() - t0, 3)
        res[m] = auc_of(ms, repo, f"{tmp}/{m}", te)
        card = json.load(open(f"{tmp}/{m}/card.json"))["adaptation"]
        res[f"{m}_chosen"] = f"{card['chosen']} c={card['strength_c']}"
        res[f"{m}_cv"] = card["cross_validation"]["adapted"]["roc_auc"]
    res["base_cv"] = card["cross_validation"]["base"]["roc_auc"]
    res["sklearn"] = sklearn_auc(train, test, seed)
    return res


def table(results, ks):
    """The means per (site, k) as markdown, then how the methods compare."""
    head = ["shipped", "alone", "sklearn"] + METHODS
    lines = ["| site (test rows, rejected) | k | shipped | alone | scikit-learn LR | "
             "adapted: feature | adapted: prior | adapted: both |",
             "|---|---|" + "---|" * len(head)]
    groups = []
    for site in SITES:
        for k in ks:
            rs = [r for r in results if r["site"] == site and r["k"] == k]
            if not rs:
                continue
            groups.append(rs)
            share = rs[0]["test_positives"] / rs[0]["test_rows"]
            cells = [f"{np.mean([r[s] for r in rs]):.3f}" for s in head]
            lines.append(f"| {site} ({rs[0]['test_rows']}, {share:.0%}) | {k} | "
                         + " | ".join(cells) + " |")
    lines.append("")
    for m in METHODS:
        d = [np.mean([r[m] - r["shipped"] for r in g]) for g in groups]
        worst = min(results, key=lambda r: r[m] - r["shipped"])
        lines.append(f"- {m}: mean lift over the shipped model {np.mean(d):+.4f} "
                     f"(smallest mean per site and k {min(d):+.4f}; worst single draw "
                     f"{worst[m] - worst['shipped']:+.4f}, {worst['site']} k={worst['k']})")
    for i, a in enumerate(METHODS):
        for b in METHODS[i + 1:]:
            d = [r[a] - r[b] for r in results]
            lines.append(f"- {a} - {b}: mean {np.mean(d):+.4f} over {len(d)} draws "
                         f"({sum(x > 0 for x in d)} better, {sum(x < 0 for x in d)} worse)")
    for k in ks:
        cells = ", ".join(f"{m} {np.mean([r[m] - r['shipped'] for r in results if r['k'] == k]):+.4f}"
                          for m in METHODS if any(r["k"] == k for r in results))
        if cells:
            lines.append(f"- k = {k}, mean lift: {cells}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("modscore")
    ap.add_argument("repo")
    ap.add_argument("sites")
    ap.add_argument("out")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ks", default="50,100,300,1000")
    ap.add_argument("--test-max", type=int, default=3000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--site", action="append")
    a = ap.parse_args()
    ks = [int(x) for x in a.ks.split(",")]
    os.makedirs(a.out, exist_ok=True)
    tmp = os.path.join(a.out, "tmp")
    os.makedirs(tmp, exist_ok=True)
    results = []
    with open(os.path.join(a.out, "results.jsonl"), "w") as f:
        for site in a.site or SITES:
            rows = load(os.path.join(a.sites, site + ".jsonl"))
            for k in ks:
                if k > len(rows) // 2:
                    print(f"# {site}: {len(rows)} rows, no k = {k}", file=sys.stderr)
                    continue
                for rep in range(1, a.repeats + 1):
                    r = one(a.modscore, a.repo, site, rows, k, rep, tmp, a.test_max, a.jobs)
                    results.append(r)
                    f.write(json.dumps(r) + "\n")
                    f.flush()
                    print(json.dumps(r), file=sys.stderr)
    print(table(results, ks))


if __name__ == "__main__":
    main()
