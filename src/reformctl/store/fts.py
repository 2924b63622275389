"""Keeping the full-text index in step during bulk writes."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from reformctl.store.db import Store

# Rows indexed by one statement. As it indexes, FTS5 merges its older segments, and every page
# of them that one statement changes is kept in its statement journal, in memory (store/db.py:
# temp_store): one statement over a whole bulk import, on a store that already holds others,
# would hold all those pages at once. Statements of this many rows bound that memory and take
# no longer in all.
BULK_CHUNK = 5_000


@contextmanager
def indexed_in_bulk(store: Store, table: str) -> Iterator[None]:
    """Index the rows inserted into TABLE in one pass instead of by its per-row trigger.

    FTS5 fed row by row from a trigger is many times slower than the same rows added
    with one INSERT ... SELECT. Inside the caller's transaction the
    trigger is dropped and re-created from its own stored SQL, so no other connection
    ever sees the store without it and a failure rolls the whole thing back.
    """
    if not store.conn.in_transaction:
        raise RuntimeError("indexed_in_bulk needs the caller's transaction")
    trigger = f"{table}_ai"
    sql = store.value(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
    )
    if sql is None:
        yield
        return
    columns = ", ".join(row["name"] for row in store.rows(f"PRAGMA table_info({table}_fts)"))
    last = store.value(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")
    store.execute(f"DROP TRIGGER {trigger}")
    yield
    end = store.value(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")
    for start in range(last, end, BULK_CHUNK):
        store.execute(
            f"INSERT INTO {table}_fts (rowid, {columns}) SELECT rowid, {columns} FROM {table} "
            "WHERE rowid > ? AND rowid <= ?",
            (start, start + BULK_CHUNK),
        )
    store.execute(sql)
