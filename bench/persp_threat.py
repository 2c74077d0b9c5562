#!/usr/bin/env python3
"""Can TOXICITY on Perspective's scale read threats higher and stay calibrated? (issue 26,
blocker 2: "I hope someone burns down the mayor's house" and "Somebody should drag him out of
the town hall and hang him" answer 0.71 and 0.70, under Coral's 0.8.) Two fitted rules are
measured against the shipped one (the highest of hostility's map and each kind's reading from
0.7, "perspective_includes"); neither is shipped (README, "TOXICITY and its kinds").

Usage: bench/persp_threat.py MODSCORE MODELS_DIR PREP_DIR [DEV.jsonl...]
  PREP_DIR  train/prepare.py's output: its English rater-*.jsonl rows with a TOXICITY share,
            split as train/perspective_scale.py splits them (4 in 5 by text hash fit, the
            fifth checks); every rule below is fitted on the fit part only
  DEV       {"text","label"} threat dev sets (default train/threat/dev.jsonl and dev2.jsonl):
            how many threats (label 1) and non-threats are flagged at 0.5 / 0.7 / 0.8 / 0.9
The rules:
  shipped      the card as it is
  threatening  THREAT's reading refitted on the fit rows most raters marked a threat (the share
               calling them toxic, by threat score, pooled adjacent violators), counted where the
               threat card's own map reads at least GATE: "what readers call a threat's
               toxicity", once the comment reads as a threat
  stack        a logistic regression of the TOXICITY share on the logits of hostility's mapped
               score and of the threat, identity_attack and severe_toxicity scores, each
               source weighing the same (a fitted combination instead of the highest)
  noisy-or     1 - prod (1 - reading)^e, the readings of hostility's map and of each kind's map
               (its include), the exponents e >= 0 fitted on the fit rows (coordinate search on
               the weighted log loss): how much each kind adds once the others are counted
For each: precision / recall on the check rows (most raters called it toxic), Brier, the
reliability table, the dev sets' flags, and the rater rows (fit and check) whose answer the rule
raises: how many, the mean answer before and after against the mean share observed. That last
line is the test of a rule that lifts threats: a rule that answers those rows above what their
raters said is not Perspective's scale. Only the standard library is used.
"""
import json
import math
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "train"))
import perspective_scale as ps  # noqa: E402

KINDS = ("threat", "identity_attack", "severe_toxicity")
GATES = (0.3, 0.5)


def knots(obj):
    return list(zip(obj["score"], obj["share"]))


def card_of(models, cat):
    with open(f"{models}/{cat}/card.json", encoding="utf-8") as f:
        return json.load(f)


def weights(rows):
    size = {}
    for r in rows:
        size[r["source"]] = size.get(r["source"], 0) + 1
    return [1.0 / size[r["source"]] for r in rows]


def logit(p, e=0.005):
    p = min(1 - e, max(e, p))
    return math.log(p / (1 - p))


