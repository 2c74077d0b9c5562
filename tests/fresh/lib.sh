# tests/fresh/lib.sh - fresh Debian roots for tests/fresh/*.sh (sourced).
#
# fresh_base            make (once) and cache a pristine root (path in FRESH_BASE):
#                       debootstrap --variant=minbase --include=git,ca-certificates
#                       $FRESH_SUITE, kept as a tarball under $FRESH_CACHE so
#                       that later runs download nothing (delete the
#                       tarball to start again from the mirror's current base;
#                       apt in the roots always reads the current indexes).
# fresh_root NAME       unpack the cached base into a new root (path in
#                       FRESH_ROOT), bind-mount /proc /sys /dev /dev/pts
#                       /dev/shm, copy resolv.conf and the local CAs.
# fresh_clone R C DIR   clone repository R at commit C into DIR.
# fresh_run ROOT CMD    run the shell command CMD as root inside ROOT, with the
#                       environment of a fresh login (env -i).
# fresh_cleanup         unmount every root made here and remove it (the
#                       caller traps it on EXIT); a root with anything still
#                       mounted in it is never removed.
#
# The mirror is the machine's own: the first URI of its apt sources
# (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and *.sources) that
# serves $FRESH_SUITE, or $FRESH_MIRROR. Needs root, debootstrap, unshare.
# The caller runs in a private mount namespace (fresh_unshare), so nothing
# mounted here is seen by, or left behind on, the host even if it is killed.

FRESH_SUITE=${FRESH_SUITE:-bookworm}
FRESH_CACHE=${FRESH_CACHE:-/var/tmp/modscore-fresh}
FRESH_ROOTS=""

fresh_log() { printf '%s fresh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fresh_die() { fresh_log "error: $*"; exit 1; }

# Re-run the calling script ("$0" "$@") in a private mount namespace, once.
fresh_unshare() {
  [ "$(id -u)" = 0 ] || fresh_die "must run as root (debootstrap, chroot, mount)"
  if [ -z "${FRESH_IN_NS:-}" ]; then
    command -v unshare >/dev/null || fresh_die "unshare (util-linux) not found"
    FRESH_IN_NS=1 exec unshare --mount --propagation private "$0" "$@"
  fi
}

# What both scripts start with: the private namespace, the clean-up on
# every exit, and OUT: $top (the checkout) and $sha (its HEAD).
fresh_start() {
  fresh_unshare "$@"
  trap fresh_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  top=$(git -C "$here" rev-parse --show-toplevel)
  sha=$(git -C "$top" rev-parse HEAD)
}

# The mirror serving $FRESH_SUITE according to this machine's apt sources.
fresh_mirror() {
  if [ -n "${FRESH_MIRROR:-}" ]; then echo "$FRESH_MIRROR"; return; fi
  m=$(
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -r "$f" ] || continue
      # deb [options] URI SUITE COMPONENT...
      awk -v s="$FRESH_SUITE" '$1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
          if ($(i + 1) == s) print $i }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -r "$f" ] || continue
      # deb822 stanzas: Types: deb / URIs: ... / Suites: ...
      awk -v s="$FRESH_SUITE" 'BEGIN { RS = ""; FS = "\n" } {
          types = uris = suites = ""; enabled = 1
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^#/) continue
            split($i, kv, ":"); k = tolower(kv[1]); v = substr($i, index($i, ":") + 1)
            if (k == "types") types = " " v " "
            else if (k == "uris") uris = v
            else if (k == "suites") suites = " " v " "
            else if (k == "enabled" && v ~ /no/) enabled = 0
          }
          if (enabled && types ~ / deb / && suites ~ (" " s " ")) {
            split(uris, u, " "); for (j in u) if (u[j] != "") { print u[j]; break }
          }
        }' "$f"
    done | head -n 1
  )
  [ -n "$m" ] || fresh_die "no apt source for $FRESH_SUITE in /etc/apt (set FRESH_MIRROR)"
  echo "$m"
}

