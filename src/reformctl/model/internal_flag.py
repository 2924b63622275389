"""The internal flag as it stood on a date, and the one way it changes.

A record's `internal` column holds its flag today; internal_history holds each change with the
value it replaced, dated the day it was made. A report as of an earlier date reads the flag
through internal_at(), so making a finding public today never publishes it in the past.
"""

from __future__ import annotations

from reformctl.dates import now, today
from reformctl.store import Store

TABLES = {"findings": "finding", "recommendations": "recommendation"}


def internal_at(alias: str) -> str:
    """SQL: the internal flag of record ALIAS as of :as_of (the value the first later change replaced)."""
    return f"""COALESCE((SELECT ih.was FROM internal_history ih WHERE ih.record_id = {alias}.id
                        AND ih.on_date > :as_of ORDER BY ih.on_date, ih.id LIMIT 1), {alias}.internal)"""


def note_internal_change(store: Store, table: str, record_id: str, was, internal, actor: str) -> None:
    """Date a change of the flag (call inside the write that makes it)."""
    if table in TABLES and was != internal:
        store.execute(
            "INSERT INTO internal_history (record_type, record_id, was, internal, on_date, at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (TABLES[table], record_id, was, internal, today(), now(), actor))
