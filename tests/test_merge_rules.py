"""exchange/merge.py, called directly on two stores built once per module (tests/merge_stores.py):
where a copy of the record may come from and what is refused there, the three-way comparison
field by field, what is taken, kept, added, held for a person or left in conflict (each conflict
whole, each merged row and audit event whole), renumbering, the frozen past, and what an
adversary's copy cannot smuggle in: an approval without four eyes, back-dated history, a
rewritten release or published number. test_merge.py, test_trust_merge.py and
test_trust_frozen_merge.py show the same through the CLI and git."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from merge_stores import SITE, add_release, events, ids, pair, row, templates  # noqa: F401 (fixtures)
from reformctl.errors import Invalid, NotFound, Refused
from reformctl.exchange.bundle import bases, set_bases, store_records
from reformctl.exchange.bundle_files import BundleErrors
from reformctl.exchange.merge import MISSING, _three_way, merge
from reformctl.model import findings as F
from reformctl.model import recommendations as R
from reformctl.model.fieldwork import add_member
from reformctl.model.review import review, submit
from reformctl.model.sections import write_section
from reformctl.model.statuses import set_status
from reformctl.store.db import SCHEMA_VERSION

ACTOR = "ann"


def run(pair, source=None, actor=ACTOR) -> dict:
    return merge(pair.ours, pair.engagement, source or pair.theirs_path, actor)


def conflict_rows(store) -> list[dict]:
    return [
        {k: v for k, v in r.items() if k not in ("id", "created_at")}
        for r in store.rows("SELECT * FROM merge_conflicts ORDER BY record_id, field")
    ]


# ---- the three-way rule, as a function ------------------------------------------------------


def test_three_way_takes_theirs_keeps_ours_and_conflicts_on_both():
    base = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}
    ours = {"a": 1, "b": 2, "c": 2, "d": 2, "e": 1}
    theirs = {"a": 3, "b": 1, "c": 3, "d": 2, "e": 1}
    assert _three_way(ours, theirs, base) == ({"a": 3}, {"c": (2, 3, 1)})


def test_three_way_without_a_base_conflicts_on_every_difference():
    assert _three_way({"a": 1, "b": 2}, {"a": 1, "b": 3}, None) == ({}, {"b": (2, 3, None)})


def test_three_way_with_a_field_missing_from_a_side_or_the_base():
    # a field only one side has: never equal to the base when the base lacks it
    ours, theirs = {"x": 1, "y": 5}, {"x": 1, "z": 7, "y": 6}
    take, clash = _three_way(ours, theirs, {"x": 1, "y": 5})
    assert take == {"y": 6}
    assert clash == {"z": (MISSING, 7, None)}
    # a base holding None is a base: None on our side means only they changed it
    assert _three_way({"n": None}, {"n": "v"}, {"n": None}) == ({"n": "v"}, {})
    assert _three_way({"n": "v"}, {"n": None}, {"n": None}) == ({}, {})
    assert _three_way({"n": "a"}, {"n": "b"}, {"n": None}) == ({}, {"n": ("a", "b", None)})
    assert _three_way({"n": "a"}, {"n": "b"}, {}) == ({}, {"n": ("a", "b", None)})
    # a field their side lacks is MISSING there, not None; a base lacking it is no base for it
    assert _three_way({"w": 1}, {}, None) == ({}, {"w": (1, MISSING, None)})
    assert _three_way({"n": None}, {"n": "v"}, {}) == ({}, {"n": (None, "v", None)})


def test_three_way_goes_field_by_field_in_name_order():
    take, clash = _three_way({"b": 1, "a": 1}, {"b": 2, "a": 2}, {"b": 1, "a": 1})
    assert list(take) == ["a", "b"]
    take, clash = _three_way({"b": 1, "a": 1}, {"b": 2, "a": 2}, {})
    assert list(clash) == ["a", "b"]


# ---- where their copy comes from ------------------------------------------------------------


def test_a_source_that_is_not_there_is_refused(pair):
    missing = pair.folder / "nothing-here"
    with pytest.raises(Invalid) as caught:
        run(pair, missing)
    assert str(caught.value) == f"{missing}: no such bundle directory or store file"


def test_a_file_that_is_not_a_database_is_refused(pair):
    text = pair.folder / "notes.txt"
    text.write_text("not a store at all, but long enough to be read as one " * 20)
    with pytest.raises(Invalid) as caught:
        run(pair, text)
    assert str(caught.value) == (
        f"{text} is neither a bundle directory nor a reformctl store (file is not a database)"
    )


def test_a_store_of_another_schema_is_refused_with_the_upgrade(pair):
    old = pair.folder / "old.db"
    conn = sqlite3.connect(old)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()
    with pytest.raises(Invalid) as caught:
        run(pair, old)
    assert str(caught.value) == (
        f"{old} is a store of schema {SCHEMA_VERSION - 1}, this reformctl's is {SCHEMA_VERSION}; "
        f"open it once with this reformctl (`open_store({old!r})`) to upgrade it"
    )
    assert (caught.value.remedy.action, caught.value.remedy.facts) == (
        "upgrade_store",
        {"path": old},
    )


def test_a_database_without_the_tables_is_refused_as_damaged(pair):
    bare = pair.folder / "bare.db"
    conn = sqlite3.connect(bare)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.close()
    with pytest.raises(Invalid) as caught:
        run(pair, bare)
    assert str(caught.value) == (
        f"{bare} is not a reformctl store, or it is damaged (no such table: engagements)"
    )


def test_a_store_without_our_engagement_is_refused(pair, templates):
    other = templates["other"]
    with pytest.raises(NotFound) as caught:
        run(pair, other)
    assert str(caught.value) == f"{other} has no copy of nm (matched by its id)"


def test_another_store_is_checked_value_by_value_like_a_bundle(pair):
    key = ids(pair.ours)["1.2"]
    pair.sql("UPDATE findings SET review = 'published', dated = '2024-13-01' WHERE id = ?", (key,))
    before = pair.ours.rows("SELECT * FROM findings ORDER BY id")
    with pytest.raises(BundleErrors) as caught:
        run(pair)
    assert caught.value.source == str(pair.theirs_path)
    assert [(r, c) for r, c, _ in caught.value.errors] == [
        (f"findings/{key}.json", "dated"),
        (f"findings/{key}.json", "review"),
    ]
    assert pair.ours.rows("SELECT * FROM findings ORDER BY id") == before


def test_a_store_file_named_as_text_is_merged(pair):
    done = merge(pair.ours, pair.engagement, str(pair.theirs_path), ACTOR)
    assert done["source"] == str(pair.theirs_path)
    assert done["added"] == {} and done["updated"] == {} and done["conflicts"] == []


def test_a_bundle_of_another_engagement_is_refused(pair):
    other = pair.other_bundle
    theirs_id = json.loads((other / "bundle.json").read_text())["engagement_id"]
    ours_id = pair.engagement["id"]
    with pytest.raises(Refused) as caught:
        run(pair, other)
    assert str(caught.value) == (
        f"{other} holds nm (id {theirs_id[:8]}), not this store's nm (id {ours_id[:8]}); "
        "records are matched by id"
    )


def test_a_closed_engagement_takes_nothing(pair):
    pair.ours_sql("UPDATE engagements SET phase = 'closed'")
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == "nm is closed; reopen it first with `reopen()`"


def test_the_same_bundle_merges_as_nothing_new(pair):
    done = run(pair, pair.bundle)
    assert done == {
        "site": SITE,
        "source": str(pair.bundle),
        "added": {},
        "updated": {},
        "renumbered": [],
        "conflicts": [],
        "git_conflicts": [],
    }


def test_a_bundle_file_with_git_conflict_markers_is_compared_field_by_field(pair):
    bundle = pair.folder / "bundle"
    shutil.copytree(pair.bundle, bundle)
    key = ids(pair.ours)["1.2"]
    path = bundle / "findings" / f"{key}.json"
    record = json.loads(path.read_text())
    ours = json.dumps(record, sort_keys=True, indent=2) + "\n"
    theirs = json.dumps({**record, "body": "Their body."}, sort_keys=True, indent=2) + "\n"
    path.write_text(f"<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> bob\n")
    done = run(pair, bundle)
    assert done["git_conflicts"] == [f"findings/{key}.json"]
    assert done["updated"] == {"findings": 1}
    assert row(pair.ours, "findings", key)["body"] == "Their body."


# ---- the three ways, in a store -------------------------------------------------------------


def test_their_change_is_taken_ours_kept_and_both_left_in_conflict(pair):
    key = ids(pair.ours)["1.2"]
    pair.ours_sql(
        "UPDATE findings SET title = 'Ann title', methods = '[\"interview\"]' WHERE id = ?", (key,)
    )
    pair.sql("UPDATE findings SET title = 'Bob title', body = 'Bob body' WHERE id = ?", (key,))
    before = row(pair.ours, "findings", key)
    done = run(pair)
    assert done == {
        "site": SITE,
        "source": str(pair.theirs_path),
        "added": {},
        "updated": {"findings": 1},
        "renumbered": [],
        "conflicts": [
            {
                "record_type": "findings",
                "record_id": key,
                "field": "title",
                "ours": "Ann title",
                "theirs": "Bob title",
                "base": "Draft finding",
                "ref": "1.2",
            }
        ],
        "git_conflicts": [],
    }
    assert row(pair.ours, "findings", key) == {**before, "body": "Bob body"}
    assert events(pair.ours, "merge", "merge-add", "renumber") == [
        {
            "actor": ACTOR,
            "engagement_id": pair.engagement["id"],
            "record_type": "findings",
            "record_id": key,
            "ref": None,
            "action": "merge",
            "before": json.dumps({"body": ""}),
            "after": json.dumps({"body": "Bob body"}),
        }
    ]
    assert conflict_rows(pair.ours) == [
        {
            "engagement_id": pair.engagement["id"],
            "record_type": "findings",
            "record_id": key,
            "field": "title",
            "ours": '"Ann title"',
            "theirs": '"Bob title"',
            "base": '"Draft finding"',
            "source": str(pair.theirs_path),
            "created_by": ACTOR,
            "resolved_at": None,
            "resolved_by": None,
            "resolution": None,
        }
    ]
    stamp = pair.ours.value("SELECT created_at FROM merge_conflicts")
    assert stamp.startswith("2026-11-27T")


def test_the_same_change_on_both_sides_and_a_change_undone_are_no_conflict(pair):
    key = ids(pair.ours)["1.2"]
    pair.ours_sql("UPDATE findings SET title = 'Same', body = 'Ann body' WHERE id = ?", (key,))
    pair.sql("UPDATE findings SET title = 'Same' WHERE id = ?", (key,))
    before = row(pair.ours, "findings", key)
    done = run(pair)
    assert (done["updated"], done["conflicts"]) == ({}, [])
    assert row(pair.ours, "findings", key) == before


def test_without_a_base_every_difference_is_a_conflict(pair):
    key = ids(pair.ours)["1.2"]
    pair.ours_sql("DELETE FROM sync_base WHERE record_id = ?", (key,))
    pair.sql("UPDATE findings SET body = 'Bob body' WHERE id = ?", (key,))
    done = run(pair)
    assert [(c["field"], c["ours"], c["theirs"], c["base"]) for c in done["conflicts"]] == [
        ("body", "", "Bob body", None)
    ]
    assert done["updated"] == {}


def test_the_engagement_is_compared_with_its_own_base(pair):
    pair.sql("UPDATE engagements SET phase = 'implementation'")
    pair.ours_sql("UPDATE engagements SET state = 'FL'")
    eid = pair.engagement["id"]
    done = run(pair)
    assert done["updated"] == {"engagement": 1}
    assert done["conflicts"] == []
    assert pair.engagement["phase"] == "implementation"
    assert pair.engagement["state"] == "FL"
    assert events(pair.ours, "merge") == [
        {
            "actor": ACTOR,
            "engagement_id": pair.engagement["id"],
            "record_type": "engagement",
            "record_id": eid,
            "ref": None,
            "action": "merge",
            "before": json.dumps({"phase": "assessment"}),
            "after": json.dumps({"phase": "implementation"}),
        }
    ]


def test_a_conflict_on_a_record_without_a_number_is_named_by_its_id(pair):
    key = ids(pair.ours)["member Bob"]
    pair.ours_sql("UPDATE team_members SET role = 'lead' WHERE id = ?", (key,))
    pair.sql("UPDATE team_members SET role = 'civil-rights' WHERE id = ?", (key,))
    done = run(pair)
    assert done["conflicts"] == [
        {
            "record_type": "team_members",
            "record_id": key,
            "field": "role",
            "ours": "lead",
            "theirs": "civil-rights",
            "base": "researcher",
            "ref": key[:8],
        }
    ]


def test_what_was_merged_is_the_base_of_the_next_merge(pair):
    key = ids(pair.ours)["1.2"]
    pair.sql("UPDATE findings SET body = 'Bob body' WHERE id = ?", (key,))
    run(pair)
    assert json.loads(bases(pair.ours, pair.engagement["id"])[key])["body"] == "Bob body"
    # our later change of it is ours only: the next merge keeps it, with nothing to decide
    pair.ours_sql("UPDATE findings SET body = 'Ann body' WHERE id = ?", (key,))
    again = run(pair)
    assert (again["updated"], again["conflicts"]) == ({}, [])
    assert row(pair.ours, "findings", key)["body"] == "Ann body"


def test_a_change_to_a_folded_team_is_a_conflict_and_the_rest_is_taken(pair):
    got = ids(pair.ours)
    key = got["activity"]
    pair.sql("UPDATE activities SET summary = 'Met the chief.' WHERE id = ?", (key,))
    pair.sql("INSERT INTO activity_team VALUES (?, ?)", (key, got["member Bob"]))
    done = run(pair)
    assert done["updated"] == {"activities": 1}
    assert done["conflicts"] == [
        {
            "record_type": "activities",
            "record_id": key,
            "field": "team",
            "ours": [got["member Ann"]],
            "theirs": sorted([got["member Ann"], got["member Bob"]]),
            "base": None,
            "ref": key[:8],
        }
    ]
    assert row(pair.ours, "activities", key)["summary"] == "Met the chief."
    team = pair.ours.rows("SELECT member_id FROM activity_team WHERE activity_id = ?", (key,))
    assert team == [{"member_id": got["member Ann"]}]


# ---- what decides publicity never arrives by itself ------------------------------------------


def test_their_public_flip_of_an_internal_record_is_a_conflict(pair):
    key = ids(pair.ours)["1.2"]
    pair.ours_sql("UPDATE findings SET internal = 1 WHERE id = ?", (key,))
    pair.ours_sql(
        "UPDATE sync_base SET base = json_set(base, '$.internal', 1) WHERE record_id = ?", (key,)
    )
    pair.sql("UPDATE findings SET internal = 0, body = 'Public now' WHERE id = ?", (key,))
    done = run(pair)
    assert [(c["field"], c["ours"], c["theirs"], c["base"]) for c in done["conflicts"]] == [
        ("internal", 1, 0, 1)
    ]
    assert done["updated"] == {"findings": 1}
    assert row(pair.ours, "findings", key)["internal"] == 1
    assert pair.ours.value("SELECT COUNT(*) FROM internal_history WHERE record_id = ?", (key,)) == 0


def test_an_approval_in_their_copy_without_four_eyes_arrives_held(pair):
    key = ids(pair.ours)["1.2"]
    with pair.theirs() as (store, e):
        store.execute("UPDATE engagements SET self_approval = 1")
        e = {**e, "self_approval": 1}
        submit(store, e, "1.2", "ann", dated="2024-07-01")
        review(store, e, "1.2", "approve", "ann", dated="2024-07-01")
    done = run(pair)
    fields = [(c["record_type"], c["field"].split(":")[0], c["ours"]) for c in done["conflicts"]]
    assert sorted(fields, key=str) == sorted(
        [
            ("engagement", "self_approval", 0),
            ("findings", "review", "draft"),
            ("findings", "approved_versions", None),
            ("findings", "review_history", None),
        ],
        key=str,
    )
    assert row(pair.ours, "findings", key)["review"] == "draft"
    assert pair.engagement["self_approval"] == 0
    # the submission is taken; the approval and its wording are held, and stay out of the base
    held = {c["field"].split(":")[1] for c in done["conflicts"] if ":" in c["field"]}
    assert len(held) == 2
    assert not held & set(bases(pair.ours, pair.engagement["id"]))
    assert (
        pair.ours.value("SELECT COUNT(*) FROM approved_versions WHERE record_id = ?", (key,)) == 0
    )
    assert done["added"] == {"review_history": 1}


def test_a_new_approved_record_from_their_side_arrives_in_review(pair):
    with pair.theirs() as (store, e):
        made = F.log_finding(store, e, "2", "Bob finding", None, "bob", dated="2024-07-01")
        submit(store, e, "2.1", "bob", dated="2024-07-01")
        review(store, e, "2.1", "approve", "rita", dated="2024-07-01")
    done = run(pair)
    key = made["id"]
    assert done["added"] == {"findings": 1, "review_history": 2}
    mine = row(pair.ours, "findings", key)
    assert (mine["review"], mine["title"], mine["number"]) == ("in-review", "Bob finding", 1)
    conflicts = sorted(done["conflicts"], key=lambda c: c["field"])
    assert [(c["field"].split(":")[0], c["ref"]) for c in conflicts] == [
        ("approved_versions", "2.1"),
        ("review", "2.1"),
        ("review_history", "2.1"),
    ]
    assert conflicts[1] == {
        "record_type": "findings",
        "record_id": key,
        "field": "review",
        "ours": "in-review",
        "theirs": "approved",
        "base": None,
        "ref": "2.1",
    }


# ---- new records ---------------------------------------------------------------------------


def test_their_new_records_are_added_with_an_event_each(pair):
    with pair.theirs() as (store, e):
        made = F.log_finding(store, e, "2", "Bob finding", "Seen.", "bob", dated="2024-07-01")
    done = run(pair)
    assert done["added"] == {"findings": 1, "review_history": 1}
    mine = row(pair.ours, "findings", made["id"])
    with pair.theirs() as (store, _e):
        assert mine == row(store, "findings", made["id"])
        step = store.row("SELECT * FROM review_history WHERE record_id = ?", (made["id"],))
    assert events(pair.ours, "merge", "merge-add") == [
        {
            "actor": ACTOR,
            "engagement_id": pair.engagement["id"],
            "record_type": "findings",
            "record_id": made["id"],
            "ref": None,
            "action": "merge-add",
            "before": None,
            "after": json.dumps(mine, sort_keys=True),
        },
        {
            "actor": ACTOR,
            "engagement_id": pair.engagement["id"],
            "record_type": "review_history",
            "record_id": step["id"],
            "ref": None,
            "action": "merge-add",
            "before": None,
            "after": json.dumps(step, sort_keys=True),
        },
    ]
    assert set(bases(pair.ours, pair.engagement["id"])) >= {made["id"], step["id"]}


def test_a_flag_history_travels_only_with_a_record_new_here(pair):
    shared = ids(pair.ours)["1.2"]
    with pair.theirs() as (store, e):
        made = F.log_finding(store, e, "2", "Bob secret", None, "bob", internal=True)
        from reformctl.exchange.conflicts import update_record

        with store.write():
            update_record(store, "findings", made["id"], {"internal": 0}, "bob")
            update_record(store, "findings", shared, {"internal": 1}, "bob")
    done = run(pair)
    assert done["added"] == {"findings": 1, "review_history": 1, "internal_history": 1}
    rows = pair.ours.rows("SELECT record_id, was, internal FROM internal_history")
    assert rows == [{"record_id": made["id"], "was": 1, "internal": 0}]
    assert [(c["record_id"], c["field"]) for c in done["conflicts"]] == [(shared, "internal")]


# ---- settled before: one decision on every side -----------------------------------------------


def resolution(eid: str, record_id: str, field: str, ours, theirs, chosen: str) -> tuple:
    stamp = "2026-11-20T10:00:00+00:00"
    return (
        "INSERT INTO merge_conflicts (id, engagement_id, record_type, record_id, field, ours,"
        " theirs, base, source, created_at, created_by, resolved_at, resolved_by, resolution)"
        " VALUES (?, ?, 'recommendations', ?, ?, ?, ?, 'null', 'elsewhere', ?, 'rita', ?, 'rita', ?)",
        (
            "0000aaaa-0000-4000-8000-000000000001",
            eid,
            record_id,
            field,
            json.dumps(ours),
            json.dumps(theirs),
            stamp,
            stamp,
            chosen,
        ),
    )


def _both_edit_text(pair) -> str:
    key = ids(pair.ours)["1.1.1"]
    pair.ours_sql("UPDATE recommendations SET text = 'Ann text' WHERE id = ?", (key,))
    pair.sql("UPDATE recommendations SET text = 'Bob text' WHERE id = ?", (key,))
    return key


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_decision_taken_before_between_the_same_two_values_settles_it(pair, side):
    key = _both_edit_text(pair)
    eid = pair.engagement["id"]
    # recorded the other way round: which side was "ours" then does not matter
    statement, params = resolution(eid, key, "text", "Bob text", "Ann text", "ours")
    (pair.sql if side == "theirs" else pair.ours_sql)(statement, params)
    done = run(pair)
    assert done["conflicts"] == []
    assert done["updated"] == {"recommendations": 1}
    assert row(pair.ours, "recommendations", key)["text"] == "Bob text"


def test_a_decision_to_keep_our_value_keeps_it_without_a_conflict(pair):
    key = _both_edit_text(pair)
    statement, params = resolution(
        pair.engagement["id"], key, "text", "Bob text", "Ann text", "theirs"
    )
    pair.sql(statement, params)
    done = run(pair)
    assert (done["conflicts"], done["updated"]) == ([], {})
    assert row(pair.ours, "recommendations", key)["text"] == "Ann text"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("text", ("Bob text", "Other")),
        ("text", ("Ann text", "Ann text")),
        ("owner", ("Bob text", "Ann text")),
    ],
)
def test_a_decision_between_other_values_or_fields_settles_nothing(pair, field, values):
    key = _both_edit_text(pair)
    statement, params = resolution(pair.engagement["id"], key, field, *values, "theirs")
    pair.sql(statement, params)
    done = run(pair)
    assert [(c["field"], c["ours"], c["theirs"]) for c in done["conflicts"]] == [
        ("text", "Ann text", "Bob text")
    ]


# ---- numbers ---------------------------------------------------------------------------------


def test_two_new_drafts_with_one_number_the_incoming_one_moves(pair):
    e = pair.engagement
    mine = F.log_finding(pair.ours, e, "1", "Ann new", None, ACTOR, dated="2024-07-01")
    R.recommend(pair.ours, e, "1.1", "Ann rec", ACTOR, dated="2024-07-01")
    with pair.theirs() as (store, te):
        theirs = F.log_finding(store, te, "1", "Bob new", None, "bob", dated="2024-07-01")
        rec = R.recommend(store, te, "1.1", "Bob rec", "bob", dated="2024-07-01")
    done = run(pair)
    assert done["renumbered"] == [
        {"kind": "finding", "id": theirs["id"], "from": "1.3", "to": "1.4"},
        {"kind": "recommendation", "id": rec["id"], "from": "1.1.3", "to": "1.1.4"},
    ]
    assert row(pair.ours, "findings", mine["id"])["number"] == 3
    assert row(pair.ours, "findings", theirs["id"])["number"] == 4
    assert row(pair.ours, "recommendations", rec["id"])["number"] == 4
    assert events(pair.ours, "renumber") == [
        {
            "actor": ACTOR,
            "engagement_id": pair.engagement["id"],
            "record_type": "finding",
            "record_id": theirs["id"],
            "ref": "1.4",
            "action": "renumber",
            "before": json.dumps({"number": "1.3"}),
            "after": json.dumps({"number": "1.4"}),
        },
        {
            "actor": ACTOR,
            "engagement_id": pair.engagement["id"],
            "record_type": "recommendation",
            "record_id": rec["id"],
            "ref": "1.1.4",
            "action": "renumber",
            "before": json.dumps({"number": "1.1.3"}),
            "after": json.dumps({"number": "1.1.4"}),
        },
    ]


def test_their_published_draft_keeps_its_number_and_ours_moves(pair):
    e = pair.engagement
    mine = F.log_finding(pair.ours, e, "1", "Ann new", None, ACTOR, dated="2024-07-01")
    with pair.theirs() as (store, te):
        theirs = F.log_finding(store, te, "1", "Bob new", None, "bob", dated="2024-07-01")
    add_release(pair.sql, e["id"], 1, "2024-07-02", [("finding", theirs["id"], "1.3")])
    done = run(pair)
    assert done["renumbered"] == [{"kind": "finding", "id": mine["id"], "from": "1.3", "to": "1.4"}]
    assert done["updated"] == {"findings": 1}
    assert row(pair.ours, "findings", mine["id"])["number"] == 4
    assert row(pair.ours, "findings", theirs["id"])["number"] == 3
    assert [(m["record_id"], m["before"], m["after"]) for m in events(pair.ours, "merge")] == [
        (mine["id"], json.dumps({"number": 3}), json.dumps({"number": 4}))
    ]


def test_two_published_records_with_one_number_are_refused(pair):
    e = pair.engagement
    mine = F.log_finding(pair.ours, e, "1", "Ann new", None, ACTOR, dated="2024-07-01")
    with pair.theirs() as (store, te):
        theirs = F.log_finding(store, te, "1", "Bob new", None, "bob", dated="2024-07-01")
    add_release(pair.sql, e["id"], 1, "2024-07-02", [("finding", theirs["id"], "1.3")])
    add_release(pair.ours_sql, e["id"], 2, "2024-06-30", [("finding", mine["id"], "1.3")])
    with pytest.raises(Refused) as caught:
        run(pair)
    first, second = mine["id"], theirs["id"]  # ours first, then theirs
    assert str(caught.value) == (
        f"two published findings share number 3 offline ({first[:8]}, {second[:8]}); "
        "publish from one store at a time"
    )


def test_numbers_swapped_on_their_side_are_taken(pair):
    got = ids(pair.ours)
    a, b = got["1.1.1"], got["1.1.2"]
    pair.sql("UPDATE recommendations SET number = -1 WHERE id = ?", (a,))
    pair.sql("UPDATE recommendations SET number = 1 WHERE id = ?", (b,))
    pair.sql("UPDATE recommendations SET number = 2 WHERE id = ?", (a,))
    done = run(pair)
    assert done["updated"] == {"recommendations": 2}
    assert done["renumbered"] == []
    assert (
        row(pair.ours, "recommendations", a)["number"],
        row(pair.ours, "recommendations", b)["number"],
    ) == (2, 1)


def test_a_published_number_changed_on_their_side_is_refused(pair):
    e = pair.engagement
    key = ids(pair.ours)["1.1"]
    add_release(pair.ours_sql, e["id"], 1, "2024-06-05", [("finding", key, "1.1")])
    pair.sql("UPDATE findings SET number = 7 WHERE id = ?", (key,))
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == (
        f"{pair.theirs_path}: findings {key[:8]} would change a published number "
        "(a published finding keeps its number); nothing was merged"
    )
    assert row(pair.ours, "findings", key)["number"] == 1


def test_a_change_to_a_release_is_refused(pair):
    e = pair.engagement
    rid = add_release(pair.ours_sql, e["id"], 1, "2024-06-05")
    add_release(pair.sql, e["id"], 1, "2024-06-05", rid=rid)
    with pair.ours.write():  # both sides have seen the release
        set_bases(pair.ours, store_records(pair.ours, e))
    pair.sql("DROP TRIGGER releases_frozen")
    pair.sql("UPDATE releases SET published_by = 'mallory'")
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == (
        f"{pair.theirs_path}: releases {rid} cannot take their change "
        "(a published release never changes); nothing was merged"
    )


@pytest.mark.parametrize(
    ("what", "add"),
    [
        ("team member 'Cara'", lambda s, e, who: add_member(s, e, "Cara", "lead", who)),
        (
            "section 'background'",
            lambda s, e, who: write_section(s, e, "background", who, who, dated="2024-07-01"),
        ),
    ],
)
def test_a_name_both_sides_added_offline_is_refused(pair, what, add):
    add(pair.ours, pair.engagement, ACTOR)
    with pair.theirs() as (store, e):
        add(store, e, "bob")
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == (
        f"both sides added {what} offline as different records; nothing was merged "
        "(add it in one store only, then export and merge again)"
    )


def _area(number: int) -> str:
    return (
        "INSERT INTO focus_areas (id, engagement_id, number, title, slug)"
        f" SELECT '0000000{number}-0000-4000-8000-0000000000aa', id, 3, 'Three', 'three'"
        " FROM engagements"
    )


def test_a_focus_area_or_release_number_both_sides_added_is_refused(pair):
    pair.sql(_area(1))
    pair.ours_sql(_area(2))
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value).startswith("both sides added focus area 3 offline as different")
    pair.ours_sql("UPDATE focus_areas SET number = 4 WHERE number = 3")
    eid = pair.engagement["id"]
    add_release(pair.sql, eid, 1, "2026-11-01", rid="00000001-0000-4000-8000-0000000000bb")
    add_release(pair.ours_sql, eid, 1, "2026-11-01", rid="00000002-0000-4000-8000-0000000000bb")
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value).startswith("both sides added release 1 offline as different")


# ---- the frozen past --------------------------------------------------------------------------


def _frozen(pair, as_of: str = "2024-06-30") -> None:
    add_release(pair.ours_sql, pair.engagement["id"], 1, as_of)


def frozen_message(pair, kind: str, key: str, day: str) -> str:
    return (
        f"cannot bring in {kind}/{key}.json from {pair.theirs_path} on {day}: release 1 "
        "(as of 2024-06-30) froze everything dated up to then; date the record after 2024-06-30"
    )


def test_a_new_status_dated_into_a_release_is_refused(pair):
    _frozen(pair)
    with pair.theirs() as (store, e):
        set_status(store, e, "1.1.2", "complete", "bob", as_of="2024-06-30")
        key = store.value("SELECT id FROM status_updates WHERE status = 'complete'")
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == frozen_message(pair, "status_updates", key, "2024-06-30")


def test_a_new_status_dated_after_the_release_is_taken(pair):
    _frozen(pair)
    with pair.theirs() as (store, e):
        set_status(store, e, "1.1.2", "complete", "bob", as_of="2024-07-01")
    assert run(pair)["added"] == {"status_updates": 1}


def test_a_change_to_a_history_dated_into_a_release_is_refused_taken_or_in_conflict(pair):
    _frozen(pair)
    key = ids(pair.ours)["status"]
    pair.sql("UPDATE status_updates SET note = 'Bob note' WHERE id = ?", (key,))
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == frozen_message(pair, "status_updates", key, "2024-06-10")
    pair.ours_sql("UPDATE status_updates SET note = 'Ann note' WHERE id = ?", (key,))
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == frozen_message(pair, "status_updates", key, "2024-06-10")


def test_a_change_that_no_report_dates_passes_the_freeze(pair):
    _frozen(pair)
    key = ids(pair.ours)["1.2"]
    pair.sql("UPDATE findings SET body = 'Bob body' WHERE id = ?", (key,))
    assert run(pair)["updated"] == {"findings": 1}


def test_their_flag_history_of_a_shared_record_is_not_judged_by_the_freeze(pair):
    _frozen(pair)
    key = ids(pair.ours)["1.2"]
    pair.sql(
        "INSERT INTO internal_history (record_type, record_id, was, internal, on_date, at, actor)"
        " VALUES ('finding', ?, 0, 1, '2024-06-05', '2024-06-05T00:00:00+00:00', 'bob')",
        (key,),
    )
    pair.sql("UPDATE findings SET internal = 1 WHERE id = ?", (key,))
    done = run(pair)
    assert done["added"] == {}
    assert [c["field"] for c in done["conflicts"]] == ["internal"]


def test_a_pending_conflict_stops_the_next_merge(pair):
    got = ids(pair.ours)
    for ref in ("1.1.1", "1.2"):
        table = "findings" if ref.count(".") == 1 else "recommendations"
        column = "title" if table == "findings" else "text"
        pair.ours_sql(f"UPDATE {table} SET {column} = 'Ann' WHERE id = ?", (got[ref],))
        pair.sql(f"UPDATE {table} SET {column} = 'Bob' WHERE id = ?", (got[ref],))
    assert len(run(pair)["conflicts"]) == 2
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == (
        "nm has 2 unresolved merge conflict(s); settle them first "
        "(`list_conflicts()`, then `resolve()`)"
    )
    facts = caught.value.facts
    assert (facts["remedy"].action, facts["remedy"].facts) == ("list_conflicts", {"site": SITE})
    assert (facts["then"].action, facts["then"].facts) == ("resolve_conflicts", {})


def _new_in_bundle(bundle, template_key: str, key: str, created_at: str, number: int = 3) -> None:
    record = json.loads((bundle / "findings" / f"{template_key}.json").read_text())
    record.update(id=key, number=number, title=f"Branch {key[:4]}", created_at=created_at)
    (bundle / "findings" / f"{key}.json").write_text(json.dumps(record, sort_keys=True, indent=2))


def test_new_records_of_one_number_from_a_git_merged_bundle_move_oldest_first(pair):
    """Three branches each added finding 1.3: the first by id keeps it, the others move in the
    order they were made."""
    bundle = pair.folder / "bundle"
    shutil.copytree(pair.bundle, bundle)
    template = ids(pair.ours)["1.2"]
    a, b, c = (f"{x * 4}0000-0000-4000-8000-000000000000" for x in "abc")
    _new_in_bundle(bundle, template, a, "2026-11-03T00:00:00+00:00")
    _new_in_bundle(bundle, template, b, "2026-11-02T00:00:00+00:00")
    _new_in_bundle(bundle, template, c, "2026-11-01T00:00:00+00:00")
    done = run(pair, bundle)
    assert done["renumbered"] == [
        {"kind": "finding", "id": c, "from": "1.3", "to": "1.4"},
        {"kind": "finding", "id": b, "from": "1.3", "to": "1.5"},
    ]
    assert [row(pair.ours, "findings", k)["number"] for k in (a, b, c)] == [3, 5, 4]
    assert done["added"] == {"findings": 3}


def test_a_published_record_keeps_its_number_and_one_both_sides_hold_moves(pair):
    """Ours published a new 1.3; their side renumbered 1.2 to 3 and both added a recommendation
    1.2.1: their 1.2 moves on to 1.4 (the number taken and the move, one update), and their
    recommendation to 1.4.2, named by the finding's new number."""
    e = pair.engagement
    got = ids(pair.ours)
    mine = F.log_finding(pair.ours, e, "1", "Ann published", None, ACTOR, dated="2024-07-01")
    add_release(pair.ours_sql, e["id"], 1, "2024-07-01", [("finding", mine["id"], "1.3")])
    R.recommend(pair.ours, e, "1.2", "Ann rec", ACTOR, dated="2024-07-02")
    with pair.theirs() as (store, te):
        rec = R.recommend(store, te, "1.2", "Bob rec", "bob", dated="2024-07-02")
    pair.sql("UPDATE findings SET number = 3 WHERE id = ?", (got["1.2"],))
    done = run(pair)
    assert done["renumbered"] == [
        {"kind": "finding", "id": got["1.2"], "from": "1.3", "to": "1.4"},
        {"kind": "recommendation", "id": rec["id"], "from": "1.4.1", "to": "1.4.2"},
    ]
    assert done["updated"] == {"findings": 1}
    assert row(pair.ours, "findings", got["1.2"])["number"] == 4
    assert row(pair.ours, "findings", mine["id"])["number"] == 3
    assert row(pair.ours, "recommendations", rec["id"])["number"] == 2
    merged = events(pair.ours, "merge")
    assert [(m["record_id"], m["before"], m["after"]) for m in merged] == [
        (got["1.2"], json.dumps({"number": 2}), json.dumps({"number": 4}))
    ]


