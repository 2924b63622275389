"""Engagements with 2 to 40 quarters of status history, for the tests of the status chart.

Three recommendations are made in each quarter and move on over the following quarters, so the
totals grow from column to column (where totals crowd each other most), under focus areas with
a long title and an unbroken one (where the focus-area bars must wrap)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from reformctl.reports.periods import quarter_ends

AS_OF = "2026-11-27"  # conftest's REFORMCTL_TODAY: not a quarter end
QUARTERS = (2, 8, 20, 40)
LONG_AREA = (
    "Use of Force Policies, Practices, Training, Supervision, Reporting, Investigation and Review, "
    "with the Early Intervention System and the Community's Role in Holding Officers Accountable"
)
UNBROKEN_AREA = "Supercalifragilistic" * 6
AREAS = [LONG_AREA, "Bias", UNBROKEN_AREA, "Community Policing", "Recruitment"]


def engagement(quarters: int, as_of: str = AS_OF) -> dict:
    """Site qN, whose status chart as of AS_OF has N columns: N-1 quarter ends, then AS_OF."""
    days = quarter_ends("2000-01-01", as_of)[-quarters:-1]
    findings = []
    for q, day in enumerate(days):
        recs = []
        for k in range(3):
            moves = [
                ("in-progress", q + k),
                ("partially-complete", q + k + 2),
                ("complete", q + k + 5),
            ]
            statuses = [
                {"status": s, "as_of": _dt.date.fromisoformat(days[i])}
                for s, i in moves
                if i < len(days)
            ]
            recs.append(
                {
                    "text": f"Recommendation {k + 1} of quarter {q + 1}.",
                    "statuses": statuses,
                    "dated": _dt.date.fromisoformat(day),
                }
            )
        findings.append(
            {
                "focus_area": q % 4 + 1,
                "title": f"Finding of quarter {q + 1}",
                "dated": _dt.date.fromisoformat(day),
                "recommendations": recs,
            }
        )
    return {
        "site": f"q{quarters}",
        "agency": f"Quarter {quarters} Police Department",
        "state": "TX",
        "program": "organizational-assessment",
        "announced": _dt.date.fromisoformat(days[0]),
        "focus_areas": AREAS,
        "findings": findings,
    }


def load_histories(db: Path, quarters: tuple[int, ...] = QUARTERS) -> None:
    """The engagements of QUARTERS into the store DB, through the library: the CLI would take far
    longer for hundreds of status updates, and the reports are then made through the CLI."""
    from reformctl.exchange.engagement_file import load_engagement
    from reformctl.store import open_store

    store = open_store(db)
    try:
        for n in quarters:
            load_engagement(store, engagement(n), "test", "tester", approved_by="A. Reviewer")
    finally:
        store.close()
