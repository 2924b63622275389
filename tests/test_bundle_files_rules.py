"""exchange/bundle_files.py, called directly on a store built once per module (tests/bundle_store.py)
and a bundle written from it once: the files written and their bytes, what export refuses to
overwrite or write through, and every refusal of a hostile bundle (links, oversized, not UTF-8,
not JSON, nested too deep, git conflict markers, a file named for another record, unknown
folders and fields, a head that does not match), word for word. test_bundle.py and
test_trust_bundles.py show the same through the CLI."""

from __future__ import annotations

import copy
import json
import os
import shutil

import pytest

from bundle_store import SITE, build
from reformctl.cli.errors import message
from reformctl.errors import Invalid, Refused, rendered
from reformctl.exchange import bundle_files as F
from reformctl.exchange.bundle import KINDS, dumps, store_records
from reformctl.model.sites import get_engagement
from reformctl.store import open_store

MISSING = "ffffffff-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("bundle")
        store = build(folder / "store.db", mp)
        records = store_records(store, get_engagement(store, SITE))
        F.write_bundle(records, folder / "pristine")
        yield store, records, folder / "pristine"
        store.close()


@pytest.fixture
def store(built):
    return built[0]


@pytest.fixture
def records(built):
    return copy.deepcopy(built[1])


@pytest.fixture
def bundle(built, tmp_path):
    path = tmp_path / "bundle"
    shutil.copytree(built[2], path)
    return path


def tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def first(bundle, kind):
    return sorted((bundle / kind).glob("*.json"))[0]


def errors(store, bundle, allow_conflicts=False):
    with pytest.raises(F.BundleErrors) as caught:
        F.read_bundle(store, bundle, allow_conflicts)
    assert caught.value.source == str(bundle)
    return [(row, column, rendered(says)) for row, column, says in caught.value.errors]


def edit(path, **fields):
    record = json.loads(path.read_text())
    record.update(fields)
    path.write_text(dumps(record))
    return record


# ---- writing -----------------------------------------------------------------------------


def test_a_bundle_is_one_file_a_record_each_as_dumps_writes_it(records, tmp_path):
    target = tmp_path / "new" / "bundle"
    written = F.write_bundle(records, target)
    head = (
        '{\n  "engagement_id": "' + records.engagement["id"] + '",\n  "format": '
        '"reformctl-bundle",\n  "site": "brightwater",\n  "version": 1\n}\n'
    )
    expected = {"bundle.json": head.encode(), "engagement.json": dumps(records.engagement).encode()}
    for kind in KINDS:
        for key, record in records.kinds[kind.name].items():
            expected[f"{kind.name}/{key}.json"] = dumps(record).encode()
    assert tree(target) == expected
    assert written == len(expected) == 2 + sum(len(k) for k in records.kinds.values())
    assert not list(target.rglob(".*"))  # no temporary file left


def test_writing_again_touches_only_the_files_that_changed(records, bundle):
    before = {p: os.stat(p).st_ino for p in bundle.rglob("*.json")}
    assert F.write_bundle(records, bundle) == len(before)
    assert {p: os.stat(p).st_ino for p in bundle.rglob("*.json")} == before
    key, record = sorted(records.kinds["findings"].items())[0]
    record["title"] = "Changed here"
    known = {key: (None, dumps({**record, "title": "No written strategy"}))}
    known[key] = (None, (bundle / f"findings/{key}.json").read_text())
    F.write_bundle(records, bundle, known)
    after = {p: os.stat(p).st_ino for p in bundle.rglob("*.json")}
    changed = bundle / f"findings/{key}.json"
    assert {p for p in after if after[p] != before[p]} == {changed}
    assert changed.read_text() == dumps(record)
    assert not list(bundle.rglob(".*"))


def test_records_without_a_kind_write_no_file_of_it(records, tmp_path):
    only = F.Records(engagement=records.engagement)
    assert F.write_bundle(only, tmp_path / "b") == 2
    assert sorted(tree(tmp_path / "b")) == ["bundle.json", "engagement.json"]


def test_a_kind_new_to_the_bundle_gets_its_folder(records, bundle):
    shutil.rmtree(bundle / "notes")
    F.write_bundle(records, bundle)
    [(key, note)] = records.kinds["notes"].items()
    assert (bundle / f"notes/{key}.json").read_text() == dumps(note)


