"""Every door that reads a spreadsheet reads it with the one reader (exchange/sheets.py) and
reports bad rows as the one row-error type (errors.RowErrors)."""

import pytest

from reformctl.errors import RowErrors

SITE = ("--site", "brightwater-demo")
REVIEW = "recommendation,status,as_of,note,reason\n1.2.1,complete,2026-11-01,'=tracked,\n"


def test_bulk_status_reads_a_review_saved_under_any_name_as_csv(demo, isolated):
    path = isolated / "review.txt"
    path.write_text(REVIEW, encoding="utf-8")
    assert demo.json("bulk-status", *SITE, path)["applied"] == 1
    # The tracker's formula guard comes off as import takes it off: one reader for both doors.
    assert demo.json("status-history", *SITE, "1.2.1")["history"][-1]["note"] == "=tracked"


def test_bulk_status_reads_a_workbook(demo, isolated):
    from openpyxl import Workbook

    book = Workbook()
    for row in (["Recommendation", "Status", "as_of", "note", "reason"], ["1.2.1", "Complete"]):
        book.active.append(row)
    book.active["C2"] = "2026-11-01"
    path = isolated / "review.xlsx"
    book.save(path)
    done = demo.json("bulk-status", *SITE, path)
    assert done["applied"] == 1 and done["rows"][0]["status"] == "complete"


def test_a_bad_review_row_is_a_row_error(demo):
    from reformctl.exchange.bulk import bulk_status
    from reformctl.model.engagements import get_engagement
    from reformctl.store import open_store

    store = open_store(demo.db)
    rows = [(2, {"recommendation": "9.9.9", "status": "complete", "as_of": "2026-11-01"})]
    with pytest.raises(RowErrors) as caught:
        bulk_status(store, get_engagement(store, "brightwater-demo"), rows, "tester")
    assert [(row, column) for row, column, _ in caught.value.errors] == [(2, None)]
    assert caught.value.outcome == "nothing was changed"


def _imports(package: str) -> dict[str, set[str]]:
    """Each module of PACKAGE (under src/reformctl) and the modules it imports, anywhere in it."""
    import ast
    from pathlib import Path

    import reformctl

    found = {}
    for path in (Path(reformctl.__file__).parent / package).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path)] = names
    return found


def test_exchange_sits_above_model_and_store_beside_reports():
    for package in ("model", "store", "reports"):
        for module, names in _imports(package).items():
            assert not any(n.startswith("reformctl.exchange") for n in names), module
    for module, names in _imports("exchange").items():
        wrong = {n for n in names if n.split(".")[0] in ("typer", "rich", "click")}
        wrong |= {n for n in names if n.startswith(("reformctl.reports", "reformctl.cli"))}
        assert not wrong, (module, wrong)
