"""Engagement bundles: deterministic export, checked import, and byte-identical round trips."""

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import dump, examples
from reformctl.exchange.bundle_files import export_bundle, import_bundle
from reformctl.model.confidential import add_note, protect
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.fieldwork import add_member, cite, log_activity
from reformctl.model.findings import log_finding
from reformctl.model.recommendations import recommend
from reformctl.model.statuses import set_status
from reformctl.store import open_store

SITE = "brightwater-demo"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def refused(cli, *args, says: list[str]):
    before = dump(cli.db)
    result = cli(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), lines
    assert "Traceback" not in result.stderr + result.stdout
    for needle in says:
        assert any(needle in line for line in lines), (needle, lines)
    assert dump(cli.db) == before
    return lines


def full_demo(cli):
    cli.ok("team", "add", "--site", SITE, "Dana Reyes", "--role", "lead")
    act = cli.json(
        "activity",
        "--site",
        SITE,
        "--method",
        "interview",
        "--date",
        "2025-03-01",
        "--team",
        "Dana Reyes",
    )
    cli.ok("cite", "--site", SITE, "1.1", act["id"])
    cli.ok("note", "--site", SITE, "1.1", "A note")
    return act


def test_export_import_export_is_byte_identical(demo, tmp_path):
    full_demo(demo)
    first, second = tmp_path / "first", tmp_path / "second"
    done = demo.json("export", "--site", SITE, "--bundle", first)
    assert done["counts"]["findings"] == 17 and done["counts"]["activities"] == 1
    record = json.loads(next((first / "findings").glob("*.json")).read_text())
    assert list(record) == sorted(record)
    loaded = demo.json("--db", tmp_path / "other.db", "import", "--bundle", first)
    assert loaded["counts"] == done["counts"]
    demo.ok("--db", tmp_path / "other.db", "export", "--site", SITE, "--bundle", second)
    assert tree(first) == tree(second)
    # And the loaded store reports exactly as the original does.
    assert demo.ok("report", "--site", SITE, "--format", "json") == demo.ok(
        "--db", tmp_path / "other.db", "report", "--site", SITE, "--format", "json"
    )
    # Exporting again over the same bundle changes nothing.
    demo.ok("export", "--site", SITE, "--bundle", first)
    assert tree(first) == tree(second)


def test_import_refuses_an_engagement_the_store_has(demo, tmp_path):
    demo.ok("export", "--site", SITE, "--bundle", tmp_path / "b")
    demo.fails("import", "--bundle", tmp_path / "b", says="reformctl merge")


def test_export_refuses_to_overwrite_unmerged_work(demo, tmp_path):
    bundle = tmp_path / "b"
    demo.ok("export", "--site", SITE, "--bundle", bundle)
    path = next((bundle / "findings").glob("*.json"))
    record = json.loads(path.read_text())
    record["title"] = "A colleague's edit pulled in by git"
    path.write_text(json.dumps(record, sort_keys=True, indent=2) + "\n")
    stranger = bundle / "notes" / "0000aaaa-0000-0000-0000-000000000000.json"
    stranger.parent.mkdir(exist_ok=True)
    stranger.write_text("{}\n")
    demo.fails("export", "--site", SITE, "--bundle", bundle, says="has not merged")
    assert "colleague" in path.read_text()


def break_bundle(tmp_path, demo, change):
    bundle = tmp_path / "bad"
    demo.ok("export", "--site", SITE, "--bundle", bundle)
    change(bundle)
    return bundle


def first(bundle, kind):
    return sorted((bundle / kind).glob("*.json"))[0]


def edit(path, **fields):
    record = json.loads(path.read_text())
    for key, value in fields.items():
        if value is KeyError:
            record.pop(key)
        else:
            record[key] = value
    path.write_text(json.dumps(record, sort_keys=True, indent=2) + "\n")


