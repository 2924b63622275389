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


def note_internal_change(
    store: Store, table: str, record_id: str, was, internal, actor: str
) -> None:
    """Date a change of the flag (call inside the write that makes it)."""
    if table in TABLES and was != internal:
        store.execute(
            "INSERT INTO internal_history (record_type, record_id, was, internal, on_date, at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (TABLES[table], record_id, was, internal, today(), now(), actor),
        )


def flag_changes(store: Store, engagement_id: str) -> dict[str, list[tuple[str, int]]]:
    """Per record of the engagement, its flag changes as (on_date, was), in the order they were made:
    for code that needs the flag on many days at once (internal_on), rather than one query a day."""
    out: dict[str, list[tuple[str, int]]] = {}
    for record_id, on_date, was in store.execute(
        """SELECT ih.record_id, ih.on_date, ih.was FROM internal_history ih
               WHERE ih.record_id IN (SELECT id FROM findings WHERE engagement_id = :eid
                                      UNION ALL SELECT id FROM recommendations WHERE engagement_id = :eid)
               ORDER BY ih.record_id, ih.on_date, ih.id""",
        {"eid": engagement_id},
    ):
        out.setdefault(record_id, []).append((on_date, was))
    return out


def internal_on(changes: list[tuple[str, int]] | None, current: int, day: str) -> int:
    """The flag on DAY, the rule of internal_at() in Python: the value the first later change replaced."""
    return next((was for on_date, was in changes or () if on_date > day), current)
