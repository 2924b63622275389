"""model/statuses.py and model/status_query.py at their edges: what set_status records and answers,
each refusal word for word, the reason rule, the history, the percentages that add up to 100 and
the status table as of a date. The model is called directly where the CLI would refuse first."""

from __future__ import annotations

import pytest

from helpers import TODAY, approve
from reformctl.cli.errors import message
from reformctl.errors import Invalid, Refused
from reformctl.model import statuses as S
from reformctl.model.engagements import get_engagement
from reformctl.model.status_query import status_at
from reformctl.store import open_store

SITE = ("--site", "north-miami")


def refusal(fn, *args, **kwargs) -> str:
    """The refusal as the command line words it (the library's facts, the CLI's option names)."""
    with pytest.raises(Invalid) as caught:
        fn(*args, **kwargs)
    return message(caught.value)


@pytest.fixture
def rec(north_miami, monkeypatch):
    """Recommendation 3.1.1, made on 2024-06-03 (not started from that day)."""
    monkeypatch.setenv("REFORMCTL_TODAY", "2024-06-03")
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "A finding")
    north_miami.ok("recommend", *SITE, "--finding", "3.1", "--text", "Do it.")
    monkeypatch.setenv("REFORMCTL_TODAY", TODAY)
    return north_miami


@pytest.fixture
def store(rec):
    store = open_store(rec.db)
    yield store
    store.close()


def set_status(store, *args, **kwargs) -> dict:
    return S.set_status(store, get_engagement(store, "north-miami"), "3.1.1", *args, **kwargs)


def test_set_status_records_and_answers_the_update(store):
    update = set_status(
        store,
        "Partially Complete",
        "ann",
        as_of="2024-09-26",
        note=" Side letter signed. ",
        reason=" Subject to collective bargaining ",
        evidence="The letter\r\n",
    )
    assert {
        k: update[k] for k in update if k not in ("id", "recommendation_id", "recorded_at")
    } == {
        "status": "partially-complete",
        "as_of": "2024-09-26",
        "note": "Side letter signed.",
        "reason": "collective-bargaining",
        "evidence": "The letter",
        "recorded_by": "ann",
        "ref": "3.1.1",
        "previous": "not-started",
        "superseded_by": None,
    }
    row = store.row("SELECT * FROM status_updates WHERE id = ?", (update["id"],))
    assert {
        k: row[k] for k in ("status", "as_of", "note", "reason", "evidence", "recorded_by")
    } == {
        "status": "partially-complete",
        "as_of": "2024-09-26",
        "note": "Side letter signed.",
        "reason": "collective-bargaining",
        "evidence": "The letter",
        "recorded_by": "ann",
    }
    [event] = store.rows("SELECT * FROM events WHERE action = 'status' AND actor = 'ann'")
    assert (event["actor"], event["ref"], event["record_type"]) == (
        "ann",
        "3.1.1",
        "recommendation",
    )
    assert event["engagement_id"] == get_engagement(store, "north-miami")["id"]
    assert event["record_id"] == update["recommendation_id"]
    assert (
        '"status": "not-started"' in event["before"] and '"as_of": "2024-06-03"' in event["before"]
    )
    assert '"status": "partially-complete"' in event["after"]


def test_empty_note_and_evidence_are_none_and_today_is_the_default(store):
    update = set_status(store, "complete", "ann", note=" ", evidence="")
    assert (update["as_of"], update["note"], update["evidence"], update["reason"]) == (
        TODAY,
        None,
        None,
        None,
    )


def test_a_back_dated_status_says_which_later_one_still_decides(store):
    set_status(store, "complete", "ann", as_of="2024-10-01")
    update = set_status(store, "in-progress", "ann", as_of="2024-09-01")
    assert update["previous"] == "not-started"  # the status as of 2024-09-01, before this one
    assert update["superseded_by"] == {"status": "complete", "as_of": "2024-10-01"}
    # one on the same day as the latest is not superseded by it
    same_day = set_status(store, "in-progress", "ann", as_of="2024-10-01")
    assert (same_day["previous"], same_day["superseded_by"]) == ("complete", None)


