"""exchange/bundle.py, called directly on a store built once per module (tests/bundle_store.py):
which tables travel and under which key, the records read for one engagement and no other, every
problem check_records finds between records (word for word, in order), loading records into a
store in the order histories need, and the merge bases remembered. test_bundle.py and
test_trust_bundles.py show the same through the CLI."""

from __future__ import annotations

import copy
import json

import pytest

from bundle_store import CONFLICT_ID, OTHER, RELEASE_ID, SITE, build
from reformctl.exchange import bundle as B
from reformctl.model.sites import get_engagement
from reformctl.store import open_store

ID = "0b7e9a52-3f4c-4d8e-9a1b-2c3d4e5f6a7b"
MISSING = "ffffffff-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        store = build(tmp_path_factory.mktemp("bundle") / "store.db", mp)
        yield store, B.store_records(store, get_engagement(store, SITE))
        store.close()


@pytest.fixture
def records(built):
    return copy.deepcopy(built[1])


def read(store):
    """store_records called in the test, not in a fixture: mutmut runs, for a mutant, the tests
    that called its function, and a module's fixture calls it under the first test only."""
    return B.store_records(store, get_engagement(store, SITE))


def ids(store, sql, *params):
    return sorted(r[0] for r in store.execute(sql, params))


def only(kinds, name):
    [(key, record)] = kinds[name].items()
    return key, record


# ---- which tables travel ---------------------------------------------------------------


def test_the_kinds_a_bundle_carries_their_tables_keys_and_folded_lists():
    assert [(k.name, k.table, k.key, k.folded, k.assigned_id) for k in B.KINDS] == [
        ("focus_areas", "focus_areas", ("id",), None, False),
        ("team_members", "team_members", ("id",), None, False),
        ("activities", "activities", ("id",), "team", False),
        ("findings", "findings", ("id",), None, False),
        ("evidence", "finding_evidence", ("finding_id", "activity_id"), None, False),
        ("recommendations", "recommendations", ("id",), None, False),
        ("sections", "sections", ("id",), None, False),
        ("status_updates", "status_updates", ("id",), None, False),
        ("review_history", "review_history", ("id",), None, False),
        ("approved_versions", "approved_versions", ("id",), None, False),
        ("internal_history", "internal_history", ("id",), None, True),
        ("notes", "notes", ("id",), None, False),
        ("protected_terms", "protected_terms", ("id",), None, False),
        ("releases", "releases", ("id",), "items", False),
        ("resolutions", "merge_conflicts", ("id",), None, False),
    ]
    assert B.BY_NAME == {k.name: k for k in B.KINDS}
    assert (B.FORMAT, B.VERSION) == ("reformctl-bundle", 1)


def test_a_record_key_joins_the_key_columns_with_a_plus():
    evidence = {"finding_id": "f", "activity_id": 7, "created_by": "x"}
    assert B.record_key(B.BY_NAME["evidence"], evidence) == "f+7"
    assert B.record_key(B.BY_NAME["notes"], {"id": "n", "record_id": "r"}) == "n"


def test_a_record_file_is_sorted_indented_utf8_json_ending_in_a_newline():
    assert B.dumps({"b": "Zoë", "a": [1, None]}) == (
        '{\n  "a": [\n    1,\n    null\n  ],\n  "b": "Zoë"\n}\n'
    )


def test_count_names_every_kind():
    counted = B.Records(engagement={}, kinds={"findings": {"a": {}, "b": {}}}).count()
    assert counted == {k.name: (2 if k.name == "findings" else 0) for k in B.KINDS}
    assert list(counted) == [k.name for k in B.KINDS]
    assert B.Records(engagement={}).kinds == {} and B.Records(engagement={}).git_conflicts == {}


def test_columns_are_the_tables_in_order(built):
    store, _ = built
    assert B.columns(store, "focus_areas") == ["id", "engagement_id", "number", "title", "slug"]


# ---- reading a store ---------------------------------------------------------------------


