"""What a merge never takes by itself: a change that decides what is public.

Review decides what is published. A merge that quietly took the other side's `internal: 0`, an
approval or an approved wording would publish what no reviewer in this store approved (a
hand-edited bundle did exactly that). So every such change arrives as a conflict for a person:
our value stays until `resolve --take theirs`, and a record new from the other side arrives in
review, with its approvals and approved versions held in the conflict until someone takes them.
A decision made before only ever keeps ours here; taking theirs is always a person's act.
"""

from __future__ import annotations

import json

EVERY_FIELD = "*"
# Per kind: the fields that decide what is public (the engagement's self_approval lets an author
# approve their own record; a protected term's wording decides what is withheld).
PUBLICITY = {
    # The engagement's public identity and the focus areas' titles are printed in every report,
    # past ones included (they carry no date): a person decides on a change from elsewhere.
    "engagement": {
        "self_approval",
        "agency",
        "city",
        "state",
        "public_url",
        "program",
        "announced",
    },
    "focus_areas": {"title", "number"},
    "findings": {"internal", "review"},
    "recommendations": {"internal", "review"},
    # A section's name says where it prints (a new name would move approved text elsewhere).
    "sections": {"review", "name"},
    "protected_terms": {"term"},
    "review_history": {EVERY_FIELD},
    "approved_versions": {EVERY_FIELD},
}
GATED_REVIEWS = ("approved", "withdrawn")
PARENT = {"finding": "findings", "recommendation": "recommendations", "section": "sections"}
REVIEWED = tuple(PARENT.values())


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True)


def decides_publicity(kind: str, name: str, ours, theirs) -> bool:
    fields = PUBLICITY.get(kind, set())
    if name == "review" and kind in REVIEWED:
        return (
            ours in GATED_REVIEWS or theirs in GATED_REVIEWS
        )  # submitting or returning publishes nothing
    return EVERY_FIELD in fields or name in fields


def gate_changes(kind: str, mine: dict, take: dict, clash: dict, base: dict | None) -> None:
    """Move every change TAKE would make to a publicity field into CLASH, for a person to decide."""
    for name in list(take):
        if decides_publicity(kind, name, mine.get(name), take[name]):
            clash[name] = (mine.get(name), take.pop(name), (base or {}).get(name))


def _kept_before(decided: dict, record_id: str, field: str, theirs) -> bool:
    """Someone already chose to keep ours (nothing) over exactly this record."""
    pair = {_canon(None), _canon(theirs)}
    return any(
        values == pair and chosen == _canon(None)
        for values, chosen in decided.get((record_id, field), [])
    )


def gate_added(
    kind: str, key: str, record: dict, base: dict, decided: dict
) -> tuple[dict | None, dict | None]:
    """A record new from the other side: (what to add, or None to hold it; the conflict, if any)."""
    if kind in REVIEWED and record["review"] in GATED_REVIEWS:
        conflict = {
            "record_type": kind,
            "record_id": key,
            "field": "review",
            "ours": "in-review",
            "theirs": record["review"],
            "base": None,
        }
        return {**record, "review": "in-review"}, conflict
    held = kind == "approved_versions" or (
        kind == "review_history" and record["review"] in GATED_REVIEWS
    )
    if not held or key in base:  # already agreed between the two sides
        return record, None
    parent, field = record["record_id"], f"{kind}:{key}"
    if _kept_before(decided, parent, field, record):
        return None, None
    return None, {
        "record_type": PARENT[record["record_type"]],
        "record_id": parent,
        "field": field,
        "ours": None,
        "theirs": record,
        "base": None,
    }


def held_kind(field: str) -> str | None:
    """The kind of record a conflict holds back (approved_versions:ID -> approved_versions), or None."""
    return field.split(":", 1)[0] if ":" in field else None
