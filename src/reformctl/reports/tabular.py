"""The report as a CSV recommendation tracker: one row a recommendation."""

from __future__ import annotations

import csv
import io

COLUMNS = (
    "focus_area",
    "focus_area_title",
    "finding",
    "finding_title",
    "recommendation",
    "recommendation_text",
    "priority",
    "owner",
    "due",
    "status",
    "status_as_of",
    "reason",
    "change_since_last_update",
    "history",
)

_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def _cell(value) -> str:
    """Spreadsheets run cells that start like formulas; a leading quote keeps them text."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) or (text.startswith("-") and text[1:2] not in (" ", "")):
        return "'" + text
    return text


def _changes(report: dict) -> dict[str, str]:
    changes = report.get("changes") or {"new_recommendations": [], "status_changes": []}
    out = {c["number"]: "new" for c in changes["new_recommendations"]}
    out.update(
        {c["number"]: f"{c['from_label']} -> {c['to_label']}" for c in changes["status_changes"]}
    )
    return out


def _histories(report: dict) -> dict[str, str]:
    final = report.get("final") or {"recommendations": []}
    return {
        rec["number"]: "; ".join(f"{u['as_of']} {u['status_label']}" for u in rec["history"])
        for rec in final["recommendations"]
    }


def tracker_rows(report: dict):
    changes, histories = _changes(report), _histories(report)
    for area in report["focus_areas"]:
        for finding in area["findings"]:
            for rec in finding["recommendations"]:
                if rec.get("withdrawn") or finding.get("withdrawn"):
                    yield {
                        "focus_area": area["number"],
                        "focus_area_title": area["title"],
                        "finding": finding["number"],
                        "recommendation": rec["number"],
                        "status": "Withdrawn",
                    }
                    continue
                yield {
                    "focus_area": area["number"],
                    "focus_area_title": area["title"],
                    "finding": finding["number"],
                    "finding_title": finding["title"],
                    "recommendation": rec["number"],
                    "recommendation_text": rec["text"],
                    "priority": rec["priority"],
                    "owner": rec["owner"],
                    "due": rec["due"],
                    "status": rec["status_label"],
                    "status_as_of": rec["status_as_of"],
                    "reason": rec.get("reason_label") or "",
                    "change_since_last_update": changes.get(rec["number"], ""),
                    "history": histories.get(rec["number"], ""),
                    "review": rec.get("review"),
                }


def render_csv(report: dict) -> str:
    mark = report.get("classification")
    # The internal tracker's first line is its marking, as a "# " comment line (skip one line to
    # read the CSV beneath it), and every row carries it again, so no extract of it loses it.
    columns = (("classification",) + COLUMNS + ("review",)) if mark else COLUMNS
    buffer = io.StringIO()
    if mark:
        buffer.write(f"# {mark}\n")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in tracker_rows(report):
        if mark:
            row = {**row, "classification": mark}
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()
