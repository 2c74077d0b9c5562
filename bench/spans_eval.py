#!/usr/bin/env python3
"""SemEval-2021 Task 5's metric (per-post character F1, averaged; a post
with no gold span scores 1 when nothing is predicted, else 0) for
bench/spans.sh, and its baselines.

  spans_eval.py score GOLD.jsonl PRED.jsonl [--min-weight W]
      PRED: modscore score --output jsonl records (reasons with byte spans),
      one per GOLD line, in order.
  spans_eval.py lexicon TRAIN.jsonl GOLD.jsonl
      the organisers' kind of baseline: words marked toxic in at least half
      of their occurrences in TRAIN's spans, marked wherever they occur.
  spans_eval.py lr TRAIN.svm TRAIN.meta TRAIN.jsonl GOLD.svm GOLD.meta GOLD.jsonl
      scikit-learn's per-token logistic regression on train_spans's features
      (C and threshold chosen on a fifth of TRAIN, never on GOLD).
GOLD/TRAIN.jsonl: train/prepare_spans.py's records (byte spans). Prints
"all F1 / no-gold-span F1 / posts". """
import json
import re
import sys


def char_offsets(text, byte_spans):
    b2c = {}
    pos = 0
    for i, ch in enumerate(text):
        b2c[pos] = i
        pos += len(ch.encode("utf-8"))
    b2c[pos] = len(text)
    out = set()
    for s, e in byte_spans:
        while s not in b2c:
            s -= 1
        while e not in b2c:
            e += 1
        out.update(range(b2c[s], b2c[e]))
    return out


def f1(pred, gold):
    if not gold:
        return 1.0 if not pred else 0.0
    if not pred:
        return 0.0
    both = len(pred & gold)
    return 2.0 * both / (len(pred) + len(gold))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def report(name, golds, preds):
    scores = [f1(p, g) for p, g in zip(preds, golds)]
    empty = [s for s, g in zip(scores, golds) if not g]
    print("%-34s F1 %.4f   no-gold-span F1 %s (%d posts)   %d posts" % (
        name, sum(scores) / len(scores),
        "%.4f" % (sum(empty) / len(empty)) if empty else "-", len(empty), len(scores)))
    return sum(scores) / len(scores)


def golds_of(recs):
    return [char_offsets(r["text"], r["spans"]) for r in recs]


def cmd_score(argv):
    gold_recs = read_jsonl(argv[0])
    preds_recs = read_jsonl(argv[1])
    name = argv[2] if len(argv) > 2 else "modscore"
    min_w = float(argv[3]) if len(argv) > 3 else None
    assert len(gold_recs) == len(preds_recs), "one prediction per post"
    preds = []
    for g, p in zip(gold_recs, preds_recs):
        spans = [(r["start"], r["end"]) for r in p.get("reasons", [])
                 if r.get("category") == "hostility" and "start" in r
                 and (min_w is None or r.get("weight", 0) > min_w)]
        preds.append(char_offsets(g["text"], spans))
    report(name, golds_of(gold_recs), preds)


WORD = re.compile(r"\w+(?:['’*]\w+)*", re.UNICODE)


def cmd_lexicon(argv):
    train = read_jsonl(argv[0])
    gold_recs = read_jsonl(argv[1])
    marked, seen = {}, {}
    for r in train:
        g = char_offsets(r["text"], r["spans"])
        for m in WORD.finditer(r["text"]):
            w = m.group().lower()
            seen[w] = seen.get(w, 0) + 1
            if sum(1 for c in range(m.start(), m.end()) if c in g) * 2 >= m.end() - m.start():
                marked[w] = marked.get(w, 0) + 1
    lex = {w for w, n in marked.items() if n * 2 >= seen[w]}
    preds = []
    for r in gold_recs:
        p = set()
        for m in WORD.finditer(r["text"]):
            if m.group().lower() in lex:
                p.update(range(m.start(), m.end()))
        preds.append(p)
    report("lexicon of marked words (%d)" % len(lex), golds_of(gold_recs), preds)


