#!/bin/sh
# complexity.sh - inputs that were quadratic, each measured against linear
# inputs of the same sizes in the same run (issue 17 items 6, 7, 8). A
# ratio, not a time, so it means the same on any machine:
#
#   ratio = t(both large) / (t(first large, second small) + t(first small, second large))
#
# Linear work in both sizes gives about 1 (at most 2); work that multiplies
# the two sizes gives far more, growing with the input.
#   parents:    N comments replying to a missing parent (the lookup scanned
#               the thread per comment) / the same thread without parents
#   article_id: N distinct article lines, each followed by a comment naming
#               the first article (the lookup scanned every article)
#   deny:       a T-term deny list against a K-token comment
# and one memory ratio:
#   jsonl_rss:  peak RSS scoring N lines that each carry a different inline
#               article, over the same for N/10 lines (the stream kept every
#               article: about 10; bounded: about 1)
# Usage: bench/complexity.sh [MODSCORE] [MODELS]   (default build/modscore, models)
# Prints one line per case: name, sizes, times, ratio.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/modscore}
models=${2:-$here/models}
exec python3 - "$bin" "$models" <<'PY'
import json, os, resource, subprocess, sys, tempfile, time

bin_, models = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="ms_complexity_")

def run(args, stdin_path=None):
    """Seconds and peak RSS (KiB) of one modscore run; the output is dropped."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.monotonic()
    with open(stdin_path or os.devnull, "rb") as inp:
        p = subprocess.run([bin_] + args, stdin=inp, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    dt = time.monotonic() - t
    if p.returncode not in (0, 1, 2):
        sys.exit("modscore %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[:300]))
    return dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

def write(name, lines):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.writelines(lines)
    return path

def best(args, stdin_path=None, repeats=3):
    return min(run(args, stdin_path)[0] for _ in range(repeats))

def report(name, sizes, big, a, b):
    print("%-10s %-28s t=%.3fs  linear parts %.3fs + %.3fs  ratio %.2f"
          % (name, sizes, big, a, b, big / (a + b)))

score = ["score", "-q", "--models", models, "-o", "jsonl", "--jobs", "1"]

# parents: N comments (x parent "missing") in one JSON document
def thread(n, with_parent):
    cs = [{"id": "c%d" % i, "text": "fine", **({"parent": "missing"} if with_parent else {})}
          for i in range(n)]
    return write("thread_%d_%d.json" % (n, with_parent), [json.dumps({"comments": cs})])

n_big, n_small = 40000, 400
t_big = best(score + [thread(n_big, True)])
t_a = best(score + [thread(n_big, False)])   # many comments, no lookups
t_b = best(score + [thread(n_small, True)])  # few comments with lookups
report("parents", "N=%d" % n_big, t_big, t_a, t_b)

# article_id: N article lines, each followed by a comment naming a0
def articles(n, name_first):
    out = []
    for i in range(n):
        out.append(json.dumps({"article": {"id": "a%d" % i, "title": "Article %d" % i}}) + "\n")
        c = {"id": "c%d" % i, "text": "fine"}
        if name_first:
            c["article_id"] = "a0"
        out.append(json.dumps(c) + "\n")
    return write("articles_%d_%d.jsonl" % (n, name_first), out)

t_big = best(score + [articles(n_big, True)])
t_a = best(score + [articles(n_big, False)])
t_b = best(score + [articles(n_small, True)])
report("article_id", "N=%d" % n_big, t_big, t_a, t_b)

# deny: T terms x a K-token comment
def policy(t):
    terms = ["zq%dx term%d" % (i, i) for i in range(t)]
    path = os.path.join(tmp, "policy_%d.json" % t)
    with open(path, "w") as f:
        json.dump({"name": "bench", "deny": terms}, f)
    return path

def comment(k):
    words = ("you are a %d fine word" % i for i in range(k // 5 + 1))
    return write("comment_%d.jsonl" % k, [json.dumps({"id": "1", "text": " ".join(words)}) + "\n"])

t_terms, k_tokens = 100000, 43000
t_big = best(score + ["--policy", policy(t_terms), comment(k_tokens)])
t_a = best(score + ["--policy", policy(t_terms), comment(5)])
t_b = best(score + ["--policy", policy(100), comment(k_tokens)])
report("deny", "T=%d K=%d" % (t_terms, k_tokens), t_big, t_a, t_b)

# jsonl_rss: each line a different inline article of about 2 KB
def inline(n):
    body = "word " * 400
    return write("inline_%d.jsonl" % n, [
        json.dumps({"id": "c%d" % i, "text": "fine",
                    "article": {"id": "a%d" % i, "title": "T%d" % i, "body": body}}) + "\n"
        for i in range(n)])

def peak(path):
    # a fresh interpreter per run: RUSAGE_CHILDREN keeps the largest child so far
    code = ("import resource,subprocess,sys;"
            "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, bin_] + score + [path],
                         capture_output=True, text=True).stdout
    return int(out)

big, small = peak(inline(50000)), peak(inline(5000))
print("%-10s %-28s peak %d KiB over %d KiB  ratio %.2f"
      % ("jsonl_rss", "N=50000 / N=5000", big, small, big / small))
subprocess.run(["rm", "-rf", tmp])
PY
