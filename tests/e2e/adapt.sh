#!/bin/bash
# adapt.sh - `modscore train --base` end to end (issue 15): a site's
# decisions from the serve --feedback file (tests/data/adapt/feedback.jsonl,
# the format in the README) and from the HTML report's export adapt the
# shipped hostility model; the adapted model is one libsvm model that eval
# and score load; its card names the base model and gives both models'
# cross-validated figures; bad decisions and unfit base models are refused
# with 64/65 and nothing is written; `serve` picks up an adapted model set
# swapped in behind a symlink on SIGHUP (the README's loop).
# Usage: adapt.sh MODSCORE TESTS_DIR
set -u
bin=$1
tests=$2
models=$tests/../models
. "$(dirname "$0")/harness.sh"
says() { if grep -q -- "$2" "$1"; then ok; else bad "$3: stderr lacks '$2': $(head -c 300 "$1")"; fi; }
absent() { if [ -e "$1" ]; then bad "$2: $1 was written"; else ok; fi; }
adapt() { "$bin" train -q --task hostility --models "$models" --base "$models/hostility" "$@"; }
feedback=$tests/data/adapt/feedback.jsonl

# --- the feedback file as it is: adapted, card side by side, loads
adapt --data "$feedback" --out "$tmp/site" 2>"$tmp/err"
status $? 0 "adapt on the feedback fixture"
python3 - "$tmp/site/card.json" "$models/hostility/card.json" <<'PY' && ok || bad "adapted card"
import json, sys
c, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a = c["adaptation"]
assert a["base"]["version"] == b["version"] and a["base"]["model_hash"] == b["model_hash"], a
assert c["features"] == b["features"] and c["task"] == b["task"], c["features"]
assert c["idf_hash"] == b["idf_hash"] and c["model_hash"] != b["model_hash"]
assert a["decisions"]["rows"] + a["decisions"]["duplicates_dropped"] == 40, a["decisions"]
assert len(a["decisions"]["hash"]) == 16
cv = a["cross_validation"]
# the base model is a candidate: adapting never loses on the site's own CV;
# this site rejects advertising, which the base model does not know
assert cv["adapted"]["roc_auc"] >= cv["base"]["roc_auc"], cv
assert cv["adapted"]["roc_auc"] > 0.9 and cv["base"]["roc_auc"] < 0.8, cv
assert any(g["method"] == "base" for g in a["grid"]), a["grid"]
PY
# Perspective's scale (issue 26): the adapted card carries the base map over
# through the decision value, not as a copy: the adapted probability is
# recalibrated on the site's decisions, and at the decision value where the
# base model said s the adapted map answers what the base map answered at s
python3 - "$tmp/site/card.json" "$models/hostility/card.json" <<'PY' && ok || bad "adapted perspective_scale"
import json, math, sys
c, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sc, bs = c["perspective_scale"], b["perspective_scale"]
assert "carried over" in sc["fitted_on"] and sc["base_version"] == b["version"], sc
assert sc["score"] != bs["score"], "a copy of the base map"
def at(m, v):
    xs, ys = m["score"], m["share"]
    for k in range(1, len(xs)):
        if v <= xs[k]:
            return ys[k - 1] + (ys[k] - ys[k - 1]) * (v - xs[k - 1]) / (xs[k] - xs[k - 1])
    return ys[-1]
A, B = c["training"]["platt_a"], c["training"]["platt_b"]
a, bb = b["training"]["platt_a"], b["training"]["platt_b"]
for s2 in [x / 50 for x in range(1, 50)]:  # libsvm's sigmoid: p = 1 / (1 + exp(A f + B))
    g = (math.log(1 / s2 - 1) - B) / A
    s = 1 / (1 + math.exp(a * g + bb))
    assert abs(at(sc, s2) - at(bs, s)) < 0.02, (s2, s, at(sc, s2), at(bs, s))
PY
# one standard libsvm model: eval and score read it
"$bin" eval --models "$models" --model "$tmp/site" --data "$feedback" --json >"$tmp/eval" 2>&1
status $? 0 "eval of the adapted model"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['roc_auc'] > 0.9, r" \
  "$tmp/eval" && ok || bad "eval: $(cat "$tmp/eval")"
