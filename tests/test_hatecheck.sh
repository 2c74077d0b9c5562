#!/bin/sh
# The functional hate test set (tests/data/hatecheck/cases.jsonl, made by
# tests/hatecheck/make_cases.py: our own templated cases per functionality across fourteen
# identity groups) scored with the shipped models. Usage: tests/test_hatecheck.sh MODSCORE SOURCE_DIR
#
# What users rely on, with bounds a little under what the shipped models measured (the
# figures are in README's "Measured" table; bench/hatecheck_report.py prints the table):
#   - identity_attack ranks hateful cases above non-hateful ones: ROC AUC >= 0.85, and
#     each group's hateful cases above every non-hateful case: >= 0.80 (measured 0.903,
#     per group 0.85 (mentally ill people) to 0.92, with negations and counter-speech
#     read by their scope (--group-scope replace) and our own templates of them; 0.726
#     and 0.61-0.79 before them, with group names read as one placeholder word
#     (--group-terms replace); 0.692 and 0.43 (Asian people) to 0.95 (Jews) without;
#     0.617 before HateXplain, HatEval and CAD), and takes none of the negations and
#     counter-speech for hate: at most 5% of each flagged (measured 0 of 84 each; 7 and
#     14 before the scope);
#   - identity_attack flags (>= 0.5) at most 5% of civil mentions of a group (measured
#     3 of 112) and at most 10% of abuse aimed at non-protected targets (measured 0 of 12);
#   - hostility, the TOXICITY model, flags at least a third of the abuse aimed at
#     non-protected targets (measured 5 of 12: it was trained on insults to a participant);
#   - severe_toxicity (Perspective's SEVERE_TOXICITY) ranks threats, dehumanisation and
#     slurs above friendly swearing ("Fuck yeah, great game!"): ROC AUC >= 0.85 (measured
#     0.912; hostility, the TOXICITY model, 0.689);
#   - TOXICITY as the Perspective endpoint answers it (hostility's map and the kinds its
#     card includes from 0.7: THREAT, IDENTITY_ATTACK, SEVERE_TOXICITY) ranks them above
#     friendly swearing too: ROC AUC >= 0.85 (measured 0.928; hostility's score alone 0.689,
#     the scikit-learn peer on hostility's rows 0.785);
#   - threat ranks the threats above the non-hateful cases: ROC AUC >= 0.90, issue 22's
#     target (measured 0.918 (0.920 before the scope marks) with the group-aimed rows of train/threat/augment_groups.jsonl
#     and group names as one placeholder; 0.896 with the violent-intent block and
#     train/threat/augment.jsonl alone, 0.788 before them, 0.763 before issue 22);
#   - at the shipped threat threshold (models/policy.json's flag, 0.3, chosen on
#     train/threat/dev.jsonl) threat flags at least half of the threats, the target
#     (measured 55 of 106; 52 before the group rows, 4 % at 0.5 before the block), no civil
#     mention of a group (measured 0 of 112) and at most 2 of the 8 violent words in civil
#     use (measured 2).
# No model is trained on these cases. Settings are chosen on each source's held-out split,
# except threat's first recipe (issue 22: the intent rule for hate posts, ToxiGen's
# statements as 0), which was also compared here. The violent-intent block, the template
# augmentation, the group-aimed rows and the 0.3 threshold were chosen on
# train/threat/dev.jsonl and dev2.jsonl (our own sentences) and the Civil Comments test
# split, then measured here once; so were identity_attack's scope marks and templates
# (train/identity_attack/dev.jsonl, templates of their own, and the held-out splits of
# bench/identity_attack.sh).
set -eu
bin=${1:?usage: test_hatecheck.sh MODSCORE SOURCE_DIR}
src=${2:?usage: test_hatecheck.sh MODSCORE SOURCE_DIR}
tmp=$(mktemp "${TMPDIR:-/tmp}/modscore-hatecheck.XXXXXX")
trap 'rm -f "$tmp"' EXIT INT TERM
cases=$src/tests/data/hatecheck/cases.jsonl
"$bin" score --models "$src/models" --format jsonl --output jsonl "$cases" >"$tmp"
exec python3 "$src/bench/hatecheck_report.py" "$cases" "$tmp" --models "$src/models" \
  --min-auc identity_attack=0.85 --min-group-auc identity_attack=0.80 \
  --min-acc identity_attack:negation=0.95 --min-acc identity_attack:counter_speech=0.95 \
  --min-acc identity_attack:civil_mention=0.95 \
  --min-acc identity_attack:abuse_non_protected=0.9 \
  --min-acc hostility:abuse_non_protected=0.33 \
  --min-rank severe_toxicity=0.85 --min-toxicity-rank 0.85 \
  --min-threat-auc 0.90 --threshold threat=0.3 --min-threat-flagged 0.50 \
  --min-acc threat:civil_mention=1 --min-acc threat:violent_words_civil=0.75
