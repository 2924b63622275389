"""Reading the audit trail."""

from __future__ import annotations

import json

from reformctl.model.records import resolve_record
from reformctl.store import Store


def history(store: Store, engagement: dict, ref: str | None = None) -> list[dict]:
    params: list = [engagement["id"]]
    where = "engagement_id = ?"
    if ref:
        _, record = resolve_record(store, engagement, ref)
        where += " AND record_id = ?"
        params.append(record["id"])
    rows = store.rows(
        f"SELECT id, at, actor, record_type, ref, action, before, after FROM events WHERE {where} ORDER BY id",
        params,
    )
    for row in rows:
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
    return rows
