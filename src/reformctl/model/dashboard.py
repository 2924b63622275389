"""The monitoring dashboard across engagements: two grouped queries, whatever the number of engagements.

It is the team's view: every recommendation that is not withdrawn counts, whatever its review state.
"""

from __future__ import annotations

from reformctl.dates import now, parse_date, today
from reformctl.errors import Invalid, Option
from reformctl.model.events import record_event
from reformctl.model.guards import require_open
from reformctl.model.statuses import status_at, summarise_counts
from reformctl.store import Store


def schedule_next_update(store: Store, engagement: dict, when: str, actor: str) -> dict:
    """Set the date of the engagement's next scheduled public update (today or later)."""
    require_open(engagement)
    when = parse_date(when, Option("next_update"))
    if when < today():
        raise Invalid(
            "{option} {when} is in the past; today is {today}",
            option=Option("next_update"),
            when=when,
            today=today(),
        )
    with store.write():
        store.execute(
            "UPDATE engagements SET next_update = ? WHERE id = ?", (when, engagement["id"])
        )
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type="engagement",
            record_id=engagement["id"],
            ref=engagement["site"],
            action="schedule",
            before={"next_update": engagement["next_update"]},
            after={"next_update": when},
        )
    return {
        "site": engagement["site"],
        "next_update": when,
        "previous": engagement["next_update"],
        "at": now(),
    }


def dashboard(store: Store, site: str | None = None, as_of: str | None = None) -> list[dict]:
    """Every engagement (or SITE's) with its phase, next update and per-focus-area status counts."""
    as_of = as_of or today()
    params = {"as_of": as_of, "site": site}
    where = "WHERE e.site = :site" if site else ""
    areas = store.rows(
        f"""SELECT e.id AS eid, e.site, e.agency, e.phase, e.next_update, fa.id AS fid, fa.number, fa.title
            FROM engagements e JOIN focus_areas fa ON fa.engagement_id = e.id {where}
            ORDER BY e.site, fa.number""",
        params,
    )
    by_area = _counts_by_area(store, site, params)
    out: dict[str, dict] = {}
    for row in areas:
        engagement = out.setdefault(
            row["eid"],
            {
                "site": row["site"],
                "agency": row["agency"],
                "phase": row["phase"],
                "next_update": row["next_update"],
                "update_overdue": bool(row["next_update"] and row["next_update"] < as_of),
                "as_of": as_of,
                "focus_areas": [],
                "total": 0,
            },
        )
        tally = by_area.get(row["fid"], {})
        total = sum(tally.values())
        engagement["total"] += total
        engagement["focus_areas"].append(
            {
                "number": row["number"],
                "title": row["title"],
                "total": total,
                "statuses": summarise_counts(tally),
            }
        )
    return list(out.values())


def _counts_by_area(store: Store, site: str | None, params: dict) -> dict[str, dict[str, int]]:
    """Each focus area's count of recommendations per status on params["as_of"]."""
    # One pass over every focus area's findings and their recommendations, in index order and
    # counted per focus area as it goes: current_statuses holds each recommendation's latest update,
    # and only one whose latest update is after AS_OF (a dashboard of the past) has its history
    # searched. The past case names the recommendation by rowid so that both joins stay within
    # their covering indexes (migration m008).
    past = status_at(recommendation="(SELECT id FROM recommendations WHERE rowid = r.rowid)")
    counts = store.execute(  # tuples, not dicts: thousands of focus areas at national scale
        f"""SELECT fid, COUNT(*), SUM(status = 'complete'), SUM(status = 'partially-complete'),
                   SUM(status = 'in-progress')
            FROM (SELECT f.focus_area_id AS fid,
                         CASE WHEN cs.as_of <= :as_of THEN cs.status WHEN cs.as_of IS NULL THEN NULL
                              ELSE {past} END AS status
                  FROM findings f CROSS JOIN recommendations r ON r.finding_id = f.id
                  LEFT JOIN current_statuses cs ON cs.recommendation = r.rowid
                  WHERE f.review != 'withdrawn' AND r.review != 'withdrawn' AND r.dated <= :as_of
                    {"AND f.engagement_id = (SELECT id FROM engagements WHERE site = :site)" if site else ""})
            GROUP BY fid""",
        params,
    )
    return {
        fid: {
            "complete": complete or 0,
            "partially-complete": partly or 0,
            "in-progress": going or 0,
            "not-started": total - (complete or 0) - (partly or 0) - (going or 0),
        }
        for fid, total, complete, partly, going in counts
    }
