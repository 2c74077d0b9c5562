#!/bin/bash
# speed.sh - throughput and start-up of modscore against its peers, in one
# run on one file. Usage: bench/speed.sh [BUILD_DIR] [N]
#   BUILD_DIR  a Release build of modscore (default: build; built if absent)
#   N          comments in the generated file (default 1000000)
# Needs ../shared/data beside the checkout (or $MS_DATA), Debian fasttext, python3-sklearn,
# libsvm-tools (svm-predict), hyperfine. Work files go to $MS_BENCH_TMP
# (default /tmp/modscore-speed). Prints a markdown table; ratios are
# modscore (1 thread) over each peer, so > 1 means modscore is faster.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$here/build}")
N=${2:-1000000}
SLICE=${MS_SLICE:-100000}
data=${MS_DATA:-$here/../shared/data}
tmp=${MS_BENCH_TMP:-/tmp/modscore-speed}
cores=$(nproc)
mkdir -p "$tmp"
if [ ! -x "$build/modscore" ] || [ ! -x "$build/bench/dump_features" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$cores" --target modscore_cli dump_features >/dev/null
fi
ms=$build/modscore
models=$here/models
log() { echo "speed.sh: $*" >&2; }

# --- data: the training set of the shipped model, and N comments made by
# cycling the other public sets with small variations (no two lines equal)
[ -s "$tmp/prep/olid-test.jsonl" ] || python3 "$here/train/prepare.py" "$data" "$tmp/prep" >&2
log "building $N comments"
python3 - "$tmp/prep" "$tmp" "$N" "$SLICE" <<'PY'
import json, sys, os
prep, out, n, slice_n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def texts(name):
    with open(os.path.join(prep, name), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]
train = texts("impermium-train.jsonl") + texts("impermium-test.jsonl")
dev = [d["text"] for name in ("olid-train.jsonl", "olid-test.jsonl", "davidson.jsonl")
       for d in texts(name)]
suffix = ["", "!", " lol", " :)", "?!", " ...", " smh", " #news", " - just saying", "!!!"]
prefix = ["", "Well, ", "@user ", "Honestly ", "RT ", "So "]
def flat(t):  # fastText reads one example a line
    return " ".join(t.split())
with open(os.path.join(out, "comments.jsonl"), "w", encoding="utf-8") as js, \
     open(os.path.join(out, "comments.txt"), "w", encoding="utf-8") as tx:
    for i in range(n):
        k, r = divmod(i, len(dev))
        t = prefix[(k + i) % len(prefix)] + dev[r] + suffix[(k * 7 + i) % len(suffix)]
        if k % 2:
            t = t.replace(" the ", " teh ", 1)
        js.write(json.dumps({"id": str(i + 1), "text": t}, ensure_ascii=False) + "\n")
        tx.write(flat(t) + "\n")
with open(os.path.join(out, "train.ft"), "w", encoding="utf-8") as f:
    for d in train:
        f.write("__label__%d %s\n" % (d["label"], flat(d["text"])))
with open(os.path.join(out, "train.jsonl"), "w", encoding="utf-8") as f:
    for d in train:
        f.write(json.dumps({"text": d["text"], "label": d["label"]}) + "\n")
PY
head -n "$SLICE" "$tmp/comments.jsonl" >"$tmp/slice.jsonl"
head -n "$SLICE" "$tmp/comments.txt" >"$tmp/slice.txt"

# timed NAME N CMD...: wall seconds and peak RSS (kB) of CMD into $tmp/NAME.t
timed() {
  local name=$1 n=$2; shift 2
  log "$name: $*"
  /usr/bin/time -f "%e %M" -o "$tmp/$name.t" "$@"
  echo "$n" >>"$tmp/$name.t"
}

timed modscore_1 "$N" "$ms" score --models "$models" --format jsonl --output jsonl --quiet \
  --jobs 1 "$tmp/comments.jsonl" >"$tmp/ms1.out"
timed modscore_all "$N" "$ms" score --models "$models" --format jsonl --output jsonl --quiet \
  --jobs "$cores" "$tmp/comments.jsonl" >"$tmp/msall.out"
cmp -s "$tmp/ms1.out" "$tmp/msall.out" || { log "FAIL: --jobs $cores output differs"; exit 1; }

# fastText: supervised on the same training data, then predict-prob
log "fastText: training"
fasttext supervised -input "$tmp/train.ft" -output "$tmp/ft" -wordNgrams 2 -minn 2 -maxn 5 \
  -epoch 10 -thread "$cores" -verbose 0 >/dev/null
timed fasttext "$N" fasttext predict-prob "$tmp/ft.bin" "$tmp/comments.txt" >/dev/null

# scikit-learn: TF-IDF (word 1-2-grams + char 2-5-grams in words) + logistic
# regression, trained on the same data, predicting probabilities on the slice
log "scikit-learn: training"
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys, pickle
from sklearn.pipeline import make_pipeline, make_union
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
tmp = sys.argv[1]
rows = [json.loads(l) for l in open(tmp + "/train.jsonl", encoding="utf-8")]
pipe = make_pipeline(
    make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
               TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    LogisticRegression(max_iter=1000, class_weight="balanced"))
pipe.fit([r["text"] for r in rows], [r["label"] for r in rows])
pickle.dump(pipe, open(tmp + "/sk.pkl", "wb"))
PY
cat >"$tmp/sk_predict.py" <<'PY'
import json, sys, pickle
pipe = pickle.load(open(sys.argv[1], "rb"))
texts = [json.loads(l)["text"] for l in open(sys.argv[2], encoding="utf-8")]
out = sys.stdout
for p in pipe.predict_proba(texts)[:, 1]:
    out.write("%.4f\n" % p)
PY
timed sklearn "$SLICE" /usr/bin/python3 "$tmp/sk_predict.py" "$tmp/sk.pkl" "$tmp/slice.jsonl" >/dev/null

# libsvm's svm-predict on modscore's own feature vectors of the slice
# (featurising is not in its time: it only does the dot products)
"$build/bench/dump_features" "$models" <"$tmp/slice.jsonl" >"$tmp/slice.svm"
timed svm_predict "$SLICE" svm-predict -b 1 "$tmp/slice.svm" "$models/hostility/model.svm" \
  "$tmp/svm.out" >/dev/null
# and modscore on the same slice, for the like-for-like ratio
timed modscore_slice "$SLICE" "$ms" score --models "$models" --format jsonl --output jsonl \
  --quiet --jobs 1 "$tmp/slice.jsonl" >/dev/null

# reason spans (issue 16): the same slice with --reasons all (reason spans
# for every comment), and without models/spans loaded (the default,
# reasons for flags only, should not notice the spans model)
rm -rf "$tmp/nospans" && mkdir -p "$tmp/nospans"
for f in "$models"/*; do [ "$(basename "$f")" = spans ] || ln -s "$f" "$tmp/nospans/"; done
timed modscore_slice_nospans "$SLICE" "$ms" score --models "$tmp/nospans" --format jsonl \
  --output jsonl --quiet --jobs 1 "$tmp/slice.jsonl" >/dev/null
timed modscore_slice_reasons "$SLICE" "$ms" score --models "$models" --format jsonl \
  --output jsonl --quiet --jobs 1 --reasons all "$tmp/slice.jsonl" >/dev/null

# start-up: one check, process start to exit, against `true`
log "hyperfine: check vs true"
hyperfine -N --warmup 10 -r "${MS_CHECK_RUNS:-200}" -i --export-json "$tmp/check.json" \
  "$ms check --models $models --text 'you are an idiot'" "true" >/dev/null 2>&1

python3 - "$tmp" "$cores" <<'PY'
import json, sys
tmp, cores = sys.argv[1], sys.argv[2]
def get(name):
    sec, kb, n = open("%s/%s.t" % (tmp, name)).read().split()
    return float(sec), int(kb), int(n)
rows = [("modscore score, 1 thread", "modscore_1"),
        ("modscore score, %s threads" % cores, "modscore_all"),
        ("fastText predict-prob (wordNgrams 2, minn 2, maxn 5)", "fasttext"),
        ("modscore score, 1 thread, slice", "modscore_slice"),
        ("scikit-learn TF-IDF + LR predict_proba, slice", "sklearn"),
        ("libsvm svm-predict -b 1 (features given), slice", "svm_predict"),
        ("modscore score without models/spans, 1 thread, slice", "modscore_slice_nospans"),
        ("modscore score --reasons all (spans for every comment), 1 thread, slice",
         "modscore_slice_reasons")]
ms1 = get("modscore_1")
ms1_rate = ms1[2] / ms1[0]
sl = get("modscore_slice")
slice_rate = sl[2] / sl[0]
# ratios: the full file against modscore on the full file, a slice
# against modscore on the same slice
print("| engine | comments | seconds | comments/s | peak RSS MB | modscore 1 thread / engine |")
print("|---|---:|---:|---:|---:|---:|")
for label, name in rows:
    s, kb, n = get(name)
    rate = n / s
    base = slice_rate if name.startswith("modscore_slice") or name in ("sklearn", "svm_predict") \
        else ms1_rate
    print("| %s | %d | %.2f | %.0f | %.1f | %.2f |" % (label, n, s, rate, kb / 1024, base / rate))
print()
print("modscore, 1 thread: %.0f comments/minute" % (ms1_rate * 60))
d = json.load(open(tmp + "/check.json"))["results"]
c, t = d[0], d[1]
print("modscore check (process start to exit): median %.2f ms (mean %.2f, min %.2f); `true`: median %.2f ms"
      % (c["median"] * 1e3, c["mean"] * 1e3, c["min"] * 1e3, t["median"] * 1e3))
PY
