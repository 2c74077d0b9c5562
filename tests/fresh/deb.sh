#!/bin/sh
# tests/fresh/deb.sh - the Debian package on fresh Debian 12 machines.
#
#   tests/fresh/deb.sh             build it with `./setup.sh deb` in a fresh
#                                  root (a clone of HEAD), then test it
#   tests/fresh/deb.sh FILE.deb    test this package
#
# The test installs the package with apt into another pristine root (the
# cached base of lib.sh), with man-db, systemd and pkg-config, and checks:
# the programs are on PATH; `modscore check` gives its verdicts; the packaged
# example scores (12 comments) with the packaged models and no --models; the
# man page is found and covers every command; the pkg-config file names the
# installed header and library; the unit passes `systemd-analyze verify`;
# the unit's ExecStart line, run as it is (with /etc/modscore), answers
# /v1/check for the default policy and a community, and reloads on SIGHUP;
# removal keeps /etc/modscore, purge removes it. Prints each step's time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fresh_start "$@"
t_all=$(date +%s)
fresh_base

if [ $# -ge 1 ]; then
  deb=$(realpath -e "$1")
else
  t0=$(date +%s)
  fresh_root debbuild
  fresh_clone "$top" "$sha" "$FRESH_ROOT/root/modscore"
  log="$FRESH_CACHE/deb-build.log"
  fresh_log "build: ./setup.sh deb in a fresh root (log $log)"
  if ! fresh_run "$FRESH_ROOT" "cd /root/modscore && ./setup.sh deb" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fresh_die "./setup.sh deb failed in a fresh root"
  fi
  mkdir -p "$FRESH_CACHE/debs"
  rm -f "$FRESH_CACHE/debs/"*.deb
  cp "$FRESH_ROOT"/root/modscore/build/modscore_*_*.deb "$FRESH_CACHE/debs/"
  deb=$(ls "$FRESH_CACHE/debs/"modscore_*.deb)
  fresh_log "build: ok in $(($(date +%s) - t0)) s: $(basename "$deb")"
  fresh_cleanup
fi
case "$(basename "$deb")" in
  modscore_*_*.deb) ;;
  *) fresh_die "$deb is not named modscore_VERSION_ARCH.deb" ;;
esac

t0=$(date +%s)
fresh_root debinstall
cp "$deb" "$FRESH_ROOT/tmp/"
log="$FRESH_CACHE/deb-install.log"
fresh_log "install: apt-get install ./$(basename "$deb") in a fresh root (log $log)"
if ! fresh_run "$FRESH_ROOT" "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends /tmp/$(basename "$deb") man-db systemd pkg-config" \
    >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  fresh_die "apt-get install failed"
fi
fresh_log "install: ok in $(($(date +%s) - t0)) s"

# The checks run inside the root, as a fresh login would, from /root (no
# models/ directory anywhere near).
t0=$(date +%s)
cat >"$FRESH_ROOT/tmp/check.sh" <<'EOF'
set -u
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
cd /root

[ "$(command -v modscore)" = /usr/bin/modscore ] && [ -x /usr/bin/modscore-serve ] &&
  ok "programs in /usr/bin" || bad "modscore, modscore-serve not in /usr/bin"
modscore --version | grep -q '^modscore [0-9]' && ok "$(modscore --version)" || bad "--version"

echo "You absolute idiot" | modscore check >/tmp/v.json; rc=$?
[ $rc = 2 ] && grep -q '"action":"reject"' /tmp/v.json && ok "check: reject, exit 2" ||
  bad "check of a hostile comment: exit $rc, $(cat /tmp/v.json)"
modscore check --text "Thanks, a clear summary of the ceasefire terms." >/tmp/v.json; rc=$?
[ $rc = 0 ] && ok "check: publish, exit 0" || bad "check of a civil comment: exit $rc, $(cat /tmp/v.json)"

ex=/usr/share/modscore/examples/sputnik-syria-ceasefire.txt
n=$(modscore score --output jsonl "$ex" | grep -c '"action"'); rc=$?
[ "$n" = 12 ] && ok "score: the packaged example, 12 comments" || bad "score $ex: $n records (exit $rc)"
modscore score --output text "$ex" | tail -n 1

