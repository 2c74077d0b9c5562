#!/usr/bin/env python3
"""Fit each model's map to Perspective's scale and write it into its card.

Usage: train/perspective_scale.py MODSCORE MODELS_DIR PREP_DIR [--write] [--json] [CATEGORY...]
  PREP_DIR   rater-*.jsonl, {"text","share":{ATTRIBUTE: share},"lang"?}, the share of a
             comment's raters who marked it so, on rows no shipped model is trained on
             (prepare_more.raters and raters_lang.py say which; "lang" is "en" when absent)
  CATEGORY   only the cards of these categories (every language's); default every card
Perspective's number is the share of readers who would call a comment toxic (or an insult, a
threat...); modscore's score is a probability calibrated on its own training mix. The step is
generic: for every card (MODELS_DIR/CATEGORY/card.json and MODELS_DIR/LANG/CATEGORY/card.json)
whose "perspective_attribute" has rater rows in the card's language, the rows are scored by
that card's model (`modscore score`, the language declared), split by a stable hash of the
text into a fit part (4 in 5) and a check part, and on the fit part the share is regressed on
the score: the score's bins (fixed edges, merged until each holds 40 rows), each source
weighing the same in total (so that no single corpus sets the scale), pooled adjacent
violators for a non-decreasing share, and the bins' (mean score, share) as the knots of a
piecewise-linear map from score 0 to 1; above the top bin's mean score the map goes on along its
last segment up to score 1 (capped at 1), where it stayed flat: the top bin of a rare attribute
holds every row from a low score up (threat: 0.12-1.0, mean score 0.39) and a flat top answered a
0.99 with that bin's mean share (0.24), though the share goes on rising with the score inside it.
(Cross-validated on the fit part alone, five folds by another hash, with the merge of a small top
bin fixed too, before -> after: Brier threat 0.01350 -> 0.01343, profanity 0.02072 -> 0.02056,
insult 0.04837 -> 0.04831, severe_toxicity 0.01652 -> 0.01649, identity_attack and TOXICITY
+0.00001.) On the check part: a reliability table (mean
predicted share against mean observed share, by predicted share; before: the score itself)
and, at Perspective thresholds 0.5, 0.7, 0.8 and 0.9, precision and recall against "most
raters marked it" (share >= 0.5), for the score itself (before) and the map (after).
--write puts {"score","share","fitted_on","check"} into the card as "perspective_scale"
(card.c reads score and share; the rest is for people), and the kinds' maps (INCLUDES, below)
as "perspective_includes". A card whose attribute has no rater rows in its language gets no map
and says so ("perspective_scale_fallback"): its Perspective answer is the model's own
calibrated probability, and the README says which answers those are. train/build.sh runs this
after each model it trains (a retrained model is refit).
--json prints each card's check as JSON. Only the standard library is used.
"""
import glob
import json
import os
import subprocess
import sys

EDGES = [0, .01, .02, .03, .05, .075, .1, .15, .2, .25, .3, .4, .5, .6, .7, .8, .9, .95, 1.0001]
MIN_BIN = 40
THRESHOLDS = (0.5, 0.7, 0.8, 0.9)
# Perspective's attributes that are kinds of another: a threat, an identity attack and a
# very toxic comment are toxic. For each kind a model of the card's language answers, the map
# from that model's score to the share of raters marking the comment as the card's attribute
# (what share call a comment toxic at that threat score) is fitted on the same rows, and the
# endpoint answers the attribute with the highest of its own mapped score and the kinds' scores
# read through those maps where that reading is at least REACH, Perspective's lowest
# moderation threshold ("perspective_includes", "from"): a kind's evidence counts once it
# alone puts the comment in the range sites moderate at. Below it, measured, the kinds only
# cost precision (TOXICITY at 0.5 on the check rows, with a severe_toxicity model: 0.803 ->
# 0.750 counted from 0, 0.801 from 0.7; the same figures at 0.7-0.9). A kind whose reading
# never reaches REACH is left out and the card says why (bench/persp_combine.py, README).
INCLUDES = {"TOXICITY": ["THREAT", "IDENTITY_ATTACK", "SEVERE_TOXICITY"]}
REACH = 0.7


