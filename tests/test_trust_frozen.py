"""The published past is frozen, and dates are sane: nothing entered after a release can change
what `report --as-of` its date shows, nothing is dated before the engagement was announced, and
an extreme year is an error, never a traceback."""

import json

import pytest

from helpers import dump

SITE = ("--site", "north-miami")
AS_OF = "2024-06-30"  # release 1
ANNOUNCED = "2024-03-28"  # examples/north-miami.toml


@pytest.fixture
def released(north_miami, isolated):
    """Release 1 as of 2024-06-30, entered as past work: an approved finding with three approved
    recommendations (one in progress), a submitted but unapproved finding and recommendation, a
    draft finding, and an activity. Every record is dated before the release."""
    cli = north_miami
    cli.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "3",
        "--title",
        "No retention schedule",
        "--date",
        "2024-06-01",
    )
    for text in ("Adopt one.", "Train staff.", "Audit it."):
        cli.ok(
            "recommend",
            *SITE,
            "--finding",
            "3.1",
            "--text",
            text,
            "--owner",
            "Records",
            "--date",
            "2024-06-01",
        )
    cli.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "In review at release time",
        "--date",
        "2024-06-01",
    )
    cli.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "A draft at release time",
        "--date",
        "2024-06-01",
    )
    for ref in ("3.1", "3.1.1", "3.1.2", "3.1.3", "1.1"):
        cli.ok("submit", *SITE, ref, "--date", "2024-06-05")
    for ref in ("3.1", "3.1.1", "3.1.2"):
        cli.ok(
            "--as",
            "P. Manager",
            "review",
            *SITE,
            ref,
            "--decision",
            "approve",
            "--date",
            "2024-06-10",
        )
    cli.ok("set-status", *SITE, "3.1.1", "in-progress", "--as-of", "2024-06-20")
    cli.ok(
        "activity", *SITE, "--method", "interview", "--date", "2024-05-14", "--participants", "1"
    )
    cli.ok("publish", *SITE, "--as-of", AS_OF, "--output", isolated / "r1")
    return cli


def snapshot(isolated) -> dict:
    """What release 1 said: the store's snapshot, which must equal the JSON file in its folder."""
    import sqlite3

    conn = sqlite3.connect(isolated / "test.db")
    stored = json.loads(
        conn.execute("SELECT snapshot FROM releases WHERE number = 1").fetchone()[0]
    )
    conn.close()
    published = json.loads(
        (isolated / "r1" / "north-miami-release-1.json").read_text(encoding="utf-8")
    )
    assert stored == published
    assert stored["release"] == {"number": 1, "kind": "status-update"}
    return {k: v for k, v in stored.items() if k != "release"}


def as_of_report(cli) -> dict:
    return json.loads(cli.ok("report", *SITE, "--format", "json", "--as-of", AS_OF))


# Every command that takes a date, dated at or before release 1's as-of date.
BACKDATED = [
    (
        "approve-unpublished",
        ["--as", "P. Manager", "review", *SITE, "1.1", "--decision", "approve", "--date", AS_OF],
        (
            "cannot approve 1.1 on 2024-06-30: release 1 (as of 2024-06-30) froze everything dated up to then; "
            "date the decision after 2024-06-30"
        ),
    ),
    (
        "approve-rec",
        [
            "--as",
            "P. Manager",
            "review",
            *SITE,
            "3.1.3",
            "--decision",
            "approve",
            "--date",
            "2024-06-15",
        ],
        "cannot approve 3.1.3 on 2024-06-15: release 1 (as of 2024-06-30)",
    ),
    (
        "return",
        [
            "--as",
            "P. Manager",
            "review",
            *SITE,
            "3.1.3",
            "--decision",
            "return",
            "--comment",
            "Redo",
            "--date",
            "2024-06-12",
        ],
        "cannot return 3.1.3 on 2024-06-12: release 1 (as of 2024-06-30)",
    ),
    (
        "withdraw-published",
        [
            "--as",
            "P. Manager",
            "review",
            *SITE,
            "3.1.2",
            "--decision",
            "withdraw",
            "--comment",
            "Merged",
            "--date",
            AS_OF,
        ],
        (
            "cannot withdraw 3.1.2 on 2024-06-30: release 1 (as of 2024-06-30) already published it; "
            "date the decision after 2024-06-30"
        ),
    ),
    (
        "submit",
        ["submit", *SITE, "1.2", "--date", AS_OF],
        "cannot submit 1.2 on 2024-06-30: release 1",
    ),
    (
        "set-status",
        ["set-status", *SITE, "3.1.1", "complete", "--as-of", AS_OF],
        (
            "cannot set 3.1.1 to complete on 2024-06-30: release 1 (as of 2024-06-30) already published it; "
            "date the status after 2024-06-30"
        ),
    ),
    (
        "set-status-earlier",
        ["set-status", *SITE, "3.1.2", "in-progress", "--as-of", "2024-06-11"],
        "cannot set 3.1.2 to in-progress on 2024-06-11: release 1",
    ),
    (
        "log-finding",
        ["log-finding", *SITE, "--focus-area", "2", "--title", "Late entry", "--date", AS_OF],
        "cannot log a finding in focus area 2 on 2024-06-30: release 1 (as of 2024-06-30) froze",
    ),
    (
        "recommend",
        ["recommend", *SITE, "--finding", "3.1", "--text", "More.", "--date", "2024-06-02"],
        "cannot add a recommendation to 3.1 on 2024-06-02: release 1 (as of 2024-06-30) already published it",
    ),
    (
        "activity",
        ["activity", *SITE, "--method", "focus-group", "--date", AS_OF, "--participants", "9"],
        "cannot log a focus-group activity on 2024-06-30: release 1 (as of 2024-06-30)",
    ),
]


