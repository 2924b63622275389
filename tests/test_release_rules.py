"""publishing/releases.py, called directly on a store built once per module (tests/release_store.py):
what publish writes (every file, its hash, the manifest byte for byte), what it records (the
release row and its frozen snapshot, the manifest's hash, the public records it held, the
published bytes, the audit event), each refusal word for word with nothing written, and verify's
whole answer for each kind of tampering. The binary formats are rendered as stand-in bytes
(release_store.fast_render): no rule here depends on their layout. test_releases.py and
test_trust_releases.py show the same rules through the CLI with every real format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import TODAY, dump
from reformctl.cli.errors import CLI
from reformctl.errors import Invalid, NotFound, Refused
from reformctl.model.confidential import protect
from reformctl.model.sites import get_engagement
from reformctl.publishing import releases
from reformctl.publishing.check import check
from reformctl.publishing.digests import sha256
from reformctl.reports.build import build_report
from reformctl.store import open_store
from reformctl.store.paths import STAGING_PREFIX
from release_store import AS_OF, FORMATS, PUBLISHED_AT, SITE, fast_render, make_template

CHECK = {"errors": 0, "warnings": 5}  # the template's check as of AS_OF: warnings only


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_template(tmp_path_factory.mktemp("releases"))


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(releases, "render", fast_render)
    monkeypatch.setattr(releases, "now", lambda: PUBLISHED_AT)


@pytest.fixture
def store(template, isolated, fast):
    shutil.copyfile(template, isolated / "store.db")
    store = open_store(isolated / "store.db")
    yield store
    store.close()


@pytest.fixture(scope="module")
def published(template, tmp_path_factory):
    """North Miami's release 1 as of AS_OF, by ann, in a store of its own: (store path, folder)."""
    folder = tmp_path_factory.mktemp("published")
    shutil.copyfile(template, folder / "store.db")
    store = open_store(folder / "store.db")
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("REFORMCTL_TODAY", TODAY)
            mp.setattr(releases, "render", fast_render)
            mp.setattr(releases, "now", lambda: PUBLISHED_AT)
            releases.publish(store, SITE, folder / "r1", "ann", as_of=AS_OF)
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return folder / "store.db", folder / "r1"


@pytest.fixture
def release(published, isolated):
    """A copy of release 1's folder and of its store, to tamper with: (store, folder)."""
    db, folder = published
    shutil.copyfile(db, isolated / "published.db")
    shutil.copytree(folder, isolated / "r1")
    store = open_store(isolated / "published.db")
    yield store, isolated / "r1"
    store.close()


def refusal(error, fn, *args, **kwargs) -> tuple[str, str]:
    """The error FN raises, of exactly type ERROR: its library wording and the command line's."""
    with pytest.raises(error) as caught:
        fn(*args, **kwargs)
    assert type(caught.value) is error
    return str(caught.value), caught.value.render(CLI)


def names(number: int) -> list[str]:
    return sorted(f"{SITE}-release-{number}.{ext}" for ext in FORMATS.values())


def expected_files(report: dict, number: int, kind: str) -> dict[str, bytes]:
    """The bytes each file of release NUMBER holds: REPORT rendered with its release."""
    report = {**report, "release": {"number": number, "kind": kind}}
    files = {}
    for fmt, ext in FORMATS.items():
        content = fast_render(report, fmt)
        files[f"{SITE}-release-{number}.{ext}"] = (
            content.encode() if isinstance(content, str) else content
        )
    return files


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()


# ---- release_number, public_text, manifest_problems, check_release ------------------------------


@pytest.mark.parametrize("value", [1, 2, 2**63 - 1])
def test_a_release_number_is_a_positive_whole_number_sqlite_can_hold(value):
    assert releases.release_number(value) == value


@pytest.mark.parametrize("value", [0, -1, 2**63, True, False, 1.0, "1", None])
def test_anything_else_is_not_a_release_number(value):
    said = refusal(Invalid, releases.release_number, value)
    line = f"release number {value!r} is not a positive whole number (1, 2, ...)"
    assert said == (line, line)


def test_public_text_is_the_public_reports_scrub(store):
    e = get_engagement(store, SITE)
    value = {"a": "Met Jane Roe [[at home]] today.", "b": ["jane  roe", None, 3], "c": None}
    assert releases.public_text(store, e, value) == {
        "a": "Met [withheld] today.",
        "b": ["[withheld]", None, 3],
        "c": None,
    }
    assert releases.public_text(store, get_engagement(store, "miami"), "Jane Roe") == "Jane Roe"