def test_the_records_of_one_engagement_and_no_other(built):
    store, _ = built
    records = read(store)
    e = get_engagement(store, SITE)
    eid = e["id"]
    assert records.engagement == dict(
        store.row("SELECT * FROM engagements WHERE site = ?", (SITE,))
    )
    ours = "engagement_id = ?"
    expected = {
        "focus_areas": ids(store, f"SELECT id FROM focus_areas WHERE {ours}", eid),
        "team_members": ids(store, f"SELECT id FROM team_members WHERE {ours}", eid),
        "activities": ids(store, f"SELECT id FROM activities WHERE {ours}", eid),
        "findings": ids(store, f"SELECT id FROM findings WHERE {ours}", eid),
        "recommendations": ids(store, f"SELECT id FROM recommendations WHERE {ours}", eid),
        "sections": ids(store, f"SELECT id FROM sections WHERE {ours}", eid),
        "review_history": ids(store, f"SELECT id FROM review_history WHERE {ours}", eid),
        "approved_versions": ids(store, f"SELECT id FROM approved_versions WHERE {ours}", eid),
        "notes": ids(store, f"SELECT id FROM notes WHERE {ours}", eid),
        "protected_terms": ids(store, f"SELECT id FROM protected_terms WHERE {ours}", eid),
        "releases": [RELEASE_ID],
        "resolutions": [CONFLICT_ID],  # the open conflict stays home
    }
    assert {name: sorted(records.kinds[name]) for name in expected} == expected
    assert [len(v) for v in expected.values()] == [2, 2, 2, 2, 1, 1, 6, 1, 1, 1, 1, 1]
    recommendation = expected["recommendations"][0]
    assert sorted(records.kinds["status_updates"]) == ids(
        store, "SELECT id FROM status_updates WHERE recommendation_id = ?", recommendation
    )
    assert len(records.kinds["status_updates"]) == 2
    # No row of the other engagement, whatever the table.
    other = get_engagement(store, OTHER)["id"]
    theirs = set(
        ids(store, "SELECT id FROM findings WHERE engagement_id = ?", other)
        + ids(store, "SELECT id FROM recommendations WHERE engagement_id = ?", other)
    )
    held = {key for kind in records.kinds.values() for key in kind}
    assert not {key.split(".")[0] for key in held} & theirs
    assert all(
        r.get("engagement_id", eid) == eid for k in records.kinds.values() for r in k.values()
    )
    assert list(records.kinds) == [k.name for k in B.KINDS]
    assert records.git_conflicts == {}


def test_an_activity_carries_its_team_sorted_and_evidence_is_keyed_finding_plus_activity(built):
    store, _ = built
    records = read(store)
    members = {r["name"]: r["id"] for r in records.kinds["team_members"].values()}
    interview = next(r for r in records.kinds["activities"].values() if r["method"] == "interview")
    visit = next(r for r in records.kinds["activities"].values() if r["method"] == "site-visit")
    assert interview["team"] == sorted([members["Zed Young"], members["Dana Reyes"]])
    assert visit["team"] == []
    key, evidence = only(records.kinds, "evidence")
    assert key == f"{evidence['finding_id']}+{evidence['activity_id']}"
    assert evidence["activity_id"] == interview["id"]
    assert sorted(evidence) == ["activity_id", "created_at", "created_by", "finding_id"]


def test_a_release_carries_its_items_sorted_by_record_without_the_release_id(built):
    store, _ = built
    records = read(store)
    release = records.kinds["releases"][RELEASE_ID]
    finding = next(r for r in records.kinds["findings"].values() if r["internal"] == 0)
    recommendation = only(records.kinds, "recommendations")[1]
    expected = sorted(
        [
            {"record_type": "finding", "record_id": finding["id"], "ref": "1.1"},
            {"record_type": "recommendation", "record_id": recommendation["id"], "ref": "1.1.1"},
        ],
        key=lambda i: i["record_id"],
    )
    assert release["items"] == expected
    assert release["items"] != expected[::-1]


