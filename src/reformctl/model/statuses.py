"""Implementation status as a dated history: a recommendation's status on a date is its
latest update on or before that date (ties go to the update recorded last)."""

from __future__ import annotations

from reformctl.dates import now
from reformctl.errors import Invalid, Option
from reformctl.model.events import record_event
from reformctl.model.frozen import entry_date, require_unfrozen
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.status_query import status_at
from reformctl.model.text import MAX_TEXT, clean_body
from reformctl.model.vocab import (
    REASON_STATUSES,
    REASONS,
    STATUSES,
    choices,
    reason_key,
    status_key,
)
from reformctl.store import Store


def set_status(
    store: Store,
    engagement: dict,
    ref: str,
    status: str,
    actor: str,
    as_of: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    evidence: str | None = None,
    from_file: bool = False,
) -> dict:
    """Record a recommendation's status as of a date (default today).

    STATUS and REASON may be keys or labels, in any case; FROM_FILE words errors for a file's
    columns rather than for command-line options."""
    require_open(engagement)
    key = status_key(status)
    if key is None:
        raise Invalid(f"status {status!r} is unknown; choose one of {choices(STATUSES)}")
    status = key
    reason = check_reason(status, reason, from_file=from_file)
    as_of = entry_date(engagement, as_of, Option("as_of"))
    note = clean_body(note, "note", limit=MAX_TEXT) or None
    evidence = clean_body(evidence, "evidence", limit=MAX_TEXT) or None
    with store.write():
        rec = _changeable(store, engagement, ref, status, as_of)
        update = {
            "id": new_id(),
            "recommendation_id": rec["id"],
            "status": status,
            "as_of": as_of,
            "note": note,
            "reason": reason,
            "evidence": evidence,
            "recorded_at": now(),
            "recorded_by": actor,
        }
        before, later = _before_and_later(store, rec["id"], as_of)
        store.insert("status_updates", update)
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type="recommendation",
            record_id=rec["id"],
            ref=rec["ref"],
            action="status",
            before=before,
            after=update,
        )
    return {
        **update,
        "ref": rec["ref"],
        "previous": before["status"] if before else None,
        "superseded_by": dict(later) if later else None,
    }


def _changeable(store: Store, engagement: dict, ref: str, status: str, as_of: str) -> dict:
    """The recommendation REF, if its status may be set to STATUS as of AS_OF."""
    # Here, not at the top: listings use status_at() and should not load the recommendation model.
    from reformctl.model.recommendations import resolve_recommendation

    rec = resolve_recommendation(store, engagement, ref)
    if rec["review"] == "withdrawn":
        raise Invalid(f"recommendation {rec['ref']} is withdrawn; its status can no longer change")
    if as_of < rec["dated"]:
        raise Invalid(
            f"the status date {as_of} is before recommendation {rec['ref']} was made ({rec['dated']}); "
            f"use a date on or after {rec['dated']}"
        )
    require_unfrozen(
        store, engagement, as_of, f"set {rec['ref']} to {status}", "status", [rec["id"]]
    )
    return rec


def _before_and_later(store: Store, rec_id: str, as_of: str) -> tuple:
    """The status in force on AS_OF before this update, and the current one if dated after it."""
    before = store.row(
        f"SELECT {status_at('status')} AS status, {status_at('as_of')} AS as_of FROM recommendations r WHERE r.id = :id",
        {"id": rec_id, "as_of": as_of},
    )
    # An update dated after this one still decides the current status; say so, or a
    # back-dated entry looks as if it failed. current_statuses holds the latest update.
    later = store.row(
        """SELECT cs.status, cs.as_of FROM current_statuses cs JOIN recommendations r ON cs.recommendation = r.rowid
           WHERE r.id = ? AND cs.as_of > ?""",
        (rec_id, as_of),
    )
    return before, later


def check_reason(status: str, reason: str | None, from_file: bool = False) -> str | None:
    """The key of a reason (given as key or label), which goes only with Not Started or Partially Complete.

    STATUS is a status key. FROM_FILE: the reason came from a file's column, not from --reason."""
    if reason is None or reason.strip() == "":
        return None
    key = reason_key(reason)
    if key is None:
        raise Invalid(f"reason {reason.strip()!r} is unknown; choose one of {choices(REASONS)}")
    if status not in REASON_STATUSES:
        fix = "leave the reason column empty" if from_file else "leave {option} out"
        raise Invalid(
            "a reason is given only for not-started or partially-complete, not {status}; "
            + fix
            + " or change the status",
            status=status,
            option=Option("reason"),
        )
    return key


def status_history(store: Store, engagement: dict, ref: str) -> dict:
    """A recommendation's whole status timeline, oldest first (the team's view: notes and evidence)."""
    from reformctl.model.recommendations import resolve_recommendation

    rec = resolve_recommendation(store, engagement, ref)
    updates = store.rows(
        """SELECT status, as_of, note, reason, evidence, recorded_at, recorded_by FROM status_updates
           WHERE recommendation_id = ? ORDER BY as_of, rowid""",
        (rec["id"],),
    )
    return {
        "number": rec["ref"],
        "text": rec["text"],
        "review": rec["review"],
        "dated": rec["dated"],
        "history": [
            {
                **u,
                "status_label": STATUSES[u["status"]],
                "reason_label": REASONS.get(u["reason"]) if u["reason"] else None,
            }
            for u in updates
        ],
    }


def percentages(counts: list[int]) -> list[int]:
    """Whole percents that add up to exactly 100 (largest remainder), or all 0 for no items."""
    total = sum(counts)
    if total == 0:
        return [0 for _ in counts]
    exact = [c * 100 / total for c in counts]
    floors = [int(x) for x in exact]
    short = 100 - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:short]:
        floors[i] += 1
    return floors


def summarise(statuses: list[str]) -> list[dict]:
    """The 'Status of recommendations' table rows for a list of statuses."""
    tally: dict[str, int] = {}
    for status in statuses:
        tally[status] = tally.get(status, 0) + 1
    return summarise_counts(tally)


def summarise_counts(tally: dict[str, int]) -> list[dict]:
    """The 'Status of recommendations' table rows for a count of each status."""
    counts = [tally.get(key, 0) for key in STATUSES]
    return [
        {"status": key, "label": label, "count": count, "percent": percent}
        for (key, label), count, percent in zip(
            STATUSES.items(), counts, percentages(counts), strict=False
        )
    ]


def status_summary(store: Store, engagement_id: str, as_of: str) -> list[dict]:
    """The team's status table: every recommendation that is not withdrawn, whatever its review state."""
    rows = store.rows(
        f"""SELECT {status_at()} AS status FROM recommendations r JOIN findings f ON f.id = r.finding_id
            WHERE r.engagement_id = :eid AND r.dated <= :as_of
              AND r.review != 'withdrawn' AND f.review != 'withdrawn'""",
        {"eid": engagement_id, "as_of": as_of},
    )
    return summarise([row["status"] for row in rows if row["status"]])
