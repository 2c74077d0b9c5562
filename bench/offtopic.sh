#!/bin/sh
# bench/offtopic.sh - the off-topic model against two baselines, in one run.
# Usage: bench/offtopic.sh [MODSCORE] [DATA_DIR]   (defaults: build/modscore, ../shared/data)
# Splits (train/prepare.py): SemEval-2016 3A threads hashing to 20 of 100 are
# held out; Globe and Mail article 28659297 is held out. All three systems are
# trained on the same training splits and measured on the same held-out ones:
#   context model  modscore train --task off-topic (words + context features),
#                  with train/offtopic/linkbait.jsonl as --augment as the shipped model
#   words alone    the same with --no-context
#   cosine alone   TF-IDF cosine of comment and article (scikit-learn), as a score
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/modscore}
data=${2:-$here/../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/train/prepare.py" "$data" "$tmp/prep" 2>/dev/null
train="--data $tmp/prep/semeval-train.jsonl --data $tmp/prep/globe-train.jsonl --augment $here/train/offtopic/linkbait.jsonl"
"$bin" train -q --task off-topic $train --out "$tmp/context" --models "$here/models"
"$bin" train -q --task off-topic --no-context $train --out "$tmp/words" --models "$here/models"
auc() { "$bin" eval --json --model "$1" --data "$2" --models "$here/models" |
        python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["roc_auc"])'; }
cos=$(/usr/bin/python3 - "$tmp/prep" <<'PY'
import json, sys
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score
d = sys.argv[1]
ctx = lambda r: r["article"].get("title", "") + "\n" + r["article"].get("body", "")
out = []
for name in ("semeval", "globe"):
    tr = [json.loads(l) for l in open(f"{d}/{name}-train.jsonl")]
    te = [json.loads(l) for l in open(f"{d}/{name}-test.jsonl")]
    v = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    v.fit([r["text"] for r in tr] + [ctx(r) for r in tr])
    a, b = v.transform([r["text"] for r in te]), v.transform([ctx(r) for r in te])
    cos = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    out.append("%.4f" % roc_auc_score([r["label"] for r in te], -cos))
print(" ".join(out))
PY
)
cv=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["cross_validation"]["roc_auc"])' "$tmp/context/card.json")
printf '%-34s %-22s %-22s\n' "off-topic ROC AUC (held out)" "SemEval Bad vs Good" "Globe own vs other"
printf '%-34s %-22s %-22s\n' "modscore context model" "$(auc "$tmp/context" "$tmp/prep/semeval-test.jsonl")" "$(auc "$tmp/context" "$tmp/prep/globe-test.jsonl")"
printf '%-34s %-22s %-22s\n' "baseline: words alone" "$(auc "$tmp/words" "$tmp/prep/semeval-test.jsonl")" "$(auc "$tmp/words" "$tmp/prep/globe-test.jsonl")"
printf '%-34s %-22s %-22s\n' "baseline: cosine alone" $cos
echo "context model 5-fold CV ROC AUC on the training splits: $cv"
