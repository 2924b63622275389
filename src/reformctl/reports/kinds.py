"""The three report kinds as plain data: status-update, progress and final.

Every kind holds the public report (reports/public.py) plus a per-focus-area summary, the
status counts over time (for the charts) and the changes since the last update; progress and
final add their own sections. Everything comes from the same allow-listed public fields, so a
report of any kind as of a past date is the same whenever it is built.

"The last update" and "the previous progress report": until releases are recorded, both are
the previous quarter end before the report's as-of date (status updates are quarterly).
"""

from __future__ import annotations

from reformctl.model.refs import rec_ref
from reformctl.model.statuses import summarise
from reformctl.model.vocab import PARTIALLY_COMPLETE_MEANING, REASONS, STATUSES
from reformctl.reports.periods import previous_quarter_end, quarter_ends
from reformctl.reports.public import PUBLIC_REC_WHERE, build_public_report
from reformctl.store import Store

KINDS = {
    "status-update": "Status update",
    "progress": "Progress report",
    "final": "Final report",
}

NO_PROGRESS = ("not-started", "partially-complete")

SUSTAINING = (
    "Completing a recommendation is not the end of the work: the changes it brought must be "
    "sustained and institutionalized so that they outlast changes in leadership and staff.",
    "The agency should keep the policies, training and practices adopted here in its regular "
    "review cycle, assign each to a responsible unit, and keep measuring the outcomes it "
    "reports publicly.",
    "Recommendations that remain in progress, partially complete or not started are listed "
    "below so that the agency and the community can follow them after this engagement closes.",
)


def _recommendations(report: dict) -> list[dict]:
    return [
        {**rec, "focus_area": area["number"], "focus_area_title": area["title"], "finding": finding["number"]}
        for area in report["focus_areas"] for finding in area["findings"] for rec in finding["recommendations"]
    ]


def changes_between(before: dict, after: dict) -> dict:
    """New recommendations and status changes from one public report to a later one."""
    old = {rec["number"]: rec for rec in _recommendations(before)}
    new_recs, moved = [], []
    for rec in _recommendations(after):
        was = old.get(rec["number"])
        if was is None:
            new_recs.append({"number": rec["number"], "text": rec["text"], "status": rec["status"],
                             "status_label": rec["status_label"]})
        elif was["status"] != rec["status"]:
            moved.append({"number": rec["number"], "text": rec["text"],
                          "from": was["status"], "from_label": was["status_label"],
                          "to": rec["status"], "to_label": rec["status_label"], "as_of": rec["status_as_of"]})
    return {"since": before["as_of"], "new_recommendations": new_recs, "status_changes": moved}


def area_summaries(report: dict) -> list[dict]:
    out = []
    for area in report["focus_areas"]:
        statuses = [rec["status"] for f in area["findings"] for rec in f["recommendations"]]
        out.append({"number": area["number"], "title": area["title"], "total": len(statuses),
                    "under_development": area["under_development"], "statuses": summarise(statuses)})
    return out


def public_history(store: Store, engagement_id: str, as_of: str) -> dict[str, dict]:
    """Every public recommendation's dated status updates up to AS_OF, in one query."""
    rows = store.rows(
        f"""SELECT r.id AS _id, fa.number AS area, f.number AS finding, r.number AS rec,
                   r.dated AS rec_dated, f.dated AS finding_dated,
                   su.status, su.as_of, su.reason
            FROM status_updates su JOIN recommendations r ON r.id = su.recommendation_id
            JOIN findings f ON f.id = r.finding_id JOIN focus_areas fa ON fa.id = f.focus_area_id
            WHERE r.engagement_id = :eid AND su.as_of <= :as_of AND r.dated <= :as_of
              AND f.dated <= :as_of AND {PUBLIC_REC_WHERE}
            ORDER BY fa.number, f.number, r.number, su.as_of, su.rowid""",
        {"eid": engagement_id, "as_of": as_of},
    )
    out: dict[str, dict] = {}
    for row in rows:
        number = rec_ref(row["area"], row["finding"], row["rec"])
        entry = out.setdefault(number, {"from": max(row["rec_dated"], row["finding_dated"]), "updates": []})
        entry["updates"].append({"as_of": row["as_of"], "status": row["status"],
                                 "status_label": STATUSES[row["status"]], "reason": row["reason"],
                                 "reason_label": REASONS.get(row["reason"] or "")})
    return out


def timeline(history: dict[str, dict], as_of: str) -> list[dict]:
    """Status counts at each quarter end from the first recommendation to AS_OF."""
    if not history:
        return []
    start = min(entry["from"] for entry in history.values())
    points = []
    for day in quarter_ends(start, as_of):
        statuses = []
        for entry in history.values():
            if entry["from"] > day:
                continue
            current = None
            for update in entry["updates"]:
                if update["as_of"] <= day:
                    current = update["status"]
            statuses.append(current or "not-started")
        points.append({"date": day, "total": len(statuses), "statuses": summarise(statuses)})
    return points


def build_report(store: Store, site: str, as_of: str | None = None, kind: str = "status-update",
                 previous: dict | None = None) -> dict:
    """The public report of KIND as plain data. PREVIOUS may name the dates of the last release
    and of the last progress report ({"release": DATE, "progress": DATE}); by default both are
    the previous quarter end."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    report = build_public_report(store, site, as_of)
    as_of = report["as_of"]
    engagement_id = store.value("SELECT id FROM engagements WHERE site = ?", (site,))
    previous = previous or {}
    fallback = previous_quarter_end(as_of)
    basis = previous.get("basis", "previous quarter end")
    since_release = previous.get("release") or fallback
    history = public_history(store, engagement_id, as_of)

    report["kind"] = kind
    report["kind_label"] = KINDS[kind]
    report["focus_area_summary"] = area_summaries(report)
    report["timeline"] = timeline(history, as_of)
    report["changes"] = {**changes_between(build_public_report(store, site, since_release), report),
                         "basis": basis if previous.get("release") else "previous quarter end"}
    report["progress"] = None
    report["final"] = None
    recs = _recommendations(report)
    if kind in ("progress", "final"):
        since_progress = previous.get("progress") or fallback
        start = min((entry["from"] for entry in history.values()), default=None)
        report["progress"] = {
            "period": {"start": start, "end": as_of, "previous_report": since_progress},
            "moved": {**changes_between(build_public_report(store, site, since_progress), report),
                      "basis": "previous progress report" if previous.get("progress") else "previous quarter end"},
            "no_progress": [
                {"number": r["number"], "text": r["text"], "focus_area": r["focus_area"], "status": r["status"],
                 "status_label": r["status_label"], "status_as_of": r["status_as_of"],
                 "reason": r["reason"], "reason_label": r["reason_label"]}
                for r in recs if r["status"] in NO_PROGRESS
            ],
            "partially_complete_meaning": PARTIALLY_COMPLETE_MEANING,
        }
    if kind == "final":
        total = len(recs)
        complete = sum(1 for r in recs if r["status"] == "complete")
        report["final"] = {
            "totals": {
                "findings": report["total_findings"],
                "recommendations": total,
                "complete": complete,
                "percent_complete": round(complete * 100 / total) if total else 0,
            },
            "recommendations": [
                {"number": r["number"], "text": r["text"], "final_status": r["status"],
                 "final_status_label": r["status_label"], "reason_label": r["reason_label"],
                 "history": history.get(r["number"], {"updates": []})["updates"]}
                for r in recs
            ],
            "sustaining": list(SUSTAINING),
            "open_recommendations": [r["number"] for r in recs if r["status"] != "complete"],
        }
    return report
