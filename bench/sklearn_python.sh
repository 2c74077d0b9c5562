# sklearn_python.sh - sourced by the benchmarks that run scikit-learn peers.
# sklearn_python NAME sets $python to $PYTHON, or else to the first of
# /usr/bin/python3 and python3 that imports sklearn (Debian's python3-sklearn
# is for the system python); without one it exits 1, NAME saying why.
sklearn_python() {
  python=${PYTHON:-}
  if [ -z "$python" ]; then
    for p in /usr/bin/python3 python3; do
      if "$p" -c 'import sklearn' 2>/dev/null; then python=$p; break; fi
    done
  fi
  [ -n "$python" ] || { echo "$1: no python3 with scikit-learn (apt install python3-sklearn)" >&2; exit 1; }
}
