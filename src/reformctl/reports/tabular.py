"""The report as a CSV recommendation tracker: one row a recommendation."""

from __future__ import annotations

import csv
import io

COLUMNS = (
    "focus_area", "focus_area_title", "finding", "finding_title", "recommendation",
    "recommendation_text", "priority", "owner", "due", "status", "status_as_of",
)

_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def _cell(value) -> str:
    """Spreadsheets run cells that start like formulas; a leading quote keeps them text."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) or (text.startswith("-") and text[1:2] not in (" ", "")):
        return "'" + text
    return text


def tracker_rows(report: dict):
    for area in report["focus_areas"]:
        for finding in area["findings"]:
            for rec in finding["recommendations"]:
                if rec.get("withdrawn") or finding.get("withdrawn"):
                    yield {"focus_area": area["number"], "focus_area_title": area["title"],
                           "finding": finding["number"], "recommendation": rec["number"], "status": "Withdrawn"}
                    continue
                yield {
                    "focus_area": area["number"], "focus_area_title": area["title"],
                    "finding": finding["number"], "finding_title": finding["title"],
                    "recommendation": rec["number"], "recommendation_text": rec["text"],
                    "priority": rec["priority"], "owner": rec["owner"], "due": rec["due"],
                    "status": rec["status_label"], "status_as_of": rec["status_as_of"],
                    "review": rec.get("review"),
                }


def render_csv(report: dict) -> str:
    mark = report.get("classification")
    # The internal tracker carries its marking on every row, so no extract of it loses it.
    columns = (("classification",) + COLUMNS + ("review",)) if mark else COLUMNS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in tracker_rows(report):
        if mark:
            row = {**row, "classification": mark}
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()