@pytest.mark.slow
def test_malformed_bundles_change_nothing(demo, tmp_path):
    target = ["--db", tmp_path / "fresh.db"]
    demo.db = tmp_path / "fresh.db"
    cases = [
        (lambda b: edit(first(b, "findings"), title=KeyError), ["field title: missing"]),
        (lambda b: edit(first(b, "findings"), colour="red"), ["field colour: unknown field"]),
        (
            lambda b: edit(first(b, "findings"), dated="2025-02-30"),
            ["field dated:", "not a real date"],
        ),
        (
            lambda b: edit(
                first(b, "recommendations"), finding_id="ffffffff-0000-0000-0000-000000000000"
            ),
            ["field finding_id: refers to finding"],
        ),
        (
            lambda b: edit(first(b, "status_updates"), status="done"),
            ["field status: 'done' is unknown"],
        ),
        (
            lambda b: shutil.copy(
                first(b, "findings"), b / "findings" / "0000abcd-0000-0000-0000-000000000000.json"
            ),
            ["field id: the file is named for"],
        ),
        (
            lambda b: edit(
                sorted((b / "findings").glob("*.json"))[1],
                number=json.loads(first(b, "findings").read_text())["number"],
                focus_area_id=json.loads(first(b, "findings").read_text())["focus_area_id"],
            ),
            ["is also taken by"],
        ),
        (
            lambda b: first(b, "recommendations").write_text(
                first(b, "recommendations").read_text()[:80]
            ),
            ["truncated"],
        ),
        (
            lambda b: first(b, "findings").write_text(
                "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> bob\n"
            ),
            ["git conflict markers"],
        ),
        (
            lambda b: (b / "bundle.json").write_text(
                '{"format": "something-else", "version": 1}\n'
            ),
            ["format"],
        ),
    ]
    for i, (change, says) in enumerate(cases):
        bundle = tmp_path / f"bad-{i}"
        demo.db = tmp_path / "test.db"
        demo.ok("export", "--site", SITE, "--bundle", bundle)
        change(bundle)
        demo.db = tmp_path / "fresh.db"
        refused(demo, *target, "import", "--bundle", bundle, says=says)
    demo.fails(*target, "import", "--bundle", tmp_path / "nowhere", says="no such bundle")
    (tmp_path / "empty").mkdir()
    demo.fails(*target, "import", "--bundle", tmp_path / "empty", says="not a reformctl bundle")
    demo.fails(*target, "import", code=2, says="--bundle")
    demo.fails(*target, "export", "--bundle", tmp_path / "x", code=2, says="--site")


# ---- the property: any engagement survives export -> import -> export byte for byte ----------

# Any text input accepts: no controls, no bidirectional overrides, no redaction marker (a
# well-formed one is a property of its own, in test_properties.py).
chars = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)
no_marker = lambda s: "[[" not in s and "]]" not in s  # noqa: E731
words = st.text(alphabet=chars, min_size=1, max_size=40).filter(
    lambda s: s.strip() and no_marker(s)
)
bodies = st.text(alphabet=st.one_of(chars, st.just("\n")), max_size=80).filter(no_marker)
dates = st.dates(
    min_value=__import__("datetime").date(2024, 1, 1),
    max_value=__import__("datetime").date(2026, 11, 27),
).map(lambda d: d.isoformat())


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    findings=st.lists(
        st.tuples(
            st.integers(1, 3),
            words,
            bodies,
            st.booleans(),
            dates,
            st.lists(st.tuples(words, st.sampled_from(["in-progress", "complete"])), max_size=3),
        ),
        max_size=6,
    ),
    members=st.lists(words, max_size=3, unique_by=lambda s: " ".join(s.split())),
    activities=st.lists(
        st.tuples(st.sampled_from(["interview", "site-visit", "focus-group"]), dates, bodies),
        max_size=4,
    ),
    notes=st.lists(words, max_size=3),
)
def test_round_trip_of_random_engagements(isolated, findings, members, activities, notes):
    with tempfile.TemporaryDirectory(dir=isolated) as scratch:
        scratch = Path(scratch)
        store = open_store(scratch / "a.db")
        e = create_engagement(
            store, EngagementSpec(site="prop", agency="Prop PD", focus_areas=["A", "B", "C"]), "ann"
        )
        for name in members:
            add_member(store, e, name, "researcher", "ann")
        names = [" ".join(m.split()) for m in members]
        acts = [
            log_activity(store, e, m, d, "ann", summary=s, team=names[:1]) for m, d, s in activities
        ]
        made = []
        for area, title, body, internal, dated, recs in findings:
            f = log_finding(store, e, str(area), title, body, "ann", internal=internal, dated=dated)
            made.append(f)
            if acts:
                cite(store, e, f, [acts[0]["id"]], "ann")
            for text, status in recs:
                r = recommend(store, e, f["ref"], text, "bob", dated=dated)
                set_status(store, e, r["ref"], status, "bob", as_of=dated)
        for text in notes:
            if made:
                add_note(store, e, made[0]["ref"], text, "cy")
        if names:
            protect(store, e, "Jane Q. Public " + names[0], "ann")
        export_bundle(store, "prop", scratch / "one")
        other = open_store(scratch / "b.db")
        import_bundle(other, scratch / "one", "zed")
        export_bundle(other, "prop", scratch / "two")
        assert tree(scratch / "one") == tree(scratch / "two")
        store.close()
        other.close()


