#!/bin/bash
# robust.sh - hostile input and faults, end to end (issue 7):
#  - every documented cap (MS_MAX_*) refused with an error naming it;
#  - a reader that closes the pipe early is a write error (exit 74), not a
#    silent success;
#  - a training run killed mid-way leaves the model in use loadable and
#    unchanged;
#  - files modscore writes (issue 17): train --out replaces only a model
#    directory, score --out never replaces a device and never replaces the
#    old report after a failed run, no temporary name can be planted, a
#    FIFO as a model file never blocks, an unreadable input is never an
#    empty success, other lexicons or a truncated model.svm are refused,
#    training data errors are 65.
# Usage: robust.sh MODSCORE TESTS_DIR
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tests=$(cd "$2" && pwd)
models=$tests/../models
. "$(dirname "$0")/harness.sh"
# names FILE CAP: FILE mentions CAP
names() { if grep -q -- "$2" "$1"; then ok; else bad "$1 does not name $2: $(head -c 300 "$1")"; fi; }

# --- caps, one each (limits are in include/modscore.h)

# MS_MAX_COMMENT_BYTES (256 KiB of text), one rule everywhere (issue 26): a
# longer comment is cut on a UTF-8 boundary, scored and noted "truncated",
# and never fails the thread around it: JSON Lines, a JSON document (a 2 MB
# comment there was exit 65 with no output), a captured page, and check,
# which reads no more of stdin than it scores (it read up to 256 MiB)
python3 -c "
import json
print(json.dumps({'id': 'big', 'text': 'x' + '\u00e9' * (300 * 1024)}, ensure_ascii=False))
print(json.dumps({'id': 'ok', 'text': 'fine'}))" >"$tmp/long_comment.jsonl"
"$bin" score -q -o jsonl "$tmp/long_comment.jsonl" >"$tmp/out" 2>"$tmp/err"
status $? 0 "comment over MS_MAX_COMMENT_BYTES (JSON Lines)"
[ "$(wc -l <"$tmp/out")" = 2 ] && grep '"id":"big"' "$tmp/out" | grep -q '"truncated"' &&
  grep -q '"id":"ok"' "$tmp/out" && ok || bad "long comment (JSON Lines): $(head -c 300 "$tmp/out")"
python3 -c "
import json
print(json.dumps({'comments': [{'id': 'big', 'text': 'You idiot. ' * 200000},
                               {'id': 'ok', 'text': 'fine'}]}))" >"$tmp/long_comment.json"
"$bin" score -q -o jsonl "$tmp/long_comment.json" >"$tmp/out" 2>"$tmp/err"
status $? 0 "a 2 MB comment in a JSON document"
[ "$(wc -l <"$tmp/out")" = 2 ] && grep '"id":"big"' "$tmp/out" | grep -q '"truncated"' &&
  grep -q '"id":"ok"' "$tmp/out" && ok || bad "long comment (JSON): $(head -c 300 "$tmp/out" "$tmp/err")"
python3 -c "
print('Title\n\nThe article body.\n\nAll comments')
print('\u2022 ' + 'You idiot. ' * 50000)
print('\u2022 the last one')" >"$tmp/long_comment.txt"
"$bin" score -q -o jsonl "$tmp/long_comment.txt" >"$tmp/out" 2>"$tmp/err"
status $? 0 "a 550 KB comment in a captured page"
[ "$(wc -l <"$tmp/out")" = 2 ] && head -n 1 "$tmp/out" | grep -q '"truncated"' && ok ||
  bad "long comment (page): $(head -c 300 "$tmp/out" "$tmp/err")"
