"""exchange/conflicts.py, called directly on two stores built once per module
(tests/merge_stores.py): which conflicts are open and how they are listed (every field), each
record's reference, the one place a merge or resolve changes a record (its internal flag dated),
and `resolve`: which record a reference picks, each refusal word for word, keeping ours or taking
theirs (the record, the conflict rows and the audit event whole), four eyes on taking another
store's review decision, and the frozen past kept when their value keeps their date.
test_merge.py, test_trust_merge.py and test_trust_frozen_merge.py show the same through the CLI."""

from __future__ import annotations

import json

import pytest

from merge_stores import (  # noqa: F401 (fixtures)
    SITE,
    TODAY,
    add_release,
    events,
    ids,
    pair,
    row,
    templates,
)
from reformctl.errors import Invalid, NotFound, Refused
from reformctl.exchange.conflicts import (
    list_conflicts,
    open_conflicts,
    record_refs,
    resolve,
    update_record,
)
from reformctl.exchange.merge import merge
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.findings import log_finding
from reformctl.model.review import review, submit

ACTOR = "ann"


def run(pair, actor=ACTOR) -> dict:
    return merge(pair.ours, pair.engagement, pair.theirs_path, actor)


def conflict(eid: str, record_type: str, record_id: str, field: str, ours, theirs, **more):
    """A merge_conflicts row as a merge writes it (values JSON-encoded)."""
    return {
        "id": more.pop("id", f"{record_id[:8]}-{field[:4]:x<4}-4000-8000-000000000000"),
        "engagement_id": eid,
        "record_type": record_type,
        "record_id": record_id,
        "field": field,
        "ours": json.dumps(ours),
        "theirs": json.dumps(theirs),
        "base": json.dumps(more.pop("base", None)),
        "source": more.pop("source", "their.db"),
        "created_at": more.pop("created_at", f"{TODAY}T10:00:00+00:00"),
        "created_by": "ann",
        "resolved_at": None,
        "resolved_by": None,
        "resolution": None,
        **more,
    }


def add_conflicts(pair, *rows) -> None:
    with pair.ours.write():
        for r in rows:
            pair.ours.insert("merge_conflicts", r)


def resolutions(pair) -> list[tuple]:
    return [
        (r["record_id"], r["field"], r["resolved_by"], r["resolution"], r["resolved_at"][:10])
        for r in pair.ours.rows(
            "SELECT * FROM merge_conflicts WHERE resolved_at IS NOT NULL ORDER BY record_id, field"
        )
    ]


# ---- open conflicts, listed ----------------------------------------------------------------


def test_open_conflicts_are_this_engagements_unsettled_ones_in_order(pair):
    got = ids(pair.ours)
    eid = pair.engagement["id"]
    other = create_engagement(
        pair.ours, EngagementSpec(site="other", agency="Other PD", focus_areas=["X"]), "eve"
    )
    early, late = f"{TODAY}T09:00:00+00:00", f"{TODAY}T11:00:00+00:00"
    rows = [
        conflict(eid, "findings", got["1.2"], "title", "A", "B", base="Draft", created_at=late),
        conflict(eid, "findings", got["1.2"], "body", "", "b", created_at=late),
        conflict(eid, "recommendations", got["1.1.1"], "text", "x", "y", created_at=early),
        conflict(eid, "sections", got["introduction"], "body", "o", "t", created_at=late),
        conflict(eid, "team_members", got["member Bob"], "role", "lead", "researcher"),
        conflict(eid, "engagement", eid, "agency", "North PD", "South PD", source="b/"),
        conflict(other["id"], "engagement", other["id"], "agency", "Other PD", "X PD"),
        conflict(
            eid,
            "findings",
            got["1.1"],
            "title",
            "a",
            "b",
            resolved_at=late,
            resolved_by="rita",
            resolution="ours",
        ),
    ]
    add_conflicts(pair, *rows)
    # by date, then record id, then field; settled ones and other engagements' left out
    late_ids = sorted([got["1.2"], got["introduction"]])
    middle = sorted(
        [(got["member Bob"], "role"), (eid, "agency")],
    )
    expected_order = (
        [(got["1.1.1"], "text")]
        + [(key, field) for key, field in middle]
        + [
            (key, field)
            for key in late_ids
            for field in (["body", "title"] if key == got["1.2"] else ["body"])
        ]
    )
    found = open_conflicts(pair.ours, eid)
    assert [(c["record_id"], c["field"]) for c in found] == expected_order
    assert found[0] == {
        k: v
        for k, v in rows[2].items()
        if k not in ("engagement_id", "created_by", "resolved_at", "resolved_by", "resolution")
    }
    listed = {(c["record_id"], c["field"]): c for c in list_conflicts(pair.ours, pair.engagement)}
    assert list(listed) == expected_order
    assert listed[(got["1.2"], "title")] == {
        "record_type": "findings",
        "record_id": got["1.2"],
        "ref": "1.2",
        "field": "title",
        "ours": "A",
        "theirs": "B",
        "base": "Draft",
        "source": "their.db",
    }
    assert [c["ref"] for c in listed.values()] == [
        "1.1.1",
        *(got_ref(got, key) for key, _ in middle),
        *(got_ref(got, key) for key, _ in expected_order[3:]),
    ]
    assert listed[(eid, "agency")]["source"] == "b/"
    assert listed[(eid, "agency")]["base"] is None


