"""recommend and set-status: numbering under findings, the dated status history, bad input."""

import pytest


@pytest.fixture
def finding(north_miami):
    north_miami.ok(
        "log-finding",
        "--site",
        "north-miami",
        "--focus-area",
        "3",
        "--title",
        "No video retention schedule",
        "--date",
        "2024-06-01",
    )
    return north_miami


def rec(cli, finding="3.1", text="Adopt a retention schedule.", *extra):
    return cli.ok(
        "recommend", "--site", "north-miami", "--finding", finding, "--text", text, *extra
    ).strip()


def test_numbered_under_their_finding(finding):
    assert rec(finding) == "3.1.1"
    assert rec(finding) == "3.1.2"
    finding.ok("log-finding", "--site", "north-miami", "--focus-area", "3", "--title", "Second")
    assert rec(finding, "3.2") == "3.2.1"
    assert rec(finding, "3.1") == "3.1.3"


def test_new_recommendation_is_not_started_today(finding):
    made = finding.json(
        "recommend",
        "--site",
        "north-miami",
        "--finding",
        "3.1",
        "--text",
        "Do it.",
        "--priority",
        "high",
        "--owner",
        "Records Unit",
        "--due",
        "2025-06-30",
    )
    assert made["number"] == "3.1.1"
    assert (made["status"], made["status_as_of"]) == ("not-started", "2026-11-27")
    assert (made["priority"], made["owner"], made["due"]) == ("high", "Records Unit", "2025-06-30")


def test_status_history_and_as_of(finding):
    rec(finding, "3.1", "Adopt a schedule.", "--date", "2024-06-01")
    out = finding.ok(
        "set-status",
        "--site",
        "north-miami",
        "3.1.1",
        "in-progress",
        "--as-of",
        "2024-09-26",
        "--note",
        "Draft policy reviewed.",
    )
    assert out.strip() == "3.1.1: In Progress as of 2024-09-26 (was Not Started)"
    finding.ok("set-status", "--site", "north-miami", "3.1.1", "complete", "--as-of", "2025-03-31")
    # A late correction for an earlier quarter slots into the history by date.
    finding.ok(
        "set-status", "--site", "north-miami", "3.1.1", "not-started", "--as-of", "2024-12-31"
    )

    def status_on(day):
        shown = finding.json("show", "--site", "north-miami", "--as-of", day)
        return {row["status"]: row["count"] for row in shown["status_summary"] if row["count"]}

    assert status_on("2024-06-01") == {"not-started": 1}
    assert status_on("2024-09-26") == {"in-progress": 1}
    assert status_on("2024-12-31") == {"not-started": 1}
    assert status_on("2025-04-01") == {"complete": 1}
    assert status_on("2024-05-31") == {}  # it did not exist yet


def test_same_day_updates_take_the_last_recorded(finding):
    rec(finding, "3.1", "x", "--date", "2024-06-01")
    finding.ok(
        "set-status", "--site", "north-miami", "3.1.1", "in-progress", "--as-of", "2024-09-26"
    )
    finding.ok("set-status", "--site", "north-miami", "3.1.1", "complete", "--as-of", "2024-09-26")
    listed = finding.json("findings", "--site", "north-miami")
    assert listed[0]["recommendations"][0]["status"] == "complete"


def test_status_defaults_to_today(finding):
    rec(finding)
    made = finding.json("set-status", "--site", "north-miami", "3.1.1", "partially-complete")
    assert made["as_of"] == "2026-11-27" and made["previous"] == "not-started"


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["--finding", "3.9", "--text", "x"], 1, "no finding 3.9"),
        (["--finding", "3", "--text", "x"], 1, "not a finding number"),
        (["--finding", "3.1.1", "--text", "x"], 1, "not a finding number"),
        (["--finding", "3.1", "--text", "  "], 1, "must not be empty"),
        (["--finding", "3.1", "--text", "x", "--priority", "urgent"], 2, "--priority"),
        (["--finding", "3.1", "--text", "x", "--due", "2025-02-29"], 1, "not a real date"),
        (["--finding", "3.1", "--text", "x", "--date", "2024-05-01"], 1, "before its finding"),
    ],
)
def test_bad_recommendations(finding, args, code, says):
    finding.fails("recommend", "--site", "north-miami", *args, code=code, says=says)


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["3.1.9", "complete"], 1, "no recommendation 3.1.9"),
        (["3.1.1.1", "complete"], 1, "not a recommendation number"),
        (["3.1.1", "done"], 2, "STATUS"),
        (["3.1.1", "complete", "--as-of", "2024-02-30"], 1, "not a real date"),
        (["3.1.1", "complete", "--as-of", "yesterday"], 1, "YYYY-MM-DD"),
        (["3.1.1", "complete", "--as-of", "2027-01-01"], 1, "in the future"),
        (["3.1.1", "complete", "--as-of", "2024-05-01"], 1, "before recommendation 3.1.1 was made"),
        (
            ["3.1.1", "complete", "--as-of", "2024-01-01"],
            1,
            "before north-miami was announced (2024-03-28)",
        ),
    ],
)
def test_bad_status_updates(finding, args, code, says):
    rec(finding, "3.1", "x", "--date", "2024-06-01")
    finding.fails("set-status", "--site", "north-miami", *args, code=code, says=says)


def test_unknown_site_for_status(finding):
    finding.fails("set-status", "--site", "nowhere", "3.1.1", "complete", says="no engagement")
