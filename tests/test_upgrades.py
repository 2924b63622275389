"""A store written by each earlier schema version opens with the current code and loses nothing.

tests/fixtures/schema-N.db was written by the reformctl whose schema version was
N (tests/fixtures/make_store.py); schema-N.json holds its row counts and the
demo's JSON report as that version produced them.

What the public report shows may rightly change with a version (schema 2 made
only approved records public, and an upgraded store's records start as drafts),
so the old public report is checked against the team's full view of the upgraded
store (`report --internal`): every finding and recommendation it showed is still
there, with the same text and status.
"""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from reformctl.reports.public import redact
from reformctl.store import open_store
from reformctl.store.db import SCHEMA_VERSION

FIXTURE_DIR = Path(__file__).parent / "fixtures"
FIXTURES = sorted(FIXTURE_DIR.glob("schema-*.db"))
RECORD_TABLES = (
    "engagements",
    "focus_areas",
    "findings",
    "recommendations",
    "status_updates",
    "events",
)


def rows_by_id(db: Path, table: str) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute(f"SELECT * FROM {table}")}
    finally:
        conn.close()


def engagement(report: dict) -> dict:
    return {
        k: report["engagement"][k]
        for k in ("site", "agency", "city", "state", "program", "announced")
    }


def records(report: dict, clean=lambda text: text) -> dict:
    """Finding number -> (focus area, title, body, recommendations), leaving out fields a later version may add."""
    return {
        f["number"]: (
            a["title"],
            clean(f["title"]),
            clean(f["body"]),
            [(r["number"], clean(r["text"]), r["status"]) for r in f["recommendations"]],
        )
        for a in report["focus_areas"]
        for f in a["findings"]
    }


def test_there_is_a_fixture_for_the_first_schema():
    assert FIXTURES and FIXTURES[0].name == "schema-1.db"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_an_older_store_upgrades_with_nothing_lost(cli, tmp_path, fixture):
    expected = json.loads(fixture.with_suffix(".json").read_text())
    store = tmp_path / fixture.name
    shutil.copyfile(fixture, store)
    before = {t: rows_by_id(fixture, t) for t in RECORD_TABLES if t in expected["counts"]}

    report = json.loads(
        cli.ok(
            "--db", store, "report", "--site", "brightwater-demo", "--internal", "--format", "json"
        )
    )

    conn = sqlite3.connect(store)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fts = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE % USING FTS5%'"
            )
        ]
        # An FTS5 index's shadow tables hold b-tree segments, not records: rebuilding an index (m007)
        # merges them into fewer rows. What counts is that each index matches its table exactly.
        shadow = {
            f"{name}_{part}"
            for name in fts
            for part in ("data", "idx", "docsize", "config", "content")
        }
        for name in fts:
            conn.execute(f"INSERT INTO [{name}] ([{name}], rank) VALUES ('integrity-check', 1)")
        for table, count in expected["counts"].items():
            if table in RECORD_TABLES or not (table.startswith("_") or table in shadow):
                assert conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0] >= count, table
    finally:
        conn.close()
    for table, rows in before.items():
        after = rows_by_id(store, table)
        for (
            key,
            row,
        ) in rows.items():  # every record and every value it had (new columns may be added)
            assert key in after, f"{table} {key} was lost"
            assert {k: after[key][k] for k in row} == row, f"{table} {key} changed"
    assert engagement(report) == engagement(expected["report"])
    now, then = (
        records(report, redact),
        records(expected["report"]),
    )  # the public report drops [[...]] spans
    assert then and {number: now.get(number) for number in then} == then
    if expected["counts"]["engagements"] > 1:  # fixtures from schema 2 on also hold North Miami
        assert (
            cli.json("--db", store, "show", "--site", "north-miami")["engagement"]["site"]
            == "north-miami"
        )


# The first two schemas, checked in more detail than the general test above.


def counts(path):
    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in (
                "engagements",
                "focus_areas",
                "findings",
                "recommendations",
                "status_updates",
                "events",
            )
        }
    finally:
        conn.close()


def test_schema_1_store_upgrades(cli, isolated):
    path = isolated / "old.db"
    shutil.copy(FIXTURE_DIR / "schema-1.db", path)
    before = counts(path)
    assert before["findings"] == 17 and before["recommendations"] == 40
    store = open_store(path)
    assert store.value("PRAGMA user_version") == SCHEMA_VERSION
    store.close()
    after = counts(path)
    assert {k: after[k] for k in before} == before
    listed = cli.json("--db", path, "findings", "--site", "brightwater-demo")
    assert len(listed) == 17 and sum(len(f["recommendations"]) for f in listed) == 40
    # Records from before the review workflow start as drafts; their statuses are intact.
    assert {f["review"] for f in listed} == {"draft"}
    shown = cli.json("--db", path, "show", "--site", "brightwater-demo", "--as-of", "2026-09-30")
    assert {r["status"]: r["count"] for r in shown["status_summary"]} == {
        "complete": 14,
        "partially-complete": 4,
        "in-progress": 16,
        "not-started": 6,
    }


def test_schema_2_store_upgrades_and_publishes_the_same_report(cli, isolated, monkeypatch):
    """Schema 2 had reviews but no approved versions: the upgrade takes each approved record's
    wording as its approved version, so the public report reads exactly as before."""
    path = isolated / "old2.db"
    shutil.copy(FIXTURE_DIR / "schema-2.db", path)
    before = counts(path)
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-10-01")
    report = json.loads(
        cli.ok("--db", path, "report", "--site", "brightwater-demo", "--format", "json")
    )
    expected = json.loads((FIXTURE_DIR / "schema-2-brightwater-report.json").read_text())
    report.pop("generator"), expected.pop("generator")
    # Field work came later (m004): a store without activities reports none, and nothing else changes.
    assert report.pop("data_collection") == [] and report.pop("data_collection_text") == ""
    # Narrative sections came later still (m011): a status update prints none.
    assert report.pop("sections") == []
    # The fixture holds the schema-1 JSON shape; schema 2 only added keys (see the README).
    for key in (
        "kind",
        "kind_label",
        "focus_area_summary",
        "timeline",
        "changes",
        "progress",
        "final",
    ):
        report.pop(key)
    for area in report["focus_areas"]:
        for finding in area["findings"]:
            for rec in finding.get("recommendations", []):
                rec.pop("reason", None), rec.pop("reason_label", None)
    assert (report.pop("schema_version"), expected.pop("schema_version")) == (2, 1)
    assert report == expected
    assert {k: v for k, v in counts(path).items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }
    assert (
        cli.json("--db", path, "show", "--site", "north-miami")["engagement"]["agency"]
        == "North Miami Police Department"
    )
