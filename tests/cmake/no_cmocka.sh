#!/bin/bash
# no_cmocka.sh - configuring on a machine without cmocka (issue 23): a plain
# `cmake -S . -B build` configures without the tests and warns; asking for
# the tests (-DBUILD_TESTING=ON, what ./setup.sh test and CI do) fails and
# says how to get cmocka. cmocka is hidden by a pkg-config directory that
# holds every other package's .pc file.
# Usage: no_cmocka.sh SOURCE_DIR
set -u
src=$(cd "$1" && pwd)
. "$(dirname "$0")/../e2e/harness.sh"
mkdir "$tmp/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' ') /usr/lib/x86_64-linux-gnu/pkgconfig /usr/lib/pkgconfig /usr/share/pkgconfig; do
  [ -d "$d" ] && find "$d" -maxdepth 1 -name '*.pc' ! -name 'cmocka.pc' -exec cp -n {} "$tmp/pc/" \;
done
[ -e "$tmp/pc/jansson.pc" ] && [ ! -e "$tmp/pc/cmocka.pc" ] && ok || bad "could not hide cmocka alone"
PKG_CONFIG_LIBDIR=$tmp/pc PKG_CONFIG_PATH= cmake -S "$src" -B "$tmp/plain" >"$tmp/out" 2>&1
status $? 0 "a plain configure without cmocka"
grep -q "cmocka not found: configuring without the tests" "$tmp/out" && ok ||
  bad "no warning: $(tail -5 "$tmp/out")"
grep -q '^BUILD_TESTING:BOOL=OFF' "$tmp/plain/CMakeCache.txt" && ok || bad "the tests were configured"
PKG_CONFIG_LIBDIR=$tmp/pc PKG_CONFIG_PATH= cmake -S "$src" -B "$tmp/asked" -DBUILD_TESTING=ON \
  >"$tmp/out" 2>&1
[ $? != 0 ] && ok || bad "-DBUILD_TESTING=ON without cmocka configured"
grep -q "The tests need cmocka" "$tmp/out" && ok || bad "no reason: $(tail -5 "$tmp/out")"
# with cmocka (this machine), a plain configure has the tests
cmake -S "$src" -B "$tmp/with" >"$tmp/out" 2>&1
status $? 0 "a plain configure with cmocka"
grep -q '^BUILD_TESTING:BOOL=ON' "$tmp/with/CMakeCache.txt" && ok || bad "cmocka found, no tests"
finish no_cmocka
