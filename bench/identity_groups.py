#!/usr/bin/env python3
"""identity_attack on groups it was not trained on: the dev split for the group settings.

Usage: bench/identity_groups.py [--modscore BIN] [--data DIR] [--config NAME=ARGS]...
ToxiGen's statements (../shared/data/toxigen-prompts: implicit hate and neutral statements
about sixteen groups; the trans file's are all in other files too, so 15 count) are split by
group into two halves (the groups in name order, alternately); each half is held out in turn: identity_attack is trained with train/build.sh's
recipe and the other half's statements (as --augment), and the held-out half is scored. Per
group: ROC AUC of its hateful statements against every neutral statement of its half (as the
functional set's per-group figure). Printed per configuration: the pooled ROC AUC, the mean
and the lowest group. Each --config is a name and extra `modscore train` arguments
(default: off="" add="--group-terms add" replace="--group-terms replace"); two trainings
each. This is where the group settings are chosen: no figure of tests/data/hatecheck is.
Only the Python standard library is used (and modscore).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "bench"))
from hatecheck_report import roc_auc  # noqa: E402

TRAIN = ["ccs-identity_attack-train", "stormfront-train", "civil-neg", "hatexplain-ia-train",
         "hateval-train", "cad-train"]


def toxigen(data):
    d = os.path.join(data, "toxigen-prompts")
    rows, seen = [], set()
    for name in sorted(os.listdir(d)):
        kind, _, rest = name.partition("_")
        if not name.endswith(".txt") or kind not in ("hate", "neutral"):
            continue
        group = rest.rsplit("_", 1)[0]
        for line in open(os.path.join(d, name), encoding="utf-8"):
            t = line.strip()
            if t and (t, kind) not in seen:
                seen.add((t, kind))
                rows.append((group, 1 if kind == "hate" else 0, t))
    return rows


def scores(bin_, model, texts, tmp):
    """identity_attack of each text by the model directory model (beside the shipped models)."""
    mdir = os.path.join(tmp, "models")
    os.makedirs(mdir, exist_ok=True)
    for link in os.listdir(os.path.join(HERE, "models")):
        target = model if link == "identity_attack" else os.path.join(HERE, "models", link)
        if os.path.lexists(os.path.join(mdir, link)):
            os.unlink(os.path.join(mdir, link))
        os.symlink(os.path.abspath(target), os.path.join(mdir, link))
    inp = "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
    out = subprocess.run([bin_, "score", "--models", mdir, "--format", "jsonl", "--output",
                          "jsonl", "--categories", "identity_attack", "-"], input=inp,
                         capture_output=True, text=True, check=True)
    return [json.loads(l)["scores"]["identity_attack"] for l in out.stdout.splitlines()]


def run(bin_, prep, rows, args, tmp):
    groups = sorted({g for g, _, _ in rows})
    half = {g: i % 2 for i, g in enumerate(groups)}
    per, pooled_s, pooled_y = {}, [], []
    for h in (0, 1):
        aug = os.path.join(tmp, "augment.jsonl")
        with open(aug, "w", encoding="utf-8") as f:
            for g, y, t in rows:
                if half[g] != h:
                    f.write(json.dumps({"text": t, "label": y}) + "\n")
        model = os.path.join(tmp, "model")
        cmd = [bin_, "train", "--task", "identity_attack", "--seed", "1", "-q", "--c", "1,2,3",
               "--min-df", "5", "--models", os.path.join(HERE, "models"), "--out", model]
        for n in TRAIN:
            cmd += ["--data", os.path.join(prep, n + ".jsonl")]
        cmd += ["--augment", os.path.join(HERE, "train/identity/civil_train.jsonl"),
                "--augment", aug] + args
        subprocess.run(cmd, check=True, capture_output=True)
        test = [r for r in rows if half[r[0]] == h]
        s = scores(bin_, model, [t for _, _, t in test], tmp)
        neg = [v for (g, y, _), v in zip(test, s) if y == 0]
        for g in groups:
            pos = [v for (gg, y, _), v in zip(test, s) if gg == g and y == 1]
            if half[g] == h and pos and neg:
                per[g] = roc_auc(pos + neg, [1] * len(pos) + [0] * len(neg))
        pooled_s += s
        pooled_y += [y for _, y, _ in test]
    return roc_auc(pooled_s, pooled_y), per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--modscore", default=os.path.join(HERE, "build", "modscore"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", "shared", "data"))
    ap.add_argument("--config", action="append")
    a = ap.parse_args()
    configs = a.config or ["off=", "add=--group-terms add", "replace=--group-terms replace"]
    rows = toxigen(a.data)
    with tempfile.TemporaryDirectory(prefix="modscore-groups.") as tmp:
        prep = os.path.join(tmp, "prep")
        subprocess.run([sys.executable, os.path.join(HERE, "train/prepare.py"), a.data, prep],
                       check=True, capture_output=True)
        for c in configs:
            name, _, args = c.partition("=")
            pooled, per = run(a.modscore, prep, rows, shlex.split(args), tmp)
            print(f"{name:10} pooled {pooled:.4f}  mean group {sum(per.values()) / len(per):.4f}"
                  f"  lowest {min(per.values()):.3f}  | "
                  + ", ".join(f"{g} {v:.2f}" for g, v in sorted(per.items())), flush=True)


if __name__ == "__main__":
    main()
