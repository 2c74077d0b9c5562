#!/bin/bash
# e2e.sh - the modscore command end to end: every input and output format,
# exit codes, errors with positions, nothing lost or half-written.
# Usage: e2e.sh MODSCORE TESTS_DIR [--update]   (--update rewrites goldens)
set -u
bin=$1
tests=$2
update=${3:-}
data=$tests/data/e2e
example=$tests/../examples/sputnik-syria-ceasefire.txt
. "$(dirname "$0")/harness.sh"
# expect CODE CMD...: runs CMD, checks its exit status
expect() {
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$* exited $got, want $want: $(head -c 300 "$tmp/err")"; fi
}
golden() { # golden NAME FILE
  if [ "$update" = --update ]; then cp "$2" "$data/$1"; fi
  if cmp -s "$2" "$data/$1"; then ok; else bad "$1 differs from its golden file"; diff "$data/$1" "$2" | head -5; fi
}
has() { if grep -q -- "$2" "$1"; then ok; else bad "$1 lacks '$2'"; fi; }

# --- every output format of the example page, against golden files
for fmt in jsonl json csv text; do
  expect 0 "$bin" score -q --output $fmt "$example"
  golden "example.$fmt" "$tmp/out"
done
[ "$(wc -l <"$data/example.jsonl")" = 12 ] && ok || bad "example.jsonl does not have 12 lines"

# the two plainly hostile comments (3: "Unlimited Savagery", 8: "Kerry lies")
# score above every plainly civil one (1, 4, 6, 9, 10, 12)
python3 - "$data/example.jsonl" <<'PY' && ok || bad "hostile comments do not outrank civil ones"
import json, sys
s = {r["id"]: r["scores"]["hostility"] for r in map(json.loads, open(sys.argv[1]))}
assert min(s["3"], s["8"]) > max(s[i] for i in ["1", "4", "6", "9", "10", "12"]), s
PY

# --- JSON document and JSON Lines input, stdin, --format
expect 0 "$bin" score -q -o jsonl "$data/discussion.json"
golden discussion.jsonl "$tmp/out"
expect 0 "$bin" score -q -o jsonl - <"$data/discussion.json"
cmp -s "$tmp/out" "$data/discussion.jsonl" && ok || bad "stdin differs from file input"
expect 0 "$bin" score -q -o jsonl --format json "$data/discussion.json"

# --- a JSON Lines stream with bad lines: one output line per input line, in order
expect 65 "$bin" score -q -o jsonl "$data/mixed.jsonl"
[ "$(wc -l <"$tmp/out")" = "$(grep -vc '^{"article"' "$data/mixed.jsonl")" ] && ok || bad "mixed.jsonl: line count"
golden mixed.out.jsonl "$tmp/out"
has "$tmp/out" '{"line":3,"error":'
has "$tmp/out" '"invalid_utf8"'
has "$tmp/out" '"empty"'

# --- invalid JSON: exit 65 and FILE:LINE:COL on stderr
expect 65 "$bin" score -q "$data/broken.json"
has "$tmp/err" "broken.json:4:"

# --- missing input and missing models: 66, naming the path
expect 66 "$bin" score -q /nonexistent/thread.json
has "$tmp/err" "/nonexistent/thread.json"
expect 66 "$bin" score -q --models /nonexistent/models "$example"
has "$tmp/err" "/nonexistent/models"

# --- --out writes atomically; an output that cannot be created is 73 (sysexits
# EX_CANTCREAT) and leaves nothing behind
expect 0 "$bin" score -q -o jsonl --out "$tmp/report.jsonl" "$example"
cmp -s "$tmp/report.jsonl" "$data/example.jsonl" && ok || bad "--out differs from stdout"
expect 73 "$bin" score -q -o jsonl --out "$tmp/nodir/report.jsonl" "$example"
[ ! -e "$tmp/nodir" ] && ok || bad "--out left something behind"
expect 74 sh -c "'$bin' score -q -o jsonl '$example' >/dev/full"