def got_ref(got: dict, key: str) -> str:
    names = {v: k for k, v in got.items()}
    name = names[key]
    return name if name[0].isdigit() or name == "introduction" else key[:8]


def test_record_refs_name_this_engagements_findings_recommendations_and_sections(pair):
    got = ids(pair.ours)
    create_engagement(
        pair.ours, EngagementSpec(site="other", agency="Other PD", focus_areas=["X"]), "eve"
    )
    other = pair.ours.row("SELECT * FROM engagements WHERE site = 'other'")
    log_finding(pair.ours, other, "1", "Elsewhere", None, "eve")
    assert record_refs(pair.ours, pair.engagement["id"]) == {
        got["1.1"]: "1.1",
        got["1.2"]: "1.2",
        got["1.1.1"]: "1.1.1",
        got["1.1.2"]: "1.1.2",
        got["introduction"]: "introduction",
    }


# ---- the one place a record changes ---------------------------------------------------------


def test_update_record_sets_fields_and_dates_a_flip_of_the_flag(pair):
    key = ids(pair.ours)["1.2"]
    before = row(pair.ours, "findings", key)
    with pair.ours.write():
        update_record(pair.ours, "findings", key, {"title": "T", "internal": 1}, "rita")
    assert row(pair.ours, "findings", key) == {**before, "title": "T", "internal": 1}
    history = pair.ours.rows("SELECT * FROM internal_history WHERE record_id = ?", (key,))
    assert [{k: v for k, v in h.items() if k not in ("id", "at")} for h in history] == [
        {
            "record_type": "finding",
            "record_id": key,
            "was": 0,
            "internal": 1,
            "on_date": TODAY,
            "actor": "rita",
        }
    ]
    with pair.ours.write():  # the same value again, or no flag at all: nothing to date
        update_record(pair.ours, "findings", key, {"internal": 1}, "rita")
        update_record(pair.ours, "findings", key, {"body": "B"}, "rita")
    assert pair.ours.value("SELECT COUNT(*) FROM internal_history") == 1
    eid = pair.engagement["id"]
    with pair.ours.write():
        update_record(pair.ours, "engagement", eid, {"city": "Northtown"}, "rita")
    assert pair.engagement["city"] == "Northtown"


# ---- resolve: which record ------------------------------------------------------------------


def _two_conflicts(pair) -> str:
    """Finding 1.2's title and body, both changed on both sides: two open conflicts."""
    key = ids(pair.ours)["1.2"]
    pair.ours_sql("UPDATE findings SET title = 'Ann title', body = 'Ann body' WHERE id = ?", (key,))
    pair.sql("UPDATE findings SET title = 'Bob title', body = 'Bob body' WHERE id = ?", (key,))
    assert len(run(pair)["conflicts"]) == 2
    return key