def test_a_decision_on_a_list_of_records_is_compared_in_canonical_form(pair):
    """A release's items, changed on both sides, settled before: the decision was written with
    each item's keys in another order, and still settles it."""
    e = pair.engagement
    got = ids(pair.ours)
    rid = add_release(pair.ours_sql, e["id"], 1, "2024-06-05", [("finding", got["1.1"], "1.1")])
    add_release(pair.sql, e["id"], 1, "2024-06-05", [("finding", got["1.1"], "1.1")], rid=rid)
    with pair.ours.write():  # both sides have seen the release
        set_bases(pair.ours, store_records(pair.ours, e))
    item = "INSERT INTO release_items (release_id, record_type, record_id, ref) VALUES (?, ?, ?, ?)"
    pair.ours_sql(item, (rid, "finding", got["1.2"], "1.2"))
    pair.sql(item, (rid, "recommendation", got["1.1.1"], "1.1.1"))

    def items(*refs):
        return sorted(
            ({"ref": ref, "record_type": kind, "record_id": got[ref]} for kind, ref in refs),
            key=lambda i: i["record_id"],
        )

    ours = items(("finding", "1.1"), ("finding", "1.2"))
    theirs = items(("finding", "1.1"), ("recommendation", "1.1.1"))
    stamp = "2026-11-20T10:00:00+00:00"
    pair.sql(
        "INSERT INTO merge_conflicts (id, engagement_id, record_type, record_id, field, ours,"
        " theirs, base, source, created_at, created_by, resolved_at, resolved_by, resolution)"
        " VALUES (?, ?, 'releases', ?, 'items', ?, ?, 'null', 'elsewhere', ?, 'rita', ?, 'rita',"
        " 'theirs')",
        (
            "0000bbbb-0000-4000-8000-000000000001",
            e["id"],
            rid,
            json.dumps(theirs),
            json.dumps(ours),
            stamp,
            stamp,
        ),
    )
    done = run(pair)
    assert done["conflicts"] == []
    assert done["added"] == {"resolutions": 1}


