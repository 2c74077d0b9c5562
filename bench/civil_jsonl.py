"""civil_jsonl.py REPEAT FILES OUTDIR - the Civil Comments posts of
../shared/data/civil-comments-spans/comments.csv (14,095 news-site
comments, CC0) as JSON Lines ({"id","text"}), repeated REPEAT times with
fresh ids and dealt round-robin into FILES files OUTDIR/part-N.jsonl, for
bench/binding.sh and bench/cluster.sh. Prints the number of comments."""
import csv
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, "..", "..", "shared", "data", "civil-comments-spans", "comments.csv")
repeat, nfiles, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(src, newline="", encoding="utf-8") as f:
    rows = [(r["comment_id"], r["comment_text"]) for r in csv.DictReader(f)]
files = [open(os.path.join(out, "part-%d.jsonl" % i), "w", encoding="utf-8") for i in range(nfiles)]
n = 0
for k in range(repeat):
    for cid, text in rows:
        files[n % nfiles].write(json.dumps({"id": "%s-%d" % (cid, k), "text": text}) + "\n")
        n += 1
for f in files:
    f.close()
print(n)
