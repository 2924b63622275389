"""exchange/merge_gate.py, called directly: which fields decide what is public (kind by kind, as a
literal table here, not read back from PUBLICITY), which review steps a merge never takes by itself,
what a change to them becomes (a conflict with ours, theirs and the base), how a record new from
the other side arrives (in review, held, or as it is) and a decision kept before. test_merge.py,
test_trust_merge.py and test_trust_frozen_merge.py show the same through the CLI."""

from __future__ import annotations

import json

import pytest

from reformctl.exchange.merge_gate import (
    decides_publicity,
    gate_added,
    gate_changes,
    held_kind,
)

# The rule, written out: per kind, the fields a merge never takes by itself.
PUBLIC_FIELDS = {
    "engagement": [
        "self_approval",
        "agency",
        "city",
        "state",
        "public_url",
        "program",
        "announced",
    ],
    "focus_areas": ["title", "number"],
    "findings": ["internal"],
    "recommendations": ["internal"],
    "sections": ["name"],
    "protected_terms": ["term"],
}
# Fields of the same kinds that a merge takes like any other change.
ORDINARY_FIELDS = {
    "engagement": ["site", "phase", "closed", "id", "created_at"],
    "focus_areas": ["engagement_id", "id", "created_at"],
    "findings": ["title", "body", "dated", "methods", "number", "focus_area_id"],
    "recommendations": ["text", "priority", "owner", "number", "finding_id"],
    "sections": ["body", "id", "position"],
    "protected_terms": ["created_by", "created_at", "engagement_id"],
}
# Kinds with no field that decides publicity.
UNGATED_KINDS = [
    "team_members",
    "activities",
    "evidence",
    "status_updates",
    "internal_history",
    "notes",
    "releases",
    "resolutions",
    "no-such-kind",
]
STATES = ["draft", "in-review", "approved", "withdrawn", None]
GATED = {"approved", "withdrawn"}
REVIEWED = ["findings", "recommendations", "sections"]


@pytest.mark.parametrize(
    ("kind", "name"), [(k, n) for k, names in PUBLIC_FIELDS.items() for n in names]
)
def test_each_field_that_decides_publicity_is_gated(kind, name):
    assert decides_publicity(kind, name, 0, 1) is True
    assert decides_publicity(kind, name, None, "x") is True


@pytest.mark.parametrize(
    ("kind", "name"), [(k, n) for k, names in ORDINARY_FIELDS.items() for n in names]
)
def test_an_ordinary_field_is_not_gated(kind, name):
    assert decides_publicity(kind, name, "a", "b") is False


def test_a_field_of_one_kind_is_not_gated_in_another():
    assert decides_publicity("engagement", "title", "a", "b") is False
    assert decides_publicity("findings", "agency", "a", "b") is False
    assert decides_publicity("protected_terms", "internal", 0, 1) is False
    assert decides_publicity("focus_areas", "term", "a", "b") is False


@pytest.mark.parametrize("kind", UNGATED_KINDS)
def test_a_kind_without_publicity_fields_gates_nothing(kind):
    for name in ("internal", "review", "title", "term", "id", "*"):
        assert decides_publicity(kind, name, "approved", "withdrawn") is False


@pytest.mark.parametrize("kind", ["review_history", "approved_versions"])
def test_every_field_of_a_review_step_or_an_approved_version_is_gated(kind):
    for name in ("id", "actor", "on_date", "title", "text", "comment", "anything", "review"):
        assert decides_publicity(kind, name, "a", "b") is True
    # a review step's own "review" field is gated whatever its states: the kind is not REVIEWED
    assert decides_publicity(kind, "review", "draft", "in-review") is True


@pytest.mark.parametrize("kind", REVIEWED)
@pytest.mark.parametrize("ours", STATES)
@pytest.mark.parametrize("theirs", STATES)
def test_a_review_change_is_gated_only_into_or_out_of_approved_or_withdrawn(kind, ours, theirs):
    expected = ours in GATED or theirs in GATED
    assert decides_publicity(kind, "review", ours, theirs) is expected


def test_submitting_or_returning_is_not_gated_but_approving_and_withdrawing_are():
    assert decides_publicity("findings", "review", "draft", "in-review") is False
    assert decides_publicity("findings", "review", "in-review", "draft") is False
    assert decides_publicity("recommendations", "review", "in-review", "approved") is True
    assert decides_publicity("recommendations", "review", "approved", "in-review") is True
    assert decides_publicity("sections", "review", "draft", "withdrawn") is True
    assert decides_publicity("sections", "review", "withdrawn", "draft") is True


