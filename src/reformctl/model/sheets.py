"""Reading a spreadsheet (CSV or XLSX) as a header and rows of text cells.

Cells come back as stripped strings; XLSX dates become YYYY-MM-DD. A CSV cell the
tracker export protected against formula injection ('=..., '+..., '-...) loses
its leading quote again, so the tracker reads back in as it was written.
"""

from __future__ import annotations

import csv
import datetime as _dt
from pathlib import Path
from typing import Iterator

from reformctl.errors import Invalid, RowErrors

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


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook  # only the import command pays for openpyxl

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Invalid(f"{path}: not a readable .xlsx workbook ({exc or type(exc).__name__}); is the file truncated?") from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in row]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise Invalid(f"{path}: the workbook is damaged ({exc or type(exc).__name__}); is the file truncated?") from None
    finally:
        book.close()


def stream_sheet(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (lower-cased names), and the data rows with their row numbers as they are read;
    blank rows dropped. A 50,000-row file then never sits in memory as cells as well as records."""
    path = Path(path)
    if not path.is_file():
        raise Invalid(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise Invalid(f"{path}: give a .csv or .xlsx file")
    for number, cells in rows:
        if any(cells):
            header = [c.strip().lower() for c in cells]
            while header and not header[-1]:
                header.pop()
            return header, ((number, cells) for number, cells in rows if any(cells))
    raise Invalid(f"{path}: the file is empty; the first row must name the columns")


def read_sheet(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower-cased names) and the data rows with their row numbers; blank rows dropped."""
    header, rows = stream_sheet(path)
    return header, list(rows)