def test_a_take_other_than_ours_or_theirs_is_refused_first(pair):
    with pytest.raises(Invalid) as caught:
        resolve(pair.ours, pair.engagement, "nothing", "mine", ACTOR)
    assert str(caught.value) == "take must be ours or theirs, not 'mine'"


@pytest.mark.parametrize("record", ["9.9", "", None, "1.1", "{key3}"])
def test_a_record_without_an_open_conflict_is_not_found(pair, record):
    key = _two_conflicts(pair)
    record = record.format(key3=key[:3]) if record else record
    with pytest.raises(NotFound) as caught:
        resolve(pair.ours, pair.engagement, record, "ours", ACTOR)
    assert str(caught.value) == (
        f"nm has no open merge conflict on {record!r}; `list_conflicts()` lists them"
    )
    assert (caught.value.remedy.action, caught.value.remedy.facts) == (
        "list_conflicts",
        {"site": SITE},
    )


@pytest.mark.parametrize("how", ["ref", "id", "prefix", "short-prefix", "spaced"])
def test_a_record_is_picked_by_number_id_or_a_prefix_of_four_or_more(pair, how):
    key = _two_conflicts(pair)
    record = {
        "ref": "1.2",
        "id": key,
        "prefix": key[:8],
        "short-prefix": key[:4],
        "spaced": " 1.2\n",
    }[how]
    done = resolve(pair.ours, pair.engagement, record, "ours", "rita")
    assert done == [
        {"field": "body", "took": "ours", "value": "Ann body"},
        {"field": "title", "took": "ours", "value": "Ann title"},
    ]


def test_a_prefix_of_several_records_is_refused(pair):
    eid = pair.engagement["id"]
    got = ids(pair.ours)
    a, b = "abcd0001-0000-4000-8000-000000000001", "abcd0002-0000-4000-8000-000000000002"
    add_conflicts(
        pair,
        conflict(eid, "findings", a, "title", "x", "y", id=got["1.1"][:8] + a[8:]),
        conflict(eid, "findings", b, "title", "x", "y", id=got["1.2"][:8] + b[8:]),
    )
    with pytest.raises(Invalid) as caught:
        resolve(pair.ours, pair.engagement, "abcd", "ours", ACTOR)
    assert str(caught.value) == "'abcd' matches conflicts on several records; give more of the id"
    assert resolve(pair.ours, pair.engagement, "abcd0001", "ours", ACTOR) == [
        {"field": "title", "took": "ours", "value": "x"}
    ]


def test_a_field_without_an_open_conflict_is_not_found(pair):
    _two_conflicts(pair)
    with pytest.raises(NotFound) as caught:
        resolve(pair.ours, pair.engagement, "1.2", "theirs", ACTOR, field="colour")
    assert str(caught.value) == "1.2 has no open conflict on field 'colour'"


# ---- resolve: keeping ours, taking theirs ---------------------------------------------------


def test_keeping_ours_settles_every_conflict_of_the_record_and_changes_nothing(pair):
    key = _two_conflicts(pair)
    before = row(pair.ours, "findings", key)
    done = resolve(pair.ours, pair.engagement, "1.2", "ours", "rita")
    assert done == [
        {"field": "body", "took": "ours", "value": "Ann body"},
        {"field": "title", "took": "ours", "value": "Ann title"},
    ]
    assert row(pair.ours, "findings", key) == before
    assert resolutions(pair) == [
        (key, "body", "rita", "ours", TODAY),
        (key, "title", "rita", "ours", TODAY),
    ]
    assert open_conflicts(pair.ours, pair.engagement["id"]) == []
    assert events(pair.ours, "resolve") == [
        {
            "actor": "rita",
            "engagement_id": pair.engagement["id"],
            "record_type": "findings",
            "record_id": key,
            "ref": "1.2",
            "action": "resolve",
            "before": json.dumps({"body": "Ann body", "title": "Ann title"}),
            "after": json.dumps({"body": "Ann body", "title": "Ann title"}),
        }
    ]


