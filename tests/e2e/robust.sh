#!/bin/bash
# robust.sh - hostile input and faults, end to end (issue 7):
#  - every documented cap (MS_MAX_*) refused with an error naming it;
#  - a reader that closes the pipe early is a write error (exit 74), not a
#    silent success;
#  - a training run killed mid-way leaves the model in use loadable and
#    unchanged.
# Usage: robust.sh MODSCORE TESTS_DIR
set -u
bin=$1
tests=$2
models=$tests/../models
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# names FILE CAP: FILE mentions CAP
names() { if grep -q -- "$2" "$1"; then ok; else bad "$1 does not name $2: $(head -c 300 "$1")"; fi; }
status() { if [ "$1" = "$2" ]; then ok; else bad "$3: exit $1, want $2"; fi; }

# --- caps, one each (limits are in include/modscore.h)

# MS_MAX_COMMENT_BYTES (256 KiB of text): a JSON Lines comment and a JSON
# document comment
python3 -c "
import json
print(json.dumps({'id': 'big', 'text': 'a' * (256 * 1024 + 1)}))
print(json.dumps({'id': 'ok', 'text': 'fine'}))" >"$tmp/long_comment.jsonl"
"$bin" score -q -o jsonl "$tmp/long_comment.jsonl" >"$tmp/out" 2>"$tmp/err"
status $? 65 "comment over MS_MAX_COMMENT_BYTES (JSON Lines)"
names "$tmp/out" 'MS_MAX_COMMENT_BYTES'
[ "$(wc -l <"$tmp/out")" = 2 ] && ok || bad "long comment: not one output line per input line"
python3 -c "
import json
print(json.dumps({'comments': [{'id': 'big', 'text': 'a' * (256 * 1024 + 1)}]}))" >"$tmp/long_comment.json"
"$bin" score -q -o jsonl "$tmp/long_comment.json" >"$tmp/out" 2>"$tmp/err"
status $? 65 "comment over MS_MAX_COMMENT_BYTES (JSON)"
names "$tmp/err" 'MS_MAX_COMMENT_BYTES'

# MS_MAX_LINE_BYTES (1 MiB): the long line is an error line, the next one
# is still scored
python3 -c "
print('{\"id\":\"x\",\"text\":\"' + 'b' * (1024 * 1024) + '\"}')
print('{\"id\":\"after\",\"text\":\"still here\"}')" >"$tmp/long_line.jsonl"
"$bin" score -q -o jsonl "$tmp/long_line.jsonl" >"$tmp/out" 2>"$tmp/err"
status $? 65 "line over MS_MAX_LINE_BYTES"
names "$tmp/out" 'MS_MAX_LINE_BYTES'
[ "$(wc -l <"$tmp/out")" = 2 ] && grep -q '"id":"after"' "$tmp/out" && ok ||
  bad "long line: the line after it was not scored"

# MS_MAX_JSON_DEPTH (64): 65 levels
python3 -c "print('{\"comments\":[{\"id\":\"1\",\"text\":\"x\",\"extra\":' + '[' * 63 + ']' * 63 + '}]}')" >"$tmp/deep.json"
"$bin" score -q -o jsonl "$tmp/deep.json" >"$tmp/out" 2>"$tmp/err"
status $? 65 "JSON deeper than MS_MAX_JSON_DEPTH"
names "$tmp/err" 'MS_MAX_JSON_DEPTH'
python3 -c "print('{\"comments\":[{\"id\":\"1\",\"text\":\"x\",\"extra\":' + '[' * 60 + ']' * 60 + '}]}')" >"$tmp/deep_ok.json"
"$bin" score -q -o jsonl "$tmp/deep_ok.json" >"$tmp/out" 2>"$tmp/err"
status $? 0 "JSON within MS_MAX_JSON_DEPTH"

# MS_MAX_COMMENTS (1,000,000 in one document): one more
python3 -c "
import sys
sys.stdout.write('{\"comments\":[' + ','.join(['{\"text\":\"a\"}'] * 1000001) + ']}')" >"$tmp/many.json"
"$bin" score -q -o jsonl "$tmp/many.json" >"$tmp/out" 2>"$tmp/err"
status $? 65 "more than MS_MAX_COMMENTS comments"
names "$tmp/err" 'MS_MAX_COMMENTS'
rm -f "$tmp/many.json"

