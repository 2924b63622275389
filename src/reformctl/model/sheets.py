"""Reading a spreadsheet (CSV or XLSX) as a header and rows of text cells.

Cells come back as stripped strings; XLSX dates become YYYY-MM-DD. A CSV cell the
tracker export protected against formula injection ('=..., '+..., '-...) loses
its leading quote again, so the tracker reads back in as it was written.

A workbook laid out as the XLSX tracker (`report --format xlsx`: a Summary sheet, then one
sheet per focus area under readable labels) is read sheet by sheet, the Summary skipped, and
its labels taken as the import columns they stand for (model/tracker_layout.py). Any other
workbook is read from its first sheet.
"""

from __future__ import annotations

import csv
import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from reformctl.errors import Invalid, RowErrors
from reformctl.model.tracker_layout import COLUMN_OF_LABEL, SUMMARY_SHEET

_PROTECTED = ("'=", "'+", "'@", "'-", "'\t", "'\r")


def _unprotect(text: str) -> str:
    return text[1:] if text.startswith(_PROTECTED) else text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                for row in reader:
                    yield reader.line_num, [_unprotect(c.strip()) for c in row]
            except csv.Error as exc:
                raise RowErrors(str(path), [(reader.line_num, None, f"not valid CSV ({exc}); is the file truncated?")]) from None
    except UnicodeDecodeError:
        raise Invalid(f"{path}: not UTF-8 text; save the spreadsheet as CSV UTF-8, or as .xlsx") from None


Rows = list[tuple[int, list[str]]]


@dataclass
class Sheet:
    """One table of an input file: its column names (lower-cased), its data rows and their numbers."""

    name: str | None  # the worksheet, when a workbook is read sheet by sheet; None for one table
    header: list[str]
    rows: Rows
    labels: dict[str, str] = field(default_factory=dict)  # column -> the label it was written under


def _read_worksheet(sheet) -> Rows:
    return [(number, [_cell(v) for v in row]) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]


def _tracker_header(rows: Rows) -> bool:
    """The tracker's header: only its labels, at least one of them not an import column's own name."""
    for _, cells in rows:
        names = [c.strip().lower() for c in cells if c.strip()]
        if names:
            return all(n in COLUMN_OF_LABEL for n in names) and any(COLUMN_OF_LABEL[n] != n for n in names)
    return False


def _xlsx_tables(path: Path) -> list[tuple[str | None, Rows]]:
    import zipfile

    from openpyxl import load_workbook  # only the import command pays for openpyxl

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Invalid(f"{path}: not a readable .xlsx workbook ({exc or type(exc).__name__}); is the file truncated?") from None
    try:
        sheets = book.worksheets
        if not sheets:
            return [(None, [])]
        first = _read_worksheet(sheets[0])
        is_summary = sheets[0].title.strip().lower() == SUMMARY_SHEET.lower()
        if len(sheets) == 1 or not (is_summary or _tracker_header(first)):
            return [(None, first)]
        tables = [(sheets[0].title, first)]
        tables += [(sheet.title, _read_worksheet(sheet)) for sheet in sheets[1:]]
        return [(name, rows) for name, rows in tables if name.strip().lower() != SUMMARY_SHEET.lower()]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise Invalid(f"{path}: the workbook is damaged ({exc or type(exc).__name__}); is the file truncated?") from None
    finally:
        book.close()


def _table(name: str | None, rows) -> Sheet | None:
    """Header and data rows, blank rows dropped; None for a table with nothing in it."""
    header: list[str] | None = None
    labels: dict[str, str] = {}
    data: Rows = []
    for number, cells in rows:
        if not any(cells):
            continue
        if header is None:
            header = []
            for cell in cells:
                written = cell.strip()
                column = COLUMN_OF_LABEL.get(written.lower(), written.lower())
                if written and written != column:
                    labels[column] = written
                header.append(column)
            while header and not header[-1]:
                header.pop()
            continue
        data.append((number, cells))
    return None if header is None else Sheet(name, header, data, labels)


def read_sheets(path: Path) -> list[Sheet]:
    """The tables of a spreadsheet: one for a CSV file or a plain workbook, one a focus area for the tracker."""
    path = Path(path)
    if not path.is_file():
        raise Invalid(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        tables = [(None, _csv_rows(path))]
    elif suffix in (".xlsx", ".xlsm"):
        tables = _xlsx_tables(path)
    else:
        raise Invalid(f"{path}: give a .csv or .xlsx file")
    sheets = [s for s in (_table(name, rows) for name, rows in tables) if s is not None]
    if not sheets:
        raise Invalid(f"{path}: the file is empty; the first row must name the columns")
    return sheets
