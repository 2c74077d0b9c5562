#!/bin/bash
# adapt.sh - learning curve of `modscore train --base` (issue 15): sites
# whose standards differ from the shipped hostility model's, simulated from
# the public data in ../shared/data (bench/adapt_sites.py says which label
# is "rejected" on each), k = 50, 100, 300, 1000 decisions drawn at random
# (seeded; REPEATS draws each), ROC AUC on the rest of the site's rows (at
# most 3,000, the same seed) for the shipped model, modscore trained on the
# k decisions alone, the three adaptation methods, and scikit-learn's
# TF-IDF + logistic regression on the same k rows. Then the time to adapt
# on 1,000 decisions beside `modscore train` on the same rows.
# Usage: bench/adapt.sh [DATA_DIR] [REPEATS]   (build/ must hold modscore;
#        Debian's python3-sklearn for /usr/bin/python3)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-$here/../shared/data}
repeats=${2:-3}
bin=$here/build/modscore
out=$here/build/adapt
py=/usr/bin/python3
"$py" "$here/bench/adapt_sites.py" "$data" "$out/sites"
"$py" "$here/bench/adapt_bench.py" "$bin" "$here" "$out/sites" "$out" --repeats "$repeats" \
  --jobs 1 >"$out/table.md"
cat "$out/table.md"
echo "(means over $repeats draws per k; results per draw in $out/results.jsonl)"

# time: 1,000 decisions (Stormfront), one thread, adapting (the default
# method, then every method as candidates) beside training from nothing
head -c 0 /dev/null
"$py" - "$out/sites/stormfront.jsonl" "$out/t1000.jsonl" <<'PY'
import random, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
random.Random(1).shuffle(rows)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(rows[:1000]) + "\n")
PY
t() {
  local s=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  echo "$(date +%s.%N) - $s" | bc
}
for run in 1 2 3; do
  a=$(t "$bin" train -q -j 1 --task hostility --models "$here/models" --base "$here/models/hostility" \
    --data "$out/t1000.jsonl" --out "$out/t-adapt")
  all=$(t "$bin" train -q -j 1 --task hostility --models "$here/models" --base "$here/models/hostility" \
    --adapt-method all --data "$out/t1000.jsonl" --out "$out/t-all")
  tr=$(t "$bin" train -q -j 1 --task hostility --models "$here/models" \
    --data "$out/t1000.jsonl" --out "$out/t-train")
  echo "1,000 decisions, -j 1, run $run: train --base ${a}s; --adapt-method all ${all}s; train alone ${tr}s"
done