man -w modscore >/dev/null 2>&1 && ok "man page: $(man -w modscore)" || bad "man -w modscore"
man -w modscore-serve >/dev/null 2>&1 && ok "man page: modscore-serve" || bad "man -w modscore-serve"
page=$(MANWIDTH=100 man modscore 2>/dev/null)
for s in "EXIT STATUS" FILES ENVIRONMENT; do
  printf '%s\n' "$page" | grep -q "^$s" || bad "man modscore: no $s section"
done
for c in $(modscore --help | awk '/^Commands:/ {on=1; next} on && /^$/ {exit} on && /^  [a-z]/ {print $1}'); do
  printf '%s\n' "$page" | grep -q "^   modscore $c\$" || bad "man modscore: no section for '$c'"
done
ok "man modscore: every command, exit status, files"

inc=$(pkg-config --variable=includedir modscore) && lib=$(pkg-config --variable=libdir modscore) &&
  [ -f "$inc/modscore.h" ] && [ -e "$lib/libmodscore.so" ] &&
  ok "pkg-config: $(pkg-config --cflags --libs modscore)" || bad "pkg-config modscore: $inc $lib"

unit=/lib/systemd/system/modscore.service
if out=$(systemd-analyze verify "$unit" 2>&1) && [ -z "$out" ]; then
  ok "systemd-analyze verify $unit"
else
  bad "systemd-analyze verify: $out"
fi
echo "info: $(systemd-analyze security --offline=true "$unit" 2>/dev/null | grep 'Overall exposure')"
for k in DynamicUser=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    NoNewPrivileges=yes RestrictAddressFamilies= MemoryMax= 'ExecReload=/bin/kill -HUP $MAINPID'; do
  grep -q "^$k" "$unit" || bad "$unit: no $k"
done

# The unit's own command line, with the packaged /etc/modscore, on a free port.
cmd=$(sed -n 's/^ExecStart=//p' "$unit" | sed -e 's/\${MODSCORE_LISTEN}/127.0.0.1:0/' -e 's/\$MODSCORE_OPTS//')
$cmd 2>/tmp/serve.log &
pid=$!
port=""
for i in $(seq 50); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' /tmp/serve.log)
  [ -n "$port" ] && break
  sleep 0.1
done
post() { # post PATH BODY: the response's body
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'POST %s HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n%s' \
    "$1" "${#2}" "$2" >&3
  sed -e '1,/^\r$/d' <&3
  exec 3<&-
}
if [ -z "$port" ]; then
  bad "serve ($cmd) did not start: $(cat /tmp/serve.log)"
else
  r=$(post /v1/check '{"text":"You absolute idiot"}')
  printf '%s' "$r" | grep -q '"action":"reject"' && ok "serve: /v1/check reject" || bad "serve /v1/check: $r"
  a=$(post /v1/check '{"text":"I think you are a bit wrong here","communityId":"strict"}')
  printf '%s' "$a" | grep -q '"action"' && ok "serve: communityId strict from /etc/modscore/communities" ||
    bad "serve communityId strict: $a"
  a=$(post /v1/check '{"text":"fine","communityId":"nosuch"}')
  printf '%s' "$a" | grep -q 'unknown communityId' && ok "serve: unknown communityId refused" ||
    bad "serve communityId nosuch: $a"
  kill -HUP $pid
  for i in $(seq 50); do grep -q reloaded /tmp/serve.log && break; sleep 0.1; done
  grep -q reloaded /tmp/serve.log && ok "serve: SIGHUP reloads" || bad "serve: no reload: $(cat /tmp/serve.log)"
  kill -TERM $pid
  wait $pid && ok "serve: SIGTERM, exit 0" || bad "serve: exit $? on SIGTERM"
fi

apt-get remove -y -qq modscore >/dev/null 2>&1
[ ! -e /usr/bin/modscore ] && [ -f /etc/modscore/modscore.env ] &&
  ok "remove: programs gone, /etc/modscore kept" || bad "remove"
dpkg --purge modscore >/dev/null 2>&1
[ ! -e /etc/modscore ] && ok "purge: /etc/modscore gone" || bad "purge left $(ls -R /etc/modscore)"
exit $((fails > 0))
EOF
log="$FRESH_CACHE/deb-check.log"
if fresh_run "$FRESH_ROOT" "bash /tmp/check.sh" >"$log" 2>&1; then
  cat "$log" >&2
  fresh_log "checks: ok in $(($(date +%s) - t0)) s"
else
  cat "$log" >&2
  fresh_die "checks failed"
fi
fresh_log "package test: $(($(date +%s) - t_all)) s in all"
