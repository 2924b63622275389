"""Recommendations: numbered under their finding ('3.1.2'); each starts Not Started."""

from __future__ import annotations

from reformctl.dates import now, parse_date
from reformctl.errors import Invalid, NotFound, Refused, Remedy
from reformctl.model.events import record_event, record_review
from reformctl.model.findings import resolve_finding
from reformctl.model.frozen import entry_date, require_unfrozen
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.refs import parse_rec_ref, rec_ref
from reformctl.model.text import MAX_TEXT, clean_body, clean_optional_name
from reformctl.model.vocab import PRIORITIES, choices
from reformctl.store import Store

MAX_REC_TEXT = MAX_TEXT


def recommend(
    store: Store,
    engagement: dict,
    finding: str,
    text: str,
    actor: str,
    priority: str | None = None,
    owner: str | None = None,
    due: str | None = None,
    internal: bool = False,
    dated: str | None = None,
) -> dict:
    """Attach a recommendation to a finding; it is Not Started as of the day it is made."""
    require_open(engagement)
    text = clean_body(text, "recommendation text", limit=MAX_REC_TEXT)
    if not text:
        raise Invalid("recommendation text must not be empty")
    if priority is not None and priority not in PRIORITIES:
        raise Invalid(f"priority {priority!r} is unknown; choose one of {choices(PRIORITIES)}")
    owner = clean_optional_name(owner, "owner")  # always public in full: no [[...]]
    due = parse_date(due, "due date") if due else None
    dated = entry_date(engagement, dated, "recommendation date")
    with store.write():
        parent = _live_parent(store, engagement, finding, dated)
        number = store.value(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM recommendations WHERE finding_id = ?",
            (parent["id"],),
        )
        rec = {
            "id": new_id(),
            "engagement_id": engagement["id"],
            "finding_id": parent["id"],
            "number": number,
            "text": text,
            "priority": priority,
            "owner": owner,
            "due": due,
            "internal": int(bool(internal)),
            "review": "draft",
            "dated": dated,
            "created_at": now(),
            "created_by": actor,
        }
        store.insert("recommendations", rec)
        ref = rec_ref(parent["focus_area"], parent["number"], number)
        _record_creation(store, engagement, rec, ref, actor)
    return {
        **rec,
        "ref": ref,
        "finding": parent["ref"],
        "status": "not-started",
        "status_as_of": dated,
    }


def _live_parent(store: Store, engagement: dict, finding: str, dated: str) -> dict:
    """The finding a recommendation dated DATED may go under: live, no later, and unfrozen."""
    parent = resolve_finding(store, engagement, finding)
    if parent["review"] == "withdrawn":
        raise Refused(
            f"finding {parent['ref']} is withdrawn; recommendations go under a live finding"
        )
    if dated < parent["dated"]:
        raise Invalid(
            f"recommendation date {dated} is before its finding {parent['ref']} ({parent['dated']})"
        )
    # Its first status (Not Started) is dated the same day, so the same freeze applies.
    require_unfrozen(
        store,
        engagement,
        dated,
        f"add a recommendation to {parent['ref']}",
        "recommendation",
        [parent["id"]],
    )
    return parent


def _record_creation(store: Store, engagement: dict, rec: dict, ref: str, actor: str) -> None:
    """The new recommendation's event, its draft review and its first status (Not Started)."""
    record_event(
        store,
        actor=actor,
        engagement_id=engagement["id"],
        record_type="recommendation",
        record_id=rec["id"],
        ref=ref,
        action="create",
        after=rec,
    )
    record_review(
        store,
        engagement_id=engagement["id"],
        kind="recommendation",
        record_id=rec["id"],
        review="draft",
        actor=actor,
        on_date=rec["dated"],
    )
    first = {
        "id": new_id(),
        "recommendation_id": rec["id"],
        "status": "not-started",
        "as_of": rec["dated"],
        "note": None,
        "reason": None,
        "evidence": None,
        "recorded_at": now(),
        "recorded_by": actor,
    }
    store.insert("status_updates", first)
    record_event(
        store,
        actor=actor,
        engagement_id=engagement["id"],
        record_type="recommendation",
        record_id=rec["id"],
        ref=ref,
        action="status",
        after=first,
    )


def resolve_recommendation(store: Store, engagement: dict, ref: str) -> dict:
    area, finding, number = parse_rec_ref(ref)
    found = store.row(
        """SELECT r.*, fa.number AS focus_area, f.number AS finding_number, f.review AS finding_review
           FROM recommendations r JOIN findings f ON f.id = r.finding_id
           JOIN focus_areas fa ON fa.id = f.focus_area_id
           WHERE r.engagement_id = ? AND fa.number = ? AND f.number = ? AND r.number = ?""",
        (engagement["id"], area, finding, number),
    )
    if found is None:
        raise NotFound(
            "{site} has no recommendation {ref}; {remedy} lists findings and their recommendations",
            site=engagement["site"],
            ref=ref,
            remedy=Remedy("list_findings", site=engagement["site"]),
        )
    found["ref"] = rec_ref(area, finding, number)
    return found
