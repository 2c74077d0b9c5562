#!/bin/sh
# dask_cluster.sh PYTHON MODSCORE MODSCORE_DASK TESTS_DIR - modscore-dask on a
# scheduler and two workers on loopback: a corpus of several files (JSON
# Lines with bad lines and lines without ids, a JSON document) cut into many
# partitions, every partition failing once on its first try (the retry),
# gives one output per input equal byte for byte to `modscore score`'s; a
# partition that fails on every try leaves no output, whole or partial.
# Skipped (77) without python3-distributed. PYTHONPATH and MODSCORE_MODELS
# are set by ctest.
set -u
PY=${1:?usage}; BIN=${2:?usage}; JOB=${3:?usage}; DIR=${4:?usage}
"$PY" -c 'import distributed' 2>/dev/null && command -v dask-scheduler >/dev/null ||
  { echo "SKIP: python3-distributed is not installed"; exit 77; }
. "$DIR/cluster_lib.sh"
T=$(mktemp -d)
trap 'stop_cluster; rm -rf "$T"' EXIT
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

mkdir "$T/in" "$T/out" "$T/faults" "$T/out2"
"$PY" "$DIR/make_stream.py" 2000 31 --bad --inline >"$T/in/first.jsonl"
"$PY" "$DIR/make_stream.py" 1500 32 --inline >"$T/in/second.jsonl"
cp "$DIR/../data/e2e/discussion.json" "$T/in/third.json"
"$PY" "$DIR/make_stream.py" 10 33 --inline >"$T/in/fourth.jsonl"
files="$T/in/first.jsonl $T/in/second.jsonl $T/in/third.json $T/in/fourth.jsonl"

start_scheduler "$T" || { cat "$T/scheduler.log"; exit 1; }
start_workers "$T" 2 || { cat "$T"/*.log; exit 1; }

MODSCORE_DASK_FAIL_FIRST=$T/faults "$PY" "$JOB" --scheduler "$SCHED" --out "$T/out" \
  --partition-bytes 40000 $files
rc=$?
[ "$rc" = 65 ] || bad "modscore-dask exited $rc, not 65 (the bad lines of first.jsonl)"
n=$(ls "$T/faults" | wc -l)
[ "$n" -gt 8 ] || bad "only $n partitions (each fails once): the files were not cut up"
for f in $files; do
  name=$(basename "$f")
  "$BIN" score --output jsonl --jobs 1 --quiet "$f" >"$T/want.$name"
  cmp "$T/want.$name" "$T/out/$name" || bad "$name differs from modscore score's output"
done
[ "$(ls -A "$T/out" | wc -l)" = 4 ] || bad "the output directory holds more than the 4 outputs: $(ls -A "$T/out")"

# every try fails: nothing appears in the output directory
rm -rf "$T/faults"/*
MODSCORE_DASK_FAIL_FIRST=$T/faults "$PY" "$JOB" --scheduler "$SCHED" --out "$T/out2" \
  --retries 0 --quiet "$T/in/second.jsonl" 2>"$T/err"
rc=$?
[ "$rc" = 70 ] || bad "a partition failing every try: exit $rc, not 70"
grep -q "fails once" "$T/err" || bad "the failure is not reported: $(cat "$T/err")"
[ -z "$(ls -A "$T/out2")" ] || bad "a failed run left $(ls -A "$T/out2")"

if [ "$fail" -ne 0 ]; then
  for l in "$T"/*.log; do echo "--- $l"; tail -20 "$l"; done
  echo "$fail failure(s)"
  exit 1
fi
echo "dask_cluster: all passed"
