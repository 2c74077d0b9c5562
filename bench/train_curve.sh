#!/bin/sh
# Training time of `modscore train --task hostility` against the number of comments.
#
# Usage: bench/train_curve.sh [MODSCORE] [DATA_DIR] [SIZES]
#   MODSCORE  the modscore binary (default build/modscore)
#   DATA_DIR  the public data (default ../shared/data)
#   SIZES     comment counts for the default solver (default "1000 2000 5000 10000 20000 50000";
#             a size above the pool means the whole pool, ~45k: the table says so)
# Environment: LIBSVM_SIZES (default "1000 2000"; "none" skips), LIBSVM_TIMEOUT seconds
# (default 120).
#
# The pool is Impermium train+test, OLID train+test and Davidson, shuffled with a fixed
# seed; size n is its first n comments. Each run is the default configuration (5 folds x
# 5 C values, Platt calibration, final fit). The split of the time comes from the
# training progress (run under script(1) so stderr is a terminal):
#   read   reading and parsing the JSON Lines, and writing the model directory
#   feat   feature extraction (tokens, hashed n-grams, df/idf, TF-IDF, lexicon)
#   cv     the 25 cross-validation fits (and per C value: its 5 folds)
#   final  Platt fit and the final fit on all the data
# At the largest size two more runs measure the cuts against a baseline in the same
# script: one thread (-j 1), and one thread with every fit started from zero
# (-j 1 --no-warm-start), the way training ran before warm starts and fold threads.
# The libsvm solver (--solver libsvm) runs at LIBSVM_SIZES with the default grid, and
# at 5000 with one C and two folds (--c 0.3 --folds 2) beside the default solver on
# the same settings; each libsvm run is capped at LIBSVM_TIMEOUT seconds.
# One run at a time; the curve uses every processor (-j), the 45k run takes under a minute.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/modscore}
data=${2:-$here/../shared/data}
sizes=${3:-1000 2000 5000 10000 20000 50000}
libsvm_sizes=${LIBSVM_SIZES:-1000 2000}
[ "$libsvm_sizes" = none ] && libsvm_sizes=
cap=${LIBSVM_TIMEOUT:-120}
[ -x "$bin" ] || { echo "train_curve.sh: no modscore binary at $bin" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modscore-curve.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 "$here/train/prepare.py" "$data" "$tmp/prep" 2>/dev/null
python3 - "$tmp" $sizes 5000 $libsvm_sizes <<'PY'
import json, os, random, sys
tmp = sys.argv[1]
pool = []
for name in ("impermium-train", "impermium-test", "olid-train", "olid-test", "davidson"):
    with open(os.path.join(tmp, "prep", name + ".jsonl"), encoding="utf-8") as f:
        pool += [l for l in f if l.strip()]
random.Random(1).shuffle(pool)
for n in sorted({int(a) for a in sys.argv[2:]}):
    with open(os.path.join(tmp, f"n{n}.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(pool[:n])
    with open(os.path.join(tmp, f"n{n}.count"), "w") as f:
        f.write(str(min(n, len(pool))))
PY

# run LABEL N TIMEOUT ARGS...: one training run; prints a table row.
run() {
  label=$1 n=$2 limit=$3
  shift 3
  rows=$(cat "$tmp/n$n.count")
  cmd="timeout $limit '$bin' train --task hostility --seed 1 --models '$here/models' --data '$tmp/n$n.jsonl' --out '$tmp/model' $*"
  start=$(date +%s.%N)
  rc=0
  script -qec "$cmd" /dev/null >"$tmp/log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  python3 - "$tmp/log" "$start" "$end" "$rc" "$limit" "$label" "$n" "$rows" <<'PY'
import re, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read().replace("\r", "\n")
wall = float(sys.argv[3]) - float(sys.argv[2])
rc, limit, label, n, rows = int(sys.argv[4]), sys.argv[5], sys.argv[6], int(sys.argv[7]), int(sys.argv[8])
stages, cstart = {}, {}
for line in log.split("\n"):
    m = re.match(r"modscore: (C=\S+|features|calibrate|final)\b.*?([0-9.]+)s elapsed", line)
    if m:
        key = "cv" if m.group(1).startswith("C=") else m.group(1)
        stages.setdefault(key, float(m.group(2)))   # first report of each stage
        if key == "cv":
            cstart.setdefault(m.group(1)[2:], float(m.group(2)))
size = f"{rows}" + (f" (all; asked {n})" if rows < n else "")
if rc == 124:
    print(f"{label:<34} {size:>20} {'>' + limit + ' s':>9}   (timed out)")
    sys.exit(0)
if rc != 0:
    print(f"{label:<34} {size:>20}    failed (exit {rc}): {log.strip().splitlines()[-1:]}")
    sys.exit(0)
feat_end = stages.get("cv", 0.0)
cv_end = stages.get("calibrate", feat_end)
# the progress clock starts after the data is read: reading, Platt, the final fit and
# writing the model are what the wall time has beyond the end of cross-validation
rest = wall - cv_end
cs = list(cstart.items()) + [("end", cv_end)]
per_c = " ".join(f"{c}:{cs[i + 1][1] - t:.1f}" for i, (c, t) in enumerate(cs[:-1]))
print(f"{label:<34} {size:>20} {wall:8.1f}s   feat {feat_end:6.1f}  cv {cv_end - feat_end:6.1f}  "
      f"final+read+write {rest:5.1f}   cv per C: {per_c}")
PY
}

echo "modscore train timings ($(basename "$bin"), $(date -u +%Y-%m-%d), $(nproc) cores shared)"
printf '%-34s %20s %9s   %s\n' "run" "comments" "seconds" "where the time goes (s)"
for n in $sizes; do
  run "dcd, 5 folds x 5 C, -j $(nproc)" "$n" 100000
  largest=$n
done
run "dcd, -j 1" "$largest" 100000 -j 1
run "dcd, -j 1 --no-warm-start" "$largest" 100000 -j 1 --no-warm-start
for n in $libsvm_sizes; do
  run "libsvm, 5 folds x 5 C" "$n" "$cap" --solver libsvm
done
if [ -n "$libsvm_sizes" ]; then
  run "dcd, --c 0.3 --folds 2" 5000 100000 --c 0.3 --folds 2
  run "libsvm, --c 0.3 --folds 2" 5000 "$cap" --c 0.3 --folds 2 --solver libsvm
fi
