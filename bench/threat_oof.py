#!/usr/bin/env python3
"""Does a higher threat score mean more readers call a comment toxic? Out-of-fold threat scores
for the Civil Comments posts of the training split (11,263 posts with their annotators'
shares), which perspective_scale.py cannot use as they are: the shipped threat model is trained
on them (issue 26, blocker 2; README, "TOXICITY and its kinds").

Usage: bench/threat_oof.py MODSCORE MODELS_DIR DATA_DIR PREP_DIR OUT_DIR
  PREP_DIR  train/prepare.py's output (its threat training files)
  OUT_DIR   five threat models, each trained as train/build.sh trains threat (the same files and
            flags, kept in step with it by hand) without a fifth of those posts (by text hash):
            the posts' own rows, their one-annotator rows and their typed Threat spans; each
            scores its fifth. OUT_DIR/oof.jsonl keeps the rows ({"text","share","scores"})
Printed: by out-of-fold threat score, the posts, their mean TOXICITY share and mean THREAT share.
Takes five trainings (about a minute each on one core). Only the standard library is used.
"""
import csv
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "train"))
import perspective_scale as ps  # noqa: E402
import prepare_more as pm  # noqa: E402
from prepare import stable_bucket  # noqa: E402

FLAGS = ["--min-df", "5", "--intent", "1", "--group-terms", "replace", "--group-scope", "replace"]
BINS = (0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1.0001)


def rows_of(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def train(modscore, models, prep, d):
    top = os.path.join(here, "..")
    data = [f"{d}/ccs-threat-train.jsonl", f"{d}/ccs-threat-one.jsonl",
            f"{prep}/youtoxic-threat.jsonl", f"{prep}/hate-threat.jsonl", f"{prep}/civil-neg.jsonl"]
    augment = [f"{d}/ccs-threat-spans.jsonl", f"{top}/train/identity/civil_train.jsonl",
               f"{prep}/toxigen-not-threat.jsonl", f"{top}/train/threat/augment.jsonl",
               f"{top}/train/threat/augment_groups.jsonl"]
    cmd = [modscore, "train", "--task", "threat", "--seed", "1", "--models", models,
           "--out", f"{d}/threat"] + FLAGS
    cmd += [x for p in data for x in ("--data", p)] + [x for p in augment for x in ("--augment", p)]
    subprocess.run(cmd, check=True, capture_output=True)


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    modscore, models, data, prep, out = sys.argv[1:]
    with open(f"{data}/civil-comments-spans/comments.csv", newline="", encoding="utf-8") as f:
        text_of = {r["comment_id"]: r["comment_text"].strip() for r in csv.DictReader(f)}
    posts = [p for p in pm.ccs_raters(data, stable_bucket) if not p[4]]
    got = []
    for k in range(5):
        held = {p[0] for p in posts if ps.bucket(p[0]) == k}
        d = f"{out}/fold{k}"
        os.makedirs(f"{d}/set", exist_ok=True)
        for name in ("ccs-threat-train", "ccs-threat-one"):
            write(f"{d}/{name}.jsonl", [r for r in rows_of(f"{prep}/{name}.jsonl")
                                        if r["text"].strip() not in held])
        spans = pm.threat_spans(data, lambda cid: 0 if text_of.get(cid) in held
                                else stable_bucket(cid))
        write(f"{d}/ccs-threat-spans.jsonl", [{"text": t, "label": l} for t, l in spans])
        train(modscore, models, prep, d)
        for name in os.listdir(models):  # the shipped set with this fold's threat
            if not os.path.lexists(f"{d}/set/{name}"):
                os.symlink(os.path.abspath(f"{d}/threat" if name == "threat"
                                           else f"{models}/{name}"), f"{d}/set/{name}")
        rows = [{"text": t, "share": dict(pm.kinds(n, tox, per), TOXICITY=tox / n)}
                for t, n, tox, per, _ in posts if ps.bucket(t) == k]
        scores = ps.score(modscore, f"{d}/set", {"language": "en"}, rows, f"{d}/scoring.tmp")
        got += [dict(r, scores=s) for r, s in zip(rows, scores) if "threat" in s]
    write(f"{out}/oof.jsonl", got)
    print(f"{len(got)} posts; by out-of-fold threat score: posts, mean TOXICITY share, "
          "mean THREAT share")
    for lo, hi in zip(BINS, BINS[1:]):
        sel = [r for r in got if lo <= r["scores"]["threat"] < hi]
        if sel:
            print(f"  {lo:.1f}-{min(hi, 1):.1f}: {len(sel)}, "
                  f"{sum(r['share']['TOXICITY'] for r in sel) / len(sel):.3f}, "
                  f"{sum(r['share']['THREAT'] for r in sel) / len(sel):.3f}")


if __name__ == "__main__":
    main()
