"""A store written by each earlier schema version opens with the current code, nothing lost."""

import shutil
import sqlite3

from conftest import ROOT
from reformctl.store import open_store
from reformctl.store.db import SCHEMA_VERSION

FIXTURES = ROOT / "tests" / "fixtures"


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
    shutil.copy(FIXTURES / "schema-1.db", path)
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
    import json

    path = isolated / "old2.db"
    shutil.copy(FIXTURES / "schema-2.db", path)
    before = counts(path)
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-10-01")
    report = json.loads(
        cli.ok("--db", path, "report", "--site", "brightwater-demo", "--format", "json")
    )
    expected = json.loads((FIXTURES / "schema-2-brightwater-report.json").read_text())
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