def test_flag_changes_are_named_by_their_record_and_place(built):
    store, _ = built
    records = read(store)
    hidden = next(r for r in records.kinds["findings"].values() if r["title"] == "Hidden gap")
    rows = records.kinds["internal_history"]
    assert sorted(rows) == [f"{hidden['id']}.1", f"{hidden['id']}.2"]
    first, second = rows[f"{hidden['id']}.1"], rows[f"{hidden['id']}.2"]
    assert (first["was"], first["internal"], second["was"], second["internal"]) == (1, 0, 0, 1)
    assert {k: v for k, v in first.items() if k not in ("at",)} == {
        "id": f"{hidden['id']}.1",
        "record_type": "finding",
        "record_id": hidden["id"],
        "was": 1,
        "internal": 0,
        "on_date": "2026-11-27",
        "actor": "ann",
    }


# ---- what check_records finds between records ------------------------------------------


def test_a_bundle_of_a_real_store_has_no_problem(records):
    assert B.check_records(records) == []
    assert B.check_records(records, numbers_unique=False) == []


OWNED = [
    "focus_areas",
    "team_members",
    "activities",
    "findings",
    "recommendations",
    "sections",
    "review_history",
    "approved_versions",
    "notes",
    "protected_terms",
    "releases",
    "resolutions",
]


@pytest.mark.parametrize("kind", OWNED)
def test_a_record_of_another_engagement_is_refused(records, kind):
    key, record = next(iter(records.kinds[kind].items()))
    record["engagement_id"] = MISSING
    assert B.check_records(records) == [
        (f"{kind}/{key}.json", "engagement_id", "belongs to another engagement")
    ]


@pytest.mark.parametrize(
    ("kind", "column", "says"),
    [
        ("findings", "focus_area_id", "focus area"),
        ("recommendations", "finding_id", "finding"),
        ("status_updates", "recommendation_id", "recommendation"),
        ("evidence", "finding_id", "finding"),
        ("evidence", "activity_id", "activity"),
    ],
)
def test_a_parent_not_in_the_bundle_is_refused(records, kind, column, says):
    key, record = sorted(records.kinds[kind].items())[0]
    record[column] = MISSING
    assert B.check_records(records) == [
        (f"{kind}/{key}.json", column, f"refers to {says} {MISSING} which is not in the bundle")
    ]


def test_a_team_member_not_in_the_bundle_is_refused(records):
    activities = records.kinds["activities"]
    interview = next(k for k, r in activities.items() if r["team"])
    visit = next(k for k, r in activities.items() if not r["team"])
    activities[interview]["team"] = [activities[interview]["team"][0], MISSING]
    activities[visit]["team"] = "everyone"
    problems = B.check_records(records)
    assert sorted(problems) == sorted(
        [
            (
                f"activities/{interview}.json",
                "team",
                f"refers to team member {MISSING} which is not in the bundle",
            ),
            (
                f"activities/{visit}.json",
                "team",
                "refers to team member None which is not in the bundle",
            ),
        ]
    )


@pytest.mark.parametrize("kind", ["review_history", "approved_versions", "notes"])
def test_a_reviewed_record_not_in_the_bundle_is_refused(records, kind):
    key, record = sorted(records.kinds[kind].items())[0]
    record["record_id"] = MISSING
    expected = [
        (
            f"{kind}/{key}.json",
            "record_id",
            f"refers to {record['record_type']} {MISSING} which is not in the bundle",
        )
    ]
    assert B.check_records(records) == expected


@pytest.mark.parametrize("record_type", ["finding", "recommendation", "section"])
def test_a_reviewed_record_is_looked_for_among_its_own_type(records, record_type):
    """A review step names its record's type: the id of a record of another type is not it."""
    others = {"finding": "sections", "recommendation": "findings", "section": "recommendations"}
    mine = {"finding": "findings", "recommendation": "recommendations", "section": "sections"}
    key, step = sorted(records.kinds["review_history"].items())[0]
    step["record_type"] = record_type
    step["record_id"] = sorted(records.kinds[mine[record_type]])[0]
    assert B.check_records(records) == []
    step["record_id"] = sorted(records.kinds[others[record_type]])[0]
    assert B.check_records(records) == [
        (
            f"review_history/{key}.json",
            "record_id",
            f"refers to {record_type} {step['record_id']} which is not in the bundle",
        )
    ]


