"""The public report shows a record's approved wording, never the working text still in review."""

import json

from helpers import approve

SITE = ("--site", "north-miami")


def public_finding(cli, number: str, *extra: str) -> dict:
    report = cli.json("report", *SITE, *extra)
    found = [f for area in report["focus_areas"] for f in area["findings"] if f["number"] == number]
    assert len(found) == 1, f"finding {number} is not in the public report"
    return found[0]


def test_an_edit_in_review_publishes_nothing_of_its_new_wording(north_miami):
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "technology",
        "--date",
        "2024-06-03",
        "--title",
        "Approved title",
        "--body",
        "Approved body.",
    )
    north_miami.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--date",
        "2024-06-03",
        "--text",
        "Approved text.",
        "--priority",
        "high",
        "--owner",
        "Records Unit",
        "--due",
        "2025-06-30",
    )
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    north_miami.ok(
        "edit", *SITE, "3.1", "--title", "UNREVIEWED title", "--body", "UNREVIEWED body."
    )
    north_miami.ok(
        "edit",
        *SITE,
        "3.1.1",
        "--text",
        "UNREVIEWED text.",
        "--priority",
        "low",
        "--owner",
        "UNREVIEWED owner",
        "--due",
        "2029-01-31",
    )
    finding = public_finding(north_miami, "3.1")
    assert (finding["title"], finding["body"]) == ("Approved title", "Approved body.")
    [rec] = finding["recommendations"]
    assert (rec["text"], rec["priority"], rec["owner"], rec["due"]) == (
        "Approved text.",
        "high",
        "Records Unit",
        "2025-06-30",
    )
    for fmt in ("markdown", "csv", "html"):
        out = north_miami.ok("report", *SITE, "--format", fmt)
        assert "Approved text." in out and "UNREVIEWED" not in out, fmt
    # Once the edit is approved, its wording is the public one.
    for ref in ("3.1", "3.1.1"):
        north_miami.ok("--as", "A. Reviewer", "review", *SITE, ref, "--decision", "approve")
    finding = public_finding(north_miami, "3.1")
    assert finding["title"] == "UNREVIEWED title"
    assert [r["text"] for r in finding["recommendations"]] == ["UNREVIEWED text."]


def test_a_record_withdrawn_before_any_release_leaves_no_trace(north_miami):
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Kept")
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Taken back")
    approve(north_miami, "north-miami", "3.1", "3.2")
    north_miami.ok(
        "--as",
        "A. Reviewer",
        "review",
        *SITE,
        "3.2",
        "--decision",
        "withdraw",
        "--comment",
        "wrong",
    )
    report = north_miami.json("report", *SITE)
    assert [f["number"] for a in report["focus_areas"] for f in a["findings"]] == ["3.1"]
    markdown = north_miami.ok("report", *SITE, "--format", "markdown")
    assert (
        "Finding 3.1" in markdown and "Finding 3.2" not in markdown and "Taken back" not in markdown
    )


def test_an_edit_in_review_leaves_the_approved_wording_public(north_miami_released, isolated):
    north_miami_released.ok("edit", *SITE, "3.1", "--title", "New title", "--body", "New body.")
    data = json.loads(north_miami_released.ok("report", *SITE, "--format", "json"))
    finding = data["focus_areas"][2]["findings"][0]
    assert (finding["title"], finding["body"]) == ("Old title", "Old body.")
    assert len(finding["recommendations"]) == 2
    north_miami_released.ok("--as", "R", "review", *SITE, "3.1", "--decision", "approve")
    data = json.loads(north_miami_released.ok("report", *SITE, "--format", "json"))
    assert data["focus_areas"][2]["findings"][0]["title"] == "New title"
