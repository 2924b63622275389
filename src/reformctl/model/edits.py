"""Changing a record's words: every edit is in the audit trail, and editing an approved
record sends it back to review (it leaves the public record until it is approved again)."""

from __future__ import annotations

from reformctl.dates import parse_date
from reformctl.errors import Invalid, Options, Refused
from reformctl.model.events import record_event
from reformctl.model.guards import require_open
from reformctl.model.records import TABLES, resolve_record
from reformctl.model.review import set_review
from reformctl.model.text import MAX_TEXT, clean_body, clean_optional_name, clean_title
from reformctl.model.vocab import PRIORITIES, choices
from reformctl.store import Store

# What each kind of record lets an edit change.
# What an edit can be given, named when it is given nothing (edit: the text from an editor).
CHANGES = Options("title", "body", "text", "priority", "owner", "due", "edit")
EDITABLE = {
    "finding": ("title", "body"),
    "recommendation": ("text", "priority", "owner", "due"),
    "section": ("title", "body"),
}


def edit_record(store: Store, engagement: dict, ref: str, changes: dict, actor: str) -> dict:
    require_open(engagement)
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise Invalid("nothing to change; give {options}", options=CHANGES)
    with store.write():
        kind, record = resolve_record(store, engagement, ref)
        allowed = EDITABLE[kind]
        wrong = [k for k in changes if k not in allowed]
        if wrong:
            raise Invalid(f"a {kind} has no {wrong[0]}; a {kind} can change {', '.join(allowed)}")
        if record["review"] == "withdrawn":
            raise Refused(f"{kind} {record['ref']} is withdrawn; it can no longer change")
        cleaned = {key: _clean(kind, key, value) for key, value in changes.items()}
        cleaned = {k: v for k, v in cleaned.items() if v != record[k]}
        if not cleaned:
            return {
                "number": record["ref"],
                "kind": kind,
                "changed": [],
                "review": record["review"],
            }
        assignments = ", ".join(f"{key} = ?" for key in cleaned)
        store.execute(
            f"UPDATE {TABLES[kind]} SET {assignments} WHERE id = ?",
            (*cleaned.values(), record["id"]),
        )
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type=kind,
            record_id=record["id"],
            ref=record["ref"],
            action="edit",
            before={k: record[k] for k in cleaned},
            after=cleaned,
        )
        review = record["review"]
        if review == "approved":
            set_review(
                store,
                engagement,
                kind,
                record,
                "in-review",
                actor,
                comment="edited after approval",
                action="review",
            )
            review = "in-review"
    return {
        "number": record["ref"],
        "kind": kind,
        "changed": sorted(cleaned),
        "review": review,
        "previous_review": record["review"],
    }


def _clean(kind: str, key: str, value: str):
    if key == "title":
        return clean_title(value, f"{kind} title")
    if key == "body" and kind == "section":
        from reformctl.model.sections import clean_section_body

        return clean_section_body(value)
    if key == "body":
        return clean_body(value, "finding body")
    if key == "text":
        text = clean_body(value, "recommendation text", limit=MAX_TEXT)
        if not text:
            raise Invalid("recommendation text must not be empty")
        return text
    if key == "priority":
        if value not in PRIORITIES:
            raise Invalid(f"priority {value!r} is unknown; choose one of {choices(PRIORITIES)}")
        return value
    if key == "owner":
        return clean_optional_name(value, "owner")  # always public in full: no [[...]]
    if key == "due":
        return parse_date(value, "due date")
    raise Invalid(f"unknown field {key}")  # pragma: no cover
