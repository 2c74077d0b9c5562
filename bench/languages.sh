#!/bin/sh
# languages.sh - each language's shipped TOXICITY model (models/LANG/hostility) against
# scikit-learn's TF-IDF (word 1-2 + char_wb 2-5) logistic regression trained on the same
# pooled rows (bench/identity_attack_peer.py: C by 5-fold CV on them), both scored on the
# held-out fifth of each training set that train/prepare_lang.py keeps out of the models
# (ROC AUC; the ratio is modscore's over the peer's).
# Usage: bench/languages.sh [DATA_DIR] [BUILD_DIR] [MODELS_DIR] [LANG...]
# Default: ../shared/data, build, models, every language that has models/LANG/hostility.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-$here/../shared/data}
build=${2:-$here/build}
models=${3:-$here/models}
[ $# -ge 3 ] && shift 3 || shift $#
. "$here/bench/sklearn_python.sh"
sklearn_python languages.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/train/prepare_lang.py" "$data" "$tmp" 2>/dev/null
langs=${*:-$(cd "$models" && for d in */hostility/card.json; do
  [ -f "$d" ] && dirname "$(dirname "$d")"; done)}
printf '%-4s %-18s %6s %8s %8s %7s  %s\n' lang "held-out set" rows modscore sklearn ratio note
for lang in $langs; do
  model=$models/$lang/hostility
  [ -f "$model/card.json" ] || { echo "languages.sh: no $model" >&2; continue; }
  # the peer: the pooled train files of the language, C by 5-fold CV on them
  tests=""
  for test in "$tmp/$lang"/*-hostility-test.jsonl; do
    tests="$tests $(basename "$test" -hostility-test.jsonl)=$test"
  done
  # shellcheck disable=SC2086
  nice -n 10 "$python" "$here/bench/identity_attack_peer.py" \
    --train "$tmp/$lang"/*-hostility-train.jsonl --test $tests >"$tmp/peer.json"
  for test in "$tmp/$lang"/*-hostility-test.jsonl; do
    set=$(basename "$test" -hostility-test.jsonl)
    "$build/modscore" eval --model "$model" --models "$models" --data "$test" --json >"$tmp/eval.json"
    "$python" - "$tmp/eval.json" "$tmp/peer.json" "$test" "$lang" "$set" "$model/card.json" <<'PY'
import json, sys
ev, peer, card = (json.load(open(sys.argv[i])) for i in (1, 2, 6))
rows = sum(1 for l in open(sys.argv[3]) if l.strip())
note = (f"C={card['training']['c']:g}, CV {card['cross_validation']['roc_auc']:.4f}; "
        f"peer C={peer['c']:g}, CV {peer['cv_roc_auc']:.4f}")
ref = peer[sys.argv[5]]
print(f"{sys.argv[4]:<4} {sys.argv[5]:<18} {rows:6d} {ev['roc_auc']:8.4f} {ref:8.4f} "
      f"{ev['roc_auc'] / ref:7.4f}  {note}")
PY
  done
done
