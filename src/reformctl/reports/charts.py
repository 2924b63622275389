"""The report's pictures as inline SVG: built from plain data with every text XML-escaped.

No script and no outside reference, so the HTML stays one self-contained file and WeasyPrint
draws the same pictures in the PDF. Statuses differ in lightness and Partially Complete is
hatched, and every segment and column carries its count as text where it fits, so nothing
depends on colour alone and a greyscale printout reads the same. Every text is placed from its
estimated box (chart_text.py), and a text that would overlap another is left out rather than
drawn over it; the numbers all stay in the chart's description and in each segment's tooltip.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from reformctl.model.vocab import STATUSES
from reformctl.reports.chart_text import Box, Label, place, text_width, wrap
from reformctl.reports.wording import long_date

# (fill, text colour): from dark to light, so the order survives greyscale printing.
FILLS = {
    "complete": ("#1d3f2c", "#ffffff"),
    "partially-complete": ("url(#{p}-hatch)", "#ffffff"),
    "in-progress": ("#8fb8de", "#111111"),
    "not-started": ("#f1f1f1", "#111111"),
}
HATCH_BASE = "#6e5412"
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
WIDTH = 480
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _defs(prefix: str) -> str:
    return (
        f'<defs><pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{HATCH_BASE}"/>'
        f'<rect width="2" height="6" fill="#b89a4c"/></pattern></defs>'
    )


def _fill(status: str, prefix: str) -> str:
    return FILLS[status][0].format(p=prefix)


def _count(label: Label, status: str) -> str:
    """A count on a segment; on the hatch it sits on a patch of the hatch's dark colour, since
    white on the hatch's light stripes would not have the contrast to be read."""
    if status != "partially-complete":
        return label.svg()
    box = label.box()
    return (
        f'<rect x="{box.left - 2:.1f}" y="{box.top - 1:.1f}" width="{box.right - box.left + 4:.1f}" '
        f'height="{box.bottom - box.top + 2:.1f}" rx="2" fill="{HATCH_BASE}"/>{label.svg()}'
    )


def _legend(prefix: str) -> tuple[str, float, list[Box]]:
    """Swatch and name of each status, on as many rows as the width needs: the SVG, its height and its boxes."""
    parts, boxes, x, y = [], [], 0.0, 0.0
    for status, name in STATUSES.items():
        item = 19 + text_width(name, 12)
        if x and x + item > WIDTH:
            x, y = 0.0, y + 20
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="14" fill="{_fill(status, prefix)}" '
            f'stroke="#555" stroke-width="0.75"/>'
        )
        label = Label(x + 19, y + 12, name, size=12, anchor="start")
        parts.append(label.svg())
        boxes += [Box(x, y, x + 14, y + 14), label.box()]
        x += item + 11
    return "".join(parts), y + 15, boxes


def _svg(prefix: str, height: float, title: str, body: str, desc: str = "") -> str:
    described = f' aria-describedby="{prefix}-desc"' if desc else ""
    description = f'<desc id="{prefix}-desc">{escape(desc)}</desc>' if desc else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(prefix)} role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{prefix}-title"{described} {FONT}><title id="{prefix}-title">{escape(title)}</title>'
        f"{description}{_defs(prefix)}{body}</svg>"
    )


def _counts_text(statuses: list[dict]) -> str:
    return ", ".join(f"{row['count']} {row['label']}" for row in statuses)


def focus_area_bars(areas: list[dict], prefix: str = "areas") -> str:
    """One stacked horizontal bar per focus area: its recommendations by status, counts on the bar.
    A long title wraps onto more lines rather than running off the picture."""
    bar_h = 22
    legend, y, _ = _legend(prefix)
    body = [legend]
    y += 15
    for area in areas:
        for line in wrap(f"{area['number']}. {area['title']}", 13, WIDTH, "600"):
            body.append(Label(0, y + 13, line, size=13, anchor="start", weight="600").svg())
            y += 17
        bar_y = y + 3
        y = bar_y + bar_h + 10
        if not area["total"]:
            body.append(
                f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{bar_h}" fill="#ffffff" '
                f'stroke="#999" stroke-dasharray="4 3"/>'
            )
            body.append(
                Label(
                    8,
                    bar_y + 15,
                    "Under development: no recommendations yet",
                    size=12,
                    anchor="start",
                    colour="#444",
                ).svg()
            )
            continue
        x = 0.0
        for row in area["statuses"]:
            if not row["count"]:
                continue
            w = WIDTH * row["count"] / area["total"]
            body.append(
                f'<rect x="{x:.2f}" y="{bar_y}" width="{w:.2f}" height="{bar_h}" '
                f'fill="{_fill(row["status"], prefix)}" stroke="#444" stroke-width="0.75">'
                f"<title>{escape(row['label'])}: {row['count']} ({row['percent']}%)</title></rect>"
            )
            count = Label(
                x + w / 2,
                bar_y + 15.5,
                str(row["count"]),
                size=12,
                weight="700",
                colour=FILLS[row["status"]][1],
            )
            if text_width(count.text, 12, "700") + 8 <= w:
                body.append(_count(count, row["status"]))
            x += w
    desc = "; ".join(
        f"{a['number']}. {a['title']}: "
        + (_counts_text(a["statuses"]) if a["total"] else "no recommendations yet")
        for a in areas
    )
    return _svg(prefix, y + 4, "Recommendations by status in each focus area", "".join(body), desc)


