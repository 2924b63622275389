"""Consistent copies of the store with SQLite's online backup API, and checked restores."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from reformctl.errors import Invalid, Refused, Remedy, StoreError
from reformctl.store.db import SCHEMA_VERSION, busy_timeout_ms, explain_sqlite_error
from reformctl.store.paths import refuse_store_target, user_path_errors

REQUIRED_TABLES = {
    "_sqlite_migrations",
    "engagements",
    "focus_areas",
    "findings",
    "recommendations",
    "status_updates",
    "events",
}

# What check_backup asks of a file, beside REQUIRED_TABLES, which the table names are held to.
INTEGRITY_CHECK = "PRAGMA integrity_check"
TABLE_NAMES = "SELECT name FROM sqlite_master WHERE type = 'table'"
SCHEMA_OF = "PRAGMA user_version"
SITES = "SELECT site FROM engagements ORDER BY site"
# A backup is one self-contained file: no -wal file beside it.
SELF_CONTAINED = "PRAGMA journal_mode = DELETE"


def file_uri(path: Path, mode: str) -> str:
    """SQLite's URI for the file PATH opened in MODE ("ro" or "rw": neither creates a file).
    Quoted: a '#' or '?' in a file name would otherwise end the path, and SQLite would open (and
    create) another file."""
    return f"file:{quote(str(path))}?mode={mode}"


def open_sqlite(path: Path, mode: str) -> sqlite3.Connection:
    """Open the existing SQLite file at PATH, the one way backup, restore and merge open a backup
    or another store: by its quoted name, in MODE ("ro": SQLite refuses every write through the connection,
    and never rolls back a journal left beside the file; "rw"), waiting for another process's lock
    as long as the store itself does (REFORMCTL_BUSY_TIMEOUT_MS)."""
    return sqlite3.connect(file_uri(path, mode), uri=True, timeout=busy_timeout_ms() / 1000)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy SOURCE into a new file beside TARGET, then rename it into place.

    The backup API takes a consistent snapshot even while another process writes. In one step,
    not page by page: a step is one read transaction, and a write by another process between
    steps would make the copy start over (a busy store could keep it from ever finishing). The
    store is in WAL mode, where that one reader does not hold up writers.
    """
    temporary = target.with_name(f".{target.name}.partial")
    if temporary.exists():
        temporary.unlink()
    dest = sqlite3.connect(str(temporary))
    try:
        source.backup(dest)
        dest.execute(SELF_CONTAINED)
        dest.close()
        os.replace(temporary, target)
    except BaseException:
        dest.close()
        if temporary.exists():
            temporary.unlink()
        raise


def backup(
    store_conn: sqlite3.Connection,
    target: Path,
    force: bool = False,
    *,
    store_path: Path | str | None,
) -> dict:
    """Write a consistent copy of the open store (at STORE_PATH) to TARGET."""
    target = Path(target)
    refuse_store_target(target, store_path)
    if target.is_dir():
        raise Invalid(
            f"{target} is a directory; give a file name, e.g. {target / 'reformctl-backup.db'}"
        )
    if not target.parent.exists():
        raise Invalid(f"cannot write {target}: folder {target.parent} does not exist")
    if target.exists() and not force:
        raise Refused(
            "{target} already exists; choose another name, or give {remedy} to replace it",
            target=target,
            remedy=Remedy("force"),
        )
    try:
        with user_path_errors(target):
            _copy(store_conn, target)
    except sqlite3.Error as exc:
        raise explain_sqlite_error(exc, target) from None
    return {"path": str(target), "bytes": target.stat().st_size}


def check_backup(path: Path) -> dict:
    """Open PATH read-only and prove it is a whole reformctl store; returns what it holds."""
    path = Path(path)
    conn = _open_backup(path)
    try:
        return _check(conn, path)
    finally:
        conn.close()


def _open_backup(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise Invalid(f"{path}: no such backup file")
    try:
        return open_sqlite(path, "ro")
    except sqlite3.Error as exc:
        raise Invalid(f"{path} cannot be opened: {exc}") from None


def _check(conn: sqlite3.Connection, path: Path) -> dict:
    """Prove that the backup open on CONN (from PATH) is a whole reformctl store."""
    try:
        problems = [row[0] for row in conn.execute(INTEGRITY_CHECK)]
        if problems != ["ok"]:
            raise Invalid(
                f"{path} fails SQLite's integrity check ({problems[0]}); it was not restored"
            )
        tables = {row[0] for row in conn.execute(TABLE_NAMES)}
        version = conn.execute(SCHEMA_OF).fetchone()[0]
        if not REQUIRED_TABLES <= tables or version < 1:
            raise Invalid(
                f"{path} is a SQLite database but not a reformctl store; it was not restored"
            )
        if version > SCHEMA_VERSION:
            raise Invalid(
                f"{path} was written by a newer reformctl (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade reformctl to restore it"
            )
        sites = [row[0] for row in conn.execute(SITES)]
    except sqlite3.DatabaseError as exc:
        raise Invalid(
            f"{path} is not a reformctl store, or it is damaged ({exc}); it was not restored"
        ) from None
    return {"schema": version, "sites": sites}


def _copy_over(source: sqlite3.Connection, target: Path) -> None:
    """Copy SOURCE over the store at TARGET through SQLite, not as a file: a reader of the old
    store, or a -wal file beside it, stays consistent."""
    try:
        dest = open_sqlite(target, "rw")
        try:
            source.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise StoreError(str(explain_sqlite_error(exc, target))) from None


def restore(source: Path, target: Path, force: bool = False) -> dict:
    """Replace the store at TARGET with the checked backup SOURCE."""
    source, target = Path(source), Path(target)
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise Refused(f"{source} is the store itself, not a backup of it; nothing was restored")
    # The file checked is the file copied: one connection, opened once.
    src = _open_backup(source)
    try:
        found = _check(src, source)
        if target.exists() and target.stat().st_size > 0 and not force:
            raise Refused(
                "a store already exists at {target}; give {remedy} to replace it with {source}",
                target=target,
                source=source,
                remedy=Remedy("force"),
            )
        if not target.parent.exists():
            raise Invalid(f"cannot restore to {target}: folder {target.parent} does not exist")
        if target.exists():
            _copy_over(src, target)
        else:
            _copy(src, target)
    finally:
        src.close()
    return {"path": str(target), "from": str(source), **found}