def test_set_status_refusals(store):
    assert refusal(set_status, store, "done", "ann") == (
        "status 'done' is unknown; choose one of complete, partially-complete, in-progress, "
        "not-started"
    )
    assert refusal(set_status, store, "complete", "ann", as_of="2024-06-02") == (
        "the status date 2024-06-02 is before recommendation 3.1.1 was made (2024-06-03); "
        "use a date on or after 2024-06-03"
    )
    assert set_status(store, "complete", "ann", as_of="2024-06-03")["as_of"] == "2024-06-03"
    assert refusal(set_status, store, "complete", "ann", note="x" * 5_001) == (
        "note is 5001 characters long; keep it to 5000"
    )
    assert refusal(set_status, store, "complete", "ann", evidence="x" * 5_001) == (
        "evidence is 5001 characters long; keep it to 5000"
    )
    assert set_status(store, "complete", "ann", note="x" * 5_000)["note"] == "x" * 5_000


def test_a_withdrawn_recommendation_keeps_its_status(rec):
    rec.ok("--as", "R", "review", *SITE, "3.1.1", "--decision", "withdraw")
    assert rec.fails("set-status", *SITE, "3.1.1", "complete") == (
        "error: recommendation 3.1.1 is withdrawn; its status can no longer change"
    )


def test_check_reason():
    assert S.check_reason("not-started", None) is None
    assert S.check_reason("complete", "  ") is None
    assert S.check_reason("not-started", "Resources not available") == "resources"
    assert S.check_reason("partially-complete", "other") == "other"
    assert refusal(S.check_reason, "not-started", " budget ") == (
        "reason 'budget' is unknown; choose one of outside-agency-control, "
        "collective-bargaining, resources, agency-declined, other"
    )
    assert refusal(S.check_reason, "in-progress", "other") == (
        "a reason is given only for not-started or partially-complete, not in-progress; "
        "leave --reason out or change the status"
    )
    assert refusal(S.check_reason, "complete", "other", from_file=True) == (
        "a reason is given only for not-started or partially-complete, not complete; "
        "leave the reason column empty or change the status"
    )


def test_status_history_is_the_whole_timeline_oldest_first(store):
    set_status(store, "complete", "ann", as_of="2024-10-01", evidence="Policy")
    set_status(store, "not-started", "bob", as_of="2024-09-01", reason="resources", note="n")
    history = S.status_history(store, get_engagement(store, "north-miami"), "3.1.1")
    assert {k: history[k] for k in ("number", "text", "review", "dated")} == {
        "number": "3.1.1",
        "text": "Do it.",
        "review": "draft",
        "dated": "2024-06-03",
    }
    assert [
        (u["as_of"], u["status"], u["status_label"], u["reason"], u["reason_label"], u["note"])
        for u in history["history"]
    ] == [
        ("2024-06-03", "not-started", "Not Started", None, None, None),
        ("2024-09-01", "not-started", "Not Started", "resources", "Resources not available", "n"),
        ("2024-10-01", "complete", "Complete", None, None, None),
    ]
    assert [(u["evidence"], u["recorded_by"]) for u in history["history"]][1:] == [
        (None, "bob"),
        ("Policy", "ann"),
    ]


def test_percentages_add_up_to_100_by_largest_remainder():
    assert S.percentages([]) == []
    assert S.percentages([0, 0]) == [0, 0]
    assert S.percentages([1, 0]) == [100, 0]
    assert S.percentages([1, 1, 1]) == [34, 33, 33]  # a tie goes to the first
    assert S.percentages([1, 2]) == [33, 67]
    assert S.percentages([1, 1, 1, 1, 1, 1, 1]) == [15, 15, 14, 14, 14, 14, 14]
    assert S.percentages([2, 1, 1, 3]) == [29, 14, 14, 43]
    assert S.percentages([199, 1]) == [100, 0]  # 99.5 and 0.5: the tie goes to the first
    assert S.percentages([1, 199]) == [1, 99]


def test_summarise_counts_every_status_in_their_order():
    assert S.summarise(["complete", "in-progress", "complete"]) == [
        {"status": "complete", "label": "Complete", "count": 2, "percent": 67},
        {
            "status": "partially-complete",
            "label": "Partially Complete",
            "count": 0,
            "percent": 0,
        },
        {"status": "in-progress", "label": "In Progress", "count": 1, "percent": 33},
        {"status": "not-started", "label": "Not Started", "count": 0, "percent": 0},
    ]
    assert [row["count"] for row in S.summarise([])] == [0, 0, 0, 0]


