"""A fast mutation smoke: hand-written one-line bugs in the code that keeps the record honest,
each of which the named tests must catch.

Each mutant is applied to a copy of src/ and the named tests run in a subprocess against that
copy (PYTHONPATH first). A mutant whose snippet is no longer in its file fails loudly: a refactor
must update this list, never silently drop a mutant. Skipped in a quick local run with
`-m "not slow"`; CI runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # under src/reformctl/
    original: str  # must occur exactly once in the file
    replacement: str
    tests: tuple[str, ...]  # node ids, at least one of which must fail


MUTANTS = [
    Mutant(
        "redaction drops only the first span",
        "reports/public.py",
        'while "[[" in cleaned or "]]" in cleaned:  # joining what is left can make a new \']]\': go again\n        cleaned = "".join(\n            cleaned[start:end] for start, end, depth in marker_depths(cleaned) if not depth\n        )',
        'cleaned = re.sub(r"\\[\\[.*?\\]\\]", "", cleaned, count=1)',
        (
            "tests/test_redaction_spans.py::test_every_span_of_a_field_is_dropped_in_every_text_field",
        ),
    ),
    Mutant(
        "redaction keeps the spans",
        "reports/public.py",
        'cleaned = "".join(\n            cleaned[start:end] for start, end, depth in marker_depths(cleaned) if not depth\n        )',
        'cleaned = "".join(cleaned[start:end] for start, end, depth in marker_depths(cleaned))',
        ("tests/test_redaction_spans.py::test_spans_in_the_csv_tracker_cells",),
    ),
    Mutant(
        "allow-list reads a recommendation's working text",
        "reports/public.py",
        '"av.text", "av.priority"',
        '"r.text", "av.priority"',
        (
            "tests/test_public_wording.py::test_an_edit_in_review_publishes_nothing_of_its_new_wording",
        ),
    ),
    Mutant(
        "allow-list reads a finding's working body",
        "reports/public.py",
        '"f.methods", "av.title", "av.body")',
        '"f.methods", "av.title", "f.body")',
        (
            "tests/test_public_wording.py::test_an_edit_in_review_publishes_nothing_of_its_new_wording",
        ),
    ),
    Mutant(
        "allow-list reads a section's working body",
        "reports/public.py",
        '"s.name", "av.title", "av.body")',
        '"s.name", "av.title", "s.body")',
        (
            "tests/test_sections.py::test_review_is_four_eyes_and_an_edit_keeps_the_approved_wording_public",
        ),
    ),
    Mutant(
        "internal findings are public",
        "reports/public.py",
        'WHERE f.engagement_id = :eid AND f.dated <= :as_of AND {internal_at("f")} = 0 AND {public_where("f")}"""',
        'WHERE f.engagement_id = :eid AND f.dated <= :as_of AND {public_where("f")}"""',
        ("tests/test_kinds.py::test_internal_text_stays_out_of_every_kind",),
    ),
    Mutant(
        "protected names are not withheld",
        "reports/public.py",
        "return withhold_disguised(\n        replace_spans(text, find_spans(fold(text), pattern), WITHHELD), pattern, WITHHELD\n    )",
        "return text",
        ("tests/test_confidential.py::test_protect_lists_and_withholds",),
    ),
    Mutant(
        "a withdrawn record stays public",
        "reports/public.py",
        "COALESCE({review_at(alias)}, '') != 'withdrawn' OR",
        "1 OR",
        (
            "tests/test_public_wording.py::test_a_record_withdrawn_before_any_release_leaves_no_trace",
        ),
    ),
    Mutant(
        "approval dated on the as-of date is left out",
        "reports/public.py",
        "v.on_date <= :as_of",
        "v.on_date < :as_of",
        (
            "tests/test_as_of_boundary.py::test_records_and_approvals_on_the_as_of_date_count_and_the_day_after_does_not",
        ),
    ),
    Mutant(
        "status dated on the as-of date is left out",
        "model/status_query.py",
        "su.as_of <= :as_of",
        "su.as_of < :as_of",
        (
            "tests/test_as_of_boundary.py::test_a_status_on_the_as_of_date_counts_and_the_day_after_does_not",
        ),
    ),
    Mutant(
        "four eyes on withdrawal only while approved",
        "model/review.py",
        'if state == "approved" or store.value(',
        'if state == "approved" and store.value(',
        (
            "tests/test_four_eyes_withdrawal.py::test_the_author_alone_cannot_withdraw_an_approved_then_edited_finding",
        ),
    ),
    Mutant(
        "no four eyes on approval",
        "model/review.py",
        'require_four_eyes(store, engagement, kind, record, actor, "approve")',
        "pass",
        ("tests/test_review.py::test_four_eyes",),
    ),
    Mutant(
        "four eyes compares names as typed",
        "model/text.py",
        "return actor_key(a) == actor_key(b)",
        "return a == b",
        ("tests/test_review_rules.py::test_four_eyes_ignores_case_and_spacing",),
    ),
    Mutant(
        "an edit of an approved record stays approved",
        "model/edits.py",
        'if review == "approved":',
        "if False:",
        ("tests/test_review.py::test_editing_an_approved_record_sends_it_back_to_review",),
    ),
    Mutant(
        "CSV formula escaping without '='",
        "reports/tabular.py",
        '_FORMULA_STARTS = ("=", ',
        "_FORMULA_STARTS = (",
        ("tests/test_spreadsheet_formulas.py::test_csv_cells_that_start_like_formulas_are_quoted",),
    ),
    Mutant(
        "CSV formula escaping without '-'",
        "reports/tabular.py",
        'text.startswith(_FORMULA_STARTS) or (text.startswith("-")',
        "text.startswith(_FORMULA_STARTS) or (False",
        ("tests/test_spreadsheet_formulas.py::test_csv_cells_that_start_like_formulas_are_quoted",),
    ),
    Mutant(
        "XLSX cells typed by openpyxl",
        "reports/xlsx.py",
        'cell.data_type = "s"',
        "pass",
        ("tests/test_spreadsheet_formulas.py::test_xlsx_cells_are_text_not_formulas",),
    ),
    Mutant(
        "restore ignores the integrity check",
        "store/backup.py",
        'if problems != ["ok"]:',
        "if False:",
        ("tests/test_restore_integrity.py::test_a_backup_with_a_corrupted_index_is_not_restored",),
    ),
    Mutant(
        "next finding number is COUNT(*)+1",
        "model/findings.py",
        "SELECT COALESCE(MAX(number), 0) + 1 FROM findings",
        "SELECT COUNT(*) + 1 FROM findings",
        (
            "tests/test_numbering_gaps.py::test_the_next_numbers_follow_the_highest_after_an_import_with_gaps",
        ),
    ),
    Mutant(
        "next recommendation number is COUNT(*)+1",
        "model/recommendations.py",
        "SELECT COALESCE(MAX(number), 0) + 1 FROM recommendations",
        "SELECT COUNT(*) + 1 FROM recommendations",
        (
            "tests/test_numbering_gaps.py::test_the_next_numbers_follow_the_highest_after_an_import_with_gaps",
        ),
    ),
    Mutant(
        "check misses protected names",
        "publishing/check.py",
        "spans = find_spans(folded, pattern)\n",
        "spans = []\n",
        ("tests/test_releases.py::test_check_finds_protected_names",),
    ),
    Mutant(
        "verify ignores file hashes",
        "publishing/releases.py",
        "elif sha256(path.read_bytes()) != expected:",
        "elif False:",
        ("tests/test_releases.py::test_an_altered_release_file_fails_verify",),
    ),
    Mutant(
        "merge takes their change when both sides changed",
        "exchange/merge.py",
        "if b is not MISSING and b == o:",
        "if b is not MISSING:",
        ("tests/test_merge.py::test_two_members_offline_through_git",),
    ),
    Mutant(
        "malformed markers accepted in bodies",
        "model/text.py",
        "    check_markers(raw, what)  # positions as the user wrote them",
        "    pass  # positions as the user wrote them",
        (
            "tests/test_trust_validators.py::test_the_error_names_the_line_and_column_of_a_bad_marker",
        ),
    ),
    Mutant(
        "a disguised name is not matched",
        "model/matching.py",
        'elif not is_invisible(c) and unicodedata.category(c) != "Mn":',
        "else:",
        ("tests/test_trust_public.py::test_protected_names_in_disguise_are_withheld_as_written",),
    ),
    Mutant(
        "an invisible character passes in an actor's name",
        "model/text.py",
        'if category in ("Cc", "Cf") or is_invisible(char) or char == "\\u2800":',
        'if category == "Cc":',
        (
            "tests/test_trust_validators.py::test_an_actor_name_holding_an_invisible_or_control_character_is_refused",
        ),
    ),
    Mutant(
        "the manifest is not scrubbed",
        "publishing/releases.py",
        'return scrub_public(value, protected_terms(store, engagement["id"]))',
        "return value",
        (
            "tests/test_trust_releases.py::test_the_manifest_holds_only_allowed_fields_with_every_string_scrubbed",
        ),
    ),
    Mutant(
        "a file writer may overwrite the store",
        "store/paths.py",
        "    if store_path is None:\n        return\n",
        "    return\n",
        ("tests/test_trust_releases.py::test_no_writer_writes_over_the_store",),
    ),
    Mutant(
        "a back-dated write rewrites a release",
        "model/frozen.py",
        'if freeze is not None and day <= freeze["as_of"]:',
        'if freeze is not None and day < freeze["as_of"]:',
        ("tests/test_trust_frozen.py::test_a_dated_write_at_or_before_a_release_is_refused",),
    ),
    Mutant(
        "a merge flips publicity unreviewed",
        "exchange/merge.py",
        "        gate_changes(kind, mine, take, clash, agreed)\n",
        "",
        (
            "tests/test_trust_merge.py::test_an_internal_flip_in_a_bundle_arrives_as_a_conflict_and_is_dated",
        ),
    ),
    Mutant(
        "the internal flag's past is forgotten",
        "model/internal_flag.py",
        "AND ih.on_date > :as_of ORDER BY",
        "AND 0 ORDER BY",
        (
            "tests/test_trust_merge.py::test_an_internal_flip_in_a_bundle_arrives_as_a_conflict_and_is_dated",
        ),
    ),
    Mutant(
        "a bundle flag may be any value",
        "exchange/bundle_checks.py",
        '        _fail(f"must be 0 or 1, got {_shown(value)}")',
        "        pass",
        ("tests/test_trust_bundles.py::test_import_refuses_every_hostile_value",),
    ),
]