def test_a_file_is_no_bundle_directory(records, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(Invalid) as caught:
        F.write_bundle(records, target)
    assert message(caught.value) == f"{target} is a file; give a directory for the bundle"
    assert target.read_text() == "x"


@pytest.mark.parametrize("which", ["notes", "findings", "engagement.json", "notes/{note}.json"])
def test_a_link_in_the_bundle_is_never_written_through(records, bundle, tmp_path, which):
    outside = tmp_path / "outside"
    outside.mkdir()
    [note] = records.kinds["notes"]
    path = bundle / which.format(note=note)
    if path.is_dir():
        shutil.rmtree(path)
        path.symlink_to(outside, target_is_directory=True)
    else:
        path.unlink()
        path.symlink_to(outside / "x.json")
    with pytest.raises(Refused) as caught:
        F.write_bundle(records, bundle)
    assert message(caught.value) == (
        f"{path} is a link; a bundle is written only as plain folders and files"
    )
    assert list(outside.iterdir()) == []


def refusal(records, bundle, known=None, kept=frozenset()) -> str:
    before = tree(bundle)
    with pytest.raises(Refused) as caught:
        F.write_bundle(records, bundle, known, kept)
    assert tree(bundle) == before
    return message(caught.value)


def unmerged(bundle, problem, more=""):
    return (
        f"{bundle} holds work this store has not merged: {problem}{more}; bring it in first with "
        f"`reformctl merge --site SLUG {bundle}`, or export to an empty directory"
    )


def test_a_colleagues_change_pulled_in_by_git_is_not_overwritten(records, bundle):
    path = first(bundle, "findings")
    edit(path, title="A colleague's edit")
    relative = f"findings/{path.name}"
    expected = unmerged(bundle, f"{relative} holds changes this store has not merged")
    assert refusal(records, bundle) == expected
    # What this store last agreed or exported may be overwritten; anything else may not.
    text = path.read_text()
    assert F.write_bundle(records, bundle, {path.stem: (text, None)}) > 0
    edit(path, title="A colleague's edit")
    assert F.write_bundle(records, bundle, {path.stem: (None, text)}) > 0
    assert path.read_text() == dumps(records.kinds["findings"][path.stem])
    edit(path, title="A colleague's edit")
    other = dumps({**json.loads(text), "title": "Something else"})
    assert refusal(records, bundle, {path.stem: (other, other)}) == expected


def test_the_engagement_file_is_known_as_engagement(records, bundle):
    path = bundle / "engagement.json"
    text = dumps({**records.engagement, "agency": "Their PD"})
    path.write_text(text)
    expected = unmerged(bundle, "engagement.json holds changes this store has not merged")
    assert refusal(records, bundle) == expected
    assert refusal(records, bundle, {records.engagement["id"]: (text, None)}) == expected
    assert F.write_bundle(records, bundle, {"engagement": (text, None)}) > 0


def test_a_record_this_store_never_had_is_not_overwritten_unless_known_or_kept(records, bundle):
    stranger = bundle / "notes" / f"{MISSING}.json"
    stranger.write_text("{}\n")
    assert refusal(records, bundle) == unmerged(
        bundle, f"notes/{MISSING}.json is not in this store"
    )
    assert F.write_bundle(records, bundle, kept=frozenset({MISSING})) > 0
    assert F.write_bundle(records, bundle, {MISSING: (None, None)}) > 0
    assert stranger.read_text() == "{}\n"  # not the store's to write or remove


def test_dot_files_and_the_head_are_the_writers_own(records, bundle):
    (bundle / "notes" / ".x.json").write_text("not json")
    (bundle / "bundle.json").write_text('{"format": "old"}')
    F.write_bundle(records, bundle)
    assert (bundle / "notes" / ".x.json").read_text() == "not json"
    assert json.loads((bundle / "bundle.json").read_text())["format"] == "reformctl-bundle"


def test_a_folder_or_link_named_like_a_record_is_refused(records, bundle, tmp_path):
    (bundle / "findings" / f"{MISSING}.json").mkdir()
    assert refusal(records, bundle) == unmerged(
        bundle, f"findings/{MISSING}.json is a link or not a regular file"
    )
    (bundle / "findings" / f"{MISSING}.json").rmdir()
    (tmp_path / "target.json").write_text("{}")
    (bundle / "findings" / f"{MISSING}.json").symlink_to(tmp_path / "target.json")
    assert refusal(records, bundle) == unmerged(
        bundle, f"findings/{MISSING}.json is a link or not a regular file"
    )


def test_a_file_that_is_no_whole_record_is_refused(records, bundle):
    path = first(bundle, "findings")
    path.write_text(path.read_text()[:40])
    assert refusal(records, bundle) == unmerged(
        bundle, f"findings/{path.name} is not a whole JSON record"
    )
    path.write_bytes(b'"\xff"')
    assert refusal(records, bundle) == unmerged(
        bundle, f"findings/{path.name} holds changes this store has not merged"
    )


def test_a_file_in_the_way_bigger_than_any_record_is_not_read(records, bundle, monkeypatch):
    path = first(bundle, "findings")
    edit(path, title="x")  # a colleague's change, padded to 100,000 bytes, the biggest file
    path.write_text(path.read_text().ljust(99_999) + "\n")
    assert path.stat().st_size == 100_000
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 100_000)
    says = f"findings/{path.name} holds changes this store has not merged"
    assert refusal(records, bundle) == unmerged(bundle, says)
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 99_999)
    assert refusal(records, bundle) == unmerged(bundle, f"findings/{path.name} is larger than 0 MB")
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 2_000_000)
    path.write_bytes(b" " * 2_000_001)
    assert refusal(records, bundle) == unmerged(bundle, f"findings/{path.name} is larger than 2 MB")
    sorted((bundle / "findings").glob("*.json"))[1].write_bytes(b" " * 2_000_001)
    assert refusal(records, bundle) == unmerged(
        bundle, f"findings/{path.name} is larger than 2 MB", " (and 1 more)"
    )


