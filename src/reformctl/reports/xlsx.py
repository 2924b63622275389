"""The report as the XLSX tracker agencies already use: one sheet per focus area and a summary sheet."""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile

from reformctl.model.tracker_layout import COLUMNS, SUMMARY_SHEET
from reformctl.model.tracker_layout import LABELS as HEADER

WIDTHS = (28, 9, 50, 15, 60, 9, 24, 11, 18, 11, 28)  # one a column of tracker_layout.COLUMNS
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(number: int, title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", f"{number} {title}")[:31].strip()
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name.lower())
    return name


def _put(sheet, row: int, col: int, value):
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        # Text stays text: a cell starting with '=' must never run as a formula.
        cell.data_type = "s"
    return cell


def _header(sheet, row: int, names, bold):
    for col, name in enumerate(names, start=1):
        _put(sheet, row, col, name).font = bold


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes, stamp: str) -> bytes:
    """Rewrite the archive with fixed timestamps so that the same report gives the same bytes
    (openpyxl stamps the save time into docProps/core.xml; the report's as-of date goes there)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            dst.writestr(fixed, content)
    return out.getvalue()


def _mark(sheet, mark: str | None, bold) -> int:
    """Mark an internal sheet on screen (a title row) and on paper (every page's header and footer);
    the number of rows taken above the sheet's own content."""
    if not mark:
        return 0
    _put(sheet, 1, 1, mark).font = bold
    for part in (
        sheet.oddHeader.center,
        sheet.oddFooter.center,
        sheet.evenHeader.center,
        sheet.evenFooter.center,
        sheet.firstHeader.center,
        sheet.firstFooter.center,
    ):
        part.text = mark
        part.font = "-,Bold"
    return 1


def _summary(sheet, report: dict, bold, top: int) -> None:
    e = report["engagement"]
    facts = [
        ("Agency", e["agency"]),
        ("Program", e["program_name"]),
        ("Report", report.get("kind_label", "")),
        ("Status as of", report["as_of"]),
        ("Findings", report["total_findings"]),
        ("Recommendations", report["total_recommendations"]),
    ]
    for i, (label, value) in enumerate(facts, start=top + 1):
        _put(sheet, i, 1, label).font = bold
        _put(sheet, i, 2, value)
    row = top + len(facts) + 2
    _header(sheet, row, ("Status", "Count", "Percent"), bold)
    for item in report["status_summary"]:
        row += 1
        _put(sheet, row, 1, item["label"])
        _put(sheet, row, 2, item["count"])
        _put(sheet, row, 3, item["percent"] / 100).number_format = "0%"
    row += 1
    _put(sheet, row, 1, "Total").font = bold
    _put(sheet, row, 2, report["total_recommendations"]).font = bold
    row += 2
    labels = [s["label"] for s in report["status_summary"]]
    _header(sheet, row, ("Focus area", *labels, "Total"), bold)
    for area in report.get("focus_area_summary") or []:
        row += 1
        _put(sheet, row, 1, f"{area['number']}. {area['title']}")
        for col, item in enumerate(area["statuses"], start=2):
            _put(sheet, row, col, item["count"])
        _put(sheet, row, len(labels) + 2, area["total"])
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 18


def _area(sheet, area: dict, bold, wrap, top: int) -> None:
    from openpyxl.utils import get_column_letter

    head = top + 1
    _header(sheet, head, HEADER, bold)
    r = head
    for finding in area["findings"]:
        for rec in finding.get("recommendations", []):
            r += 1
            values = {
                "focus_area": f"{area['number']}. {area['title']}",
                "finding": finding["number"],
                "recommendation": rec["number"],
            }
            if rec.get("withdrawn") or finding.get("withdrawn"):
                # Published once and withdrawn since: the number stays, with nothing else.
                values["status"] = "Withdrawn"
            else:
                values.update(
                    finding_title=finding["title"],
                    recommendation_text=rec["text"],
                    priority=rec["priority"],
                    owner=rec["owner"],
                    due=rec["due"],
                    status=rec["status_label"],
                    status_as_of=rec["status_as_of"],
                    reason=rec.get("reason_label"),
                )
            for col, (_, column) in enumerate(COLUMNS, start=1):
                _put(sheet, r, col, values.get(column) or "").alignment = wrap
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = f"A{head + 1}"
    sheet.auto_filter.ref = f"A{head}:{get_column_letter(len(COLUMNS))}{r}"


def render_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    mark = report.get("classification")  # set for the internal report only (reports/assemble.py)
    book = Workbook()
    stamp = _dt.datetime.fromisoformat(report["as_of"] + "T00:00:00")
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = report["generator"]
    book.properties.title = f"{report['engagement']['agency']}: recommendation tracker"
    if mark:
        book.properties.title += f" ({mark})"
        book.properties.keywords = mark

    summary = book.active
    summary.title = SUMMARY_SHEET
    _summary(summary, report, bold, _mark(summary, mark, bold))
    used = {SUMMARY_SHEET.lower()}
    wrap = Alignment(wrap_text=True, vertical="top")
    for area in report["focus_areas"]:
        sheet = book.create_sheet(_sheet_title(area["number"], area["title"], used))
        _area(sheet, area, bold, wrap, _mark(sheet, mark, bold))
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue(), f"{report['as_of']}T00:00:00Z")
