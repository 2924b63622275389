#!/bin/bash
# Mutation testing of the trust core with mutmut, one module at a time, each with the tests that
# exercise it (coverage then picks, per mutant, the tests that reach the mutated function).
#
#   scripts/mutation.sh                        every module below, one after another (reports/public
#                                              alone took over 50 minutes on the shared 2-core machine)
#   scripts/mutation.sh reports/tabular        one or more modules, by path under src/reformctl
#
# Runs in a scratch copy of the checkout, so the work tree never holds mutated code. Scores (killed
# of all mutants) print at the end and go to mutation-results/<module>.json; surviving mutants are
# listed there too. A survivor is killed by a new test, or listed with a one-line reason in
# tests/mutation-equivalent.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"

# module -> the tests that exercise it (the rest of the suite never reaches it, or only by accident).
# Every listed file runs twice before the first mutant (mutmut's coverage pass and a clean run)
# and again, whole, for each survivor: list the files that kill, not every file that reaches.
declare -A TESTS=(
  [reports/public]="test_public_scrub test_redaction_spans test_public_wording test_trust_public test_trust_adversary test_confidential test_notes_and_protect test_releases test_as_of_boundary test_report"
  [model/matching]="test_matching test_trust_public test_redaction_spans test_trust_adversary"
  [model/text]="test_text test_trust_validators test_trust_bundles"
  [publishing/check]="test_releases test_redaction_spans test_notes_and_protect test_confidential test_trust_public test_hostile_input"
  [model/confidential]="test_notes_and_protect test_confidential test_trust_public test_trust_adversary"
  [model/review]="test_review_rules test_review test_four_eyes_withdrawal test_trust_adversary"
  [model/statuses]="test_current_statuses test_as_of_boundary test_recommendations test_monitoring"
  [model/status_query]="test_as_of_boundary test_current_statuses"
  [model/findings]="test_findings test_numbering_gaps test_concurrency"
  [model/recommendations]="test_recommendations test_numbering_gaps"
  [model/ids]="test_ids"
  [model/frozen]="test_frozen_rules test_trust_frozen test_trust_frozen_merge"
  [exchange/bundle_checks]="test_trust_bundles test_bundle"
  [exchange/merge_gate]="test_trust_merge test_trust_frozen_merge test_trust_flag_history test_merge"
  [reports/tabular]="test_tracker_csv test_spreadsheet_formulas test_csv_tracker_columns test_redaction_spans test_report"
  [reports/xlsx]="test_spreadsheet_formulas test_kinds test_import test_trust_import"
  [store/backup]="test_backup_rules test_backup_search test_restore_integrity"
  [store/paths]="test_trust_releases test_backup_search"
  [publishing/releases]="test_releases test_phases test_trust_releases"
  [exchange/bundle]="test_bundle test_trust_bundles"
  [exchange/bundle_files]="test_bundle test_merge test_trust_bundles"
  [exchange/merge]="test_merge test_trust_merge"
  [exchange/conflicts]="test_merge test_trust_merge test_trust_frozen_merge"
)
modules=("$@")
[ "${#modules[@]}" -gt 0 ] || modules=("${!TESTS[@]}")
mkdir -p "$root/mutation-results"
for module in "${modules[@]}"; do
  [ -n "${TESTS[$module]:-}" ] || { echo "unknown module $module; known: ${!TESTS[*]}" >&2; exit 2; }
  work="$(mktemp -d)"
  cp -r "$root/src" "$root/tests" "$root/examples" "$root/README.md" "$root/pyproject.toml" "$work/"
  tests=""
  for t in ${TESTS[$module]}; do tests+="\"tests/$t.py\", "; done
  # Narrow the [tool.mutmut] of the copy to this module and its tests.
  sed -i -e "s|^only_mutate = .*|only_mutate = [\"src/reformctl/$module.py\"]|" \
         -e "s|^pytest_add_cli_args_test_selection = .*|pytest_add_cli_args_test_selection = [${tests%, }]|" \
         "$work/pyproject.toml"
  (cd "$work" && "$python" -m mutmut run --max-children "${MUTATION_JOBS:-2}" >/dev/null 2>"$work/mutmut.log" || true
   "$python" -m mutmut export-cicd-stats >/dev/null
   "$python" -m mutmut results > "$work/survivors.txt" || true)
  stats="$work/mutants/mutmut-cicd-stats.json"
  [ -f "$stats" ] || { echo "mutmut did not run for $module:" >&2; tail -20 "$work/mutmut.log" >&2; exit 1; }
  out="$root/mutation-results/${module//\//.}"
  cp "$stats" "$out.json" && cp "$work/survivors.txt" "$out.survivors.txt"
  "$python" - "$module" "$out.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[2]))
scored = s["killed"] + s["survived"] + s.get("timeout", 0) + s.get("suspicious", 0)
killed = s["killed"] + s.get("timeout", 0)
print(f"{sys.argv[1]}: {killed}/{scored} killed ({100 * killed / max(scored, 1):.1f}%), "
      f"{s['survived']} survived, {s.get('no_tests', 0)} reached by no test")
PY
  rm -rf "$work"
done
