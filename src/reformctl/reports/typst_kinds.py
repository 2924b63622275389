"""The PDF report's sections that depend on its kind (sections.html.j2's): status by focus area
and over time (charts with their tables), changes since an earlier report, a progress report's
period and what moved, a final report's totals and each recommendation's history."""

from __future__ import annotations

from reformctl.model.vocab import STATUSES
from reformctl.reports.typst_body import Markup, table
from reformctl.reports.typst_markup import lit
from reformctl.reports.wording import long_date

GREY = 'rgb("#555d66")'
PENDING = f'style: "italic", fill: {GREY}'


def kind_sections(body, r: dict) -> str:
    """BODY (a typst_body.Body) writes headings and paragraphs; R is the report."""
    out = []
    if r.get("focus_area_summary"):
        out.append(_by_area(body, r["focus_area_summary"]))
    if r.get("timeline"):
        from reformctl.reports.charts import status_over_time

        out.append(body.heading(1, "Status over time", "over-time"))
        out.append(body.chart("timeline", status_over_time(r["timeline"])))
    if r.get("changes") is not None:
        out.append(_changes(body, r["changes"]))
    if r.get("progress"):
        out.append(_progress(body, r["progress"]))
    if r.get("final"):
        out.append(_final(body, r["final"]))
    return "".join(out)


def _by_area(body, areas: list[dict]) -> str:
    from reformctl.reports.charts import focus_area_bars

    rows = [
        [
            f"{a['number']}. {a['title']}",
            *[
                f"{row['count']}" + (f" ({row['percent']}%)" if a["total"] else "")
                for row in a["statuses"]
            ],
            str(a["total"]),
        ]
        for a in areas
    ]
    return (
        body.heading(1, "Status by focus area", "by-focus-area")
        + body.chart("areas", focus_area_bars(areas))
        + table(["Focus area", *STATUSES.values(), "Total"], rows)
    )


def _items(items: list[str]) -> str:
    return "#list(" + "".join(f"[{item}], " for item in items) + ")\n\n"


def _changes(body, c: dict) -> str:
    since = long_date(c["since"])
    out = [
        body.heading(1, f"Changes since {since}", "changes"),
        body.para(
            f"Compared with the report as of {since} ({c['basis']}).", f"size: 9pt, fill: {GREY}"
        ),
    ]
    if not c["new_recommendations"] and not c["status_changes"]:
        out.append(body.para("No new recommendations and no status changes.", PENDING))
    if c["new_recommendations"]:
        out.append(body.heading(2, "New recommendations", None))
        out.append(
            _items(
                [
                    f"{body.ref(n['number'])} {lit(n['text'])} #strong[{lit(n['status_label'])}]"
                    for n in c["new_recommendations"]
                ]
            )
        )
    if c["status_changes"]:
        out.append(body.heading(2, "Status changes", None))
        out.append(
            _items(
                [
                    f"{body.ref(s['number'])}{lit(': ' + s['from_label'] + ' → ')}#strong[{lit(s['to_label'])}]"
                    f"{lit(' (as of ' + long_date(s['as_of']) + ')')}"
                    for s in c["status_changes"]
                ]
            )
        )
    return "".join(out)


def _progress(body, p: dict) -> str:
    period, moved = p["period"], p["moved"]
    start = long_date(period["start"]) if period.get("start") else "the first recommendation"
    out = [
        body.heading(1, "Implementation period", "period"),
        body.para(
            f"This progress report covers implementation from {start} to {long_date(period['end'])}; "
            f"the previous progress report was as of {long_date(period['previous_report'])}."
        ),
        body.heading(1, "What moved since the previous progress report", "moved"),
    ]
    if not moved["new_recommendations"] and not moved["status_changes"]:
        out.append(body.para(f"Nothing moved since {long_date(moved['since'])}.", PENDING))
    items = [
        f"{lit('New: ')}{body.ref(n['number'])}{lit(' (' + n['status_label'] + ')')}"
        for n in moved["new_recommendations"]
    ]
    items += [
        f"{body.ref(s['number'])}{lit(': ' + s['from_label'] + ' → ')}#strong[{lit(s['to_label'])}]"
        for s in moved["status_changes"]
    ]
    if items:
        out.append(_items(items))
    out.append(body.heading(1, "Recommendations with no progress", "no-progress"))
    out.append(
        f'#block(inset: (left: 8pt), stroke: (left: 2pt + rgb("#12355b")))[{lit(p["partially_complete_meaning"])}]\n\n'
    )
    if p["no_progress"]:
        out.append(
            table(
                ["No.", "Status", "Reason"],
                [
                    [
                        Markup(body.ref(n["number"])),
                        n["status_label"],
                        n["reason_label"] or "Not given",
                    ]
                    for n in p["no_progress"]
                ],
            )
        )
    else:
        out.append(body.para("Every recommendation has made progress.", PENDING))
    return "".join(out)


def _final(body, f: dict) -> str:
    t = f["totals"]
    out = [
        body.heading(1, "Totals for the engagement", "totals"),
        table(
            ["", "Count"],
            [
                ["Findings", str(t["findings"])],
                ["Recommendations", str(t["recommendations"])],
                ["Complete", f"{t['complete']} ({t['percent_complete']}%)"],
            ],
        ),
        body.heading(1, "Final status of each recommendation", "final-status"),
    ]
    items = []
    for rec in f["recommendations"]:
        reason = f" ({rec['reason_label']})" if rec.get("reason_label") else ""
        steps = " → ".join(f"{u['status_label']} ({long_date(u['as_of'])})" for u in rec["history"])
        items.append(
            f"{body.ref(rec['number'])} #strong[{lit(rec['final_status_label'])}]{lit(reason + ': ' + steps)}"
        )
    if items:
        out.append(_items(items))
    out.append(body.heading(1, "Sustaining the changes", "sustaining"))
    out += [body.para(para) for para in f["sustaining"]]
    if f.get("open_recommendations"):
        out.append(
            body.para(
                "Recommendations to follow after the engagement closes: "
                + ", ".join(f["open_recommendations"])
                + "."
            )
        )
    return "".join(out)