# MS_MAX_DOCUMENT_BYTES (256 MiB): one byte more, through a pipe (a JSON
# document and a captured page, which has no syntax to give it away)
head -c $((256 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' |
  "$bin" score -q -o jsonl --format json - >"$tmp/out" 2>"$tmp/err"
status $? 65 "document over MS_MAX_DOCUMENT_BYTES (JSON)"
names "$tmp/err" 'MS_MAX_DOCUMENT_BYTES'
{ head -c 2000 "$tests/data/reader/page_example.txt"; head -c $((256 * 1024 * 1024)) /dev/zero | tr '\0' 'x'; } |
  "$bin" score -q -o jsonl --format page - >"$tmp/out" 2>"$tmp/err"
status $? 65 "document over MS_MAX_DOCUMENT_BYTES (page)"
names "$tmp/err" 'MS_MAX_DOCUMENT_BYTES'

# --- a closed pipe: the reader goes away after one line
python3 -c "
for i in range(20000):
    print('{\"id\":\"%d\",\"text\":\"comment number %d, you idiot\"}' % (i, i))" >"$tmp/many.jsonl"
for jobs in 1 2; do
  "$bin" score -q --jobs $jobs -o jsonl "$tmp/many.jsonl" 2>"$tmp/err" | head -1 >"$tmp/out"
  rc=${PIPESTATUS[0]}
  status "$rc" 74 "closed pipe (--jobs $jobs)"
  [ -s "$tmp/err" ] && ok || bad "closed pipe (--jobs $jobs): no message on stderr"
  [ "$(wc -l <"$tmp/out")" = 1 ] && ok || bad "closed pipe: head got no line"
done

# --- a training run killed mid-way leaves the old model loadable
mkdir -p "$tmp/m"
cp -r "$models/hostility" "$tmp/m/hostility"
(cd "$tmp/m/hostility" && sha256sum ./* >"$tmp/before.sha")
python3 -c "
import random
r = random.Random(7)
bad = ['idiot', 'moron', 'stupid', 'loser', 'pathetic', 'clown']
good = ['thanks', 'agree', 'article', 'point', 'interesting', 'source']
filler = ['the', 'this', 'is', 'a', 'really', 'you', 'what', 'about', 'and', 'of']
for i in range(6000):
    y = i % 2
    w = [r.choice(filler) for _ in range(12)] + [r.choice(bad if y else good) for _ in range(2)]
    r.shuffle(w)
    print('{\"text\":\"%s\",\"label\":%d}' % (' '.join(w), y))" >"$tmp/train.jsonl"
head -200 "$tmp/train.jsonl" >"$tmp/eval.jsonl"
loadable() { # loadable WHEN: the model at $tmp/m/hostility is whole and loads
  "$bin" eval --model "$tmp/m/hostility" --models "$models" --data "$tmp/eval.jsonl" \
    >"$tmp/eval.out" 2>"$tmp/eval.err" && ok || bad "$1: the model does not load: $(head -c 300 "$tmp/eval.err")"
  if (cd "$tmp/m/hostility" && sha256sum -c --quiet "$tmp/before.sha") >/dev/null 2>&1; then
    ok
  else
    # killed after the exchange (while deleting the old model it swapped
    # out): then the whole new model is in place, with its card's hashes
    python3 - "$tmp/m/hostility" <<'PY' && ok || bad "$1: the old model's files changed"
import json, os, sys
d = sys.argv[1]
card = json.load(open(os.path.join(d, "card.json")))
assert card.get("model_hash") and card.get("idf_hash"), card
assert sorted(os.listdir(d)) == ["card.json", "idf.bin", "model.bin", "model.svm"], os.listdir(d)
PY
    echo "note: killed after publishing: the new model is in place"
    (cd "$tmp/m/hostility" && sha256sum ./* >"$tmp/before.sha")
  fi
}
# killed at several moments (libsvm's solver, slow enough to be caught):
# early (features or cross-validation), and as
# soon as its temporary model directory appears (while it writes it)
for when in 0.3 1.5 tmpdir; do
  "$bin" train -q --task hostility --data "$tmp/train.jsonl" --out "$tmp/m/hostility" \
    --models "$models" --folds 2 --c 0.1,1 --hash-bits 16 --solver libsvm >/dev/null 2>&1 &
  pid=$!
  if [ "$when" = tmpdir ]; then
    for _ in $(seq 1 20000); do
      ls -d "$tmp/m/hostility.tmp."* >/dev/null 2>&1 && { echo "note: killed while writing its temporary model"; break; }
      kill -0 $pid 2>/dev/null || break
    done
  else
    sleep "$when"
  fi
  if kill -9 $pid 2>/dev/null; then
    wait $pid 2>/dev/null
    loadable "train killed after $when"
  else
    wait $pid
    echo "note: training finished before the kill at $when; not a kill test"
    (cd "$tmp/m/hostility" && sha256sum ./* >"$tmp/before.sha")
  fi
done
# a run that completes replaces it with a model that loads
"$bin" train -q --task hostility --data "$tmp/train.jsonl" --out "$tmp/m/hostility" \
  --models "$models" --folds 2 --c 0.1,1 --hash-bits 16 >/dev/null 2>"$tmp/err"
status $? 0 "training after the killed runs"
"$bin" eval --model "$tmp/m/hostility" --models "$models" --data "$tmp/eval.jsonl" >/dev/null 2>&1 &&
  ok || bad "the new model does not load"
# and it clears the temporary directories the killed runs left behind
if ls -d "$tmp/m/hostility.tmp."* >/dev/null 2>&1; then bad "killed runs' temporary directories remain"; else ok; fi

echo "robust: $pass passed, $fail failed"
[ "$fail" = 0 ]
