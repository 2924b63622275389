"""store/backup.py through the CLI, at the edges: what `backup` and `restore` answer, each refusal
as the user reads it, a store of a newer or unnumbered schema, an empty file in the store's place,
and a leftover partial copy."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from helpers import dump
from reformctl.cli.errors import message
from reformctl.store.db import SCHEMA_VERSION

SITE = "brightwater-demo"


def with_version(path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_backup_answers_path_and_size_and_leaves_one_file(demo, tmp_path):
    copy = tmp_path / "copy.db"
    (tmp_path / ".copy.db.partial").write_bytes(b"left by a killed backup")
    done = demo.json("backup", copy)
    assert done == {"path": str(copy), "bytes": copy.stat().st_size} and done["bytes"] > 4096
    assert not (tmp_path / ".copy.db.partial").exists()
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in conn.execute("SELECT site FROM engagements")] == [SITE]
    conn.close()
    text = demo.ok("backup", copy, "--force")
    assert text.strip() == f"Backed up {demo.db} to {copy} ({copy.stat().st_size:,} bytes)"


def test_backup_refusals_say_what_would_be_right(demo, tmp_path):
    assert demo.fails("backup", tmp_path) == (
        f"error: {tmp_path} is a directory; give a file name, e.g. {tmp_path / 'reformctl-backup.db'}"
    )
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    assert demo.fails("backup", copy) == (
        f"error: {copy} already exists; choose another name, or give --force to replace it"
    )
    missing = tmp_path / "no" / "such.db"
    assert (
        demo.fails("backup", missing)
        == f"error: cannot write {missing}: folder {missing.parent} does not exist"
    )


def test_restore_answers_what_it_restored(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    done = demo.json("restore", copy, "--force")
    assert done == {
        "path": str(demo.db),
        "from": str(copy),
        "schema": SCHEMA_VERSION,
        "sites": [SITE],
    }
    fresh = tmp_path / "fresh.db"
    assert (
        demo.ok("--db", fresh, "restore", copy).strip() == f"Restored {fresh} from {copy} ({SITE})"
    )
    assert not (tmp_path / ".fresh.db.partial").exists()


def test_an_empty_file_in_the_stores_place_is_replaced_without_force(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert demo.json("--db", empty, "restore", copy)["sites"] == [SITE]
    assert [e["site"] for e in demo.json("--db", empty, "engagements")] == [SITE]


def test_restore_refusals_say_what_would_be_right(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    assert demo.fails("restore", copy) == (
        f"error: a store already exists at {demo.db}; give --force to replace it with {copy}"
    )
    assert demo.fails("restore", demo.db, "--force") == (
        f"error: {demo.db} is the store itself, not a backup of it; nothing was restored"
    )
    missing = tmp_path / "missing.db"
    assert demo.fails("restore", missing, "--force") == f"error: {missing}: no such backup file"
    assert demo.fails("restore", tmp_path, "--force") == f"error: {tmp_path}: no such backup file"
    nowhere = tmp_path / "no" / "store.db"
    assert demo.fails("--db", nowhere, "restore", copy) == (
        f"error: cannot restore to {nowhere}: folder {nowhere.parent} does not exist"
    )


def test_a_backup_of_another_schema_is_refused(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    newer = tmp_path / "newer.db"
    shutil.copy(copy, newer)
    with_version(newer, SCHEMA_VERSION + 1)
    before = dump(demo.db)
    assert demo.fails("restore", newer, "--force") == (
        f"error: {newer} was written by a newer reformctl (schema {SCHEMA_VERSION + 1}, this one knows "
        f"{SCHEMA_VERSION}); upgrade reformctl to restore it"
    )
    unnumbered = tmp_path / "unnumbered.db"
    shutil.copy(copy, unnumbered)
    with_version(unnumbered, 0)
    assert demo.fails("restore", unnumbered, "--force") == (
        f"error: {unnumbered} is a SQLite database but not a reformctl store; it was not restored"
    )
    assert dump(demo.db) == before
    # schema 1, the oldest, is still a store: restored (and upgraded when it is next opened)
    oldest = tmp_path / "oldest.db"
    shutil.copy(copy, oldest)
    with_version(oldest, 1)
    assert demo.json("restore", oldest, "--force")["schema"] == 1


def test_a_backup_missing_one_required_table_is_refused(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    for table in ("status_updates", "events", "_sqlite_migrations"):
        partial = tmp_path / f"without-{table}.db"
        shutil.copy(copy, partial)
        conn = sqlite3.connect(partial)
        conn.execute("PRAGMA foreign_keys = OFF")
        for (trigger,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            conn.execute(f'DROP TRIGGER "{trigger}"')
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
        conn.close()
        demo.fails(
            "restore", partial, "--force", says="is a SQLite database but not a reformctl store"
        )


def test_a_backup_whose_name_holds_a_hash_or_a_question_mark_restores(demo, tmp_path):
    # SQLite reads the path as a URI: unquoted, '#' and '?' would end it there, and another
    # file (created on the spot) would be checked and restored instead
    for name in ("copy#1.db", "copy?.db", "copy %41.db"):
        copy = tmp_path / name
        demo.ok("backup", copy)
        assert demo.json("restore", copy, "--force")["sites"] == [SITE]
        fresh = tmp_path / f"fresh-{len(name)}.db"
        demo.ok("--db", fresh, "restore", copy)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == [
        "copy %41.db",
        "copy#1.db",
        "copy?.db",
    ]  # and no stray "copy" made by a misread path


def test_a_store_with_exactly_the_required_tables_is_a_store(tmp_path):
    from reformctl.store.backup import REQUIRED_TABLES, check_backup

    path = tmp_path / "minimal.db"
    conn = sqlite3.connect(path)
    for table in sorted(REQUIRED_TABLES):
        conn.execute(f"CREATE TABLE {table} (site TEXT)")
    conn.execute("INSERT INTO engagements VALUES ('b'), ('a')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    assert check_backup(path) == {"schema": 1, "sites": ["a", "b"]}


def test_restore_itself_asks_for_force_and_reads_a_damaged_file_as_such(demo, tmp_path):
    from reformctl.errors import Invalid, Refused
    from reformctl.store.backup import check_backup, restore

    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    one_byte = tmp_path / "one.db"
    one_byte.write_bytes(b"x")  # not empty: a store may be there, so not replaced unasked
    try:
        restore(copy, one_byte)
    except Refused as refused:
        assert message(refused) == (
            f"a store already exists at {one_byte}; give --force to replace it with {copy}"
        )
    else:
        raise AssertionError("restore replaced a file without force")
    assert one_byte.read_bytes() == b"x"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 500)
    try:
        check_backup(garbage)
    except Invalid as invalid:
        assert str(invalid) == (
            f"{garbage} is not a reformctl store, or it is damaged (file is not a database); "
            "it was not restored"
        )
    else:
        raise AssertionError("a file of text passed as a backup")


def test_restoring_over_a_damaged_store_says_so(demo, tmp_path):
    from reformctl.errors import StoreError
    from reformctl.store.backup import restore

    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 500)
    try:
        restore(copy, broken, force=True)
    except StoreError as error:
        assert str(error) == (
            f"{broken} is not a reformctl store, or it is damaged (restore it from a backup)"
        )
    else:
        raise AssertionError("restored over a file that is no database")


def test_backup_itself_refuses_the_store_and_an_existing_file_and_names_the_target(tmp_path):

    from reformctl.errors import Invalid, Refused, StoreError
    from reformctl.store.backup import backup

    store = tmp_path / "store.db"
    conn = sqlite3.connect(store)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    with pytest.raises(Refused, match="that is the store itself"):
        backup(conn, store, force=True, store_path=store)
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"keep")
    with pytest.raises(Refused) as refused:
        backup(conn, taken, store_path=store)
    assert str(refused.value) == (
        f"{taken} already exists; choose another name, or give `force=True` to replace it"
    )
    assert taken.read_bytes() == b"keep"
    (tmp_path / ".blocked.db.partial").mkdir()  # where the copy would be made
    with pytest.raises(Invalid) as invalid:
        backup(conn, tmp_path / "blocked.db", store_path=store)
    assert str(invalid.value) == (
        f"cannot write {tmp_path / 'blocked.db'}: Is a directory; nothing was written there"
    )
    conn.close()
    with pytest.raises(StoreError) as error:
        backup(conn, tmp_path / "out.db", store_path=store)
    assert str(error.value) == (
        f"the store {tmp_path / 'out.db'} could not be used: Cannot operate on a closed database."
    )


def small_file(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()


def test_open_sqlite_waits_as_the_store_does_and_read_only_refuses_every_write(
    tmp_path, monkeypatch
):

    from reformctl.store.backup import open_sqlite

    # A '#', a '?' and a '%41' in a name are part of it, not the end of the path or an escape.
    for name in ("copy#1.db", "copy?.db", "copy %41.db"):
        path = tmp_path / name
        small_file(path)
        monkeypatch.delenv("REFORMCTL_BUSY_TIMEOUT_MS", raising=False)
        ro = open_sqlite(path, "ro")
        assert ro.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        assert ro.execute("SELECT x FROM t").fetchall() == [(1,)]
        with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
            ro.execute("INSERT INTO t VALUES (2)")
        ro.close()
        monkeypatch.setenv("REFORMCTL_BUSY_TIMEOUT_MS", "1234")
        rw = open_sqlite(path, "rw")
        assert rw.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
        rw.execute("INSERT INTO t VALUES (2)")
        rw.commit()
        rw.close()
        assert sqlite3.connect(path).execute("SELECT x FROM t").fetchall() == [(1,), (2,)]
    # Neither way makes a file that is not there.
    for mode in ("ro", "rw"):
        with pytest.raises(sqlite3.OperationalError, match="unable to open database file"):
            open_sqlite(tmp_path / "missing.db", mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy %41.db", "copy#1.db", "copy?.db"]


# SQLite reads a file name as a URI only when asked to (uri=True), unless it was built to do so
# always (SQLITE_USE_URI, as Debian's is); SQLite's own default, and the SQLite of other Pythons,
# does not. The child turns URI names off the way such a build has them, then opens a backup.
WITHOUT_URI_NAMES = """
import ctypes, sqlite3, sys, _sqlite3
from pathlib import Path
lib = ctypes.CDLL(_sqlite3.__file__)
assert lib.sqlite3_shutdown() == 0 and lib.sqlite3_config(17, ctypes.c_int(0)) == 0  # CONFIG_URI
from reformctl.store.backup import check_backup, open_sqlite
path = Path(sys.argv[1])
conn = open_sqlite(path, "ro")
try:
    conn.execute("CREATE TABLE written (x)")
