"""model/review.py through the CLI, at the edges: the exact refusals a reviewer reads, what each
step answers, decisions dated on the boundary of the record's last change, and what approval
records as the public wording."""

from __future__ import annotations

import pytest

from helpers import TODAY, approve

SITE = ("--site", "north-miami")


@pytest.fixture
def drafted(north_miami):
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "3",
        "--title",
        "No retention schedule",
        "--date",
        "2024-06-03",
        "--body",
        "Records are kept forever.",
    )
    north_miami.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--text",
        "Adopt one.",
        "--owner",
        "Records",
        "--priority",
        "high",
        "--due",
        "2025-01-31",
        "--date",
        "2024-06-03",
    )
    return north_miami


def test_each_step_answers_what_it_did(drafted):
    assert drafted.json("submit", *SITE, "3.1", "--date", "2024-06-04") == {
        "number": "3.1",
        "kind": "finding",
        "review": "in-review",
        "previous": "draft",
        "dated": "2024-06-04",
    }
    assert drafted.json(
        "--as",
        "R. Viewer",
        "review",
        *SITE,
        "3.1",
        "--decision",
        "return",
        "--comment",
        " Cite the schedule. ",
        "--date",
        "2024-06-05",
    ) == {
        "number": "3.1",
        "kind": "finding",
        "review": "draft",
        "previous": "in-review",
        "comment": "Cite the schedule.",
        "dated": "2024-06-05",
    }
    drafted.ok("submit", *SITE, "3.1", "--date", "2024-06-05")
    assert drafted.json(
        "--as", "R. Viewer", "review", *SITE, "3.1", "--decision", "approve", "--comment", "  "
    ) == {
        "number": "3.1",
        "kind": "finding",
        "review": "approved",
        "previous": "in-review",
        "comment": None,
        "dated": TODAY,
    }
    assert drafted.json(
        "--as", "R. Viewer", "review", *SITE, "3.1.1", "--decision", "withdraw"
    ) == {
        "number": "3.1.1",
        "kind": "recommendation",
        "review": "withdrawn",
        "previous": "draft",
        "comment": None,
        "dated": TODAY,
    }


def test_the_refusals_say_what_to_do(drafted):
    assert drafted.fails("--as", "R", "review", *SITE, "3.1", "--decision", "approve") == (
        "error: finding 3.1 is draft; only a record in review can be approved "
        "(submit it first with `reformctl submit --site north-miami 3.1`)"
    )
    assert drafted.fails(
        "--as", "R", "review", *SITE, "3.1", "--decision", "return", "--comment", "x"
    ) == ("error: finding 3.1 is draft; only a record in review can be returned to draft")
    drafted.ok("submit", *SITE, "3.1")
    assert drafted.fails("submit", *SITE, "3.1") == (
        "error: finding 3.1 is in-review; only a draft can be submitted for review"
    )
    assert drafted.fails("--as", "R", "review", *SITE, "3.1", "--decision", "return") == (
        "error: returning a record to draft needs --comment saying what to change"
    )
    assert drafted.fails("review", *SITE, "3.1", "--decision", "approve") == (
        "error: tester wrote finding 3.1 and cannot also approve it (four eyes); another team member must review it"
    )
    assert drafted.fails(
        "--as", "R", "review", *SITE, "3.1", "--decision", "approve", "--comment", "x" * 5_001
    ) == ("error: comment is 5001 characters long; keep it to 5000")
    drafted.ok(
        "--as", "R", "review", *SITE, "3.1", "--decision", "approve", "--comment", "x" * 5_000
    )
    assert drafted.fails("review", *SITE, "3.1", "--decision", "withdraw") == (
        "error: tester wrote finding 3.1 and cannot also withdraw it (four eyes); another team member must review it"
    )
    drafted.ok("--as", "R", "review", *SITE, "3.1", "--decision", "withdraw")
    assert drafted.fails("--as", "R", "review", *SITE, "3.1", "--decision", "withdraw") == (
        "error: finding 3.1 is already withdrawn"
    )


def test_a_decision_is_dated_on_or_after_the_last_change(drafted):
    assert drafted.fails("submit", *SITE, "3.1", "--date", "2024-06-02") == (
        "error: submission date 2024-06-02 is before finding 3.1 was made (2024-06-03)"
    )
    drafted.ok("submit", *SITE, "3.1", "--date", "2024-06-10")
    assert drafted.fails(
        "--as", "R", "review", *SITE, "3.1", "--decision", "approve", "--date", "2024-06-09"
    ) == (
        "error: cannot approve 3.1 on 2024-06-09: it last changed on 2024-06-10; date the decision on or after 2024-06-10"
    )
    # the day of the last change itself is allowed
    drafted.ok("--as", "R", "review", *SITE, "3.1", "--decision", "approve", "--date", "2024-06-10")
    assert drafted.json("submit", *SITE, "3.1.1", "--date", "2024-06-03")["dated"] == "2024-06-03"


def test_an_edit_dates_the_record_by_today_at_the_latest(drafted):
    # The audit clock is the real one (later than REFORMCTL_TODAY in these tests): an edit still
    # counts as today's, so a decision today is in order and one of yesterday is not.
    drafted.ok("submit", *SITE, "3.1", "--date", "2024-06-04")
    drafted.ok("edit", *SITE, "3.1", "--title", "No records retention schedule")
    line = drafted.fails(
        "--as", "R", "review", *SITE, "3.1", "--decision", "approve", "--date", "2024-06-05"
    )
    assert line == (
        f"error: cannot approve 3.1 on 2024-06-05: it last changed on {TODAY}; "
        f"date the decision on or after {TODAY}"
    )
    assert (
        drafted.json("--as", "R", "review", *SITE, "3.1", "--decision", "approve")["dated"] == TODAY
    )


def test_approval_records_the_wording_it_approved(drafted):
    approve(drafted, "north-miami", "3.1", "3.1.1")
    report = drafted.json("report", *SITE)
    [finding] = [f for a in report["focus_areas"] for f in a["findings"]]
    assert (finding["title"], finding["body"]) == (
        "No retention schedule",
        "Records are kept forever.",
    )
    [rec] = finding["recommendations"]
    assert (rec["text"], rec["priority"], rec["owner"], rec["due"]) == (
        "Adopt one.",
        "high",
        "Records",
        "2025-01-31",
    )


def test_self_approval_lets_the_author_approve_and_withdraw(cli):
    cli.ok(
        "new-engagement",
        "--site",
        "team",
        "--agency",
        "Team PD",
        "--focus-area",
        "A",
        "--self-approval",
    )
    cli.ok("log-finding", "--site", "team", "--focus-area", "1", "--title", "Training hours")
    cli.ok("submit", "--site", "team", "1.1")
    assert (
        cli.json("review", "--site", "team", "1.1", "--decision", "approve")["review"] == "approved"
    )
    assert (
        cli.json("review", "--site", "team", "1.1", "--decision", "withdraw")["review"]
        == "withdrawn"
    )


def test_four_eyes_ignores_case_and_spacing(north_miami):
    north_miami.ok("--as", "A. Analyst", "log-finding", *SITE, "--focus-area", "1", "--title", "t")
    north_miami.ok("submit", *SITE, "1.1")
    for name in ("a. analyst", "A.  Analyst", " A. ANALYST "):
        north_miami.fails(
            "--as", name, "review", *SITE, "1.1", "--decision", "approve", says="four eyes"
        )
