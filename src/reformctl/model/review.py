"""The review workflow: draft -> in-review -> approved, returned to draft with a comment,
or withdrawn (kept, its number retired). Four eyes unless the engagement allows self-approval."""

from __future__ import annotations

from reformctl.dates import now, today
from reformctl.errors import Invalid, Option, Refused, Remedy
from reformctl.model.events import record_event, record_review
from reformctl.model.frozen import entry_date, require_unfrozen
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.records import APPROVED_FIELDS, TABLES, resolve_record
from reformctl.model.text import clean_body, same_actor
from reformctl.model.vocab import DECISIONS
from reformctl.store import Store


def set_review(
    store: Store,
    engagement: dict,
    kind: str,
    record: dict,
    review: str,
    actor: str,
    comment: str | None = None,
    action: str = "review",
    on_date: str | None = None,
) -> None:
    """Move a record to REVIEW: the current state, its dated history and the audit trail, together."""
    store.execute(f"UPDATE {TABLES[kind]} SET review = ? WHERE id = ?", (review, record["id"]))
    record_review(
        store,
        engagement_id=engagement["id"],
        kind=kind,
        record_id=record["id"],
        review=review,
        actor=actor,
        comment=comment,
        on_date=on_date,
    )
    if review == "approved":
        current = store.row(f"SELECT * FROM {TABLES[kind]} WHERE id = ?", (record["id"],))
        fields = APPROVED_FIELDS[kind]
        store.insert(
            "approved_versions",
            {
                "id": new_id(),
                "engagement_id": engagement["id"],
                "record_type": kind,
                "record_id": record["id"],
                "on_date": on_date or today(),
                "at": now(),
                "actor": actor,
                **{f: current[f] for f in fields},
            },
        )
    record_event(
        store,
        actor=actor,
        engagement_id=engagement["id"],
        record_type=kind,
        record_id=record["id"],
        ref=record["ref"],
        action=action,
        before={"review": record["review"]},
        after={"review": review, "comment": comment},
    )


def same_person(a: str, b: str) -> bool:
    """Names match as a reader sees them: case, spacing, full-width letters and invisible
    characters aside ('A. Analyst' is 'a.  ANALYST' and 'a.\u200banalyst'); see text.actor_key."""
    return same_actor(a, b)


def authors(store: Store, record: dict) -> set[str]:
    """Who wrote the record: its creator and everyone who edited it."""
    editors = {
        row["actor"]
        for row in store.rows(
            "SELECT actor FROM events WHERE record_id = ? AND action = 'edit'", (record["id"],)
        )
    }
    return {record["created_by"], *editors}


def require_four_eyes(
    store: Store, engagement: dict, kind: str, record: dict, actor: str, verb: str
) -> None:
    """Refuse ACTOR deciding on a record they wrote, unless the engagement allows self-approval."""
    if engagement["self_approval"]:
        return
    if any(same_person(actor, author) for author in authors(store, record)):
        raise Refused(
            f"{actor} wrote {kind} {record['ref']} and cannot also {verb} it (four eyes); "
            "another team member must review it"
        )


def submit(store: Store, engagement: dict, ref: str, actor: str, dated: str | None = None) -> dict:
    """Submit a draft for review. DATED (default today) lets past work be entered with its dates:
    a review decision cannot be dated before the submission."""
    require_open(engagement)
    on_date = entry_date(engagement, dated, "submission date")
    with store.write():
        kind, record = resolve_record(store, engagement, ref)
        if record["review"] != "draft":
            raise Refused(
                f"{kind} {record['ref']} is {record['review']}; only a draft can be submitted for review"
            )
        _require_dated_in_order(store, engagement, "submit", kind, record, on_date, "submission")
        set_review(
            store, engagement, kind, record, "in-review", actor, action="submit", on_date=on_date
        )
    return {
        "number": record["ref"],
        "kind": kind,
        "review": "in-review",
        "previous": "draft",
        "dated": on_date,
    }


