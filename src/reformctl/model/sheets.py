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
from reformctl.model.vocab import INTERNAL_MARK

_PROTECTED = ("'=", "'+", "'@", "'-", "'\t", "'\r")
# The internal tracker's marking, above its header: a CSV's first line, each sheet's first row.
_MARKINGS = {INTERNAL_MARK, f"# {INTERNAL_MARK}"}


def _marking(cells: list[str]) -> bool:
    """A row that only carries the internal report's marking: not the header, and no data."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and filled[0] in _MARKINGS


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


def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The CSV file's records as the csv module reads them, with their line numbers."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                for row in reader:
                    yield reader.line_num, row
            except csv.Error as exc:
                raise RowErrors(str(path), [(reader.line_num, None, f"not valid CSV ({exc}); is the file truncated?")]) from None
    except UnicodeDecodeError:
        raise Invalid(f"{path}: not UTF-8 text; save the spreadsheet as CSV UTF-8, or as .xlsx") from None


def _csv_cells(row: list[str]) -> list[str]:
    # Stripped, and a protected cell unprotected, in one comprehension: a function call for each
    # of half a million cells cost 0.1 s.
    return [c[1:] if c.startswith(_PROTECTED) else c for c in map(str.strip, row)]


class _CsvRows:
    """A CSV file's data rows (blank rows and the header skipped), read afresh each time they are iterated.

    A 50,000-row file held as lists of cells took 65 MB; read as the import checks it, one row
    at a time, it takes next to nothing. read_sheets has already read the file through once,
    so its errors (not UTF-8, not valid CSV) are still reported before anything else.
    """

    def __init__(self, path: Path, count: int):
        self.path = path
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        header = True
        for number, row in _csv_records(self.path):
            if any(row) and any(cells := _csv_cells(row)):
                if header:
                    header = _marking(cells)
                else:
                    yield number, cells


def _csv_table(path: Path) -> "Sheet | None":
    """The header and the number of data rows, checking that the whole file is UTF-8 and valid CSV."""
    header = None
    count = 0
    for number, row in _csv_records(path):
        if not any(row):
            continue
        if header is None:
            cells = _csv_cells(row)
            if any(cells) and not _marking(cells):
                header, header_row = _header(cells), number
        elif any(c.strip() for c in row):
            count += 1
    return None if header is None else Sheet(None, header[0], _CsvRows(path, count), header[1], header_row)


Rows = list[tuple[int, list[str]]]


@dataclass
class Sheet:
    """One table of an input file: its column names (lower-cased), its data rows and their numbers."""

    name: str | None  # the worksheet, when a workbook is read sheet by sheet; None for one table
    header: list[str]
    rows: "Rows | _CsvRows"
    labels: dict[str, str] = field(default_factory=dict)  # column -> the label it was written under
    header_row: int = 1  # below an internal tracker's marking, 2


def _read_worksheet(sheet) -> Rows:
    return [(number, [_cell(v) for v in row]) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]


def _tracker_header(rows: Rows) -> bool:
    """The tracker's header: only its labels, at least one of them not an import column's own name."""
    for _, cells in rows:
        names = [c.strip().lower() for c in cells if c.strip()]
        if names and not _marking(cells):
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


def _header(cells: list[str]) -> tuple[list[str], dict[str, str]]:
    """The column names of a header row, and the labels the tracker wrote some of them under."""
    header: list[str] = []
    labels: dict[str, str] = {}
    for cell in cells:
        written = cell.strip()
        column = COLUMN_OF_LABEL.get(written.lower(), written.lower())
        if written and written != column:
            labels[column] = written
        header.append(column)
    while header and not header[-1]:
        header.pop()
    return header, labels


def _table(name: str | None, rows) -> Sheet | None:
    """Header and data rows, blank rows dropped; None for a table with nothing in it."""
    header: tuple[list[str], dict[str, str]] | None = None
    data: Rows = []
    for number, cells in rows:
        if not any(cells) or (header is None and _marking(cells)):
            continue
        if header is None:
            header, header_row = _header(cells), number
            continue
        data.append((number, cells))
    return None if header is None else Sheet(name, header[0], data, header[1], header_row)


def read_sheets(path: Path) -> list[Sheet]:
    """The tables of a spreadsheet: one for a CSV file or a plain workbook, one a focus area for the tracker."""
    path = Path(path)
    if not path.is_file():
        raise Invalid(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheets = [s for s in (_csv_table(path),) if s is not None]
    elif suffix in (".xlsx", ".xlsm"):
        sheets = [s for s in (_table(name, rows) for name, rows in _xlsx_tables(path)) if s is not None]
    else:
        raise Invalid(f"{path}: give a .csv or .xlsx file")
    if not sheets:
        raise Invalid(f"{path}: the file is empty; the first row must name the columns")
    return sheets