head -1 "$tmp/site/model.svm" | grep -q '^svm_type c_svc' && ok || bad "model.svm is not libsvm's"
# (threat and identity_attack too: the shipped policy names them, and a reload refuses a policy naming a category
# no model of the set scores)
mkdir -p "$tmp/set" && cp -r "$models/lexicons" "$models/policy.json" "$tmp/set/" &&
  cp -r "$tmp/site" "$tmp/set/hostility" && cp -r "$models/off_topic" "$models/threat" "$models/identity_attack" "$tmp/set/"
echo "The mayor: free crypto giveaway, click my profile" |
  "$bin" check --models "$tmp/set" >"$tmp/verdict" 2>&1
rc=$?
[ $rc = 1 ] || [ $rc = 2 ] && ok || bad "adapted model set: advertising, exit $rc: $(cat "$tmp/verdict")"
echo "The mayor: free crypto giveaway, click my profile" |
  "$bin" check --models "$models" >"$tmp/verdict" 2>&1
status $? 0 "the shipped model publishes this site's advertising (else the test above proves nothing)"

# --- the README's loop: serve a model set through a symlink, swap in the
# adapted set, SIGHUP: the site's standard is served without a restart
if command -v curl >/dev/null 2>&1; then
  ln -s "$(cd "$models" && pwd)" "$tmp/current"
  "$bin" serve --listen 127.0.0.1:0 --models "$tmp/current" --threads 1 \
    --feedback "$tmp/served-feedback.jsonl" 2>"$tmp/serve.log" &
  spid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve.log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  ask() { curl -s --max-time 10 -H 'Content-Type: application/json' "127.0.0.1:$port/v1/check" \
    -d '{"text":"The mayor: free crypto giveaway, click my profile"}'; }
  ask | grep -q '"action":"publish"' && ok || bad "serve with the shipped set: $(ask)"
  # the fixture's decisions sent as Perspective's suggestscore: serve's own
  # --feedback file trains the same model as the fixture
  python3 - "$feedback" >"$tmp/suggest.txt" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(json.dumps({"comment": {"text": r["text"]}, "communityId": r["communityId"],
                      "clientToken": r["clientToken"],
                      "attributeScores": {"TOXICITY": {"summaryScore": {"value": r["score"]}}}}))
PY
  while IFS= read -r body; do
    curl -s --max-time 10 -o /dev/null -H 'Content-Type: application/json' \
      "127.0.0.1:$port/v1alpha1/comments:suggestscore" -d "$body"
  done <"$tmp/suggest.txt"
  adapt --data "$tmp/served-feedback.jsonl" --out "$tmp/served" 2>"$tmp/err"
  status $? 0 "adapt on serve's own --feedback file"
  cmp -s "$tmp/site/model.svm" "$tmp/served/model.svm" && ok ||
    bad "serve's feedback file trained another model than the fixture: $(head -2 "$tmp/served-feedback.jsonl")"
  ln -sfn "$tmp/set" "$tmp/current.tmp" && mv -T "$tmp/current.tmp" "$tmp/current"
  kill -HUP $spid
  for _ in $(seq 100); do
    grep -q "reloaded" "$tmp/serve.log" && break
    sleep 0.1
  done
  ask | grep -q '"action":"re' && ok || bad "after SIGHUP, the adapted set: $(ask)"
  kill $spid
  wait $spid 2>/dev/null
fi

# --- the HTML report's export format and score records with a decision
python3 - "$feedback" >"$tmp/export.jsonl" <<'PY'
import json, sys
for i, l in enumerate(open(sys.argv[1])):
    r = json.loads(l)
    d = "rejected" if r["label"] else "published"
    print(json.dumps({"id": f"c{i}", "text": r["text"], "decision": d, "label": r["label"]}))
PY
adapt --data "$tmp/export.jsonl" --out "$tmp/site2" 2>"$tmp/err"
status $? 0 "adapt on an HTML export"
cmp -s "$tmp/site/model.svm" "$tmp/site2/model.svm" && ok ||
  bad "the same decisions from the export gave another model"

