#!/bin/bash
# big_stream.sh - a JSON Lines stream is scored in bounded memory: peak RSS
# of `modscore score --format jsonl --output jsonl` on generated streams of
# 10 MB and 1 GB (and any other sizes given), piped in as they are made (the
# 1 GB stream never touches the disk) and the output counted, not kept.
# Usage: bench/big_stream.sh [BUILD_DIR] [SIZE_MB...]   (default: build 10 1024)
#   MS_JOBS=N   score --jobs N (default: modscore's own default, the cores)
# Prints a markdown table: size, comments, output lines, seconds, comments/s,
# peak RSS (the scoring process alone, from getrusage).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$here/build}")
shift || true
sizes=${*:-10 1024}
if [ ! -x "$build/modscore" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target modscore_cli >/dev/null
fi
echo "| input | comments | output lines | seconds | comments/s | peak RSS |"
echo "|---|---|---|---|---|---|"
for mb in $sizes; do
  python3 - "$build/modscore" "$here/models" "$mb" "${MS_JOBS:-}" <<'PY'
import json, random, resource, subprocess, sys, threading, time
bin, models, mb, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
target = mb * 1024 * 1024
words = ("the article says that you are right wrong idiot stupid thanks great point "
         "government policy people think about this source really never always moron "
         "agree disagree vote election war peace city news report lies truth").split()
rng = random.Random(7)
# a pool of lines, cycled with a fresh id each time (no two lines equal)
pool = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 40))) for _ in range(5000)]
cmd = [bin, "score", "-q", "--format", "jsonl", "--output", "jsonl", "--models", models, "-"]
if jobs:
    cmd[2:2] = ["--jobs", jobs]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 20)
counted = {"lines": 0}
def count():
    n = 0
    while True:
        b = p.stdout.read(1 << 20)
        if not b:
            break
        n += b.count(b"\n")
    counted["lines"] = n
t = threading.Thread(target=count)
t.start()
t0 = time.time()
sent = n = 0
buf = []
while sent < target:
    line = '{"id":"%d","text":"%s"}\n' % (n, pool[n % len(pool)])
    buf.append(line)
    sent += len(line)
    n += 1
    if len(buf) >= 10000:
        p.stdin.write("".join(buf).encode())
        buf = []
if buf:
    p.stdin.write("".join(buf).encode())
p.stdin.close()
t.join()
rc = p.wait()
dt = time.time() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB
ok = "" if rc == 0 and counted["lines"] == n else " (exit %d, %d lines for %d comments!)" % (rc, counted["lines"], n)
print("| %d MB | %d | %d | %.1f | %.0f | %.1f MB%s |" % (mb, n, counted["lines"], dt, n / dt, rss / 1024, ok))
PY
done
