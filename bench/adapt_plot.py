#!/usr/bin/python3
"""Draws bench/adapt.sh's learning curves as one small SVG (no plotting
library): a panel per site, ROC AUC against k decisions (log scale), one
line per system, the mean over the draws.

Usage: adapt_plot.py RESULTS.jsonl OUT.svg"""
import json
import math
import sys
from collections import defaultdict

SYSTEMS = [("shipped", "#888", "shipped model"), ("alone", "#d08c00", "trained on k alone"),
           ("sklearn", "#7a52b3", "scikit-learn LR on k"), ("prior", "#2f9e6e", "adapted: prior"),
           ("feature", "#2f5fb3", "adapted: feature"), ("both", "#b3261e", "adapted: both")]


def main(src, dst):
    rows = [json.loads(l) for l in open(src) if l.strip()]
    sites = list(dict.fromkeys(r["site"] for r in rows))
    mean = defaultdict(list)
    for r in rows:
        for s, _, _ in SYSTEMS:
            mean[(r["site"], s, r["k"])].append(r[s])
    pw, ph, pad = 230, 170, 36
    cols = 3
    nrow = (len(sites) + cols - 1) // cols
    w, h = cols * (pw + pad) + pad, nrow * (ph + pad + 14) + pad + 70
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="11">', f'<rect width="{w}" height="{h}" fill="#fff"/>']
    kx = lambda k, x0: x0 + (math.log(k) - math.log(50)) / (math.log(1000) - math.log(50)) * pw
    ay = lambda a, y0: y0 + ph - (a - 0.4) / 0.6 * ph
    for i, site in enumerate(sites):
        x0 = pad + (i % cols) * (pw + pad)
        y0 = pad + 14 + (i // cols) * (ph + pad + 14)
        out.append(f'<text x="{x0}" y="{y0 - 6}" font-weight="bold">{site}</text>')
        out.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="#ccc"/>')
        for a in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
            y = ay(a, y0)
            out.append(f'<line x1="{x0}" x2="{x0 + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">{a:.1f}</text>')
        ks = sorted({r["k"] for r in rows if r["site"] == site})
        for k in (50, 100, 300, 1000):
            out.append(f'<text x="{kx(k, x0):.1f}" y="{y0 + ph + 13}" text-anchor="middle">{k}</text>')
        for s, colour, _ in SYSTEMS:
            pts = [(kx(k, x0), ay(sum(mean[(site, s, k)]) / len(mean[(site, s, k)]), y0))
                   for k in ks if mean[(site, s, k)]]
            if pts:
                d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
                out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"/>')
                out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in pts)
    ly = h - 50
    out.append(f'<text x="{pad}" y="{ly - 8}">ROC AUC on the rest of the site against k decisions '
               f'(mean of the draws; bench/adapt.sh)</text>')
    for j, (s, colour, label) in enumerate(SYSTEMS):
        x, y = pad + (j % 3) * 220, ly + 10 + (j // 3) * 18
        out.append(f'<line x1="{x}" x2="{x + 18}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{x + 22}" y="{y + 4}">{label}</text>')
    out.append("</svg>")
    open(dst, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
