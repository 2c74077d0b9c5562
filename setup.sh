#!/bin/sh
# setup.sh - from a fresh Debian 12 clone to a scored example or a tested build.
#   ./setup.sh example   install what is missing, build, score examples/ (the default)
#   ./setup.sh test      install what is missing, build, run the whole test suite
#   ./setup.sh deps      only install the Debian packages that are missing
# Runs as root (or with sudo); installs only the packages that are not there.
set -eu
cd "$(dirname "$0")"
what=${1:-example}
build=${BUILD_DIR:-build}

# Build and run: compiler, CMake, libsvm, jansson, utf8proc, libmicrohttpd.
# Tests: cmocka, curl (server over loopback), chromium (HTML report check),
# valgrind (memcheck build type), python3 (train/ recipe, e2e checks), GNU
# parallel (the stateless-filter contract test).
need="build-essential cmake pkg-config libsvm-dev libjansson-dev libutf8proc-dev libmicrohttpd-dev"
[ "$what" = example ] || need="$need libcmocka-dev curl python3 valgrind clang libclang-rt-14-dev"
[ "$what" != test ] || need="$need chromium parallel"

missing=""
for p in $need; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing:$missing" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi
[ "$what" = deps ] && exit 0

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

case "$what" in
  example) "$build/modscore" score --output text examples/sputnik-syria-ceasefire.txt ;;
  test) cd "$build" && ctest --output-on-failure -j"$(nproc)" ;;
  *) echo "usage: ./setup.sh [example|test|deps]" >&2; exit 64 ;;
esac
