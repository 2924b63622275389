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
from reformctl.store.db import SCHEMA_VERSION

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-*.db"))
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
