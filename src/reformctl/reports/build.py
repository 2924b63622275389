"""Building a report of any kind as plain data: status-update, progress, final and assessment.

Every kind holds the report of reports/public.py (or, for --internal, reports/internal.py) plus
a per-focus-area summary, the status counts at each quarter end (for the charts) and the
changes since the last release; progress and final add their own sections, and the assessment
report its narrative sections and the list of all recommendations (reports/sections.py). Everything is
derived from the report's own rows, or from earlier reports built the same way, so a report
of any kind as of a past date is the same whenever it is built.

"The last release" is the engagement's latest release (any kind) with an as-of date before
this report's, and "the previous progress report" its latest progress release before it; the
public report compares with what that release published (its stored snapshot). An engagement
without such a release compares with the previous quarter end (status updates are quarterly).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from typing import Callable

from reformctl.model.confidential import protected_terms
from reformctl.model.internal_flag import flag_changes, internal_on
from reformctl.model.refs import rec_ref
from reformctl.model.statuses import summarise
from reformctl.model.vocab import (
    PARTIALLY_COMPLETE_MEANING,
    REASON_STATUSES,
    REASONS,
    REPORT_KINDS,
    STATUSES,
)
from reformctl.reports.periods import previous_quarter_end, quarter_ends
from reformctl.reports.public import build_public_report, scrub_public
from reformctl.reports.sections import sections_for_kind
from reformctl.store import Store

# "Recommendations with no progress": not started, or stopped short, the statuses a reason explains.
NO_PROGRESS = REASON_STATUSES

SUSTAINING = (
    "Completing a recommendation is not the end of the work: the changes it brought must be "
    "sustained and institutionalized so that they outlast changes in leadership and staff.",
    "The agency should keep the policies, training and practices adopted here in its regular "
    "review cycle, assign each to a responsible unit, and keep measuring the outcomes it "
    "reports publicly.",
    "Recommendations that remain in progress, partially complete or not started are listed "
    "below so that the agency and the community can follow them after this engagement closes.",
)


def _live(record: dict) -> bool:
    return not record.get("withdrawn") and record.get("review") != "withdrawn"


def _recommendations(report: dict) -> list[dict]:
    """The recommendations a report counts: not withdrawn, under a finding that is not withdrawn."""
    return [
        {
            **rec,
            "focus_area": area["number"],
            "focus_area_title": area["title"],
            "finding": finding["number"],
        }
        for area in report["focus_areas"]
        for finding in area["findings"]
        if _live(finding)
        for rec in finding.get("recommendations", [])
        if _live(rec)
    ]


def changes_between(before: dict, after: dict) -> dict:
    """New recommendations and status changes from one report to a later one."""
    old = {rec["number"]: rec for rec in _recommendations(before)}
    new_recs, moved = [], []
    for rec in _recommendations(after):
        was = old.get(rec["number"])
        if was is None:
            new_recs.append(
                {
                    "number": rec["number"],
                    "text": rec["text"],
                    "status": rec["status"],
                    "status_label": rec["status_label"],
                }
            )
        elif was["status"] != rec["status"]:
            moved.append(
                {
                    "number": rec["number"],
                    "text": rec["text"],
                    "from": was["status"],
                    "from_label": STATUSES[was["status"]],
                    "to": rec["status"],
                    "to_label": rec["status_label"],
                    "as_of": rec["status_as_of"],
                }
            )
    return {"since": before["as_of"], "new_recommendations": new_recs, "status_changes": moved}


def area_summaries(report: dict) -> list[dict]:
    out = []
    for area in report["focus_areas"]:
        statuses = [
            rec["status"]
            for f in area["findings"]
            if _live(f)
            for rec in f.get("recommendations", [])
            if _live(rec)
        ]
        out.append(
            {
                "number": area["number"],
                "title": area["title"],
                "total": len(statuses),
                "under_development": area["under_development"],
                "statuses": summarise(statuses),
            }
        )
    return out


def status_histories(
    store: Store, engagement_id: str, as_of: str, numbers: set[str]
) -> dict[str, list[dict]]:
    """The dated status updates up to AS_OF of the recommendations numbered NUMBERS, in one query.

    Only the status, its date and its reason category are read: notes and evidence stay private."""
    rows = store.rows(
        """SELECT fa.number AS area, f.number AS finding, r.number AS rec, su.status, su.as_of, su.reason
           FROM status_updates su JOIN recommendations r ON r.id = su.recommendation_id
           JOIN findings f ON f.id = r.finding_id JOIN focus_areas fa ON fa.id = f.focus_area_id
           WHERE r.engagement_id = :eid AND su.as_of <= :as_of
           ORDER BY fa.number, f.number, r.number, su.as_of, su.rowid""",
        {"eid": engagement_id, "as_of": as_of},
    )
    out: dict[str, list[dict]] = {}
    for row in rows:
        number = rec_ref(row["area"], row["finding"], row["rec"])
        if number in numbers:
            out.setdefault(number, []).append(
                {
                    "as_of": row["as_of"],
                    "status": row["status"],
                    "status_label": STATUSES[row["status"]],
                    "reason": row["reason"],
                    "reason_label": REASONS.get(row["reason"] or ""),
                }
            )
    return out


def timeline(
    store: Store, engagement_id: str, report: dict, histories: dict[str, list[dict]], internal: bool
) -> list[dict]:
    """Status counts at each quarter end from the first recommendation to the report's date,
    each point counting what the report would have counted on that day."""
    starts = [updates[0]["as_of"] for updates in histories.values() if updates]
    if not starts:
        return []
    days = quarter_ends(min(starts), report["as_of"])
    earlier = statuses_on_days(
        store, engagement_id, [d for d in days if d != report["as_of"]], internal
    )
    points = []
    for day in days:
        statuses = (
            [rec["status"] for rec in _recommendations(report)]
            if day == report["as_of"]
            else earlier[day]
        )
        points.append({"date": day, "total": len(statuses), "statuses": summarise(statuses)})
    return points


def _at(history: tuple[list[str], list[str]] | None, day: str, default=None):
    """The value of a dated history (dates sorted, values alike) on DAY: its last entry on or before it."""
    if not history:
        return default
    i = bisect_right(history[0], day)
    return history[1][i - 1] if i else default


def _histories(rows) -> dict[str, tuple[list[str], list[str]]]:
    out: dict[str, tuple[list[str], list[str]]] = {}
    for record_id, day, value in rows:
        dates, values = out.setdefault(record_id, ([], []))
        dates.append(day)
        values.append(value)
    return out


def statuses_on_days(
    store: Store, engagement_id: str, days: list[str], internal: bool
) -> dict[str, list[str]]:
    """For each day, the statuses the report of that day counts, from four queries in all rather
    than one report a day: the same rules as public.py (approved by then, not withdrawn, not
    internal) or, for the internal view, every record not withdrawn."""
    if not days:
        return {}
    recs = store.execute(
        """SELECT r.id, r.dated, f.id, f.dated, r.internal, f.internal, r.review = 'withdrawn' OR f.review = 'withdrawn'
           FROM recommendations r JOIN findings f ON f.id = r.finding_id WHERE r.engagement_id = ?""",
        (engagement_id,),
    ).fetchall()
    statuses = _histories(
        store.execute(
            """SELECT su.recommendation_id, su.as_of, su.status FROM status_updates su
           JOIN recommendations r ON r.id = su.recommendation_id WHERE r.engagement_id = ?
           ORDER BY su.recommendation_id, su.as_of, su.rowid""",
            (engagement_id,),
        )
    )
    reviews, approved = _reviews_and_approvals(store, engagement_id)
    flags = flag_changes(store, engagement_id)
    out: dict[str, list[str]] = {day: [] for day in days}
    for rec_id, rec_dated, finding_id, finding_dated, rec_flag, finding_flag, withdrawn_now in recs:
        if internal and withdrawn_now:
            continue
        if not internal and (rec_id not in approved or finding_id not in approved):
            continue
        status_history = statuses.get(rec_id)
        for day in days:
            if rec_dated > day or finding_dated > day:
                continue
            # The flag as it stood that day (model/internal_flag.py), as public.py reads it.
            if not internal and (
                internal_on(flags.get(rec_id), rec_flag, day)
                or internal_on(flags.get(finding_id), finding_flag, day)
                or approved[rec_id] > day
                or approved[finding_id] > day
                or _at(reviews.get(rec_id), day) == "withdrawn"
                or _at(reviews.get(finding_id), day) == "withdrawn"
            ):
                continue
            out[day].append(_at(status_history, day, "not-started"))
    return out


def _reviews_and_approvals(store: Store, engagement_id: str) -> tuple[dict, dict[str, str]]:
    """The engagement's records' review histories, and the day each was first approved."""
    # From the engagement's records into the histories by record id: both tables are indexed by
    # record, and a national store holds every engagement's history.
    records = """SELECT id FROM findings WHERE engagement_id = :eid
                 UNION ALL SELECT id FROM recommendations WHERE engagement_id = :eid"""
    reviews = _histories(
        store.execute(
            f"""SELECT rh.record_id, rh.on_date, rh.review FROM review_history rh
            WHERE rh.record_id IN ({records}) ORDER BY rh.record_id, rh.on_date, rh.rowid""",
            {"eid": engagement_id},
        )
    )
    approved = dict(
        store.execute(
            f"""SELECT v.record_id, MIN(v.on_date) FROM approved_versions v
            WHERE v.record_id IN ({records}) GROUP BY v.record_id""",
            {"eid": engagement_id},
        ).fetchall()
    )
    return reviews, approved


def last_release(
    store: Store, engagement_id: str, as_of: str, kind: str | None = None
) -> dict | None:
    sql = "SELECT number, kind, as_of, snapshot FROM releases WHERE engagement_id = ? AND as_of < ?"
    params: list = [engagement_id, as_of]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return store.row(sql + " ORDER BY as_of DESC, number DESC LIMIT 1", params)


def _compare_with(
    store: Store,
    engagement_id: str,
    as_of: str,
    build: Callable[[str], dict],
    internal: bool,
    kind: str | None = None,
) -> tuple[dict, str]:
    """The earlier report to compare with, and a phrase saying which it is."""
    release = last_release(store, engagement_id, as_of, kind)
    if release is None:
        return build(previous_quarter_end(as_of)), "previous quarter end"
    basis = f"release {release['number']}, {release['kind']}"
    if internal:
        return build(release["as_of"]), basis
    return json.loads(release["snapshot"]), basis


def build_report(
    store: Store,
    site: str,
    as_of: str | None = None,
    kind: str = "status-update",
    internal: bool = False,
) -> dict:
    """The report of KIND as plain data: public, or the team's internal view with INTERNAL."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    if internal:
        from reformctl.reports.internal import build_internal_report as base
    else:
        base = build_public_report
    report = base(store, site, as_of)
    as_of = report["as_of"]
    engagement_id = store.value("SELECT id FROM engagements WHERE site = ?", (site,))
    cache: dict[str, dict] = {}

    def build(day: str) -> dict:
        if day not in cache:
            cache[day] = base(store, site, day)
        return cache[day]

    recs = _recommendations(report)
    histories = status_histories(store, engagement_id, as_of, {r["number"] for r in recs})
    before, basis = _compare_with(store, engagement_id, as_of, build, internal)
    report["kind"] = kind
    report["kind_label"] = REPORT_KINDS[kind]
    report["focus_area_summary"] = area_summaries(report)
    report["timeline"] = timeline(store, engagement_id, report, histories, internal)
    report["changes"] = {**changes_between(before, report), "basis": basis}
    report["progress"] = None
    report["final"] = None
    if kind in ("progress", "final"):
        previous, previous_basis = _compare_with(
            store, engagement_id, as_of, build, internal, "progress"
        )
        report["progress"] = _progress(report, recs, histories, previous, previous_basis)
    sections_for_kind(report, kind)
    if kind == "assessment":  # the appendix that lists every recommendation
        report["all_recommendations"] = [
            {
                key: r[key]
                for key in ("number", "text", "owner", "priority", "finding", "focus_area")
            }
            for r in recs
        ]
    if kind == "final":
        report["final"] = _final(report, recs, histories)
    if (
        not internal
    ):  # every string added here comes from scrubbed reports; scrub again all the same
        report = scrub_public(report, protected_terms(store, engagement_id))
    return report


