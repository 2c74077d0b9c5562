#!/usr/bin/env python3
"""Writes into each language model's card what it learned from (issue 21).

Usage: train/lang_cards.py MODELS_DIR PREP_DIR [LANG...]

For every MODELS_DIR/LANG/CATEGORY/card.json, the sets whose PREP_DIR/LANG/SET-CATEGORY-train.jsonl
train/build_languages.sh trained it on (the same glob) go into the card as "sources": each set's
name, what it is, the label rule of this category, its rows and positives in the training part,
its licence and use as ../shared/data/README.md gives them ("ship": the text could be shipped;
"dev only": only derived weights may be, and the model is such weights: no text of any set is
in a model directory). The rules are those of train/prepare_lang.py, whose docstring is the
longer account. Only the Python standard library is used.
"""
import glob
import json
import os
import sys

# set (PREP file prefix) -> (what, licence, use, {category: label rule})
SETS = {
    "germeval2018": ("GermEval 2018 (German tweets), training split", "CC BY 4.0", "ship", {
        "hostility": "OFFENSE / OTHER", "insult": "fine INSULT / OTHER",
        "profanity": "fine PROFANITY / OTHER",
        "identity_attack": "fine ABUSE (a negatively judged social identity ascribed to "
                           "someone, GermEval's definition) / OTHER"}),
    "germeval2019": ("GermEval 2019 Task 2 (German tweets), corrected training split",
                     "none stated", "dev only", {
        "hostility": "OFFENSE / OTHER", "insult": "fine INSULT / OTHER",
        "profanity": "fine PROFANITY / OTHER", "identity_attack": "fine ABUSE / OTHER"}),
    "germeval2021": ("GermEval 2021 (German Facebook comments on a talk show), training split",
                     "none stated", "dev only", {"hostility": "Sub1_Toxic 1 / 0"}),
    "hasoc2019de": ("HASOC 2019 German (tweets, Facebook posts), training data", "none stated",
                    "dev only", {"hostility": "task_1 HOF / NOT", "insult": "task_2 OFFN / NONE",
                                 "profanity": "task_2 PRFN / NONE",
                                 "identity_attack": "task_2 HATE / NONE"}),
    "offendes": ("OffendES (Spanish comments to influencers), training and dev sets",
                 "none stated", "dev only", {
        "hostility": "OFP or OFG / NOE or NO", "insult": "OFP (aimed at a person) / NO",
        "profanity": "NOE (not offensive, with expletives) / NO",
        "identity_attack": "OFG (aimed at a group) / NO"}),
    "hateval2019es": ("HatEval 2019 Spanish (tweets), train and dev", "none stated", "dev only",
                      {"hostility": "HS 1 / 0", "identity_attack": "HS 1 / 0 (hate against "
                                                                   "immigrants and women)"}),
    "mexa3t2020": ("MEX-A3T 2020 aggressiveness (Mexican Spanish tweets), training split",
                   "none stated", "dev only", {"hostility": "aggressive 1 / 0"}),
    "toldbr": ("ToLD-Br (Brazilian Portuguese tweets), 4 of 5 parts", "CC BY-SA 4.0", "ship", {
        "hostility": "at least 2 of the 3 annotators flagged some category / otherwise",
        "insult": "insult votes >= 2 / no category flagged by anyone",
        "profanity": "obscene votes >= 2 / no category flagged by anyone",
        "identity_attack": "homophobia, racism, misogyny or xenophobia votes >= 2 / no "
                           "category flagged by anyone"}),
    "mlma": ("MLMA hate speech, French part (tweets), 4 of 5 parts", "MIT", "ship",
             {"hostility": "sentiment other than exactly \"normal\" / \"normal\""}),
    "osact2020": ("OSACT4 2020 Arabic (tweets), train and dev",
                  "none stated (the repository's code is GPL-3.0)", "dev only",
                  {"hostility": "OFF / NOT_OFF", "identity_attack": "HS / NOT_OFF"}),
    "offenseval2020tr": ("OffensEval 2020 Turkish (tweets), training split",
                         "CC BY 2.0 (the authors' dataset card)", "ship",
                         {"hostility": "subtask_a OFF / NOT"}),
    "poleval2019": ("PolEval 2019 Task 6 (Polish tweets), training split",
                    "none stated for the texts", "dev only",
                    {"hostility": "train_tags_1 1 (harmful) / 0"}),
    "dkhate": ("DKHATE, OffensEval 2020 Danish (Reddit, Facebook, Ekstra Bladet), training split",
               "CC BY 4.0", "ship", {"hostility": "subtask_a OFF / NOT"}),
    "ogtd": ("OGTD, OffensEval 2020 Greek (tweets), training split", "none stated", "dev only",
             {"hostility": "subtask_a OFF / NOT"}),
    "hasoc2019hi": ("HASOC 2019 Hindi (tweets, Facebook posts), training data", "none stated",
                    "dev only", {"hostility": "task_1 HOF / NOT", "insult": "task_2 OFFN / NONE",
                                 "profanity": "task_2 PRFN / NONE",
                                 "identity_attack": "task_2 HATE / NONE"}),
}

HELD_OUT = ("each set's held-out fifth (int(md5('modscore-heldout:' + text)) % 5 == 0, "
            "train/prepare_lang.py) is not trained on: bench/languages.sh scores it")


def counts(path):
    n = pos = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                n += 1
                pos += json.loads(line)["label"] == 1
    return n, pos


def sources(prep, lang, cat):
    out = []
    for path in sorted(glob.glob(os.path.join(prep, lang, f"*-{cat}-train.jsonl"))):
        name = os.path.basename(path)[:-len(f"-{cat}-train.jsonl")]
        if name not in SETS:
            sys.exit(f"lang_cards.py: {path}: set {name} is not in SETS")
        what, licence, use, rules = SETS[name]
        n, pos = counts(path)
        out.append({"set": name, "what": what, "label_rule": rules[cat], "rows": n,
                    "positives": pos, "licence": licence, "use": use})
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: lang_cards.py MODELS_DIR PREP_DIR [LANG...]")
    models, prep, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    for card_path in sorted(glob.glob(os.path.join(models, "*", "*", "card.json"))):
        cat_dir = os.path.dirname(card_path)
        lang = os.path.basename(os.path.dirname(cat_dir))
        if only and lang not in only:
            continue
        with open(card_path, encoding="utf-8") as f:
            card = json.load(f)
        if card.get("language", "en") != lang:
            continue  # a first-level directory of English (models/lexicons/...) has no card
        src = sources(prep, lang, card["category"])
        if not src:
            sys.exit(f"lang_cards.py: {card_path}: no training file in {prep}/{lang}")
        dev = sorted(s["set"] for s in src if s["use"] == "dev only")
        card["sources"] = {
            "sets": src,
            "held_out": HELD_OUT,
            "shipped": "weights only (model.svm, idf.bin): no text of any set is in the "
                       "directory" + (f"; learned in part from dev-only sets ({', '.join(dev)}), "
                                      "whose text may not be shipped" if dev else ""),
        }
        tmp = card_path + ".tmp.cards"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(card, f, indent=2, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, card_path)
        print(f"lang_cards.py: {card_path}: {len(src)} sets")


if __name__ == "__main__":
    main()