def test_a_back_dated_approval_is_refused_though_it_would_be_held(pair):
    _frozen(pair)
    with pair.theirs() as (store, e):
        submit(store, e, "1.2", "ann", dated="2024-06-20")
        review(store, e, "1.2", "approve", "rita", dated="2024-06-20")
        steps = [
            r["id"]
            for r in store.rows("SELECT id FROM review_history WHERE on_date = '2024-06-20'")
        ]
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) in [
        frozen_message(pair, "review_history", key, "2024-06-20") for key in steps
    ]
    assert pair.ours.value("SELECT COUNT(*) FROM review_history WHERE on_date = '2024-06-20'") == 0


@pytest.mark.parametrize(("as_of", "refused"), [("2024-06-29", True), ("2024-06-30", False)])
def test_a_release_of_theirs_dated_before_ours_is_refused(pair, as_of, refused):
    _frozen(pair)
    rid = add_release(pair.sql, pair.engagement["id"], 2, as_of)
    if refused:
        with pytest.raises(Refused) as caught:
            run(pair)
        assert str(caught.value) == frozen_message(pair, "releases", rid, as_of)
    else:
        assert run(pair)["added"] == {"releases": 1}


def test_numbers_are_taken_through_negatives_whatever_the_order_of_the_records(pair):
    """Their side swapped 1.1 and a finding whose id sorts first: the first number set is never a
    number another record still holds."""
    e = pair.engagement
    got = ids(pair.ours)
    first = "00000000-0000-4000-8000-000000000000"
    add = (
        "INSERT INTO findings (id, engagement_id, focus_area_id, number, title, body, methods,"
        " internal, review, dated, created_at, created_by) SELECT ?, engagement_id, focus_area_id,"
        " 3, 'First by id', '', '[]', 0, 'draft', dated, created_at, created_by FROM findings"
        " WHERE id = ?"
    )
    pair.ours_sql(add, (first, got["1.2"]))
    pair.sql(add, (first, got["1.2"]))
    with pair.ours.write():  # both sides have seen it
        set_bases(pair.ours, store_records(pair.ours, e))
    pair.sql("UPDATE findings SET number = -1 WHERE id = ?", (first,))
    pair.sql("UPDATE findings SET number = 3 WHERE id = ?", (got["1.1"],))
    pair.sql("UPDATE findings SET number = 1 WHERE id = ?", (first,))
    done = run(pair)
    assert (done["updated"], done["renumbered"], done["conflicts"]) == ({"findings": 2}, [], [])
    assert row(pair.ours, "findings", first)["number"] == 1
    assert row(pair.ours, "findings", got["1.1"])["number"] == 3