def test_a_note_may_be_on_the_engagement_itself_and_an_unknown_type_is_no_record(records):
    key, note = only(records.kinds, "notes")
    note["record_type"], note["record_id"] = "engagement", records.engagement["id"]
    assert B.check_records(records) == []
    note["record_type"], note["record_id"] = "secret", sorted(records.kinds["findings"])[0]
    assert B.check_records(records) == [
        (
            f"notes/{key}.json",
            "record_id",
            f"refers to secret {note['record_id']} which is not in the bundle",
        )
    ]


def test_a_release_item_not_in_the_bundle_is_refused(records):
    release = records.kinds["releases"][RELEASE_ID]
    good = release["items"][0]
    where = f"releases/{RELEASE_ID}.json"
    cases = [
        ({**good, "record_id": MISSING}, repr({**good, "record_id": MISSING})),
        ({**good, "record_type": "section"}, repr({**good, "record_type": "section"})),
        ("1.1", "'1.1'"),
    ]
    for item, shown in cases:
        release["items"] = [good, item]
        assert B.check_records(records) == [
            (where, "items", f"refers to a record not in the bundle: {shown}")
        ]
    release["items"] = [good, {**good, "record_type": "secret"}]  # no such type: no such record
    assert B.check_records(records) == [
        (where, "items", f"refers to a record not in the bundle: {release['items'][1]!r}")
    ]
    release["items"] = "all"
    assert B.check_records(records) == [
        (where, "items", "refers to a record not in the bundle: None")
    ]
    release["items"] = []
    assert B.check_records(records) == []


def _second(records, kind):
    """A copy of the first record of KIND under a key that sorts after it."""
    key, record = sorted(records.kinds[kind].items())[0]
    later = "f" * 8 + key[8:]
    records.kinds[kind][later] = {**record, "id": later}
    return key, later


@pytest.mark.parametrize(
    ("kind", "column"),
    [
        ("focus_areas", "number"),
        ("team_members", "name"),
        ("releases", "number"),
        ("sections", "name"),
    ],
)
def test_a_number_or_name_taken_twice_is_refused(records, kind, column):
    first, later = _second(records, kind)
    value = records.kinds[kind][first][column]
    expected = [(f"{kind}/{later}.json", column, f"{value!r} is also taken by {kind}/{first}.json")]
    assert B.check_records(records) == expected
    assert B.check_records(records, numbers_unique=False) == expected


@pytest.mark.parametrize(
    ("kind", "parent"), [("findings", "focus_area_id"), ("recommendations", "finding_id")]
)
def test_a_number_taken_twice_under_one_parent_is_refused_unless_git_merged_them(
    records, kind, parent
):
    key, record = sorted(records.kinds[kind].items())[0]
    first, later = _second(records, kind)
    for k in ("status_updates", "review_history", "approved_versions", "notes", "internal_history"):
        records.kinds[k] = {}  # their copies' children would name the copy
    records.kinds["evidence"] = {}
    records.kinds["releases"][RELEASE_ID]["items"] = []
    number = 50
    records.kinds[kind][first]["number"] = records.kinds[kind][later]["number"] = number
    assert B.check_records(records) == [
        (f"{kind}/{later}.json", "number", f"{number!r} is also taken by {kind}/{first}.json")
    ]
    assert B.check_records(records, numbers_unique=False) == []
    records.kinds[kind][later]["number"] = number + 1  # another number: no clash
    assert B.check_records(records) == []
    records.kinds[kind][later]["number"] = number
    other_parent = {
        "findings": sorted(set(records.kinds["focus_areas"]) - {record[parent]}),
        "recommendations": sorted(set(records.kinds["findings"]) - {record[parent]}),
    }[kind][0]
    records.kinds[kind][later][parent] = other_parent  # the same number under another parent
    assert B.check_records(records) == []


def _hidden(records):
    return next(r for r in records.kinds["findings"].values() if r["title"] == "Hidden gap")


