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
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

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


# The csv module refuses a cell over 131,072 characters, below the longest finding body
# (model/text.py MAX_BODY): allow cells that long, so the column's own bound names the problem.
MAX_CSV_CELL = 1_000_000


def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The CSV file's records as the csv module reads them, with their line numbers."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            yield from _csv_lines(handle, str(path))
    except UnicodeDecodeError:
        raise Invalid(
            f"{path}: not UTF-8 text; save the spreadsheet as CSV UTF-8, or as .xlsx"
        ) from None


def _csv_lines(handle: Iterable[str], source: str) -> Iterator[tuple[int, list[str]]]:
    if csv.field_size_limit() < MAX_CSV_CELL:
        csv.field_size_limit(MAX_CSV_CELL)
    reader = csv.reader(handle, strict=True)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise RowErrors(
            source,
            [(reader.line_num, None, f"not valid CSV ({exc}); is the file truncated?")],
        ) from None


def _csv_cells(row: list[str]) -> list[str]:
    # Stripped, and a protected cell unprotected, in one comprehension: a function call a cell
    # would be a noticeable part of reading a big file.
    return [c[1:] if c.startswith(_PROTECTED) else c for c in map(str.strip, row)]


class _CsvRows:
    """A CSV file's data rows (blank rows and the header skipped), read afresh each time they are iterated.

    A big file held as lists of cells would take memory in proportion to its size; read as the
    import checks it, one row at a time, it takes next to nothing. read_sheets has already read the file through once,
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
    return (
        None
        if header is None
        else Sheet(None, header[0], _CsvRows(path, count), header[1], header_row)
    )


Rows = list[tuple[int, list[str]]]


@dataclass
class Sheet:
    """One table of an input file: its column names (lower-cased), its data rows and their numbers."""

    name: str | None  # the worksheet, when a workbook is read sheet by sheet; None for one table
    header: list[str]
    rows: "Rows | _CsvRows"
    labels: dict[str, str] = field(default_factory=dict)  # column -> the label it was written under
    header_row: int = 1  # below an internal tracker's marking, 2


# The most a workbook may hold, checked before openpyxl reads it and again as it reads: a small
# crafted file (one row repeated, compressed far past what XML packs to) can unpack to far more
# than a machine's memory. The bounds leave room for the XLSX tracker of a very large engagement.
MAX_CELLS = 1_000_000
MAX_UNPACKED = 200 * 1024 * 1024  # bytes: every part of the archive together
MAX_RATIO = 100  # unpacked : packed, for a part over RATIO_FROM bytes (XML packs about 10:1)
RATIO_FROM = 1024 * 1024
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\""
)


def _bound() -> str:
    return (
        f"an import reads at most {MAX_CELLS:,} cells and {MAX_UNPACKED / 2**20:,.0f} MB unpacked"
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _declared_cells(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """The cells a worksheet's <dimension> declares (0 when it declares none): it precedes the data."""
    with archive.open(part) as stream:
        found = _DIMENSION.search(stream.read(4096))
    if found is None or found.group(3) is None:
        return 0
    c1, r1, c2, r2 = found.groups()
    rows = abs(int(r2) - int(r1)) + 1
    return rows * (abs(_column_number(c2) - _column_number(c1)) + 1)


_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>]")


