"""Engagement phases: planning -> assessment -> implementation -> closed, with guards."""

from __future__ import annotations

import json

from reformctl.errors import Invalid, Option, Refused, Remedy, counted
from reformctl.model.events import record_event
from reformctl.model.guards import require_open
from reformctl.model.text import MAX_REASON, clean_body
from reformctl.model.vocab import PHASES, choices
from reformctl.store import Store


def advance(store: Store, engagement: dict, phase: str, actor: str) -> dict:
    if phase not in PHASES:
        raise Invalid(f"phase {phase!r} is unknown; choose one of {choices(PHASES)}")
    current = engagement["phase"]
    if current == "closed":
        raise Refused(
            "{site} is closed; reopen it with {remedy}",
            site=engagement["site"],
            remedy=Remedy("reopen", site=engagement["site"]),
        )
    if PHASES.index(phase) <= PHASES.index(current):
        raise Refused(
            f"{engagement['site']} is already in {current}; phases only move forward "
            f"({' -> '.join(PHASES)})"
        )
    with store.write():
        if phase == "closed":
            in_review = store.value(
                """SELECT (SELECT COUNT(*) FROM findings WHERE engagement_id = :e AND review = 'in-review')
                        + (SELECT COUNT(*) FROM recommendations WHERE engagement_id = :e AND review = 'in-review')""",
                {"e": engagement["id"]},
            )
            if in_review:
                raise Refused(
                    f"{engagement['site']} still has {counted(in_review, 'record')} in review; approve, return "
                    "or withdraw them before closing"
                )
            reopened = (
                store.value(
                    "SELECT MAX(id) FROM events WHERE engagement_id = ? AND action = 'reopen'",
                    (engagement["id"],),
                )
                or 0
            )
            if not store.value(
                """SELECT 1 FROM releases rel JOIN events ev ON ev.record_id = rel.id AND ev.action = 'publish'
                   WHERE rel.engagement_id = ? AND rel.kind = 'final' AND ev.id > ?""",
                (engagement["id"], reopened),
            ):
                raise Refused(
                    "{site} has no published final report (since it was last reopened); "
                    "publish one with {remedy}",
                    site=engagement["site"],
                    remedy=Remedy("publish_final", site=engagement["site"]),
                )
        _move(store, engagement, phase, actor, "phase")
    return {"site": engagement["site"], "phase": phase, "previous": current}


def reopen(store: Store, engagement: dict, reason: str, actor: str) -> dict:
    reason = clean_body(reason, "reason", limit=MAX_REASON)
    if not reason:
        raise Invalid("reopening needs {option} saying why", option=Option("reason"))
    if engagement["phase"] != "closed":
        raise Refused(f"{engagement['site']} is not closed (it is in {engagement['phase']})")
    with store.write():
        _move(store, engagement, "implementation", actor, "reopen", reason)
    return {
        "site": engagement["site"],
        "phase": "implementation",
        "previous": "closed",
        "reason": reason,
    }


def _move(
    store: Store, engagement: dict, phase: str, actor: str, action: str, reason: str | None = None
) -> None:
    store.execute("UPDATE engagements SET phase = ? WHERE id = ?", (phase, engagement["id"]))
    record_event(
        store,
        actor=actor,
        engagement_id=engagement["id"],
        record_type="engagement",
        record_id=engagement["id"],
        ref=engagement["site"],
        action=action,
        before={"phase": engagement["phase"]},
        after={"phase": phase, "reason": reason},
    )


def phase_history(store: Store, engagement: dict) -> list[dict]:
    rows = store.rows(
        """SELECT at, actor, action, before, after FROM events
           WHERE engagement_id = ? AND record_type = 'engagement' AND action IN ('create', 'phase', 'reopen')
           ORDER BY id""",
        (engagement["id"],),
    )
    history = []
    for row in rows:
        after = json.loads(row["after"] or "{}")
        history.append(
            {
                "at": row["at"],
                "actor": row["actor"],
                "action": row["action"],
                "phase": after.get("phase"),
                "reason": after.get("reason"),
            }
        )
    return history


def set_self_approval(store: Store, engagement: dict, allowed: bool, actor: str) -> dict:
    require_open(engagement)
    with store.write():
        store.execute(
            "UPDATE engagements SET self_approval = ? WHERE id = ?",
            (int(allowed), engagement["id"]),
        )
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type="engagement",
            record_id=engagement["id"],
            ref=engagement["site"],
            action="configure",
            before={"self_approval": bool(engagement["self_approval"])},
            after={"self_approval": allowed},
        )
    return {"site": engagement["site"], "self_approval": allowed}
