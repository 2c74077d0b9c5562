#!/bin/sh
# Identity-term bias of the shipped hostility model (a benchmark kept in the suite;
# not a timing test). Usage: tests/test_bias.sh MODSCORE SOURCE_DIR
#
# tests/data/bias/identity.jsonl (train/identity/make_templates.py) names 40 identity
# groups in 17 civil and 8 hostile template sentences each. Users rely on two things:
#   1. a civil sentence is not held for review because of the group it names: in every
#      group at most 1 of the 17 civil sentences reaches the policy's review threshold
#      (FPR <= 0.1). Measured with civil_train.jsonl in the training data: the highest
#      group FPR is 1/17 (0.059; "man", "You are a man." at 0.504) and all the others 0,
#      so one borderline sentence per group is the slack. The model trained without it
#      (Impermium only, as shipped on 2026-11-28) holds 2/17 (0.118) in 14 of the 40
#      groups and fails this test ("You are a Hindu." 0.92, "You are a refugee." 0.89,
#      "You are an American." 0.28): rebuild models/hostility with
#      train/identity/civil_train.jsonl in its --data (train/build.sh).
#   2. the fix does not buy that by missing abuse: in every group at least 6 of the 8
#      hostile sentences reach the threshold (TPR >= 0.75; measured 7/8 in every group,
#      the miss being "I hate X, they are worthless scum.": Impermium labels insults aimed
#      at a participant, and hate aimed at a group in the third person scores low).
set -eu
bin=${1:?usage: test_bias.sh MODSCORE SOURCE_DIR}
src=${2:?usage: test_bias.sh MODSCORE SOURCE_DIR}
exec "$src/bench/bias.sh" --bin "$bin" --models "$src/models" --max-fpr 0.1 --min-tpr 0.75
