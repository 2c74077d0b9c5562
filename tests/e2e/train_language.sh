#!/bin/sh
# train_language.sh - a model of another language (issue 21): train --language, --fold and
# --lexicon-block reach the card, the model loads and scores with them, the umlaut rule
# keeps "schön" apart from "schon" (the words the labels hang on here), and an unknown
# fold rule is a usage error (64) that writes nothing.
# Usage: tests/e2e/train_language.sh path/to/modscore tests-dir
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tests=$(cd "$2" && pwd)
models=$tests/../models
. "$(dirname "$0")/harness.sh"
# hostile rows say "schön" (sarcastically), civil ones "schon": one word apart only
# under the umlaut rule (the default folding reads both as "schon")
python3 -c "
import random
r = random.Random(3)
filler = ['das', 'ist', 'ja', 'wirklich', 'und', 'die', 'wir', 'heute', 'mal', 'so']
for i in range(600):
    y = i % 2
    w = [r.choice(filler) for _ in range(8)] + ['schön' if y else 'schon']
    r.shuffle(w)
    print('{\"text\":\"%s\",\"label\":%d}' % (' '.join(w), y))" >"$tmp/train.jsonl"
printf '%s\n' '{"text":"das ist so schön","label":1}' '{"text":"das ist so schon","label":0}' \
  '{"text":"wir heute schön","label":1}' '{"text":"wir heute schon","label":0}' >"$tmp/eval.jsonl"
mkdir -p "$tmp/m"
train() { # train OUT [OPTION...]
  out=$1
  shift
  "$bin" train -q --task hostility --data "$tmp/train.jsonl" --out "$tmp/m/$out" \
    --models "$models" --folds 2 --c 1 --hash-bits 14 --you-window 0 "$@" >/dev/null 2>"$tmp/err"
}
train de --language de --fold umlaut_e --lexicon-block style
status $? 0 "train --language de --fold umlaut_e --lexicon-block style"
python3 - "$tmp/m/de/card.json" 2>/dev/null <<'PY' && ok || bad "card: $(cat "$tmp/m/de/card.json")"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["language"] == "de", c["language"]
assert c["features"]["fold"] == ["umlaut_e"], c["features"].get("fold")
assert c["features"]["lexicon"] == 2, c["features"]["lexicon"]
PY
auc() { "$bin" eval --model "$tmp/m/$1" --models "$models" --data "$tmp/eval.jsonl" --json 2>&1 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["roc_auc"])' 2>/dev/null; }
[ "$(auc de)" = 1.0 ] && ok || bad "with umlaut_e schön and schon are not told apart: AUC $(auc de)"
train plain --language de
status $? 0 "train --language de"
[ "$(auc plain)" = 0.5 ] && ok || bad "without a fold rule schön and schon should read alike: AUC $(auc plain)"
train bad --fold umlaut
status $? 64 "an unknown fold rule"
[ -e "$tmp/m/bad" ] && bad "an unknown fold rule wrote a model" || ok
grep -q 'umlaut_e' "$tmp/err" && ok || bad "the error names no known rule: $(cat "$tmp/err")"
finish train_language