# The cached base tarball, made if missing (under a lock: concurrent runs
# wait for one debootstrap instead of starting two).
fresh_base() {
  base="$FRESH_CACHE/$FRESH_SUITE-minbase-git.tar.gz"
  mkdir -p "$FRESH_CACHE"
  exec 8>"$FRESH_CACHE/.lock"
  flock 8
  if [ ! -s "$base" ]; then
    command -v debootstrap >/dev/null || fresh_die "debootstrap not found (apt-get install debootstrap)"
    mirror=$(fresh_mirror) || exit 1
    tmp=$(mktemp -d "$FRESH_CACHE/base.XXXXXX")
    fresh_log "debootstrap $FRESH_SUITE (minbase, git, ca-certificates) from $mirror"
    t0=$(date +%s)
    if ! debootstrap --variant=minbase --include=git,ca-certificates \
        "$FRESH_SUITE" "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
      tail -n 20 "$tmp/debootstrap.log" >&2
      fresh_safe_rm "$tmp"
      fresh_die "debootstrap failed"
    fi
    ! fresh_mounted_below "$tmp/root" || fresh_die "debootstrap left mounts in $tmp/root"
    rm -rf "$tmp/root/var/cache/apt/archives/"*.deb
    tar -C "$tmp/root" -czf "$tmp/base.tar.gz" .
    mv "$tmp/base.tar.gz" "$base"
    fresh_safe_rm "$tmp"
    fresh_log "base cached in $base ($(($(date +%s) - t0)) s)"
  fi
  exec 8>&-
  FRESH_BASE=$base
}

# Is anything mounted at or below $1? (the paths in /proc/mounts are real paths)
fresh_mounted_below() {
  awk -v p="$1" '$2 == p || index($2, p "/") == 1 { found = 1 } END { exit !found }' /proc/mounts
}

# rm -rf $1 unless something is still mounted in it.
fresh_safe_rm() {
  d=$(realpath -e "$1" 2>/dev/null) || return 0
  if fresh_mounted_below "$d"; then
    fresh_log "NOT removing $d: still mounted:"
    awk -v p="$d" 'index($2, p "/") == 1 { print "  " $2 }' /proc/mounts >&2
    return 1
  fi
  rm -rf "$d"
}

fresh_root() {
  fresh_base
  mkdir -p "$FRESH_CACHE/roots"
  root=$(mktemp -d "$FRESH_CACHE/roots/$1.XXXXXX")
  FRESH_ROOTS="$FRESH_ROOTS $root"
  FRESH_ROOT=$root
  tar -C "$root" -xzf "$FRESH_BASE"
  for m in proc sys dev dev/pts dev/shm; do
    mkdir -p "$root/$m"
    mount --bind "/$m" "$root/$m" || fresh_die "cannot bind-mount /$m"
  done
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # The machine's own local certificate authorities, as a site would install
  # them on every machine (an HTTPS proxy's, say): npm in the tests fetches
  # over HTTPS, and Debian's node trusts the system's store.
  if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    fresh_run "$root" "update-ca-certificates >/dev/null 2>&1" ||
      fresh_die "update-ca-certificates failed in $root"
  fi
  # No daemon started by a package's maintainer scripts (the usual chroot
  # guard): it would outlive the test and keep the root busy.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
}

# fresh_clone REPO COMMIT DIR: a clone of REPO checked out at COMMIT (the
# HEAD when the script started, even if the checkout moves meanwhile).
fresh_clone() {
  git clone -q --no-checkout "$1" "$3"
  git -C "$3" checkout -q --detach "$2"
}

fresh_run() {
  root=$1; shift
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/sh -c "$*"
}

# Stop what still runs in $1 (processes this script started in the root).
fresh_kill_inside() {
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$1" ] && kill -9 "${p#/proc/}" 2>/dev/null
  done
  return 0
}

fresh_cleanup() {
  for root in $FRESH_ROOTS; do
    [ -d "$root" ] || continue
    fresh_kill_inside "$root"
    for m in dev/shm dev/pts dev sys proc; do
      if awk -v p="$root/$m" '$2 == p { f = 1 } END { exit !f }' /proc/mounts; then
        umount "$root/$m" 2>/dev/null || umount -l "$root/$m" || true
      fi
    done
    if [ -n "${FRESH_KEEP:-}" ]; then
      fresh_log "kept $root (FRESH_KEEP)"
    else
      fresh_safe_rm "$root" || true
    fi
  done
  FRESH_ROOTS=""
}
