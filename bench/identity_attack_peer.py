#!/usr/bin/env python3
"""scikit-learn TF-IDF + LogisticRegression for bench/identity_attack.sh, trained on the same
rows as the shipped identity_attack model and scored on the same held-out sets.

Usage: bench/identity_attack_peer.py --train FILE... --test NAME=FILE... [--seed N] [--c LIST]
TF-IDF word 1-2-grams + char_wb 2-5-grams (sublinear tf, min_df 2; vocabulary and idf from
the training rows), LogisticRegression (liblinear, balanced class weights), C by 5-fold CV
ROC AUC on the training rows alone (--c: the grid, default 1,3,10,30; one value skips the CV).
A row's label is "label", else "identity_attack" (the functional set's), so the other
attributes' rows (threat, severe_toxicity, hostility) run through it the same way.
Prints one JSON object: {"c":..,"cv_roc_auc":..,"NAME":roc_auc,...}.
Needs scikit-learn (Debian python3-sklearn: run with /usr/bin/python3).
"""
import argparse
import json

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold


def load(paths):
    t, y = [], []
    for p in paths:
        for line in open(p, encoding="utf-8"):
            r = json.loads(line)
            lab = r.get("label", r.get("identity_attack"))
            t.append(r["text"])
            y.append(int(lab))
    return t, np.array(y)


def features(train, tests):
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    xtr = hstack([word.fit_transform(train), char.fit_transform(train)]).tocsr()
    return xtr, [hstack([word.transform(t), char.transform(t)]).tocsr() for t in tests]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--test", nargs="+", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--c", default="1,3,10,30")
    a = ap.parse_args()
    tr_t, tr_y = load(a.train)
    tests = [(spec.split("=", 1)[0], load([spec.split("=", 1)[1]])) for spec in a.test]
    best = (-1, None)
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=a.seed)
    # the vocabulary and idf from all training rows once (unsupervised; the
    # labels of a fold's held-out rows are never seen), then C by 5-fold CV
    xtr, xtes = features(tr_t, [t for _, (t, _) in tests])
    grid = [float(c) for c in a.c.split(",")]
    for c in grid if len(grid) > 1 else []:
        dec = np.zeros(len(tr_y))
        for tr, te in skf.split(tr_t, tr_y):
            m = LogisticRegression(C=c, max_iter=2000, class_weight="balanced",
                                   solver="liblinear").fit(xtr[tr], tr_y[tr])
            dec[te] = m.decision_function(xtr[te])
        auc = roc_auc_score(tr_y, dec)
        if auc > best[0]:
            best = (auc, c)
    if len(grid) == 1:
        best = (float("nan"), grid[0])
    m = LogisticRegression(C=best[1], max_iter=2000, class_weight="balanced",
                           solver="liblinear").fit(xtr, tr_y)
    out = {"c": best[1], "cv_roc_auc": round(best[0], 4)}
    for (name, (_, y)), x in zip(tests, xtes):
        out[name] = round(roc_auc_score(y, m.decision_function(x)), 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