def conflicted(ours: str, theirs: str) -> str:
    return f"<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> bob\n"


def test_a_file_git_left_in_conflict_is_judged_by_their_side(records, bundle):
    path = first(bundle, "findings")
    mine = path.read_text()
    theirs = dumps({**json.loads(mine), "title": "Theirs"})
    path.write_text(conflicted(mine, theirs))
    relative = f"findings/{path.name}"
    assert refusal(records, bundle) == unmerged(
        bundle, f"{relative} holds changes this store has not merged"
    )
    assert F.write_bundle(records, bundle, {path.stem: (theirs, None)}) > 0
    path.write_text(conflicted(theirs, mine))  # our side unknown, theirs the store's own
    assert F.write_bundle(records, bundle) > 0


def test_the_first_problem_is_named_and_the_rest_counted(records, bundle):
    for kind in ("findings", "notes", "activities"):
        (bundle / kind / f"{MISSING}.json").write_text("{}")
    assert refusal(records, bundle) == unmerged(
        bundle, f"activities/{MISSING}.json is not in this store", " (and 2 more)"
    )
    (bundle / "findings" / f"{MISSING}.json").unlink()
    (bundle / "notes" / f"{MISSING}.json").unlink()
    assert refusal(records, bundle) == unmerged(
        bundle, f"activities/{MISSING}.json is not in this store"
    )
    (bundle / "activities" / f"{MISSING}.json").unlink()
    (bundle / "activities" / f"{MISSING}.json").mkdir()  # and every file after it is looked at
    (bundle / "notes" / f"{MISSING}.json").write_text("{}")
    assert refusal(records, bundle) == unmerged(
        bundle, f"activities/{MISSING}.json is a link or not a regular file", " (and 1 more)"
    )


# ---- git conflict markers ----------------------------------------------------------------


