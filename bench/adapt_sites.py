#!/usr/bin/python3
"""Builds the simulated communities of bench/adapt.sh from ../shared/data:
one JSON Lines file per site ({"text","label"}, label 1 = the site rejects
it), each a standard that differs from the shipped hostility model's.

  olid-test     OLID test set A (tweets): OFF = rejected (the shipped model
                trained on OLID's training split: a site close to it)
  davidson-hate Davidson et al.: only hate speech is rejected; merely
                offensive language and the rest are published
  davidson-off  Davidson et al.: hate or offensive language rejected
  stormfront    Stormfront sentences: hate rejected, noHate published
  globe         Globe and Mail comments: the paper's own published /
                rejected status (deleted ones left out)
  civil         Civil Comments posts (toxic spans corpus): toxic unless most
                annotators ticked "not toxic" (borderline posts)

Usage: adapt_sites.py DATA_DIR OUT_DIR"""
import csv, json, os, sys
from collections import defaultdict

csv.field_size_limit(1 << 30)


def write(out, name, rows):
    seen = {}
    for t, y in rows:
        t = t.strip()
        if t and t not in seen:
            seen[t] = y
    with open(os.path.join(out, name + ".jsonl"), "w", encoding="utf-8") as f:
        for t, y in seen.items():
            f.write(json.dumps({"text": t, "label": y}, ensure_ascii=False) + "\n")


def main(data, out):
    os.makedirs(out, exist_ok=True)
    labels = {r["id"]: r["label"] for r in csv.DictReader(open(f"{data}/olid/labels-levela.csv"))}
    with open(f"{data}/olid/testset-levela.tsv", encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t", 1) for l in f][1:]
    write(out, "olid-test", [(t, int(labels[i] == "OFF")) for i, t in rows if i in labels])
    dav = list(csv.DictReader(open(f"{data}/davidson/labeled_data.csv", encoding="utf-8")))
    write(out, "davidson-hate", [(r["tweet"], int(r["class"] == "0")) for r in dav])
    write(out, "davidson-off", [(r["tweet"], int(r["class"] != "2")) for r in dav])
    sf = csv.DictReader(open(f"{data}/stormfront/stormfront.csv", encoding="utf-8"))
    write(out, "stormfront", [(r["text"], int(r["label"] == "hate")) for r in sf
                              if r["label"] in ("hate", "noHate")])
    gm = csv.DictReader(open(f"{data}/globe-and-mail/comments_flat.csv", encoding="utf-8"))
    write(out, "globe", [(r["comment_text"], int(r["status"] == "rejected")) for r in gm
                         if r["status"] in ("published", "rejected")])
    votes = defaultdict(lambda: [0, 0])
    for r in csv.DictReader(open(f"{data}/civil-comments-spans/annotations.csv", encoding="utf-8")):
        votes[r["comment_id"]][r["not toxic"] == "True"] += 1
    cc = csv.DictReader(open(f"{data}/civil-comments-spans/comments.csv", encoding="utf-8"))
    write(out, "civil", [(r["comment_text"], int(votes[r["comment_id"]][1] * 2 <=
                                                 sum(votes[r["comment_id"]])))
                         for r in cc if r["comment_id"] in votes])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