def test_decisions_on_two_fields_of_a_record_settle_both(pair):
    key = _both_edit_text(pair)
    pair.ours_sql("UPDATE recommendations SET owner = 'Ann owner' WHERE id = ?", (key,))
    pair.sql("UPDATE recommendations SET owner = 'Bob owner' WHERE id = ?", (key,))
    eid = pair.engagement["id"]
    for i, (field, ours, theirs) in enumerate(
        [("owner", "Ann owner", "Bob owner"), ("text", "Ann text", "Bob text")]
    ):
        statement, params = resolution(eid, key, field, ours, theirs, "theirs")
        pair.sql(statement, (f"0000aaaa-0000-4000-8000-00000000000{i}", *params[1:]))
    done = run(pair)
    assert done["conflicts"] == []
    taken = row(pair.ours, "recommendations", key)
    assert (taken["owner"], taken["text"]) == ("Bob owner", "Bob text")


def test_a_moved_record_takes_the_number_after_the_highest_of_its_parent(pair):
    """Their side added 1.4 and 1.3 (1.3 read last, by id): ours took 1.3 offline, so theirs moves
    to 1.5, past the highest number, not to 1.4."""
    bundle = pair.folder / "bundle"
    shutil.copytree(pair.bundle, bundle)
    template = ids(pair.ours)["1.2"]
    high, low = (f"{x * 4}0000-0000-4000-8000-000000000000" for x in "ab")
    _new_in_bundle(bundle, template, high, "2026-11-01T00:00:00+00:00", number=4)
    _new_in_bundle(bundle, template, low, "2026-11-01T00:00:00+00:00", number=3)
    mine = F.log_finding(pair.ours, pair.engagement, "1", "Ann new", None, ACTOR)
    done = run(pair, bundle)
    assert done["renumbered"] == [{"kind": "finding", "id": low, "from": "1.3", "to": "1.5"}]
    numbers = [row(pair.ours, "findings", k)["number"] for k in (mine["id"], high, low)]
    assert numbers == [3, 4, 5]