python3 -c "import sys; sys.stdout.write('You are an idiot. ' * 200000)" >"$tmp/long_check.txt"
{ "$bin" check --models "$models" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; wc -c >"$tmp/rest"; } <"$tmp/long_check.txt"
status "$(cat "$tmp/rc")" 2 "check of a 3.6 MB comment"
grep -q '"truncated"' "$tmp/out" && ok || bad "check of a long comment: no truncated note: $(cat "$tmp/out" "$tmp/err")"
# what check left of stdin: all but the 256 KiB it scores and a read buffer
[ "$(cat "$tmp/rest")" -gt $((3600000 - 256 * 1024 - 65536)) ] && ok ||
  bad "check read $((3600000 - $(cat "$tmp/rest"))) bytes of stdin to score 256 KiB"

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
assert sorted(os.listdir(d)) == ["card.bin", "card.json", "idf.bin", "model.bin", "model.svm"], os.listdir(d)
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


# --- issue 17: files modscore writes
example=$tests/../examples/sputnik-syria-ceasefire.txt
f=$tmp/files
mkdir -p "$f"
fingerprint() { (cd "$1" && find . -printf '%p %y %m\n' | sort && find . -type f -exec sha256sum {} + | sort); }
# 1. train --out over a user's directory: refused (73), nothing touched
mkdir "$f/userdir"
cp "$tmp/eval.jsonl" "$f/userdir/data.jsonl"
echo "my notes" >"$f/userdir/notes.txt"
fingerprint "$f/userdir" >"$f/userdir.before"
"$bin" train -q --task hostility --data "$f/userdir/data.jsonl" --out "$f/userdir" \
  --models "$models" --folds 2 --c 1 --hash-bits 16 >/dev/null 2>"$f/err"
status $? 73 "train --out a directory that is not a model's"
names "$f/err" "not a model directory"
fingerprint "$f/userdir" | cmp -s - "$f/userdir.before" && ok || bad "train --out userdir changed it"
echo "a file" >"$f/afile"
"$bin" train -q --task hostility --data "$tmp/eval.jsonl" --out "$f/afile" \
  --models "$models" --folds 2 --c 1 --hash-bits 16 >/dev/null 2>&1
status $? 73 "train --out a regular file"
[ "$(cat "$f/afile")" = "a file" ] && ok || bad "train --out afile changed it"
# a model directory and an empty one are replaced
mkdir "$f/empty"
for out in empty m; do
  "$bin" train -q --task hostility --data "$tmp/eval.jsonl" --out "$f/$out" \
    --models "$models" --folds 2 --c 1 --hash-bits 16 >/dev/null 2>"$f/err"
  status $? 0 "train --out $out (first)"
done
"$bin" train -q --task hostility --data "$tmp/eval.jsonl" --out "$f/m" \
  --models "$models" --folds 2 --c 1 --hash-bits 16 >/dev/null 2>"$f/err"
status $? 0 "train --out over a model directory"
[ "$(ls -A "$f/m" | tr '\n' ' ')" = "card.bin card.json idf.bin model.bin model.svm " ] && ok ||
  bad "the replaced model directory holds: $(ls -A "$f/m")"
# stale temporaries: a user's OUT.tmp.N survives, a marked one of a dead
# process goes, and so does an empty one (a run killed before its marker)
sh -c 'exit 0' &
dead=$!
wait $dead
mkdir "$f/m.tmp.$dead" "$f/m.tmp.mine" "$f/m.tmp.unmarked"
: >"$f/m.tmp.unmarked/.modscore-tmp"
echo "user data" >"$f/m.tmp.$dead/card.json"
cp "$f/m/model.svm" "$f/m.tmp.mine/model.svm"
echo "modscore $dead" >"$f/m.tmp.mine/.modscore-tmp"
"$bin" train -q --task hostility --data "$tmp/eval.jsonl" --out "$f/m" \
  --models "$models" --folds 2 --c 1 --hash-bits 16 >/dev/null 2>"$f/err"
status $? 0 "train beside stale temporaries"
[ "$(cat "$f/m.tmp.$dead/card.json" 2>/dev/null)" = "user data" ] && ok ||
  bad "train deleted a user's unmarked OUT.tmp.$dead"
