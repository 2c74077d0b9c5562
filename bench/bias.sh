#!/bin/sh
# Identity-term bias of the hostility model (Dixon et al. 2018): civil and hostile
# template sentences that differ only in the identity term they name, scored by
# `modscore score`; per group the civil false-positive rate at the policy's review
# threshold, the hostile true-positive rate and the subgroup / BPSN / BNSP AUCs.
#
# Usage: bench/bias.sh [--bin MODSCORE] [--models DIR] [--data FILE] [--max-fpr X]
#                      [--min-tpr Y] [--json]
#   --bin MODSCORE  the modscore binary (default build/modscore)
#   --models DIR    a models directory (DIR/hostility, DIR/lexicons, DIR/policy.json;
#                   default the shipped models/); the threshold is DIR/policy.json
#                   hostility.review (models/policy.json when DIR has none)
#   --data FILE     the sentences (default tests/data/bias/identity.jsonl, made by
#                   train/identity/make_templates.py)
#   --max-fpr X     exit 1 if any group's civil false-positive rate exceeds X
#   --min-tpr Y     exit 1 if any group's hostile true-positive rate is under Y
#   --json          the figures as one JSON object
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/modscore
models=$here/models
data=$here/tests/data/bias/identity.jsonl
extra=
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --max-fpr) extra="$extra --max-fpr $2"; shift 2 ;;
    --min-tpr) extra="$extra --min-tpr $2"; shift 2 ;;
    --json) extra="$extra --json"; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bias.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done
policy=$models/policy.json
[ -f "$policy" ] || policy=$here/models/policy.json
threshold=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["thresholds"]["hostility"]["review"])' "$policy")
tmp=$(mktemp "${TMPDIR:-/tmp}/modscore-bias.XXXXXX")
trap 'rm -f "$tmp"' EXIT INT TERM
"$bin" score --models "$models" --policy "$policy" --format jsonl --output jsonl "$data" >"$tmp"
# shellcheck disable=SC2086
python3 "$here/bench/bias_report.py" "$data" "$tmp" "$threshold" $extra