def test_the_review_rule_is_only_for_reviewed_kinds():
    # any other kind's "review" field follows its PUBLICITY set: engagement has none
    assert decides_publicity("engagement", "review", "draft", "approved") is False
    assert decides_publicity("focus_areas", "review", "approved", "withdrawn") is False


def test_gate_changes_moves_publicity_changes_into_the_clash_with_ours_theirs_and_base():
    mine = {"internal": 1, "review": "approved", "title": "Ours", "body": "b"}
    take = {"internal": 0, "review": "in-review", "title": "Theirs", "body": "b2"}
    clash = {"number": (1, 2, 1)}
    base = {"internal": 1, "review": "approved", "title": "Old"}
    gate_changes("findings", mine, take, clash, base)
    assert take == {"title": "Theirs", "body": "b2"}
    assert clash == {
        "number": (1, 2, 1),
        "internal": (1, 0, 1),
        "review": ("approved", "in-review", "approved"),
    }


def test_gate_changes_judges_a_review_step_by_their_new_value_too():
    # ours is undecided, theirs approves: an approval is never taken by itself
    take = {"review": "approved"}
    clash: dict = {}
    gate_changes("sections", {"review": "in-review"}, take, clash, {"review": "draft"})
    assert take == {}
    assert clash == {"review": ("in-review", "approved", "draft")}


def test_gate_changes_without_a_base_or_our_value():
    mine = {"agency": "Ours PD"}
    take = {"agency": "Their PD", "city": "Gotham", "phase": "fieldwork"}
    clash: dict = {}
    gate_changes("engagement", mine, take, clash, None)
    assert take == {"phase": "fieldwork"}
    assert clash == {"agency": ("Ours PD", "Their PD", None), "city": (None, "Gotham", None)}


def test_gate_changes_leaves_ungated_review_steps_and_other_kinds_alone():
    take = {"review": "in-review", "title": "T"}
    clash: dict = {}
    gate_changes("findings", {"review": "draft", "title": "S"}, take, clash, {})
    assert take == {"review": "in-review", "title": "T"}
    assert clash == {}
    take = {"name": "n", "internal": 0}
    gate_changes("activities", {"name": "m", "internal": 1}, take, clash, {"name": "m"})
    assert take == {"name": "n", "internal": 0}
    assert clash == {}


def test_gate_changes_takes_the_base_value_of_the_field_itself():
    take = {"term": "Jane Roe"}
    clash: dict = {}
    gate_changes("protected_terms", {"term": "Jane"}, take, clash, {"term": "J. Roe", "id": "t"})
    assert clash == {"term": ("Jane", "Jane Roe", "J. Roe")}
    assert take == {}


@pytest.mark.parametrize("kind", REVIEWED)
@pytest.mark.parametrize("state", ["approved", "withdrawn"])
def test_a_new_decided_record_arrives_in_review_with_its_decision_in_conflict(kind, state):
    record = {"id": "r1", "title": "T", "review": state}
    adding, conflict = gate_added(kind, "r1", record, {}, {})
    assert adding == {"id": "r1", "title": "T", "review": "in-review"}
    assert record["review"] == state  # their record itself is not changed
    assert conflict == {
        "record_type": kind,
        "record_id": "r1",
        "field": "review",
        "ours": "in-review",
        "theirs": state,
        "base": None,
    }


@pytest.mark.parametrize("kind", REVIEWED)
@pytest.mark.parametrize("state", ["draft", "in-review"])
def test_a_new_undecided_record_arrives_as_it_is(kind, state):
    record = {"id": "r1", "review": state}
    adding, conflict = gate_added(kind, "r1", record, {}, {})
    assert adding is record
    assert conflict is None


def test_a_new_record_of_an_ungated_kind_arrives_as_it_is():
    record = {"id": "n1", "review": "approved", "record_type": "finding", "record_id": "f"}
    for kind in ("notes", "status_updates", "activities", "internal_history"):
        adding, conflict = gate_added(kind, "n1", record, {}, {})
        assert adding is record
        assert conflict is None


def _step(state: str, record_type: str = "finding") -> dict:
    # keys out of sorted order: a decision is compared in canonical (sorted) JSON
    return {
        "review": state,
        "id": "h1",
        "record_type": record_type,
        "record_id": "f1",
        "actor": "ana",
    }