def test_taking_theirs_for_one_field_leaves_the_other_open(pair):
    key = _two_conflicts(pair)
    before = row(pair.ours, "findings", key)
    done = resolve(pair.ours, pair.engagement, "1.2", "theirs", "rita", field="title")
    assert done == [{"field": "title", "took": "theirs", "value": "Bob title"}]
    assert row(pair.ours, "findings", key) == {**before, "title": "Bob title"}
    assert resolutions(pair) == [(key, "title", "rita", "theirs", TODAY)]
    assert [c["field"] for c in open_conflicts(pair.ours, pair.engagement["id"])] == ["body"]
    assert events(pair.ours, "resolve") == [
        {
            "actor": "rita",
            "engagement_id": pair.engagement["id"],
            "record_type": "findings",
            "record_id": key,
            "ref": "1.2",
            "action": "resolve",
            "before": json.dumps({"title": "Ann title"}),
            "after": json.dumps({"title": "Bob title"}),
        }
    ]


@pytest.mark.parametrize(
    ("kind", "field", "what"),
    [("activities", "team", "an activity"), ("releases", "items", "a release")],
)
def test_a_folded_list_is_fixed_when_its_record_is_made(pair, kind, field, what):
    eid = pair.engagement["id"]
    key = ids(pair.ours)["activity"]
    add_conflicts(
        pair,
        conflict(eid, kind, key, field, ["a"], ["a", "b"]),
        # listed first: the refusal still names the folded list, not the first field
        conflict(eid, kind, key, "as_of", "2024-07-01", "2024-07-02"),
    )
    with pytest.raises(Refused) as caught:
        resolve(pair.ours, pair.engagement, key, "theirs", "rita")
    assert str(caught.value) == f"the {field} of {what} is fixed when it is made; keep ours"
    with pytest.raises(Refused):
        resolve(pair.ours, pair.engagement, key, "theirs", "rita", field=field)
    assert [d["took"] for d in resolve(pair.ours, pair.engagement, key, "ours", "rita")] == [
        "ours",
        "ours",
    ]


def test_an_activitys_other_fields_can_be_taken(pair):
    eid = pair.engagement["id"]
    key = ids(pair.ours)["activity"]
    add_conflicts(pair, conflict(eid, "activities", key, "summary", None, "Met the chief."))
    resolve(pair.ours, pair.engagement, key, "theirs", "rita")
    assert row(pair.ours, "activities", key)["summary"] == "Met the chief."


def test_taking_their_value_that_breaks_a_rule_of_the_store_is_refused(pair):
    got = ids(pair.ours)
    eid = pair.engagement["id"]
    add_conflicts(
        pair,
        conflict(eid, "findings", got["1.2"], "number", 2, 1),
        conflict(eid, "findings", got["1.2"], "title", "Draft finding", "Theirs"),
    )
    before = row(pair.ours, "findings", got["1.2"])
    with pytest.raises(Refused) as caught:
        resolve(pair.ours, pair.engagement, "1.2", "theirs", "rita")
    assert str(caught.value) == (
        "cannot take their number, title for 1.2: UNIQUE constraint failed: "
        "findings.focus_area_id, findings.number"
    )
    assert row(pair.ours, "findings", got["1.2"]) == before


# ---- resolve: four eyes on their review decisions -------------------------------------------


def _approved_elsewhere(pair, ref: str = "1.2", dated: str = "2024-07-01") -> str:
    """Their copy approved ANN's finding REF (reviewed by rita there): merged, it is held here."""
    with pair.theirs() as (store, e):
        submit(store, e, ref, "ann", dated=dated)
        review(store, e, ref, "approve", "rita", dated=dated)
    done = run(pair)
    assert sorted(c["field"].split(":")[0] for c in done["conflicts"]) == [
        "approved_versions",
        "review",
        "review_history",
    ]
    return ids(pair.ours)[ref]