def test_a_flag_change_of_a_record_not_in_the_bundle_or_not_its_files_is_refused(records):
    hidden = _hidden(records)
    history = records.kinds["internal_history"]
    says = "which is not in the bundle, or not this file's"
    history[f"{hidden['id']}.2"]["record_id"] = MISSING
    history[f"{hidden['id']}.2"]["record_type"] = "recommendation"
    problems = B.check_records(records)
    assert problems == [
        (
            f"internal_history/{hidden['id']}.2.json",
            "record_id",
            f"refers to recommendation {MISSING} {says}",
        ),
        (
            f"internal_history/{hidden['id']}.1.json",
            "internal",
            "is not the next change of its record's internal flag (numbered from 1, each change "
            "replacing the value the one before set, the last one the record's flag now)",
        ),
    ]
    # the record exists, but the file is named for another
    other = sorted(set(records.kinds["findings"]) - {hidden["id"]})[0]
    history[f"{hidden['id']}.2"].update(record_id=other, record_type="finding")
    assert problems[0][0] in [p[0] for p in B.check_records(records)]
    assert B.check_records(records)[0] == (
        f"internal_history/{hidden['id']}.2.json",
        "record_id",
        f"refers to finding {other} {says}",
    )


def test_every_flag_change_of_a_record_not_in_the_bundle_is_named(records):
    hidden = _hidden(records)
    history = records.kinds["internal_history"]
    for place in (1, 2):
        history[f"{hidden['id']}.{place}"]["record_id"] = MISSING
    says = f"refers to finding {MISSING} which is not in the bundle, or not this file's"
    assert B.check_records(records) == [
        (f"internal_history/{hidden['id']}.1.json", "record_id", says),
        (f"internal_history/{hidden['id']}.2.json", "record_id", says),
    ]


NOT_NEXT = (
    "is not the next change of its record's internal flag (numbered from 1, each change "
    "replacing the value the one before set, the last one the record's flag now)"
)


def _chain(records, changes, flag):
    """Replace the hidden finding's flag history with CHANGES [(place, was, internal)]."""
    hidden = _hidden(records)
    hidden["internal"] = flag
    template = records.kinds["internal_history"][f"{hidden['id']}.1"]
    records.kinds["internal_history"] = {
        f"{hidden['id']}.{place}": {
            **template,
            "id": f"{hidden['id']}.{place}",
            "was": was,
            "internal": internal,
        }
        for place, was, internal in changes
    }
    return hidden["id"]


@pytest.mark.parametrize(
    ("changes", "flag", "wrong"),
    [
        ([(1, 1, 0), (2, 0, 1)], 1, []),
        ([(1, 1, 0)], 0, []),
        ([(2, 1, 0), (1, 0, 1)], 0, []),  # read in their order, not the files'
        ([(1, 1, 0)], 1, [1]),  # the last change is not the flag now
        ([(1, 1, 1)], 1, [1]),  # a change that changes nothing
        ([(1, 0, 0)], 0, [1]),
        ([(2, 1, 0)], 0, [2]),  # not numbered from 1
        ([(1, 1, 0), (3, 0, 1)], 1, [3]),  # a gap
        ([(1, 1, 0), (2, 1, 0)], 0, [1]),  # the second does not replace what the first set
        ([(1, 1, 0), (2, 0, 1), (3, 1, 0)], 1, [3]),
        ([(p, p % 2, 1 - p % 2) for p in range(1, 12)], 0, []),  # 11 changes: 10 after 9, not 1
    ],
)
def test_a_flag_history_is_one_chain_that_ends_in_the_flag(records, changes, flag, wrong):
    record_id = _chain(records, changes, flag)
    assert B.check_records(records) == [
        (f"internal_history/{record_id}.{place}.json", "internal", NOT_NEXT) for place in wrong
    ]


def test_problems_come_in_order_engagement_references_reviews_flags_duplicates(records):
    k = records.kinds
    area_key, area = sorted(k["focus_areas"].items())[0]
    area["engagement_id"] = MISSING
    rec_key, rec = only(k, "recommendations")
    rec["finding_id"] = MISSING
    note_key, note = only(k, "notes")
    note["record_id"] = MISSING
    hidden = _hidden(records)
    hidden["internal"] = 0
    first_member, later_member = _second(records, "team_members")
    assert [(where, column) for where, column, _ in B.check_records(records)] == [
        (f"focus_areas/{area_key}.json", "engagement_id"),
        (f"recommendations/{rec_key}.json", "finding_id"),
        (f"notes/{note_key}.json", "record_id"),
        (f"internal_history/{hidden['id']}.2.json", "internal"),
        (f"team_members/{later_member}.json", "name"),
    ]


