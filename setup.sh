#!/bin/sh
# setup.sh - from a fresh Debian 12 clone to a scored example or a tested build.
#   ./setup.sh example   install what is missing, build, score examples/ (the default)
#   ./setup.sh test      install what is missing, build with the tests, run them all
#   ./setup.sh deb       install what is missing, build build/modscore_VERSION_ARCH.deb
#   ./setup.sh deps      only install the Debian packages that are missing (all of them)
# Runs as root (or with sudo); installs only the packages that are not there.
# tests/fresh/quickstart.sh runs each of the README's Quick start commands
# on a pristine Debian 12 root, so a package missing below turns CI red.
set -eu
cd "$(dirname "$0")"
what=${1:-example}
build=${BUILD_DIR:-build}

# The Debian packages, in one place: add a new build or test dependency here.
# Build and run: compiler, CMake, libsvm, jansson, utf8proc, libmicrohttpd.
pkgs_build="build-essential cmake pkg-config libsvm-dev libjansson-dev libutf8proc-dev libmicrohttpd-dev libcld2-0"
# Tests: cmocka; curl (the server over loopback); python3 (train/ recipe, e2e
# checks); valgrind (memcheck build type); clang and its runtime (fuzz
# targets); chromium (the HTML report in a browser); GNU parallel (the
# stateless-filter contract test); nodejs and npm (html_decide drives
# chromium with playwright-core, and perspective_clients runs npm's Perspective
# client, both fetched by npm); strace (the server's one-write log lines);
# python3-distributed (modscore-dask on a loopback Dask cluster) and haproxy
# (several services behind it across a reload and a restart).
pkgs_test="libcmocka-dev curl python3 valgrind clang libclang-rt-14-dev chromium parallel nodejs npm strace python3-distributed haproxy"
# The .deb: help2man (the man page from --help), file (CPack's shlibdeps
# looks for ELF files with it); dpkg-shlibdeps comes with build-essential.
pkgs_deb="help2man file"

case "$what" in
  example) need="$pkgs_build" ;;
  test) need="$pkgs_build $pkgs_test" ;;
  deb) need="$pkgs_build $pkgs_deb" ;;
  deps) need="$pkgs_build $pkgs_test $pkgs_deb" ;;
  *) echo "usage: ./setup.sh [example|test|deb|deps]" >&2; exit 64 ;;
esac

missing=""
for p in $need; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" && continue
  # Node.js from elsewhere (NodeSource's nodejs package carries its own npm,
  # and Debian's npm cannot be installed beside it): the commands are enough.
  case "$p" in nodejs|npm) command -v "${p%js}" >/dev/null 2>&1 && continue ;; esac
  missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing:$missing" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi
[ "$what" = deps ] && exit 0

# Only `test` configures the tests (they need cmocka, which `example` does not
# install); `example` leaves a build directory that has them as it is. The
# package is configured apart, in $build/pkg, for the /usr prefix.
case "$what" in
  test) cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null ;;
  example)
    testing=""
    [ -f "$build/CMakeCache.txt" ] || testing=-DBUILD_TESTING=OFF
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release $testing >/dev/null ;;
  deb)
    cmake -S . -B "$build/pkg" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr -DMS_MAN=ON >/dev/null ;;
esac

case "$what" in
  example)
    cmake --build "$build" -j"$(nproc)" >/dev/null
    "$build/modscore" score --output text examples/sputnik-syria-ceasefire.txt ;;
  test)
    cmake --build "$build" -j"$(nproc)" >/dev/null
    cd "$build" && ctest --output-on-failure -j"$(nproc)" ;;
  deb)
    cmake --build "$build/pkg" -j"$(nproc)" >/dev/null
    out=$(cd "$build" && pwd)
    (cd "$build/pkg" && cpack -G DEB -B "$out" >/dev/null)
    ls "$out"/modscore_*.deb ;;
esac
