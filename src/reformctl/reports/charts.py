"""The report's pictures as inline SVG: built from plain data with every text XML-escaped.

No script and no outside reference, so the HTML stays one self-contained file and WeasyPrint
draws the same pictures in the PDF. Statuses differ in lightness and Partially Complete is
hatched, and every segment and column carries its count as text, so nothing depends on
colour alone and a greyscale printout reads the same.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from reformctl.model.vocab import STATUSES

# (fill, text colour): from dark to light, so the order survives greyscale printing.
FILLS = {
    "complete": ("#1d3f2c", "#ffffff"),
    "partially-complete": ("url(#{p}-hatch)", "#ffffff"),
    "in-progress": ("#8fb8de", "#111111"),
    "not-started": ("#f1f1f1", "#111111"),
}
HATCH_BASE = "#6e5412"
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""


def _defs(prefix: str) -> str:
    return (
        f'<defs><pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{HATCH_BASE}"/>'
        f'<rect width="2" height="6" fill="#b89a4c"/></pattern></defs>'
    )


def _fill(status: str, prefix: str) -> str:
    return FILLS[status][0].format(p=prefix)


def _text(x: float, y: float, content: str, size: int = 13, anchor: str = "start", colour: str = "#1b1f24",
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}" '
            f'font-weight="{weight}">{escape(content)}</text>')


def _legend(prefix: str, y: float) -> str:
    parts, x = [], 0.0
    for status, label in STATUSES.items():
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="14" fill="{_fill(status, prefix)}" '
                     f'stroke="#555" stroke-width="0.75"/>')
        parts.append(_text(x + 19, y + 12, label, size=12))
        x += 30 + len(label) * 7.2
    return "".join(parts)


def _svg(prefix: str, width: int, height: float, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(prefix)} role="img" '
        f'viewBox="0 0 {width} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{prefix}-title" {FONT}><title id="{prefix}-title">{escape(title)}</title>'
        f'{_defs(prefix)}{body}</svg>'
    )


def focus_area_bars(areas: list[dict], prefix: str = "areas") -> str:
    """One stacked horizontal bar per focus area: its recommendations by status, counts on the bar."""
    width, bar_h, row_h, top = 480, 22, 52, 30
    body = [_legend(prefix, 0)]
    for i, area in enumerate(areas):
        y = top + i * row_h
        body.append(_text(0, y + 13, f"{area['number']}. {area['title']}", size=13, weight="600"))
        bar_y = y + 20
        if not area["total"]:
            body.append(f'<rect x="0" y="{bar_y}" width="{width}" height="{bar_h}" fill="#ffffff" '
                        f'stroke="#999" stroke-dasharray="4 3"/>')
            body.append(_text(8, bar_y + 15, "Under development: no recommendations yet", size=12, colour="#444"))
            continue
        x = 0.0
        for row in area["statuses"]:
            if not row["count"]:
                continue
            w = width * row["count"] / area["total"]
            body.append(f'<rect x="{x:.2f}" y="{bar_y}" width="{w:.2f}" height="{bar_h}" '
                        f'fill="{_fill(row["status"], prefix)}" stroke="#444" stroke-width="0.75">'
                        f'<title>{escape(row["label"])}: {row["count"]} ({row["percent"]}%)</title></rect>')
            if w >= 22:
                body.append(_text(x + w / 2, bar_y + 15.5, str(row["count"]), size=12, anchor="middle",
                                  colour=FILLS[row["status"]][1], weight="700"))
            x += w
    height = top + len(areas) * row_h + 4
    title = "Recommendations by status in each focus area"
    return _svg(prefix, width, height, title, "".join(body))


def status_over_time(points: list[dict], prefix: str = "timeline") -> str:
    """Stacked columns of status counts at each quarter end, with the total above each column."""
    width, height, left, top, bottom = 480, 280, 36, 34, 48
    plot_h = height - top - bottom
    body = [_legend(prefix, 0)]
    peak = max((p["total"] for p in points), default=0) or 1
    step = 5 if peak <= 50 else 25 if peak <= 250 else 100
    scale_top = ((peak + step - 1) // step) * step
    for tick in range(0, scale_top + 1, step):
        y = top + plot_h - plot_h * tick / scale_top
        body.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="0.75"/>')
        body.append(_text(left - 6, y + 4, str(tick), size=11, anchor="end", colour="#444"))
    slot = (width - left) / max(len(points), 1)
    col_w = min(slot * 0.7, 56)
    for i, point in enumerate(points):
        x = left + i * slot + (slot - col_w) / 2
        y = top + plot_h
        for row in reversed(point["statuses"]):  # not started at the bottom, complete on top
            if not row["count"]:
                continue
            h = plot_h * row["count"] / scale_top
            y -= h
            body.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{col_w:.2f}" height="{h:.2f}" '
                        f'fill="{_fill(row["status"], prefix)}" stroke="#444" stroke-width="0.75">'
                        f'<title>{escape(point["date"])}: {escape(row["label"])} {row["count"]}</title></rect>')
            if h >= 15 and col_w >= 18:
                body.append(_text(x + col_w / 2, y + h / 2 + 4, str(row["count"]), size=11, anchor="middle",
                                  colour=FILLS[row["status"]][1], weight="700"))
        body.append(_text(x + col_w / 2, y - 4, str(point["total"]), size=11, anchor="middle", weight="700"))
        label = point["date"][:7] if len(points) > 6 else point["date"]
        if len(points) > 12 and i % 2 and i != len(points) - 1:
            continue
        body.append(_text(x + col_w / 2, top + plot_h + 16, label, size=11, anchor="middle", colour="#333"))
    body.append(_text(left, height - 8, "Status of recommendations at each quarter end (totals above each column)",
                      size=11, colour="#444"))
    return _svg(prefix, width, height, "Status of recommendations over time", "".join(body))
