"""The internal flag as it stood on a date: every report and every count of an earlier day reads
it through model/internal_flag.py, and its dated history travels with the record in bundles."""

import json
from pathlib import Path

SITE = "brightwater-demo"
FLIPPED_ON = "2026-05-01"


def made_public_on(cli, monkeypatch, tmp_path: Path, day: str = FLIPPED_ON) -> dict:
    """The demo's approved internal finding 2.4, made public on DAY (merge, then resolve)."""
    secret = next(f for f in cli.json("findings", "--site", SITE) if f["internal"] and f["number"] == "2.4")
    bundle = tmp_path / "flip"
    cli.ok("export", "--site", SITE, "--bundle", bundle)
    path = bundle / "findings" / f"{secret['id']}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "internal": 0}, sort_keys=True, indent=2) + "\n")
    monkeypatch.setenv("REFORMCTL_TODAY", day)
    cli.ok("merge", "--site", SITE, bundle)
    cli.ok("resolve", "--site", SITE, "2.4", "--field", "internal", "--take", "theirs")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-27")
    return secret


def rec_numbers(report: dict) -> list[str]:
    return [r["number"] for area in report["focus_areas"] for f in area["findings"]
            for r in f.get("recommendations", [])]


def test_every_point_of_the_timeline_counts_what_that_days_report_shows(demo, monkeypatch, tmp_path):
    made_public_on(demo, monkeypatch, tmp_path)
    timeline = demo.json("report", "--site", SITE, "--kind", "progress")["timeline"]
    before = [p for p in timeline if p["date"] < FLIPPED_ON]
    after = [p for p in timeline if p["date"] >= FLIPPED_ON]
    assert len(before) >= 3 and len(after) >= 2
    for point in timeline:
        shown = rec_numbers(demo.json("report", "--site", SITE, "--as-of", point["date"]))
        assert point["total"] == len(shown), point["date"]
    # 2.4.1 is counted from the day its finding was made public, never before.
    assert "2.4.1" in rec_numbers(demo.json("report", "--site", SITE, "--as-of", after[0]["date"]))
    assert "2.4.1" not in rec_numbers(demo.json("report", "--site", SITE, "--as-of", before[-1]["date"]))
