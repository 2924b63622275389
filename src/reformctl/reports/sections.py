"""Placing narrative sections in the report's shape, and choosing which ones each kind prints.

The rows come from public.py's allow-listed query (or internal.py's); this module only arranges
them: report["sections"] holds the standard sections in print order and then the appendices by
name; a focus-area-N section becomes focus_areas[i]["narrative"] of focus area N.
"""

from __future__ import annotations

from reformctl.model.sections import print_order

# Which sections each report kind prints (None: all of them, with each focus area's narrative).
KIND_SECTIONS: dict[str, tuple[str, ...] | None] = {
    "status-update": (),
    "progress": (),
    "final": ("executive-summary", "conclusion"),
    "assessment": None,
}


def attach_sections(report: dict, rows: list[dict]) -> dict:
    """REPORT with ROWS ({name, title, body}, plus the internal report's keys) placed in it."""
    areas = {f"focus-area-{area['number']}": area for area in report["focus_areas"]}
    listed = []
    for row in rows:
        entry = {k: v for k, v in row.items() if not k.startswith("_")}
        area = areas.get(row["name"])
        if area is not None:
            area["narrative"] = entry
        elif not row["name"].startswith("focus-area-"):  # a focus area the engagement no longer has
            listed.append(entry)
    report["sections"] = sorted(listed, key=lambda s: print_order(s["name"]))
    return report


def sections_for_kind(report: dict, kind: str) -> dict:
    """Keep the sections KIND prints: the assessment all, the final report its executive summary
    and conclusion, a status update or progress report none."""
    wanted = KIND_SECTIONS[kind]
    if wanted is None:
        return report
    report["sections"] = [s for s in report.get("sections", []) if s["name"] in wanted]
    for area in report["focus_areas"]:
        area.pop("narrative", None)
    return report