def solve(a, b):
    """a x = b by Gauss-Jordan with partial pivoting (a is small and well conditioned)."""
    n = len(b)
    m = [a[i][:] + [b[i]] for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def logistic(xs, ys, ws, l2=1e-3):
    """Newton's method for weighted logistic regression on fractional targets."""
    d = len(xs[0])
    beta = [0.0] * d
    for _ in range(50):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for x, y, w in zip(xs, ys, ws):
            p = 1 / (1 + math.exp(-sum(b * v for b, v in zip(beta, x))))
            for i in range(d):
                g[i] += w * (p - y) * x[i]
                for j in range(d):
                    h[i][j] += w * p * (1 - p) * x[i] * x[j]
        for i in range(1, d):
            g[i] += l2 * sum(ws) * beta[i]
            h[i][i] += l2 * sum(ws)
        step = solve(h, g)
        beta = [b - s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return beta


class Rules:
    def __init__(self, models, fit):
        host = card_of(models, "hostility")
        self.cat = host["category"]
        self.own = knots(host["perspective_scale"])
        self.inc = [(i["category"], knots(i), i.get("from", 0))
                    for i in host.get("perspective_includes", [])]
        self.threat = knots(card_of(models, "threat")["perspective_scale"])
        marked = [r for r in fit if r["share"].get("THREAT", 0) >= 0.5]
        self.marked = ps.fit([(r["scores"]["threat"], r["share"]["TOXICITY"], 1.0)
                              for r in marked])
        self.n_marked = len(marked)
        self.beta = logistic([self.features(r["scores"]) for r in fit],
                             [r["share"]["TOXICITY"] for r in fit], weights(fit))
        self.expo = noisy_or_fit([self.readings(r["scores"]) for r in fit],
                                 [r["share"]["TOXICITY"] for r in fit], weights(fit))

    def shipped(self, s):
        v = ps.apply(self.own, s[self.cat])
        for cat, k, frm in self.inc:
            u = ps.apply(k, s[cat])
            v = u if u >= frm and u > v else v
        return v

    def threatening(self, s, gate):
        v = self.shipped(s)
        if ps.apply(self.threat, s["threat"]) >= gate:
            v = max(v, ps.apply(self.marked, s["threat"]))
        return v

    def features(self, s):
        return [1.0, logit(ps.apply(self.own, s[self.cat]))] + [logit(s[k]) for k in KINDS]

    def stack(self, s):
        return 1 / (1 + math.exp(-sum(b * v for b, v in zip(self.beta, self.features(s)))))

    def readings(self, s):
        return [ps.apply(self.own, s[self.cat])] + [ps.apply(k, s[c]) for c, k, _ in self.inc]

    def noisy_or(self, s):
        return noisy_or(self.expo, [math.log(max(1e-6, 1 - x)) for x in self.readings(s)])


def noisy_or(expo, logs):
    return min(1 - 1e-6, max(1e-6, 1 - math.exp(sum(e * v for e, v in zip(expo, logs)))))


def noisy_or_fit(xs, ys, ws):
    """Exponents >= 0 of 1 - prod (1 - x)^e minimising the weighted log loss (coordinate
    search, halving the step; the loss is smooth and the exponents few)."""
    logs = [[math.log(max(1e-6, 1 - x)) for x in row] for row in xs]

    def loss(e):
        return -sum(w * (y * math.log(q) + (1 - y) * math.log(1 - q))
                    for q, y, w in ((noisy_or(e, lg), y, w) for lg, y, w in zip(logs, ys, ws)))
    expo = [1.0] + [0.1] * (len(xs[0]) - 1)
    best, step = loss(expo), 0.2
    while step > 1e-3:
        moved = False
        for i in range(len(expo)):
            for d in (step, -step):
                e = expo[:]
                e[i] = max(0.0, e[i] + d)
                v = loss(e)
                if v < best - 1e-9:
                    best, expo, moved = v, e, True
        step = step if moved else step / 2
    return expo


def report(name, rule, ship, fit, chk, dev):
    w = weights(chk)
    obs = [r["share"]["TOXICITY"] for r in chk]
    gold = [o >= 0.5 for o in obs]
    pred = [rule(r["scores"]) for r in chk]
    brier = sum(x * (p - o) ** 2 for p, o, x in zip(pred, obs, w)) / sum(w)
    print(f"{name}: check rows Brier {brier:.4f}; P / R " + ", ".join(
        f"at {p['threshold']} {p['precision']} / {p['recall']}"
        for p in (ps.pr(pred, gold, w, t) for t in ps.THRESHOLDS)))
    print("  reliability (rows, predicted, observed): " + "; ".join(
        f"{x['rows']}, {x['mean_predicted']}, {x['mean_observed']}"
        for x in ps.reliability(pred, obs, w)))
    for src in sorted({r["source"] for r in dev}):
        line = []
        for lab, what in ((1, "threats"), (0, "others")):
            a = [rule(r["scores"]) for r in dev if r["source"] == src and r["label"] == lab]
            line.append(f"{what} " + " ".join(f"{sum(x >= t for x in a)}" for t in ps.THRESHOLDS)
                        + f" of {len(a)}")
        print(f"  {src} flagged at 0.5 0.7 0.8 0.9: " + "; ".join(line))
    for part, rows in (("fit", fit), ("check", chk)):
        w = weights(rows)
        up = [(ship(r["scores"]), rule(r["scores"]), r["share"]["TOXICITY"], x)
              for r, x in zip(rows, w) if rule(r["scores"]) > ship(r["scores"]) + 1e-9]
        if up:
            tw = sum(u[3] for u in up)
            mean = [sum(u[i] * u[3] for u in up) / tw for i in range(3)]
            print(f"  {part} rows it raises: {len(up)}, answer {mean[0]:.3f} -> {mean[1]:.3f},"
                  f" observed {mean[2]:.3f}")


def main():
    a = sys.argv[1:]
    if len(a) < 3:
        sys.exit(__doc__)
    modscore, models, prep = a[:3]
    devs = a[3:] or [os.path.join(here, "..", "train", "threat", n)
                     for n in ("dev.jsonl", "dev2.jsonl")]
    rows = [r for r in ps.load(prep) if r["lang"] == "en" and "TOXICITY" in r["share"]]
    dev = []
    for path in devs:
        with open(path, encoding="utf-8") as f:
            dev += [dict(json.loads(l), source=os.path.basename(path)) for l in f]
    en = {"language": "en"}
    for r, s in zip(rows, ps.score(modscore, models, en, rows, f"{prep}/persp-threat.tmp")):
        r["scores"] = s
    for r, s in zip(dev, ps.score(modscore, models, en, dev, f"{prep}/persp-threat.tmp")):
        r["scores"] = s
    rows = [r for r in rows if "hostility" in r["scores"]]
    fit = [r for r in rows if ps.bucket(r["text"])]
    chk = [r for r in rows if not ps.bucket(r["text"])]
    rules = Rules(models, fit)
    print(f"{len(fit)} fit rows, {len(chk)} check rows; {rules.n_marked} fit rows most raters "
          f"marked a threat; their map {rules.marked}; stack coefficients (bias, hostility's map, "
          f"{', '.join(KINDS)}) {[round(b, 3) for b in rules.beta]}; noisy-or exponents "
          f"(hostility's map, {', '.join(c for c, _, _ in rules.inc)}) "
          f"{[round(e, 3) for e in rules.expo]}")
    report("shipped", rules.shipped, rules.shipped, fit, chk, dev)
    for g in GATES:
        report(f"threatening, THREAT >= {g}", lambda s, g=g: rules.threatening(s, g),
               rules.shipped, fit, chk, dev)
    report("stack", rules.stack, rules.shipped, fit, chk, dev)
    report("noisy-or", rules.noisy_or, rules.shipped, fit, chk, dev)


if __name__ == "__main__":
    main()
