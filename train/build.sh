#!/bin/sh
# Rebuilds the shipped models/ from the public data in ../shared/data (or $1).
# Usage: train/build.sh [DATA_DIR] [BUILD_DIR]
# The prepared JSON Lines go to $BUILD_DIR/train-data (never committed:
# several sets are dev-only text); the models replace models/hostility
# (and models/off_topic) atomically.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-$here/../shared/data}
build=${2:-$here/build}
prep=$build/train-data
[ -x "$build/modscore" ] || { cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release && cmake --build "$build" -j"$(nproc)"; }
python3 "$here/train/prepare.py" "$data" "$prep"
"$build/modscore" train --task hostility --seed 1 --models "$here/models" --out "$here/models/hostility" \
  --data "$prep/impermium-train.jsonl" --data "$prep/impermium-test.jsonl"
