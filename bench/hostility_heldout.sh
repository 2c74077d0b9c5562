#!/bin/sh
# hostility's held-out figures (issue 22 item 4's rule: no source's held-out split worse than
# the model before by more than 0.01): ROC AUC of a hostility model directory on each source's
# held-out split, as train/prepare.py writes them, and two dev figures its choices are made on.
# Usage: bench/hostility_heldout.sh MODEL_DIR [PREP_DIR] [MODSCORE]
#   MODEL_DIR  e.g. models/hostility, or one trained by train/build.sh's recipe elsewhere
#   PREP_DIR   train/prepare.py's output (default build/train-data)
# Held out (never trained on): OLID test, C3 test articles, HateXplain val (hatespeech and
# offensive against normal), YouToxic test, CAD val (CAD is not in the recipe), Civil Comments
# insult test (comment ids hashing 0-19; hostility is trained on no Civil Comments). Dev (the
# recipe's choices, e.g. --augment-weight, are made on these, never on the held-out ones):
# cross-validated ROC AUC on the training rows (the card's), Civil Comments insult train split
# (never trained on), train/threat/dev.jsonl and dev2.jsonl (threats above violent-word
# non-threats).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
m=${1:?usage: hostility_heldout.sh MODEL_DIR [PREP_DIR] [MODSCORE]}
p=${2:-$here/build/train-data}
bin=${3:-$here/build/modscore}
auc() { "$bin" eval --model "$m" --models "$here/models" --data "$1" --json |
        python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["roc_auc"])'; }
echo "held out: olid-test $(auc "$p/olid-test.jsonl") c3-test $(auc "$p/c3-test.jsonl")" \
  "hatexplain-val $(auc "$p/hatexplain-tox-val.jsonl") youtoxic-test $(auc "$p/youtoxic-test.jsonl")" \
  "cad-val $(auc "$p/cad-val.jsonl") ccs-insult-test $(auc "$p/ccs-insult-test.jsonl")"
cv=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["cross_validation"]["roc_auc"])' \
  "$m/card.json")
echo "dev: cv $cv ccs-insult-train $(auc "$p/ccs-insult-train.jsonl")" \
  "threat-dev $(auc "$here/train/threat/dev.jsonl") threat-dev2 $(auc "$here/train/threat/dev2.jsonl")"