def test_a_bundle_without_flag_history_has_no_flag_problem(records):
    del records.kinds["internal_history"]
    assert B._flag_history_problems(records) == []


# ---- loading -----------------------------------------------------------------------------


@pytest.fixture
def fresh():
    store = open_store(":memory:")
    yield store
    store.close()


def test_loaded_records_read_back_as_they_were_with_an_import_event_each(built, fresh):
    _, records = built
    with fresh.write():
        B.insert_records(fresh, records, "zed")
    again = B.store_records(fresh, get_engagement(fresh, SITE))
    assert again.engagement == records.engagement
    assert again.kinds == records.kinds
    events = fresh.rows(
        "SELECT actor, engagement_id, record_type, record_id, ref, action, before, after "
        "FROM events ORDER BY id"
    )
    eid = records.engagement["id"]
    expected = [("zed", eid, "engagement", eid, SITE, "import", None, None)] + [
        ("zed", eid, kind.name, key, None, "import", None, json.dumps(r, sort_keys=True))
        for kind in B.KINDS
        for key, r in sorted(
            records.kinds[kind.name].items(),
            key=lambda kr: list(records.kinds[kind.name]).index(kr[0]),
        )
    ]
    assert sorted(tuple(e.values()) for e in events) == sorted(expected)
    assert [e["record_type"] for e in events] == [x[2] for x in expected]
    stamps = {r[0] for r in fresh.execute("SELECT at FROM events")}
    assert len(stamps) == 1 and stamps.pop().startswith("2026-11-27T")


def test_records_load_without_their_engagement_into_a_store_that_has_it(built, fresh):
    _, records = built
    with fresh.write():
        fresh.insert("engagements", records.engagement)
        B.insert_records(fresh, records, "zed", with_engagement=False)
    assert fresh.value("SELECT COUNT(*) FROM engagements") == 1
    assert fresh.value("SELECT COUNT(*) FROM events WHERE record_type = 'engagement'") == 0
    assert B.store_records(fresh, get_engagement(fresh, SITE)).kinds == records.kinds


def test_a_kind_the_records_do_not_hold_loads_nothing(built, fresh):
    _, records = built
    only_areas = B.Records(
        engagement=records.engagement, kinds={"focus_areas": records.kinds["focus_areas"]}
    )
    with fresh.write():
        B.insert_records(fresh, only_areas, "zed")
    again = read(fresh)
    assert again.kinds["focus_areas"] == records.kinds["focus_areas"]
    assert sum(len(v) for v in again.kinds.values()) == 2
    assert fresh.value("SELECT COUNT(*) FROM events") == 3


def test_a_release_that_published_nothing_carries_no_items(built, fresh):
    _, records = built
    release = {**records.kinds["releases"][RELEASE_ID], "items": []}
    empty = B.Records(engagement=records.engagement, kinds={"releases": {RELEASE_ID: release}})
    with fresh.write():
        B.insert_records(fresh, empty, "zed")
    assert read(fresh).kinds["releases"] == {RELEASE_ID: release}


def _status(key, recorded_at):
    return {
        "id": key,
        "recommendation_id": "r",
        "status": "in-progress",
        "as_of": "2025-01-01",
        "note": None,
        "reason": None,
        "evidence": None,
        "recorded_at": recorded_at,
        "recorded_by": "ann",
    }


def test_histories_load_in_the_order_they_were_recorded_ties_by_id(fresh):
    rows = [_status("c", "2025-01-02"), _status("b", "2025-01-01"), _status("a", "2025-01-02")]
    fresh.execute("PRAGMA foreign_keys = OFF")
    B.insert_kind(fresh, B.BY_NAME["status_updates"], rows)
    assert [r[0] for r in fresh.execute("SELECT id FROM status_updates ORDER BY rowid")] == [
        "b",
        "a",
        "c",
    ]