@pytest.mark.matrix
@pytest.mark.parametrize(
    "args, says", [case[1:] for case in BACKDATED], ids=[case[0] for case in BACKDATED]
)
def test_a_dated_write_at_or_before_a_release_is_refused(released, isolated, args, says):
    released.fails(*args, says=says)
    assert as_of_report(released) == snapshot(isolated)


def test_bulk_status_refuses_each_frozen_row(released, isolated, tmp_path):
    sheet = tmp_path / "q2.csv"
    sheet.write_text(
        "recommendation,status,as_of,note,reason\n3.1.1,complete,2024-06-30,,\n"
        "3.1.2,in-progress,2024-07-01,,\n",
        encoding="utf-8",
    )
    before = dump(released.db)
    result = released("bulk-status", *SITE, sheet)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        (
            "error: row 2: cannot set 3.1.1 to complete on 2024-06-30: release 1 (as of 2024-06-30) already "
            "published it; date the status after 2024-06-30"
        ),
        "error: 1 row has errors; nothing was changed",
    ]
    assert dump(released.db) == before


def test_the_as_of_report_stays_what_the_release_said(released, isolated, monkeypatch):
    """After the release, everything that is allowed happens: later-dated statuses, activities,
    findings and reviews, edits of a published record and its re-approval, a withdrawal, a
    protected name absent from the record. `report --as-of` the release's date still shows
    exactly what the release showed, field for field."""
    frozen = snapshot(isolated)
    assert as_of_report(released) == frozen
    released.ok("set-status", *SITE, "3.1.1", "complete", "--as-of", "2024-07-01")
    released.ok(
        "set-status",
        *SITE,
        "3.1.2",
        "partially-complete",
        "--as-of",
        "2024-09-30",
        "--reason",
        "resources",
    )
    released.ok(
        "activity", *SITE, "--method", "focus-group", "--date", "2024-07-02", "--participants", "9"
    )
    released.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "2",
        "--title",
        "Later finding",
        "--date",
        "2024-07-03",
    )
    released.ok("submit", *SITE, "2.1", "--date", "2024-07-04")
    released.ok(
        "--as",
        "P. Manager",
        "review",
        *SITE,
        "2.1",
        "--decision",
        "approve",
        "--date",
        "2024-07-05",
    )
    released.ok(
        "--as",
        "P. Manager",
        "review",
        *SITE,
        "1.1",
        "--decision",
        "approve",
        "--date",
        "2024-07-01",
    )
    released.ok("edit", *SITE, "3.1", "--title", "Reworded after the release")
    released.ok("--as", "P. Manager", "review", *SITE, "3.1", "--decision", "approve")
    released.ok(
        "--as",
        "P. Manager",
        "review",
        *SITE,
        "3.1.3",
        "--decision",
        "withdraw",
        "--comment",
        "Dropped",
    )
    released.ok("protect", *SITE, "Nobody In The Record")
    report = as_of_report(released)
    assert report == frozen
    assert report["focus_areas"][2]["findings"][0]["title"] == "No retention schedule"
    today = json.loads(released.ok("report", *SITE, "--format", "json"))
    assert today["focus_areas"][2]["findings"][0]["title"] == "Reworded after the release"
    assert today["total_findings"] == 3 and frozen["total_findings"] == 1


def test_a_release_as_of_today_freezes_today(released, isolated):
    released.ok("publish", *SITE, "--output", isolated / "r2")  # as of today, 2026-11-27
    released.fails(
        "set-status",
        *SITE,
        "3.1.1",
        "complete",
        says="cannot set 3.1.1 to complete on 2026-11-27: release 2 (as of 2026-11-27) already published it",
    )
    released.fails(
        "log-finding",
        *SITE,
        "--focus-area",
        "2",
        "--title",
        "Today",
        says="release 2 (as of 2026-11-27)",
    )