# ---------------------------------------------------------------- status over time


@dataclass
class _Column:
    cx: float
    top: float  # the y of the column's top edge (its bottom is the plot's base)
    box: Box
    svg: list[str] = field(default_factory=list)
    counts: list[Label] = field(default_factory=list)


def short_date(iso: str) -> str:
    """'2026-11-27' -> 'Nov 27, 2026': the as-of column's label, a date and not a quarter."""
    day = _dt.date.fromisoformat(iso)
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _scale(peak: int) -> tuple[int, int]:
    """The axis's top and step: a round step (1, 2, 5, 10, 20, 50, ...) giving at most 8 intervals."""
    for exponent in range(12):
        for mantissa in (1, 2, 5):
            step = mantissa * 10**exponent
            if math.ceil(max(peak, 1) / step) <= 8:
                return math.ceil(max(peak, 1) / step) * step, step
    raise ValueError(f"no scale for {peak}")


def _columns(
    points: list[dict], left: float, base: float, plot_h: float, scale_top: int, prefix: str
) -> list[_Column]:
    slot = (WIDTH - left) / len(points)
    col_w = min(slot * 0.7, 56)
    columns = []
    for i, point in enumerate(points):
        cx = left + i * slot + slot / 2
        x, y = cx - col_w / 2, base
        column = _Column(cx, base, Box(x, base, x + col_w, base))
        for row in reversed(point["statuses"]):  # not started at the bottom, complete on top
            if not row["count"]:
                continue
            h = plot_h * row["count"] / scale_top
            y -= h
            column.svg.append(
                f'<rect x="{x:.2f}" y="{y:.2f}" width="{col_w:.2f}" height="{h:.2f}" '
                f'fill="{_fill(row["status"], prefix)}" stroke="#444" stroke-width="0.75">'
                f"<title>{escape(long_date(point['date']))}: {escape(row['label'])} "
                f"{row['count']}</title></rect>"
            )
            count = Label(
                cx, y + h / 2 + 4, str(row["count"]), weight="700", colour=FILLS[row["status"]][1]
            )
            if h >= 15 and text_width(count.text, 11, "700") + 6 <= col_w:
                column.svg.append(_count(count, row["status"]))
                column.counts.append(count)
        column.top = y
        column.box = Box(x, y, x + col_w, base)
        columns.append(column)
    return columns


def _totals(points: list[dict], columns: list[_Column], taken: list[Box]) -> list[Label]:
    """The total above each column where there is room, the report's date first. A total wider than
    its column sits above every column it spans; one that would touch another total or label is
    left out (the description and the tooltips have every number)."""
    placed = []
    for i in [len(points) - 1, *range(len(points) - 1)]:
        label = Label(columns[i].cx, 0, str(points[i]["total"]), weight="700").within(0, WIDTH)
        span = label.box()
        above = min(
            c.top for c in columns if c.box.left - 1 < span.right and span.left < c.box.right + 1
        )
        label = Label(label.x, above - 4, label.text, weight="700")
        box = label.box()
        if not any(box.intersects(b, 3.0) for b in taken):
            placed.append(label)
            taken.append(box)
    return placed


