#!/bin/bash
# lean.sh - issue 20's figures in one run, each as a ratio against its
# baseline measured in the same run:
#   - bytes tracked in git under models/ at HEAD and at BEFORE_REF
#   - `modscore check` on a hostile and on a civil comment against `true`
#     (hyperfine -N), this build and BEFORE_BIN with its own models
#   - `check --categories hostility` (one model mapped) in the same run
#   - `score --jobs 1` with every English model (reasons for flagged
#     comments, the spans model loaded) on bench/speed.sh's comments
#     against fastText's predict-prob on the same comments; peak RSS
#   - the long-stream peak (issue 23): `score --reasons all` on six
#     comments of 60-250 KB, --jobs 1 and 2, peak RSS
# Usage: bench/lean.sh [BUILD_DIR] [N]   (N comments, default 200000)
#   BEFORE_REF  a commit to compare the tracked size with (default fd8f073,
#               main before issue 20: model.bin committed, weights untrimmed)
#   BEFORE_BIN, BEFORE_MODELS  a modscore binary and models of the release
#               before, timed in the same run (both or neither)
# Needs ../shared/data (or $MS_DATA), hyperfine and fasttext (Debian packages).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$here/build}")
N=${2:-200000}
data=${MS_DATA:-$here/../shared/data}
tmp=${MS_BENCH_TMP:-/tmp/modscore-lean}
ms=$build/modscore
models=$here/models
ref=${BEFORE_REF:-fd8f073}
mkdir -p "$tmp"
for t in hyperfine fasttext; do
  command -v $t >/dev/null || { echo "lean.sh: needs $t (apt-get install $t)" >&2; exit 1; }
done
log() { echo "lean.sh: $*" >&2; }

tracked() { git -C "$here" ls-tree -r -l "$1" models | awk '{s += $4} END {print s}'; }
now=$(tracked HEAD); was=$(tracked "$ref")
printf 'tracked under models/: HEAD %.1f MB, %s %.1f MB (%.2fx)\n' \
  "$(echo "$now / 1000000" | bc -l)" "$ref" "$(echo "$was / 1000000" | bc -l)" "$(echo "$now / $was" | bc -l)"

# --- the comments: bench/speed.sh's generator
[ -s "$tmp/prep/olid-test.jsonl" ] || python3 "$here/train/prepare.py" "$data" "$tmp/prep" >&2
if [ ! -s "$tmp/comments.jsonl" ] || [ "$(wc -l <"$tmp/comments.jsonl")" != "$N" ]; then
  sed -n '/^python3 - "\$tmp\/prep" "\$tmp" "\$N" "\$SLICE" <<.PY.$/,/^PY$/p' "$here/bench/speed.sh" |
    sed '1d;$d' >"$tmp/gen.py"
  python3 "$tmp/gen.py" "$tmp/prep" "$tmp" "$N" 1000
fi

# --- check against true
hostile='you are a worthless idiot and everyone here hates you'
civil='Thanks for the article, the figures on page two were helpful.'
cmds=("$ms check --models $models --text '$hostile'" "$ms check --models $models --text '$civil'"
      "$ms check --models $models --categories hostility --text '$hostile'")
if [ -n "${BEFORE_BIN:-}" ]; then
  cmds+=("$BEFORE_BIN check --models $BEFORE_MODELS --text '$hostile'"
         "$BEFORE_BIN check --models $BEFORE_MODELS --text '$civil'")
fi
log "hyperfine: check vs true"
hyperfine -N --warmup 20 -r "${MS_CHECK_RUNS:-200}" -i --export-json "$tmp/check.json" \
  "${cmds[@]}" true >/dev/null 2>&1
python3 - "$tmp/check.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
t = r[-1]["mean"]
for x in r[:-1]:
    print("check: %-100.100s mean %.2f ms (user %.2f, system %.2f): %.1fx true (%.2f ms)"
          % (x["command"], x["mean"] * 1e3, x["user"] * 1e3, x["system"] * 1e3, x["mean"] / t, t * 1e3))
PY

