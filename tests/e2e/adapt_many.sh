#!/bin/sh
# adapt_many.sh MODSCORE MODELS SANITIZED - `train --base` on many decisions
# (issue 23): only the last --max-decisions decisions read are used (a
# decision log is appended as moderators decide: the latest), the older ones
# are left out as if not given and the card counts them, and the memory per
# decision read stays small. Before, every decision's row of features was
# held while adapting, about 2.6 KB each: 1.85 GB of RSS on 700,000
# decisions. SANITIZED (1 in the Asan build, whose allocator pads and
# quarantines) leaves the memory bound unasserted. Prints the figures.
set -u
BIN=${1:?usage: adapt_many.sh MODSCORE MODELS SANITIZED}
MODELS=${2:?usage: adapt_many.sh MODSCORE MODELS SANITIZED}
SANITIZED=${3:-0}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; [ -f "$T/err" ] && tail -n 5 "$T/err"; exit 1; }
OLD=40000 NEW=2000

# The site's decisions: insults rejected and the rest published throughout;
# adverts published by the old moderators (old.jsonl) and rejected by the
# new ones (new.jsonl). Every text is distinct.
python3 - "$T" "$OLD" "$NEW" <<'PY' || fail "generating the decisions"
import json, random, sys
d, n_old, n_new = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(23)
civil = ("the council bus housing article point fair second look mayor road school park "
         "budget plan vote library weather town news thanks agree story report water").split()
insults = "idiot moron stupid loser pathetic clown".split()
adverts = "cheap watches bestdeals buy now discount".split()
def write(path, n, advert_label, first):
    with open(path, "w") as f:
        for i in range(first, first + n):
            words = [r.choice(civil) for _ in range(r.randint(8, 14))]
            label, x = 0, r.random()
            if x < 0.25:
                words[r.randrange(len(words))] = r.choice(insults); label = 1
            elif x < 0.4:
                words[r.randrange(len(words))] = r.choice(adverts); label = advert_label
            words.append("no%d" % i)
            f.write(json.dumps({"text": " ".join(words), "label": label}) + "\n")
write(d + "/old.jsonl", n_old, 0, 0)
write(d + "/new.jsonl", n_new, 1, n_old)
PY

# peak RSS (KB) of a command, its status kept
peak() {
    python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:], stderr=open(sys.argv[1], "w")).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$T/err" "$@"
}
adapt() { "$BIN" train --task hostility --models "$MODELS" --base "$MODELS/hostility" "$@"; }
card() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["adaptation"]["decisions"]
print(d["rows"], d.get("older_left_out", 0))' "$1/card.json"; }

# the latest decisions alone, then behind 40,000 older ones: the same model
small=$(peak "$BIN" train --task hostility --models "$MODELS" --base "$MODELS/hostility" \
    --data "$T/new.jsonl" --out "$T/small") || fail "adapting on $NEW decisions"
many=$(peak "$BIN" train --task hostility --models "$MODELS" --base "$MODELS/hostility" \
    --data "$T/old.jsonl" --data "$T/new.jsonl" --max-decisions "$NEW" --out "$T/many") ||
    fail "adapting on the last $NEW of $((OLD + NEW)) decisions"
grep -q "the last $NEW decisions read are used, the $OLD before them left out" "$T/err" ||
    fail "train does not say that $OLD older decisions were left out"
[ "$(card "$T/many")" = "$NEW $OLD" ] || fail "card: rows, older_left_out = $(card "$T/many")"
[ "$(card "$T/small")" = "$NEW 0" ] || fail "card of the small run: $(card "$T/small")"
cmp -s "$T/small/model.svm" "$T/many/model.svm" ||
    fail "the older decisions changed the model: they were not left out"

# the cap counts the last ones read; 'all' reads every one
head -n 60 "$T/new.jsonl" >"$T/sixty.jsonl"
adapt --data "$T/sixty.jsonl" --max-decisions 30 --out "$T/thirty" 2>"$T/err" ||
    fail "--max-decisions 30"
[ "$(card "$T/thirty")" = "30 30" ] || fail "--max-decisions 30: $(card "$T/thirty")"
adapt --data "$T/sixty.jsonl" --max-decisions all --out "$T/all" 2>"$T/err" ||
    fail "--max-decisions all"
[ "$(card "$T/all")" = "60 0" ] || fail "--max-decisions all: $(card "$T/all")"
adapt --data "$T/sixty.jsonl" --max-decisions 19 --out "$T/few" 2>"$T/err"
[ $? = 64 ] || fail "--max-decisions 19 is not a usage error"
"$BIN" train --task hostility --models "$MODELS" --data "$T/sixty.jsonl" --max-decisions 30 \
    --out "$T/plain" 2>"$T/err"
[ $? = 64 ] || fail "--max-decisions without --base is not a usage error"
[ ! -e "$T/few" ] && [ ! -e "$T/plain" ] || fail "a refused run wrote its output"

per=$(( (many - small) * 1024 / OLD ))
echo "adapt_many: peak RSS $((small / 1024)) MB on $NEW decisions, $((many / 1024)) MB with" \
     "$OLD older ones read and left out: $per bytes per decision read"
if [ "$SANITIZED" = 1 ]; then
    echo "adapt_many: ok (sanitizer build: the memory bound not asserted)"
    exit 0
fi
# reading a decision (its line and its record) costs well under 1 KB; its
# row of features, when it was held, 2.6 KB
[ "$per" -le 1024 ] || fail "$per bytes of peak RSS per decision read (bound: 1024)"
echo "adapt_many: ok"
