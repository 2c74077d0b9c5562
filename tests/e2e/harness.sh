# harness.sh - what the e2e scripts share, sourced after `set -u`: $tmp, a
# temporary directory removed on exit; the pass/fail counters with ok and
# bad MESSAGE; status CODE WANT WHAT; and finish NAME, which prints the
# summary line and fails when any check failed (the script's last command).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
status() { if [ "$1" = "$2" ]; then ok; else bad "$3: exit $1, want $2"; fi; }
finish() { echo "$1: $pass passed, $fail failed"; [ "$fail" = 0 ]; }
