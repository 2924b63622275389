"""A store written by each earlier schema version opens with the current code and loses nothing.

tests/fixtures/schema-N.db was written by the reformctl whose schema version was
N (tests/fixtures/make_store.py); schema-N.json holds its row counts and the
demo's JSON report as that version produced them.
"""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from reformctl.store.schema_version import SCHEMA_VERSION

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-*.db"))
RECORD_TABLES = ("engagements", "focus_areas", "findings", "recommendations", "status_updates", "events")


def rows_by_id(db: Path, table: str) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute(f"SELECT * FROM {table}")}
    finally:
        conn.close()


def public_content(report: dict) -> dict:
    """What a reader of the report sees, leaving out fields a later version may add."""
    return {
        "engagement": {k: report["engagement"][k] for k in ("site", "agency", "city", "state", "program", "announced")},
        "as_of": report["as_of"],
        "status_summary": [(s["status"], s["count"], s["percent"]) for s in report["status_summary"]],
        "focus_areas": [
            (a["number"], a["title"], [
                (f["number"], f["title"], f["body"], [(r["number"], r["text"], r["status"]) for r in f["recommendations"]])
                for f in a["findings"]])
            for a in report["focus_areas"]],
    }


def test_there_is_a_fixture_for_the_first_schema():
    assert FIXTURES and FIXTURES[0].name == "schema-1.db"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_an_older_store_upgrades_with_nothing_lost(cli, tmp_path, fixture):
    expected = json.loads(fixture.with_suffix(".json").read_text())
    store = tmp_path / fixture.name
    shutil.copyfile(fixture, store)
    before = {t: rows_by_id(fixture, t) for t in RECORD_TABLES if t in expected["counts"]}

    report = json.loads(cli.ok("--db", store, "report", "--site", "brightwater-demo", "--format", "json"))

    conn = sqlite3.connect(store)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table, count in expected["counts"].items():
            if table in RECORD_TABLES or not table.startswith("_"):
                assert conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0] >= count, table
    finally:
        conn.close()
    for table, rows in before.items():
        after = rows_by_id(store, table)
        for key, row in rows.items():  # every record and every value it had (new columns may be added)
            assert key in after, f"{table} {key} was lost"
            assert {k: after[key][k] for k in row} == row, f"{table} {key} changed"
    assert public_content(report) == public_content(expected["report"])
    assert cli.json("--db", store, "show", "--site", "north-miami")["engagement"]["site"] == "north-miami"
