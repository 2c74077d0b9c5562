#!/usr/bin/env python3
"""Rater-level shares in languages other than English, for train/perspective_scale.py.

Usage: train/raters_lang.py DATA_DIR PREP_DIR
Writes PREP_DIR/rater-toldbr.jsonl: {"text","share":{ATTRIBUTE: share},"lang":"pt"} for the
ToLD-Br tweets (Brazilian Portuguese, 3 annotators each) that train/prepare_lang.py holds out
(held_out: the fifth no pt model is trained on). From the per-annotator file: TOXICITY the
share of the 3 annotators who flagged any category; INSULT insult, PROFANITY obscene,
IDENTITY_ATTACK any of homophobia, racism, misogyny and xenophobia, each the share of
annotators who flagged it. Each annotator answered every category, as Perspective's raters
do, so these are shares as Perspective means them. The other languages' sets have one label
per row (no rater shares): their cards keep the fallback (perspective_scale.py).
Only the standard library is used.
"""
import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prepare_lang import held_out  # noqa: E402

KINDS = {"INSULT": ("insult",), "PROFANITY": ("obscene",),
         "IDENTITY_ATTACK": ("homophobia", "racism", "misogyny", "xenophobia")}
ALL = ("homophobia", "obscene", "insult", "racism", "misogyny", "xenophobia")


def toldbr(data):
    with open(os.path.join(data, "told-br/ToLD-BR_alpha.csv"), encoding="utf-8",
              newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for a in rows:
        if not held_out(a["text"]):
            continue
        flag = lambda c, k: float(a[f"{c}_{k}"] or 0) > 0  # noqa: E731
        share = {"TOXICITY": sum(any(flag(c, k) for c in ALL) for k in (1, 2, 3)) / 3}
        for attr, cats in KINDS.items():
            share[attr] = sum(any(flag(c, k) for c in cats) for k in (1, 2, 3)) / 3
        out.append({"text": a["text"], "share": share, "lang": "pt"})
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = toldbr(sys.argv[1])
    with open(os.path.join(sys.argv[2], "rater-toldbr.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"raters_lang: rater-toldbr.jsonl: {len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