# --- check: verdict JSON and exit codes
expect 0 "$bin" check --text "Thanks for the clear summary of the ceasefire talks."
has "$tmp/out" '"action":"publish"'
expect 2 "$bin" check --text "You are a pathetic idiot and a liar, shut up you moron."
has "$tmp/out" '"term":"pathetic idiot"'
echo "You stupid moron" | "$bin" check >"$tmp/out"; [ $? -ge 1 ] && ok || bad "check from stdin"
expect 1 "$bin" check --threshold hostility.reject=0.9999 --threshold hostility=0.01 --text "meh, whatever"
expect 64 "$bin" check --bogus
expect 66 "$bin" check --article /nonexistent --text hi
# --categories: those scored (and mapped) alone; an unknown one is a usage error
expect 2 "$bin" check --categories hostility,insult --text "You are a pathetic idiot and a liar, shut up you moron."
python3 -c 'import json,sys; v = json.load(open(sys.argv[1])); assert sorted(v["scores"]) == ["hostility", "insult", "sentiment"], v' "$tmp/out" && ok || bad "check --categories hostility,insult: $(cat "$tmp/out")"
expect 64 "$bin" check --categories hostility,nosuch --text hi
has "$tmp/err" "nosuch"
expect 0 "$bin" score -q -o jsonl --categories threat "$data/discussion.json"
python3 -c 'import json,sys; r = [json.loads(l) for l in open(sys.argv[1])]; assert r and all(sorted(x["scores"]) in (["sentiment", "threat"], ["sentiment"]) for x in r), r[0]' "$tmp/out" && ok || bad "score --categories threat: $(head -c 300 "$tmp/out")"

# --- policy: deny terms, allow terms
expect 1 "$bin" check --policy "$data/policy.json" --text "Go back to where you came from."
has "$tmp/out" '"deny"'
expect 0 "$bin" score -q -o jsonl --policy "$data/policy.json" "$data/discussion.json"

# --- training: supervised feature weights (NB-SVM) come from each fold's
# training rows only, so random labels cross-validate to chance (~0.5;
# weights taken from all rows, held-out ones included, gave 0.95)
python3 - "$tmp/noise.jsonl" <<'PY'
import json, random, sys
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    for i in range(400):
        text = " ".join("w%d" % r.randrange(3000) for _ in range(12))
        f.write(json.dumps({"text": text, "label": r.randint(0, 1)}) + "\n")
PY
expect 0 "$bin" train -q --task hostility --models "$tests/../models" --data "$tmp/noise.jsonl" \
  --out "$tmp/noise-model"
python3 - "$tmp/noise-model/card.json" <<'PY' && ok || bad "random labels cross-validate above chance (leakage)"
import json, sys
card = json.load(open(sys.argv[1]))
assert card["training"]["nb_scale"] > 0 and card["training"]["loss"] == "logistic", card["training"]
auc = card["cross_validation"]["roc_auc"]
sys.exit(0 if 0.35 < auc < 0.65 else f"CV ROC AUC {auc} on random labels")
PY
expect 64 "$bin" train -q --task hostility --solver libsvm --loss logistic --data "$tmp/noise.jsonl" \
  --out "$tmp/noise-model"
# the folds on threads give the same model, byte for byte, as on one
for j in 1 3; do
  expect 0 "$bin" train -q --jobs $j --seed 5 --task hostility --models "$tests/../models" \
    --data "$tmp/noise.jsonl" --out "$tmp/jobs$j"
done
cmp -s "$tmp/jobs1/model.svm" "$tmp/jobs3/model.svm" && ok || bad "train --jobs 3 differs from --jobs 1"
expect 64 "$bin" train -q --jobs 0 --task hostility --data "$tmp/noise.jsonl" --out "$tmp/jobs0"
# --augment-weight: the --augment files named after it weigh W in the fit; the
# card counts the weighted rows and their total, the data hash moves with the
# weights, and a weight of 1 is the unweighted model byte for byte
head -n 100 "$tmp/noise.jsonl" >"$tmp/aug.jsonl"
expect 0 "$bin" train -q --seed 5 --task hostility --models "$tests/../models" \
  --data "$tmp/noise.jsonl" --augment "$tmp/aug.jsonl" --out "$tmp/aug1"
expect 0 "$bin" train -q --seed 5 --task hostility --models "$tests/../models" \
  --data "$tmp/noise.jsonl" --augment-weight 1 --augment "$tmp/aug.jsonl" --out "$tmp/augw1"
cmp -s "$tmp/aug1/model.svm" "$tmp/augw1/model.svm" && ok || bad "--augment-weight 1 differs from none"
expect 0 "$bin" train -q --seed 5 --task hostility --models "$tests/../models" \
  --augment "$tmp/aug.jsonl" --data "$tmp/noise.jsonl" --augment-weight 0.25 \
  --augment "$tmp/aug.jsonl" --out "$tmp/augw"
expect 0 "$bin" train -q --seed 5 --task hostility --models "$tests/../models" \
  --augment "$tmp/aug.jsonl" --data "$tmp/noise.jsonl" --augment "$tmp/aug.jsonl" --out "$tmp/augw2"
