#!/bin/bash
# train_concurrent.sh - several `train --out` runs of the same directory at
# once (issue 23 item 7: a scheduled retrain beside a manual one). Every
# run succeeds, the directory ends as one whole model (the last run to
# publish), and no temporary is left beside it; before the parent
# directory's lock, one run's clean-up removed another's unmarked
# temporary and 3 runs in 80 failed with exit 73.
# Usage: train_concurrent.sh MODSCORE TESTS_DIR
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tests=$(cd "$2" && pwd)
models=$tests/../models
. "$(dirname "$0")/harness.sh"
python3 -c "
import random
r = random.Random(7)
bad = ['idiot', 'moron', 'stupid', 'loser', 'pathetic', 'clown']
good = ['thanks', 'agree', 'article', 'point', 'interesting', 'source']
filler = ['the', 'this', 'is', 'a', 'really', 'you', 'what', 'about', 'and', 'of']
for i in range(60):
    y = i % 2
    w = [r.choice(filler) for _ in range(12)] + [r.choice(bad if y else good) for _ in range(2)]
    r.shuffle(w)
    print('{\"text\":\"%s\",\"label\":%d}' % (' '.join(w), y))" >"$tmp/d.jsonl"
runs=8
rounds=24
failed=0
: >"$tmp/err"
for round in $(seq 1 $rounds); do
  # every other round the target is new (several runs create it), else
  # they replace the model the last round left
  [ $((round % 2)) = 1 ] && rm -rf "$tmp/out"
  pids=()
  for _ in $(seq 1 $runs); do
    "$bin" train -q --task hostility --data "$tmp/d.jsonl" --out "$tmp/out" --models "$models" \
      --folds 2 --c 1 --hash-bits 12 -j 1 2>>"$tmp/err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
done
[ "$failed" = 0 ] && ok ||
  bad "$failed of $((runs * rounds)) concurrent runs failed: $(sort "$tmp/err" | uniq -c | head -5)"
[ "$(ls -A "$tmp/out" | tr '\n' ' ')" = "card.bin card.json idf.bin model.bin model.svm " ] && ok ||
  bad "the model directory holds: $(ls -A "$tmp/out")"
"$bin" eval --model "$tmp/out" --models "$models" --data "$tmp/d.jsonl" >/dev/null 2>"$tmp/eval.err" &&
  ok || bad "the model does not load: $(head -c 300 "$tmp/eval.err")"
left=$(cd "$tmp" && ls -d out.tmp.* 2>/dev/null)
[ -z "$left" ] && ok || bad "temporaries left beside the model: $left"
finish train_concurrent
