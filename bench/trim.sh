#!/bin/sh
# What storing weights trimmed costs (issue 20): every shipped model scored
# from two model trees on the held-out splits, in one run:
#   BEFORE  the models as they were (default: models/ at git ref $BEFORE_REF,
#           default fd8f073, the last commit with untrimmed weights)
#   AFTER   the models as they are (default: the checkout's models/)
# For each category and split: ROC AUC before and after (modscore eval), and
# over every comment of the splits the largest change of any score as
# `score --output jsonl` prints it (4 decimals), how many printed scores
# changed, and how many comments' reason spans changed (--reasons all).
# Splits (train/prepare.py; none was trained on unless marked):
#   hostility        olid-test (OLID's test set), davidson (never trained on)
#   off_topic        semeval-test, globe-test: IN its training data (the shipped
#                    model trains on every off-topic split), so a change there
#                    only shows how far scores move
#   insult, profanity, threat, identity_attack   ccs-ATTR-test (Civil Comments
#                    ids hashing to 0-19 of 100, held out); identity_attack also
#                    stormfront-test (the authors' sampled_test)
# Usage: bench/trim.sh [MODSCORE] [DATA_DIR]   (PREP=DIR reuses prepared files)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/modscore}
data=${2:-$here/../shared/data}
[ -x "$bin" ] || { echo "trim.sh: no modscore binary at $bin" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/modscore-trim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prep=${PREP:-$tmp/prep}
[ -n "${PREP:-}" ] || python3 "$here/train/prepare.py" "$data" "$prep" 2>/dev/null
before=${BEFORE:-}
if [ -z "$before" ]; then
  before=$tmp/before
  mkdir -p "$before"
  git -C "$here" archive "${BEFORE_REF:-fd8f073}" models | tar -x -C "$before"
  before=$before/models
fi
after=${AFTER:-$here/models}
for tree in "$before" "$after"; do
  for d in "$tree"/*/card.json; do
    d=$(dirname "$d")
    [ -f "$d/model.bin" ] || "$bin" compile "$d"
  done
done

splits() {
  case $1 in
    hostility) echo olid-test davidson ;;
    off_topic) echo semeval-test globe-test ;;
    identity_attack) echo ccs-identity_attack-test stormfront-test ;;
    *) echo "ccs-$1-test" ;;
  esac
}
auc() { "$bin" eval --model "$1/$2" --models "$1" --data "$prep/$3.jsonl" --json |
  python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["roc_auc"])'; }

printf '%-16s %-26s %8s %8s %8s\n' category split before after change
: >"$tmp/all.jsonl"
for cat in hostility off_topic insult identity_attack profanity threat; do
  [ -d "$after/$cat" ] || continue
  for s in $(splits "$cat"); do
    a=$(auc "$before" "$cat" "$s")
    b=$(auc "$after" "$cat" "$s")
    printf '%-16s %-26s %8s %8s %+8.4f\n' "$cat" "$s" "$a" "$b" "$(echo "$b - $a" | bc -l)"
    # the comments alone (context splits keep their article), for the score diff
    cat "$prep/$s.jsonl" >>"$tmp/all.jsonl"
  done
done
"$bin" score -q --jobs 1 --reasons all -o jsonl --models "$before" "$tmp/all.jsonl" >"$tmp/a.jsonl"
"$bin" score -q --jobs 1 --reasons all -o jsonl --models "$after" "$tmp/all.jsonl" >"$tmp/b.jsonl"
python3 - "$tmp/a.jsonl" "$tmp/b.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b)
worst, changed, total, reasons, actions = {}, 0, 0, 0, 0
for x, y in zip(a, b):
    for k, v in x.get("scores", {}).items():
        if not isinstance(v, (int, float)):
            continue
        d = abs(v - y["scores"][k])
        worst[k] = max(worst.get(k, 0), d)
        total += 1
        changed += d > 0
    spans = lambda r: sorted((s["category"], s["start"], s["end"]) for s in r.get("reasons", []) if "start" in s)
    reasons += spans(x) != spans(y)
    actions += x.get("action") != y.get("action")
print(f"{len(a)} comments, {total} printed scores: {changed} changed; largest change per score: " +
      ", ".join(f"{k} {v:.4f}" for k, v in sorted(worst.items())))
print(f"comments whose reason spans changed: {reasons}; whose action changed: {actions}")
PY
du_tree() { find "$1" -name model.svm -o -name idf.bin -o -name card.json | xargs du -cb | tail -1 | cut -f1; }
echo "sources (model.svm, idf.bin, card.json) before $(du_tree "$before") bytes, after $(du_tree "$after") bytes"