python3 - "$tmp/augw/card.json" "$tmp/augw2/card.json" <<'PY' && ok || bad "--augment-weight's card"
import json, sys
c, u = json.load(open(sys.argv[1]))["data"], json.load(open(sys.argv[2]))["data"]
# the first --augment file (before the option) weighs 1, the second 0.25
assert c["augment_examples"] == 200 and c["weighted_rows"] == 100, c
assert abs(c["weight_total"] - (400 + 100 + 25)) < 1e-9, c
assert "weighted_rows" not in u and c["hash"] != u["hash"], (c, u)
PY
cmp -s "$tmp/augw2/model.svm" "$tmp/augw/model.svm" && bad "--augment-weight 0.25 changed nothing" || ok
expect 64 "$bin" train -q --task hostility --data "$tmp/noise.jsonl" --augment-weight 0 \
  --augment "$tmp/aug.jsonl" --out "$tmp/augw0"
expect 64 "$bin" train -q --task hostility --solver libsvm --data "$tmp/noise.jsonl" \
  --augment-weight 2 --augment "$tmp/aug.jsonl" --out "$tmp/augw0"

# --- languages: each record says which language it is in; a language with
# its own models (German, Spanish: issue 21) is scored by them; text no
# loaded model reads (Russian) gets no scores, a note, and the policy's
# action for unread text (review by default)
printf '%s\n' '{"id":"ru","text":"Ты полный идиот и ничего не понимаешь, прочитай статью ещё раз."}' \
  '{"id":"de","text":"Du bist ein Idiot und hast keine Ahnung, lies den Artikel nochmal."}' \
  '{"id":"es","text":"Eres un idiota y un imbécil, no tienes ni idea de nada, cállate ya."}' \
  '{"id":"en","text":"You are an idiot and have no clue, read the article again."}' \
  '{"id":"short","text":"u r dumb"}' \
  '{"id":"declared-de","text":"du Idiot","language":"de"}' \
  '{"id":"declared-sv","text":"u r dumb","language":"sv"}' > "$tmp/langs.jsonl"
expect 0 "$bin" score -q -o jsonl "$tmp/langs.jsonl"
python3 - "$tmp/out" <<'PY' && ok || bad "language records"
import json, sys
r = {x["id"]: x for x in map(json.loads, open(sys.argv[1]))}
ru, en, short = r["ru"], r["en"], r["short"]
assert ru["language"] == "ru" and ru["scores"] == {} and ru["action"] == "review", ru
assert "not scored: Russian (ru) (no loaded model reads it)" in ru["notes"], ru
for lang in ("de", "es"):
    x = r[lang]
    assert x["language"] == lang and x["scores"]["hostility"] > 0.5, x
    assert x["action"] == "reject" and "threat" not in x["scores"], x  # no threat model
    # VADER is English: no sentiment number (a neutral 0 would be made up), a note
    assert "sentiment" not in x["scores"], x
    assert any(n.startswith("sentiment_missing: ") for n in x["notes"]), x
assert en["language"] == "en" and en["scores"]["hostility"] > 0.5, en
assert "language" not in short and "hostility" in short["scores"], short  # undecided: scored
# too short to detect: the record's declared "language" decides
d = r["declared-de"]
assert d["language"] == "de" and "threat" not in d["scores"] and d["action"] == "reject", d
d = r["declared-sv"]
assert d["language"] == "sv" and d["scores"] == {} and d["action"] == "review", d
PY
# the CSV has one column a category, whatever languages have it
expect 0 "$bin" score -q -o csv "$tmp/langs.jsonl"
head -n1 "$tmp/out" | tr ',' '\n' | sort | uniq -d | grep -q . && bad "repeated CSV columns" || ok
# the HTML gives a German comment no sentiment either (an English one has it)
expect 0 "$bin" score -q -o html "$tmp/langs.jsonl"
if grep -o '<li[^>]*data-id="de"[^>]*>' "$tmp/out" | grep -q 'data-sentiment'; then
  bad "the HTML gives a German comment a sentiment"; else ok; fi
grep -o '<li[^>]*data-id="en"[^>]*>' "$tmp/out" | grep -q 'data-sentiment=' && ok ||
  bad "the HTML gives an English comment no sentiment"
# a sentence in another language does not publish abuse unscored (issue 23):
# the English part is scored, the note says what was not read
echo "You are a worthless idiot and a moron, go kill yourself. Привет, как дела? Все хорошо." |
  "$bin" check >"$tmp/out"
