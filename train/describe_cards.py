#!/usr/bin/env python3
"""Write each model's definition and labelling rule into its card (train/build.sh).

Usage: train/describe_cards.py DEFINITIONS MODELS_DIR [CATEGORY...]
  DEFINITIONS  train/definitions.json: {category: {"definition": ..., "labels": ...}}
  CATEGORY     only these (default every category DEFINITIONS names)
For every such category whose MODELS_DIR/CATEGORY/card.json exists, sets the card's
"definition" (what the score means, in Perspective's words where it answers one of its
attributes) and "labels" (which rows are 1 and 0, and what is held out). The loader ignores
both; they are for people reading the card. Only the Python standard library is used.
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        defs = json.load(f)
    only = sys.argv[3:]
    for cat, d in defs.items():
        if only and cat not in only:
            continue
        path = os.path.join(sys.argv[2], cat, "card.json")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            card = json.load(f)
        card["definition"], card["labels"] = d["definition"], d["labels"]
        tmp = path + ".tmp.describe"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(card, f, indent=2, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, path)


if __name__ == "__main__":
    main()
