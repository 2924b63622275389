"""The monitoring dashboard across engagements: two grouped queries, whatever the number of engagements.

It is the team's view: every recommendation that is not withdrawn counts, whatever its review state.
"""

from __future__ import annotations

from reformctl.dates import now, parse_date, today
from reformctl.errors import Invalid
from reformctl.model.events import record_event
from reformctl.model.guards import require_open
from reformctl.model.statuses import status_at, summarise
from reformctl.store import Store


def schedule_next_update(store: Store, engagement: dict, when: str, actor: str) -> dict:
    """Set the date of the engagement's next scheduled public update (today or later)."""
    require_open(engagement)
    when = parse_date(when, "--next-update date")
    if when < today():
        raise Invalid(f"--next-update {when} is in the past; today is {today()}")
    with store.write():
        store.execute("UPDATE engagements SET next_update = ? WHERE id = ?", (when, engagement["id"]))
        record_event(store, actor=actor, engagement_id=engagement["id"], record_type="engagement",
                     record_id=engagement["id"], ref=engagement["site"], action="schedule",
                     before={"next_update": engagement["next_update"]}, after={"next_update": when})
    return {"site": engagement["site"], "next_update": when, "previous": engagement["next_update"], "at": now()}


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
    counts = store.rows(
        f"""SELECT x.focus_area_id AS fid, x.status, COUNT(*) AS n FROM (
                SELECT f.focus_area_id, {status_at()} AS status
                FROM recommendations r JOIN findings f ON f.id = r.finding_id
                JOIN engagements e ON e.id = r.engagement_id
                {where} {"AND" if site else "WHERE"} r.review != 'withdrawn' AND f.review != 'withdrawn'
                  AND r.dated <= :as_of
            ) x GROUP BY x.focus_area_id, x.status""",
        params,
    )
    by_area: dict[str, list[str]] = {}
    for row in counts:
        by_area.setdefault(row["fid"], []).extend([row["status"] or "not-started"] * row["n"])
    out: dict[str, dict] = {}
    for row in areas:
        engagement = out.setdefault(row["eid"], {
            "site": row["site"], "agency": row["agency"], "phase": row["phase"],
            "next_update": row["next_update"],
            "update_overdue": bool(row["next_update"] and row["next_update"] < as_of),
            "as_of": as_of, "focus_areas": [], "total": 0,
        })
        statuses = by_area.get(row["fid"], [])
        engagement["total"] += len(statuses)
        engagement["focus_areas"].append({"number": row["number"], "title": row["title"], "total": len(statuses),
                                          "statuses": summarise(statuses)})
    return list(out.values())
