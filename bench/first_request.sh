#!/bin/bash
# first_request.sh MODSCORE [ROUNDS] [SERVE_OPTION...] - the first request after `modscore serve`
# starts and after a reload (SIGHUP), against the second, over loopback: the median of ROUNDS
# server starts, in milliseconds (curl's time_total). ROUTE=check: POST /v1/check; else a
# TOXICITY analyze. `--lazy` against the default (the warm-up) gives the README's figures.
set -u
bin=$1; rounds=${2:-7}; shift 2 || shift $#
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# ROUTE=check: POST /v1/check (every category the policy scores); else a TOXICITY analyze
if [ "${ROUTE:-analyze}" = check ]; then
  path=/v1/check; req='{"text":"You are a complete idiot and everyone here knows it."}'
else
  path=/v1alpha1/comments:analyze
  req='{"comment":{"text":"You are a complete idiot and everyone here knows it."},"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}'
fi
ask() { curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' -d "$req" "http://127.0.0.1:$1$path"; }
for r in $(seq "$rounds"); do
  "$bin" serve --listen 127.0.0.1:0 "$@" 2>"$tmp/log" & pid=$!
  port=
  for _ in $(seq 200); do
    port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$tmp/log" | head -1)
    [ -n "$port" ] && break; sleep 0.05
  done
  [ -n "$port" ] || { cat "$tmp/log"; exit 1; }
  sleep 0.3  # a warm-up at start runs before "listening"; this is for the reload's
  first=$(ask "$port"); second=$(ask "$port")
  kill -HUP $pid; sleep 1
  reload=$(ask "$port"); after=$(ask "$port")
  echo "$first $second $reload $after" >>"$tmp/t"
  kill $pid; wait $pid 2>/dev/null
done
python3 - "$tmp/t" <<'PY'
import sys, statistics
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
names = ("first after start", "second", "first after reload", "second after reload")
for i, n in enumerate(names):
    v = [r[i] * 1000 for r in rows]
    print(f"{n}: median {statistics.median(v):.2f} ms (min {min(v):.2f}, max {max(v):.2f}, {len(v)} starts)")
PY
