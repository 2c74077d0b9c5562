#!/bin/sh
# port_in_use.sh MODSCORE MODELS - a second `modscore serve` on an address a
# first one listens on is refused (exit 69, the address named) instead of
# sharing the port and splitting requests between two model sets, two
# policies and two sets of API keys (issue 26). --reuse-port shares it only
# between servers that all asked for it.
set -u
. "$(dirname "$0")/port.sh"
BIN=${1:?usage: port_in_use.sh MODSCORE MODELS}
MODELS=${2:?usage: port_in_use.sh MODSCORE MODELS}
T=$(mktemp -d)
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; for f in "$T"/log*; do echo "--- $f"; cat "$f"; done; exit 1; }

# a second server, run in the foreground: with the fix it exits at once;
# without it, it would serve until killed (bounded here by timeout)
second() {
    timeout 20 "$BIN" serve --models "$MODELS" --threads 1 "$@" 2>"$T/log2"
}

echo 'k1' > "$T/keys"
"$BIN" serve --listen 127.0.0.1:0 --models "$MODELS" --threads 1 --api-keys "$T/keys" \
    2>"$T/log1" &
PIDS="$!"
PORT=$(listening_port "$T/log1")
[ -n "$PORT" ] || fail "first server did not start"

second --listen "127.0.0.1:$PORT"
rc=$?
[ "$rc" = 69 ] || fail "second server on the same port: exit $rc, wanted 69"
grep -q "127\.0\.0\.1:$PORT.*address already in use" "$T/log2" \
    || fail "the refusal does not name the address"
grep -q 'listening' "$T/log2" && fail "the second server said it listens"

# asking to share does not take a port whose holder did not
second --listen "127.0.0.1:$PORT" --reuse-port
rc=$?
[ "$rc" = 69 ] || fail "--reuse-port onto a server without it: exit $rc, wanted 69"

# two servers that both ask share it (a handover between two versions)
"$BIN" serve --listen 127.0.0.1:0 --models "$MODELS" --threads 1 --reuse-port 2>"$T/log3" &
PIDS="$PIDS $!"
P2=$(listening_port "$T/log3")
[ -n "$P2" ] || fail "a --reuse-port server did not start"
"$BIN" serve --listen "127.0.0.1:$P2" --models "$MODELS" --threads 1 --reuse-port \
    2>"$T/log4" &
PIDS="$PIDS $!"
listening_port "$T/log4" >/dev/null || fail "a second --reuse-port server did not start"
echo "port_in_use: ok"
