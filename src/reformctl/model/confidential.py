"""What never goes public: internal notes on records, and each engagement's protected names."""

from __future__ import annotations

from reformctl.dates import now
from reformctl.errors import Invalid
from reformctl.model.events import record_event
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.matching import name_key
from reformctl.model.records import resolve_record
from reformctl.model.text import MAX_NOTE, clean_body, clean_name
from reformctl.store import Store

MIN_TERM = 3


def _new_row(engagement: dict, actor: str, **columns: str) -> dict:
    """A new note or protected term of ENGAGEMENT, made by ACTOR now: its own COLUMNS and the
    four both tables share."""
    return {
        "id": new_id(),
        "engagement_id": engagement["id"],
        **columns,
        "created_at": now(),
        "created_by": actor,
    }


def add_note(store: Store, engagement: dict, ref: str, text: str, actor: str) -> dict:
    require_open(engagement)
    text = clean_body(text, "note", limit=MAX_NOTE)
    if not text:
        raise Invalid("a note must not be empty")
    with store.write():
        kind, record = resolve_record(store, engagement, ref)
        note = _new_row(engagement, actor, record_type=kind, record_id=record["id"], text=text)
        store.insert("notes", note)
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type=kind,
            record_id=record["id"],
            ref=record["ref"],
            action="note",
            after={"note_id": note["id"]},
        )
    return {"number": record["ref"], "kind": kind, "id": note["id"]}


def protect(store: Store, engagement: dict, term: str, actor: str) -> dict:
    require_open(engagement)
    term = clean_name(
        term, "protected term"
    )  # [[...]] in a name to withhold would be matched literally
    key = name_key(term)
    if len(key) < MIN_TERM:
        raise Invalid(
            f"protected term {term!r} is too short to match safely; give at least {MIN_TERM} characters"
        )
    with store.write():
        # The same name however written ('JANE\u00adROE', 'jane roe'): one term matches them all.
        if any(name_key(t) == key for t in protected_terms(store, engagement["id"])):
            return {"term": term, "added": False}
        row = _new_row(engagement, actor, term=term)
        store.insert("protected_terms", row)
        # The audit trail says that a name was protected, by whom and when, but not which name:
        # the trail itself is shown by `history`, and the name must stay where it is needed only.
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type="protected_term",
            record_id=row["id"],
            action="protect",
            after={"id": row["id"]},
        )
    return {"term": term, "added": True}


def protected_terms(store: Store, engagement_id: str) -> list[str]:
    return [
        r["term"]
        for r in store.rows(
            "SELECT term FROM protected_terms WHERE engagement_id = ? ORDER BY term COLLATE NOCASE",
            (engagement_id,),
        )
    ]
