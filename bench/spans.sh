#!/bin/bash
# spans.sh - reason spans against what people mark: SemEval-2021 Task 5
# (toxic spans), per-post character F1 (Pavlopoulos et al. 2021), on
# tsd_trial and on the fifth of tsd_train held out by train/prepare_spans.py
# (neither is ever trained or tuned on), for modscore and baselines in the
# same run:
#   modscore                 the spans model (models/spans): score --reasons all
#   today's reasons          the strongest words, without models/spans
#   ... weight > 0.5         the same, keeping reasons with weight above 0.5
#   lexicon of marked words  words marked in at least half of their
#                            occurrences in the training spans
#   scikit-learn LR          per-token logistic regression on the same token
#                            features (train_spans --dump), its C and
#                            threshold chosen on a fifth of the training part
# Also the F1 on posts with no gold span (1 when nothing is predicted).
# Usage: bench/spans.sh [BUILD_DIR]   (needs ../shared/data or $MS_DATA, and
# Debian's python3-sklearn for /usr/bin/python3). Work files go to
# $MS_BENCH_TMP (default /tmp/modscore-spans).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$here/build}")
data=${MS_DATA:-$here/../shared/data}
tmp=${MS_BENCH_TMP:-/tmp/modscore-spans}
mkdir -p "$tmp"
if [ ! -x "$build/modscore" ] || [ ! -x "$build/train_spans" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target modscore_cli train_spans >/dev/null
fi
ms=$build/modscore
ev="python3 $here/bench/spans_eval.py"
log() { echo "spans.sh: $*" >&2; }

python3 "$here/train/prepare_spans.py" "$data" "$tmp/prep"
# the shipped models without the spans model: today's reasons
rm -rf "$tmp/nospans" && mkdir -p "$tmp/nospans"
for f in "$here"/models/*; do
  [ "$(basename "$f")" = spans ] || ln -s "$f" "$tmp/nospans/"
done

for split in trial heldout; do
  gold=$tmp/prep/spans-$split.jsonl
  name=$([ $split = trial ] && echo "tsd_trial" || echo "tsd_train held-out fifth")
  echo "## $name ($(wc -l <"$gold") posts)"
  "$ms" score --format jsonl --output jsonl --reasons all --jobs 1 -q --models "$here/models" \
    <"$gold" >"$tmp/pred-$split.jsonl"
  $ev score "$gold" "$tmp/pred-$split.jsonl" "modscore (models/spans)"
  "$ms" score --format jsonl --output jsonl --reasons all --jobs 1 -q --models "$tmp/nospans" \
    <"$gold" >"$tmp/today-$split.jsonl"
  $ev score "$gold" "$tmp/today-$split.jsonl" "today's reasons (strongest words)"
  $ev score "$gold" "$tmp/today-$split.jsonl" "today's reasons, weight > 0.5" 0.5
  $ev lexicon "$tmp/prep/spans-train.jsonl" "$gold"
  [ $split = heldout ] || "$build/train_spans" --models "$here/models" \
    --data "$tmp/prep/spans-train.jsonl" --dump "$tmp/train.svm" "$tmp/train.meta"
  "$build/train_spans" --models "$here/models" --data "$gold" --dump "$tmp/$split.svm" "$tmp/$split.meta"
  /usr/bin/python3 "$here/bench/spans_eval.py" lr "$tmp/train.svm" "$tmp/train.meta" \
    "$tmp/prep/spans-train.jsonl" "$tmp/$split.svm" "$tmp/$split.meta" "$gold"
  echo
done
