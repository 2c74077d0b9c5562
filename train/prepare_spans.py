#!/usr/bin/env python3
"""Prepares SemEval-2021 Task 5 (toxic spans) posts for train_spans and
bench/spans.sh: JSON Lines {"id", "text", "spans": [[start, end], ...]} with
byte offsets into the UTF-8 text (the data's offsets count code points).

tsd_train is split once, here, by a hash of each post's text: a fifth of it
(md5 of the text mod 5 == 0, so repeated posts fall on the same side) is
held out and never trained or tuned on; the rest trains models/spans.
tsd_trial is never trained or tuned on either.

Usage: prepare_spans.py DATA_DIR OUT_DIR
Writes OUT_DIR/spans-train.jsonl, spans-heldout.jsonl, spans-trial.jsonl."""
import ast
import csv
import hashlib
import json
import os
import sys


def held_out(text):
    return int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16) % 5 == 0


def byte_spans(text, offsets):
    """Contiguous runs of code-point offsets as [start, end) byte spans."""
    offs = sorted(set(o for o in offsets if 0 <= o < len(text)))
    runs = []
    for o in offs:
        if runs and runs[-1][1] == o:
            runs[-1][1] = o + 1
        else:
            runs.append([o, o + 1])
    pos = [0]
    for ch in text:
        pos.append(pos[-1] + len(ch.encode("utf-8")))
    return [[pos[a], pos[b]] for a, b in runs]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row["text"], ast.literal_eval(row["spans"])


def main():
    data, out = sys.argv[1], sys.argv[2]
    src = os.path.join(data, "civil-comments-spans")
    os.makedirs(out, exist_ok=True)
    files = {k: open(os.path.join(out, "spans-%s.jsonl" % k), "w", encoding="utf-8")
             for k in ("train", "heldout", "trial")}
    counts = dict.fromkeys(files, 0)
    for i, (text, offs) in enumerate(read(os.path.join(src, "tsd_train.csv"))):
        k = "heldout" if held_out(text) else "train"
        rec = {"id": "train-%d" % i, "text": text, "spans": byte_spans(text, offs)}
        files[k].write(json.dumps(rec, ensure_ascii=False) + "\n")
        counts[k] += 1
    for i, (text, offs) in enumerate(read(os.path.join(src, "tsd_trial.csv"))):
        rec = {"id": "trial-%d" % i, "text": text, "spans": byte_spans(text, offs)}
        files["trial"].write(json.dumps(rec, ensure_ascii=False) + "\n")
        counts["trial"] += 1
    for f in files.values():
        f.close()
    print("prepare_spans: train %(train)d, held out %(heldout)d, trial %(trial)d posts" % counts,
          file=sys.stderr)


if __name__ == "__main__":
    main()