def test_renumbering_is_reported_parent_by_parent(pair):
    """Clashes under two focus areas: reported in the order of the areas (by id), then numbers."""
    got = ids(pair.ours)
    first, second = sorted([got["area 1"], got["area 2"]])
    made = []
    for area, number in ((first, 9), (second, 8)):
        ref = "1" if area == got["area 1"] else "2"
        mine = F.log_finding(pair.ours, pair.engagement, ref, "Ann", None, ACTOR)
        pair.ours_sql("UPDATE findings SET number = ? WHERE id = ?", (number, mine["id"]))
        with pair.theirs() as (store, e):
            theirs = F.log_finding(store, e, ref, "Bob", None, "bob")
        pair.sql("UPDATE findings SET number = ? WHERE id = ?", (number, theirs["id"]))
        made.append((ref, number, theirs["id"]))
    done = run(pair)
    assert done["renumbered"] == [
        {"kind": "finding", "id": key, "from": f"{ref}.{number}", "to": f"{ref}.{number + 1}"}
        for ref, number, key in made
    ]


def test_only_our_own_change_to_a_frozen_history_is_no_change_of_theirs(pair):
    _frozen(pair)
    key = ids(pair.ours)["status"]
    pair.ours_sql("UPDATE status_updates SET note = 'Ann note' WHERE id = ?", (key,))
    done = run(pair)
    assert (done["updated"], done["conflicts"]) == ({}, [])
    assert row(pair.ours, "status_updates", key)["note"] == "Ann note"


