#!/bin/bash
# Mutation testing of the trust core with mutmut, one module at a time, each with the tests that
# exercise it (coverage then picks, per mutant, the tests that reach the mutated function).
#
#   scripts/mutation.sh                        every module below, one after another (reports/public
#                                              alone took over 50 minutes on the shared 2-core machine)
#   scripts/mutation.sh reports/tabular        one or more modules, by path under src/reformctl
#   MUTANTS="reformctl.model.review.x_submit__mutmut_5 ..." scripts/mutation.sh model/review
#                                              only the named mutants of one module (glob patterns
#                                              too, as mutmut takes them): to check that new tests
#                                              kill the survivors of a run without running it all
#
# Runs in a scratch copy of the checkout, so the work tree never holds mutated code. Scores (killed
# of all mutants) print at the end and go to mutation-results/<module>.json; surviving mutants are
# listed there too. A survivor is killed by a new test, or listed with a one-line reason in
# tests/mutation-equivalent.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"

# module -> the tests that mutants of it run: the fast direct tests of its rules, not every test
# that reaches it. mutmut runs, per mutant, every listed test that reaches the mutated function (all
# of them for a survivor, until the first failure for the rest, fastest first: tests/conftest.py),
# so a CLI test that builds a store costs its seconds on every survivor. A mutant that only a slow
# test kills is a rule without a direct test: write one in the module's direct test file.
declare -A TESTS=(
  [reports/public]="test_public_scrub test_public_rules"
  [model/matching]="test_matching test_matching_rules"
  [model/text]="test_text"
  [model/ids]="test_ids"
  [model/review]="test_review_rules test_four_eyes_withdrawal"
  [model/statuses]="test_status_rules test_as_of_boundary"
  [model/status_query]="test_status_rules test_as_of_boundary"
  [model/confidential]="test_notes_and_protect"
  [model/frozen]="test_frozen_rules"
  [reports/tabular]="test_tracker_csv test_spreadsheet_formulas"
  [reports/xlsx]="test_xlsx_rules test_spreadsheet_formulas"
  [store/backup]="test_backup_rules test_restore_integrity"
  [store/paths]="test_paths_rules"
  [model/findings]="test_numbering_rules"
  [model/recommendations]="test_numbering_rules"
  [publishing/check]="test_check_rules"
  [exchange/merge_gate]="test_merge_gate_rules"
  [exchange/bundle_checks]="test_bundle_checks_rules"
  [exchange/merge]="test_merge_rules"
  [exchange/conflicts]="test_conflicts_rules"
  [exchange/bundle]="test_bundle_rules"
  [exchange/bundle_files]="test_bundle_files_rules"
  [publishing/releases]="test_release_rules"
  [publishing/release_diff]="test_release_diff_rules"
)
# Modules whose mutants run forked from mutmut's fork server, which has only imported the tests,
# rather than from mutmut's own process after it ran them (the default, and about a third faster):
# forked from there, model/review's mutants whose tests fail hung until mutmut's timeout (a quarter
# of them, up to a minute each).
FORKSERVER=" model/review "
modules=("$@")
[ "${#modules[@]}" -gt 0 ] || modules=("${!TESTS[@]}")
mkdir -p "$root/mutation-results"
for module in "${modules[@]}"; do
  [ -n "${TESTS[$module]:-}" ] || { echo "unknown module $module; known: ${!TESTS[*]}" >&2; exit 2; }
  work="$(mktemp -d)"
  cp -r "$root/src" "$root/tests" "$root/examples" "$root/README.md" "$root/pyproject.toml" "$work/"
  tests=""
  for t in ${TESTS[$module]}; do
    [ -f "$root/tests/$t.py" ] || { echo "$module: tests/$t.py is missing" >&2; exit 2; }
    tests+="\"tests/$t.py\", "
  done
  # Narrow the [tool.mutmut] of the copy to this module and its tests.
  sed -i -e "s|^only_mutate = .*|only_mutate = [\"src/reformctl/$module.py\"]|" \
         -e "s|^pytest_add_cli_args_test_selection = .*|pytest_add_cli_args_test_selection = [${tests%, }]|" \
         "$work/pyproject.toml"
  if [[ "$FORKSERVER" == *" $module "* ]]; then
    sed -i -e 's|^\[tool.mutmut\]$|[tool.mutmut]\nprocess_isolation = "forkserver"|' "$work/pyproject.toml"
  fi
  (cd "$work" && "$python" -m mutmut run --max-children "${MUTATION_JOBS:-2}" ${MUTANTS:-} >"$work/mutmut.log" 2>&1 || true
   "$python" -m mutmut export-cicd-stats >/dev/null
   "$python" -m mutmut results > "$work/survivors.txt" || true
   # Each survivor's diff beside its name, to judge it after the scratch copy is gone.
   for name in $(sed -n 's/^ *\([^ :]*\): survived$/\1/p' "$work/survivors.txt"); do
     "$python" -m mutmut show "$name" >> "$work/survivors.txt" 2>&1 || true
   done)
  stats="$work/mutants/mutmut-cicd-stats.json"
  [ -f "$stats" ] || { echo "mutmut did not run for $module:" >&2; tail -20 "$work/mutmut.log" >&2; exit 1; }
  out="$root/mutation-results/${module//\//.}"
  cp "$stats" "$out.json" && cp "$work/survivors.txt" "$out.survivors.txt"
  cp "$work/mutmut.log" "$out.log"
  "$python" - "$module" "$out.json" "$out.survivors.txt" "$root/tests/mutation-equivalent.txt" "${MUTANTS:-}" <<'PY'
import json, re, sys
module, stats, survivors, equivalent, subset = sys.argv[1:6]
s = json.load(open(stats))
scored = s["killed"] + s["survived"] + s.get("timeout", 0) + s.get("suspicious", 0)
killed = s["killed"] + s.get("timeout", 0)
print(f"{module}: {killed}/{scored} killed ({100 * killed / max(scored, 1):.1f}%), "
      f"{s['survived']} survived, {s.get('no_tests', 0)} reached by no test")
# Every survivor is killed by a new test or listed as equivalent: say which are neither, and,
# after a whole-module run, which listed mutants of the module no longer survive.
survived = set(re.findall(r"^ *(\S+): survived$", open(survivors).read(), re.M))
prefix = "reformctl." + module.replace("/", ".") + ".x"
listed = {line.split(" | ")[0] for line in open(equivalent) if line.startswith(prefix)}
for name in sorted(survived - listed):
    print(f"  survived, not listed as equivalent: {name}")
if not subset:
    for name in sorted(listed - survived):
        print(f"  listed as equivalent but did not survive (killed, or no longer made): {name}")
PY
  rm -rf "$work"
done