[ $? = 2 ] && ok || bad "abuse padded with Russian was not rejected: $(cat "$tmp/out")"
has "$tmp/out" "partly in Russian (ru), which no loaded model reads"
echo "Это полная чепуха, прочитай статью ещё раз." | "$bin" check >"$tmp/out"
[ $? = 1 ] && ok || bad "unread Russian was not held for review"
has "$tmp/out" '"language":"ru"'
echo "Du bist ein dummes Arschloch, halt endlich die Klappe." | "$bin" check >"$tmp/out"
[ $? = 2 ] && ok || bad "German abuse was not rejected: $(cat "$tmp/out")"
has "$tmp/out" '"language":"de"'
# no sentiment number for a language VADER does not read, and a note saying so
if grep -q '"sentiment"' "$tmp/out"; then bad "a German comment has a sentiment number: $(cat "$tmp/out")"; else ok; fi
has "$tmp/out" 'sentiment_missing: no sentiment lexicon reads the comment'
# on a one-language site, a comment in another language than its article is
# off-topic with a reason (issue 21 item 5); without the site's language not
printf '{"language":"en"}' >"$tmp/site-en.json"
printf '{"article":{"title":"Council approves the new budget for the schools","body":"The city council voted on Tuesday to raise the schools budget by four percent after a long debate about pay."}}' >"$tmp/article-en.json"
echo "Ich finde das Wetter heute sehr schön und gehe gleich mit dem Hund spazieren." >"$tmp/de.txt"
"$bin" check --policy "$tmp/site-en.json" --article "$tmp/article-en.json" <"$tmp/de.txt" >"$tmp/out"
[ $? = 1 ] && ok || bad "German under an English article was not held: $(cat "$tmp/out")"
has "$tmp/out" 'written in German, the article is in English'
"$bin" check --article "$tmp/article-en.json" <"$tmp/de.txt" >"$tmp/out"
[ $? = 0 ] && ok || bad "German under an English article, no site language, was held: $(cat "$tmp/out")"
if grep -q 'written in German' "$tmp/out"; then bad "a mismatch without a site language"; else ok; fi
# check --language: what a comment too short to detect is written in
"$bin" check --language de --text "du Idiot" >"$tmp/out"
[ $? = 2 ] && ok || bad "check --language de did not reject 'du Idiot': $(cat "$tmp/out")"
has "$tmp/out" '"language":"de"'
"$bin" check --language sv --text "u r dumb" >"$tmp/out"
[ $? = 1 ] && ok || bad "check --language sv was not unread: $(cat "$tmp/out")"
# a site's deny list applies to a comment in a language with its own models
printf '{"deny":["Kartoffelkopf"]}' >"$tmp/deny.json"
echo "Das ist doch kompletter Unsinn, lies den Artikel nochmal, Kartoffelkopf." |
  "$bin" check --policy "$tmp/deny.json" >"$tmp/out"
[ $? = 1 ] && ok || bad "a deny term in German was not held for review: $(cat "$tmp/out")"
has "$tmp/out" '"flags":\["deny"\]'

# a site's policy says what it scores: "categories" leaves insult unscored,
# and a misspelled kind in "perspective_includes" is warned of, as a
# misspelled threshold is
printf '{"categories":["hostility","threat"],"perspective_includes":{"hostility":["thraet"]}}' >"$tmp/scope.json"
"$bin" check --policy "$tmp/scope.json" --text "you are a worthless idiot" >"$tmp/out" 2>"$tmp/err"
[ $? -lt 64 ] && ok || bad "check with a scope policy failed: $(cat "$tmp/err")"
has "$tmp/out" '"threat":'
grep -q '"insult":' "$tmp/out" && bad "a policy without insult in its categories scored insult" || ok
has "$tmp/err" 'warning: the policy names "thraet"'
# a real category listed for one whose answer never reads it does nothing: warned of too
printf '{"perspective_includes":{"hostility":["insult"]}}' >"$tmp/scope.json"
"$bin" check --policy "$tmp/scope.json" --text "you are a worthless idiot" >"$tmp/out" 2>"$tmp/err"
[ $? -lt 64 ] && ok || bad "check with a stray kind failed: $(cat "$tmp/err")"
has "$tmp/err" 'lists "insult" for "hostility", whose Perspective answer never reads it'

# --- help and version
expect 0 "$bin" --version
# the installed models with their versions, none mapped by --version itself
has "$tmp/out" '^modscore [0-9]'
has "$tmp/out" 'installed, 0 mapped'
python3 - "$tmp/out" "$tests/../models" <<'PY' && ok || bad "--version does not list every model with its version"
import json, os, sys
out = open(sys.argv[1]).read()
for d in sorted(os.listdir(sys.argv[2])):
    card = os.path.join(sys.argv[2], d, "card.json")
    if os.path.exists(card) and json.load(open(card)).get("category"):
        c = json.load(open(card))
        assert any(l.split()[:2] == [c["category"], c.get("language", "en")] and c["version"] in l
                   for l in out.splitlines()), (c["category"], out)
PY
has "$tmp/out" "modscore "
for c in score check train eval serve; do expect 0 "$bin" $c --help; done
expect 64 "$bin" frobnicate

finish e2e