def test_taking_their_approval_of_your_own_record_is_refused(pair):
    _approved_elsewhere(pair)
    with pytest.raises(Refused) as caught:
        resolve(pair.ours, pair.engagement, "1.2", "theirs", " ANN ")
    assert str(caught.value) == (
        " ANN  wrote finding 1.2 and cannot also take the other side's review decision on it "
        "(four eyes); another team member must review it"
    )
    for field in ("review", "approved_versions", "review_history"):
        chosen = next(
            c["field"]
            for c in open_conflicts(pair.ours, pair.engagement["id"])
            if c["field"].startswith(field)
        )
        with pytest.raises(Refused):
            resolve(pair.ours, pair.engagement, "1.2", "theirs", "ann", field=chosen)
    # keeping ours decides nothing
    assert len(resolve(pair.ours, pair.engagement, "1.2", "ours", "ann")) == 3


def test_another_team_member_takes_their_approval_whole(pair):
    key = _approved_elsewhere(pair)
    held = {
        c["field"].split(":")[0]: c
        for c in open_conflicts(pair.ours, pair.engagement["id"])
        if ":" in c["field"]
    }
    done = resolve(pair.ours, pair.engagement, "1.2", "theirs", "rita")
    assert [d["field"].split(":")[0] for d in done] == [
        "approved_versions",
        "review",
        "review_history",
    ]
    assert row(pair.ours, "findings", key)["review"] == "approved"
    version = json.loads(held["approved_versions"]["theirs"])
    step = json.loads(held["review_history"]["theirs"])
    assert pair.ours.row("SELECT * FROM approved_versions WHERE record_id = ?", (key,)) == version
    assert row(pair.ours, "review_history", step["id"]) == step
    added = [e for e in events(pair.ours, "merge-add") if e["actor"] == "rita"]
    assert added == [
        {
            "actor": "rita",
            "engagement_id": pair.engagement["id"],
            "record_type": kind,
            "record_id": record["id"],
            "ref": None,
            "action": "merge-add",
            "before": None,
            "after": json.dumps(record, sort_keys=True),
        }
        for kind, record in (("approved_versions", version), ("review_history", step))
    ]


def test_self_approval_lets_the_author_take_their_approval(pair):
    key = _approved_elsewhere(pair)
    pair.ours_sql("UPDATE engagements SET self_approval = 1")
    resolve(pair.ours, pair.engagement, "1.2", "theirs", "ann")
    assert row(pair.ours, "findings", key)["review"] == "approved"


def test_taking_a_return_to_draft_is_no_review_decision(pair):
    eid = pair.engagement["id"]
    key = ids(pair.ours)["1.1"]
    add_conflicts(pair, conflict(eid, "findings", key, "review", "approved", "draft"))
    resolve(pair.ours, pair.engagement, "1.1", "theirs", "ann")
    assert row(pair.ours, "findings", key)["review"] == "draft"


@pytest.mark.parametrize("theirs", ["approved", "withdrawn"])
def test_taking_their_decision_on_a_section_is_four_eyes_too(pair, theirs):
    eid = pair.engagement["id"]
    key = ids(pair.ours)["introduction"]
    add_conflicts(pair, conflict(eid, "sections", key, "review", "in-review", theirs))
    with pytest.raises(Refused) as caught:
        resolve(pair.ours, pair.engagement, "introduction", "theirs", "ann")
    assert str(caught.value) == (
        "ann wrote section introduction and cannot also take the other side's review decision "
        "on it (four eyes); another team member must review it"
    )
    resolve(pair.ours, pair.engagement, "introduction", "theirs", "rita")
    assert row(pair.ours, "sections", key)["review"] == theirs


def test_an_engagement_field_is_no_review_decision(pair):
    eid = pair.engagement["id"]
    add_conflicts(pair, conflict(eid, "engagement", eid, "self_approval", 0, 1))
    assert resolve(pair.ours, pair.engagement, eid, "theirs", "ann") == [
        {"field": "self_approval", "took": "theirs", "value": 1}
    ]
    assert pair.engagement["self_approval"] == 1