# --- bad input: 65 (data) or 64 (usage), no model written
head -19 "$feedback" >"$tmp/few.jsonl"
adapt --data "$tmp/few.jsonl" --out "$tmp/few" 2>"$tmp/err"
status $? 65 "19 decisions"
says "$tmp/err" "at least 20 decisions" "19 decisions"
absent "$tmp/few" "19 decisions"
grep '"label": 0' "$feedback" >"$tmp/one.jsonl"
adapt --data "$tmp/one.jsonl" --out "$tmp/one" 2>"$tmp/err"
status $? 65 "one class"
says "$tmp/err" "both classes" "one class"
absent "$tmp/one" "one class"
# one_less CARD: the same texts as the fixture's, one fewer rejected (the
# first record's rejection revised to published)
one_less() {
  python3 - "$1" "$tmp/site/card.json" <<'PY'
import json, sys
d, s = (json.load(open(f))["adaptation"]["decisions"] for f in sys.argv[1:3])
assert d["rows"] == s["rows"] and d["rejected"] == s["rejected"] - 1, (d, s)
PY
}
# a text decided both ways in training data that is not a decision log:
# refused, naming the file and both lines, unless --latest-wins
{ cat "$tmp/export.jsonl"; head -1 "$tmp/export.jsonl" | sed 's/"rejected", "label": 1/"published", "label": 0/'; } >"$tmp/dup.jsonl"
adapt --data "$tmp/dup.jsonl" --out "$tmp/dup" 2>"$tmp/err"
status $? 65 "a text decided both ways"
says "$tmp/err" "dup.jsonl:1: decided rejected here and published at $tmp/dup.jsonl:41, the same text" \
  "disagreeing duplicates"
absent "$tmp/dup" "disagreeing duplicates"
adapt --data "$tmp/dup.jsonl" --out "$tmp/dup" --latest-wins 2>"$tmp/err"
status $? 0 "a text decided both ways, --latest-wins"
one_less "$tmp/dup/card.json" && ok || bad "--latest-wins did not keep the later decision"

# --- serve --feedback logs (issue 26): a moderator's revised decision, the
# later one wins, counted; logs of several instances read together, the
# latest by the records' time whatever the order of the files; records of
# other categories (issue 23: one record per attribute) left out
{ cat "$feedback"; head -1 "$feedback" | sed 's/"label": 1/"label": 0/; s/"time": "[^"]*"/"time": "2026-12-01T08:00:00Z"/'; } >"$tmp/revised.jsonl"
"$bin" train --task hostility --models "$models" --base "$models/hostility" \
  --data "$tmp/revised.jsonl" --out "$tmp/rev" 2>"$tmp/err"
status $? 0 "a feedback log with a revised decision"
says "$tmp/err" "1 texts decided again later: the latest decision kept" "revised decision"
one_less "$tmp/rev/card.json" && ok || bad "the revised decision did not win"
head -20 "$feedback" >"$tmp/instance1.jsonl"
tail -n +21 "$feedback" >"$tmp/instance2.jsonl"
adapt --data "$tmp/instance1.jsonl" --data "$tmp/instance2.jsonl" --out "$tmp/two" 2>"$tmp/err"
status $? 0 "two instances' feedback logs"
cmp -s "$tmp/site/model.svm" "$tmp/two/model.svm" && ok ||
  bad "two instances' logs gave another model than the one file"
# the revision in the first file read, the original (earlier) in the second
tail -1 "$tmp/revised.jsonl" >"$tmp/instance0.jsonl"
adapt --data "$tmp/instance0.jsonl" --data "$feedback" --out "$tmp/byclock" 2>"$tmp/err"
status $? 0 "a revision read before the decision it revises"
one_less "$tmp/byclock/card.json" && ok || bad "the latest by time did not win across files"
# insult records beside the hostility ones, each text decided the other way
sed 's/"attribute": "TOXICITY"/"attribute": "INSULT", "category": "insult"/; s/"label": 1/"label": 2/; s/"label": 0/"label": 1/; s/"label": 2/"label": 0/' \
  "$feedback" >"$tmp/insult.jsonl"
