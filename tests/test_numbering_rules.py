"""model/findings.py and model/recommendations.py, called directly on a store built once: the next
number follows the highest taken (gaps and withdrawals included) under its own parent only, what
a creation stores (row, event, draft review, first status) without any reviewer, the dates and
their refusals word for word, and how a number is looked up. test_findings.py,
test_recommendations.py and test_numbering_gaps.py show the same through the CLI."""

from __future__ import annotations

import json
import shutil

import pytest

from reformctl.cli.errors import message
from reformctl.errors import Invalid, NotFound, Refused
from reformctl.model import findings as F
from reformctl.model import recommendations as R
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.frozen import Frozen
from reformctl.model.review import review
from reformctl.model.sites import get_engagement
from reformctl.store import open_store

AREAS = ["Crime Prevention", "Community Engagement", "Technology"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Two engagements with the same focus areas (so that numbers repeat across them)."""
    path = tmp_path_factory.mktemp("numbering") / "template.db"
    store = open_store(path)
    for site in ("north-miami", "other"):
        spec = EngagementSpec(
            site=site, agency=f"{site} PD", focus_areas=AREAS, announced="2024-03-28"
        )
        create_engagement(store, spec, "setup")
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def store(template, isolated):
    shutil.copyfile(template, isolated / "numbering.db")
    store = open_store(isolated / "numbering.db")
    yield store
    store.close()


def eng(store, site="north-miami") -> dict:
    return get_engagement(store, site)


def refusal(kind, fn, *args, **kwargs) -> str:
    with pytest.raises(kind) as caught:
        fn(*args, **kwargs)
    assert type(caught.value) is kind
    return message(caught.value)


def log(store, area="3", title="A finding", site="north-miami", **kwargs) -> dict:
    return F.log_finding(store, eng(store, site), area, title, None, "ann", **kwargs)


def rec(store, finding="3.1", text="Do it.", site="north-miami", **kwargs) -> dict:
    return R.recommend(store, eng(store, site), finding, text, "ann", **kwargs)


def add_release(store, as_of, *record_ids):
    with store.write():
        store.execute(
            """INSERT INTO releases (id, engagement_id, number, kind, as_of, published_at,
                   published_by, output_dir, files, snapshot)
               SELECT 'r1', id, 1, 'interim', ?, '2026-01-01T00:00:00Z', 'x', 'out', '[]', '{}'
               FROM engagements WHERE site = 'north-miami'""",
            (as_of,),
        )
        for record_id in record_ids:
            store.execute(
                "INSERT INTO release_items (release_id, record_type, record_id, ref) "
                "VALUES ('r1', 'finding', ?, '3.1')",
                (record_id,),
            )


# ---- findings ----------------------------------------------------------------------------------


def test_clean_methods_keeps_the_first_of_each_in_order_and_refuses_an_unknown_one():
    assert F.clean_methods(None) == []
    assert F.clean_methods([]) == []
    assert F.clean_methods(["interview", "document-review", "interview"]) == [
        "interview",
        "document-review",
    ]
    with pytest.raises(Invalid) as caught:
        F.clean_methods(["interview", "seance"])
    assert str(caught.value).startswith("method 'seance' is unknown; choose from ")
    assert "interview" in str(caught.value) and "document-review" in str(caught.value)


def test_a_finding_is_stored_and_answered_with_its_number_event_and_draft_review(store):
    made = F.log_finding(
        store,
        eng(store),
        "technology",
        " No retention schedule ",
        "Body.\n",
        "ann",
        methods=["interview", "interview"],
        internal=7,
        dated="2024-06-03",
    )
    assert {k: made[k] for k in made if k not in ("id", "created_at")} == {
        "engagement_id": eng(store)["id"],
        "focus_area_id": store.value("SELECT id FROM focus_areas WHERE title = 'Technology'"),
        "number": 1,
        "title": "No retention schedule",
        "body": "Body.",
        "methods": ["interview"],
        "internal": 1,
        "review": "draft",
        "dated": "2024-06-03",
        "created_by": "ann",
        "ref": "3.1",
        "focus_area": 3,
        "focus_area_title": "Technology",
    }
    row = store.row("SELECT * FROM findings WHERE id = ?", (made["id"],))
    assert row == {k: made[k] for k in row} | {"methods": '["interview"]'}
    events = store.rows("SELECT * FROM events WHERE record_type = 'finding'")
    assert [
        (e["actor"], e["engagement_id"], e["record_id"], e["ref"], e["action"], e["before"])
        for e in events
    ] == [("ann", eng(store)["id"], made["id"], "3.1", "create", None)]
    assert json.loads(events[0]["after"]) == {k: row[k] for k in row}
    reviews = store.rows("SELECT * FROM review_history WHERE record_id = ?", (made["id"],))
    assert [
        (r["engagement_id"], r["record_type"], r["review"], r["actor"], r["on_date"])
        for r in reviews
    ] == [(eng(store)["id"], "finding", "draft", "ann", "2024-06-03")]


def test_a_finding_defaults_to_today_public_and_no_methods(store):
    made = log(store)
    assert (made["dated"], made["internal"], made["methods"], made["body"]) == (
        "2026-11-27",
        0,
        [],
        "",
    )
    assert store.value("SELECT methods FROM findings") == "[]"
    assert store.value("SELECT on_date FROM review_history") == "2026-11-27"


def test_the_next_finding_follows_the_highest_number_of_its_own_focus_area(store):
    assert [log(store)["number"], log(store)["number"]] == [1, 2]
    assert log(store, "1")["number"] == 1  # each focus area numbers on its own
    assert log(store, site="other")["number"] == 1  # and each engagement
    area = store.value(
        "SELECT focus_area_id FROM findings WHERE number = 2 AND engagement_id = ?",
        (eng(store)["id"],),
    )
    with store.write():  # an imported 3.7: a gap after 3.2
        store.execute(
            """INSERT INTO findings (id, engagement_id, focus_area_id, number, title, methods,
                   internal, review, dated, created_at, created_by)
               VALUES ('gap', ?, ?, 7, 'Imported', '[]', 0, 'draft', '2024-06-01', 'x', 'x')""",
            (eng(store)["id"], area),
        )
    assert log(store)["ref"] == "3.8"  # COUNT(*) + 1 would give 3.4
    review(store, eng(store), "3.8", "withdraw", "bob", comment="duplicate")
    assert log(store)["ref"] == "3.9"  # a withdrawn number is never taken again


def test_a_finding_is_refused_before_the_assessment_and_after_closing(store):
    engagement = eng(store)
    assert refusal(
        Refused, F.log_finding, store, {**engagement, "phase": "planning"}, "3", "t", None, "ann"
    ) == (
        "north-miami is still in planning; findings are logged from the assessment phase on "
        "(`reformctl advance --site north-miami assessment`)"
    )
    assert refusal(
        Refused, F.log_finding, store, {**engagement, "phase": "closed"}, "3", "t", None, "ann"
    ).startswith("north-miami is closed")
    assert store.value("SELECT COUNT(*) FROM findings") == 0


def test_a_finding_names_its_fields_in_each_refusal(store):
    assert refusal(Invalid, log, store, title="  ") == "finding title must not be empty"
    assert refusal(Invalid, F.log_finding, store, eng(store), "3", "t", "a\x07", "ann").startswith(
        "finding body "
    )
    assert refusal(Invalid, log, store, dated="2024-02-30") == (
        "finding date '2024-02-30' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28"
    )
    assert refusal(Invalid, log, store, dated="2024-03-27").startswith(
        "finding date 2024-03-27 is before north-miami was announced"
    )
    assert log(store, dated="2024-03-28")["dated"] == "2024-03-28"  # the day itself is fine
    assert refusal(Invalid, log, store, methods=["seance"]).startswith("method 'seance'")


def test_a_finding_dated_into_a_release_is_refused_and_after_it_taken(store):
    add_release(store, "2024-06-30")
    assert refusal(Frozen, log, store, dated="2024-06-30") == (
        "cannot log a finding in focus area 3 on 2024-06-30: release 1 (as of 2024-06-30) froze "
        "everything dated up to then; date the finding after 2024-06-30"
    )
    assert store.value("SELECT COUNT(*) FROM findings") == 0
    assert log(store, dated="2024-07-01")["ref"] == "3.1"


def test_resolve_finding_reads_its_own_engagement_and_tells_where_to_look(store):
    mine = log(store, methods=["interview"])
    theirs = log(store, site="other")
    found = F.resolve_finding(store, eng(store), " 3.1 ")
    assert (found["id"], found["ref"], found["methods"]) == (mine["id"], "3.1", ["interview"])
    assert (found["focus_area"], found["focus_area_title"]) == (3, "Technology")
    assert F.resolve_finding(store, eng(store, "other"), "3.1")["id"] == theirs["id"]
    assert refusal(NotFound, F.resolve_finding, store, eng(store), "3.2") == (
        "north-miami has no finding 3.2; `reformctl findings --site north-miami` lists them"
    )
    assert refusal(NotFound, F.resolve_finding, store, eng(store), "1.1").startswith(
        "north-miami has no finding 1.1"
    )


# ---- recommendations ---------------------------------------------------------------------------


@pytest.fixture
def finding(store):
    log(store, dated="2024-06-03")
    return store


def test_a_recommendation_is_stored_not_started_with_its_event_review_and_first_status(finding):
    store = finding
    made = rec(
        store,
        " 3.1 ",
        " Adopt a schedule.\n",
        priority="high",
        owner=" Records Unit ",
        due="2025-06-30",
        internal=5,
        dated="2024-06-04",
    )
    parent = F.resolve_finding(store, eng(store), "3.1")
    assert {k: made[k] for k in made if k not in ("id", "created_at")} == {
        "engagement_id": eng(store)["id"],
        "finding_id": parent["id"],
        "number": 1,
        "text": "Adopt a schedule.",
        "priority": "high",
        "owner": "Records Unit",
        "due": "2025-06-30",
        "internal": 1,
        "review": "draft",
        "dated": "2024-06-04",
        "created_by": "ann",
        "ref": "3.1.1",
        "finding": "3.1",
        "status": "not-started",
        "status_as_of": "2024-06-04",
    }
    row = store.row("SELECT * FROM recommendations WHERE id = ?", (made["id"],))
    assert row == {k: made[k] for k in row}
    events = store.rows("SELECT * FROM events WHERE record_type = 'recommendation' ORDER BY rowid")
    assert [
        (e["actor"], e["engagement_id"], e["record_id"], e["ref"], e["action"], e["before"])
        for e in events
    ] == [
        ("ann", eng(store)["id"], made["id"], "3.1.1", "create", None),
        ("ann", eng(store)["id"], made["id"], "3.1.1", "status", None),
    ]
    assert json.loads(events[0]["after"]) == row
    first = store.row("SELECT * FROM status_updates WHERE recommendation_id = ?", (made["id"],))
    assert json.loads(events[1]["after"]) == first
    assert {k: first[k] for k in first if k not in ("id", "recorded_at")} == {
        "recommendation_id": made["id"],
        "status": "not-started",
        "as_of": "2024-06-04",
        "note": None,
        "reason": None,
        "evidence": None,
        "recorded_by": "ann",
    }
    assert first["recorded_at"][:10] == "2026-11-27"
    reviews = store.rows("SELECT * FROM review_history WHERE record_id = ?", (made["id"],))
    assert [
        (r["engagement_id"], r["record_type"], r["review"], r["actor"], r["on_date"])
        for r in reviews
    ] == [(eng(store)["id"], "recommendation", "draft", "ann", "2024-06-04")]


def test_a_recommendation_defaults_to_today_with_nothing_optional(finding):
    made = rec(finding)
    assert (made["dated"], made["status_as_of"], made["internal"]) == (
        "2026-11-27",
        "2026-11-27",
        0,
    )
    assert (made["priority"], made["owner"], made["due"]) == (None, None, None)


def test_the_next_recommendation_follows_the_highest_number_under_its_own_finding(finding):
    store = finding
    assert [rec(store)["ref"], rec(store)["ref"]] == ["3.1.1", "3.1.2"]
    log(store, dated="2024-06-03")
    assert rec(store, "3.2")["ref"] == "3.2.1"  # each finding numbers on its own
    parent = F.resolve_finding(store, eng(store), "3.1")
    with store.write():  # an imported 3.1.7: a gap after 3.1.2
        store.execute(
            """INSERT INTO recommendations (id, engagement_id, finding_id, number, text,
                   internal, review, dated, created_at, created_by)
               VALUES ('gap', ?, ?, 7, 'Imported.', 0, 'draft', '2024-06-03', 'x', 'x')""",
            (eng(store)["id"], parent["id"]),
        )
    assert rec(store)["ref"] == "3.1.8"  # COUNT(*) + 1 would give 3.1.4
    review(store, eng(store), "3.1.8", "withdraw", "bob", comment="duplicate")
    assert rec(store)["ref"] == "3.1.9"


def test_a_recommendation_is_refused_on_a_closed_engagement(finding):
    closed = {**eng(finding), "phase": "closed"}
    assert refusal(Refused, R.recommend, finding, closed, "3.1", "Do it.", "ann") == (
        "north-miami is closed; reopen it first with "
        "`reformctl reopen --site north-miami --reason TEXT`"
    )


def test_a_recommendation_names_its_fields_in_each_refusal(finding):
    store = finding
    assert refusal(Invalid, rec, store, text="  \n") == "recommendation text must not be empty"
    assert refusal(Invalid, rec, store, text="x" * (R.MAX_REC_TEXT + 1)).startswith(
        "recommendation text "
    )
    assert rec(store, text="x" * R.MAX_REC_TEXT)["text"] == "x" * R.MAX_REC_TEXT
    assert refusal(Invalid, rec, store, priority="urgent") == (
        "priority 'urgent' is unknown; choose one of high, medium, low"
    )
    assert refusal(Invalid, rec, store, owner="[[x]]").startswith("owner ")
    assert refusal(Invalid, rec, store, due="2025-02-30") == (
        "due date '2025-02-30' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28"
    )
    assert refusal(Invalid, rec, store, dated="2024-13-01") == (
        "recommendation date '2024-13-01' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28"
    )
    assert store.value("SELECT COUNT(*) FROM recommendations") == 1


def test_a_recommendation_goes_under_a_live_finding_dated_no_later(finding):
    store = finding
    assert refusal(Invalid, rec, store, dated="2024-06-02") == (
        "recommendation date 2024-06-02 is before its finding 3.1 (2024-06-03)"
    )
    assert rec(store, dated="2024-06-03")["dated"] == "2024-06-03"  # the same day is fine
    review(store, eng(store), "3.1", "withdraw", "bob", comment="duplicate")
    assert refusal(Refused, rec, store) == (
        "finding 3.1 is withdrawn; recommendations go under a live finding"
    )
    assert refusal(NotFound, rec, store, "3.9").startswith("north-miami has no finding 3.9")
    assert store.value("SELECT COUNT(*) FROM recommendations") == 1


def test_a_recommendation_dated_into_a_release_is_refused_naming_its_finding(finding):
    store = finding
    parent = F.resolve_finding(store, eng(store), "3.1")
    add_release(store, "2024-06-30", parent["id"])
    assert refusal(Frozen, rec, store, dated="2024-06-30") == (
        "cannot add a recommendation to 3.1 on 2024-06-30: release 1 (as of 2024-06-30) already "
        "published it; date the recommendation after 2024-06-30"
    )
    assert store.value("SELECT COUNT(*) FROM recommendations") == 0
    assert store.value("SELECT COUNT(*) FROM status_updates") == 0
    assert rec(store, dated="2024-07-01")["ref"] == "3.1.1"


def test_resolve_recommendation_reads_its_own_engagement_and_tells_where_to_look(finding):
    store = finding
    mine = rec(store)
    log(store, site="other")
    theirs = rec(store, site="other")
    found = R.resolve_recommendation(store, eng(store), " 3.1.1 ")
    assert (found["id"], found["ref"], found["focus_area"], found["finding_number"]) == (
        mine["id"],
        "3.1.1",
        3,
        1,
    )
    assert found["finding_review"] == "draft"
    assert R.resolve_recommendation(store, eng(store, "other"), "3.1.1")["id"] == theirs["id"]
    review(store, eng(store), "3.1", "withdraw", "bob", comment="duplicate")
    assert R.resolve_recommendation(store, eng(store), "3.1.1")["finding_review"] == "withdrawn"
    assert refusal(NotFound, R.resolve_recommendation, store, eng(store), "3.1.2") == (
        "north-miami has no recommendation 3.1.2; `reformctl findings --site north-miami` lists "
        "findings and their recommendations"
    )
    for ref in ("2.1.1", "3.2.1"):
        assert refusal(NotFound, R.resolve_recommendation, store, eng(store), ref).startswith(
            f"north-miami has no recommendation {ref};"
        )
