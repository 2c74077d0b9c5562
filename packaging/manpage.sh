#!/bin/sh
# manpage.sh HELP2MAN MODSCORE H2M DATADIR SYSCONFDIR OUT.1.gz
# modscore(1) from the programs' own help: help2man on `modscore --help`,
# one subsection per command listed there with that command's --help, and
# the hand-written sections of H2M (exit status, files, environment), whose
# @DATADIR@ and @SYSCONFDIR@ become the install's paths.
set -eu
help2man=$1 prog=$2 h2m=$3 datadir=$4 sysconfdir=$5 out=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# roff-safe verbatim text: backslashes, and lines starting with . or '
verbatim() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

cmds=$("$prog" --help | awk '/^Commands:/ { on = 1; next }
    on && /^$/ { exit } on && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || { echo "manpage.sh: no commands in '$prog --help'" >&2; exit 1; }
{
  echo "[COMMANDS]"
  for c in $cmds; do
    echo ".SS \"modscore $c\""
    echo ".nf"
    "$prog" "$c" --help | verbatim
    echo ".fi"
  done
  sed -e "s|@DATADIR@|$datadir|g" -e "s|@SYSCONFDIR@|$sysconfdir|g" "$h2m"
} >"$tmp/modscore.h2m"
"$help2man" --no-info --section=1 --name="score comments for hostility, off-topic content and sentiment" \
  --include="$tmp/modscore.h2m" --output="$tmp/modscore.1" "$prog"
gzip -9n <"$tmp/modscore.1" >"$tmp/modscore.1.gz"
mv "$tmp/modscore.1.gz" "$out"