cat "$feedback" "$tmp/insult.jsonl" >"$tmp/mixed.jsonl"
"$bin" train --task hostility --models "$models" --base "$models/hostility" \
  --data "$tmp/mixed.jsonl" --out "$tmp/mixed" 2>"$tmp/err"
status $? 0 "a feedback log with hostility and insult records"
says "$tmp/err" "40 records of other categories left out" "other categories"
cmp -s "$tmp/site/model.svm" "$tmp/mixed/model.svm" && ok ||
  bad "--task hostility read other categories' records"
"$bin" train -q --task off-topic --models "$models" --base "$models/hostility" \
  --data "$tmp/export.jsonl" --out "$tmp/task" 2>"$tmp/err"
status $? 64 "base model of another task"
says "$tmp/err" "the base model is for hostility, not off_topic" "base of another task"
absent "$tmp/task" "base of another task"
if [ -d "$models/insult" ]; then
  adapt --data "$feedback" --base "$models/insult" --out "$tmp/cat" 2>"$tmp/err"
  status $? 64 "base model of another category"
  says "$tmp/err" "the base model is for insult, not hostility" "base of another category"
  absent "$tmp/cat" "base of another category"
  "$bin" train -q --task insult --models "$models" --base "$models/insult" \
    --data "$tmp/export.jsonl" --out "$tmp/insult" 2>"$tmp/err"
  status $? 0 "adapting the insult model"
  grep -q '"category": "insult"' "$tmp/insult/card.json" && ok || bad "adapted insult card"
  # from a feedback log: its insult records only (issue 23), none of hostility's
  "$bin" train --task insult --models "$models" --base "$models/insult" \
    --data "$tmp/mixed.jsonl" --out "$tmp/insult2" 2>"$tmp/err"
  status $? 0 "adapting the insult model on a mixed feedback log"
  says "$tmp/err" "40 records of other categories left out" "insult from a mixed log"
  "$bin" train -q --task threat --models "$models" --base "$models/insult" \
    --data "$tmp/mixed.jsonl" --out "$tmp/threat" 2>"$tmp/err"
  status $? 65 "a feedback log without the category's records"
  says "$tmp/err" "no records of threat" "no records of the category"
fi
cp -r "$models/hostility" "$tmp/v2"
sed -i 's/"format": 1/"format": 2/' "$tmp/v2/card.json"
adapt --data "$feedback" --base "$tmp/v2" --out "$tmp/fv" 2>"$tmp/err"
status $? 65 "base of another card format"
says "$tmp/err" "cannot adapt this base model: model card format 2, this modscore reads format 1" \
  "base of another card format"
absent "$tmp/fv" "base of another card format"
# a damaged card: jansson's reason, where it is, not nested in another message
cp -r "$models/hostility" "$tmp/broken"
head -c 200 "$models/hostility/card.json" >"$tmp/broken/card.json"
adapt --data "$feedback" --base "$tmp/broken" --out "$tmp/bo" 2>"$tmp/err"
status $? 65 "base with a damaged card"
says "$tmp/err" "broken/card.json:[0-9]*:[0-9]*: cannot adapt this base model: [a-z']" "damaged card"
grep -q "()" "$tmp/err" && bad "damaged card: an empty nested message: $(cat "$tmp/err")" || ok
absent "$tmp/bo" "base with a damaged card"
# an output inside the base model's directory (issue 23): refused, 64
cp -r "$models/hostility" "$tmp/inbase"
adapt --data "$feedback" --base "$tmp/inbase" --out "$tmp/inbase/sub" 2>"$tmp/err"
status $? 64 "--out inside --base"
says "$tmp/err" "inside the base model's directory" "--out inside --base"
absent "$tmp/inbase/sub" "--out inside --base"
adapt --data "$feedback" --base "$tmp/inbase/" --out "$tmp/inbase/./deeper/x" 2>"$tmp/err"
status $? 64 "--out deeper inside --base"
adapt --data "$feedback" --base "$tmp/inbase" --out "$tmp/inbase-beside" 2>"$tmp/err"
status $? 0 "--out beside --base, a name that starts with the base's"
cp -r "$models/hostility" "$tmp/lx"
sed -i 's/"lexicon_hash": "[0-9a-f]*"/"lexicon_hash": "0123456789abcdef"/' "$tmp/lx/card.json"
adapt --data "$feedback" --base "$tmp/lx" --out "$tmp/lxo" 2>"$tmp/err"
status $? 65 "base built with other lexicons"
says "$tmp/err" "other lexicons" "base built with other lexicons"
absent "$tmp/lxo" "base built with other lexicons"
adapt --data "$feedback" --base "$tmp/nothing" --out "$tmp/nb" 2>"$tmp/err"
status $? 66 "missing base"
absent "$tmp/nb" "missing base"
adapt --data "$feedback" --augment "$feedback" --out "$tmp/aug" 2>"$tmp/err"
status $? 64 "--augment with --base"
adapt --data "$feedback" --adapt-method nonsense --out "$tmp/m" 2>"$tmp/err"
status $? 64 "unknown --adapt-method"
# a failed adaptation leaves a model already at --out untouched
before=$(md5sum <"$tmp/site/model.svm")
adapt --data "$tmp/one.jsonl" --out "$tmp/site" 2>/dev/null
status $? 65 "one class over an existing model"
[ "$(md5sum <"$tmp/site/model.svm")" = "$before" ] && ok || bad "a failed run changed the model"

