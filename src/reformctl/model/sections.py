"""Narrative sections of the report (executive summary, methodology, each focus area's discussion,
appendices): one per NAME and engagement, records like findings. A section starts as a draft,
goes through submit and review (model/review.py), and an edit to an approved one goes back to
review (model/edits.py) while the wording approved before stays public."""

from __future__ import annotations

from reformctl.dates import now
from reformctl.errors import Invalid, NotFound, Remedy
from reformctl.model.events import record_event, record_review
from reformctl.model.frozen import entry_date, require_unfrozen
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.text import MAX_BODY, clean_body, clean_section_name, clean_title
from reformctl.model.vocab import SECTIONS
from reformctl.store import Store

# Where each kind of name prints: the standard sections in their order, each focus area's
# discussion with its chapter (after acknowledgments, before the conclusion), and appendices last, by name.
_CHAPTERS_AFTER = list(SECTIONS).index("acknowledgments")


def print_order(name: str) -> tuple:
    """A sort key putting section NAMEs in the order the report prints them."""
    if name in SECTIONS:
        place = list(SECTIONS).index(name)
        return (place if place <= _CHAPTERS_AFTER else place + 1, 0, name)
    if name.startswith("focus-area-"):
        return (_CHAPTERS_AFTER + 1, int(name.rsplit("-", 1)[1]), name)
    return (len(SECTIONS) + 1, 0, name)


def clean_section_body(value: str | None) -> str:
    """A section's CommonMark source: required, as long as a finding's body may be."""
    body = clean_body(value, "section body", limit=MAX_BODY)
    if not body:
        raise Invalid("section body must not be empty; write the section's text")
    return body


def _area(store: Store, engagement: dict, number: int) -> dict:
    area = store.row(
        "SELECT number, title FROM focus_areas WHERE engagement_id = ? AND number = ?",
        (engagement["id"], number),
    )
    if area is None:
        numbers = ", ".join(
            str(r["number"])
            for r in store.rows(
                "SELECT number FROM focus_areas WHERE engagement_id = ? ORDER BY number",
                (engagement["id"],),
            )
        )
        raise NotFound(
            f"{engagement['site']} has no focus area {number}, so no section focus-area-{number}; "
            f"its focus areas are numbered {numbers or 'nothing yet'}"
        )
    return area


def default_title(name: str, area: dict | None) -> str:
    """'Methodology', 'Focus area 2: Accountability and Oversight', 'Appendix: data sources'."""
    if name in SECTIONS:
        return SECTIONS[name]
    if area is not None:
        return f"Focus area {area['number']}: {area['title']}"[:300]
    return "Appendix: " + name.removeprefix("appendix-").replace("-", " ")


def find_section(store: Store, engagement: dict, name: str) -> dict | None:
    row = store.row(
        "SELECT * FROM sections WHERE engagement_id = ? AND name = ?", (engagement["id"], name)
    )
    if row is not None:
        row["ref"] = row["name"]
    return row


def resolve_section(store: Store, engagement: dict, name: str) -> dict:
    """The section NAME of ENGAGEMENT (its ref is its name), or NotFound listing them."""
    name, _ = clean_section_name(name)
    found = find_section(store, engagement, name)
    if found is None:
        raise NotFound(
            "{site} has no section {name}; write it with {remedy}, or list them with {listing}",
            site=engagement["site"],
            name=name,
            remedy=Remedy("write_section", site=engagement["site"], name=name),
            listing=Remedy("list_sections", site=engagement["site"]),
        )
    return found


def write_section(
    store: Store,
    engagement: dict,
    name: str,
    body: str | None,
    actor: str,
    title: str | None = None,
    dated: str | None = None,
) -> dict:
    """Create section NAME, or change its title and body (an approved one goes back to review)."""
    require_open(engagement)
    name, area_number = clean_section_name(name)
    title = clean_title(title, "section title") if title is not None else None
    body = clean_section_body(body) if body is not None else None
    with store.write():
        existing = find_section(store, engagement, name)
        if existing is not None:
            if dated is not None:
                raise Invalid(
                    f"section {name} exists since {existing['dated']}; a date is given only for a "
                    "new section (a change is dated when it is made)"
                )
            from reformctl.model.edits import edit_record

            result = edit_record(store, engagement, name, {"title": title, "body": body}, actor)
            return {**result, "created": False}
        return _create_section(store, engagement, name, area_number, title, body, dated, actor)


def _create_section(
    store: Store,
    engagement: dict,
    name: str,
    area_number: int | None,
    title: str | None,
    body: str | None,
    dated: str | None,
    actor: str,
) -> dict:
    """Create the new section NAME as a draft (in the caller's transaction)."""
    if body is None:
        raise Invalid(f"section {name} is new: give its text")
    area = _area(store, engagement, area_number) if area_number is not None else None
    day = entry_date(engagement, dated, "section date")
    require_unfrozen(store, engagement, day, f"write section {name}", "section")
    section = {
        "id": new_id(),
        "engagement_id": engagement["id"],
        "name": name,
        "title": title or default_title(name, area),
        "body": body,
        "review": "draft",
        "dated": day,
        "created_at": now(),
        "created_by": actor,
    }
    store.insert("sections", section)
    record_event(
        store,
        actor=actor,
        engagement_id=engagement["id"],
        record_type="section",
        record_id=section["id"],
        ref=name,
        action="create",
        after=section,
    )
    record_review(
        store,
        engagement_id=engagement["id"],
        kind="section",
        record_id=section["id"],
        review="draft",
        actor=actor,
        on_date=day,
    )
    return {
        "number": name,
        "kind": "section",
        "created": True,
        "changed": ["title", "body"],
        "review": "draft",
        "title": section["title"],
        "dated": day,
    }


def list_sections(store: Store, engagement: dict) -> list[dict]:
    """The engagement's sections in print order, with their review state and whether some wording
    of them is approved (what a public report as of today could show)."""
    rows = store.rows(
        """SELECT s.name, s.title, s.review, s.dated, s.created_by, length(s.body) AS characters,
                  EXISTS (SELECT 1 FROM approved_versions v WHERE v.record_id = s.id) AS ever_approved
           FROM sections s WHERE s.engagement_id = ?""",
        (engagement["id"],),
    )
    for row in rows:
        row["ever_approved"] = bool(row["ever_approved"])
    return sorted(rows, key=lambda r: print_order(r["name"]))