def test_the_status_table_counts_what_stands_on_the_date(rec, store, monkeypatch):
    monkeypatch.setenv("REFORMCTL_TODAY", "2024-06-05")
    rec.ok("recommend", *SITE, "--finding", "3.1", "--text", "Two.")  # 3.1.2, made 2024-06-05
    rec.ok("recommend", *SITE, "--finding", "3.1", "--text", "Three.")  # 3.1.3, withdrawn
    rec.ok("review", *SITE, "3.1.3", "--decision", "withdraw")
    rec.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Gone")  # 3.2
    rec.ok("recommend", *SITE, "--finding", "3.2", "--text", "Under a withdrawn finding.")
    rec.ok("review", *SITE, "3.2", "--decision", "withdraw")
    monkeypatch.setenv("REFORMCTL_TODAY", TODAY)
    set_status(store, "complete", "ann", as_of="2024-06-05")
    eid = get_engagement(store, "north-miami")["id"]

    def counts(as_of):
        return {r["status"]: r["count"] for r in S.status_summary(store, eid, as_of) if r["count"]}

    assert counts("2024-06-02") == {}
    assert counts("2024-06-04") == {"not-started": 1}
    assert counts("2024-06-05") == {"complete": 1, "not-started": 1}
    approve(rec, "north-miami", "3.1", "3.1.1")  # review state does not matter to the team
    assert counts(TODAY) == {"complete": 1, "not-started": 1}


def test_status_at_is_the_latest_update_on_or_before_the_date(store):
    set_status(store, "in-progress", "ann", as_of="2024-09-01")
    set_status(store, "complete", "ann", as_of="2024-09-01")  # same day, recorded later: wins
    set_status(store, "partially-complete", "ann", as_of="2024-09-03", reason="other")

    rec_id = store.value("SELECT recommendation_id FROM status_updates LIMIT 1")

    def at(as_of, column="status"):
        return store.value(
            f"SELECT {status_at(column)} FROM recommendations r WHERE r.id = :id",
            {"as_of": as_of, "id": rec_id},
        )

    assert at("2024-06-02") is None
    assert at("2024-06-03") == "not-started"
    assert at("2024-08-31") == "not-started"
    assert at("2024-09-01") == "complete"
    assert at("2024-09-02", "as_of") == "2024-09-01"
    assert (at("2024-09-03"), at("2024-09-03", "reason")) == ("partially-complete", "other")
    assert status_at() == status_at("status", "r.id")
    assert "su.recommendation_id = x.id" in status_at("status", "x.id")


def test_set_status_words_its_refusals_for_the_door_used(store):
    assert refusal(set_status, store, "complete", "ann", reason="other") == (
        "a reason is given only for not-started or partially-complete, not complete; "
        "leave --reason out or change the status"
    )
    assert refusal(set_status, store, "complete", "ann", reason="other", from_file=True) == (
        "a reason is given only for not-started or partially-complete, not complete; "
        "leave the reason column empty or change the status"
    )
    assert refusal(set_status, store, "complete", "ann", as_of="2024-02-30") == (
        "--as-of '2024-02-30' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28"
    )


def test_a_status_inside_a_released_period_is_refused(store):
    with store.write():  # release 1, as of 2024-06-30, published recommendation 3.1.1
        store.execute(
            """INSERT INTO releases (id, engagement_id, number, kind, as_of, published_at,
                   published_by, output_dir, files, snapshot)
               SELECT 'r1', id, 1, 'interim', '2024-06-30', '2024-07-01T00:00:00Z', 'x', 'out',
                   '[]', '{}' FROM engagements WHERE site = 'north-miami'"""
        )
        store.execute(
            """INSERT INTO release_items (release_id, record_type, record_id, ref)
               SELECT 'r1', 'recommendation', id, '3.1.1' FROM recommendations"""
        )
    with pytest.raises(Refused) as caught:
        set_status(store, "complete", "ann", as_of="2024-06-30")
    assert str(caught.value) == (
        "cannot set 3.1.1 to complete on 2024-06-30: release 1 (as of 2024-06-30) already "
        "published it; date the status after 2024-06-30"
    )
    assert set_status(store, "complete", "ann", as_of="2024-07-01")["previous"] == "not-started"
