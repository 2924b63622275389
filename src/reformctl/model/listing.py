"""The team's view of findings with their recommendations: two queries, joined in memory."""

from __future__ import annotations

import json

from reformctl.dates import today
from reformctl.model.refs import finding_ref, rec_ref
from reformctl.model.sites import resolve_focus_area
from reformctl.model.status_query import status_at
from reformctl.model.vocab import STATUSES
from reformctl.store import Store


def findings_with_recommendations(
    store: Store,
    engagement: dict,
    focus_area: str | None = None,
    review: str | None = None,
    status: str | None = None,
) -> list[dict]:
    """Findings with their recommendations. REVIEW keeps findings in that review state; STATUS keeps
    the recommendations whose current implementation status it is, and the findings that have one."""
    clause, params = _where(store, engagement, focus_area, review)
    findings = store.rows(
        f"""SELECT f.id, fa.number AS focus_area, fa.title AS focus_area_title, f.number, f.title, f.body,
                   f.methods, f.internal, f.review, f.dated, f.created_by
            FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
            WHERE {clause} ORDER BY fa.number, f.number""",
        params,
    )
    by_finding = _recommendations_by_finding(store, clause, params)
    evidence = _evidence_by_finding(store, clause, params)
    out = []
    for f in findings:
        children = _children(f, by_finding.get(f["id"], []))
        if status is not None:
            children = [c for c in children if c["status"] == status]
            if not children:
                continue
        out.append(
            {
                **f,
                "number": finding_ref(f["focus_area"], f["number"]),
                "methods": json.loads(f["methods"]),
                "internal": bool(f["internal"]),
                "evidence": evidence.get(f["id"], []),
                "recommendations": children,
            }
        )
    return out


def _where(
    store: Store, engagement: dict, focus_area: str | None, review: str | None
) -> tuple[str, dict]:
    """The condition on findings f that the listing's queries share, and its parameters."""
    where = ["f.engagement_id = :eid"]
    params: dict = {"eid": engagement["id"], "as_of": today()}
    if focus_area is not None:
        params["area"] = resolve_focus_area(store, engagement, focus_area)["id"]
        where.append("f.focus_area_id = :area")
    if review is not None:
        params["review"] = review
        where.append("f.review = :review")
    return " AND ".join(where), params


def _recommendations_by_finding(store: Store, clause: str, params: dict) -> dict[str, list[dict]]:
    recs = store.rows(
        f"""SELECT r.id, r.finding_id, r.number, r.text, r.priority, r.owner, r.due, r.review, r.dated,
                   r.created_by, {status_at("status")} AS status, {status_at("as_of")} AS status_as_of
            FROM recommendations r JOIN findings f ON f.id = r.finding_id
            WHERE {clause} ORDER BY r.finding_id, r.number""",
        params,
    )
    by_finding: dict[str, list[dict]] = {}
    for rec in recs:
        by_finding.setdefault(rec.pop("finding_id"), []).append(rec)
    return by_finding


def _evidence_by_finding(store: Store, clause: str, params: dict) -> dict[str, list[str]]:
    evidence: dict[str, list[str]] = {}  # the team's view: which activities each finding rests on
    for row in store.rows(
        f"""SELECT e.finding_id, e.activity_id FROM finding_evidence e JOIN findings f ON f.id = e.finding_id
            WHERE {clause} ORDER BY e.activity_id""",
        params,
    ):
        evidence.setdefault(row["finding_id"], []).append(row["activity_id"])
    return evidence


def _children(finding: dict, recs: list[dict]) -> list[dict]:
    """A finding's recommendations with their numbers and current status (Not Started if none)."""
    children = []
    for rec in recs:
        current = rec["status"] or "not-started"
        children.append(
            {
                **rec,
                "number": rec_ref(finding["focus_area"], finding["number"], rec["number"]),
                "status": current,
                "status_label": STATUSES[current],
            }
        )
    return children
