#!/usr/bin/env python3
"""TOXICITY on Perspective's scale with and without its kinds (issue 26): the mapped hostility
alone (before) against the answer the Perspective endpoint gives, the highest of it and the
scores of the kinds its card includes ("perspective_includes": THREAT, IDENTITY_ATTACK,
SEVERE_TOXICITY models, each read on TOXICITY's scale, counted from its "from").

Usage: bench/persp_combine.py MODSCORE MODELS_DIR CASES [PREP_DIR]
  CASES     tests/data/hatecheck/cases.jsonl (the functional set: "hostility" 1 hateful, 0 not)
  PREP_DIR  train/prepare.py's output: its rater-*.jsonl rows that perspective_scale.py checks
            on (the fifth by text hash that no map is fitted on), for the cost on real comments
Printed at Perspective thresholds 0.5, 0.7, 0.8 and 0.9: on the functional set, how many of its
hateful cases are flagged (all, and threats, dehumanisation, derogation, slurs apart) and of its
non-hateful ones; on the check rows, precision and recall against "most raters called it
toxic", each source weighing the same; and the issue's three sentences. Only the standard
library is used.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from perspective_scale import THRESHOLDS, apply, bucket, load, pr  # noqa: E402

GROUPS = ("threat", "threat_individual", "dehumanisation", "derogation", "slur")
SENTENCES = ("I hope someone burns down the mayor's house",
             "These people are vermin and should be deported",
             "Somebody should drag him out of the town hall and hang him")


def toxicity_card(models):
    for name in sorted(os.listdir(models)):
        path = f"{models}/{name}/card.json"
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                c = json.load(f)
            if c.get("perspective_attribute") == "TOXICITY" and c.get("language", "en") == "en":
                return c
    sys.exit(f"{models}: no English TOXICITY card")


def scores(modscore, models, texts, tmp):
    with open(tmp, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
    out = subprocess.run([modscore, "score", "--models", models, "--quiet", "--format", "jsonl",
                          "--output", "jsonl", tmp], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    os.unlink(tmp)
    return [json.loads(l)["scores"] for l in out]


def answer(card, s, kinds):
    """The endpoint's TOXICITY for scores s: the mapped own score, and with kinds the
    included kinds' readings from their floor."""
    sc = card["perspective_scale"]
    v = apply(list(zip(sc["score"], sc["share"])), s[card["category"]])
    for inc in card.get("perspective_includes", []) if kinds else []:
        if inc["category"] in s:
            u = apply(list(zip(inc["score"], inc["share"])), s[inc["category"]])
            v = u if u >= inc.get("from", 0) and u > v else v
    return v


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    modscore, models, cases_path = sys.argv[1:4]
    card = toxicity_card(models)
    with open(cases_path, encoding="utf-8") as f:
        cases = [json.loads(l) for l in f]
    cs = scores(modscore, models, [c["text"] for c in cases], "/tmp/persp_combine.jsonl")
    ss = scores(modscore, models, SENTENCES, "/tmp/persp_combine_s.jsonl")
    rows, rs = [], []
    if len(sys.argv) == 5:
        rows = [r for r in load(sys.argv[4]) if r["lang"] == "en" and "TOXICITY" in r["share"]
                and not bucket(r["text"])]
        rs = scores(modscore, models, [r["text"] for r in rows], "/tmp/persp_combine_r.jsonl")
        keep = [i for i, s in enumerate(rs) if card["category"] in s]
        rows, rs = [rows[i] for i in keep], [rs[i] for i in keep]
        size = {}
        for r in rows:
            size[r["source"]] = size.get(r["source"], 0) + 1
        w = [1.0 / size[r["source"]] for r in rows]
        gold = [r["share"]["TOXICITY"] >= 0.5 for r in rows]
    print("includes:", ", ".join(f"{i['attribute']} from {i.get('from', 0)}"
                                 for i in card.get("perspective_includes", [])) or "none",
          "; left out:", json.dumps(card.get("perspective_includes_left_out", {})))
    for kinds in (False, True):
        print("with its kinds (the endpoint)" if kinds else "hostility's map alone")
        print("  sentences:", ", ".join(f"{answer(card, s, kinds):.2f}" for s in ss))
        v = [answer(card, s, kinds) for s in cs]
        for t in THRESHOLDS:
            hate = [x >= t for x, c in zip(v, cases) if c["hostility"] == 1]
            civil = [x >= t for x, c in zip(v, cases) if c["hostility"] == 0]
            per = {g: [x >= t for x, c in zip(v, cases) if c["functionality"] == g]
                   for g in GROUPS}
            line = (f"  at {t}: hateful {sum(hate)}/{len(hate)} ("
                    + ", ".join(f"{g} {sum(f)}/{len(f)}" for g, f in per.items())
                    + f"); non-hateful {sum(civil)}/{len(civil)}")
            if rows:
                p = pr([answer(card, s, kinds) for s in rs], gold, w, t)
                line += f"; check rows P {p['precision']} R {p['recall']}"
            print(line)


if __name__ == "__main__":
    main()
