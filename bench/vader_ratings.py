#!/usr/bin/env python3
"""Correlates modscore's VADER compound score with human sentiment ratings.

usage: bench/vader_ratings.py VADER_EVAL [--lexicons DIR] [--data DIR]

VADER_EVAL is the built bench/vader_eval program (this script builds
nothing). It scores every *_GroundTruth.txt in the data directory (default
../shared/data/vader-ratings beside the repository: Hutto & Gilbert 2014's
tweets, movie-review and Amazon-review snippets, each rated -4..+4 by 20
people) and prints, per file, the number of sentences and the Pearson
correlation between the compound score and the mean human rating. The
VADER paper reports r = 0.881 on the tweets.

Standard library only.
"""
import argparse
import glob
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def pearson(xs, ys):
    n = len(xs)
    mx = sum(xs) / n
    my = sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vader_eval", help="path of the built vader_eval program")
    ap.add_argument("--lexicons", default=os.path.join(REPO, "models", "lexicons"))
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "vader-ratings"))
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.data, "*_GroundTruth.txt")))
    if not files:
        sys.exit("vader_ratings: no *_GroundTruth.txt in %s" % args.data)
    out = subprocess.run([args.vader_eval, args.lexicons] + files,
                         stdout=subprocess.PIPE, check=True).stdout.decode("utf-8", "replace")
    rows = {f: ([], []) for f in files}
    for line in out.splitlines():
        path, _id, mean, comp = line.split("\t")
        rows[path][0].append(float(comp))
        rows[path][1].append(float(mean))

    print("%-40s %7s %8s" % ("file", "n", "pearson"))
    for f in files:
        comp, mean = rows[f]
        print("%-40s %7d %8.4f" % (os.path.basename(f), len(comp), pearson(comp, mean)))


if __name__ == "__main__":
    main()