def bucket(text):
    h = 2166136261
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h % 5


def load(prep):
    rows = []
    for path in sorted(glob.glob(f"{prep}/rater-*.jsonl")):
        src = os.path.basename(path)[6:-6]
        with open(path, encoding="utf-8") as f:
            rows += [dict(json.loads(l), source=src) for l in f]
    for r in rows:
        r.setdefault("lang", "en")
    return rows


def cards(models, only):
    """(path, card) of every card that names a Perspective attribute: MODELS/CAT and
    MODELS/LANG/CAT, categories in only (all when empty)."""
    out = []
    for path in sorted(glob.glob(f"{models}/*/card.json") + glob.glob(f"{models}/*/*/card.json")):
        with open(path, encoding="utf-8") as f:
            card = json.load(f)
        if card.get("perspective_attribute") and (not only or card.get("category") in only):
            out.append((path, card))
    return out


def score(modscore, models, card, rows, tmp):
    """Every category's score of each row ({category: score}; empty where the language routing
    read the row as another language than the card's). The rows are scored
    with the model
    set (every directory of MODELS_DIR, linked) and the site's language set to the card's,
    so that a row is read as that language unless it is decisively another."""
    lang = card.get("language", "en")
    os.makedirs(tmp)
    try:
        for name in os.listdir(models):
            if name != "policy.json":
                os.symlink(os.path.abspath(f"{models}/{name}"), f"{tmp}/{name}")
        with open(f"{tmp}/policy.json", "w", encoding="utf-8") as f:
            json.dump({"language": lang}, f)
        with open(f"{tmp}/rows.jsonl", "w", encoding="utf-8") as f:
            for i, r in enumerate(rows):
                f.write(json.dumps({"id": str(i), "text": r["text"]}, ensure_ascii=False) + "\n")
        out = subprocess.run([modscore, "score", "--models", tmp, "--quiet", "--format", "jsonl",
                              "--output", "jsonl", f"{tmp}/rows.jsonl"],
                             check=True, capture_output=True, text=True).stdout.splitlines()
    finally:
        for name in os.listdir(tmp):
            os.unlink(f"{tmp}/{name}")
        os.rmdir(tmp)
    recs = [json.loads(l) for l in out]
    # a row read as another language was scored by that language's models (the same
    # category names): not this card's model
    return [r.get("scores", {}) if r.get("language", lang).split("-")[0] == lang.split("-")[0]
            else {} for r in recs]


