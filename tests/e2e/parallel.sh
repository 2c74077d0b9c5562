#!/bin/bash
# parallel.sh - the JSON Lines mode is a stateless filter: a file split
# into parts, each scored by its own process (GNU parallel --pipe, as
# Hadoop Streaming or Spark's RDD.pipe() would), gives byte-identical output
# to one process; --jobs N gives the same bytes as --jobs 1.
# Usage: parallel.sh MODSCORE TESTS_DIR   (exit 77: GNU parallel is absent)
# The contract holds for self-contained lines: each with an "id" (ids made
# up for lines without one count per process) and its article inline
# ("article_id" names an article line, which must be in the same part).
set -u
bin=$1
tests=$2
if ! command -v parallel >/dev/null 2>&1; then
  echo "SKIP: GNU parallel is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
in=$tmp/in.jsonl
{
  cat "$tests/data/bias/identity.jsonl"
  for i in $(seq 1 60); do
    printf '{"id":"h%d","text":"you are an idiot number %d, go away!!"}\n' "$i" "$i"
    printf '{"id":"p%d","text":"Thanks for the article, point %d was great.","article":{"id":"a%d","title":"Bike lanes","body":"The council voted for bike lanes."},"parent_text":"What do you think?"}\n' "$i" "$i" "$i"
  done
} >"$in"
score=("$bin" score --format jsonl --output jsonl --quiet)
"${score[@]}" --jobs 1 "$in" >"$tmp/one" || bad "one process exited $?"
[ "$(wc -l <"$tmp/one")" = "$(wc -l <"$in")" ] || bad "one line out per line in"
for j in 2 3 8; do
  "${score[@]}" --jobs "$j" "$in" >"$tmp/j$j" || bad "--jobs $j exited $?"
  cmp -s "$tmp/one" "$tmp/j$j" || bad "--jobs $j differs from --jobs 1"
done
# parts of N lines, 4 processes at a time, outputs kept in input order
for n in 13 97 500; do
  parallel --pipe -k -N "$n" -j 4 "${score[@]}" --jobs 1 <"$in" >"$tmp/n$n" ||
    bad "parallel -N $n exited $?"
  cmp -s "$tmp/one" "$tmp/n$n" || bad "parts of $n lines differ from one process"
done
# parts cut by size (on line boundaries), each process multi-threaded
parallel --pipe -k --block 20k -j 2 "${score[@]}" --jobs 2 <"$in" >"$tmp/block" ||
  bad "parallel --block exited $?"
cmp -s "$tmp/one" "$tmp/block" || bad "parts of 20 kB differ from one process"
# stdin to stdout, as a streaming mapper runs it
"${score[@]}" <"$in" >"$tmp/stdin" || bad "stdin exited $?"
cmp -s "$tmp/one" "$tmp/stdin" || bad "stdin differs from the file"
if [ "$fail" -ne 0 ]; then
  echo "$fail failure(s)"
  exit 1
fi
echo "parallel: all passed"
