#!/usr/bin/env python3
"""The public data sets in languages other than English as JSON Lines for `modscore train`.

Usage: train/prepare_lang.py DATA_DIR OUT_DIR

Writes OUT_DIR/LANG/SET-ATTR-train.jsonl and SET-ATTR-test.jsonl (never committed: most of these
sets are dev-only text). ATTR is hostility (Perspective's TOXICITY) or an attribute the set labels.
The held-out split (-test) is a fifth of each set, by text: a row is held out when
int(md5("modscore-heldout:" + text), 16) % 5 == 0, so equal texts fall on the same side, and the
split differs from the md5 % 5 that took ToLD-Br's and MLMA's own evaluation part out of the data.
Models are trained on the -train files; bench/languages.sh scores the -test files.

Label rules (hostility = 1 / 0; attributes: rows outside both classes are left out):
  de  germeval2018, germeval2019   OFFENSE / OTHER;  insult: fine INSULT / OTHER;
                                   profanity: fine PROFANITY / OTHER;
                                   identity_attack: fine ABUSE (a negatively judged social identity
                                   ascribed to someone, GermEval's definition) / OTHER
      germeval2021                 Sub1_Toxic 1 / 0
      hasoc2019 de                 task_1 HOF / NOT;  insult: task_2 OFFN / NONE;
                                   profanity: PRFN / NONE;  identity_attack: HATE / NONE
  es  offendes (train + dev)       OFP or OFG / NOE or NO;  insult: OFP (aimed at a person) / NO;
                                   identity_attack: OFG (aimed at a group) / NO;
                                   profanity: NOE (not offensive, with expletives) / NO
      hateval2019 es (train + dev) HS 1 / 0;  identity_attack: HS 1 / 0
      mexa3t2020                   aggressive 1 / 0
  pt  told-br                      toxic when at least 2 of the 3 annotators flagged some category;
                                   insult: insult votes >= 2 / no category flagged by anyone;
                                   profanity: obscene votes >= 2 / none flagged;
                                   identity_attack: homophobia, racism, misogyny or xenophobia
                                   votes >= 2 / none flagged
  fr  mlma-french                  sentiment other than exactly "normal" / "normal"
  ar  osact2020 (train + dev)      OFF / NOT_OFF;  identity_attack: HS / NOT_OFF
  tr  offenseval2020-tr            OFF / NOT
  pl  poleval2019-task6            train_tags_1 1 / 0
  da  dkhate                       OFF / NOT
  el  ogtd                         OFF / NOT
  hi  hasoc2019 hi                 HOF / NOT;  insult: OFFN / NONE;  profanity: PRFN / NONE;
                                   identity_attack: HATE / NONE
Only the Python standard library is used.
"""
import csv
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prepare import write  # noqa: E402

csv.field_size_limit(1 << 24)


def held_out(text):
    return int(hashlib.md5(("modscore-heldout:" + text).encode("utf-8")).hexdigest(), 16) % 5 == 0


def tsv_rows(path, header=True):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    rows = [ln.split("\t") for ln in lines if ln.strip()]
    if header:
        head = rows[0]
        return [dict(zip(head, r)) for r in rows[1:]]
    return rows


def germeval(path):
    """(text, coarse, fine) rows; |LBR| is a line break."""
    out = []
    for r in tsv_rows(path, header=False):
        if len(r) >= 3:
            out.append((r[0].replace("|LBR|", "\n"), r[1].strip(), r[2].strip()))
    return out


def de_sets(d):
    sets = {}
    for name, path in (("germeval2018", "germeval2018/germeval2018.training.txt"),
                       ("germeval2019", "germeval2019/germeval2019.training_subtask1_2_korrigiert.txt")):
        rows = germeval(os.path.join(d, path))
        sets[name] = {
            "hostility": [(t, int(c == "OFFENSE")) for t, c, _ in rows],
            "insult": [(t, int(f == "INSULT")) for t, _, f in rows if f in ("INSULT", "OTHER")],
            "profanity": [(t, int(f == "PROFANITY")) for t, _, f in rows if f in ("PROFANITY", "OTHER")],
            "identity_attack": [(t, int(f == "ABUSE")) for t, _, f in rows if f in ("ABUSE", "OTHER")],
        }
    with open(os.path.join(d, "germeval2021/GermEval21_TrainData.csv"), encoding="utf-8", newline="") as f:
        sets["germeval2021"] = {"hostility": [(r["comment_text"], int(r["Sub1_Toxic"]))
                                              for r in csv.DictReader(f)]}
    sets["hasoc2019de"] = hasoc(os.path.join(d, "hasoc2019/german_dataset.tsv"))
    return sets


def hasoc(path):
    rows = tsv_rows(path)
    out = {"hostility": [(r["text"], int(r["task_1"] == "HOF")) for r in rows]}
    for attr, lab in (("insult", "OFFN"), ("profanity", "PRFN"), ("identity_attack", "HATE")):
        out[attr] = [(r["text"], int(r["task_2"] == lab)) for r in rows if r["task_2"] in (lab, "NONE")]
    return out