def test_git_conflict_markers_split_into_our_and_their_side():
    text = "head\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> bob\ntail\n"
    assert F._split_git_conflict(text) == ("head\nours\ntail\n", "head\ntheirs\ntail\n")
    diff3 = "<<<<<<< HEAD\nours\n||||||| base\nbase\n=======\ntheirs\n>>>>>>> bob\n"
    assert F._split_git_conflict(diff3) == ("ours\n", "theirs\n")
    assert F._split_git_conflict("{}\n") is None
    assert F._split_git_conflict('{"a": "x <<<<<<< y"}') is None
    assert F._split_git_conflict("<<<<<<<x\n") is None
    # outside a conflict, marker-like lines are text of both sides
    odd = "=======\n||||||| b\n>>>>>>> c\n<<<<<<< HEAD\n>>>>>>> early\n||||||| b\nours\n=======\nt\n>>>>>>> bob\n"
    assert F._split_git_conflict(odd) == (
        "=======\n||||||| b\n>>>>>>> c\n>>>>>>> early\n",
        "=======\n||||||| b\n>>>>>>> c\nt\n",
    )
    two = "<<<<<<< a\n1\n=======\n2\n>>>>>>> b\nmid\n<<<<<<< a\n3\n=======\n4\n>>>>>>> b\n"
    assert F._split_git_conflict(two) == ("1\nmid\n3\n", "2\nmid\n4\n")
    assert F._split_git_conflict("<<<<<<< a\n1\n=======  \n2\n>>>>>>> b\n") == (
        "1\n=======  \n2\n>>>>>>> b\n",
        "",
    )
    assert F._split_git_conflict("<<<<<<< a\n1\n=======X\n2\n>>>>>>> b\n") == (
        "1\n=======X\n2\n>>>>>>> b\n",
        "",
    )


# ---- reading one file --------------------------------------------------------------------


def load(path, allow=False):
    errs = []
    return F._load(path, "kind/x.json", errs, allow), [(r, c, rendered(m)) for r, c, m in errs]


def test_a_record_file_is_read_as_one_json_object(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}')
    assert load(path) == ({"a": 1}, [])
    path.write_text('{"a": 1,\n')
    assert load(path) == (
        None,
        [
            (
                "kind/x.json",
                None,
                "not valid JSON (Expecting property name enclosed in double quotes at line 2); "
                "is the file truncated?",
            )
        ],
    )
    path.write_text("[1]")
    assert load(path) == (None, [("kind/x.json", None, "must hold one JSON object")])
    path.write_text("[" * 100_000)
    assert load(path) == (
        None,
        [("kind/x.json", None, "nested too deeply to be a reformctl record")],
    )
    path.write_bytes(b'{"a": "\xff"}')
    assert load(path) == (None, [("kind/x.json", None, "not UTF-8 text")])


def test_a_link_or_a_folder_is_no_record_file(tmp_path):
    says = [("kind/x.json", None, "is a link or not a regular file; a bundle holds plain files")]
    (tmp_path / "target").write_text("{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "target")
    assert load(tmp_path / "link.json") == (None, says)
    (tmp_path / "dir.json").mkdir()
    assert load(tmp_path / "dir.json") == (None, says)
    assert load(tmp_path / "nowhere.json") == (None, says)


def test_no_record_file_is_bigger_than_25_mb(tmp_path, monkeypatch):
    assert F.MAX_FILE_BYTES == 25_000_000
    path = tmp_path / "x.json"
    path.write_text('{"a": "' + "x" * 91 + '"}')  # 100 bytes
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 100)
    assert load(path) == ({"a": "x" * 91}, [])
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 99)
    assert load(path) == (
        None,
        [("kind/x.json", None, "is larger than 0 MB; no record is that big")],
    )
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 2_000_000)
    path.write_bytes(b" " * 2_000_001)
    assert load(path) == (
        None,
        [("kind/x.json", None, "is larger than 2 MB; no record is that big")],
    )


