#!/usr/bin/env python3
"""Peer systems for bench/accuracy.sh: scikit-learn TF-IDF + LogisticRegression / LinearSVC
and fastText supervised, trained on one JSON Lines file and scored on another.

Usage: bench/accuracy_peers.py TRAIN.jsonl TEST.jsonl [--fasttext BIN] [--tmp DIR] [--seed N]

Prints one JSON object per system on stdout:
  {"system": ..., "roc_auc": ..., "pr_auc": ..., "tuned": "..."}
Every choice (C, epochs) is made on the train file alone (cross-validation or a
held-out slice of it); the test file is only scored, once, at the end.
Needs scikit-learn (Debian python3-sklearn: run with /usr/bin/python3).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.svm import LinearSVC


def load(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                texts.append(r["text"])
                labels.append(int(r["label"]))
    return texts, np.array(labels)


def features(train, test):
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                           lowercase=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                           lowercase=True)
    xtr = hstack([word.fit_transform(train), char.fit_transform(train)]).tocsr()
    xte = hstack([word.transform(test), char.transform(test)]).tocsr()
    return xtr, xte


def cv_choose(make, texts, y, grid, seed):
    """Picks C by stratified 5-fold CV ROC AUC on the train split; the vectorisers
    are refitted inside each fold so no fold sees its validation text."""
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    folds = []
    for tr, va in skf.split(texts, y):
        xtr, xva = features([texts[i] for i in tr], [texts[i] for i in va])
        folds.append((xtr, y[tr], xva, y[va]))
    best = None
    for c in grid:
        aucs = []
        for xtr, ytr, xva, yva in folds:
            m = make(c).fit(xtr, ytr)
            aucs.append(roc_auc_score(yva, m.decision_function(xva)))
        auc = float(np.mean(aucs))
        if best is None or auc > best[1]:
            best = (c, auc)
    return best


def sklearn_systems(tr_t, tr_y, te_t, te_y, seed):
    out = []
    systems = [
        ("sklearn TF-IDF + LogisticRegression",
         lambda c: LogisticRegression(C=c, max_iter=2000, class_weight="balanced",
                                      solver="liblinear"),
         [1, 3, 10, 30, 100]),
        ("sklearn TF-IDF + LinearSVC",
         lambda c: LinearSVC(C=c, class_weight="balanced", max_iter=5000),
         [0.03, 0.1, 0.3, 1, 3]),
    ]
    xtr, xte = features(tr_t, te_t)
    for name, make, grid in systems:
        c, cv_auc = cv_choose(make, tr_t, tr_y, grid, seed)
        m = make(c).fit(xtr, tr_y)
        s = m.decision_function(xte)
        out.append({"system": name, "roc_auc": roc_auc_score(te_y, s),
                    "pr_auc": average_precision_score(te_y, s),
                    "tuned": f"C={c:g} (5-fold CV AUC on train {cv_auc:.4f})"})
    return out


def ft_line(text):
    return " ".join(text.lower().split())


def ft_write(path, texts, labels):
    with open(path, "w", encoding="utf-8") as f:
        for t, l in zip(texts, labels):
            f.write(f"__label__{l} {ft_line(t)}\n")


def ft_scores(binary, model, texts, tmp):
    path = os.path.join(tmp, "score.txt")
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(ft_line(t) + "\n")
    res = subprocess.run([binary, "predict-prob", model + ".bin", path, "2"],
                         check=True, capture_output=True, text=True)
    scores = []
    for line in res.stdout.splitlines():
        parts = line.split()
        p1 = None
        for i in range(0, len(parts) - 1, 2):
            if parts[i] == "__label__1":
                p1 = float(parts[i + 1])
            elif parts[i] == "__label__0" and p1 is None:
                p1 = 1.0 - float(parts[i + 1])
        scores.append(p1 if p1 is not None else 0.0)
    if len(scores) != len(texts):
        sys.exit(f"accuracy_peers: fasttext gave {len(scores)} scores for {len(texts)} texts")
    return np.array(scores)


def ft_train(binary, texts, labels, epoch, lr, out, tmp, seed):
    data = os.path.join(tmp, "train.txt")
    ft_write(data, texts, labels)
    subprocess.run([binary, "supervised", "-input", data, "-output", out, "-wordNgrams", "2",
                    "-minn", "2", "-maxn", "5", "-epoch", str(epoch), "-lr", str(lr),
                    "-dim", "50", "-bucket", "1000000", "-thread", "1", "-seed", str(seed),
                    "-verbose", "0"],
                   check=True, capture_output=True)


def fasttext_system(binary, tr_t, tr_y, te_t, te_y, tmp, seed):
    """Chooses epoch and learning rate on a stratified 20 % slice of the train split."""
    a_t, v_t, a_y, v_y = train_test_split(tr_t, tr_y, test_size=0.2, stratify=tr_y,
                                          random_state=seed)
    model = os.path.join(tmp, "ft")
    best = None
    for epoch in (5, 10, 25, 50, 100):
        for lr in (0.1, 0.5):
            ft_train(binary, a_t, a_y, epoch, lr, model, tmp, seed)
            auc = roc_auc_score(v_y, ft_scores(binary, model, v_t, tmp))
            if best is None or auc > best[2]:
                best = (epoch, lr, auc)
    ft_train(binary, tr_t, tr_y, best[0], best[1], model, tmp, seed)
    s = ft_scores(binary, model, te_t, tmp)
    return {"system": "fastText supervised", "roc_auc": roc_auc_score(te_y, s),
            "pr_auc": average_precision_score(te_y, s),
            "tuned": f"epoch={best[0]} lr={best[1]} (AUC {best[2]:.4f} on a 20% train slice)"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--fasttext", default="fasttext")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    tr_t, tr_y = load(a.train)
    te_t, te_y = load(a.test)
    for r in sklearn_systems(tr_t, tr_y, te_t, te_y, a.seed):
        print(json.dumps(r), flush=True)
    if a.fasttext:
        with tempfile.TemporaryDirectory(dir=a.tmp) as tmp:
            print(json.dumps(fasttext_system(a.fasttext, tr_t, tr_y, te_t, te_y, tmp, a.seed)),
                  flush=True)


if __name__ == "__main__":
    main()
