# scaling_args.sh - the command line and set-up that bench/binding.sh and
# bench/cluster.sh share: [BUILD_DIR] [REPEAT] [ROUNDS] (the caller gives
# the defaults of the last two), the python3 the binding is installed for,
# a scratch directory $T (the caller's trap removes it) and the binding's
# environment (the build's package, the source models).
# Usage (bash): . "$(dirname "$0")/scaling_args.sh" DEFAULT_REPEAT DEFAULT_ROUNDS "$@"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath -m "${3:-$here/build}")
repeat=${4:-$1}
rounds=${5:-$2}
PY=/usr/bin/python3
T=$(mktemp -d)
export PYTHONPATH=$build/python MODSCORE_MODELS=$here/models