def test_manifest_problems_name_each_protected_name_and_marker_of_each_string(store):
    e = get_engagement(store, SITE)
    protect(store, e, "Officer Example", "ann")
    strings = {
        "published_by": "Jane Roe and officer  example",
        "override reason": "Cleared [[by counsel]]",
        "agency": "North Miami Police Department",
        "empty": "",
        "none": None,
        "opening": "only [[ here",
        "closing": "only ]] here",
    }
    marker = (
        "the manifest {} holds a [[...]] marker; manifest.json is public, so say it without the "
        "confidential part"
    )
    assert releases.manifest_problems(store, e, strings) == [
        {
            "level": "error",
            "code": "protected-name",
            "where": "manifest published_by",
            "message": "protected name 'Jane Roe' appears in the manifest published_by",
        },
        {
            "level": "error",
            "code": "protected-name",
            "where": "manifest published_by",
            "message": "protected name 'Officer Example' appears in the manifest published_by",
        },
        {
            "level": "error",
            "code": "redaction-in-manifest",
            "where": "manifest override reason",
            "message": marker.format("override reason"),
        },
        {
            "level": "error",
            "code": "redaction-in-manifest",
            "where": "manifest opening",
            "message": marker.format("opening"),
        },
        {
            "level": "error",
            "code": "redaction-in-manifest",
            "where": "manifest closing",
            "message": marker.format("closing"),
        },
    ]
    # Another engagement protects none of these names.
    miami = get_engagement(store, "miami")
    assert releases.manifest_problems(store, miami, {"published_by": "Jane Roe"}) == []


def test_check_release_is_the_check_with_no_actor_or_a_harmless_one(store):
    expected = check(store, SITE, AS_OF)
    assert expected["errors"] == 0 and expected["warnings"] == 5
    assert releases.check_release(store, SITE, AS_OF, None) == expected
    assert releases.check_release(store, SITE, AS_OF, "") == expected
    assert releases.check_release(store, SITE, AS_OF, "ann") == expected


def test_check_release_adds_the_actors_problems_errors_first(store):
    base = check(store, SITE, AS_OF)
    got = releases.check_release(store, SITE, AS_OF, "Jane Roe [[x]]")
    extra = [
        {
            "level": "error",
            "code": "protected-name",
            "where": "manifest published_by",
            "message": "protected name 'Jane Roe' appears in the manifest published_by",
        },
        {
            "level": "error",
            "code": "redaction-in-manifest",
            "where": "manifest published_by",
            "message": "the manifest published_by holds a [[...]] marker; manifest.json is "
            "public, so say it without the confidential part",
        },
    ]
    assert got == {**base, "errors": 2, "warnings": 5, "problems": extra + base["problems"]}


def test_check_release_sorts_errors_first_then_by_place(store):
    e = get_engagement(store, SITE)
    # An error of the check itself, placed before the manifest's by name: finding 2.2's title.
    protect(store, e, "Public finding", "ann")
    got = releases.check_release(store, SITE, AS_OF, "Jane Roe")
    assert [(p["level"], p["where"]) for p in got["problems"]] == [
        ("error", "finding 2.2 title"),
        ("error", "manifest published_by"),
        ("warning", "finding 1.2"),
        # its one recommendation is internal: published with none
        ("warning", "finding 2.2"),
        ("warning", "focus area 3"),
        ("warning", "focus area 4"),
        # not 2.1.1 (under an internal finding), 2.2.1 (internal), 3.1.1 (a draft finding):
        # the report leaves them out, so their missing owner is nobody's business
        ("warning", "recommendation 1.1.3"),
    ]
    assert (got["errors"], got["warnings"]) == (2, 5)


# ---- publish: what it writes and records ----------------------------------------------------------


def release_row(store, site: str, number: int) -> dict:
    return store.row(
        "SELECT rel.* FROM releases rel JOIN engagements e ON e.id = rel.engagement_id "
        "WHERE e.site = ? AND rel.number = ?",
        (site, number),
    )


