"""The append-only audit trail: every change records who, when, which record, before and after."""

from __future__ import annotations

import json

from reformctl.dates import now, today
from reformctl.model.ids import new_id
from reformctl.store import Store


def record_event(
    store: Store,
    *,
    actor: str,
    engagement_id: str | None,
    record_type: str,
    record_id: str,
    action: str,
    ref: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    store.insert(
        "events",
        {
            "at": now(),
            "actor": actor,
            "engagement_id": engagement_id,
            "record_type": record_type,
            "record_id": record_id,
            "ref": ref,
            "action": action,
            "before": json.dumps(before, sort_keys=True) if before is not None else None,
            "after": json.dumps(after, sort_keys=True) if after is not None else None,
        },
    )


def record_review(
    store: Store,
    *,
    engagement_id: str,
    kind: str,
    record_id: str,
    review: str,
    actor: str,
    comment: str | None = None,
    on_date: str | None = None,
) -> None:
    """Append to a record's dated review history (what was approved when)."""
    store.insert(
        "review_history",
        {
            "id": new_id(),
            "engagement_id": engagement_id,
            "record_type": kind,
            "record_id": record_id,
            "review": review,
            "on_date": on_date or today(),
            "at": now(),
            "actor": actor,
            "comment": comment,
        },
    )
