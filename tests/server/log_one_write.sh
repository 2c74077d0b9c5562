#!/bin/sh
# log_one_write.sh MODSCORE MODELS - each line `modscore serve` logs is one
# write(2) (issue 17.10): the "reload refused" message, which names the
# broken file, reaches stderr whole, so request lines written by the
# worker threads cannot splice into it. Watched with strace; skipped (77)
# where strace is missing or cannot trace.
set -u
. "$(dirname "$0")/port.sh"
BIN=${1:?usage: log_one_write.sh MODSCORE MODELS}
MODELS=${2:?usage: log_one_write.sh MODSCORE MODELS}
command -v strace >/dev/null 2>&1 || { echo "strace not installed: skipped"; exit 77; }
strace -f -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }
T=$(mktemp -d)
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT
cp -r "$MODELS" "$T/models"
fail() { echo "FAIL: $*"; echo "--- server log"; cat "$T/log"; exit 1; }

strace -f -qq -e trace=write -e signal=none -s 400 -o "$T/trace" \
    "$BIN" serve --listen 127.0.0.1:0 --models "$T/models" --threads 2 2>"$T/log" &
SPID=$!
PORT=$(listening_port "$T/log")
[ -n "$PORT" ] || fail "server did not start"
PID=$(pgrep -P "$SPID" | head -n1)
[ -n "$PID" ] || fail "no server process under strace"

echo '{"format":1,' > "$T/models/hostility/card.json"
kill -HUP "$PID"
for _ in $(seq 100); do grep -q 'reload refused' "$T/log" && break; sleep 0.1; done
grep -q 'reload refused' "$T/log" || fail "broken model was not refused"
kill -TERM "$PID"
wait "$SPID"
SPID=

# one write holds the whole message, its cause and the newline
grep 'write(2, "modscore: reload refused' "$T/trace" | grep -q 'card\.json.*\\n", [0-9]*) *= [0-9]*$' \
    || { grep 'reload refused' "$T/trace"; fail "the reload message took more than one write"; }
grep 'write(2, "modscore: SIGTERM' "$T/trace" | grep -q 'stopping\\n"' \
    || fail "the stop message took more than one write"
echo "log_one_write: ok"