def decode(meta, prob, thr, texts, rescue=False):
    """Runs of consecutive marked tokens of each post as byte spans, a run
    ending at a sentence break (as models/spans decodes); with rescue, a
    post with no marked token gets its likeliest one among those whose word
    pushes the hostility score up (as models/spans does)."""
    n_posts = len(texts)
    spans = [[] for _ in range(n_posts)]
    best = [None] * n_posts
    prev = None  # (post, token row, end byte)
    for k, ((post, s, e, term), p) in enumerate(zip(meta, prob)):
        # as models/spans: the rescued word must push the hostility score up
        if term >= 0.05 and (best[post] is None or p > best[post][0]):
            best[post] = (p, s, e)
        if p >= thr:
            gap = texts[post][prev[2]:s] if prev and prev[0] == post else b""
            if prev is not None and prev[0] == post and prev[1] == k - 1 and \
                    not any(c in gap for c in b".!?;\n"):
                spans[post][-1][1] = e
            else:
                spans[post].append([s, e])
            prev = (post, k, e)
    if rescue:
        for post in range(n_posts):
            if not spans[post] and best[post] is not None:
                spans[post].append([best[post][1], best[post][2]])
    return spans


def read_meta(path):
    with open(path) as f:
        return [tuple(int(x) for x in line.split()[:3]) + (float(line.split()[3]),)
                for line in f]


def cmd_lr(argv):
    import numpy as np
    from sklearn.datasets import load_svmlight_file
    from sklearn.linear_model import LogisticRegression
    tr_svm, tr_meta, tr_json, te_svm, te_meta, te_json = argv[:6]
    Xtr, ytr = load_svmlight_file(tr_svm, zero_based=False)
    mtr = read_meta(tr_meta)
    train = read_jsonl(tr_json)
    Xte, _ = load_svmlight_file(te_svm, n_features=Xtr.shape[1], zero_based=False)
    mte = read_meta(te_meta)
    test = read_jsonl(te_json)
    # choose C and the threshold on a fifth of the training posts
    posts = np.array([m[0] for m in mtr])
    dev_posts = set(range(0, len(train), 5))
    dev = np.array([p in dev_posts for p in posts])
    dev_ids = sorted(dev_posts)
    dev_gold = golds_of([train[i] for i in dev_ids])
    remap = {p: i for i, p in enumerate(dev_ids)}
    dev_meta = [(remap[m[0]], m[1], m[2], m[3]) for m, d in zip(mtr, dev) if d]
    best = (-1, None, None, None)
    dev_texts = [train[i]["text"].encode("utf-8") for i in dev_ids]
    for c in (0.1, 0.3, 1.0):
        lr = LogisticRegression(C=c, max_iter=300, solver="liblinear")
        lr.fit(Xtr[~dev], ytr[~dev])
        prob = lr.predict_proba(Xtr[dev])[:, 1]
        for thr in np.arange(0.15, 0.751, 0.025):
            for rescue in (False, True):
                spans = decode(dev_meta, prob, thr, dev_texts, rescue)
                preds = [char_offsets(train[i]["text"], spans[remap[i]]) for i in dev_ids]
                s = sum(f1(p, g) for p, g in zip(preds, dev_gold)) / len(dev_ids)
                if s > best[0]:
                    best = (s, c, thr, rescue)
    lr = LogisticRegression(C=best[1], max_iter=300, solver="liblinear")
    lr.fit(Xtr, ytr)
    prob = lr.predict_proba(Xte)[:, 1]
    spans = decode(mte, prob, best[2], [r["text"].encode("utf-8") for r in test], best[3])
    preds = [char_offsets(r["text"], s) for r, s in zip(test, spans)]
    report("scikit-learn LR (C=%g, thr %.3f%s)" % (best[1], best[2], ", rescue" if best[3] else ""),
           golds_of(test), preds)


if __name__ == "__main__":
    {"score": cmd_score, "lexicon": cmd_lexicon, "lr": cmd_lr}[sys.argv[1]](sys.argv[2:])
