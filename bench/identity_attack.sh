#!/bin/sh
# identity_attack against scikit-learn TF-IDF + LogisticRegression trained on the same rows,
# on the same held-out sets. Usage: bench/identity_attack.sh [MODSCORE] [DATA_DIR]
#   MODSCORE  the modscore binary (default build/modscore)
#   DATA_DIR  the public data (default ../shared/data, beside the repository)
# Training rows (as train/build.sh): ccs-identity_attack-train (Civil Comments span labels),
# stormfront-train, civil-neg, train/identity/civil_train.jsonl. Held out, scored once:
#   ccs      the Civil Comments test split (comment ids hashing to 0-19 of 100)
#   sf       Stormfront's sampled_test (the authors' balanced test sample)
#   func     tests/data/hatecheck/cases.jsonl (our functional set; label identity_attack)
# modscore: the shipped models/identity_attack (`modscore eval`), and the same recipe
# retrained here (`modscore train` defaults), so the figures do not depend on the shipped
# files being current. sklearn: C by 5-fold CV on the training rows.
# Needs python3 with scikit-learn (Debian python3-sklearn; PYTHON overrides).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/modscore}
data=${2:-$here/../shared/data}
. "$here/bench/sklearn_python.sh"
sklearn_python identity_attack.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/modscore-ia.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
p=$tmp/prep
python3 "$here/train/prepare.py" "$data" "$p" 2>/dev/null
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(json.dumps({"text": r["text"], "label": r["identity_attack"]}))' \
  "$here/tests/data/hatecheck/cases.jsonl" >"$p/func.jsonl"
train="$p/ccs-identity_attack-train.jsonl $p/stormfront-train.jsonl $p/civil-neg.jsonl $here/train/identity/civil_train.jsonl"
auc() { "$bin" eval --model "$1" --models "$here/models" --data "$2" --json |
        python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["roc_auc"])'; }
echo "identity_attack.sh: modscore train (same recipe as train/build.sh)" >&2
"$bin" train --task identity_attack --seed 1 -q --models "$here/models" --out "$tmp/model" \
  --data "$p/ccs-identity_attack-train.jsonl" --data "$p/stormfront-train.jsonl" \
  --data "$p/civil-neg.jsonl" --augment "$here/train/identity/civil_train.jsonl"
echo "identity_attack.sh: scikit-learn" >&2
# shellcheck disable=SC2086
sk=$("$python" "$here/bench/identity_attack_peer.py" --train $train \
      --test "ccs=$p/ccs-identity_attack-test.jsonl" "sf=$p/stormfront-test.jsonl" "func=$p/func.jsonl")
echo "ROC AUC, identity_attack label            ccs     sf      func"
for m in "$here/models/identity_attack" "$tmp/model"; do
  name=$( [ "$m" = "$tmp/model" ] && echo "modscore (retrained here)" || echo "modscore (shipped)")
  printf '%-40s %s  %s  %s\n' "$name" "$(auc "$m" "$p/ccs-identity_attack-test.jsonl")" \
    "$(auc "$m" "$p/stormfront-test.jsonl")" "$(auc "$m" "$p/func.jsonl")"
done
printf '%-40s %s\n' "hostility (shipped, for reference)" "$(auc "$here/models/hostility" "$p/ccs-identity_attack-test.jsonl")  $(auc "$here/models/hostility" "$p/stormfront-test.jsonl")  $(auc "$here/models/hostility" "$p/func.jsonl")"
echo "$sk" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
print("%-40s %.4f  %.4f  %.4f   (C=%g by 5-fold CV, CV ROC AUC %.4f)" % (
    "sklearn TF-IDF + LR (same rows)", d["ccs"], d["sf"], d["func"], d["c"], d["cv_roc_auc"]))'
