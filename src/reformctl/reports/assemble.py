"""Turning rows of findings and recommendations into the report's plain-data shape.

The queries that choose the rows (public.py, internal.py) decide what may appear;
this module only arranges what it is given, so it cannot leak a field it never got.
"""

from __future__ import annotations

import json

from reformctl import __version__
from reformctl.model.refs import finding_ref, rec_ref
from reformctl.model.statuses import summarise
from reformctl.model.vocab import (
    ACTIVITY_METHODS,
    INTERNAL_MARK,
    PROGRAMS,
    REASONS,
    STATUS_DEFINITIONS,
    STATUSES,
    count_phrase,
)
from reformctl.store import Store

# The version of the report's JSON shape (`report --format json`), not of the store's schema.
REPORT_SCHEMA_VERSION = 2
# Record keys that only the internal report's rows carry.
_INTERNAL_KEYS = ("review", "internal", "notes", "created_by")


def assemble(
    store: Store,
    engagement: dict,
    engagement_id: str,
    as_of: str,
    findings: list[dict],
    recs: list[dict],
    internal: bool = False,
) -> dict:
    engagement = {**engagement, "program_name": PROGRAMS[engagement["program"]]}
    areas = store.rows(
        "SELECT id, number, title, slug FROM focus_areas WHERE engagement_id = ? ORDER BY number",
        (engagement_id,),
    )
    recs_by_finding = _grouped(recs, "_finding")
    findings_by_area = _grouped(findings, "_area")
    counted: list[str] = []  # the status of every live recommendation, for the summary
    out_areas = []
    for area in areas:
        out_findings = [
            _finding_entry(
                area, finding, recs_by_finding.get(finding["_id"], []), counted, internal
            )
            for finding in findings_by_area.get(area["id"], [])
        ]
        out_areas.append(
            {
                "number": area["number"],
                "title": area["title"],
                "slug": area["slug"],
                "under_development": not any(_live(f) for f in out_findings),
                "findings": out_findings,
            }
        )
    report = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "generator": f"reformctl {__version__}",
        "engagement": engagement,
        "as_of": as_of,
        "status_definitions": [
            {"status": key, "label": label, "definition": STATUS_DEFINITIONS[key]}
            for key, label in STATUSES.items()
        ],
        "status_summary": summarise(counted),
        "total_recommendations": len(counted),
        "total_findings": sum(1 for a in out_areas for f in a["findings"] if _live(f)),
        "focus_areas": out_areas,
    }
    activities = activity_counts(store, engagement_id, as_of)
    report["data_collection"] = activities
    report["data_collection_text"] = ", ".join(a["text"] for a in activities)
    if internal:
        # The one place an internal report gets its marking: every renderer prints
        # report["classification"] (first, so that `head` of the JSON shows it).
        report = {"classification": INTERNAL_MARK, **report}
    return report


def _grouped(rows: list[dict], key: str) -> dict[str, list[dict]]:
    """ROWS by their KEY, each group in number order."""
    groups: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["number"]):
        groups.setdefault(row[key], []).append(row)
    return groups


def _live(finding: dict) -> bool:
    """Whether a finding entry counts: neither withdrawn from the public report nor, in the
    internal report, in the withdrawn review state."""
    return not finding.get("withdrawn") and finding.get("review") != "withdrawn"


def _finding_entry(
    area: dict, finding: dict, recs: list[dict], counted: list[str], internal: bool
) -> dict:
    """A finding and its recommendations in the report's shape; the status of each live
    recommendation is added to COUNTED."""
    number = finding_ref(area["number"], finding["number"])
    withdrawn = finding["_review"] == "withdrawn"
    if withdrawn and not internal:
        # Published once, so its number stays on the page, marked withdrawn, with nothing else;
        # so do the numbers of its published recommendations.
        return {
            "number": number,
            "withdrawn": True,
            "recommendations": [
                {
                    "number": rec_ref(area["number"], finding["number"], rec["number"]),
                    "withdrawn": True,
                }
                for rec in recs
            ],
        }
    out_recs = []
    for rec in recs:
        rec_number = rec_ref(area["number"], finding["number"], rec["number"])
        if rec["_review"] == "withdrawn" and not internal:
            out_recs.append({"number": rec_number, "withdrawn": True})
            continue
        entry = _rec_entry(rec_number, rec)
        if rec["_review"] != "withdrawn" and not withdrawn:
            counted.append(entry["status"])
        out_recs.append(entry)
    entry = {
        "number": number,
        "title": finding["title"],
        "body": finding["body"],
        "methods": json.loads(finding["methods"]),
        "recommendations": out_recs,
    }
    entry.update({k: finding[k] for k in _INTERNAL_KEYS if k in finding})
    return entry


def _rec_entry(number: str, rec: dict) -> dict:
    status = rec["status"] or "not-started"
    entry = {
        "number": number,
        "text": rec["text"],
        "priority": rec["priority"],
        "owner": rec["owner"],
        "due": rec["due"],
        "status": status,
        "status_label": STATUSES[status],
        "status_as_of": rec["status_as_of"],
        # The reason category is public; the note and evidence behind it are not.
        "reason": rec.get("status_reason"),
        "reason_label": REASONS.get(rec.get("status_reason") or ""),
    }
    entry.update({k: rec[k] for k in _INTERNAL_KEYS if k in rec})
    return entry


def activity_counts(store: Store, engagement_id: str, as_of: str) -> list[dict]:
    """How many activities of each method took place up to AS_OF: the only public trace of field
    work (no dates, participants, summaries, team or evidence), in the vocabulary's order."""
    counts = {
        row["method"]: row["n"]
        for row in store.rows(
            "SELECT method, COUNT(*) AS n FROM activities WHERE engagement_id = ? AND dated <= ? GROUP BY method",
            (engagement_id, as_of),
        )
    }
    return [
        {"method": method, "count": counts[method], "text": count_phrase(method, counts[method])}
        for method in ACTIVITY_METHODS
        if counts.get(method)
    ]