[ ! -e "$f/m.tmp.mine" ] && ok || bad "train left its own marked stale temporary"
[ ! -e "$f/m.tmp.unmarked" ] && ok || bad "train left an empty temporary of a run killed before its marker"
rm -rf "$f/m.tmp.$dead"
# 4. the old predictable temporary names, planted as links (sh's pid is the
# pid modscore runs with after exec)
mkdir "$f/victimdir"
echo "precious" >"$f/victimdir/card.json"
echo "precious" >"$f/victim"
(cd "$f" && sh -c 'ln -s victimdir m.tmp.$$; exec "$0" train -q --task hostility --data "$1" --out m --models "$2" --folds 2 --c 1 --hash-bits 16' \
  "$bin" "$tmp/eval.jsonl" "$models" >/dev/null 2>&1)
status $? 0 "train with a planted OUT.tmp.PID link"
[ "$(cat "$f/victimdir/card.json" 2>/dev/null)" = "precious" ] && ok || bad "train followed a planted link"
(cd "$f" && sh -c 'ln -s victim report.json.tmp.$$; exec "$0" score -q -o jsonl --out report.json "$1"' \
  "$bin" "$example" >/dev/null 2>&1)
status $? 0 "score --out with a planted FILE.tmp.PID link"
[ "$(cat "$f/victim")" = "precious" ] && ok || bad "score --out followed a planted link"
cmp -s "$f/report.json" "$tests/data/e2e/example.jsonl" && ok || bad "score --out beside a planted link"
(cd "$f" && sh -c 'ln -s ../victim m/model.bin.tmp.$$; exec "$0" compile m' "$bin" >/dev/null 2>&1)
status $? 0 "compile with a planted model.bin.tmp.PID link"
[ "$(cat "$f/victim")" = "precious" ] && ok || bad "compile followed a planted link"
find "$f" -name '*.tmp.*' -type l -delete
# score --out onto one of its inputs (issue 26): refused (64) naming both,
# the discussion untouched: by its name, through a hard link, a symlink,
# and as stdin; another file is still fine
cp "$tests/data/e2e/discussion.json" "$f/thread.json"
ln "$f/thread.json" "$f/thread.hard"
ln -s thread.json "$f/thread.sym"
for how in "--out $f/thread.json $f/thread.json" "--out $f/thread.hard $f/thread.json" \
  "--out $f/thread.sym $tests/data/e2e/example.jsonl $f/thread.json"; do
  # shellcheck disable=SC2086
  "$bin" score -q -o json $how >/dev/null 2>"$f/err"
  status $? 64 "score $how"
  names "$f/err" "is the input"
done
"$bin" score -q -o json --out "$f/thread.json" - <"$f/thread.json" >/dev/null 2>"$f/err"
status $? 64 "score --out FILE < FILE"
names "$f/err" "is the input on stdin"
cmp -s "$f/thread.json" "$tests/data/e2e/discussion.json" && ok || bad "score --out replaced its input"
"$bin" score -q -o json --out "$f/report2.json" "$f/thread.json" 2>"$f/err"
status $? 0 "score --out another file"
# 2. score --out onto character devices (made here, never the real /dev
# nodes): written directly, never replaced; a full device is a write error
if mknod "$f/full" c 1 7 2>/dev/null && mknod "$f/null" c 1 3 2>/dev/null; then
  "$bin" score -q -o jsonl --out "$f/full" "$example" 2>"$f/err"
  status $? 74 "score --out a full device"
  [ -c "$f/full" ] && ok || bad "score --out replaced a full device with a file"
  "$bin" score -q -o jsonl --out "$f/null" "$example" 2>"$f/err"
  status $? 0 "score --out a null device"
  [ -c "$f/null" ] && ok || bad "score --out replaced a null device with a file"
else
  echo "note: not root (mknod refused): device cases skipped"
