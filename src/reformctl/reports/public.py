"""The public report, built from an allow-list of public fields.

Nothing here filters a full record: each query names the columns that may be
published, so a column added to the store later stays private until it is
added to one of these lists on purpose.
"""

from __future__ import annotations

import json
import re

from reformctl import __version__
from reformctl.dates import today
from reformctl.model.engagements import get_engagement
from reformctl.model.refs import finding_ref, rec_ref
from reformctl.model.statuses import status_at, summarise
from reformctl.model.vocab import ACTIVITY_METHODS, PROGRAMS, STATUS_DEFINITIONS, STATUSES, count_phrase
from reformctl.store import Store

SCHEMA_VERSION = 1

# Which findings and recommendations are public at all.
PUBLIC_FINDING_WHERE = "f.internal = 0 AND f.review != 'withdrawn'"
PUBLIC_REC_WHERE = f"{PUBLIC_FINDING_WHERE} AND r.internal = 0 AND r.review != 'withdrawn'"

ENGAGEMENT_FIELDS = ("site", "agency", "city", "state", "program", "announced", "public_url")
FINDING_FIELDS = ("f.number", "f.title", "f.body", "f.methods")
REC_FIELDS = ("r.number", "r.text", "r.priority", "r.owner", "r.due")

REDACTION_RE = re.compile(r"\[\[.*?(\]\]|\Z)", re.S)


def redact(text: str) -> str:
    """Drop [[...]] spans (an unclosed one runs to the end of the text) and tidy the spaces left."""
    cleaned = REDACTION_RE.sub("", text or "")
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    cleaned = re.sub(r" +([.,;:!?)])", r"\1", cleaned)
    return cleaned.strip()


def build_public_report(store: Store, site: str, as_of: str | None = None) -> dict:
    """The public report of SITE as it stood on AS_OF (default today), as plain data."""
    engagement_row = get_engagement(store, site)
    as_of = as_of or today()
    eid = engagement_row["id"]
    engagement = {key: engagement_row[key] for key in ENGAGEMENT_FIELDS}
    engagement["program_name"] = PROGRAMS[engagement["program"]]

    params = {"eid": eid, "as_of": as_of}
    areas = store.rows(
        "SELECT id, number, title, slug FROM focus_areas WHERE engagement_id = :eid ORDER BY number", params
    )
    findings = store.rows(
        f"""SELECT f.id AS _id, fa.id AS _area, {', '.join(FINDING_FIELDS)}
            FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
            WHERE f.engagement_id = :eid AND f.dated <= :as_of AND {PUBLIC_FINDING_WHERE}
            ORDER BY fa.number, f.number""",
        params,
    )
    recs = store.rows(
        f"""SELECT r.finding_id AS _finding, {', '.join(REC_FIELDS)},
                   {status_at('status')} AS status, {status_at('as_of')} AS status_as_of
            FROM recommendations r JOIN findings f ON f.id = r.finding_id
            WHERE r.engagement_id = :eid AND r.dated <= :as_of AND f.dated <= :as_of AND {PUBLIC_REC_WHERE}
            ORDER BY r.finding_id, r.number""",
        params,
    )
    recs_by_finding: dict[str, list[dict]] = {}
    for rec in recs:
        recs_by_finding.setdefault(rec.pop("_finding"), []).append(rec)
    findings_by_area: dict[str, list[dict]] = {}
    for finding in findings:
        findings_by_area.setdefault(finding.pop("_area"), []).append(finding)

    all_statuses: list[str] = []
    out_areas = []
    for area in areas:
        out_findings = []
        for finding in findings_by_area.get(area["id"], []):
            out_recs = []
            for rec in recs_by_finding.get(finding["_id"], []):
                status = rec["status"] or "not-started"
                all_statuses.append(status)
                out_recs.append({
                    "number": rec_ref(area["number"], finding["number"], rec["number"]),
                    "text": redact(rec["text"]),
                    "priority": rec["priority"],
                    "owner": rec["owner"],
                    "due": rec["due"],
                    "status": status,
                    "status_label": STATUSES[status],
                    "status_as_of": rec["status_as_of"],
                })
            out_findings.append({
                "number": finding_ref(area["number"], finding["number"]),
                "title": redact(finding["title"]),
                "body": redact(finding["body"]),
                "methods": json.loads(finding["methods"]),
                "recommendations": out_recs,
            })
        out_areas.append({
            "number": area["number"],
            "title": area["title"],
            "slug": area["slug"],
            "under_development": not out_findings,
            "findings": out_findings,
        })
    summary = summarise(all_statuses)
    activities = activity_counts(store, eid, as_of)
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"reformctl {__version__}",
        "engagement": engagement,
        "as_of": as_of,
        "status_definitions": [
            {"status": key, "label": label, "definition": STATUS_DEFINITIONS[key]}
            for key, label in STATUSES.items()
        ],
        "status_summary": summary,
        "total_recommendations": len(all_statuses),
        "total_findings": sum(len(a["findings"]) for a in out_areas),
        "data_collection": activities,
        "data_collection_text": ", ".join(a["text"] for a in activities),
        "focus_areas": out_areas,
    }


def activity_counts(store: Store, engagement_id: str, as_of: str) -> list[dict]:
    """How many activities of each method took place up to AS_OF: the only public trace of field
    work (no dates, participants, summaries, team or evidence), in the vocabulary's order."""
    counts = {row["method"]: row["n"] for row in store.rows(
        "SELECT method, COUNT(*) AS n FROM activities WHERE engagement_id = ? AND dated <= ? GROUP BY method",
        (engagement_id, as_of))}
    return [{"method": method, "count": counts[method], "text": count_phrase(method, counts[method])}
            for method in ACTIVITY_METHODS if counts.get(method)]