class MissingSnippet(Exception):
    pass


def mutated_copy(mutant: Mutant, where: Path) -> Path:
    """A copy of src/ with MUTANT applied; fails loudly if its snippet is not there exactly once."""
    target = where / "src"
    shutil.copytree(SRC, target, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    path = target / "reformctl" / mutant.file
    text = path.read_text(encoding="utf-8")
    found = text.count(mutant.original)
    if found != 1:
        raise MissingSnippet(
            f"mutant {mutant.name!r}: its snippet occurs {found} times in src/reformctl/{mutant.file}, "
            f"not once; update tests/test_mutation_smoke.py to the code as it is now:\n{mutant.original}"
        )
    path.write_text(text.replace(mutant.original, mutant.replacement), encoding="utf-8")
    return target


def run_mutant(mutant: Mutant, where: Path) -> subprocess.CompletedProcess | MissingSnippet:
    try:
        src = mutated_copy(mutant, where)
    except MissingSnippet as exc:
        return exc
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop(
        "CI", None
    )  # the inner run is meant to fail; skips there are this test's business, not CI's
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *mutant.tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict:
    """Run every selected mutant once, as many at a time as there are CPUs (each is a subprocess)."""
    selected = [
        item.callspec.params["mutant"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_the_suite_catches_the_mutant"
    ]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {
            m.name: pool.submit(run_mutant, m, tmp_path_factory.mktemp("mutant")) for m in selected
        }
        return {name: future.result() for name, future in futures.items()}


def test_the_mutated_copy_is_what_the_tests_import(tmp_path):
    """Without this, an editable install could shadow PYTHONPATH and every mutant would 'survive'."""
    src = mutated_copy(MUTANTS[0], tmp_path)
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", "import reformctl; print(reformctl.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(out).resolve().is_relative_to(src.resolve()), out


def test_the_mutants_are_distinct_and_named_tests_exist():
    assert len({m.name for m in MUTANTS}) == len(MUTANTS) >= 20
    for mutant in MUTANTS:
        for node in mutant.tests:
            file, _, name = node.partition("::")
            assert f"def {name}(" in (ROOT / file).read_text(encoding="utf-8"), (
                f"{mutant.name}: no test {node}"
            )


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_suite_catches_the_mutant(mutant, outcomes):
    result = outcomes[mutant.name]
    if isinstance(result, MissingSnippet):
        pytest.fail(str(result))
    # Exit 1 is "tests failed"; 2-5 (interrupted, internal error, usage, nothing collected) prove nothing.
    assert result.returncode == 1, (
        f"mutant {mutant.name!r} survived {' '.join(mutant.tests)} (exit {result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
    )