@pytest.mark.parametrize(
    ("kind", "column"),
    [("review_history", "at"), ("approved_versions", "at"), ("notes", "created_at")],
)
def test_each_history_is_ordered_by_its_own_recorded_column(records, fresh, kind, column):
    assert B.RECORDED == {
        "status_updates": "recorded_at",
        "review_history": "at",
        "approved_versions": "at",
        "notes": "created_at",
    }
    template = sorted(records.kinds[kind].values(), key=lambda r: r["id"])[0]
    rows = [
        {**template, "id": "c", column: "2025-01-02"},
        {**template, "id": "b", column: "2025-01-01"},
        {**template, "id": "a", column: "2025-01-02"},
    ]
    fresh.execute("PRAGMA foreign_keys = OFF")
    B.insert_kind(fresh, B.BY_NAME[kind], rows)
    order = [r[0] for r in fresh.execute(f"SELECT id FROM {kind} ORDER BY rowid")]
    assert order == ["b", "a", "c"]


def test_flag_changes_load_in_each_records_order_and_take_the_stores_numbers(fresh):
    def change(record, place):
        return {
            "id": f"{record}.{place}",
            "record_type": "finding",
            "record_id": record,
            "was": place % 2,
            "internal": 1 - place % 2,
            "on_date": "2025-01-01",
            "at": f"2025-01-{30 - place:02d}T00:00:00",
            "actor": "ann",
        }

    rows = [change("b", p) for p in (10, 2, 1)] + [change("a", p) for p in (11, 9)]
    B.insert_kind(fresh, B.BY_NAME["internal_history"], rows)
    got = fresh.rows("SELECT id, record_id, at FROM internal_history ORDER BY id")
    assert [(r["id"], r["record_id"], r["at"][:10]) for r in got] == [
        (1, "a", "2025-01-21"),  # a.9
        (2, "a", "2025-01-19"),  # a.11
        (3, "b", "2025-01-29"),  # b.1
        (4, "b", "2025-01-28"),  # b.2
        (5, "b", "2025-01-20"),  # b.10
    ]


def test_nothing_to_load_is_no_statement(fresh):
    assert B.insert_kind(fresh, B.BY_NAME["findings"], []) is None


# ---- merge bases -------------------------------------------------------------------------


def _sync(store):
    return {
        r["record_id"]: (r["record_type"], r["base"], r["exported"])
        for r in store.rows("SELECT * FROM sync_base")
    }


def _loaded(built, fresh):
    _, records = built
    with fresh.write():
        B.insert_records(fresh, records, "zed")
    return records


def test_agreed_records_become_the_base_of_the_next_merge(built, fresh):
    records = _loaded(built, fresh)
    eid = records.engagement["id"]
    B.set_bases(fresh, records)
    expected = {eid: ("engagement", B.dumps(records.engagement), None)} | {
        key: (kind.name, B.dumps(r), None)
        for kind in B.KINDS
        for key, r in records.kinds[kind.name].items()
    }
    assert _sync(fresh) == expected
    named = {("engagement" if k == eid else k): v for k, v in expected.items()}
    assert B.shared(fresh, eid) == {k: (base, None) for k, (_, base, _) in named.items()}
    assert B.bases(fresh, eid) == {k: base for k, (_, base, _) in named.items()}
    assert B.shared(fresh, MISSING) == {}
    # Agreed again with a change: the base follows.
    changed = copy.deepcopy(records)
    changed.engagement["agency"] = "Changed"
    B.set_bases(fresh, changed)
    assert _sync(fresh)[eid] == ("engagement", B.dumps(changed.engagement), None)


def test_exported_records_are_noted_and_the_base_only_of_records_that_had_none(built, fresh):
    records = _loaded(built, fresh)
    eid = records.engagement["id"]
    B.set_bases(fresh, records, exported=True, agreed=False)
    first = B.dumps(records.engagement)
    assert _sync(fresh)[eid] == ("engagement", first, first)
    changed = copy.deepcopy(records)
    changed.engagement["agency"] = "Changed"
    B.set_bases(fresh, changed, exported=True, agreed=False)
    assert _sync(fresh)[eid] == ("engagement", first, B.dumps(changed.engagement))
    assert B.shared(fresh, eid)["engagement"] == (first, B.dumps(changed.engagement))
    # agreed and exported at once (an import): both
    B.set_bases(fresh, changed, exported=True)
    both = B.dumps(changed.engagement)
    assert _sync(fresh)[eid] == ("engagement", both, both)


