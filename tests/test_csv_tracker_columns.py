"""The CSV tracker's every column holds what the JSON of the same report says, row by row."""

import csv
import io
import json

SITE = ("--site", "brightwater-demo")
AS_OF = "2026-09-30"


def both(cli, kind: str):
    args = ("report", *SITE, "--kind", kind, "--as-of", AS_OF, "--format")
    rows = list(csv.DictReader(io.StringIO(cli.ok(*args, "csv"))))
    return rows, json.loads(cli.ok(*args, "json"))


def test_every_column_matches_the_json(demo):
    for kind in ("status-update", "final"):
        rows, report = both(demo, kind)
        changes = {c["number"]: "new" for c in report["changes"]["new_recommendations"]}
        changes.update(
            {
                c["number"]: f"{c['from_label']} -> {c['to_label']}"
                for c in report["changes"]["status_changes"]
            }
        )
        assert len(changes) >= 4, (
            "the demo has changes in its last quarter; without them this proves little"
        )
        histories = {
            r["number"]: "; ".join(f"{u['as_of']} {u['status_label']}" for u in r["history"])
            for r in (report["final"] or {"recommendations": []})["recommendations"]
        }
        expected = [
            {
                "focus_area": str(a["number"]),
                "focus_area_title": a["title"],
                "finding": f["number"],
                "finding_title": f["title"],
                "recommendation": r["number"],
                "recommendation_text": r["text"],
                "priority": r["priority"] or "",
                "owner": r["owner"] or "",
                "due": r["due"] or "",
                "status": r["status_label"],
                "status_as_of": r["status_as_of"],
                "reason": r["reason_label"] or "",
                "change_since_last_update": changes.get(r["number"], ""),
                "history": histories.get(r["number"], ""),
            }
            for a in report["focus_areas"]
            for f in a["findings"]
            for r in f["recommendations"]
        ]
        assert rows == expected, kind
        assert (kind == "final") == any(row["history"] for row in rows)


def test_a_published_then_withdrawn_recommendation_keeps_its_row_and_number_only(
    north_miami, isolated, monkeypatch
):
    site = ("--site", "north-miami")
    north_miami.ok("log-finding", *site, "--focus-area", "technology", "--title", "Cameras")
    for text in ("Keep it.", "Take it back."):
        north_miami.ok(
            "recommend", *site, "--finding", "3.1", "--text", text, "--owner", "Records Unit"
        )
    from helpers import approve

    approve(north_miami, "north-miami", "3.1", "3.1.1", "3.1.2")
    north_miami.ok("publish", *site, "--output", isolated / "r1")
    monkeypatch.setenv(
        "REFORMCTL_TODAY", "2026-11-28"
    )  # the release froze its own day: withdraw on the next
    north_miami.ok(
        "--as", "A. Reviewer", "review", *site, "3.1.2", "--decision", "withdraw", "--comment", "no"
    )
    rows = list(csv.DictReader(io.StringIO(north_miami.ok("report", *site, "--format", "csv"))))
    area = json.loads(north_miami.ok("report", *site, "--format", "json"))["focus_areas"][2]
    assert [r["recommendation"] for r in rows] == ["3.1.1", "3.1.2"]
    assert rows[0]["recommendation_text"] == "Keep it." and rows[0]["status"] == "Not Started"
    blank = dict.fromkeys(rows[1], "")
    assert rows[1] == {
        **blank,
        "focus_area": "3",
        "focus_area_title": area["title"],
        "finding": "3.1",
        "recommendation": "3.1.2",
        "status": "Withdrawn",
    }


def test_a_new_recommendation_is_marked_new(demo):
    from helpers import approve

    demo.ok("recommend", "--finding", "1.1", "--text", "A later recommendation.", *SITE)
    approve(demo, "brightwater-demo", "1.1.4")
    rows = list(csv.DictReader(io.StringIO(demo.ok("report", *SITE, "--format", "csv"))))
    marked = {
        r["recommendation"]: r["change_since_last_update"]
        for r in rows
        if r["change_since_last_update"]
    }
    assert marked["1.1.4"] == "new"