# --- a language's model (issue 21 item 4): the decision log keeps each
# comment's language, and `train --base models/de/hostility` adapts the
# German model from the German decisions only (the English ones, and the
# log's records without a language, which are English, are counted and left
# out); with no German decision there is nothing to adapt from
python3 - "$feedback" "$tmp/de-log.jsonl" <<'PY'
import json, sys
out = open(sys.argv[2], "w")
for line in open(sys.argv[1]):
    out.write(line)  # the English site's log: no "language" (written before it was kept)
ads = ["Billige Uhren gibt es bei schnaeppchen punkt example, jetzt zuschlagen Nummer {}",
       "Werbung: Kredit ohne Schufa sofort bei geldjetzt punkt example Angebot {}"]
civil = ["Der Artikel zur Wohnungspolitik in Abschnitt {} ist gut recherchiert.",
         "Danke, der Stadtrat sollte die Busverbindung {} wirklich ausbauen."]
for i in range(24):
    label = i % 2
    text = (ads if label else civil)[i % 4 // 2].format(i)
    out.write(json.dumps({"text": text, "label": label, "category": "hostility",
                          "attribute": "TOXICITY", "score": float(label),
                          "time": "2026-12-01T10:%02d:00Z" % i, "source": "suggestscore",
                          "language": "de"}) + "\n")
PY
"$bin" train -q --task hostility --models "$models" --base "$models/de/hostility" \
  --data "$tmp/de-log.jsonl" --out "$tmp/de-site" 2>"$tmp/err"
status $? 0 "adapt the German model from a log of two languages"
python3 - "$tmp/de-site/card.json" "$models/de/hostility/card.json" "$feedback" <<'PY' && ok || bad "adapted German card"
import json, sys
c, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
english = sum(1 for l in open(sys.argv[3]) if l.strip())
d = c["adaptation"]["decisions"]
assert c["language"] == "de" and c["adaptation"]["base"]["version"] == b["version"], c["language"]
assert d["other_languages_left_out"] == english, d
assert d["rows"] + d["duplicates_dropped"] == 24, d
PY
"$bin" train -q --task hostility --models "$models" --base "$models/de/hostility" \
  --data "$feedback" --out "$tmp/de-none" 2>"$tmp/err"
status $? 65 "adapt the German model from English decisions only"
says "$tmp/err" "decisions in the model's language (de), have 0 (40 in other" "no German decision"
absent "$tmp/de-none" "no German decision"
# the English model, from the same log, leaves the German decisions out
adapt --data "$tmp/de-log.jsonl" --out "$tmp/en-site" 2>"$tmp/err"
status $? 0 "adapt the English model from a log of two languages"
python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['adaptation']['decisions']; sys.exit(d.get('other_languages_left_out') != 24)" \
  "$tmp/en-site/card.json" && ok || bad "the English adaptation read German decisions"

finish adapt
