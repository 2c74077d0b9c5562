#!/bin/bash
# binding.sh - the Python binding's Scorer.score_many against the command
# on one thread: the same JSON Lines file (Civil Comments posts, see
# civil_jsonl.py) scored by `modscore score --jobs 1` and by a python3
# process that streams it through score_many, as records (raw=True, the
# command's bytes) and as dicts. Rounds alternate; each process is timed
# whole (models loaded, file read, records written) in CPU seconds (user +
# sys, steadier than wall time on a shared machine) and wall seconds.
# Usage: bench/binding.sh [BUILD_DIR] [REPEAT] [ROUNDS]   (default: build 2 3)
set -eu
. "$(dirname "$0")/scaling_args.sh" 2 3 "$@"
trap 'rm -rf "$T"' EXIT
n=$("$PY" "$here/bench/civil_jsonl.py" "$repeat" 1 "$T")
in=$T/part-0.jsonl
timed() { # LABEL CMD...: appends "LABEL cpu wall" to $T/times
  local label=$1
  shift
  /usr/bin/time -f "$label %U %S %e" -a -o "$T/times" "$@"
}
for r in $(seq "$rounds"); do
  timed cli "$build/modscore" score --format jsonl --output jsonl --jobs 1 -q "$in" >"$T/cli.out"
  for mode in raw dict; do
    timed "$mode" "$PY" -c '
import sys, modscore
raw = sys.argv[2] == "raw"
out = sys.stdout.buffer
with modscore.Scorer() as s, open(sys.argv[1], "rb") as f:
    for rec in s.score_many(f, errors="record", raw=raw):
        if raw:
            out.write(rec + b"\n")
' "$in" "$mode" >"$T/$mode.out"
  done
  cmp -s "$T/cli.out" "$T/raw.out" || { echo "score_many's records differ from the command's"; exit 1; }
done
echo "$n comments (Civil Comments posts x $repeat), $rounds rounds, median of each:"
echo
echo "| scorer | CPU s | comments/CPU s | wall s | comments/s | CPU ratio to the command |"
echo "|---|---|---|---|---|---|"
awk -v n="$n" -f "$here/bench/median.awk" -f /dev/stdin "$T/times" <<'AWK'
  { cpu[$1] = cpu[$1] " " ($2 + $3); wall[$1] = wall[$1] " " $4 }
  END {
    base = median(cpu["cli"])
    split("cli raw dict", order, " ")
    name["cli"] = "modscore score --jobs 1"; name["raw"] = "score_many(raw=True)"; name["dict"] = "score_many() (dicts)"
    for (i = 1; i <= 3; i++) {
      m = order[i]; c = median(cpu[m]); w = median(wall[m])
      printf "| %s | %.2f | %.0f | %.2f | %.0f | %.2f |\n", name[m], c, n / c, w, n / w, base / c
    }
  }
AWK
