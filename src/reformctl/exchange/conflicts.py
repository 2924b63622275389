"""Merge conflicts: listing the ones a merge left for a person, and settling them (`resolve`).

A conflict holds our value, theirs and the base; settling one keeps ours or takes theirs, field
by field, or adds a record the merge held back (an approval from the other side). Taking theirs
keeps their date, so the frozen past holds here as in the merge (model/frozen.py).
"""

from __future__ import annotations

import json
import sqlite3

from reformctl.dates import now
from reformctl.errors import Invalid, NotFound, Option, Refused, Remedy
from reformctl.exchange.bundle import BY_NAME, KINDS, insert_kind
from reformctl.exchange.merge_gate import GATED_REVIEWS, PARENT, held_kind
from reformctl.model.events import record_event
from reformctl.model.frozen import frozen_before, require_unfrozen_incoming
from reformctl.model.internal_flag import note_internal_change
from reformctl.model.review import require_four_eyes
from reformctl.store import Store

# Kinds whose records a person may change; the others are append-only histories.
EDITABLE = {"engagement": "engagements", **{k.name: k.table for k in KINDS}}
# The records that carry a child list fixed when they are made (bundle.py's folded kinds), as a
# refusal names them.
_FOLDED_IN = {"activities": "an activity", "releases": "a release"}


def open_conflicts(store: Store, engagement_id: str) -> list[dict]:
    """The engagement's conflicts no one has settled yet, as stored (values JSON-encoded)."""
    return store.rows(
        """SELECT id, record_type, record_id, field, ours, theirs, base, source, created_at
           FROM merge_conflicts WHERE engagement_id = ? AND resolved_at IS NULL ORDER BY created_at, record_id, field""",
        (engagement_id,),
    )


def update_record(store: Store, kind: str, key: str, fields: dict, actor: str) -> None:
    """Set FIELDS of one record: the one place a merge or a resolve changes a record, so a change
    of the internal flag is dated here (model/internal_flag.py) whichever of them makes it."""
    table = EDITABLE[kind]
    was = (
        store.row(f"SELECT internal FROM {table} WHERE id = ?", (key,))
        if "internal" in fields
        else None
    )
    sets = ", ".join(f"{name} = ?" for name in fields)
    store.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*fields.values(), key))
    if was is not None:
        note_internal_change(store, table, key, was["internal"], fields["internal"], actor)


def record_refs(store: Store, engagement_id: str) -> dict[str, str]:
    """Each finding's, recommendation's and section's number (or name), by id, for messages."""
    rows = store.rows(
        """SELECT f.id, fa.number || '.' || f.number AS ref FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
           WHERE f.engagement_id = :e
           UNION ALL
           SELECT r.id, fa.number || '.' || f.number || '.' || r.number FROM recommendations r
           JOIN findings f ON f.id = r.finding_id JOIN focus_areas fa ON fa.id = f.focus_area_id
           WHERE r.engagement_id = :e
           UNION ALL
           SELECT s.id, s.name FROM sections s WHERE s.engagement_id = :e""",
        {"e": engagement_id},
    )
    return {r["id"]: r["ref"] for r in rows}


def list_conflicts(store: Store, engagement: dict) -> list[dict]:
    refs = record_refs(store, engagement["id"])
    out = []
    for c in open_conflicts(store, engagement["id"]):
        out.append(
            {
                "record_type": c["record_type"],
                "record_id": c["record_id"],
                "ref": refs.get(c["record_id"], c["record_id"][:8]),
                "field": c["field"],
                "ours": json.loads(c["ours"]),
                "theirs": json.loads(c["theirs"]),
                "base": json.loads(c["base"]),
                "source": c["source"],
            }
        )
    return out