fi
mkfifo "$f/fifo"
timeout 60 cat "$f/fifo" >"$f/fifo.out" &
reader=$!
"$bin" score -q -o jsonl --out "$f/fifo" "$example" 2>"$f/err"
status $? 0 "score --out a FIFO"
wait $reader
[ -p "$f/fifo" ] && cmp -s "$f/fifo.out" "$tests/data/e2e/example.jsonl" && ok ||
  bad "score --out a FIFO: not written through it"
# 3. a failed run leaves the old report as it was
echo "old report" >"$f/old.json"
echo '{"comments":[' >"$f/broken.json"
for case in "$f/absent.json:66" "$f/broken.json:65" "$f/userdir:74"; do
  "$bin" score -q -o jsonl --out "$f/old.json" "${case%:*}" 2>"$f/err"
  status $? "${case##*:}" "score --out after ${case%:*}"
  [ "$(cat "$f/old.json")" = "old report" ] && ok || bad "a failed run (${case%:*}) replaced the report"
done
# a JSON Lines stream whose bad line became an error record: a whole report
printf '{"id":"a","text":"fine"}\n{"id":"b","text":}\n' >"$f/mixed.jsonl"
"$bin" score -q -o jsonl --out "$f/old.json" "$f/mixed.jsonl" 2>"$f/err"
status $? 65 "score --out a stream with a bad line"
[ "$(wc -l <"$f/old.json")" = 2 ] && grep -q '"line":2' "$f/old.json" && ok ||
  bad "a stream with error records did not replace the report"
# 9. an input that cannot be read, or holds no comment, is an error
"$bin" score -q -o jsonl "$f/userdir" >"$f/out" 2>"$f/err"
status $? 74 "score a directory"
names "$f/err" "read error"
python3 -c "open('$f/u16.json','wb').write('{\"comments\":[{\"id\":\"1\",\"text\":\"hi\"}]}'.encode('utf-16'))"
# seeded, so the run is the same every time (bytes from /dev/urandom began
# with "{" one run in 256 and were read as a JSON document)
python3 -c "import random; r = random.Random(17); open('$f/random.bin','wb').write(b'\\x80' + bytes(r.randrange(256) for _ in range(4095)))"
: >"$f/empty.txt"
for case in u16.json:UTF-16 random.bin:"NUL bytes\|not UTF-8" empty.txt:empty; do
  "$bin" score -q -o jsonl "$f/${case%%:*}" >"$f/out" 2>"$f/err"
  status $? 65 "score ${case%%:*}"
  grep -q "no comments found.*\(${case#*:}\)" "$f/err" && ok || bad "${case%%:*}: $(cat "$f/err")"
done
# 17. a FIFO as model.bin never blocks check
cp -r "$models" "$f/models"
rm "$f/models/hostility/model.bin"
mkfifo "$f/models/hostility/model.bin"
echo "you idiot" | timeout 20 "$bin" check --models "$f/models" >/dev/null 2>"$f/err"
rc=$?
[ "$rc" != 124 ] && [ "$rc" -ge 64 ] && ok || bad "check with a FIFO as model.bin: exit $rc"
names "$f/err" "not a regular file"

# 13. lexicons other than the model's: refused (check sees a size change,
# score and the server, which verify, any change)
cp -r "$models" "$f/lex"
printf 'zzzz\t4.0\t0.5\t[4]\n' >>"$f/lex/lexicons/vader_lexicon.txt"
echo "you idiot" | "$bin" check --models "$f/lex" >/dev/null 2>"$f/err"
status $? 66 "check with an edited lexicon"
names "$f/err" "lexicons are not the ones"
cp "$models/lexicons/vader_lexicon.txt" "$f/lex/lexicons/vader_lexicon.txt"
sed -i 's/^idiot\t-2\.3\t/idiot\t-2.4\t/' "$f/lex/lexicons/vader_lexicon.txt"
cmp -s "$models/lexicons/vader_lexicon.txt" "$f/lex/lexicons/vader_lexicon.txt" &&
  bad "the same-size lexicon edit did not happen"