def test_every_record_of_a_kind_is_judged_by_the_freeze(pair):
    """A new status dated after the release, first by id, and then their change to one dated
    into it: the change is still refused."""
    _frozen(pair)
    key = ids(pair.ours)["status"]
    pair.sql(
        "INSERT INTO status_updates (id, recommendation_id, status, as_of, note, reason, evidence,"
        " recorded_at, recorded_by) SELECT '00000000-0000-4000-8000-000000000000',"
        " recommendation_id, 'complete', '2024-07-01', NULL, NULL, NULL, recorded_at, recorded_by"
        " FROM status_updates WHERE id = ?",
        (key,),
    )
    pair.sql("UPDATE status_updates SET note = 'Bob note' WHERE id = ?", (key,))
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == frozen_message(pair, "status_updates", key, "2024-06-10")


def _histories_after_one_that_stays(pair) -> str:
    """In their copy: a flag history of shared finding 1.2, then (by id) one of a finding new
    here, both dated 2024-06-05; the new finding's id."""
    got = ids(pair.ours)
    new = "ffffffff-0000-4000-8000-000000000000"
    pair.sql(
        "INSERT INTO findings (id, engagement_id, focus_area_id, number, title, body, methods,"
        " internal, review, dated, created_at, created_by) SELECT ?, engagement_id, focus_area_id,"
        " 9, 'Late', '', '[]', 0, 'draft', '2024-07-01', created_at, created_by FROM findings"
        " WHERE id = ?",
        (new, got["1.2"]),
    )
    history = (
        "INSERT INTO internal_history (record_type, record_id, was, internal, on_date, at, actor)"
        " VALUES ('finding', ?, ?, ?, '2024-06-05', '2024-06-05T00:00:00+00:00', 'bob')"
    )
    pair.sql(history, (got["1.2"], 0, 1))
    pair.sql(history, (new, 1, 0))
    return new