def _x_axis(
    points: list[dict], columns: list[_Column], base: float, taken: list[Box]
) -> tuple[list[Label], list[Label], list[str]]:
    """Under the columns: the report's date under its own column; each quarter as Q1..Q4 where
    they fit (up to about 22 quarters); and each year under its quarters, a row below."""
    last = len(points) - 1
    row1, row2 = base + 15, base + 30
    slot = columns[1].cx - columns[0].cx if len(columns) > 1 else WIDTH
    as_of = place(_as_of(points[last]["date"], columns[last].cx, row1, row2, slot), taken)
    days = [_dt.date.fromisoformat(p["date"]) for p in points[:last]]
    labels: list[Label] = []
    if slot >= text_width("Q4", 11) + 4:
        quarters = [
            Label(columns[i].cx, row1, f"Q{(day.month - 1) // 3 + 1}") for i, day in enumerate(days)
        ]
        labels += place(quarters, taken)
    years: dict[int, list[int]] = {}
    for i, day in enumerate(days):
        years.setdefault(day.year, []).append(i)
    # Whole years first, so a year with one quarter at either end gives way to them.
    by_size = sorted(years.items(), key=lambda item: -len(item[1]))
    labels += place(
        [
            Label(
                sum(columns[i].cx for i in idx) / len(idx), row2, str(year), colour="#333"
            ).within(columns[0].cx - slot / 2, WIDTH)
            for year, idx in by_size
        ],
        taken,
    )
    # A rule between years, and one setting the report's date apart from the quarters.
    rules = [columns[idx[0]].cx - slot / 2 for idx in list(years.values())[1:]]
    rules += [columns[last].cx - slot / 2] if last else []
    lines = [
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base:.1f}" y2="{row2 + 3:.1f}" stroke="#8a8f96" '
        f'stroke-width="0.75"/>'
        for x in rules
    ]
    return as_of, labels, lines


def _as_of(iso: str, cx: float, row1: float, row2: float, slot: float) -> list[Label]:
    """The report's date under its column: on one line where the column has room, else the month
    and day above the year (still a date, never a quarter)."""
    day = _dt.date.fromisoformat(iso)
    if text_width(short_date(iso), 11) + 4 <= slot:
        return [Label(cx, row1, short_date(iso))]
    return [
        Label(cx, row1, f"{_MONTHS[day.month - 1]} {day.day}").within(0, WIDTH),
        Label(cx, row2, str(day.year)).within(0, WIDTH),
    ]


def _group(name: str, labels: list[Label]) -> str:
    return f'<g class="{name}">' + "".join(label.svg() for label in labels) + "</g>"


def _description(points: list[dict]) -> str:
    *quarters, last = points
    parts = [
        f"{long_date(p['date'])}: {p['total']} ({_counts_text(p['statuses'])})" for p in quarters
    ]
    parts.append(
        f"{long_date(last['date'])}, the report's date: {last['total']} ({_counts_text(last['statuses'])})"
    )
    return "Recommendations by status at each quarter end. " + "; ".join(parts) + "."


def status_over_time(points: list[dict], prefix: str = "timeline") -> str:
    """Stacked columns of status counts at each quarter end and on the report's date, with totals above."""
    plot_h = 190
    legend, legend_h, taken = _legend(prefix)
    top = legend_h + 20  # room above the tallest column for its total
    base = top + plot_h
    scale_top, step = _scale(max(p["total"] for p in points))
    left = max(36, text_width(str(scale_top), 11) + 8)  # room for the widest number on the axis
    body = [legend]
    for tick in range(0, scale_top + 1, step):
        y = base - plot_h * tick / scale_top
        body.append(
            f'<line x1="{left}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="0.75"/>'
        )
        tick_label = Label(left - 6, y + 4, str(tick), anchor="end", colour="#444")
        body.append(tick_label.svg())
        taken.append(tick_label.box())
    columns = _columns(points, left, base, plot_h, scale_top, prefix)
    for column in columns:
        body += column.svg
        taken += [c.box() for c in column.counts]
    as_of, axis, rules = _x_axis(points, columns, base, taken)
    totals = _totals(points, columns, taken)
    # Grouped by what they say, so a reader of the SVG (and the tests) can tell them apart.
    body += rules + [_group("quarters", axis), _group("as-of", as_of), _group("totals", totals)]
    y = base + 50
    for line in wrap(
        "Recommendations by status at each quarter end and on the report's date; "
        "totals above the columns",
        11,
        WIDTH,
    ):
        body.append(Label(0, y, line, anchor="start", colour="#444").svg())
        y += 14
    return _svg(
        prefix, y - 6, "Status of recommendations over time", "".join(body), _description(points)
    )