"$bin" score -q -o jsonl --models "$f/lex" "$example" >/dev/null 2>"$f/err"
status $? 66 "score with a same-size lexicon edit"
names "$f/err" "lexicon_hash"
: >"$f/lex/lexicons/insults.txt"
"$bin" score -q -o jsonl --models "$f/lex" "$example" >/dev/null 2>"$f/err"
status $? 66 "score with an emptied lexicon"
# 18. training data errors are 65 and say what is wrong; a truncated
# model.svm is noticed; a policy with a UTF-8 byte-order mark is read
: >"$f/empty.jsonl"
"$bin" train -q --task hostility --data "$f/empty.jsonl" --out "$f/new" --models "$models" 2>"$f/err"
status $? 65 "train on an empty file"
names "$f/err" "no examples"
head -3 "$tmp/eval.jsonl" >"$f/few.jsonl"
"$bin" train -q --task hostility --data "$f/few.jsonl" --out "$f/new" --models "$models" 2>"$f/err"
status $? 65 "train on too few examples"
names "$f/err" "need at least"
cp -r "$models" "$f/trunc"
truncate -s -100 "$f/trunc/hostility/model.svm"
echo "you idiot" | "$bin" check --models "$f/trunc" >/dev/null 2>"$f/err"
status $? 66 "check with a truncated model.svm"
names "$f/err" "truncated"
printf '\357\273\277{"name":"bom","deny":["zzyzx"]}\n' >"$f/bom.json"
echo "zzyzx" | "$bin" check --policy "$f/bom.json" >"$f/out" 2>"$f/err"
status $? 1 "check with a policy that starts with a byte-order mark"
grep -q '"deny"' "$f/out" && ok || bad "policy with a BOM: the deny term was not applied"

# 19. errors that point the right way (issue 26): an unknown long option
# says so, suggests the close one and points to --help in one line (not the
# whole help); --models naming a missing directory or one model's
# directory names it and what was expected; eval on one class says why
# ROC AUC is undefined
"$bin" score --outptu json "$example" >/dev/null 2>"$f/err"
status $? 64 "score --outptu"
names "$f/err" "did you mean --output?"
names "$f/err" "Try 'modscore score --help'"
[ "$(wc -l <"$f/err")" -le 3 ] && ok || bad "an unknown option printed $(wc -l <"$f/err") lines"
"$bin" train --tsak hostility >/dev/null 2>"$f/err"
status $? 64 "train --tsak"
names "$f/err" "did you mean --task?"
"$bin" check --zzzzzzzz </dev/null >/dev/null 2>"$f/err"
status $? 64 "check with an option close to none"
grep -q "did you mean" "$f/err" && bad "a suggestion for an option close to none" || ok
echo "hi" | "$bin" check --models "$f/no-such-set" >/dev/null 2>"$f/err"
status $? 66 "check --models a missing directory"
names "$f/err" "no-such-set: No such file or directory: expected the model set"
grep -q vader "$f/err" && bad "--models missing: the lexicon message" || ok
echo "hi" | "$bin" check --models "$models/hostility" >/dev/null 2>"$f/err"
status $? 66 "check --models one model's directory"
names "$f/err" "hostility is one model's directory"
"$bin" train -q --task hostility --data "$tmp/eval.jsonl" --out "$f/new" \
  --models "$models/hostility" 2>"$f/err"
status $? 66 "train --models one model's directory"
names "$f/err" "one model's directory"
grep '"label":1' "$tmp/eval.jsonl" >"$f/pos.jsonl"
"$bin" eval --model "$models/hostility" --models "$models" --data "$f/pos.jsonl" >"$f/out" 2>&1
status $? 0 "eval on one class"
names "$f/out" "ROC AUC     undefined: every example is positive"
"$bin" eval --model "$models/hostility" --models "$models" --data "$f/pos.jsonl" --json >"$f/out" 2>&1
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['roc_auc'] is None and 'positive' in r['undefined'], r" \
  "$f/out" && ok || bad "eval --json on one class: $(cat "$f/out")"

finish robust