def resolve(
    store: Store, engagement: dict, record: str, take: str, actor: str, field: str | None = None
) -> list[dict]:
    """Settle the open conflicts of RECORD (an id, an 8-character prefix, or a number such as 3.1.2)."""
    if take not in ("ours", "theirs"):
        raise Invalid(
            "{option} must be ours or theirs, not {take!r}", option=Option("take"), take=take
        )
    with store.write():
        pending = open_conflicts(store, engagement["id"])
        refs = record_refs(store, engagement["id"])
        text = (record or "").strip()
        chosen = [
            c
            for c in pending
            if c["record_id"] == text
            or refs.get(c["record_id"]) == text
            or (len(text) >= 4 and c["record_id"].startswith(text))
        ]
        if not chosen:
            raise NotFound(
                "{site} has no open merge conflict on {record!r}; {remedy} lists them",
                site=engagement["site"],
                record=record,
                remedy=Remedy("list_conflicts", site=engagement["site"]),
            )
        if len({c["record_id"] for c in chosen}) > 1:
            raise Invalid(f"{record!r} matches conflicts on several records; give more of the id")
        if field is not None:
            chosen = [c for c in chosen if c["field"] == field]
            if not chosen:
                raise NotFound(f"{record} has no open conflict on field {field!r}")
        kind, key = chosen[0]["record_type"], chosen[0]["record_id"]
        if take == "theirs":
            _take_theirs(store, engagement, record, kind, key, chosen, actor)
        stamp = now()
        for c in chosen:
            store.execute(
                "UPDATE merge_conflicts SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?",
                (stamp, actor, take, c["id"]),
            )
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type=kind,
            record_id=key,
            ref=refs.get(key),
            action="resolve",
            before={c["field"]: json.loads(c["ours"]) for c in chosen},
            after={c["field"]: json.loads(c[take]) for c in chosen},
        )
    return [{"field": c["field"], "took": take, "value": json.loads(c[take])} for c in chosen]


def _takes_a_review_decision(chosen: list[dict]) -> bool:
    """Their approval, withdrawal, approved wording or review history: taking it is deciding."""
    return any(
        held_kind(c["field"]) in ("approved_versions", "review_history")
        or (c["field"] == "review" and json.loads(c["theirs"]) in GATED_REVIEWS)
        for c in chosen
    )


def _require_second_person(store: Store, engagement: dict, table: str, key: str, actor: str):
    """Taking another store's review decision is making it here: the same four eyes apply."""
    kind = {t: k for k, t in PARENT.items()}[table]
    record = store.row(f"SELECT * FROM {table} WHERE id = ?", (key,))
    # Every finding, recommendation and section has a reference (a section's is its name).
    ref = record_refs(store, engagement["id"])[key]
    verb = "take the other side's review decision on"
    require_four_eyes(store, engagement, kind, {**record, "ref": ref}, actor, verb)


def _take_theirs(
    store: Store, engagement: dict, record: str, kind: str, key: str, chosen: list[dict], actor: str
) -> None:
    """Their values for the chosen conflicts: fields set, and records a merge held back added."""
    folded = BY_NAME[kind].folded if kind in BY_NAME else None
    if folded is not None and any(c["field"] == folded for c in chosen):
        raise Refused(f"the {folded} of {_FOLDED_IN[kind]} is fixed when it is made; keep ours")
    if kind in PARENT.values() and _takes_a_review_decision(chosen):
        _require_second_person(store, engagement, kind, key, actor)
    values = {c["field"]: json.loads(c["theirs"]) for c in chosen if held_kind(c["field"]) is None}
    # Their value keeps their date: the frozen past holds here as in the merge (model/frozen.py).
    freeze = frozen_before(store, engagement)
    if values:
        before = store.row(f"SELECT * FROM {EDITABLE[kind]} WHERE id = ?", (key,))
        require_unfrozen_incoming(freeze, kind, key, values, chosen[0]["source"], before)
    for c in chosen:
        if held_kind(c["field"]) is not None:
            row = json.loads(c["theirs"])
            require_unfrozen_incoming(freeze, held_kind(c["field"]), row["id"], row, c["source"])
    try:
        if values:
            update_record(store, kind, key, values, actor)
        for c in chosen:
            name = held_kind(c["field"])
            if name is not None:
                row = json.loads(c["theirs"])
                insert_kind(store, BY_NAME[name], [row])
                record_event(
                    store,
                    actor=actor,
                    engagement_id=engagement["id"],
                    record_type=name,
                    record_id=row["id"],
                    action="merge-add",
                    after=row,
                )
    except sqlite3.IntegrityError as exc:
        raise Refused(
            f"cannot take their {', '.join(c['field'] for c in chosen)} for {record}: {exc}"
        ) from None
