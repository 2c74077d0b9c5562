#!/bin/sh
# haproxy_reload.sh MODSCORE SOURCE_DIR - two `modscore serve` behind HAProxy
# with examples/haproxy/haproxy.cfg (its ports changed to free ones), all
# on loopback: a steady load of /v1/check requests goes through HAProxy
# while instance A is reloaded (SIGHUP), instance B is restarted (SIGTERM:
# it drains and exits; started again on its port), then A is restarted.
# Not one request may fail, and each instance must have answered requests
# after its restart. Skipped (77) without haproxy or python3.
set -u
BIN=${1:?usage: haproxy_reload.sh MODSCORE SOURCE_DIR}
SRC=${2:?usage: haproxy_reload.sh MODSCORE SOURCE_DIR}
PY=/usr/bin/python3
command -v haproxy >/dev/null 2>&1 || { echo "SKIP: haproxy is not installed"; exit 77; }
[ -x "$PY" ] || { echo "SKIP: no $PY"; exit 77; }
. "$SRC/tests/server/port.sh"
T=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; wait; rm -rf "$T"' EXIT
fail() {
  echo "FAIL: $*"
  for l in "$T"/*.log; do echo "--- $l"; tail -15 "$l"; done
  exit 1
}
served() { grep -c 'POST /v1/check 200' "$1"; }

# serve NAME [PORT]: starts an instance, logging to NAME.log (appending),
# sets its pid in pid_NAME and its port in port_NAME
serve() {
  "$BIN" serve --listen "127.0.0.1:${2:-0}" --models "$SRC/models" --threads 1 \
    --drain 10 2>"$T/$1.log" &
  eval "pid_$1=$!"
  PIDS="$PIDS $!"
  p=$(listening_port "$T/$1.log") || fail "instance $1 did not start"
  eval "port_$1=$p"
}
# restart NAME: SIGTERM (drain, exit 0), then a new process on the same port
restart() {
  eval "pid=\$pid_$1 port=\$port_$1"
  kill -TERM "$pid"
  wait "$pid" || fail "instance $1 exited $? on SIGTERM"
  mv "$T/$1.log" "$T/$1.before.log"
  serve "$1" "$port"
}
free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
up() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/healthz"; }

serve a
serve b
HP=$(free_port)
sed -e "s/127\.0\.0\.1:8080/127.0.0.1:$HP/" -e "s/127\.0\.0\.1:8081/127.0.0.1:$port_a/" \
    -e "s/127\.0\.0\.1:8082/127.0.0.1:$port_b/" "$SRC/examples/haproxy/haproxy.cfg" >"$T/haproxy.cfg"
grep -q "127.0.0.1:$port_b" "$T/haproxy.cfg" || fail "the example's ports were not found"
haproxy -f "$T/haproxy.cfg" -db >"$T/haproxy.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 100); do [ "$(up)" = 200 ] && break; sleep 0.1; done
[ "$(up)" = 200 ] || fail "haproxy does not answer"
sleep 2.5 # both instances pass their health checks (rise 2)

"$PY" "$SRC/tests/scaling/load.py" 127.0.0.1 "$HP" "$T/stop" 4 >"$T/load.out" 2>&1 &
LOAD=$!
sleep 2
kill -HUP "$pid_a"
sleep 2
restart b
sleep 4 # b back in (two good checks a second apart), a reloaded long since
restart a
sleep 4
touch "$T/stop"
wait "$LOAD"
cat "$T/load.out"
sent=$(sed -n 's/^sent \([0-9]*\) failed.*/\1/p' "$T/load.out")
failed=$(sed -n 's/^sent [0-9]* failed \([0-9]*\)$/\1/p' "$T/load.out")
[ -n "$sent" ] && [ "$sent" -ge 50 ] || fail "the load did not run ($sent requests)"
[ "$failed" = 0 ] || fail "$failed of $sent requests failed across the reload and restarts"
grep -qi "reload" "$T/a.before.log" || fail "instance a logged no reload"
for n in a b; do
  [ "$(served "$T/$n.log")" -gt 0 ] || fail "instance $n answered nothing after its restart"
done
echo "haproxy_reload: $sent requests, 0 failed, across a SIGHUP reload and two restarts"