def publish_progress(store, out: Path, stages: list) -> tuple[dict, dict, dict[str, bytes], bytes]:
    """Release 1 of north-miami, a progress report as of AS_OF, into OUT: publish's answer, the
    report it froze, each file's expected bytes and the expected manifest.json."""
    report = build_report(store, SITE, AS_OF, "progress")
    got = releases.publish(
        store, SITE, out, "ann", kind="progress", as_of=AS_OF, progress=stages.append
    )
    contents = expected_files(report, 1, "progress")
    files = {name: sha256(data) for name, data in contents.items()}
    manifest = manifest_bytes(
        {
            "site": SITE,
            "agency": "North Miami Police Department",
            "release": 1,
            "kind": "progress",
            "as_of": AS_OF,
            "published_at": PUBLISHED_AT,
            "published_by": "ann",
            "files": files,
            "check": CHECK,
            "override_reason": None,
        }
    )
    return got, report, contents, manifest


def test_publish_writes_every_file_and_the_manifest(store, isolated):
    stages = []
    out = isolated / "out" / "r2"
    got, _, contents, manifest = publish_progress(store, out, stages)
    files = {name: sha256(data) for name, data in contents.items()}
    assert got == {
        "site": SITE,
        "release": 1,
        "kind": "progress",
        "as_of": AS_OF,
        "output": str(out),
        "files": files,
        "check": CHECK,
        "override_reason": None,
    }
    assert stages == [
        f"Writing release 1 of {SITE}: {ext}"
        for ext in ("md", "html", "json", "csv", "xlsx", "docx", "pdf")
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted([*files, "manifest.json"])
    assert {name: (out / name).read_bytes() for name in files} == contents
    assert sorted(p.name for p in out.parent.iterdir()) == ["r2"]  # no staging left
    assert (out / "manifest.json").read_bytes() == manifest


def test_publish_records_the_release_its_manifest_hash_the_bytes_and_the_event(store, isolated):
    e = get_engagement(store, SITE)
    out = isolated / "r"
    _, report, contents, manifest = publish_progress(store, out, [])
    files = {name: sha256(data) for name, data in contents.items()}
    row = release_row(store, SITE, 1)
    snapshot = {**report, "release": {"number": 1, "kind": "progress"}}
    assert row == {
        "id": row["id"],
        "engagement_id": e["id"],
        "number": 1,
        "kind": "progress",
        "as_of": AS_OF,
        "published_at": PUBLISHED_AT,
        "published_by": "ann",
        "output_dir": str(out.resolve()),
        "files": json.dumps(files, sort_keys=True),
        "snapshot": json.dumps(snapshot, sort_keys=True, ensure_ascii=False),
        "override_reason": None,
    }
    assert "Café" in row["snapshot"]
    rid = row["id"]
    assert store.rows("SELECT * FROM release_manifests WHERE release_id = ?", (rid,)) == [
        {"release_id": rid, "sha256": sha256(manifest)}
    ]
    kept = {r["sha256"]: r["data"] for r in store.rows("SELECT * FROM published_files")}
    for data in [*contents.values(), manifest]:
        assert kept[sha256(data)] == data
    event = store.row("SELECT * FROM events ORDER BY id DESC LIMIT 1")
    event["after"] = json.loads(event["after"])
    assert {k: v for k, v in event.items() if k not in ("id", "at")} == {
        "actor": "ann",
        "engagement_id": e["id"],
        "record_type": "release",
        "record_id": rid,
        "ref": "1",
        "action": "publish",
        "before": None,
        "after": {
            "number": 1,
            "kind": "progress",
            "as_of": AS_OF,
            "files": files,
            "override_reason": None,
        },
    }


def test_a_release_holds_the_public_records_as_of_its_date(store, isolated):
    releases.publish(store, SITE, isolated / "r", "ann", as_of=AS_OF)
    rid, eid = release_row(store, SITE, 1)["id"], get_engagement(store, SITE)["id"]
    items = store.rows(
        "SELECT ri.record_type, ri.ref, ri.record_id FROM release_items ri "
        "WHERE ri.release_id = ? ORDER BY ri.ref",
        (rid,),
    )
    ids = {
        **{
            (r["ref"], "finding"): r["id"]
            for r in store.rows(
                "SELECT f.id, fa.number || '.' || f.number AS ref FROM findings f "
                "JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE f.engagement_id = ?",
                (eid,),
            )
        },
        **{
            (r["ref"], "recommendation"): r["id"]
            for r in store.rows(
                "SELECT r.id, fa.number || '.' || f.number || '.' || r.number AS ref "
                "FROM recommendations r JOIN findings f ON f.id = r.finding_id "
                "JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE r.engagement_id = ?",
                (eid,),
            )
        },
    }
    # Not held: 1.1.2 (a draft), 1.1.4 and 4.1 (dated after), 2.1 and 2.1.1 (an internal
    # finding), 2.2.1 (internal), 3.1 and 3.1.1 (a draft finding); nor Miami's 1.1.
    assert items == [
        {"record_type": kind, "ref": ref, "record_id": ids[(ref, kind)]}
        for ref, kind in [
            ("1.1", "finding"),
            ("1.1.1", "recommendation"),
            ("1.1.3", "recommendation"),
            ("1.2", "finding"),
            ("2.2", "finding"),
        ]
    ]


def test_release_numbers_count_per_engagement_and_the_default_date_is_today(store, isolated):
    first = releases.publish(store, SITE, isolated / "a", "ann")
    second = releases.publish(store, SITE, isolated / "b", "ann", as_of=AS_OF)
    assert (first["release"], first["as_of"], first["kind"]) == (1, TODAY, "status-update")
    assert (second["release"], second["as_of"]) == (2, AS_OF)
    assert sorted(second["files"]) == names(2)
    third = releases.publish(store, "miami", isolated / "c", "ann", as_of=AS_OF)
    assert third["release"] == 3  # Miami's 1 and 2 are in the template
    assert [r["number"] for r in releases.list_releases(store, SITE)] == [1, 2]


def test_publish_into_an_empty_folder_and_beside_a_dead_process_staging(store, isolated):
    out = isolated / "empty"
    out.mkdir()
    stale = isolated / f"{STAGING_PREFIX}999999999-x"
    (stale / "half").mkdir(parents=True)
    mine = isolated / f"{STAGING_PREFIX}not-a-pid"
    mine.mkdir()
    releases.publish(store, SITE, out, "ann", as_of=AS_OF)
    assert sorted(p.name for p in out.iterdir()) == sorted([*names(1), "manifest.json"])
    assert sorted(p.name for p in isolated.iterdir() if p.name.startswith(".")) == [mine.name]


def test_list_releases_is_the_teams_list(store, isolated):
    releases.publish(
        store, SITE, isolated / "a", "Jane Roe", as_of=AS_OF, override_reason=" Counsel agreed. "
    )
    releases.publish(store, SITE, isolated / "b", "ann", kind="final", as_of="2024-08-01")
    listed = releases.list_releases(store, SITE)
    assert listed == [
        {
            "number": 1,
            "kind": "status-update",
            "as_of": AS_OF,
            "published_at": PUBLISHED_AT,
            "published_by": "Jane Roe",
            "output_dir": str((isolated / "a").resolve()),
            "files": json.loads(release_row(store, SITE, 1)["files"]),
            "override_reason": "Counsel agreed.",
        },
        {
            "number": 2,
            "kind": "final",
            "as_of": "2024-08-01",
            "published_at": PUBLISHED_AT,
            "published_by": "ann",
            "output_dir": str((isolated / "b").resolve()),
            "files": json.loads(release_row(store, SITE, 2)["files"]),
            "override_reason": None,
        },
    ]
    assert sorted(listed[0]["files"]) == names(1)
    assert [r["number"] for r in releases.list_releases(store, "miami")] == [1, 2]


def test_an_override_publishes_past_errors_with_every_manifest_string_scrubbed(store, isolated):
    store.execute(
        "UPDATE engagements SET agency = 'North Miami [[secret]] Police Department, jane roe' "
        "WHERE site = ?",
        (SITE,),
    )
    out = isolated / "r"
    got = releases.publish(
        store, SITE, out, "Jane Roe", as_of=AS_OF, override_reason="Counsel\r\nagreed."
    )
    assert (got["check"], got["override_reason"]) == (
        {"errors": 2, "warnings": 5},
        "Counsel\nagreed.",
    )
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert manifest == {
        "site": SITE,
        "agency": "North Miami Police Department, [withheld]",
        "release": 1,
        "kind": "status-update",
        "as_of": AS_OF,
        "published_at": PUBLISHED_AT,
        "published_by": "[withheld]",
        "files": got["files"],
        "check": {"errors": 2, "warnings": 5},
        "override_reason": "Counsel\nagreed.",
    }
    row = release_row(store, SITE, 1)
    assert (row["published_by"], row["override_reason"]) == ("Jane Roe", "Counsel\nagreed.")


# ---- publish: refusals, nothing written ----------------------------------------------------------


def refused_publish(store, isolated, error, *args, **kwargs) -> tuple[str, str]:
    """publish's refusal, after proving it wrote nothing: the store, the folder, no staging."""
    before = dump(store.path)
    out = kwargs.pop("output", isolated / "out")
    existed = sorted(p.name for p in isolated.iterdir())
    said = refusal(error, releases.publish, store, SITE, out, *args, **kwargs)
    assert dump(store.path) == before
    assert sorted(p.name for p in isolated.iterdir()) == existed
    return said


def test_publish_refuses_a_closed_engagement(store, isolated):
    store.execute("UPDATE engagements SET phase = 'closed' WHERE site = ?", (SITE,))
    said = refused_publish(store, isolated, Refused, "ann", as_of=AS_OF)
    assert said == (
        f"{SITE} is closed; reopen it first with `reopen()`",
        f"{SITE} is closed; reopen it first with `reformctl reopen --site {SITE} --reason TEXT`",
    )


def test_publish_refuses_an_unknown_kind_and_a_date_in_the_future(store, isolated):
    line = "kind 'weekly' is unknown; choose one of status-update, progress, final, assessment"
    assert refused_publish(store, isolated, Invalid, "ann", kind="weekly") == (line, line)
    said = refused_publish(store, isolated, Invalid, "ann", as_of="2026-11-28")
    assert said == (
        "as_of 2026-11-28 is in the future; today is 2026-11-27",
        "--as-of 2026-11-28 is in the future; today is 2026-11-27",
    )


def test_publish_refuses_errors_without_an_override(store, isolated):
    said = refused_publish(store, isolated, Refused, "Jane Roe", as_of=AS_OF)
    assert said == (
        "the check found 1 error in what would be published; fix them "
        f"(`check(..., as_of='{AS_OF}')`) or publish with `publish(..., override_reason=...)`",
        "the check found 1 error in what would be published; fix them "
        f"(`reformctl check --site {SITE} --as-of {AS_OF}`) or publish with "
        "--override-check --reason TEXT",
    )


@pytest.mark.parametrize(
    "reason, kind, line",
    [
        (
            " \n ",
            Invalid,
            (
                "override_check needs reason saying why the check is overridden",
                "--override-check needs --reason saying why the check is overridden",
            ),
        ),
        ("x" * 2_001, Invalid, "reason is 2001 characters long; keep it to 2000"),
        (
            "Cleared with jane  roe.",
            Refused,
            "protected name 'Jane Roe' appears in the manifest override reason; nothing was published",
        ),
        (
            "Cleared [[by counsel]].",
            Refused,
            "the manifest override reason holds a [[...]] marker; manifest.json is public, so say "
            "it without the confidential part; nothing was published",
        ),
    ],
)
def test_publish_refuses_a_reason_that_is_empty_too_long_or_would_leak(
    store, isolated, reason, kind, line
):
    said = refused_publish(store, isolated, kind, "ann", as_of=AS_OF, override_reason=reason)
    assert said == (line if isinstance(line, tuple) else (line, line))


def test_an_override_reason_of_2000_characters_is_kept(store, isolated):
    reason = "x" * 2_000
    got = releases.publish(store, SITE, isolated / "r", "ann", override_reason=f" {reason}\n")
    assert got["override_reason"] == reason


@pytest.mark.parametrize("where", ["file", "folder", "store", "wal"])
def test_publish_refuses_an_output_that_is_not_a_new_or_empty_folder(store, isolated, where):
    out = isolated / "out"
    if where == "file":
        out.write_text("x")
    elif where == "folder":
        (out / "old").mkdir(parents=True)
    else:
        out = Path(str(store.path) + ("-wal" if where == "wal" else ""))
    said = refused_publish(store, isolated, Refused, "ann", as_of=AS_OF, output=out)
    if where in ("file", "folder"):
        line = f"{out} already exists and is not an empty folder; publish into a new folder"
    else:
        which = store.path if where == "store" else f"the -wal file of {store.path}"
        line = (
            f"cannot write {out}: that is the store itself ({which}); nothing was written; "
            "choose another path"
        )
    assert said == (line, line)


def test_a_failure_while_writing_leaves_no_folder_no_staging_and_no_record(
    store, isolated, monkeypatch
):
    def broken(report, fmt):
        if fmt == "docx":
            raise OSError(28, "No space left on device")
        return fast_render(report, fmt)

    monkeypatch.setattr(releases, "render", broken)
    said = refused_publish(store, isolated, Invalid, "ann", as_of=AS_OF)
    line = f"cannot write {isolated / 'out'}: No space left on device; nothing was written there"
    assert said == (line, line)


def test_the_files_are_written_beside_the_output_and_renamed_into_place(
    store, isolated, monkeypatch
):
    """The staging folder sits in the output's own folder (one file system: the rename is whole),
    and the output's missing parents are made."""
    seen = []

    def watching(report, fmt):
        seen.append(sorted(p.name[: len(STAGING_PREFIX)] for p in (isolated / "a" / "b").iterdir()))
        return fast_render(report, fmt)

    monkeypatch.setattr(releases, "render", watching)
    out = isolated / "a" / "b" / "r"
    releases.publish(store, SITE, out, "ann", as_of=AS_OF)
    assert seen == [[STAGING_PREFIX]] * len(FORMATS)
    assert sorted(p.name for p in out.iterdir()) == sorted([*names(1), "manifest.json"])
    assert [p.name for p in out.parent.iterdir()] == ["r"]


def test_each_format_is_rendered_once(store, isolated, monkeypatch):
    """The PDF, the slowest, is laid out once, beside the others (not again after them)."""
    calls = []

    def counting(report, fmt):
        calls.append(fmt)
        return fast_render(report, fmt)

    monkeypatch.setattr(releases, "render", counting)
    releases.publish(store, SITE, isolated / "r", "ann", as_of=AS_OF)
    assert sorted(calls) == sorted(FORMATS)


def test_an_output_under_a_file_is_told_with_the_users_path(store, isolated):
    (isolated / "afile").write_text("x")
    out = isolated / "afile" / "r"
    said = refused_publish(store, isolated, Invalid, "ann", as_of=AS_OF, output=out)
    line = f"cannot write {out}: File exists; nothing was written there"
    assert said == (line, line)


def test_a_manifest_that_cannot_be_written_is_told_with_the_users_path(
    store, isolated, monkeypatch
):
    monkeypatch.setattr(releases, "MANIFEST", "missing/manifest.json")
    said = refused_publish(store, isolated, Invalid, "ann", as_of=AS_OF)
    line = f"cannot write {isolated / 'out'}: No such file or directory; nothing was written there"
    assert said == (line, line)


def test_a_failing_rename_is_told_with_the_users_path_and_cleaned_up(store, isolated, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(releases.os, "replace", refuse)
    said = refused_publish(store, isolated, Invalid, "ann", as_of=AS_OF)
    line = f"cannot write {isolated / 'out'}: Permission denied; nothing was written there"
    assert said == (line, line)
    (isolated / "empty").mkdir()
    said = refused_publish(store, isolated, Invalid, "ann", as_of=AS_OF, output=isolated / "empty")
    line = f"cannot write {isolated / 'empty'}: Permission denied; nothing was written there"
    assert said == (line, line)
    assert list((isolated / "empty").iterdir()) == []  # the user's empty folder is left as it was


# ---- verify: the whole answer for each kind of tampering -----------------------------------------

R1 = names(1)
MANIFEST_CHANGED = {
    "file": "manifest.json",
    "problem": "differs from the manifest published with this release "
    "(its SHA-256 is not the one the store recorded)",
}


def answer(problems=(), unchecked=(), release=1, site=SITE, files=R1) -> dict:
    return {
        "site": site,
        "release": release,
        "ok": not problems,
        "problems": list(problems),
        "unchecked": list(unchecked),
        "files": files,
    }


def edit_manifest(folder: Path, **changes) -> dict:
    manifest = json.loads((folder / "manifest.json").read_bytes())
    manifest.update(changes)
    (folder / "manifest.json").write_bytes(manifest_bytes(manifest))
    return manifest


def forget_manifest_hash(store) -> None:
    """As a store upgraded from before manifests' hashes were kept: no release_manifests row."""
    store.execute("DROP TRIGGER release_manifests_no_delete")
    store.execute("DELETE FROM release_manifests")


def test_an_untouched_release_verifies(release):
    store, folder = release
    assert releases.verify(store, folder) == answer()
    assert releases.verify(store, str(folder)) == answer()


def test_the_published_manifest_is_the_store_record(published):
    db, folder = published
    store = open_store(db)
    try:
        row = release_row(store, SITE, 1)
        kept = store.value(
            "SELECT sha256 FROM release_manifests WHERE release_id = ?", (row["id"],)
        )
    finally:
        store.close()
    raw = (folder / "manifest.json").read_bytes()
    assert sha256(raw) == kept
    manifest = json.loads(raw)
    assert manifest["files"] == json.loads(row["files"])
    assert {k: manifest[k] for k in ("kind", "as_of", "published_at", "published_by")} == {
        k: row[k] for k in ("kind", "as_of", "published_at", "published_by")
    }


def test_a_changed_byte_a_missing_file_and_extra_files_are_each_named(release):
    store, folder = release
    md, pdf = f"{SITE}-release-1.md", f"{SITE}-release-1.pdf"
    data = bytearray((folder / md).read_bytes())
    data[0] ^= 1
    (folder / md).write_bytes(bytes(data))
    (folder / pdf).unlink()
    (folder / "zz-notes.txt").write_text("added")
    (folder / "aa-folder").mkdir()
    assert releases.verify(store, folder) == answer(
        [
            {"file": md, "problem": "does not match its manifest hash"},
            {"file": pdf, "problem": "missing"},
            {"file": "aa-folder", "problem": "not in the manifest"},
            {"file": "zz-notes.txt", "problem": "not in the manifest"},
        ]
    )


def test_a_folder_in_place_of_a_file_is_missing(release):
    store, folder = release
    csv = f"{SITE}-release-1.csv"
    (folder / csv).unlink()
    (folder / csv).mkdir()
    assert releases.verify(store, folder) == answer([{"file": csv, "problem": "missing"}])


def test_a_changed_manifest_differs_from_the_one_published(release):
    store, folder = release
    edit_manifest(folder, agency="Another Police Department")
    assert releases.verify(store, folder) == answer([MANIFEST_CHANGED])


def test_a_manifest_rewritten_to_match_a_changed_file_differs_from_the_store(release):
    store, folder = release
    md = f"{SITE}-release-1.md"
    (folder / md).write_text("forged\n")
    files = json.loads((folder / "manifest.json").read_bytes())["files"]
    edit_manifest(folder, files={**files, md: sha256(b"forged\n")})
    assert releases.verify(store, folder) == answer(
        [
            MANIFEST_CHANGED,
            {"file": md, "problem": "differs from the store's record of this release"},
        ]
    )


def test_a_file_added_to_or_dropped_from_the_manifest_differs_from_the_store(release):
    store, folder = release
    md, pdf = f"{SITE}-release-1.md", f"{SITE}-release-1.pdf"
    files = json.loads((folder / "manifest.json").read_bytes())["files"]
    (folder / "extra.txt").write_text("x")
    files["extra.txt"] = sha256(b"x")
    del files[pdf]
    (folder / pdf).unlink()
    edit_manifest(folder, files=files)
    differs = "differs from the store's record of this release"
    assert releases.verify(store, folder) == answer(
        [
            MANIFEST_CHANGED,
            {"file": "extra.txt", "problem": differs},
            {"file": pdf, "problem": differs},
        ],
        files=sorted([*set(R1) - {pdf}, "extra.txt"]),
    )
    assert md in files


@pytest.mark.parametrize(
    "key, value",
    [
        ("kind", "final"),
        ("as_of", "2024-07-02"),
        ("published_at", "2026-11-27T10:00:00.000001+00:00"),
    ],
)
def test_each_detail_the_store_keeps_is_compared(release, key, value):
    store, folder = release
    edit_manifest(folder, **{key: value})
    own = {
        "file": "manifest.json",
        "problem": f"its {key} differs from the store's record of this release",
    }
    assert releases.verify(store, folder) == answer([MANIFEST_CHANGED, own])
    forget_manifest_hash(store)
    assert releases.verify(store, folder)["problems"] == [own]


UNCHECKED_WHOLE = (
    "manifest.json as a whole: release 1 was published before reformctl kept each manifest's "
    "hash, so only its files, kind, dates, names and reason were compared"
)


def test_without_a_kept_hash_the_names_and_reason_are_compared_and_the_rest_is_told(release):
    store, folder = release
    forget_manifest_hash(store)
    assert releases.verify(store, folder) == answer(unchecked=[UNCHECKED_WHOLE])
    edit_manifest(folder, published_by="bob", override_reason="Because.", agency="Elsewhere")
    assert releases.verify(store, folder) == answer(
        [
            {
                "file": "manifest.json",
                "problem": f"its {key} differs from the store's record of this release",
            }
            for key in ("published_by", "override_reason")
        ],
        unchecked=[UNCHECKED_WHOLE],
    )


def test_with_a_kept_hash_a_scrubbed_name_is_not_compared(release):
    store, folder = release
    # As an override publishes a protected actor: the record keeps the name, the manifest withholds it.
    triggers = [
        r["name"]
        for r in store.rows(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'releases'"
        )
    ]
    for name in triggers:
        store.execute(f"DROP TRIGGER {name}")
    store.execute("UPDATE releases SET published_by = 'Jane Roe', override_reason = 'Why.'")
    assert releases.verify(store, folder) == answer()


def test_a_release_the_store_does_not_know(release):
    store, folder = release
    edit_manifest(folder, release=9)
    assert releases.verify(store, folder) == answer(
        [{"file": "manifest.json", "problem": f"the store has no release 9 of {SITE}"}], release=9
    )
    edit_manifest(folder, release=1, site="harbor-vale")
    assert releases.verify(store, folder) == answer(
        [{"file": "manifest.json", "problem": "the store has no release 1 of harbor-vale"}],
        site="harbor-vale",
    )


def test_a_release_is_compared_with_its_own_engagements_record(release, published):
    store, folder = release
    # Miami's release 1 in the same store: same number, other files, kind and dates alike.
    edit_manifest(folder, site="miami")
    differs = "differs from the store's record of this release"
    miami = sorted(f"miami-release-1.{ext}" for ext in FORMATS.values())
    assert releases.verify(store, folder) == answer(
        [MANIFEST_CHANGED] + [{"file": name, "problem": differs} for name in sorted([*miami, *R1])],
        site="miami",
    )


def test_without_a_store_the_files_are_checked_and_the_rest_is_told(release):
    _, folder = release
    told = (
        "manifest.json against the store's record of the release ({}): an edited manifest with "
        "matching file hashes would not be noticed"
    )
    assert releases.verify(None, folder) == answer(unchecked=[told.format("no store was found")])
    (folder / f"{SITE}-release-1.md").write_text("forged\n")
    edit_manifest(folder, kind="final")
    assert releases.verify(None, folder, "no store at /x.db") == answer(
        [{"file": f"{SITE}-release-1.md", "problem": "does not match its manifest hash"}],
        unchecked=[told.format("no store at /x.db")],
    )


def test_a_folder_without_a_manifest(release, isolated):
    store, folder = release
    (folder / "manifest.json").unlink()
    line = f"{folder} has no manifest.json; is it a folder written by {{}}?"
    assert refusal(NotFound, releases.verify, store, folder) == (
        line.format("`publish()`"),
        line.format("`reformctl publish`"),
    )
    (folder / "manifest.json").mkdir()
    assert refusal(NotFound, releases.verify, None, folder)[0] == line.format("`publish()`")


NOT_MANIFESTS = {
    "not JSON": b"{",
    "not UTF-8": b'{"site": "\xff"}',
    "a list": b"[]",
    "no files": json.dumps({"site": SITE, "release": 1}).encode(),
    "no site": json.dumps({"files": {}, "release": 1}).encode(),
    "no release": json.dumps({"files": {}, "site": SITE}).encode(),
    "files a list": json.dumps({"files": [], "site": SITE, "release": 1}).encode(),
    "a hash not text": json.dumps({"files": {"a": 1}, "site": SITE, "release": 1}).encode(),
    "site not text": json.dumps({"files": {}, "site": 1, "release": 1}).encode(),
    **{
        f"release {value!r}": json.dumps({"files": {}, "site": SITE, "release": value}).encode()
        for value in (0, -1, 2**63, "1", True, None, 1.0)
    },
    **{
        f"file {name!r}": json.dumps({"files": {name: "0"}, "site": SITE, "release": 1}).encode()
        for name in ("a/b", "a\\b", "", ".", "..", "/etc/passwd")
    },
}


@pytest.mark.parametrize("raw", NOT_MANIFESTS.values(), ids=NOT_MANIFESTS)
def test_a_manifest_that_is_not_one(release, raw):
    store, folder = release
    (folder / "manifest.json").write_bytes(raw)
    line = f"{folder / 'manifest.json'} is not a reformctl release manifest"
    assert refusal(Invalid, releases.verify, store, folder) == (line, line)


def test_the_plainest_manifest_is_read(release, isolated):
    store, _ = release
    folder = isolated / "plain"
    folder.mkdir()
    (folder / "a..b").write_bytes(b"x")
    raw = json.dumps({"files": {"a..b": sha256(b"x")}, "site": "nowhere", "release": 2**63 - 1})
    (folder / "manifest.json").write_text(raw)
    assert releases.verify(None, folder)["problems"] == []
    assert releases.verify(store, folder) == answer(
        [{"file": "manifest.json", "problem": f"the store has no release {2**63 - 1} of nowhere"}],
        site="nowhere",
        release=2**63 - 1,
        files=["a..b"],
    )
