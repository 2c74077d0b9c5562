#!/bin/sh
# decide.sh CLI TESTS_DIR ARTIFACTS - the HTML report's decisions, end to end
# in headless Chromium (issue 15): a report of the 40 comments of the
# feedback fixture (tests/data/adapt/feedback.jsonl) and two with line
# breaks, markup characters and emoji, each decided in the
# browser by clicking Publish or Reject as the fixture's label says, then
# "Export decisions"; the downloaded JSON Lines carry every comment's id,
# text, decision and label, and `modscore train --base` adapts the shipped
# model on them to the same model as on the fixture itself. The browser
# part is tests/browser/decide.cjs (playwright-core from the npm registry,
# installed once into ARTIFACTS/node, driving Debian's chromium; the version
# in playwright-version, 1.58.0, runs on Debian 12's Node.js 18: 1.65 wants 20). Exits 77
# (skipped) when chromium, node or playwright-core is not to be had.
set -eu
cli=$1
tests=$2
out=$3
models=$tests/../models
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ] || ! command -v node >/dev/null 2>&1; then
    echo "decide: chromium or node is not installed; skipped"
    exit 77
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
node_dir=$out/node
if [ ! -d "$node_dir/node_modules/playwright-core" ]; then
    mkdir -p "$node_dir"
    if ! npm install --silent --no-audit --no-fund --prefix "$node_dir" \
        "playwright-core@$(cat "$tests/browser/playwright-version")" >"$out/npm.log" 2>&1; then
        echo "decide: cannot install playwright-core (see $out/npm.log); skipped"
        exit 77
    fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the fixture as a discussion, and what the moderator decides
python3 - "$tests/data/adapt/feedback.jsonl" "$tmp/thread.jsonl" "$tmp/want.json" \
    "$tmp/expected.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
# texts the page must give back as written: line breaks, markup characters,
# tabs, accents and emoji, CR, U+0085 and form feeds
rows += [{"text": "Line one\nLine two & <b>bold</b> \"quoted\" 'single'\ttaïb 😀",
          "label": 0},
         {"text": "  Spaced   out,\n\n  then a new paragraph. ", "label": 1},
         # what the page cannot show as it is (issue 23): a CR, U+0085, a
         # form feed, and a "</script>" inside the text
         {"text": "Windows\r\nline\u0085next\fpage </script><b>x", "label": 1}]
want = {}
with open(sys.argv[2], "w") as t, open(sys.argv[4], "w") as e:
    for i, r in enumerate(rows):
        cid = f"f{i + 1}"
        t.write(json.dumps({"id": cid, "text": r["text"]}) + "\n")
        want[cid] = "rejected" if r["label"] else "published"
        e.write(json.dumps({"id": cid, "text": r["text"], "decision": want[cid],
                            "label": r["label"]}) + "\n")
json.dump(want, open(sys.argv[3], "w"))
PY
"$cli" score --models "$models" --output html --out "$out/decide.html" "$tmp/thread.jsonl"
CHROMIUM=$browser NODE_PATH=$node_dir/node_modules timeout 300 \
    node "$tests/browser/decide.cjs" "$out/decide.html" "$out" "$tmp/want.json"

fails=0
python3 - "$out/decisions.jsonl" "$tmp/expected.jsonl" <<'PY' || fails=$((fails + 1))
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
exp = [json.loads(l) for l in open(sys.argv[2])]
assert got == exp, (len(got), len(exp), [(g, e) for g, e in zip(got, exp) if g != e][:2])
print(f"ok: the export holds the {len(got)} decisions, texts as written, in thread order")
PY
"$cli" train -q --task hostility --models "$models" --base "$models/hostility" \
    --data "$out/decisions.jsonl" --out "$tmp/from-export" || fails=$((fails + 1))
"$cli" train -q --task hostility --models "$models" --base "$models/hostility" \
    --data "$tmp/expected.jsonl" --out "$tmp/from-fixture"
if cmp -s "$tmp/from-export/model.svm" "$tmp/from-fixture/model.svm"; then
    echo "ok: train --base reads the export: the same model as from the fixture"
else
    echo "FAIL: the exported decisions trained another model"
    fails=$((fails + 1))
fi
[ "$fails" = 0 ]
