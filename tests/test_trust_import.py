"""A tracker read back adds no duplicate history, says which back-dated rows stay behind the
current status, and a workbook too big to read is refused before it is loaded."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile

import pytest

from conftest import dump

SITE = ("--site", "brightwater-demo")
OLDER = "2025-12-31"  # an older quarter's export: several recommendations have moved on since


def _same_rows(db) -> list[str]:
    """The store's contents: an import re-creates the full-text triggers, which reorders the schema."""
    return sorted(dump(db))


def _history(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT recommendation_id, status, as_of FROM status_updates ORDER BY 1, 3, 2").fetchall()
    finally:
        conn.close()


def _older_tracker(cli, isolated, fmt: str):
    path = isolated / f"older.{fmt}"
    cli.ok("report", *SITE, "--format", fmt, "--as-of", OLDER, "--output", path)
    return path


@pytest.mark.parametrize("fmt", ("csv", "xlsx"))
def test_an_older_tracker_read_back_adds_no_history(demo, isolated, fmt):
    path = _older_tracker(demo, isolated, fmt)
    current = demo.json("status-history", *SITE, "1.1.1")["history"]
    assert [(u["status"], u["as_of"]) for u in current][-2:] == [("in-progress", "2025-06-30"),
                                                                ("complete", "2026-03-31")]
    before = _same_rows(demo.db)
    done = demo.json("import", *SITE, path)
    assert (done["rows"], done["status_updates"], done["unchanged"]) == (38, 0, 38)
    assert done["superseded"] == []
    assert _same_rows(demo.db) == before
    history = _history(demo.db)
    assert len(history) == len(set(history))  # no status twice on one date


def test_a_back_dated_import_row_says_the_later_status_stands(demo, isolated):
    path = isolated / "late.csv"
    path.write_text("finding,recommendation,status,status_as_of\n"
                    "1.1,1.1.1,Partially Complete,2025-12-31\n"
                    "1.1,1.1.2,Complete,2026-11-01\n", encoding="utf-8")
    dry = demo.json("import", *SITE, path, "--dry-run")
    assert dry["status_updates"] == 2
    assert dry["superseded"] == [{"sheet": None, "row": 2, "number": "1.1.1", "status": "partially-complete",
                                  "as_of": "2025-12-31",
                                  "superseded_by": {"status": "complete", "as_of": "2026-03-31"}}]
    result = demo("import", *SITE, path)
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("note:")]
    assert notes == [f"note: {path}, row 2: a later update of 1.1.1 (Complete as of 2026-03-31) "
                     "remains the current status"]
    # Read back again, the same file is in the history now: nothing more is written.
    before = _same_rows(demo.db)
    again = demo.json("import", *SITE, path)
    assert (again["status_updates"], again["unchanged"], again["superseded"]) == (0, 2, [])
    assert _same_rows(demo.db) == before


def _bulk_file(isolated, tracker_csv: str, extra: list[str]):
    rows = list(csv.DictReader(io.StringIO(tracker_csv)))
    lines = ["recommendation,status,as_of,note,reason"]
    lines += [f"{r['recommendation']},{r['status']},{r['status_as_of']},," for r in rows]
    path = isolated / "review.csv"
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    return path, len(rows)


def test_bulk_status_of_an_older_tracker_adds_no_history(demo, isolated):
    tracker = demo.ok("report", *SITE, "--format", "csv", "--as-of", OLDER)
    path, count = _bulk_file(isolated, tracker, [])
    before = dump(demo.db)
    done = demo.json("bulk-status", *SITE, path)
    assert (done["applied"], done["unchanged"], len(done["rows"])) == (0, count, count)
    assert all(row["unchanged"] for row in done["rows"])
    assert dump(demo.db) == before
    text = demo.ok("bulk-status", *SITE, path)
    assert "note: row 2: 1.1.1 is already In Progress as of 2025-06-30 in its history; unchanged" in text


def test_bulk_status_applies_the_new_rows_beside_unchanged_ones(demo, isolated):
    tracker = demo.ok("report", *SITE, "--format", "csv", "--as-of", OLDER)
    path, count = _bulk_file(isolated, tracker, ["1.1.2,complete,2026-11-01,,"])
    done = demo.json("bulk-status", *SITE, path)
    assert (done["applied"], done["unchanged"]) == (1, count)
    assert [r["number"] for r in done["rows"] if not r["unchanged"]] == ["1.1.2"]
    history = _history(demo.db)
    assert len(history) == len(set(history))


def test_an_unchanged_bulk_row_is_still_checked(demo, isolated):
    # A reason with Complete is an error even when Complete on that date is already recorded.
    path = isolated / "review.csv"
    path.write_text("recommendation,status,as_of,note,reason\n1.1.1,complete,2026-03-31,,resources\n",
                    encoding="utf-8")
    before = dump(demo.db)
    result = demo("bulk-status", *SITE, path)
    assert result.exit_code == 1
    assert "row 2: a reason is given only for not-started or partially-complete" in result.stderr
    assert dump(demo.db) == before