def test_bases_leave_out_records_only_exported(built, fresh):
    records = _loaded(built, fresh)
    eid = records.engagement["id"]
    fresh.execute(
        "INSERT INTO sync_base (record_id, record_type, engagement_id, base, exported) "
        "VALUES ('x', 'notes', ?, NULL, 'e')",
        (eid,),
    )
    assert B.shared(fresh, eid) == {"x": (None, "e")}
    assert B.bases(fresh, eid) == {}


def test_kept_out_are_the_held_records_a_person_chose_not_to_take(built, fresh):
    records = _loaded(built, fresh)
    eid = records.engagement["id"]
    rows = [
        ("k1", eid, "approved_versions:a:b", "ours"),  # kept out: a, with what follows
        ("k2", eid, "approved_versions:c", "theirs"),  # taken
        ("k3", eid, "title", "ours"),  # a field, not a held record
        ("k4", eid, "review_history:d", None),  # open
    ]
    fresh.execute("PRAGMA foreign_keys = OFF")
    fresh.conn.executemany(
        "INSERT INTO merge_conflicts (id, engagement_id, record_type, record_id, field, source, "
        "created_at, created_by, resolution) VALUES (?, ?, 'x', 'y', ?, 's', 't', 'ann', ?)",
        rows,
    )
    assert B.kept_out(fresh, eid) == frozenset({"a:b"})
    assert B.kept_out(fresh, MISSING) == frozenset()


def test_each_engagement_of_a_store_keeps_its_own_base(built, fresh):
    """Two engagements in one store: each one's record has its own base and export. (Both were
    kept under one row, "engagement": the second engagement's import overwrote the first's base,
    so a merge of the first compared against the second's values, and the second had none.)"""
    _, records = built
    other = copy.deepcopy(records)
    other.engagement.update(id=MISSING, site="other-site", agency="Other PD")
    with fresh.write():
        B.insert_records(fresh, records, "zed")
        fresh.insert("engagements", other.engagement)
    mine = B.Records(engagement=records.engagement)
    theirs = B.Records(engagement=other.engagement)
    B.set_bases(fresh, mine, exported=True)
    B.set_bases(fresh, theirs, exported=True)
    eid = records.engagement["id"]
    assert B.shared(fresh, eid) == {"engagement": (B.dumps(records.engagement),) * 2}
    assert B.shared(fresh, MISSING) == {"engagement": (B.dumps(other.engagement),) * 2}
    B.set_bases(fresh, theirs, exported=True, agreed=False)
    assert B.bases(fresh, eid) == {"engagement": B.dumps(records.engagement)}


def test_a_base_kept_under_the_old_name_is_read_until_one_under_the_id_replaces_it(built, fresh):
    records = _loaded(built, fresh)
    eid = records.engagement["id"]
    fresh.execute(
        "INSERT INTO sync_base (record_id, record_type, engagement_id, base, exported) "
        "VALUES ('engagement', 'engagement', ?, 'old', 'old-export')",
        (eid,),
    )
    assert B.shared(fresh, eid) == {"engagement": ("old", "old-export")}
    B.set_bases(fresh, B.Records(engagement=records.engagement))
    assert B.shared(fresh, eid) == {"engagement": (B.dumps(records.engagement), None)}
    # whichever order SQLite would have read them in: insert the old row after the new one too
    fresh.execute("DELETE FROM sync_base WHERE record_id = 'engagement'")
    fresh.execute(
        "INSERT INTO sync_base (record_id, record_type, engagement_id, base, exported) "
        "VALUES ('engagement', 'engagement', ?, 'old', 'old-export')",
        (eid,),
    )
    assert B.shared(fresh, eid) == {"engagement": (B.dumps(records.engagement), None)}