# ---- the property: two members' random offline work merges both ways to one engagement --------

from reformctl.exchange.conflicts import list_conflicts, resolve  # noqa: E402
from reformctl.exchange.merge import merge  # noqa: E402
from reformctl.model.edits import edit_record  # noqa: E402
from reformctl.model.engagements import get_engagement  # noqa: E402

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("finding"), st.integers(1, 2), st.sampled_from(["Gap", "Risk", "Lag"])),
        st.tuples(st.just("title"), st.integers(0, 1), st.sampled_from(["Alpha", "Beta", "Gamma"])),
        st.tuples(st.just("body"), st.integers(0, 1), st.sampled_from(["one", "two"])),
        st.tuples(
            st.just("status"), st.integers(0, 1), st.sampled_from(["in-progress", "complete"])
        ),
        st.tuples(st.just("note"), st.integers(0, 1), st.sampled_from(["n1", "n2"])),
        st.tuples(st.just("recommend"), st.integers(0, 1), st.sampled_from(["Do it", "Fund it"])),
    ),
    max_size=6,
)


def apply_ops(store, who, ops):
    e = get_engagement(store, "prop")
    for op, n, text in ops:
        ref = ["1.1", "2.1"][n % 2]
        if op == "finding":
            log_finding(store, e, str(n), f"{text} by {who}", None, who)
        elif op in ("title", "body"):
            edit_record(store, e, ref, {op: f"{text} by {who}"}, who)
        elif op == "status":
            set_status(store, e, ref + ".1", text, who)
        elif op == "note":
            add_note(store, e, ref, f"{text} by {who}", who)
        else:
            recommend(store, e, ref, f"{text} by {who}", who)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    alice_ops=OPS,
    bob_ops=OPS,
    choices=st.lists(st.sampled_from(["ours", "theirs"]), min_size=12, max_size=12),
)
def test_offline_work_merges_to_one_engagement(isolated, alice_ops, bob_ops, choices):
    with tempfile.TemporaryDirectory(dir=isolated) as scratch:
        scratch = Path(scratch)
        alice, bob = open_store(scratch / "a.db"), open_store(scratch / "b.db")
        e = create_engagement(
            alice, EngagementSpec(site="prop", agency="Prop PD", focus_areas=["A", "B"]), "alice"
        )
        for area in ("1", "2"):
            f = log_finding(alice, e, area, f"Shared {area}", "Shared body", "alice")
            recommend(alice, e, f["ref"], "Shared rec", "alice")
        export_bundle(alice, "prop", scratch / "shared")
        import_bundle(bob, scratch / "shared", "bob")
        apply_ops(alice, "alice", alice_ops)
        apply_ops(bob, "bob", bob_ops)
        export_bundle(bob, "prop", scratch / "from-bob")
        ids_before = {
            r["id"]
            for s in (alice, bob)
            for r in s.rows("SELECT id FROM findings UNION SELECT id FROM recommendations")
        }

        merge(alice, get_engagement(alice, "prop"), scratch / "from-bob", "alice")
        for i, c in enumerate(list_conflicts(alice, get_engagement(alice, "prop"))):
            if any(
                x["record_id"] == c["record_id"] and x["field"] == c["field"]
                for x in list_conflicts(alice, get_engagement(alice, "prop"))
            ):
                resolve(
                    alice,
                    get_engagement(alice, "prop"),
                    c["record_id"],
                    choices[i % 12],
                    "alice",
                    c["field"],
                )
        export_bundle(alice, "prop", scratch / "from-alice")
        back = merge(bob, get_engagement(bob, "prop"), scratch / "from-alice", "bob")
        assert back["conflicts"] == []

        export_bundle(alice, "prop", scratch / "a-final")
        export_bundle(bob, "prop", scratch / "b-final")
        assert tree(scratch / "a-final") == tree(scratch / "b-final")
        ids_after = {
            r["id"]
            for r in alice.rows("SELECT id FROM findings UNION SELECT id FROM recommendations")
        }
        assert ids_after == ids_before  # nothing lost
        numbers = alice.rows("SELECT focus_area_id, number FROM findings")
        assert len({(r["focus_area_id"], r["number"]) for r in numbers}) == len(numbers)
        alice.close()
        bob.close()