def pav(ys, ws):
    """Weighted pooled adjacent violators: the non-decreasing fit of ys."""
    blocks = []  # [value, weight, count]
    for y, w in zip(ys, ws):
        blocks.append([y, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            b = blocks.pop()
            a = blocks[-1]
            a[0] = (a[0] * a[1] + b[0] * b[1]) / (a[1] + b[1])
            a[1] += b[1]
            a[2] += b[2]
    out = []
    for v, _, n in blocks:
        out += [v] * n
    return out


def top(xs, ys):
    """The map's share at score 1: the last segment of the bins' knots (non-decreasing after
    pav) carried on from the top bin's mean score, capped at 1; flat when there is one bin."""
    if len(xs) < 2 or not xs[-2] < xs[-1] < 1:
        return ys[-1]
    slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    return min(1.0, ys[-1] + slope * (1 - xs[-1]))


def fit(pts):
    """pts: (score, share, weight). Knots (score, share) of the monotone map."""
    bins = [[] for _ in EDGES[:-1]]
    for p in pts:
        k = next(i for i in range(len(EDGES) - 1) if p[0] < EDGES[i + 1])
        bins[k].append(p)
    merged = []
    for b in bins:  # merge small bins into the next, the last into the one before
        if merged and len(merged[-1]) < MIN_BIN:
            merged[-1] += b
        elif b:
            merged.append(b)
    if len(merged) > 1 and len(merged[-1]) < MIN_BIN:
        last = merged.pop()  # not merged[-2] += merged.pop(): that stored into the bin before
        merged[-1] += last
    xs = [sum(p[0] * p[2] for p in b) / sum(p[2] for p in b) for b in merged]
    ys = [sum(p[1] * p[2] for p in b) / sum(p[2] for p in b) for b in merged]
    ws = [sum(p[2] for p in b) for b in merged]
    ys = pav(ys, ws)
    knots = [(0.0, ys[0])] + [(x, y) for x, y in zip(xs, ys) if 0 < x < 1] + [(1.0, top(xs, ys))]
    out = []
    for x, y in knots:  # strictly ascending scores
        x, y = round(x, 6), round(y, 6)
        if not out or x > out[-1][0]:
            out.append((x, y))
    return out


def apply(knots, v):
    for k in range(1, len(knots)):
        if v <= knots[k][0]:
            (x0, y0), (x1, y1) = knots[k - 1], knots[k]
            return y0 + (y1 - y0) * (v - x0) / (x1 - x0)
    return knots[-1][1]


def pr(pred, gold, w, t):
    """Precision and recall at t, each row weighing w (each source the same in total)."""
    tp = sum(x for p, g, x in zip(pred, gold, w) if p >= t and g)
    fp = sum(x for p, g, x in zip(pred, gold, w) if p >= t and not g)
    pos = sum(x for g, x in zip(gold, w) if g)
    return {"threshold": t, "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / pos, 4) if pos else None,
            "flagged_rows": sum(1 for p in pred if p >= t)}


def reliability(pred, obs, w):
    out = []
    for lo, hi in ((0, .1), (.1, .3), (.3, .5), (.5, .7), (.7, .9), (.9, 1.01)):
        idx = [i for i, p in enumerate(pred) if lo <= p < hi]
        if idx:
            tw = sum(w[i] for i in idx)
            out.append({"predicted": [lo, min(hi, 1.0)], "rows": len(idx),
                        "mean_predicted": round(sum(pred[i] * w[i] for i in idx) / tw, 4),
                        "mean_observed": round(sum(obs[i] * w[i] for i in idx) / tw, 4)})
    return out


def check_of(rows, chk, raw, mapped, attr, sources):
    obs = [rows[i]["share"][attr] for i in chk]
    gold = [o >= 0.5 for o in obs]
    csize = {}
    for i in chk:
        csize[rows[i]["source"]] = csize.get(rows[i]["source"], 0) + 1
    w = [1.0 / csize[rows[i]["source"]] for i in chk]
    return {"rows": len(chk), "sources": {s: csize.get(s, 0) for s in sources},
            "majority_marked": sum(gold),
            "weights": "each source the same in total",
            "reliability": reliability(mapped, obs, w),
            "reliability_before": reliability(raw, obs, w),
            "before": [pr(raw, gold, w, t) for t in THRESHOLDS],
            "after": [pr(mapped, gold, w, t) for t in THRESHOLDS]}


def report(name, attr, pts, size, knots, check):
    print(f"{name} ({attr}): {len(pts)} fit rows from {', '.join(sorted(size))}; "
          f"knots {knots}")
    print(f"  check: {check['rows']} rows, {check['majority_marked']} most raters marked")
    for b, r in zip(check["before"], check["after"]):
        print(f"  at {b['threshold']}: before P {b['precision']} R {b['recall']}"
              f" | after P {r['precision']} R {r['recall']}")
    for r in check["reliability"]:
        print(f"  predicted {r['predicted'][0]}-{r['predicted'][1]}: {r['rows']} rows, "
              f"mean predicted {r['mean_predicted']}, observed {r['mean_observed']}")


def write_card(path, card):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(card, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def weights(rows, idx):
    size = {}
    for i in idx:
        size[rows[i]["source"]] = size.get(rows[i]["source"], 0) + 1
    return [1.0 / size[rows[i]["source"]] for i in idx], size


def fit_card(modscore, models, path, card, rows, prep, kinds):
    """Fits one card's map and, for the kinds of its attribute (INCLUDES) that a card of
    kinds ({attribute: category} in its language) answers, the maps of their scores on its
    scale. Returns (knots, check, fitted_on, includes, left_out), or None without rater rows."""
    attr, lang, cat = card["perspective_attribute"], card.get("language", "en"), card["category"]
    mine = [r for r in rows if r["lang"] == lang and attr in r["share"]]
    if not mine:
        return None
    sc = score(modscore, models, card, mine, f"{prep}/rater-scoring.tmp")
    idx = [i for i, v in enumerate(sc) if cat in v]
    fit_idx = [i for i in idx if bucket(mine[i]["text"])]
    if not fit_idx:
        return None
    w, size = weights(mine, fit_idx)
    pts = [(sc[i][cat], mine[i]["share"][attr], x) for i, x in zip(fit_idx, w)]
    knots = fit(pts)
    chk = [i for i in idx if not bucket(mine[i]["text"])]
    raw = [sc[i][cat] for i in chk]
    mapped = [apply(knots, v) for v in raw]
    check = check_of(mine, chk, raw, mapped, attr, sorted(size))
    report(os.path.relpath(os.path.dirname(path), models), attr, pts, size, knots, check)
    fitted_on = (f"{len(pts)} rows with rater shares ({', '.join(sorted(size))}; 4 in 5 by "
                 "text hash, each source weighing the same), train/perspective_scale.py")
    includes, left_out = [], {}
    for kind in INCLUDES.get(attr, []):
        kc = kinds.get(kind)
        if not kc or any(kc not in sc[i] for i in idx):
            continue
        km = fit([(sc[i][kc], mine[i]["share"][attr], x) for i, x in zip(fit_idx, w)])
        if km[-1][1] < REACH:
            left_out[kind] = (f"{kc}'s score read on {attr}'s scale tops out at "
                              f"{km[-1][1]:.2f}, below {REACH}")
            continue
        includes.append({"attribute": kind, "score": [k[0] for k in km],
                         "share": [k[1] for k in km], "from": REACH, "category": kc})
        mapped = [max(m, u if u >= REACH else 0)
                  for m, u in ((m, apply(km, sc[i][kc])) for m, i in zip(mapped, chk))]
    if includes:
        check["with_includes"] = check_of(mine, chk, raw, mapped, attr, sorted(size))
        print(f"  with {', '.join(x['attribute'] for x in includes)}: " + ", ".join(
            f"at {a['threshold']} P {a['precision']} R {a['recall']}"
            for a in check["with_includes"]["after"]))
    for kind, why in left_out.items():
        print(f"  {kind} left out: {why}")
    return knots, check, fitted_on, includes, left_out


USED_BY = ("the Perspective endpoint only (comments:analyze: summaryScore, spanScores, "
           "scoreThreshold); score, check, /v1/check, /v1/score, the reports and the policy's "
           "thresholds keep the model's own score")
FALLBACK = ("no rater-level data for this attribute in this language: Perspective's answer is "
            "the model's own calibrated probability (not a share of raters); "
            "train/perspective_scale.py")


def main():
    a = [x for x in sys.argv[1:] if not x.startswith("--")]
    if len(a) < 3:
        sys.exit(__doc__)
    modscore, models, prep = a[:3]
    rows = load(prep)
    every = cards(models, set())
    for path, card in cards(models, set(a[3:])):
        lang = card.get("language", "en")
        kinds = {c["perspective_attribute"]: c["category"] for _, c in every
                 if c.get("language", "en") == lang}
        got = fit_card(modscore, models, path, card, rows, prep, kinds)
        if got and "--json" in sys.argv:
            print(json.dumps({"card": path, "knots": got[0], "check": got[1]}))
        if "--write" not in sys.argv:
            continue
        for key in ("perspective_includes", "perspective_includes_left_out"):
            card.pop(key, None)
        if got:
            knots, check, fitted_on, includes, left_out = got
            card.pop("perspective_scale_fallback", None)
            card["perspective_scale"] = {"score": [k[0] for k in knots],
                                         "share": [k[1] for k in knots],
                                         "used_by": USED_BY, "fitted_on": fitted_on,
                                         "check": check}
            if includes:
                card["perspective_includes"] = includes
            if left_out:
                card["perspective_includes_left_out"] = left_out
        else:
            print(f"{path}: {card['perspective_attribute']}: no rater rows in "
                  f"{card.get('language', 'en')}, no map (the fallback)")
            card.pop("perspective_scale", None)
            card["perspective_scale_fallback"] = FALLBACK
        write_card(path, card)


if __name__ == "__main__":
    main()
