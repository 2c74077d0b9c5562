#!/bin/sh
# serve_e2e.sh MODSCORE MODELS - `modscore serve` end to end with curl: a
# Perspective-only client (Coral Talk style) gets TOXICITY scores and spans,
# SIGHUP reloads (a broken model is refused), SIGTERM drains and exits 0.
set -u
. "$(dirname "$0")/port.sh"
BIN=${1:?usage: serve_e2e.sh MODSCORE MODELS}
MODELS=${2:?usage: serve_e2e.sh MODSCORE MODELS}
command -v curl >/dev/null 2>&1 || { echo "curl not installed: skipped"; exit 77; }
T=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
cp -r "$MODELS" "$T/models"
fail() { echo "FAIL: $*"; echo "--- server log"; cat "$T/log"; exit 1; }

"$BIN" serve --listen 127.0.0.1:0 --models "$T/models" --threads 2 2>"$T/log" &
PID=$!
PORT=$(listening_port "$T/log")
[ -n "$PORT" ] || fail "server did not start"
URL=http://127.0.0.1:$PORT

# what a Perspective client sends, unchanged but for the endpoint
out=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
    "$URL/v1alpha1/comments:analyze?key=IGNORED" -d '{"comment":{"text":"You are a stupid idiot."},
     "languages":["en"],"requestedAttributes":{"TOXICITY":{}},"doNotStore":true,
     "spanAnnotations":true}')
code=$(echo "$out" | tail -n1)
[ "$code" = 200 ] || fail "analyze: $out"
# a clear insult answers high on Perspective's scale: above Coral's 0.8 (hostility's map tops
# out at the share of raters of its highest-scored held-out comments, 0.87 since issue 22)
echo "$out" | grep -q '"TOXICITY":{"summaryScore":{"value":0\.[89][0-9]*,"type":"PROBABILITY"}' \
    || fail "analyze: no high TOXICITY summaryScore: $out"
echo "$out" | grep -q '"spanScores":\[{"begin":' || fail "analyze: no spanScores: $out"

# check answers what `modscore check` prints
want=$("$BIN" check --models "$T/models" --text 'You are a stupid idiot.')
got=$(curl -s -H 'Content-Type: application/json' "$URL/v1/check" -d '{"text":"You are a stupid idiot."}')
[ "$want" = "$got" ] || fail "check differs: $got vs $want"

[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" = 200 ] || fail healthz
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")" = 404 ] || fail 404
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/score")" = 405 ] || fail 405
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$URL/v1/check" \
    -d '{')" = 400 ] || fail 400
# a form post (what any web page can send without asking) is refused
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/check" -d '{"text":"hi"}')" = 415 ] \
    || fail "a form-encoded post was not refused"
curl -s "$URL/metrics" | grep -q '^modscore_model_info{category="hostility"' || fail metrics

# SIGHUP with a broken model: refused, the old one keeps answering
echo '{"format":1,' > "$T/models/hostility/card.json"
kill -HUP "$PID"
for _ in $(seq 50); do grep -q 'reload refused' "$T/log" && break; sleep 0.1; done
grep -q 'reload refused' "$T/log" || fail "broken model was not refused"
got=$(curl -s -H 'Content-Type: application/json' "$URL/v1/check" -d '{"text":"You are a stupid idiot."}')
[ "$want" = "$got" ] || fail "after a refused reload: $got"
# a good reload
cp "$MODELS/hostility/card.json" "$T/models/hostility/card.json"
kill -HUP "$PID"
for _ in $(seq 50); do grep -q 'reloaded models' "$T/log" && break; sleep 0.1; done
grep -q 'reloaded models' "$T/log" || fail "reload failed"

# one log line per request, without comment text
grep -q ' POST /v1alpha1/comments:analyze 200 ' "$T/log" || fail "no request log line"
grep -q 'stupid idiot' "$T/log" && fail "comment text in the log"

kill -TERM "$PID"
wait "$PID"
rc=$?
[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM"
grep -q 'stopped' "$T/log" || fail "no clean stop"
echo "serve_e2e: ok"
