"""model/review.py through the CLI, at the edges: the exact refusals a reviewer reads, what each
step answers, decisions dated on the boundary of the record's last change, and what approval
records as the public wording."""

from __future__ import annotations

import json
import sqlite3

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


def stored(cli, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(cli.db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_each_step_is_stored_in_the_history_the_trail_and_only_approval_versions(drafted):
    eid = stored(drafted, "SELECT id FROM engagements WHERE site = 'north-miami'")[0][0]
    drafted.ok("submit", *SITE, "3.1", "--date", "2024-06-04")
    drafted.ok(
        "--as",
        "R",
        "review",
        *SITE,
        "3.1",
        "--decision",
        "return",
        "--comment",
        "Redo.",
        "--date",
        "2024-06-05",
    )
    drafted.ok("submit", *SITE, "3.1", "--date", "2024-06-05")
    drafted.ok("--as", "R", "review", *SITE, "3.1", "--decision", "approve", "--date", "2024-06-06")
    drafted.ok("--as", "R", "review", *SITE, "3.1.1", "--decision", "withdraw", "--comment", "Dup.")
    history = stored(
        drafted,
        """SELECT h.record_type, h.review, h.on_date, h.actor, h.comment, h.engagement_id = ?
           FROM review_history h ORDER BY h.rowid""",
        eid,
    )
    assert history == [
        ("finding", "draft", "2024-06-03", "tester", None, 1),  # made
        ("recommendation", "draft", "2024-06-03", "tester", None, 1),
        ("finding", "in-review", "2024-06-04", "tester", None, 1),
        ("finding", "draft", "2024-06-05", "R", "Redo.", 1),
        ("finding", "in-review", "2024-06-05", "tester", None, 1),
        ("finding", "approved", "2024-06-06", "R", None, 1),
        ("recommendation", "withdrawn", TODAY, "R", "Dup.", 1),
    ]
    # Only an approval records the wording it approved, dated as the decision is
    versions = stored(
        drafted,
        """SELECT v.record_type, v.on_date, v.actor, v.title, v.body, v.engagement_id = ?,
                  v.record_id = f.id
           FROM approved_versions v, findings f""",
        eid,
    )
    assert versions == [
        ("finding", "2024-06-06", "R", "No retention schedule", "Records are kept forever.", 1, 1)
    ]
    events = stored(
        drafted,
        """SELECT action, actor, ref, record_type, engagement_id = ?, before, after FROM events
           WHERE action IN ('submit', 'review') ORDER BY rowid""",
        eid,
    )
    assert [e[:5] for e in events] == [
        ("submit", "tester", "3.1", "finding", 1),
        ("review", "R", "3.1", "finding", 1),
        ("submit", "tester", "3.1", "finding", 1),
        ("review", "R", "3.1", "finding", 1),
        ("review", "R", "3.1.1", "recommendation", 1),
    ]
    assert [(json.loads(e[5]), json.loads(e[6])) for e in events] == [
        ({"review": "draft"}, {"review": "in-review", "comment": None}),
        ({"review": "in-review"}, {"review": "draft", "comment": "Redo."}),
        ({"review": "draft"}, {"review": "in-review", "comment": None}),
        ({"review": "in-review"}, {"review": "approved", "comment": None}),
        ({"review": "draft"}, {"review": "withdrawn", "comment": "Dup."}),
    ]
    assert stored(drafted, "SELECT review FROM findings") == [("approved",)]
    assert stored(drafted, "SELECT review FROM recommendations") == [("withdrawn",)]


def test_an_approval_dated_today_by_default_records_its_version_today(drafted):
    approve(drafted, "north-miami", "3.1.1")
    assert stored(drafted, "SELECT on_date, text, priority, owner, due FROM approved_versions") == [
        (TODAY, "Adopt one.", "high", "Records", "2025-01-31")
    ]
    assert stored(drafted, "SELECT review, on_date FROM review_history ORDER BY rowid")[2:] == [
        ("in-review", TODAY),
        ("approved", TODAY),
    ]


def test_whoever_edited_a_record_is_one_of_its_authors(drafted):
    drafted.ok("--as", "B. Editor", "edit", *SITE, "3.1", "--title", "No retention schedule at all")
    drafted.ok("submit", *SITE, "3.1")
    assert drafted.fails("--as", "b. editor", "review", *SITE, "3.1", "--decision", "approve") == (
        "error: b. editor wrote finding 3.1 and cannot also approve it (four eyes); "
        "another team member must review it"
    )
    drafted.ok("--as", "C. Third", "review", *SITE, "3.1", "--decision", "approve")


def test_a_submission_is_dated_after_the_last_decision(drafted):
    assert drafted.fails("submit", *SITE, "3.1", "--date", "2024-02-30") == (
        "error: submission date '2024-02-30' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28"
    )
    drafted.ok("submit", *SITE, "3.1", "--date", "2024-06-04")
    drafted.ok(
        "--as",
        "R",
        "review",
        *SITE,
        "3.1",
        "--decision",
        "return",
        "--comment",
        "x",
        "--date",
        "2024-06-06",
    )
    assert drafted.fails("submit", *SITE, "3.1", "--date", "2024-06-05") == (
        "error: cannot submit 3.1 on 2024-06-05: it last changed on 2024-06-06; "
        "date the submission on or after 2024-06-06"
    )


def test_a_decision_inside_a_released_period_is_refused(drafted):
    drafted.ok("submit", *SITE, "3.1", "--date", "2024-06-04")
    drafted.ok("submit", *SITE, "3.1.1", "--date", "2024-06-04")
    conn = sqlite3.connect(drafted.db)
    with conn:  # release 1, as of 2024-06-30, published finding 3.1 (not 3.1.1)
        conn.execute(
            """INSERT INTO releases (id, engagement_id, number, kind, as_of, published_at,
                   published_by, output_dir, files, snapshot)
               SELECT 'r1', id, 1, 'interim', '2024-06-30', '2024-07-01T00:00:00Z', 'x', 'out',
                   '[]', '{}' FROM engagements WHERE site = 'north-miami'"""
        )
        conn.execute(
            """INSERT INTO release_items (release_id, record_type, record_id, ref)
               SELECT 'r1', 'finding', id, '3.1' FROM findings"""
        )
    conn.close()
    approve_on = ("--as", "R", "review", *SITE, "--decision", "approve", "--date")
    assert drafted.fails(*approve_on, "2024-06-30", "3.1") == (
        "error: cannot approve 3.1 on 2024-06-30: release 1 (as of 2024-06-30) already "
        "published it; date the decision after 2024-06-30"
    )
    assert drafted.fails(*approve_on, "2024-06-29", "3.1.1") == (
        "error: cannot approve 3.1.1 on 2024-06-29: release 1 (as of 2024-06-30) froze "
        "everything dated up to then; date the decision after 2024-06-30"
    )
    drafted.ok(*approve_on, "2024-07-01", "3.1")


def test_last_changed_of_a_record_without_history_is_its_date(drafted):
    from reformctl.model.review import last_changed
    from reformctl.store import open_store

    store = open_store(drafted.db)
    try:
        assert last_changed(store, {"id": "no-such-record", "dated": "2024-01-02"}) == "2024-01-02"
    finally:
        store.close()


def test_an_unknown_decision_is_refused_by_the_model_too(drafted):
    from reformctl.errors import Invalid
    from reformctl.model.engagements import get_engagement
    from reformctl.model.review import review
    from reformctl.store import open_store

    store = open_store(drafted.db)
    try:
        with pytest.raises(Invalid) as caught:
            review(store, get_engagement(store, "north-miami"), "3.1", "maybe", "R")
    finally:
        store.close()
    assert (
        str(caught.value) == "decision 'maybe' is unknown; choose one of approve, return, withdraw"
    )


def test_a_decision_date_must_be_a_real_date(drafted):
    drafted.ok("submit", *SITE, "3.1")
    assert drafted.fails(
        "--as", "R", "review", *SITE, "3.1", "--decision", "approve", "--date", "2024-02-30"
    ) == ("error: decision date '2024-02-30' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28")


def test_a_decision_before_the_record_was_made_is_refused(drafted):
    drafted.ok("submit", *SITE, "3.1.1", "--date", "2024-06-03")
    assert drafted.fails(
        "--as", "R", "review", *SITE, "3.1.1", "--decision", "approve", "--date", "2024-06-02"
    ) == ("error: decision date 2024-06-02 is before recommendation 3.1.1 was made (2024-06-03)")
