"""The internal flag as it stood on a date: every report and every count of an earlier day reads
it through model/internal_flag.py, and its dated history travels with the record in bundles."""

import json
from pathlib import Path

SITE = "brightwater-demo"
FLIPPED_ON = "2026-05-01"


def made_public_on(cli, monkeypatch, tmp_path: Path, day: str = FLIPPED_ON) -> dict:
    """The demo's approved internal finding 2.4, made public on DAY (merge, then resolve)."""
    secret = next(
        f for f in cli.json("findings", "--site", SITE) if f["internal"] and f["number"] == "2.4"
    )
    bundle = tmp_path / "flip"
    cli.ok("export", "--site", SITE, "--bundle", bundle)
    path = bundle / "findings" / f"{secret['id']}.json"
    path.write_text(
        json.dumps({**json.loads(path.read_text()), "internal": 0}, sort_keys=True, indent=2) + "\n"
    )
    monkeypatch.setenv("REFORMCTL_TODAY", day)
    cli.ok("merge", "--site", SITE, bundle)
    cli.ok("resolve", "--site", SITE, "2.4", "--field", "internal", "--take", "theirs")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-27")
    return secret


def rec_numbers(report: dict) -> list[str]:
    return [
        r["number"]
        for area in report["focus_areas"]
        for f in area["findings"]
        for r in f.get("recommendations", [])
    ]


def test_every_point_of_the_timeline_counts_what_that_days_report_shows(
    demo, monkeypatch, tmp_path
):
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
    assert "2.4.1" not in rec_numbers(
        demo.json("report", "--site", SITE, "--as-of", before[-1]["date"])
    )


def public_titles(cli, *extra, db=None) -> list[str]:
    report = cli.json(*(["--db", db] if db else []), "report", "--site", SITE, *extra)
    return [f["title"] for area in report["focus_areas"] for f in area["findings"]]


def test_a_store_loading_the_bundle_shows_the_flag_as_it_stood(demo, monkeypatch, tmp_path):
    secret = made_public_on(demo, monkeypatch, tmp_path)
    bundle = tmp_path / "after"
    demo.ok("export", "--site", SITE, "--bundle", bundle)
    (change,) = [json.loads(p.read_text()) for p in (bundle / "internal_history").glob("*.json")]
    assert (change["id"], change["was"], change["internal"], change["on_date"]) == (
        f"{secret['id']}.1",
        1,
        0,
        FLIPPED_ON,
    )

    first, second = tmp_path / "first.db", tmp_path / "second.db"
    demo.ok("--db", first, "import", "--bundle", bundle)
    # And through a second store: what was loaded exports and loads the same.
    demo.ok("--db", first, "export", "--site", SITE, "--bundle", tmp_path / "again")
    demo.ok("--db", second, "import", "--bundle", tmp_path / "again")
    name = f"internal_history/{secret['id']}.1.json"
    assert (tmp_path / "again" / name).read_text() == (bundle / name).read_text()
    for db in (first, second):
        for day in ("2025-12-31", "2026-04-30", FLIPPED_ON, "2026-11-27"):
            assert public_titles(demo, "--as-of", day, db=db) == public_titles(
                demo, "--as-of", day
            ), day
        assert secret["title"] not in public_titles(demo, "--as-of", "2026-04-30", db=db)
        assert secret["title"] in public_titles(demo, "--as-of", FLIPPED_ON, db=db)


def test_a_flag_history_that_does_not_end_in_the_records_flag_is_refused(
    demo, monkeypatch, tmp_path
):
    made_public_on(demo, monkeypatch, tmp_path)
    bundle = tmp_path / "after"
    demo.ok("export", "--site", SITE, "--bundle", bundle)
    (path,) = (bundle / "internal_history").glob("*.json")
    path.write_text(
        json.dumps({**json.loads(path.read_text()), "was": 0, "internal": 1}, indent=2) + "\n"
    )
    demo.db = tmp_path / "fresh.db"
    said = demo.fails(
        "--db", demo.db, "import", "--bundle", bundle, says=f"internal_history/{path.name}"
    )
    assert "field internal" in said and not demo.db.exists()


def test_a_merge_keeps_this_stores_own_flag_history_of_a_record_both_hold(
    demo, monkeypatch, tmp_path
):
    bob = tmp_path / "bob.db"
    demo.ok("export", "--site", SITE, "--bundle", tmp_path / "start")
    demo.ok("--db", bob, "import", "--bundle", tmp_path / "start")
    secret = made_public_on(demo, monkeypatch, tmp_path)
    shared = tmp_path / "shared"
    demo.ok("export", "--site", SITE, "--bundle", shared)

    done = demo.json("--db", bob, "merge", "--site", SITE, shared)
    assert [(c["field"], c["ours"], c["theirs"]) for c in done["conflicts"]] == [("internal", 1, 0)]
    assert "internal_history" not in done["added"]
    # Their change of the flag is not ours: Bob's store keeps 2.4 internal on every day...
    assert secret["title"] not in public_titles(demo, "--as-of", FLIPPED_ON, db=bob)
    demo.ok("--db", bob, "resolve", "--site", SITE, "2.4", "--take", "ours")
    assert secret["title"] not in public_titles(demo, db=bob)
    # ...and writes its bundle over the shared one, their merged history file left in place.
    demo.ok("--db", bob, "export", "--site", SITE, "--bundle", shared)
    assert [p.name for p in (shared / "internal_history").glob("*.json")] == [
        f"{secret['id']}.1.json"
    ]
