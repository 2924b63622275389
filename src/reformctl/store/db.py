"""Opening the store: pragmas, migrations on open, and one transaction per command."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from reformctl.errors import StoreError

# The store's schema: how many migrations (store/migrations.py) this reformctl knows; a test keeps
# the two equal. Opening an up-to-date store compares it with PRAGMA user_version and never loads
# the migrations. (The report's JSON has a version of its own, reports/assemble.py
# REPORT_SCHEMA_VERSION.)
SCHEMA_VERSION = 13

BUSY_TIMEOUT_MS = 10_000
BUSY_TIMEOUT_VAR = "REFORMCTL_BUSY_TIMEOUT_MS"


def busy_timeout_ms() -> int:
    """How long to wait for another process's write lock: REFORMCTL_BUSY_TIMEOUT_MS, else 10 s."""
    value = os.environ.get(BUSY_TIMEOUT_VAR, "").strip()
    if not value:
        return BUSY_TIMEOUT_MS
    try:
        return max(0, int(value))
    except ValueError:
        raise StoreError(
            f"{BUSY_TIMEOUT_VAR}={value!r} is not a number of milliseconds, e.g. 5000"
        ) from None


def explain_sqlite_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    """Turn SQLite's terse errors into one line a user can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            f"the store {path} is locked by another process; try again when it has finished"
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"the store {path} is read-only; nothing was written (check the file's permissions)"
        )
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError(
            f"the disk holding {path} is full; nothing was written (free some space and retry)"
        )
    if "not a database" in text or "malformed" in text:
        return StoreError(
            f"{path} is not a reformctl store, or it is damaged (restore it from a backup)"
        )
    if "unable to open" in text:
        return StoreError(
            f"cannot open the store {path}; check that its folder exists and is writable"
        )
    return StoreError(f"the store {path} could not be used: {exc}")


class Store:
    """A connection to the store with helpers for reading rows and writing in one transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool = False):
        self.conn = conn
        self.path = path
        self.readonly = readonly  # opened with mode=ro (or immutable): SQLite refuses every write
        # Checks the model runs at the start of every outermost write, under the write lock, and
        # refreshes it runs after the commit: name -> an object with under_lock(store) and
        # committed(store). The store runs them without knowing what they check.
        self.write_guards: dict[str, Any] = {}

    def rows(self, sql: str, params: Any = ()) -> list[dict]:
        return [dict(row) for row in self.conn.execute(sql, params)]

    def row(self, sql: str, params: Any = ()) -> dict | None:
        found = self.conn.execute(sql, params).fetchone()
        return dict(found) if found is not None else None

    def value(self, sql: str, params: Any = ()) -> Any:
        found = self.conn.execute(sql, params).fetchone()
        return found[0] if found is not None else None

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def insert(self, table: str, record: dict) -> None:
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(record.values())
        )

    @contextmanager
    def write(self) -> Iterator["Store"]:
        """One transaction for a whole command: all of its writes land, or none do.

        BEGIN IMMEDIATE takes the write lock up front, so two processes numbering
        findings in the same focus area are serialised rather than racing.
        """
        if self.conn.in_transaction:  # nested: part of the caller's transaction
            yield self
            return
        if self.readonly:
            raise StoreError(
                f"the store {self.path} was opened for reading only; nothing was written"
            )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise explain_sqlite_error(exc, self.path) from None
        try:
            for guard in list(self.write_guards.values()):
                guard.under_lock(self)
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise explain_sqlite_error(exc, self.path) from None
        for guard in list(
            self.write_guards.values()
        ):  # the transaction may have changed what they watch
            guard.committed(self)

    def close(self) -> None:
        self.conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    return _configure(
        sqlite3.connect(str(path), timeout=busy_timeout_ms() / 1000, isolation_level=None)
    )


def _connect_uri(uri: str) -> sqlite3.Connection:
    return _configure(
        sqlite3.connect(uri, timeout=busy_timeout_ms() / 1000, isolation_level=None, uri=True)
    )


def _configure(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    conn.execute("PRAGMA foreign_keys = ON")
    # Statement journals in memory: an INSERT that fires a trigger (current_statuses) needs one,
    # and in a temporary file a bulk import spends much of its system time writing them.
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


class NeedsUpgrade(StoreError):
    """A store of an older schema, opened read-only: it cannot be upgraded on this open."""


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write (mode=ro). A store in WAL mode needs its -shm file, which a
    read-only folder or mount may not let SQLite create: there, and only there, it is opened as
    immutable (nobody can be writing it), unless a -wal file holds changes immutable would skip."""
    # The three characters a file: URI gives meaning to, escaped by hand (urllib costs start-up time).
    uri = "file:" + str(path.absolute()).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    conn = _connect_uri(uri + "?mode=ro")
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "unable to open" not in str(exc).lower() or os.access(path.parent, os.W_OK):
            raise
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(
            f"the store {path} is in a read-only folder with unsaved changes in {wal}; "
            "open it once where it can be written, or copy the folder"
        )
    return _connect_uri(uri + "?immutable=1")


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """A database of schema 0 that holds tables is someone else's: never migrate into it."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4"
        )
    ]
    if tables:
        conn.close()
        raise StoreError(
            f"{path} is an SQLite database but not a reformctl store (it holds {', '.join(tables[:3])}"
            f"{', ...' if len(tables) > 3 else ''}); nothing was changed; give the path of a reformctl store"
        )


def open_store(path: Path | str, *, create: bool = True, readonly: bool = False) -> Store:
    """Open (creating and migrating when needed) the store at PATH; READONLY opens an existing
    store for reading only, never migrating it (NeedsUpgrade if it is of an older schema)."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(
            f"{path} is a directory; give the path of a store file, e.g. {path / 'reformctl.db'}"
        )
    if not path.exists():
        if not create or readonly:
            raise StoreError(f"no store at {path}")
        if not path.parent.exists():
            raise StoreError(f"cannot create the store {path}: folder {path.parent} does not exist")
    try:
        conn = _connect_readonly(path) if readonly else _connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            _refuse_foreign(conn, path)
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"the store {path} was written by a newer reformctl (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade reformctl"
            )
        if readonly:
            if version < SCHEMA_VERSION:
                conn.close()
                raise NeedsUpgrade(
                    f"the store {path} needs an upgrade (schema {version} to {SCHEMA_VERSION}), "
                    "which cannot be made while it is read-only; open it once where it can be written"
                )
            return Store(conn, path, readonly=True)
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        if version < SCHEMA_VERSION:
            from reformctl.store.migrations import migrate  # sqlite_utils only when needed

            migrate(conn)
    except sqlite3.Error as exc:
        raise explain_sqlite_error(exc, path) from None
    return Store(conn, path)
