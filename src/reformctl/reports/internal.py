"""The team's working view: every record with its review state, internal notes and
redacted spans, marked INTERNAL — NOT FOR RELEASE in every format. Never published."""

from __future__ import annotations

from reformctl.dates import today
from reformctl.model.engagements import get_engagement
from reformctl.model.internal_flag import internal_at
from reformctl.model.statuses import status_at
from reformctl.reports.assemble import assemble
from reformctl.reports.public import ENGAGEMENT_FIELDS
from reformctl.reports.sections import attach_sections
from reformctl.store import Store


def build_internal_report(store: Store, site: str, as_of: str | None = None) -> dict:
    engagement_row = get_engagement(store, site)
    as_of = as_of or today()
    params = {"eid": engagement_row["id"], "as_of": as_of}
    findings = store.rows(  # the flag as it stood on as_of (model/internal_flag.py), like public.py
        f"""SELECT f.id AS _id, f.focus_area_id AS _area, f.review AS _review, f.number, f.title, f.body,
                  f.methods, f.review, {internal_at("f")} AS internal, f.created_by
           FROM findings f WHERE f.engagement_id = :eid AND f.dated <= :as_of""",
        params,
    )
    recs = store.rows(
        f"""SELECT r.id AS _id, r.finding_id AS _finding, r.review AS _review, r.number, r.text, r.priority,
                   r.owner, r.due, r.review, {internal_at("r")} AS internal, r.created_by,
                   {status_at("status")} AS status, {status_at("as_of")} AS status_as_of
            FROM recommendations r JOIN findings f ON f.id = r.finding_id
            WHERE r.engagement_id = :eid AND r.dated <= :as_of""",
        params,
    )
    sections = store.rows(
        "SELECT id AS _id, name, title, body, review FROM sections WHERE engagement_id = :eid AND dated <= :as_of",
        params,
    )
    notes: dict[str, list[dict]] = {}
    for note in store.rows(
        "SELECT record_id, text, created_at, created_by FROM notes WHERE engagement_id = :eid AND substr(created_at, 1, 10) <= :as_of ORDER BY created_at",
        params,
    ):
        notes.setdefault(note.pop("record_id"), []).append(note)
    for row in findings + recs:
        row["internal"] = bool(row["internal"])
    for row in findings + recs + sections:
        row["notes"] = notes.get(row["_id"], [])
    engagement = {key: engagement_row[key] for key in ENGAGEMENT_FIELDS}
    report = assemble(store, engagement, engagement_row["id"], as_of, findings, recs, internal=True)
    return attach_sections(report, sections)