# ---- resolve: the frozen past ----------------------------------------------------------------


def test_taking_a_held_approval_dated_into_a_release_is_refused(pair):
    key = _approved_elsewhere(pair)
    add_release(pair.ours_sql, pair.engagement["id"], 1, "2024-07-01")
    step = next(
        c
        for c in open_conflicts(pair.ours, pair.engagement["id"])
        if "review_history" in c["field"]
    )
    with pytest.raises(Refused) as caught:
        resolve(pair.ours, pair.engagement, "1.2", "theirs", "rita", field=step["field"])
    held = step["field"].split(":")[1]
    assert str(caught.value) == (
        f"cannot bring in review_history/{held}.json from {pair.theirs_path} on 2024-07-01: "
        "release 1 (as of 2024-07-01) froze everything dated up to then; date the record after "
        "2024-07-01"
    )
    assert pair.ours.value("SELECT COUNT(*) FROM review_history WHERE id = ?", (held,)) == 0
    assert row(pair.ours, "findings", key)["review"] == "draft"


def test_taking_their_date_into_a_release_is_refused(pair):
    eid = pair.engagement["id"]
    key = ids(pair.ours)["status"]
    add_release(pair.ours_sql, eid, 1, "2024-06-30")
    add_conflicts(
        pair, conflict(eid, "status_updates", key, "as_of", "2024-07-02", "2024-06-20", source="s")
    )
    pair.ours_sql("UPDATE status_updates SET as_of = '2024-07-02' WHERE id = ?", (key,))
    with pytest.raises(Refused) as caught:
        resolve(pair.ours, pair.engagement, key, "theirs", "rita")
    assert str(caught.value) == (
        f"cannot bring in status_updates/{key}.json from s on 2024-06-20: release 1 "
        "(as of 2024-06-30) froze everything dated up to then; date the record after 2024-06-30"
    )


def test_taking_their_value_after_the_release_goes_through(pair):
    eid = pair.engagement["id"]
    key = ids(pair.ours)["status"]
    add_release(pair.ours_sql, eid, 1, "2024-06-05")
    pair.ours_sql("UPDATE status_updates SET as_of = '2024-07-02' WHERE id = ?", (key,))
    add_conflicts(pair, conflict(eid, "status_updates", key, "as_of", "2024-07-02", "2024-07-01"))
    resolve(pair.ours, pair.engagement, key, "theirs", "rita")
    assert row(pair.ours, "status_updates", key)["as_of"] == "2024-07-01"


def test_taking_their_status_of_an_update_dated_into_a_release_is_refused(pair):
    """Not the date but what the update says: a report as of the release shows it."""
    eid = pair.engagement["id"]
    key = ids(pair.ours)["status"]
    add_release(pair.ours_sql, eid, 1, "2024-06-30")
    add_conflicts(pair, conflict(eid, "status_updates", key, "status", "in-progress", "complete"))
    with pytest.raises(Refused) as caught:
        resolve(pair.ours, pair.engagement, key, "theirs", "rita")
    assert str(caught.value) == (
        f"cannot bring in status_updates/{key}.json from their.db on 2024-06-10: release 1 "
        "(as of 2024-06-30) froze everything dated up to then; date the record after 2024-06-30"
    )
    assert row(pair.ours, "status_updates", key)["status"] == "in-progress"


def test_taking_their_internal_flag_is_dated_and_signed_by_who_took_it(pair):
    eid = pair.engagement["id"]
    key = ids(pair.ours)["1.2"]
    add_conflicts(pair, conflict(eid, "findings", key, "internal", 0, 1))
    resolve(pair.ours, pair.engagement, "1.2", "theirs", "rita")
    assert row(pair.ours, "findings", key)["internal"] == 1
    history = pair.ours.rows("SELECT * FROM internal_history WHERE record_id = ?", (key,))
    assert [(h["was"], h["internal"], h["on_date"], h["actor"]) for h in history] == [
        (0, 1, TODAY, "rita")
    ]