# --- score against fastText
timed() { # NAME CMD...: wall s, user s, sys s, peak kB
  local name=$1; shift
  log "$name"
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/$name.t" "$@"
}
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
with open(tmp + "/comments.jsonl") as f, open(tmp + "/comments.ft.txt", "w") as o:
    for l in f:
        o.write(" ".join(json.loads(l)["text"].split()) + "\n")
PY
[ -s "$tmp/ft.bin" ] || fasttext supervised -input "$tmp/train.ft" -output "$tmp/ft" -wordNgrams 2 \
  -minn 2 -maxn 5 -epoch 10 -thread 1 -verbose 0 >/dev/null
for round in 1 2; do
  timed "ms$round" "$ms" score --models "$models" --format jsonl --output jsonl --quiet --jobs 1 \
    "$tmp/comments.jsonl" >"$tmp/ms.out"
  [ -z "${BEFORE_BIN:-}" ] || timed "before$round" "$BEFORE_BIN" score --models "$BEFORE_MODELS" \
    --format jsonl --output jsonl --quiet --jobs 1 "$tmp/comments.jsonl" >"$tmp/before.out"
  timed "ft$round" fasttext predict-prob "$tmp/ft.bin" "$tmp/comments.ft.txt" >/dev/null
done
python3 - "$tmp" "$N" "${BEFORE_BIN:+1}" <<'PY'
import sys
tmp, n, before = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
def t(name):
    w, u, s, kb = open("%s/%s.t" % (tmp, name)).read().split()[-4:]
    return float(w), float(u), float(s), int(kb)
for r in (1, 2):
    ms, ft = t("ms%d" % r), t("ft%d" % r)
    line = ("round %d, %d comments, one core: modscore %.2f s wall (%.2f s CPU), peak %.1f MB; "
            "fastText predict-prob %.2f s wall (%.2f s CPU); modscore %.2fx fastText by wall, %.2fx by CPU"
            % (r, n, ms[0], ms[1] + ms[2], ms[3] / 1024, ft[0], ft[1] + ft[2], ft[0] / ms[0],
               (ft[1] + ft[2]) / (ms[1] + ms[2])))
    if before:
        b = t("before%d" % r)
        line += ("; the release before %.2f s wall (%.2f s CPU), peak %.1f MB: %.2fx fastText by CPU"
                 % (b[0], b[1] + b[2], b[3] / 1024, (ft[1] + ft[2]) / (b[1] + b[2])))
    print(line)
PY

# --- the long-stream peak: six comments of 60-250 KB, reasons for each
python3 - "$tmp/long.jsonl" "$models/lexicons/vader_lexicon.txt" <<'PY'
import json, random, sys
rng = random.Random(3)
words = [l.split("\t")[0] for l in open(sys.argv[2], encoding="utf-8") if l.strip()][:3000]
words += "the a of and to in you are article says government".split()
with open(sys.argv[1], "w") as f:
    for i in range(6):
        n, t, size = rng.randint(60000, 250000), [], 0
        while size < n:
            w = rng.choice(words)
            t.append(w)
            size += len(w) + 1
        f.write(json.dumps({"id": str(i), "text": " ".join(t)}) + "\n")
PY
for j in 1 2; do
  timed "long$j" "$ms" score --models "$models" --format jsonl --output jsonl --quiet \
    --reasons all --jobs $j "$tmp/long.jsonl" >/dev/null
  [ -z "${BEFORE_BIN:-}" ] || timed "longbefore$j" "$BEFORE_BIN" score --models "$BEFORE_MODELS" \
    --format jsonl --output jsonl --quiet --reasons all --jobs $j "$tmp/long.jsonl" >/dev/null
done
python3 - "$tmp" "${BEFORE_BIN:+1}" <<'PY'
import sys
tmp, before = sys.argv[1], sys.argv[2] == "1"
def kb(name):
    return int(open("%s/%s.t" % (tmp, name)).read().split()[-1])
for j in (1, 2):
    line = "long comments (6 of 60-250 KB, --reasons all), --jobs %d: peak %.1f MB" % (j, kb("long%d" % j) / 1024)
    if before:
        b = kb("longbefore%d" % j)
        line += "; the release before %.1f MB (%.2fx)" % (b / 1024, kb("long%d" % j) / b)
    print(line)
PY
