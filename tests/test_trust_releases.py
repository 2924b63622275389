"""Releases and file writers under attack: the manifest is public text, verify checks the manifest
itself, release numbers are checked, no writer touches the store, a read-only store can be read,
a killed publish leaves nothing behind, and errors name the path the user gave."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import approve, dump, retention_finding
from reformctl.publishing.releases import MANIFEST_FIELDS
from reformctl.store.paths import STAGING_PREFIX

SITE = ("--site", "north-miami")
CANARY = "CANARY-7Q"


@pytest.fixture
def ready(north_miami):
    retention_finding(north_miami)
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    return north_miami


def one_error_line(result, code=(1,)) -> str:
    assert result.exit_code in code, (
        f"exit {result.exit_code}: {result.stderr} {result.exception!r}"
    )
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


def sound(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


# ---- 1. every string of manifest.json is public text ---------------------------------------------


def test_the_manifest_holds_only_allowed_fields_with_every_string_scrubbed(ready, isolated):
    ready.ok("protect", *SITE, "Officer Example")
    # Past any input validation (an older store, a merge): the manifest must still be scrubbed.
    conn = sqlite3.connect(ready.db)
    conn.execute(
        "UPDATE engagements SET agency = ? WHERE site = 'north-miami'",
        (f"North Miami [[{CANARY} informant]] Police Department, officer  example unit",),
    )
    conn.commit()
    conn.close()
    out = isolated / "rel"
    ready.ok(
        "--as",
        "Officer Example",
        "publish",
        *SITE,
        "--output",
        out,
        "--override-check",
        "--reason",
        "Approved by counsel on 2026-11-20.",
    )
    text = (out / "manifest.json").read_text()
    manifest = json.loads(text)
    assert set(manifest) == set(MANIFEST_FIELDS)
    assert CANARY not in text and "[[" not in text and "informant" not in text
    assert "officer" not in text.lower() and "example" not in text.lower()
    assert manifest["published_by"] == "[withheld]"
    assert manifest["agency"].startswith("North Miami Police Department")
    assert "OK" in ready.ok("verify", out)


@pytest.mark.parametrize(
    "reason, says",
    [
        ("Officer Example cleared the text.", "protected name 'Officer Example'"),
        (f"Counsel said yes [[{CANARY}]].", "[[...]]"),
    ],
)
def test_a_reason_that_would_leak_is_refused_before_anything_is_written(
    ready, isolated, reason, says
):
    ready.ok("protect", *SITE, "Officer Example")
    line = ready.fails(
        "publish",
        *SITE,
        "--output",
        isolated / "rel",
        "--override-check",
        "--reason",
        reason,
        says=says,
    )
    assert "manifest" in line and not (isolated / "rel").exists()
    assert [p.name for p in isolated.iterdir() if p.name.startswith(".")] == []


def test_check_covers_the_manifest_strings(ready):
    ready.ok("protect", *SITE, "Officer Example")
    result = ready("--as", "Officer Example", "check", *SITE, "--format", "json")
    assert result.exit_code == 1
    found = {(p["level"], p["code"], p["where"]) for p in json.loads(result.stdout)["problems"]}
    assert ("error", "protected-name", "manifest published_by") in found
    assert ready("--as", "A. Writer", "check", *SITE).exit_code == 0


# ---- 2. verify checks the manifest itself; release numbers are checked ---------------------------


def edit_agency(m):
    m["agency"] = "Another Police Department"


def edit_count(m):
    m["check"]["errors"] = 0 if m["check"]["errors"] else 3


def extra_key(m):
    m["notes"] = "added later"


@pytest.mark.parametrize("edit", [edit_agency, edit_count, extra_key])
def test_an_edited_manifest_fails_verify_with_one_line(ready, isolated, edit):
    out = isolated / "rel"
    ready.ok("publish", *SITE, "--output", out)
    manifest = json.loads((out / "manifest.json").read_text())
    edit(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    line = one_error_line(ready("verify", out))
    assert line.startswith("error: manifest.json: differs from the manifest published")
    data = json.loads(ready("verify", out, "--format", "json").stdout)
    assert data["ok"] is False and [p["file"] for p in data["problems"]] == ["manifest.json"]


def test_a_release_from_before_the_hash_says_the_check_could_not_be_made(ready, isolated):
    out = isolated / "rel"
    ready.ok("publish", *SITE, "--output", out)
    conn = sqlite3.connect(ready.db)
    conn.execute(
        "DROP TRIGGER release_manifests_no_delete"
    )  # as a store upgraded from schema 8 has no row
    conn.execute("DELETE FROM release_manifests")
    conn.commit()
    conn.close()
    result = ready("verify", out, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and len(data["unchecked"]) == 1
    assert "published before reformctl kept each manifest's hash" in data["unchecked"][0]
    assert "not checked: manifest.json as a whole" in ready("verify", out).stderr


def test_verify_without_a_store_checks_the_files_and_says_what_it_could_not(
    ready, isolated, monkeypatch
):
    out = isolated / "rel"
    ready.ok("publish", *SITE, "--output", out)
    monkeypatch.setenv("REFORMCTL_DB", str(isolated / "elsewhere" / "none.db"))
    result = ready("verify", out, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and len(data["unchecked"]) == 1
    assert "no store at" in data["unchecked"][0] and "none.db" in data["unchecked"][0]
    (out / "north-miami-release-1.md").write_text("forged\n")
    result = ready("verify", out)
    assert result.exit_code == 1
    assert "error: north-miami-release-1.md: does not match its manifest hash" in result.stderr
    assert "not checked: manifest.json against the store's record" in result.stderr
    assert not (isolated / "elsewhere").exists()


@pytest.mark.matrix
@pytest.mark.parametrize(
    "number, says",
    [
        ("0", "release number 0 is not a positive whole number"),
        ("-1", "No such option: -1"),
        (str(2**70), f"release number {2**70} is not a positive whole number"),
        ("x", "Invalid value for"),
        ("99", "north-miami has no release 99"),
        ("1.5", "Invalid value for"),
    ],
)
def test_diff_takes_only_release_numbers_the_store_knows(ready, isolated, number, says):
    ready.ok("publish", *SITE, "--output", isolated / "rel")
    before = dump(ready.db)
    for args in ((number, "1"), ("1", number)):
        line = one_error_line(ready("diff", *SITE, *args), code=(1, 2))
        assert says in line, line
    assert dump(ready.db) == before


@pytest.mark.matrix
@pytest.mark.parametrize("value", [0, -1, 2**70, "1", True, None, 1.0])
def test_a_manifest_with_a_bad_release_number_is_not_a_manifest(ready, isolated, value):
    out = isolated / "rel"
    ready.ok("publish", *SITE, "--output", out)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["release"] = value
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert "is not a reformctl release manifest" in one_error_line(ready("verify", out))


# ---- 3. no writer writes over the store ------------------------------------------------------------

WRITERS = {
    "report": lambda t: ["report", *SITE, "--output", t],
    "report-pdf": lambda t: ["report", *SITE, "--format", "pdf", "--output", t],
    "status-svg": lambda t: ["status", "--svg", t],
    "backup": lambda t: ["backup", t, "--force"],
    "publish": lambda t: ["publish", *SITE, "--output", t],
    "export-public-db": lambda t: ["export", "--public-db", t],
    "export-bundle": lambda t: ["export", "--bundle", t, "--site", "north-miami"],
}


def target(isolated: Path, kind: str) -> str:
    store = isolated / "test.db"
    if kind == "symlink":
        link = isolated / "link.db"
        link.symlink_to(store)
        return str(link)
    if kind == "relative":
        (isolated / "sub").mkdir()
        return os.path.join("sub", "..", "test.db")  # the tests run in isolated
    return str(store) + {"store": "", "wal": "-wal", "shm": "-shm", "journal": "-journal"}[kind]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["store", "wal", "shm", "journal", "symlink", "relative"])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_no_writer_writes_over_the_store(ready, isolated, writer, kind):
    path = target(isolated, kind)
    store_bytes = ready.db.read_bytes()
    line = ready.fails(*WRITERS[writer](path), says="that is the store itself")
    assert path in line
    assert ready.db.read_bytes() == store_bytes
    sound(ready.db)
    assert not Path(path).is_dir()  # publish and bundle export would have made a folder there


def test_a_hard_link_to_the_store_is_the_store(ready, isolated):
    os.link(ready.db, isolated / "hard.db")
    ready.fails("report", *SITE, "--output", isolated / "hard.db", says="that is the store itself")
    sound(ready.db)


# ---- 4. a read-only store can be read ---------------------------------------------------------------

READING = [
    ["engagements"],
    ["show", *SITE],
    ["findings", *SITE],
    ["status"],
    ["status-history", *SITE, "3.1.1"],
    ["search", "retention"],
    ["team", *SITE],
    ["activities", *SITE],
    ["conflicts", *SITE],
    ["check", *SITE],
    ["releases", *SITE],
    ["report", *SITE],
    ["history", *SITE, "--ref", "3.1"],
    ["export", "--public-db", "open.db"],
]


@pytest.mark.matrix
@pytest.mark.parametrize("args", READING, ids=[" ".join(a[:1] + a[-1:]) for a in READING])
def test_reading_commands_open_the_store_read_only(ready, monkeypatch, args):
    import reformctl.store.db as db

    opened = []
    monkeypatch.setattr(
        db, "_connect", lambda path: opened.append(("rw", str(path)))
    )  # would fail: None
    real = db._connect_uri
    monkeypatch.setattr(db, "_connect_uri", lambda uri: opened.append(("uri", uri)) or real(uri))
    result = ready(*args)
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert [mode for mode, _ in opened] == ["uri"] and opened[0][1].endswith("?mode=ro")


def test_a_read_only_store_refuses_writes_in_one_line(ready, monkeypatch):
    import reformctl.cli.context as context

    monkeypatch.setattr(context, "READING_COMMANDS", context.READING_COMMANDS | {"log-finding"})
    ready.fails("log-finding", *SITE, "--focus-area", "1", "--title", "T", says="for reading only")


def _read_only_mount_works(folder: Path) -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" '
            '&& ! touch "$0/probe" 2>/dev/null',
            str(folder),
        ],
        capture_output=True,
    )
    return probe.returncode == 0 and not (folder / "probe").exists()


def in_read_only_folder(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run reformctl with FOLDER mounted read-only (a real read-only mount: it stops root too)."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            script,
            str(folder),
            sys.executable,
            "-m",
            "reformctl",
            *args,
        ],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def test_a_store_in_a_read_only_mount_can_be_read(ready, isolated, tmp_path_factory):
    folder = tmp_path_factory.mktemp("readonly")
    shutil.copyfile(
        ready.db, folder / "store.db"
    )  # no -wal or -shm beside it: SQLite cannot make them
    if not _read_only_mount_works(folder):
        pytest.skip("no way to mount a folder read-only here (needs unshare and mount, as root)")
    before = (folder / "store.db").read_bytes()
    db = ("--db", str(folder / "store.db"))
    listed = in_read_only_folder(folder, *db, "engagements", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [e["site"] for e in json.loads(listed.stdout)] == ["north-miami"]
    report = in_read_only_folder(folder, *db, "report", *SITE, "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["total_findings"] == 1
    assert in_read_only_folder(folder, *db, "check", *SITE).returncode == 0
    wrote = in_read_only_folder(
        folder, *db, "log-finding", *SITE, "--focus-area", "1", "--title", "T"
    )
    assert wrote.returncode == 1 and len(wrote.stderr.strip().splitlines()) == 1
    assert "Traceback" not in wrote.stderr
    assert (folder / "store.db").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["store.db"]


def test_an_old_store_in_a_read_only_mount_is_refused_in_one_line(cli, isolated, tmp_path_factory):
    folder = tmp_path_factory.mktemp("readonly-old")
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-7.db", folder / "store.db")
    if not _read_only_mount_works(folder):
        pytest.skip("no way to mount a folder read-only here (needs unshare and mount, as root)")
    result = in_read_only_folder(folder, "--db", str(folder / "store.db"), "engagements")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs an upgrade" in lines[0] and "read-only" in lines[0]


# ---- 5. a killed publish leaves no staging folder behind ---------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_publish_removes_stale_staging_folders_of_dead_processes_only(ready, isolated):
    stale = isolated / f"{STAGING_PREFIX}{dead_pid()}-abc123"
    stale.mkdir()
    (stale / "north-miami-release-1.md").write_text("half a release\n")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = isolated / f"{STAGING_PREFIX}{alive.pid}-def456"
        busy.mkdir()
        unrelated = isolated / ".reformctl-stagingx"
        unrelated.mkdir()
        ready.ok("publish", *SITE, "--output", isolated / "rel")
        assert not stale.exists()
        assert busy.exists() and unrelated.exists()  # another live publish's, and not ours at all
    finally:
        alive.kill()
        alive.wait()
    assert sorted(p.name for p in isolated.iterdir() if p.name.startswith(".")) == sorted(
        [busy.name, unrelated.name]
    )


# ---- 6. errors name the user's path, never a temporary ----------------------------------------------

FILE_WRITERS = {
    "report": lambda t: [
        "report",
        *SITE,
        "--format",
        "markdown",
        "--output",
        t,
    ],  # target.x names no format
    "status-svg": lambda t: ["status", "--svg", t],
    "backup": lambda t: ["backup", t],
    "publish": lambda t: ["publish", *SITE, "--output", t],
    "export-public-db": lambda t: ["export", "--public-db", t],
    "export-bundle": lambda t: ["export", "--bundle", t, "--site", "north-miami"],
}


@pytest.mark.matrix
@pytest.mark.parametrize("writer", sorted(FILE_WRITERS))
def test_a_failing_rename_is_told_with_the_users_path(ready, isolated, monkeypatch, writer):
    def fail(
        src, dst, *a, **k
    ):  # what renaming a temporary onto a folder or a full disk looks like
        raise IsADirectoryError(21, "Is a directory", str(src))

    monkeypatch.setattr(os, "replace", fail)
    path = isolated / "out" / "target.x"
    (isolated / "out").mkdir()
    line = ready.fails(*FILE_WRITERS[writer](path), says=f"cannot write {path}: Is a directory")
    assert ".partial" not in line and STAGING_PREFIX not in line and ".target.x" not in line
    assert sorted(p.name for p in (isolated / "out").iterdir() if p.name.startswith(".")) == []


def test_report_onto_a_folder_names_the_folder(ready, isolated):
    (isolated / "outdir").mkdir()
    line = ready.fails(
        "report",
        *SITE,
        "--format",
        "markdown",
        "--output",
        isolated / "outdir",
        says=str(isolated / "outdir"),
    )
    assert ".outdir." not in line
    assert (
        list((isolated / "outdir").iterdir()) == []
        and [p for p in isolated.iterdir() if p.name.startswith(".")] == []
    )


def test_restoring_the_store_from_itself_is_refused(ready, isolated):
    os.symlink(ready.db, isolated / "looks-like-a-backup.db")
    ready.fails(
        "restore", isolated / "looks-like-a-backup.db", "--force", says="is the store itself"
    )
    sound(ready.db)


def test_a_public_db_that_sqlite_cannot_write_is_told_with_the_users_path(
    ready, isolated, monkeypatch
):
    import reformctl.reports.open_data as open_data

    def fail(path, rows):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(open_data, "_write_db", fail)
    line = ready.fails(
        "export", "--public-db", isolated / "open.db", says=f"cannot write {isolated / 'open.db'}"
    )
    assert "store" not in line


def test_a_store_whose_path_holds_uri_characters_opens_read_only(cli, isolated, monkeypatch):
    odd = isolated / "a?b#c%20d"
    odd.mkdir()
    monkeypatch.setenv("REFORMCTL_DB", str(odd / "store?.db"))
    cli.ok(
        "new-engagement", "--from", Path(__file__).parent.parent / "examples" / "north-miami.toml"
    )
    assert [e["site"] for e in cli.json("engagements")] == ["north-miami"]
    assert sorted(p.name for p in odd.iterdir() if p.suffix == ".db") == ["store?.db"]
    assert not (
        isolated / "a"
    ).exists()  # unescaped, SQLite would read (and make) a store named 'a'
