#!/bin/sh
# serve_load.sh [MODSCORE] [DURATION] - load benchmark of `modscore serve`:
# starts it on a free loopback port, runs wrk (Debian package `wrk`) against
# POST /v1/check with realistic comments (bench/check.lua) for DURATION
# (default 10s), prints requests/s, p50/p99 latency and the error count,
# then stops the server with SIGTERM. Builds nothing. Exits 1 when any
# request failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/server/port.sh"
BIN=${1:-build/modscore}
DURATION=${2:-10s}
command -v wrk >/dev/null 2>&1 || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
[ -x "$BIN" ] || { echo "no modscore binary at $BIN"; exit 2; }
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT

"$BIN" serve --listen 127.0.0.1:0 2>"$T/log" &
PID=$!
PORT=$(listening_port "$T/log")
[ -n "$PORT" ] || { echo "server did not start:"; cat "$T/log"; exit 2; }

echo "modscore serve on 127.0.0.1:$PORT; wrk -t2 -c16 -d$DURATION POST /v1/check"
wrk -t2 -c16 -d"$DURATION" --timeout 5s -s "$HERE/check.lua" "http://127.0.0.1:$PORT" \
    > "$T/wrk.out" 2>&1
cat "$T/wrk.out"

kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
echo "server exit status after SIGTERM: $rc"
echo "server log lines: $(grep -c ' POST /v1/check ' "$T/log")," \
     "non-200: $(grep ' POST /v1/check ' "$T/log" | grep -vc ' POST /v1/check 200 ')"
errors=$(sed -n 's/^total errors: //p' "$T/wrk.out")
[ "${errors:-1}" = 0 ] && [ "$rc" = 0 ]
