#!/bin/sh
# Accuracy of modscore's hostility model against peer systems, all on one split:
# train on Impermium train.csv only, test on test_with_solutions.csv.
#
# Usage: bench/accuracy.sh [MODSCORE] [DATA_DIR]
#   MODSCORE  the modscore binary (default build/modscore)
#   DATA_DIR  the public data (default ../shared/data, beside the repository)
#
# Systems (every choice made on the train split alone; the test split is scored once):
#   modscore            `modscore train` defaults (5-fold CV over its C grid, Platt), `modscore eval`
#   sklearn LR / SVC    TF-IDF word 1-2-grams + char_wb 2-5-grams, C by 5-fold CV on train
#   fastText            supervised -wordNgrams 2 -minn 2 -maxn 5, epoch/lr chosen on a 20%
#                       slice of train, scored with predict-prob
# Needs python3 with scikit-learn (Debian python3-sklearn; PYTHON overrides) and
# fasttext (Debian fasttext; FASTTEXT overrides, FASTTEXT= skips it).
# Takes about 2 minutes on one core.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/modscore}
data=${2:-$here/../shared/data}
. "$here/bench/sklearn_python.sh"
sklearn_python accuracy.sh
fasttext=${FASTTEXT-$(command -v fasttext || true)}
[ -x "$bin" ] || { echo "accuracy.sh: no modscore binary at $bin" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modscore-accuracy.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 "$here/train/prepare.py" "$data" "$tmp/prep" 2>/dev/null
train=$tmp/prep/impermium-train.jsonl
test=$tmp/prep/impermium-test.jsonl

echo "accuracy.sh: modscore train ($(wc -l <"$train") train comments)" >&2
start=$(date +%s.%N)
"$bin" train --task hostility --seed 1 --models "$here/models" --data "$train" --out "$tmp/model" -q
end=$(date +%s.%N)
"$bin" eval --model "$tmp/model" --models "$here/models" --data "$test" --json >"$tmp/eval.json"

echo "accuracy.sh: peers (scikit-learn${fasttext:+, fastText})" >&2
"$python" "$here/bench/accuracy_peers.py" "$train" "$test" --fasttext "$fasttext" --tmp "$tmp" \
  >"$tmp/peers.jsonl"

"$python" - "$tmp/eval.json" "$tmp/model/card.json" "$tmp/peers.jsonl" "$start" "$end" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
card = json.load(open(sys.argv[2]))
peers = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
secs = float(sys.argv[5]) - float(sys.argv[4])
cv = card["cross_validation"]
rows = [("modscore (" + card["training"]["solver"].split(" (")[0] + ")", ev["roc_auc"], ev["pr_auc"],
         f"C={card['training']['c']:g}; card 5-fold CV ROC AUC {cv['roc_auc']:.4f}, PR AUC {cv['pr_auc']:.4f}; trained in {secs:.1f}s")]
rows += [(p["system"], p["roc_auc"], p["pr_auc"], p["tuned"]) for p in peers]
print(f"Impermium: train {card['data']['examples']} comments, test {ev['examples']} ({ev['positives']} insults)")
print(f"{'system':<38} {'ROC AUC':>8} {'PR AUC':>8}  notes")
for name, roc, pr, note in rows:
    print(f"{name:<38} {roc:8.4f} {pr:8.4f}  {note}")
PY
