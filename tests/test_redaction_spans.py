"""Every [[...]] span of a public field is dropped, not only the first, wherever it stands."""

import csv
import io
import json

from helpers import approve

SITE = ("--site", "north-miami")


def public_finding(cli, number: str) -> dict:
    report = cli.json("report", *SITE)
    found = [f for area in report["focus_areas"] for f in area["findings"] if f["number"] == number]
    assert len(found) == 1, f"finding {number} is not in the public report"
    return found[0]


def test_every_span_of_a_field_is_dropped_in_every_text_field(north_miami):
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "technology",
        "--date",
        "2024-06-03",
        "--title",
        "Cameras [[CANARY-T1]] are [[CANARY-T2]] unmanaged",
        "--body",
        "[[CANARY-B1]]Start. Middle [[CANARY-B2]] and more [[CANARY-B3]] end.[[CANARY-B4]]",
    )
    north_miami.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--date",
        "2024-06-03",
        "--text",
        "Adopt [[CANARY-R1]] a schedule [[CANARY-R2]] now [[CANARY-R3]]",
    )
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    finding = public_finding(north_miami, "3.1")
    # The exact public wording: each span gone, the text around every span kept.
    assert finding["title"] == "Cameras are unmanaged"
    assert finding["body"] == "Start. Middle and more end."
    assert [r["text"] for r in finding["recommendations"]] == ["Adopt a schedule now"]
    for fmt in ("markdown", "html", "csv"):
        out = north_miami.ok("report", *SITE, "--format", fmt)
        assert "Cameras are unmanaged" in out, (
            fmt
        )  # the finding is there, so the absence below means something
        assert "CANARY" not in out, fmt


def test_spans_in_the_csv_tracker_cells(north_miami):
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "technology",
        "--date",
        "2024-06-03",
        "--title",
        "Retention [[one]] policy [[two]] missing",
    )
    north_miami.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--date",
        "2024-06-03",
        "--text",
        "[[first]]Write it[[second]]",
    )
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    rows = list(csv.DictReader(io.StringIO(north_miami.ok("report", *SITE, "--format", "csv"))))
    assert [(r["finding_title"], r["recommendation_text"]) for r in rows] == [
        ("Retention policy missing", "Write it")
    ]


def test_redaction_problems_are_checked(north_miami):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "[[only secret]]")
    # An unclosed [[ is refused on input now (model/text.py); one that reached a store before
    # that still has to be flagged by check, so it is written here as an older version did.
    north_miami.fails(
        "recommend", *SITE, "--finding", "1.1", "--text", "Do X [[secret plan", says="unclosed [["
    )
    north_miami.ok(
        "recommend", *SITE, "--finding", "1.1", "--text", "Do X secret plan", "--owner", "U"
    )
    import sqlite3

    with sqlite3.connect(north_miami.db) as conn:
        conn.execute("UPDATE recommendations SET text = 'Do X [[secret plan'")
    approve(north_miami, "north-miami", "1.1", "1.1.1")
    codes = {
        (p["level"], p["code"], p["where"])
        for p in json.loads(north_miami("check", *SITE, "--format", "json").stdout)["problems"]
    }
    assert ("error", "empty-once-redacted", "finding 1.1") in codes
    # An unclosed [[ is a malformed marker: an error naming the field (it was a warning on the record).
    assert ("error", "malformed-marker", "recommendation 1.1.1 text") in codes