def _progress(
    report: dict, recs: list[dict], histories: dict, previous: dict, previous_basis: str
) -> dict:
    """A progress (or final) report's section: its period, what moved since the previous progress
    report, and the recommendations with no progress."""
    start = min((updates[0]["as_of"] for updates in histories.values() if updates), default=None)
    fields = ("number", "text", "focus_area", "status", "status_label", "status_as_of")
    return {
        "period": {"start": start, "end": report["as_of"], "previous_report": previous["as_of"]},
        "moved": {**changes_between(previous, report), "basis": previous_basis},
        "no_progress": [
            {
                **{key: r[key] for key in fields},
                "reason": r.get("reason"),
                "reason_label": r.get("reason_label"),
            }
            for r in recs
            if r["status"] in NO_PROGRESS
        ],
        "partially_complete_meaning": PARTIALLY_COMPLETE_MEANING,
    }


def _final(report: dict, recs: list[dict], histories: dict) -> dict:
    """A final report's section: the engagement's totals and each recommendation's final status."""
    total = len(recs)
    complete = sum(1 for r in recs if r["status"] == "complete")
    return {
        "totals": {
            "findings": report["total_findings"],
            "recommendations": total,
            "complete": complete,
            "percent_complete": round(complete * 100 / total) if total else 0,
        },
        "recommendations": [
            {
                "number": r["number"],
                "text": r["text"],
                "final_status": r["status"],
                "final_status_label": r["status_label"],
                "reason_label": r.get("reason_label"),
                "history": histories.get(r["number"], []),
            }
            for r in recs
        ],
        "sustaining": list(SUSTAINING),
        "open_recommendations": [r["number"] for r in recs if r["status"] != "complete"],
    }