def _shared_strings(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """How many strings the shared-strings part holds: openpyxl loads them all, whatever the cells use."""
    count, rest = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = rest + chunk
            cut = data.rfind(b"<")  # a tag never spans a cut made just before a "<"
            cut = len(data) if cut < 0 else cut
            count += len(_SHARED_STRING.findall(data, 0, cut))
            rest = data[cut:]
    return count + len(_SHARED_STRING.findall(rest))


def _check_archive(path: Path) -> None:
    """Refuse a workbook too big to read, or a zip bomb, from its directory, before openpyxl opens it.

    zipfile never unpacks a part past the size its directory states, so the stated sizes bound it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > MAX_UNPACKED:
                raise Invalid(
                    f"{path}: the workbook unpacks to {unpacked / 2**20:,.0f} MB; {_bound()}; "
                    "split it, or save it as CSV"
                )
            for part in parts:
                if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(
                    part.compress_size, 1
                ):
                    raise Invalid(
                        f"{path}: {part.filename} unpacks {part.file_size // max(part.compress_size, 1):,} "
                        f"times its packed size (at most {MAX_RATIO}); not a workbook an import reads"
                    )
            declared = sum(
                _declared_cells(archive, part)
                for part in parts
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")
            )
            strings = sum(
                _shared_strings(archive, part)
                for part in parts
                if part.filename.lower().endswith("sharedstrings.xml")
            )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise Invalid(
            f"{path}: not a readable .xlsx workbook ({exc or type(exc).__name__}); "
            "is the file truncated?"
        ) from None
    for count, what in ((declared, "declares"), (strings, "holds the text of")):
        if count > MAX_CELLS:
            raise Invalid(
                f"{path}: the workbook {what} {count:,} cells; {_bound()}; split it, or save it as CSV"
            )


class _Cells:
    """Counts the cells read from every sheet of a workbook, and stops at MAX_CELLS
    (a worksheet's declared size may understate it)."""

    def __init__(self, path: Path):
        self.path = path
        self.limit = self.left = MAX_CELLS

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise Invalid(
                f"{self.path}: the workbook holds more than {self.limit:,} cells; {_bound()}; "
                "split it, or save it as CSV"
            )


def _read_worksheet(sheet, cells: _Cells) -> Rows:
    rows: Rows = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells.take(len(row))
        rows.append((number, [_cell(v) for v in row]))
    return rows


def _tracker_header(rows: Rows) -> bool:
    """The tracker's header: only its labels, at least one of them not an import column's own name."""
    for _, cells in rows:
        names = [c.strip().lower() for c in cells if c.strip()]
        if names and not _marking(cells):
            return all(n in COLUMN_OF_LABEL for n in names) and any(
                COLUMN_OF_LABEL[n] != n for n in names
            )
    return False


def _xlsx_tables(path: Path) -> list[tuple[str | None, Rows]]:
    from openpyxl import load_workbook  # only the import command pays for openpyxl

    _check_archive(path)
    cells = _Cells(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Invalid(
            f"{path}: not a readable .xlsx workbook ({exc or type(exc).__name__}); is the file truncated?"
        ) from None
    try:
        sheets = book.worksheets
        if not sheets:
            return [(None, [])]
        first = _read_worksheet(sheets[0], cells)
        is_summary = sheets[0].title.strip().lower() == SUMMARY_SHEET.lower()
        if len(sheets) == 1 or not (is_summary or _tracker_header(first)):
            return [(None, first)]
        tables = [(sheets[0].title, first)]
        tables += [(sheet.title, _read_worksheet(sheet, cells)) for sheet in sheets[1:]]
        return [
            (name, rows) for name, rows in tables if name.strip().lower() != SUMMARY_SHEET.lower()
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise Invalid(
            f"{path}: the workbook is damaged ({exc or type(exc).__name__}); is the file truncated?"
        ) from None
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


def read_csv_text(text: str, source: str) -> list[Sheet]:
    """The table of CSV text already read (from stdin), as read_sheets reads a CSV file."""
    lines = _csv_lines(io.StringIO(text.removeprefix("\ufeff"), newline=""), source)
    sheet = _table(None, ((number, _csv_cells(row)) for number, row in lines if any(row)))
    if sheet is None:
        raise Invalid(f"{source}: the file is empty; the first row must name the columns")
    return [sheet]


def read_sheets(path: Path, text_is_csv: bool = False) -> list[Sheet]:
    """The tables of a spreadsheet: one for a CSV file or a plain workbook, one a focus area for the tracker.

    TEXT_IS_CSV reads any file that is not a workbook as CSV, whatever its name ends in."""
    path = Path(path)
    if not path.is_file():
        raise Invalid(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv" or (text_is_csv and suffix not in (".xlsx", ".xlsm")):
        sheets = [s for s in (_csv_table(path),) if s is not None]
    elif suffix in (".xlsx", ".xlsm"):
        sheets = [
            s for s in (_table(name, rows) for name, rows in _xlsx_tables(path)) if s is not None
        ]
    else:
        raise Invalid(f"{path}: give a .csv or .xlsx file")
    if not sheets:
        raise Invalid(f"{path}: the file is empty; the first row must name the columns")
    return sheets