def es_sets(d):
    rows = []
    for name in ("training_set.tsv", "dev_set.tsv"):
        with open(os.path.join(d, "offendes", name), encoding="utf-8", newline="") as f:
            rows += [(r["comment"], r["label"]) for r in csv.DictReader(f, delimiter="\t")]
    sets = {"offendes": {
        "hostility": [(t, int(l in ("OFP", "OFG"))) for t, l in rows],
        "insult": [(t, int(l == "OFP")) for t, l in rows if l in ("OFP", "NO")],
        "identity_attack": [(t, int(l == "OFG")) for t, l in rows if l in ("OFG", "NO")],
        "profanity": [(t, int(l == "NOE")) for t, l in rows if l in ("NOE", "NO")],
    }}
    hs = []
    for name in ("train_es.tsv", "dev_es.tsv"):
        hs += [(r["text"], int(r["HS"])) for r in tsv_rows(os.path.join(d, "hateval2019", name))]
    sets["hateval2019es"] = {"hostility": hs, "identity_attack": hs}
    with open(os.path.join(d, "mexa3t2020/mex20_train.txt"), encoding="utf-8") as f:
        texts = f.read().splitlines()
    with open(os.path.join(d, "mexa3t2020/mex20_train_labels.txt"), encoding="utf-8") as f:
        labels = [ln.strip() for ln in f.read().splitlines()]
    assert len(texts) == len(labels), "mexa3t2020: texts and labels differ in length"
    sets["mexa3t2020"] = {"hostility": [(t, int(l)) for t, l in zip(texts, labels)]}
    return sets


def pt_sets(d):
    cats = ("homophobia", "obscene", "insult", "racism", "misogyny", "xenophobia")
    ident = ("homophobia", "racism", "misogyny", "xenophobia")
    with open(os.path.join(d, "told-br/ToLD-BR_alpha.csv"), encoding="utf-8", newline="") as f:
        alpha = list(csv.DictReader(f))
    with open(os.path.join(d, "told-br/ToLD-BR.csv"), encoding="utf-8", newline="") as f:
        votes = list(csv.DictReader(f))
    assert len(alpha) == len(votes), "told-br: the two files differ in length"
    host, ins, prof, ida = [], [], [], []
    for a, v in zip(alpha, votes):
        t = a["text"]
        flaggers = sum(any(float(a[f"{c}_{k}"] or 0) > 0 for c in cats) for k in (1, 2, 3))
        host.append((t, int(flaggers >= 2)))
        vote = {c: float(v[c] or 0) for c in cats}
        clean = all(x == 0 for x in vote.values())
        for out, pos in ((ins, vote["insult"] >= 2), (prof, vote["obscene"] >= 2),
                         (ida, any(vote[c] >= 2 for c in ident))):
            if pos or clean:
                out.append((t, int(pos)))
    return {"toldbr": {"hostility": host, "insult": ins, "profanity": prof, "identity_attack": ida}}


def fr_sets(d):
    with open(os.path.join(d, "mlma-french/fr_dataset.csv"), encoding="utf-8", newline="") as f:
        rows = [(r["tweet"], int(r["sentiment"].strip() != "normal")) for r in csv.DictReader(f)]
    return {"mlma": {"hostility": rows}}


def ar_sets(d):
    rows = []
    for name in ("OSACT2020-sharedTask-train.txt", "OSACT2020-sharedTask-dev.txt"):
        for r in tsv_rows(os.path.join(d, "osact2020", name), header=False):
            if len(r) >= 3:
                rows.append((r[0].replace("<LF>", "\n"), r[1].strip(), r[2].strip()))
    return {"osact2020": {
        "hostility": [(t, int(o == "OFF")) for t, o, _ in rows],
        "identity_attack": [(t, int(h == "HS")) for t, o, h in rows if h == "HS" or o == "NOT_OFF"],
    }}


def offenseval(path, text="tweet"):
    out = []
    for r in tsv_rows(path):
        if len(r) < 3 and "subtask_a" not in r:
            continue
        out.append((r[text], int(r["subtask_a"].strip() == "OFF")))
    return out


def da_rows(path):
    out = []
    for ln in open(path, encoding="utf-8").read().splitlines()[1:]:
        parts = ln.split("\t")
        if len(parts) < 3:  # the last line has spaces for tabs
            parts = ln.split(None, 1)[1].rsplit(None, 1)
            parts = ["", parts[0], parts[1]]
        out.append((parts[1], int(parts[2].strip() == "OFF")))
    return out


def pl_sets(d):
    p = os.path.join(d, "poleval2019-task6")
    texts = open(os.path.join(p, "train_text_1.txt"), encoding="utf-8").read().splitlines()
    tags = open(os.path.join(p, "train_tags_1.txt"), encoding="utf-8").read().splitlines()
    assert len(texts) == len(tags), "poleval: texts and tags differ in length"
    return {"poleval2019": {"hostility": [(t, int(l.strip())) for t, l in zip(texts, tags)]}}


def hi_sets(d):
    return {"hasoc2019hi": hasoc(os.path.join(d, "hasoc2019/hindi_dataset.tsv"))}


LANGS = {
    "de": de_sets,
    "es": es_sets,
    "pt": pt_sets,
    "fr": fr_sets,
    "ar": ar_sets,
    "tr": lambda d: {"offenseval2020tr": {"hostility": offenseval(
        os.path.join(d, "offenseval2020-tr/offenseval-tr-training-v1.tsv"))}},
    "pl": pl_sets,
    "da": lambda d: {"dkhate": {"hostility": da_rows(
        os.path.join(d, "dkhate/offenseval-da-training-v1.tsv"))}},
    "el": lambda d: {"ogtd": {"hostility": offenseval(
        os.path.join(d, "ogtd/offenseval-greek-training-v1.tsv"))}},
    "hi": hi_sets,
}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: prepare_lang.py DATA_DIR OUT_DIR")
    data, out = sys.argv[1], sys.argv[2]
    for lang, load in LANGS.items():
        os.makedirs(os.path.join(out, lang), exist_ok=True)
        for name, attrs in load(data).items():
            for attr, rows in attrs.items():
                rows = [(t.strip(), l) for t, l in rows if t.strip()]
                base = os.path.join(out, lang, f"{name}-{attr}")
                write(base + "-train.jsonl", [r for r in rows if not held_out(r[0])])
                write(base + "-test.jsonl", [r for r in rows if held_out(r[0])])


if __name__ == "__main__":
    main()
