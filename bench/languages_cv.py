#!/usr/bin/env python3
"""Per-set 5-fold CV of a language's hostility recipe on the training four-fifths alone.

Usage: bench/languages_cv.py MODSCORE PREP_DIR LANG C [--weigh SET:W] [--pre RULES] -- TRAIN_OPTION...
PREP_DIR is train/prepare_lang.py's output; only its -hostility-train files are read (the
held-out fifth that bench/languages.sh scores is never touched). A row is in fold
int(md5("cv:" + text)) % 5; each fold's model is trained on the other four (C fixed, --folds 2 for
the card's own figures) and scored on each set's rows of the fold; the ROC AUC of each set is the
mean over the folds. --weigh SET:W trains SET's rows as --augment-weight W (train/build_languages.sh's
weighed set); --pre: user (@handles as "@user"), hash (hashtags split), laugh ("jajaja" as
"jaja"), comma-separated, applied to every text first. This is how train/build_languages.sh's
per-set figures for the char source, the char weight and HatEval's weight were measured.
Prints one line: TAG C SET=AUC... Only the standard library is used.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def pre(text, rules):
    if "user" in rules:
        text = re.sub(r"@\w+", "@user", text)
    if "hash" in rules:
        text = re.sub(r"#(\w+)", lambda m: "# " + re.sub(r"([a-z])([A-Z])", r"\1 \2", m.group(1)), text)
    if "laugh" in rules:
        text = re.sub(r"(?i)\b(?:j+a+){2,}j*\b|\b(?:j+e+){2,}j*\b|\b(?:ja)+j\b", "jaja", text)
    return text


def fold_of(text):
    return int(hashlib.md5(("cv:" + text).encode("utf-8")).hexdigest(), 16) % 5


def write(path, rows, rules):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(dict(r, text=pre(r["text"], rules)), ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("modscore")
    ap.add_argument("prep")
    ap.add_argument("lang")
    ap.add_argument("c")
    ap.add_argument("--weigh", default="")
    ap.add_argument("--pre", default="")
    ap.add_argument("--tag", default="")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a, opts = ap.parse_args(argv[:cut]), argv[cut + 1:]
    models = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
    sets = {}
    for p in sorted(glob.glob(os.path.join(a.prep, a.lang, "*-hostility-train.jsonl"))):
        with open(p, encoding="utf-8") as f:
            sets[os.path.basename(p).split("-")[0]] = [json.loads(ln) for ln in f]
    heavy, weight = a.weigh.split(":") if a.weigh else ("", "")
    tmp = tempfile.mkdtemp()
    try:
        auc = {s: [] for s in sets}
        for k in range(5):
            extra = []
            if heavy:
                write(os.path.join(tmp, "w.jsonl"), [r for r in sets[heavy] if fold_of(r["text"]) != k], a.pre)
                extra = ["--augment-weight", weight, "--augment", os.path.join(tmp, "w.jsonl")]
            write(os.path.join(tmp, "train.jsonl"), [r for s, rs in sets.items() if s != heavy
                                                     for r in rs if fold_of(r["text"]) != k], a.pre)
            out = os.path.join(tmp, f"m{k}")
            subprocess.run([a.modscore, "train", "--task", "hostility", "--seed", "1", "--language", a.lang,
                            "--you-window", "0", "--models", models, "--folds", "2", "--c", a.c,
                            "--out", out, "--data", os.path.join(tmp, "train.jsonl")] + opts + extra,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for s, rs in sets.items():
                te = os.path.join(tmp, "test.jsonl")
                write(te, [r for r in rs if fold_of(r["text"]) == k], a.pre)
                ev = subprocess.run([a.modscore, "eval", "--model", out, "--models", models,
                                     "--data", te, "--json"], check=True, capture_output=True)
                auc[s].append(json.loads(ev.stdout)["roc_auc"])
        print(f"{a.tag or a.lang} C={a.c} " + " ".join(f"{s}={sum(v) / len(v):.4f}" for s, v in auc.items()))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
