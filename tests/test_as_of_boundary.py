"""A report as of a date includes what is dated exactly on that date and nothing dated the day after:
statuses, approvals and the records themselves. Asserted here on meaning, not on committed files.

The work is done on the days it is dated (REFORMCTL_TODAY moves), so no rule about back-dating
decides the outcome."""

from helpers import TODAY, approve

SITE = ("--site", "north-miami")


def public_recs(cli, as_of: str) -> dict:
    report = cli.json("report", *SITE, "--as-of", as_of)
    return {
        r["number"]: (r["status"], r["status_as_of"])
        for area in report["focus_areas"]
        for f in area["findings"]
        for r in f["recommendations"]
    }


def public_titles(cli, as_of: str) -> list[str]:
    report = cli.json("report", *SITE, "--as-of", as_of)
    return [f["title"] for area in report["focus_areas"] for f in area["findings"]]


def test_a_status_on_the_as_of_date_counts_and_the_day_after_does_not(north_miami, monkeypatch):
    monkeypatch.setenv("REFORMCTL_TODAY", "2024-06-03")
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "A finding")
    north_miami.ok("recommend", *SITE, "--finding", "3.1", "--text", "Do it.")
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    monkeypatch.setenv("REFORMCTL_TODAY", TODAY)
    north_miami.ok("set-status", *SITE, "3.1.1", "in-progress", "--as-of", "2024-09-26")
    north_miami.ok("set-status", *SITE, "3.1.1", "complete", "--as-of", "2024-09-27")
    assert public_recs(north_miami, "2024-09-25") == {"3.1.1": ("not-started", "2024-06-03")}
    assert public_recs(north_miami, "2024-09-26") == {"3.1.1": ("in-progress", "2024-09-26")}
    assert public_recs(north_miami, "2024-09-27") == {"3.1.1": ("complete", "2024-09-27")}
    summary = {
        s["status"]: s["count"]
        for s in north_miami.json("report", *SITE, "--as-of", "2024-09-26")["status_summary"]
    }
    assert (summary["in-progress"], summary["complete"]) == (1, 0)


def test_records_and_approvals_on_the_as_of_date_count_and_the_day_after_does_not(
    north_miami, monkeypatch
):
    monkeypatch.setenv("REFORMCTL_TODAY", "2024-06-03")
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Made on the 3rd")
    north_miami.ok("recommend", *SITE, "--finding", "3.1", "--text", "Do it.")
    north_miami.ok("submit", *SITE, "3.1")
    north_miami.ok("submit", *SITE, "3.1.1")
    monkeypatch.setenv("REFORMCTL_TODAY", "2024-06-10")
    for ref in ("3.1", "3.1.1"):
        north_miami.ok("--as", "A. Reviewer", "review", *SITE, ref, "--decision", "approve")
    monkeypatch.setenv("REFORMCTL_TODAY", "2024-06-11")
    north_miami.ok(
        "log-finding", *SITE, "--focus-area", "technology", "--title", "Made on the 11th"
    )
    approve(north_miami, "north-miami", "3.2")
    monkeypatch.setenv("REFORMCTL_TODAY", TODAY)
    assert public_recs(north_miami, "2024-06-09") == {}
    assert public_titles(north_miami, "2024-06-09") == []
    assert public_recs(north_miami, "2024-06-10") == {"3.1.1": ("not-started", "2024-06-03")}
    assert public_titles(north_miami, "2024-06-10") == ["Made on the 3rd"]
    assert public_titles(north_miami, "2024-06-11") == ["Made on the 3rd", "Made on the 11th"]
