#!/usr/bin/env python3
"""Measure how often a comment written in another language than its article is off-topic,
and write it into the off-topic card as "language_mismatch".

Usage: train/language_mismatch.py MODSCORE MODELS_DIR PREP_DIR [--write]
  PREP_DIR   prepare.py's semeval-train.jsonl and semeval-test.jsonl: every SemEval-2016 3A
             comment of train-part2 judged Good or Bad against its own thread's question
             (Bad = off-topic), with the question as its article
The rule (src/offlang.c, src/scorer.c): on a site that publishes in one language (the policy's
"language"), a comment that language detection decisively puts in none of its article's
language (the article's own decisive detection, else the site's) scores off_topic at least the
card's language_mismatch score, with the reason "written in X, the article is in Y". The
comments are scored by `modscore score` under a policy whose language is English (the forum's
only language) and the rule's marks counted among the Bad and the Good comments. The score is
the share of marked comments that are Bad, with one Bad and one Good added (Laplace: a handful
of marks cannot make it 0 or 1). While measuring, the card carries a provisional score of 1
(the rule marks a comment whatever the score; 1 flags every mark, so its reason shows); without
--write the card is put back as it was. Only the standard library is used.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from perspective_scale import write_card  # noqa: E402

MARK = "written in "


def score(modscore, models, policy, rows_path):
    out = subprocess.run([modscore, "score", "--output", "jsonl", "--models", models,
                          "--policy", policy, rows_path],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    args = [a for a in sys.argv[1:] if a != "--write"]
    if len(args) != 3:
        sys.exit(__doc__)
    modscore, models, prep = args
    card_path = os.path.join(models, "off_topic", "card.json")
    with open(card_path, encoding="utf-8") as f:
        card = json.load(f)
    original = dict(card)
    with tempfile.TemporaryDirectory() as tmp:
        rows_path = os.path.join(tmp, "semeval.jsonl")
        rows = []
        with open(rows_path, "w", encoding="utf-8") as out:
            for name in ("semeval-train.jsonl", "semeval-test.jsonl"):
                for line in open(os.path.join(prep, name), encoding="utf-8"):
                    r = json.loads(line)
                    r["id"] = str(len(rows))
                    rows.append(r)
                    out.write(json.dumps(r, ensure_ascii=False) + "\n")
        policy = os.path.join(tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump({"language": "en"}, f)
        card["language_mismatch"] = {"score": 1}
        write_card(card_path, card)
        try:
            got = score(modscore, models, policy, rows_path)
        finally:
            write_card(card_path, original)
    assert len(got) == len(rows)
    bad = sum(r["label"] for r in rows)
    good = len(rows) - bad
    marked = [(r, g) for r, g in zip(rows, got)
              if any(x.get("category") == "off_topic" and MARK in (x.get("detail") or "")
                     for x in g.get("reasons", []))]
    m_bad = sum(r["label"] for r, _ in marked)
    m_good = len(marked) - m_bad
    p = round((m_bad + 1) / (len(marked) + 2), 4)
    entry = {
        "score": p,
        "measured": (f"SemEval-2016 3A train-part2, every comment judged Good or Bad against its "
                     f"thread's question, scored under a policy whose language is English: the "
                     f"rule marks {m_bad} of {bad} Bad and {m_good} of {good} Good; score = "
                     f"(Bad marked + 1) / (marked + 2); train/language_mismatch.py"),
        "marked": [{"language": g.get("language"), "label": "Bad" if r["label"] else "Good"}
                   for r, g in marked],
    }
    print(json.dumps(entry, ensure_ascii=False, indent=2))
    if "--write" in sys.argv:
        original["language_mismatch"] = entry
        write_card(card_path, original)


if __name__ == "__main__":
    main()