def test_a_back_dated_flag_history_of_a_new_record_is_refused_after_one_that_stays(pair):
    """Their flag history of a shared record does not travel; that of a record new here, read
    after it (by id), does, and is judged by the freeze."""
    _frozen(pair)
    new = _histories_after_one_that_stays(pair)
    with pytest.raises(Refused) as caught:
        run(pair)
    assert str(caught.value) == frozen_message(pair, "internal_history", f"{new}.1", "2024-06-05")


def test_a_flag_history_read_after_one_that_stays_still_travels(pair):
    """Their flag history of a shared record stays there; that of a record new here, read after
    it (by id), still comes: one that stays does not end the reading."""
    new = _histories_after_one_that_stays(pair)
    done = run(pair)
    assert done["added"] == {"findings": 1, "internal_history": 1}
    rows = pair.ours.rows("SELECT record_id, was, internal FROM internal_history")
    assert rows == [{"record_id": new, "was": 1, "internal": 0}]


def test_a_decision_in_their_copy_never_takes_a_publicity_change(pair):
    """Their copy says someone chose their internal 0 over our 1 (a record with no base here, so
    the two differ as a conflict): still a conflict for a person, and the record stays internal."""
    key = ids(pair.ours)["1.1.1"]
    pair.ours_sql("UPDATE recommendations SET internal = 1 WHERE id = ?", (key,))
    pair.ours_sql("DELETE FROM sync_base WHERE record_id = ?", (key,))
    statement, params = resolution(pair.engagement["id"], key, "internal", 1, 0, "theirs")
    pair.sql(statement, params)
    done = run(pair)
    assert [(c["field"], c["ours"], c["theirs"], c["base"]) for c in done["conflicts"]] == [
        ("internal", 1, 0, None)
    ]
    assert done["updated"] == {}
    assert row(pair.ours, "recommendations", key)["internal"] == 1
