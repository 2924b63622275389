"""Consistent copies of the store with SQLite's online backup API, and checked restores."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from reformctl.errors import Invalid, Refused, Remedy, StoreError
from reformctl.store.db import BUSY_TIMEOUT_MS, SCHEMA_VERSION, explain_sqlite_error
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


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for PATH. Quoted: a '#' or '?' in a file name would otherwise end
    the path, and SQLite would open (and create) another file."""
    return f"file:{quote(str(path))}?mode=ro"


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy SOURCE page by page into a new file beside TARGET, then rename it into place.

    The backup API takes a consistent snapshot even while another process writes: it
    restarts when the source changes under it (or, in WAL mode, reads one snapshot).
    """
    temporary = target.with_name(f".{target.name}.partial")
    if temporary.exists():
        temporary.unlink()
    dest = sqlite3.connect(str(temporary))
    try:
        source.backup(dest, pages=1024)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
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
    if not path.is_file():
        raise Invalid(f"{path}: no such backup file")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise Invalid(f"{path} cannot be opened: {exc}") from None
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise Invalid(
                f"{path} fails SQLite's integrity check ({problems[0]}); it was not restored"
            )
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not REQUIRED_TABLES <= tables or version < 1:
            raise Invalid(
                f"{path} is a SQLite database but not a reformctl store; it was not restored"
            )
        if version > SCHEMA_VERSION:
            raise Invalid(
                f"{path} was written by a newer reformctl (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade reformctl to restore it"
            )
        sites = [row[0] for row in conn.execute("SELECT site FROM engagements ORDER BY site")]
    except sqlite3.DatabaseError as exc:
        raise Invalid(
            f"{path} is not a reformctl store, or it is damaged ({exc}); it was not restored"
        ) from None
    finally:
        conn.close()
    return {"schema": version, "sites": sites}


def restore(source: Path, target: Path, force: bool = False) -> dict:
    """Replace the store at TARGET with the checked backup SOURCE."""
    source, target = Path(source), Path(target)
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise Refused(f"{source} is the store itself, not a backup of it; nothing was restored")
    found = check_backup(source)
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
        # Through SQLite, not a file copy: a reader or a -wal file beside the old store stays consistent.
        try:
            src = sqlite3.connect(read_only_uri(source), uri=True)
            dest = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                src.backup(dest)
            finally:
                src.close()
                dest.close()
        except sqlite3.Error as exc:
            raise StoreError(str(explain_sqlite_error(exc, target))) from None
    else:
        src = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            _copy(src, target)
        finally:
            src.close()
    return {"path": str(target), "from": str(source), **found}