def test_conflict_markers_are_refused_unless_a_merge_reads_them(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(conflicted('{"a": 1}\n', '{"a": 2}\n'))
    assert load(path) == (
        None,
        [
            (
                "kind/x.json",
                None,
                "has git conflict markers; bring it in with `merge()`, which turns them into "
                "conflicts to resolve",
            )
        ],
    )
    assert load(path, allow=True) == (({"a": 1}, {"a": 2}), [])
    path.write_text(conflicted('{"a": 1}\n', '{"a": \n'))
    assert load(path, allow=True) == (
        None,
        [
            (
                "kind/x.json",
                None,
                "git conflict markers around something that is not a whole record "
                "(Expecting value: line 2 column 1 (char 7))",
            )
        ],
    )
    path.write_text(conflicted("[" * 100_000 + "\n", '{"a": 2}\n'))
    assert load(path, allow=True) == (
        None,
        [("kind/x.json", None, "nested too deeply to be a reformctl record")],
    )


def test_a_problem_is_named_by_file_and_field():
    problems = F.BundleErrors(
        "dir", [("a.json", "title", "missing"), (None, None, "x"), ("b.json", None, "y")]
    )
    assert problems.lines() == [
        "dir, a.json, field title: missing",
        "dir: x",
        "dir, b.json: y",
        "dir: 3 errors; nothing was changed",
    ]


# ---- reading a bundle --------------------------------------------------------------------


def test_a_bundle_reads_back_as_the_records_it_was_written_from(store, records, bundle):
    got = F.read_bundle(store, bundle)
    assert got.engagement == records.engagement
    assert got.kinds == records.kinds
    assert got.git_conflicts == {}
    assert F.check_bundle(bundle).kinds == records.kinds


def test_no_bundle_directory_or_no_head(store, tmp_path):
    with pytest.raises(Invalid) as caught:
        F.read_bundle(store, tmp_path / "nowhere")
    assert message(caught.value) == f"{tmp_path / 'nowhere'}: no such bundle directory"
    (tmp_path / "file").write_text("x")
    with pytest.raises(Invalid) as caught:
        F.read_bundle(store, tmp_path / "file")
    assert message(caught.value) == f"{tmp_path / 'file'}: no such bundle directory"
    (tmp_path / "empty" / "bundle.json").mkdir(parents=True)
    with pytest.raises(Invalid) as caught:
        F.read_bundle(store, tmp_path / "empty")
    assert message(caught.value) == (
        f"{tmp_path / 'empty'} is not a reformctl bundle (no bundle.json); write one with "
        "`reformctl export --site SLUG --bundle DIR`"
    )


@pytest.mark.parametrize(
    ("head", "says"),
    [
        ('{"format": "reformctl-bundle", "version": 2}', "not a version 1 reformctl-bundle"),
        ('{"format": "other", "version": 1}', "not a version 1 reformctl-bundle"),
        ('{"version": 1}', "not a version 1 reformctl-bundle"),
    ],
)
def test_a_head_of_another_format_or_version(store, bundle, head, says):
    (bundle / "bundle.json").write_text(head)
    assert errors(store, bundle) == [("bundle.json", "format", says)]


def test_a_head_that_is_no_record_or_has_conflict_markers(store, bundle):
    (bundle / "bundle.json").write_text("[]")
    assert errors(store, bundle) == [("bundle.json", None, "must hold one JSON object")]
    (bundle / "bundle.json").write_text(conflicted("{}\n", "{}\n"))
    # never read with a merge's leave: a head has one version
    assert errors(store, bundle, allow_conflicts=True) == [
        (
            "bundle.json",
            None,
            "has git conflict markers; bring it in with `merge()`, which turns them into "
            "conflicts to resolve",
        )
    ]


def test_a_head_that_is_a_link_is_not_read(store, bundle, tmp_path):
    shutil.move(bundle / "bundle.json", tmp_path / "elsewhere.json")
    (bundle / "bundle.json").symlink_to(tmp_path / "elsewhere.json")
    assert errors(store, bundle) == [
        ("bundle.json", None, "is a link or not a regular file; a bundle holds plain files")
    ]
    (bundle / "engagement.json").unlink()
    (bundle / "engagement.json").symlink_to(tmp_path / "elsewhere.json")
    (bundle / "bundle.json").unlink()
    shutil.copy(tmp_path / "elsewhere.json", bundle / "bundle.json")
    assert errors(store, bundle) == [
        ("engagement.json", None, "is a link or not a regular file; a bundle holds plain files"),
        ("engagement.json", None, "missing or unreadable"),
    ]


def test_an_engagement_missing_unreadable_or_not_the_heads(store, bundle):
    path = bundle / "engagement.json"
    engagement = json.loads(path.read_text())
    path.write_text("[]")
    assert errors(store, bundle) == [
        ("engagement.json", None, "must hold one JSON object"),
        ("engagement.json", None, "missing or unreadable"),
    ]
    path.unlink()
    path.mkdir()
    assert errors(store, bundle) == [("engagement.json", None, "missing or unreadable")]
    path.rmdir()
    path.write_text(conflicted(dumps(engagement), dumps(engagement)))
    assert errors(store, bundle, allow_conflicts=True) == [
        (
            "engagement.json",
            None,
            "has git conflict markers; bring it in with `merge()`, which turns them into "
            "conflicts to resolve",
        ),
        ("engagement.json", None, "missing or unreadable"),
    ]
    for field, value in (("id", MISSING), ("site", "other-site")):
        path.write_text(dumps({**engagement, field: value}))
        assert errors(store, bundle) == [("engagement.json", "id", "does not match bundle.json")]


def test_an_engagement_with_a_missing_unknown_or_bad_field(store, bundle):
    path = bundle / "engagement.json"
    engagement = json.loads(path.read_text())
    del engagement["agency"], engagement["city"]
    path.write_text(dumps({**engagement, "colour": "red", "aaa": 1, "phase": "done"}))
    assert errors(store, bundle) == [
        ("engagement.json", "agency", "missing"),
        ("engagement.json", "city", "missing"),
        ("engagement.json", "aaa", "unknown field"),
        ("engagement.json", "colour", "unknown field"),
    ]
    del engagement["phase"]
    path.write_text(dumps({**engagement, "agency": "A", "city": None, "phase": "done"}))
    assert errors(store, bundle) == [
        (
            "engagement.json",
            "phase",
            "'done' is unknown; expected one of planning, assessment, implementation, closed",
        )
    ]


def test_a_folder_of_an_unknown_kind_is_refused_a_hidden_one_or_a_file_is_not(store, bundle):
    (bundle / "secrets").mkdir()
    (bundle / "zz").mkdir()
    (bundle / ".git").mkdir()
    (bundle / "README").write_text("notes")
    known = ", ".join(sorted(k.name for k in KINDS))
    says = f"unknown kind of record; a bundle holds {known}"
    assert errors(store, bundle) == [("secrets/", None, says), ("zz/", None, says)]


def test_a_kind_folder_that_is_a_link_is_not_read(store, bundle, tmp_path):
    shutil.move(bundle / "notes", tmp_path / "notes")
    (bundle / "notes").symlink_to(tmp_path / "notes", target_is_directory=True)
    assert errors(store, bundle) == [("notes/", None, "is a link; a bundle holds plain folders")]


def test_a_kind_folder_missing_is_no_record_of_that_kind(store, records, bundle):
    shutil.rmtree(bundle / "resolutions")
    got = F.read_bundle(store, bundle)
    assert got.kinds["resolutions"] == {}
    assert {k: v for k, v in got.kinds.items() if k != "resolutions"} == {
        k: v for k, v in records.kinds.items() if k != "resolutions"
    }


def test_only_json_files_are_records(store, records, bundle):
    (bundle / "notes" / "README.txt").write_text("x")
    assert F.read_bundle(store, bundle).kinds == records.kinds


def test_a_record_with_a_missing_unknown_or_bad_field(store, bundle):
    path = first(bundle, "findings")
    record = json.loads(path.read_text())
    del record["title"]
    path.write_text(dumps({**record, "colour": "red"}))
    relative = f"findings/{path.name}"
    assert errors(store, bundle) == [
        (relative, "title", "missing"),
        (relative, "colour", "unknown field"),
    ]
    path.write_text(dumps({**record, "title": "ok", "number": 0, "internal": 2}))
    assert errors(store, bundle) == [
        (relative, "internal", "must be 0 or 1, got 2"),
        (relative, "number", "must be a whole number from 1 to 999999, got 0"),
    ]
    # every record with a bad value is named, not only the first
    second = sorted((bundle / "findings").glob("*.json"))[1]
    edit(second, internal=3)
    path.write_text(dumps({**record, "title": "ok", "number": 0}))
    assert errors(store, bundle) == [
        (relative, "number", "must be a whole number from 1 to 999999, got 0"),
        (f"findings/{second.name}", "internal", "must be 0 or 1, got 3"),
    ]
    edit(second, internal=0)
    # an id that is no id is named by its value, not compared with the file's name
    path.write_text(dumps({**record, "title": "ok", "id": "../x"}))
    assert errors(store, bundle) == [(relative, "id", "'../x' is not an id")]


def test_a_folded_list_is_a_field_of_its_kind_only(store, bundle):
    path = first(bundle, "activities")
    record = json.loads(path.read_text())
    del record["team"]
    path.write_text(dumps(record))
    assert errors(store, bundle) == [(f"activities/{path.name}", "team", "missing")]
    path = first(bundle, "findings")
    edit(path, team=[])
    assert errors(store, bundle)[-1] == (f"findings/{path.name}", "team", "unknown field")


def test_a_file_named_for_another_record_is_refused(store, bundle):
    path = first(bundle, "findings")
    copy_ = path.with_name(f"{MISSING}.json")
    shutil.copy(path, copy_)
    assert errors(store, bundle) == [
        (f"findings/{MISSING}.json", "id", f"the file is named for {MISSING} but holds {path.stem}")
    ]


def test_records_are_checked_together_only_once_each_is_sound(store, bundle):
    rec = first(bundle, "recommendations")
    edit(rec, finding_id=MISSING)
    relative = f"recommendations/{rec.name}"
    says = f"refers to finding {MISSING} which is not in the bundle"
    assert errors(store, bundle) == [(relative, "finding_id", says)]
    finding = first(bundle, "findings")
    edit(finding, number=0)
    assert errors(store, bundle) == [
        (f"findings/{finding.name}", "number", "must be a whole number from 1 to 999999, got 0")
    ]


def test_every_unreadable_or_incomplete_record_file_is_named(store, bundle):
    paths = sorted((bundle / "review_history").glob("*.json"))[:4]
    names = [f"review_history/{p.name}" for p in paths]
    paths[0].write_text('{"a": 1,\n')
    paths[1].write_text("[]")
    for path in paths[2:]:
        record = json.loads(path.read_text())
        del record["comment"]
        path.write_text(dumps(record))
    assert errors(store, bundle) == [
        (
            names[0],
            None,
            "not valid JSON (Expecting property name enclosed in double quotes at line 2); "
            "is the file truncated?",
        ),
        (names[1], None, "must hold one JSON object"),
        (names[2], "comment", "missing"),
        (names[3], "comment", "missing"),
    ]


def test_a_bundle_read_for_an_import_refuses_conflict_markers(store, bundle):
    path = first(bundle, "notes")
    path.write_text(conflicted(path.read_text(), path.read_text()))
    with pytest.raises(F.BundleErrors) as caught:
        F.read_bundle(store, bundle)
    assert [(r, c, rendered(m)) for r, c, m in caught.value.errors] == [
        (
            f"notes/{path.name}",
            None,
            "has git conflict markers; bring it in with `merge()`, which turns them into "
            "conflicts to resolve",
        )
    ]


def test_checking_a_bundle_writes_no_store(bundle, isolated):
    before = sorted(os.listdir(isolated))
    F.check_bundle(bundle)
    assert sorted(os.listdir(isolated)) == before


def _twin(bundle, kind):
    """A second record of KIND with the number of the first, under the same parent."""
    path = first(bundle, kind)
    record = json.loads(path.read_text())
    twin = "ffffffff" + record["id"][8:]
    path.with_name(f"{twin}.json").write_text(dumps({**record, "id": twin}))
    return path, twin


def test_a_merge_reads_their_side_of_conflicts_and_leaves_duplicate_numbers_to_renumbering(
    store, records, bundle
):
    path = first(bundle, "findings")
    mine = path.read_text()
    theirs = {**json.loads(mine), "title": "Theirs"}
    path.write_text(conflicted(mine, dumps(theirs)))
    got = F.read_bundle(store, bundle, allow_conflicts=True)
    assert got.kinds["findings"][path.stem] == theirs
    assert got.git_conflicts == {("findings", path.stem): (json.loads(mine), theirs)}
    # a finding and its copy under one number: refused on import, read by a merge
    path.write_text(mine)
    _, twin = _twin(bundle, "findings")
    number = json.loads(mine)["number"]
    assert errors(store, bundle) == [
        (f"findings/{twin}.json", "number", f"{number!r} is also taken by findings/{path.name}")
    ]
    assert twin in F.read_bundle(store, bundle, allow_conflicts=True).kinds["findings"]


# ---- export and import -------------------------------------------------------------------


def test_export_writes_the_bundle_and_remembers_what_it_wrote(tmp_path, built):
    with pytest.MonkeyPatch.context() as mp:
        store = build(tmp_path / "own.db", mp)
    target = tmp_path / "out"
    done = F.export_bundle(store, SITE, target)
    records = store_records(store, get_engagement(store, SITE))
    assert done == {
        "site": SITE,
        "path": str(target),
        "files": len(tree(target)),
        "counts": records.count(),
    }
    assert tree(target) == tree(built[2]) or len(tree(target)) == len(tree(built[2]))
    eid = records.engagement["id"]
    exported = {
        r["record_id"]: (r["base"], r["exported"])
        for r in store.rows("SELECT * FROM sync_base WHERE engagement_id = ?", (eid,))
    }
    assert exported[eid] == (dumps(records.engagement), dumps(records.engagement))
    assert len(exported) == 1 + sum(len(k) for k in records.kinds.values())
    # A change made here since: the file it wrote last time is known, and stays the base
    path = first(target, "findings")
    old = path.read_text()
    store.execute("UPDATE findings SET title = 'Changed here' WHERE id = ?", (path.stem,))
    F.export_bundle(store, SITE, target)
    assert json.loads(path.read_text())["title"] == "Changed here"
    assert store.row("SELECT base, exported FROM sync_base WHERE record_id = ?", (path.stem,)) == {
        "base": old,
        "exported": path.read_text(),
    }
    records = store_records(store, get_engagement(store, SITE))
    # What it wrote is known: a colleague's change to it since is not
    path = first(target, "findings")
    edit(path, title="Theirs")
    with pytest.raises(Refused):
        F.export_bundle(store, SITE, target)
    # a held record a person kept out may stay in the bundle
    stranger = target / "approved_versions" / f"{MISSING}.json"
    path.write_text(dumps(records.kinds["findings"][path.stem]))
    stranger.write_text("{}")
    with pytest.raises(Refused):
        F.export_bundle(store, SITE, target)
    store.execute(
        "INSERT INTO merge_conflicts (id, engagement_id, record_type, record_id, field, source, "
        "created_at, created_by, resolution) VALUES ('k', ?, 'x', 'y', ?, 's', 't', 'ann', 'ours')",
        (eid, f"approved_versions:{MISSING}"),
    )
    F.export_bundle(store, SITE, target)
    store.close()


def test_import_loads_a_new_engagement_and_remembers_it_as_agreed(store, records, bundle):
    fresh = open_store(":memory:")
    assert F.import_bundle(fresh, bundle, "zed", dry_run=True) == {
        "site": SITE,
        "dry_run": True,
        "counts": records.count(),
    }
    assert fresh.value("SELECT COUNT(*) FROM engagements") == 0
    assert fresh.value("SELECT COUNT(*) FROM sync_base") == 0
    assert F.import_bundle(fresh, bundle, "zed") == {
        "site": SITE,
        "dry_run": False,
        "counts": records.count(),
    }
    again = store_records(fresh, get_engagement(fresh, SITE))
    assert again.kinds == records.kinds and again.engagement == records.engagement
    eid = records.engagement["id"]
    assert fresh.row("SELECT base, exported FROM sync_base WHERE record_id = ?", (eid,)) == {
        "base": dumps(records.engagement),
        "exported": dumps(records.engagement),
    }
    assert fresh.value("SELECT actor FROM events WHERE record_type = 'findings' LIMIT 1") == "zed"
    with pytest.raises(Refused) as caught:
        F.import_bundle(fresh, bundle, "zed")
    assert message(caught.value) == (
        f"the store already has {SITE}; bring a colleague's bundle in with "
        f"`reformctl merge --site {SITE} {bundle}`"
    )
    fresh.close()


@pytest.mark.parametrize("clash", ["id", "site"])
def test_import_refuses_an_engagement_the_store_has_by_id_or_by_site(store, records, bundle, clash):
    fresh = open_store(":memory:")
    other = {**records.engagement, "id": MISSING, "site": "other-site"}
    other[clash] = records.engagement[clash]
    with fresh.write():
        fresh.insert("engagements", other)
    with pytest.raises(Refused) as caught:
        F.import_bundle(fresh, bundle, "zed")
    shown = other["site"]
    assert message(caught.value) == (
        f"the store already has {shown}; bring a colleague's bundle in with "
        f"`reformctl merge --site {shown} {bundle}`"
    )
    assert fresh.value("SELECT COUNT(*) FROM findings") == 0
    fresh.close()