def last_changed(store: Store, record: dict) -> str:
    """The date of the record's latest change: made, submitted, decided on, or edited.

    Edits are dated by the audit trail's clock (UTC), capped at today so that a local evening's
    edit does not seem to come from tomorrow."""
    latest = store.value(
        """SELECT MAX(day) FROM (
               SELECT on_date AS day FROM review_history WHERE record_id = :id
               UNION ALL SELECT MIN(substr(at, 1, 10), :today) FROM events WHERE record_id = :id AND action = 'edit')""",
        {"id": record["id"], "today": today()},
    )
    return max(latest or record["dated"], record["dated"])


def _require_dated_in_order(
    store: Store, engagement: dict, verb: str, kind: str, record: dict, on_date: str, noun: str
) -> None:
    """A review step is dated on or after the record's latest change and after every release:
    otherwise it would rewrite what a report of an earlier date (or a published release) said."""
    if on_date < record["dated"]:
        raise Invalid(
            f"{noun} date {on_date} is before {kind} {record['ref']} was made ({record['dated']})"
        )
    changed = last_changed(store, record)
    if on_date < changed:
        raise Refused(
            f"cannot {verb} {record['ref']} on {on_date}: it last changed on {changed}; "
            f"date the {noun} on or after {changed}"
        )
    require_unfrozen(store, engagement, on_date, f"{verb} {record['ref']}", noun, [record["id"]])


RETURN_NEEDS_COMMENT = "returning a record to draft needs {option} saying what to change"


def _not_in_review(kind: str, record: dict, site: str) -> Refused:
    return Refused(
        "{kind} {ref} is {state}; only a record in review can be approved "
        "(submit it first with {remedy})",
        kind=kind,
        ref=record["ref"],
        state=record["review"],
        remedy=Remedy("submit", site=site, ref=record["ref"]),
    )


def review(
    store: Store,
    engagement: dict,
    ref: str,
    decision: str,
    actor: str,
    comment: str | None = None,
    dated: str | None = None,
) -> dict:
    """Approve, return or withdraw a record. DATED is when the decision was made (default today),
    so that past decisions can be entered and reports as of past dates stay right."""
    require_open(engagement)
    if decision not in DECISIONS:
        raise Invalid(f"decision {decision!r} is unknown; choose one of {', '.join(DECISIONS)}")
    comment = clean_body(comment, "comment", limit=5_000) or None
    on_date = entry_date(engagement, dated, "decision date")
    with store.write():
        kind, record = resolve_record(store, engagement, ref)
        state = record["review"]
        if decision == "approve":
            if state != "in-review":
                raise _not_in_review(kind, record, engagement["site"])
            require_four_eyes(store, engagement, kind, record, actor, "approve")
            target = "approved"
        elif decision == "return":
            if state != "in-review":
                raise Refused(
                    f"{kind} {record['ref']} is {state}; only a record in review can be returned to draft"
                )
            if not comment:
                raise Invalid(RETURN_NEEDS_COMMENT, option=Option("comment"))
            target = "draft"
        else:
            if state == "withdrawn":
                raise Refused(f"{kind} {record['ref']} is already withdrawn")
            if state == "approved" or store.value(
                "SELECT 1 FROM approved_versions WHERE record_id = ?", (record["id"],)
            ):
                # Taking back something approved is a review decision like approving it.
                require_four_eyes(store, engagement, kind, record, actor, "withdraw")
            target = "withdrawn"
        # After the state and four-eyes rules: who may decide is the first thing to hear.
        _require_dated_in_order(store, engagement, decision, kind, record, on_date, "decision")
        set_review(store, engagement, kind, record, target, actor, comment, on_date=on_date)
    return {
        "number": record["ref"],
        "kind": kind,
        "review": target,
        "previous": state,
        "comment": comment,
        "dated": on_date,
    }
