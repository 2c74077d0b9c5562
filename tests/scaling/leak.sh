#!/bin/sh
# leak.sh PYTHON TESTS_DIR - the binding frees what it holds: a loop of
# scores (score, score_many with a bad line, a page, Scorers closed and
# collected) under valgrind memcheck, with PYTHONPATH and MODSCORE_MODELS
# set by ctest. Fails on a memory error or on any block definitely or
# indirectly lost (Python itself loses none; "possibly lost" is Python's
# own interned objects at exit). Skipped (77) without valgrind.
set -u
py=${1:?usage: leak.sh PYTHON TESTS_DIR}
dir=${2:?usage: leak.sh PYTHON TESTS_DIR}
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind is not installed"; exit 77; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
PYTHONMALLOC=malloc valgrind --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=40 \
  "$py" "$dir/leak_loop.py" "$MODSCORE_MODELS" 50 "$dir/../../examples/sputnik-syria-ceasefire.txt" \
  >"$log" 2>&1
rc=$?
grep -A4 "LEAK SUMMARY" "$log"
grep "ERROR SUMMARY" "$log"
if [ "$rc" -ne 0 ]; then
  cat "$log"
  echo "FAIL: valgrind exited $rc"
  exit 1
fi
echo "leak: no memory errors, nothing lost"