except sqlite3.OperationalError as exc:
    print(exc)
conn.close()
print(check_backup(path))
"""


def test_a_backup_is_opened_read_only_where_sqlite_reads_no_uri_unasked(demo, tmp_path):
    import os
    import subprocess
    import sys

    from reformctl.store.backup import check_backup

    here = tmp_path / "backups"
    here.mkdir()
    copy = here / "copy#1.db"
    demo.ok("backup", copy)
    # This checkout's code (under mutmut, with the mutant under test); mutmut's first pass, which
    # records the functions each test reaches, records them here (check_backup below), not in a child.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if env.get("MUTANT_UNDER_TEST") == "stats":
        del env["MUTANT_UNDER_TEST"]
    child = subprocess.run(
        [sys.executable, "-c", WITHOUT_URI_NAMES, str(copy)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.stderr == "" and child.returncode == 0, child.stderr
    assert child.stdout.splitlines() == [
        "attempt to write a readonly database",
        str(check_backup(copy)),
    ]
    assert check_backup(copy) == {"schema": SCHEMA_VERSION, "sites": [SITE]}
    assert sorted(p.name for p in here.iterdir()) == ["copy#1.db"]


def test_a_backup_with_a_journal_left_beside_it_is_refused_and_left_as_it_is(tmp_path):
    """A journal beside a backup is a write that was cut off: checking (or restoring) the backup
    must not roll it back, as a connection that can write would, changing the user's file."""
    import subprocess
    import sys

    from reformctl.errors import Invalid
    from reformctl.store.backup import REQUIRED_TABLES, check_backup, restore

    path = tmp_path / "cut.db"
    conn = sqlite3.connect(path)
    for table in sorted(REQUIRED_TABLES):
        conn.execute(f"CREATE TABLE {table} (site TEXT)")
    conn.executemany("INSERT INTO engagements VALUES (?)", [("x" * 1000,)] * 200)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    writer = (  # dies in the middle of a transaction, its changed pages spilled to the file
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA cache_size = 1')\n"
        "conn.execute('BEGIN')\n"
        "conn.execute(\"UPDATE engagements SET site = 'y'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", writer, str(path)], check=True)
    journal = tmp_path / "cut.db-journal"
    left = {p.name: p.read_bytes() for p in (path, journal)}
    refusal = (
        f"{path} is not a reformctl store, or it is damaged (attempt to write a readonly "
        "database); it was not restored"
    )
    with pytest.raises(Invalid) as invalid:
        check_backup(path)
    assert str(invalid.value) == refusal
    with pytest.raises(Invalid) as invalid:
        restore(path, tmp_path / "new.db")
    assert str(invalid.value) == refusal
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == left


def test_a_backup_that_sqlite_cannot_open_says_so(tmp_path):
    from reformctl.errors import Invalid
    from reformctl.store.backup import check_backup

    deep = tmp_path.joinpath(*["d" * 100] * 6)  # a path longer than SQLite takes (512 bytes)
    deep.mkdir(parents=True)
    path = deep / "copy.db"
    path.write_bytes(b"")
    with pytest.raises(Invalid) as invalid:
        check_backup(path)
    assert str(invalid.value) == f"{path} cannot be opened: unable to open database file"


def test_a_file_uri_quotes_the_name():
    from pathlib import Path

    from reformctl.store.backup import file_uri

    assert file_uri(Path("/a b/c#1?%.db"), "ro") == "file:/a%20b/c%231%3F%25.db?mode=ro"
