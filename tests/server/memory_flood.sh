#!/bin/sh
# memory_flood.sh MODSCORE MODELS [SANITIZED] - the server's memory under a flood of
# JSON that is cheap to send and dear to parse (issue 23): ten concurrent
# /v1/check requests, each a 1 MB body of {"text":"hi","x":[{},{},...]}.
# Before, each connection's thread parsed its body outside --threads (about
# 80 MB of jansson objects each: 148 MB -> 928 MB for ten, and most of it
# stayed). Asserts a bound on the peak (VmHWM) over the idle server, and
# that the memory is given back once the burst ends. Prints the figures.
# SANITIZED is 1 in the Asan build (CMake's MS_SANITIZED).
set -u
. "$(dirname "$0")/port.sh"
BIN=${1:?usage: memory_flood.sh MODSCORE MODELS [SANITIZED]}
MODELS=${2:?usage: memory_flood.sh MODSCORE MODELS [SANITIZED]}
SANITIZED=${3:-0}
command -v curl >/dev/null 2>&1 || { echo "curl not installed: skipped"; exit 77; }
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; echo "--- server log"; tail -n 20 "$T/log"; exit 1; }
# kB of a /proc/PID/status field
kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$PID/status"; }
# what may stay after a burst: glibc's per-thread arenas keep some of what
# the connections' threads freed (4-33 MB measured over idle on a loaded
# machine); the defect this guards against kept 80 MB per connection
KEPT_MB=48
# RSS once the server has had up to 10 s to finish the burst and trim the
# heap (a loaded machine runs its last completion late)
settled_rss() {
    for _ in $(seq 20); do
        r=$(kb VmRSS)
        [ "$r" -le $((rss0 + KEPT_MB * 1024)) ] && break
        sleep 0.5
    done
    echo "$r"
}

# 1,000,000 bytes: {"text":"hi","x":[{},{},...,{}]}
awk 'BEGIN { printf "{\"text\":\"hi\",\"x\":["; n = (1000000 - 21) / 3;
             for (i = 0; i < n; i++) printf "{},"; printf "{}]}" }' > "$T/body"

"$BIN" serve --listen 127.0.0.1:0 --models "$MODELS" --threads 2 2>"$T/log" &
PID=$!
PORT=$(listening_port "$T/log")
[ -n "$PORT" ] || fail "server did not start"
URL=http://127.0.0.1:$PORT/v1/check
# warm: the models mapped and the pack filled (both are lazy: the first
# comment pays), and each of the two workers' scorers built, so that the
# bounds below measure the burst and not what any first request costs
warm=
for i in 1 2 3 4; do
    curl -s -o /dev/null -H 'Content-Type: application/json' "$URL" -d '{"text":"hello there"}' &
    warm="$warm $!"
done
wait $warm
sleep 0.5
rss0=$(kb VmRSS)
hwm0=$(kb VmHWM)

# flood BODY ROUND: ten concurrent posts of BODY; waits for every answer
flood() {
    rm -f "$T"/code* "$T"/out*
    for i in $(seq 0 9); do
        curl -s -o "$T/out$i" -w '%{http_code}\n' --max-time 120 \
            -H 'Content-Type: application/json' --data-binary "@$1" "$URL" > "$T/code$i" &
    done
    for i in $(seq 0 9); do while [ ! -s "$T/code$i" ]; do sleep 0.1; done; done
}
flood "$T/body" 1
hwm=$(kb VmHWM)
rss1=$(settled_rss)
peak=$(( (hwm > hwm0 ? hwm : hwm0) - rss0 ))
kept=$(( rss1 - rss0 ))
codes=$(cat "$T"/code* | sort | uniq -c | tr -s ' \n' ' ')
echo "memory_flood: idle RSS $((rss0 / 1024)) MB; peak $((hwm / 1024)) MB (+$((peak / 1024)) MB);" \
     "after the burst $((rss1 / 1024)) MB (+$((kept / 1024)) MB); answers:$codes"
# a body past the item limit is refused before it is parsed, and says why
grep -q 'more than 100000 JSON items' "$T/out0" || fail "no item-limit answer: $(cat "$T/out0")"
grep -q ' 413 .*refused=too-many-items' "$T/log" || fail "the log does not say why it refused"
# just under the limit: parsed, but only --threads of them at once, and the
# memory given back after the burst
awk 'BEGIN { printf "{\"text\":\"hi\",\"x\":["; for (i = 0; i < 49000; i++) printf "{},";
             printf "{}]}" }' > "$T/body2"
flood "$T/body2" 2
hwm2=$(kb VmHWM)
rss2=$(settled_rss)
peak2=$(( hwm2 - rss0 ))
kept2=$(( rss2 - rss0 ))
codes2=$(cat "$T"/code* | sort | uniq -c | tr -s ' \n' ' ')
echo "memory_flood: just under the item limit ($(wc -c < "$T/body2") bytes each): peak" \
     "$((hwm2 / 1024)) MB (+$((peak2 / 1024)) MB); after $((rss2 / 1024)) MB (+$((kept2 / 1024)) MB);" \
     "answers:$codes2"
# the server still answers
got=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$URL" \
    -d '{"text":"still here?"}')
[ "$got" = 200 ] || fail "after the flood: $got"
# AddressSanitizer's allocator keeps freed memory in quarantine (256 MB) and
# pads every block: RSS says nothing about the server's own bound there, so
# the Asan build checks the answers above and leaves the bounds to the others
if [ "$SANITIZED" = 1 ]; then
    echo "memory_flood: ok (AddressSanitizer build: RSS bounds not asserted)"
    exit 0
fi
[ "$peak" -le $((64 * 1024)) ] || fail "peak RSS grew by $((peak / 1024)) MB (bound: 64 MB)"
[ "$kept" -le $((KEPT_MB * 1024)) ] || fail "RSS after the burst is $((kept / 1024)) MB over idle (bound: $KEPT_MB MB)"
[ "$peak2" -le $((64 * 1024)) ] || fail "peak RSS grew by $((peak2 / 1024)) MB (bound: 64 MB)"
[ "$kept2" -le $((KEPT_MB * 1024)) ] || fail "RSS after the second burst is $((kept2 / 1024)) MB over idle (bound: $KEPT_MB MB)"
echo "memory_flood: ok"