def test_a_release_is_not_dated_before_the_latest_one(released, isolated):
    """Release 1's records would count as published in reports of release 2's date (a withdrawn
    number stays, 'changes since the last update' compares with it): refused. The same date is
    fine, for a release of another kind."""
    released.ok("set-status", *SITE, "3.1.1", "complete", "--as-of", "2024-09-30")
    released.ok("publish", *SITE, "--as-of", "2024-09-30", "--output", isolated / "r2")
    released.fails(
        "publish",
        *SITE,
        "--as-of",
        AS_OF,
        "--output",
        isolated / "r3",
        says="cannot publish a release on 2024-06-30: release 2 (as of 2024-09-30) froze everything "
        "dated up to then; date the release on or after 2024-09-30",
    )
    assert not (isolated / "r3").exists()
    released.ok(
        "publish", *SITE, "--kind", "progress", "--as-of", "2024-09-30", "--output", isolated / "r3"
    )
    assert as_of_report(released) == snapshot(isolated)


def test_a_decision_is_not_dated_before_the_records_latest_change(north_miami):
    cli = north_miami
    cli.ok(
        "log-finding", *SITE, "--focus-area", "1", "--title", "Back then", "--date", "2024-06-01"
    )
    cli.ok("submit", *SITE, "1.1", "--date", "2024-06-05")
    cli.fails(
        "--as",
        "R",
        "review",
        *SITE,
        "1.1",
        "--decision",
        "approve",
        "--date",
        "2024-06-04",
        says="cannot approve 1.1 on 2024-06-04: it last changed on 2024-06-05; "
        "date the decision on or after 2024-06-05",
    )
    cli.ok("--as", "R", "review", *SITE, "1.1", "--decision", "approve", "--date", "2024-06-10")
    # An edit today sends it back to review; approving the new words in 2024 would backdate them.
    cli.ok("edit", *SITE, "1.1", "--title", "New words")
    cli.fails(
        "--as",
        "R",
        "review",
        *SITE,
        "1.1",
        "--decision",
        "approve",
        "--date",
        "2024-06-11",
        says="cannot approve 1.1 on 2024-06-11: it last changed on 2026-11-27",
    )
    cli.fails(
        "--as",
        "R",
        "review",
        *SITE,
        "1.1",
        "--decision",
        "withdraw",
        "--comment",
        "x",
        "--date",
        "2024-06-09",
        says="it last changed on 2026-11-27",
    )
    past = json.loads(cli.ok("report", *SITE, "--format", "json", "--as-of", "2024-06-30"))
    assert past["focus_areas"][0]["findings"][0]["title"] == "Back then"
    # Submitting a draft dated before its last edit is refused too.
    cli.ok("log-finding", *SITE, "--focus-area", "2", "--title", "Draft", "--date", "2024-06-01")
    cli.ok("edit", *SITE, "2.1", "--title", "Draft, edited today")
    cli.fails(
        "submit",
        *SITE,
        "2.1",
        "--date",
        "2024-06-02",
        says="cannot submit 2.1 on 2024-06-02: it last changed",
    )


BEFORE = "2024-03-27"  # the day before North Miami was announced
EARLY = [
    ["log-finding", *SITE, "--focus-area", "1", "--title", "t", "--date", BEFORE],
    ["recommend", *SITE, "--finding", "1.1", "--text", "r", "--date", BEFORE],
    ["set-status", *SITE, "1.1.1", "complete", "--as-of", BEFORE],
    ["activity", *SITE, "--method", "interview", "--date", BEFORE],
    ["submit", *SITE, "1.1", "--date", BEFORE],
    [
        "--as",
        "R",
        "review",
        *SITE,
        "1.1",
        "--decision",
        "withdraw",
        "--comment",
        "x",
        "--date",
        BEFORE,
    ],
    ["report", *SITE, "--as-of", BEFORE],
    ["report", *SITE, "--internal", "--format", "json", "--as-of", BEFORE],
    ["check", *SITE, "--as-of", BEFORE],
    ["publish", *SITE, "--as-of", BEFORE, "--output", "r"],
    ["show", *SITE, "--as-of", BEFORE],
    ["status", *SITE, "--as-of", BEFORE],
    ["export", "--public-db", "open.db", *SITE, "--as-of", BEFORE],
]


@pytest.mark.matrix
@pytest.mark.parametrize("args", EARLY, ids=[" ".join(a[:1] + a[3:4]) for a in EARLY])
def test_nothing_is_dated_before_the_announcement(north_miami, args):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "t", "--date", ANNOUNCED)
    north_miami.ok("recommend", *SITE, "--finding", "1.1", "--text", "r", "--date", ANNOUNCED)
    line = north_miami.fails(
        *args,
        says=f"{BEFORE} is before north-miami was announced ({ANNOUNCED}); "
        f"use a date on or after {ANNOUNCED}",
    )
    assert line.startswith("error: ")


