#!/bin/sh
# language.sh [BUILD_DIR] - how well ms_language_detect (CLD2, with the
# 24-byte floor) tells short comments' languages, on:
#   own/XX       our own short comments in 7 languages (tests/data/lang, 10-30 each)
#   impermium-en Impermium test comments of 3-100 characters (dev only: read
#                from ../shared/data, never committed); a few are not English
#   vader-en     VADER's rated tweets of up to 100 characters (the same)
#   gettext-XX   up to 200 messages of 20-100 characters and 4+ words a
#                language from the system's gettext catalogues (apt,
#                coreutils, dpkg, ...): real short text in de es fr it nl pl
#                pt ru sv, and their English originals (gettext-en)
#   data-XX      up to 300 comments of 3-100 characters a language from the
#                training sets in ../shared/data (dev only: never committed):
#                de germeval2018, es hateval2019, pt told-br, da dkhate,
#                tr offenseval2020, el ogtd, hi hasoc2019 (hi in Devanagari,
#                hi-latn romanised)
# "right": decisive and correct; "wrong": decisive and another language;
# "undecided": scored as English; "refused": what serve and score refuse
# (decisive, not English). For English groups, refused is the error rate.
# "routed": scored by its own language's models (decisive and right, or
# undecided English); "w/site": the same on a site whose policy names its
# language ("language"), where an undecided comment takes the site's.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-build}
DATA=${MS_DATA:-$HERE/../../shared/data}
[ -x "$BUILD/bench/language_eval" ] || { echo "build bench/language_eval first"; exit 2; }
python3 - "$HERE/../tests/data/lang/short_comments.tsv" "$DATA" <<'PY' | "$BUILD/bench/language_eval"
import csv, gettext, os, random, re, sys
own, data = sys.argv[1], sys.argv[2]
out = sys.stdout
for line in open(own, encoding="utf-8"):
    lang, text = line.rstrip("\n").split("\t", 1)
    out.write(f"own-{lang}\t{lang}\t{text}\n")
imp = os.path.join(data, "impermium/test_with_solutions.csv")
if os.path.exists(imp):
    for r in csv.DictReader(open(imp, encoding="utf-8", newline="")):
        t = r["Comment"]
        if t.startswith('"') and t.endswith('"'):
            t = t[1:-1]
        for _ in range(3):
            t2 = t.replace("\\\\", "\\")
            if t2 == t:
                break
            t = t2
        t = re.sub(r"\\x[0-9a-f]{2}", " ", t).replace("\\n", " ").replace("\\'", "'")
        t = " ".join(re.sub(r"\\u[0-9a-f]{4}", "'", t).split())
        if 3 <= len(t) <= 100:
            out.write(f"impermium-en\ten\t{t}\n")
vad = os.path.join(data, "vader-ratings/tweets_GroundTruth.txt")
if os.path.exists(vad):
    for line in open(vad, encoding="utf-8", errors="replace"):
        p = line.rstrip("\r\n").split("\t")
        if len(p) >= 3 and len(p[2]) <= 100:
            out.write(f"vader-en\ten\t{p[2]}\n")
def short_rows(group, lang, path, col, sep="\t", header=True, split=None):
    if not os.path.exists(path):
        return
    rows = []
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        rd = csv.reader(f, delimiter=sep, quotechar=None if sep == "\t" else '"')
        if header:
            next(rd, None)
        for r in rd:
            if len(r) <= col:
                continue
            t = " ".join(r[col].split())
            if 3 <= len(t) <= 100:
                rows.append(t)
    random.Random(2).shuffle(rows)
    by = {}
    for t in rows:
        g = split(t) if split else lang
        if len(by.setdefault(g, [])) < 300:
            by[g].append(t)
    for g, ts in sorted(by.items()):
        for t in ts:
            out.write(f"data-{g}\t{g.split('-')[0]}\t{t}\n")
def hi_script(t):
    return "hi" if re.search("[\u0900-\u097f]", t) else "hi-latn"
short_rows("de", "de", os.path.join(data, "germeval2018/germeval2018.training.txt"), 0, header=False)
short_rows("es", "es", os.path.join(data, "hateval2019/train_es.tsv"), 1)
short_rows("pt", "pt", os.path.join(data, "told-br/ToLD-BR.csv"), 0, sep=",")
short_rows("da", "da", os.path.join(data, "dkhate/offenseval-da-training-v1.tsv"), 1)
short_rows("tr", "tr", os.path.join(data, "offenseval2020-tr/offenseval-tr-training-v1.tsv"), 1)
short_rows("el", "el", os.path.join(data, "ogtd/offenseval-greek-training-v1.tsv"), 1)
short_rows("hi", "hi", os.path.join(data, "hasoc2019/hindi_dataset.tsv"), 1, split=hi_script)
random.seed(1)
domains = ["apt", "coreutils", "dpkg", "grep", "findutils", "diffutils", "bash", "glib20",
           "gnupg2", "adduser", "git"]
def usable(v):
    return (isinstance(v, str) and not re.search(r"[%\n{<$\x00]", v)
            and 20 <= len(v.strip()) <= 100 and len(v.split()) >= 4)
english = {}
for lang in ["de", "es", "fr", "it", "nl", "pl", "pt", "ru", "sv"]:
    seen = {}
    for d in domains:
        p = f"/usr/share/locale/{lang}/LC_MESSAGES/{d}.mo"
        if not os.path.exists(p):
            continue
        try:
            cat = gettext.GNUTranslations(open(p, "rb"))._catalog
        except Exception:
            continue
        for k, v in cat.items():
            if usable(v):
                seen[v.strip()] = 1
            if usable(k):
                english[k.strip()] = 1
    items = sorted(seen)
    random.shuffle(items)
    for v in items[:200]:
        out.write(f"gettext-{lang}\t{lang}\t{v}\n")
items = sorted(english)
random.shuffle(items)
for v in items[:400]:
    out.write(f"gettext-en\ten\t{v}\n")
PY
