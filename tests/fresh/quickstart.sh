#!/bin/sh
# tests/fresh/quickstart.sh - the README's Quick start on fresh Debian 12
# machines: each command of its `sh` block runs, alone, as root, in a clone
# of this checkout's committed HEAD inside a pristine root of its own
# (debootstrap minbase + git + ca-certificates; see lib.sh). Fails if any
# command fails. Prints each step's time.
#
#   tests/fresh/quickstart.sh              every Quick start command
#   tests/fresh/quickstart.sh 'CMD'...     these commands instead
#
# Environment: FRESH_CACHE (default /var/tmp/modscore-fresh: the cached base
# tarball and the roots), FRESH_MIRROR (default: this machine's apt source),
# FRESH_KEEP=1 keeps the roots for a look afterwards. Needs root; the base is
# downloaded once (a few minutes), each root installs its packages with apt.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fresh_start "$@"
[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] ||
  fresh_log "note: uncommitted changes in $top are not tested (the clone is HEAD, ${sha%"${sha#???????}"})"

if [ $# -eq 0 ]; then
  # The commands of the first ```sh block under "## Quick start".
  cmds=$(git -C "$top" show HEAD:README.md | awk '
      /^## / { inqs = ($0 ~ /^## Quick start/) }
      inqs && /^```sh/ { inblk = 1; next }
      inblk && /^```/ { exit }
      inblk && NF && $1 !~ /^#/ { print }')
  [ -n "$cmds" ] || fresh_die "no sh block under '## Quick start' in README.md"
  set --
  while IFS= read -r c; do set -- "$@" "$c"; done <<CMDS
$cmds
CMDS
fi

t_all=$(date +%s)
fresh_base
fresh_log "base: $FRESH_BASE"
failed=0
n=0
for cmd in "$@"; do
  n=$((n + 1))
  t0=$(date +%s)
  fresh_root "qs$n"
  fresh_clone "$top" "$sha" "$FRESH_ROOT/root/modscore"
  log="$FRESH_CACHE/quickstart-$n.log"
  fresh_log "[$n] $cmd (root $FRESH_ROOT, log $log)"
  if fresh_run "$FRESH_ROOT" "cd /root/modscore && $cmd" >"$log" 2>&1; then
    fresh_log "[$n] ok in $(($(date +%s) - t0)) s: $cmd"
  else
    rc=$?
    failed=$((failed + 1))
    tail -n 40 "$log" >&2
    fresh_log "[$n] FAILED (exit $rc) after $(($(date +%s) - t0)) s: $cmd"
  fi
  fresh_cleanup
done
fresh_log "$n command(s), $failed failed, $(($(date +%s) - t_all)) s in all"
[ "$failed" = 0 ]
