#!/bin/bash
# cluster.sh - modscore-dask with one and with two workers (one thread
# each) on this machine, against one `modscore score --jobs 1` process:
# the same corpus (Civil Comments posts repeated, in 4 files; see
# civil_jsonl.py), comments per second from wall time, rounds alternating,
# and every run's outputs compared byte for byte with the command's.
# The scheduler and workers run on loopback (Debian's python3-distributed);
# on a real cluster start `dask scheduler` on one machine and `dask worker
# tcp://HOST:8786 --nthreads 1 --nworkers N` on the others (N = cores), each
# with libmodscore and the binding installed (the .deb), and give
# modscore-dask --scheduler tcp://HOST:8786.
# Usage: bench/cluster.sh [BUILD_DIR] [REPEAT] [ROUNDS]   (default: build 10 2)
set -eu
. "$(dirname "$0")/scaling_args.sh" 10 2 "$@"
. "$here/tests/scaling/cluster_lib.sh"
trap 'stop_cluster; rm -rf "$T"' EXIT
mkdir "$T/in"
n=$("$PY" "$here/bench/civil_jsonl.py" "$repeat" 4 "$T/in")
now() { date +%s.%N; }

: >"$T/rates"
for r in $(seq "$rounds"); do
  t0=$(now)
  for f in "$T"/in/*.jsonl; do
    "$build/modscore" score --format jsonl --output jsonl --jobs 1 -q "$f" >"$T/want.$(basename "$f")"
  done
  echo "cli $(echo "$n / ($(now) - $t0)" | bc -l)" >>"$T/rates"
  for w in 1 2; do
    rm -rf "$T/c" "$T/out"
    mkdir -p "$T/c" "$T/out"
    start_scheduler "$T/c"
    start_workers "$T/c" "$w"
    t0=$(now)
    "$PY" "$build/python/modscore-dask" --scheduler "$SCHED" --out "$T/out" -q "$T"/in/*.jsonl
    echo "w$w $(echo "$n / ($(now) - $t0)" | bc -l)" >>"$T/rates"
    stop_cluster
    for f in "$T"/in/*.jsonl; do
      cmp -s "$T/want.$(basename "$f")" "$T/out/$(basename "$f")" ||
        { echo "modscore-dask with $w worker(s): $(basename "$f") differs from modscore score's"; exit 1; }
    done
  done
done
echo "$n comments (Civil Comments posts x $repeat, 4 files), $rounds rounds; outputs identical to modscore score's"
echo
echo "| run | comments/s (median) | each round | ratio to 1 worker |"
echo "|---|---|---|---|"
awk -f "$here/bench/median.awk" -f /dev/stdin "$T/rates" <<'AWK'
  { v[$1] = v[$1] " " $2 }
  END {
    one = median(v["w1"])
    name["cli"] = "modscore score --jobs 1"; name["w1"] = "modscore-dask, 1 worker"; name["w2"] = "modscore-dask, 2 workers"
    split("cli w1 w2", order, " ")
    for (i = 1; i <= 3; i++) { m = order[i]; r = ""; k = split(v[m], a, " "); for (j = 1; j <= k; j++) r = r sprintf("%s%.0f", j > 1 ? ", " : "", a[j]); printf "| %s | %.0f | %s | %.2f |\n", name[m], median(v[m]), r, median(v[m]) / one }
  }
AWK