def test_on_the_announcement_day_is_fine(north_miami):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "t", "--date", ANNOUNCED)
    assert (
        json.loads(north_miami.ok("report", *SITE, "--format", "json", "--as-of", ANNOUNCED))[
            "as_of"
        ]
        == ANNOUNCED
    )


def test_the_dashboard_of_every_engagement_starts_at_the_first_announcement(north_miami):
    north_miami.fails(
        "status",
        "--as-of",
        "2020-01-01",
        says="2020-01-01 is before any engagement was announced (the first: 2024-03-28)",
    )
    dashboard = north_miami.json("status", "--as-of", ANNOUNCED)
    assert [(e["site"], e["as_of"]) for e in dashboard] == [("north-miami", ANNOUNCED)]


EXTREME = ["0001-01-01", "0999-12-31", "1899-12-31", "2201-01-01", "9999-12-31"]
DATED = [
    ["log-finding", *SITE, "--focus-area", "1", "--title", "t", "--date"],
    ["recommend", *SITE, "--finding", "1.1", "--text", "r", "--date"],
    ["recommend", *SITE, "--finding", "1.1", "--text", "r", "--due"],
    ["set-status", *SITE, "1.1.1", "complete", "--as-of"],
    ["edit", *SITE, "1.1.1", "--due"],
    ["activity", *SITE, "--method", "interview", "--date"],
    ["submit", *SITE, "1.1", "--date"],
    ["report", *SITE, "--as-of"],
    ["check", *SITE, "--as-of"],
    ["status", "--as-of"],
    ["schedule", *SITE, "--next-update"],
    ["export", "--public-db", "open.db", "--as-of"],
]


@pytest.mark.matrix
@pytest.mark.parametrize("year", EXTREME)
@pytest.mark.parametrize("args", DATED, ids=[" ".join(a[:1] + a[-1:]) for a in DATED])
def test_years_outside_1900_to_2200_are_refused(north_miami, args, year):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "t", "--date", ANNOUNCED)
    north_miami.ok("recommend", *SITE, "--finding", "1.1", "--text", "r", "--date", ANNOUNCED)
    north_miami.fails(*args, year, says=f"{year} is out of range; years run from 1900 to 2200")


def test_a_pinned_today_out_of_range_is_one_line(north_miami, monkeypatch):
    monkeypatch.setenv("REFORMCTL_TODAY", "2300-01-01")
    north_miami.fails(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "t",
        says="REFORMCTL_TODAY 2300-01-01 is out of range",
    )


def test_participants_beyond_any_real_count_are_refused(north_miami):
    north_miami.fails(
        "activity",
        *SITE,
        "--method",
        "interview",
        "--date",
        ANNOUNCED,
        "--participants",
        str(2**64),
        says="at most 1,000,000",
    )


def test_an_import_cannot_date_into_a_release(released, isolated, tmp_path):
    """The spreadsheet door follows the same rule, row by row; a row that repeats what the record
    already says is still just unchanged."""
    sheet = tmp_path / "tracker.csv"
    sheet.write_text(
        "finding,finding_title,recommendation,recommendation_text,status,status_as_of\n"
        "3.1,,3.1.1,,Complete,2024-06-15\n3.2,New,3.2.1,Do it,In Progress,2024-05-01\n",
        encoding="utf-8",
    )
    before = dump(released.db)
    result = released("import", *SITE, sheet)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    frozen = (
        "release 1 (as of 2024-06-30) froze everything dated up to then; date it after 2024-06-30"
    )
    assert result.stderr.splitlines() == [
        f"error: {sheet}, row 3, column finding_date: 2024-05-01: {frozen}",
        f"error: {sheet}, row 2, column status_as_of: 2024-06-15: {frozen}",
        f"error: {sheet}, row 3, column recommendation_date: 2024-05-01: {frozen}",
        f"error: {sheet}: 3 errors; nothing was imported",
    ]
    assert dump(released.db) == before
    sheet.write_text(
        "finding,recommendation,status,status_as_of\n3.1,3.1.1,In Progress,2024-06-20\n",
        encoding="utf-8",
    )
    assert released.json("import", *SITE, sheet)["unchanged"] == 1
    assert as_of_report(released) == snapshot(isolated)


def test_published_numbers_cannot_change_even_in_sql(north_miami_released, isolated):
    import sqlite3

    conn = sqlite3.connect(isolated / "test.db")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE findings SET number = 9")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE recommendations SET number = 9")