def _version(record_type: str = "recommendation") -> dict:
    return {"title": "T", "id": "v1", "record_type": record_type, "record_id": "f1", "actor": "ana"}


def _held(kind: str, key: str, record: dict, parent: str) -> dict:
    return {
        "record_type": parent,
        "record_id": "f1",
        "field": f"{kind}:{key}",
        "ours": None,
        "theirs": record,
        "base": None,
    }


@pytest.mark.parametrize("state", ["approved", "withdrawn"])
@pytest.mark.parametrize(
    ("record_type", "parent"),
    [("finding", "findings"), ("recommendation", "recommendations"), ("section", "sections")],
)
def test_a_new_approval_or_withdrawal_step_is_held_in_a_conflict(state, record_type, parent):
    record = _step(state, record_type)
    adding, conflict = gate_added("review_history", "h1", record, {}, {})
    assert adding is None
    assert conflict == _held("review_history", "h1", record, parent)


@pytest.mark.parametrize("state", ["draft", "in-review"])
def test_a_new_submission_or_return_step_arrives_as_it_is(state):
    record = _step(state)
    assert gate_added("review_history", "h1", record, {}, {}) == (record, None)


@pytest.mark.parametrize(
    ("record_type", "parent"), [("finding", "findings"), ("recommendation", "recommendations")]
)
def test_a_new_approved_version_is_always_held(record_type, parent):
    record = _version(record_type)
    adding, conflict = gate_added("approved_versions", "v1", record, {}, {})
    assert adding is None
    assert conflict == _held("approved_versions", "v1", record, parent)


def test_a_held_kind_already_in_the_base_was_agreed_and_arrives():
    step, version = _step("approved"), _version()
    assert gate_added("review_history", "h1", step, {"h1": step}, {}) == (step, None)
    assert gate_added("approved_versions", "v1", version, {"v1": {}}, {}) == (version, None)
    # the base is looked up by this record's key, not any other
    assert gate_added("approved_versions", "v1", version, {"v2": {}}, {})[0] is None


def _decision(theirs, chosen) -> tuple[set, str]:
    # as merge._decisions builds it: the two values and the one chosen, in canonical JSON
    pair = {json.dumps(None, sort_keys=True), json.dumps(theirs, sort_keys=True)}
    return pair, json.dumps(chosen, sort_keys=True)


def test_a_held_record_someone_chose_to_leave_out_stays_out_without_a_conflict():
    version = _version()
    decided = {("f1", "approved_versions:v1"): [_decision(version, None)]}
    assert gate_added("approved_versions", "v1", version, {}, decided) == (None, None)
    step = _step("withdrawn")
    decided = {("f1", "review_history:h1"): [_decision({"x": 1}, None), _decision(step, None)]}
    assert gate_added("review_history", "h1", step, {}, decided) == (None, None)


def test_a_decision_counts_only_for_keeping_ours_on_exactly_this_record_and_field():
    version = _version()
    wanted = _held("approved_versions", "v1", version, "recommendations")
    cases = [
        {},  # no decision at all
        {("f1", "approved_versions:v1"): []},
        # theirs was taken that time: the choice is offered again, never taken silently
        {("f1", "approved_versions:v1"): [_decision(version, version)]},
        # another version of the record was left out, not this one
        {("f1", "approved_versions:v1"): [_decision({**version, "title": "U"}, None)]},
        {("f1", "approved_versions:v2"): [_decision(version, None)]},
        {("f2", "approved_versions:v1"): [_decision(version, None)]},
        {("f1", "review_history:v1"): [_decision(version, None)]},
    ]
    for decided in cases:
        assert gate_added("approved_versions", "v1", version, {}, decided) == (None, wanted)


def test_a_decision_between_two_other_values_does_not_keep_ours():
    version = _version()
    pair = {json.dumps("a"), json.dumps(version, sort_keys=True)}
    decided = {("f1", "approved_versions:v1"): [(pair, json.dumps(None))]}
    assert gate_added("approved_versions", "v1", version, {}, decided)[0] is None
    assert gate_added("approved_versions", "v1", version, {}, decided)[1] is not None


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("approved_versions:v1", "approved_versions"),
        ("review_history:h1", "review_history"),
        ("review_history:a:b", "review_history"),
        (":x", ""),
        ("review", None),
        ("internal", None),
        ("review history", None),
    ],
)
def test_held_kind_is_the_part_before_the_first_colon(field, kind):
    assert held_kind(field) == kind
