"""A tracker read back adds no duplicate history, says which back-dated rows stay behind the
current status, and a workbook too big to read is refused before it is loaded."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile

import pytest

from helpers import dump

SITE = ("--site", "brightwater-demo")
OLDER = "2025-12-31"  # an older quarter's export: several recommendations have moved on since


def _same_rows(db) -> list[str]:
    """The store's contents: an import re-creates the full-text triggers, which reorders the schema."""
    return sorted(dump(db))


def _history(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT recommendation_id, status, as_of FROM status_updates ORDER BY 1, 3, 2"
        ).fetchall()
    finally:
        conn.close()


def _older_tracker(cli, isolated, fmt: str):
    path = isolated / f"older.{fmt}"
    cli.ok("report", *SITE, "--format", fmt, "--as-of", OLDER, "--output", path)
    return path


@pytest.mark.parametrize("fmt", ("csv", "xlsx"))
def test_an_older_tracker_read_back_adds_no_history(demo, isolated, fmt):
    path = _older_tracker(demo, isolated, fmt)
    current = demo.json("status-history", *SITE, "1.1.1")["history"]
    assert [(u["status"], u["as_of"]) for u in current][-2:] == [
        ("in-progress", "2025-06-30"),
        ("complete", "2026-03-31"),
    ]
    before = _same_rows(demo.db)
    done = demo.json("import", *SITE, path)
    assert (done["rows"], done["status_updates"], done["unchanged"]) == (38, 0, 38)
    assert done["superseded"] == []
    assert _same_rows(demo.db) == before
    history = _history(demo.db)
    assert len(history) == len(set(history))  # no status twice on one date


def test_a_back_dated_import_row_says_the_later_status_stands(demo, isolated):
    path = isolated / "late.csv"
    path.write_text(
        "finding,recommendation,status,status_as_of\n"
        "1.1,1.1.1,Partially Complete,2025-12-31\n"
        "1.1,1.1.2,Complete,2026-11-01\n",
        encoding="utf-8",
    )
    dry = demo.json("import", *SITE, path, "--dry-run")
    assert dry["status_updates"] == 2
    assert dry["superseded"] == [
        {
            "sheet": None,
            "row": 2,
            "number": "1.1.1",
            "status": "partially-complete",
            "as_of": "2025-12-31",
            "superseded_by": {"status": "complete", "as_of": "2026-03-31"},
        }
    ]
    result = demo("import", *SITE, path)
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: {path}, row 2: a later update of 1.1.1 (Complete as of 2026-03-31) "
        "remains the current status"
    ]
    # Read back again, the same file is in the history now: nothing more is written.
    before = _same_rows(demo.db)
    again = demo.json("import", *SITE, path)
    assert (again["status_updates"], again["unchanged"], again["superseded"]) == (0, 2, [])
    assert _same_rows(demo.db) == before


def _bulk_file(isolated, tracker_csv: str, extra: list[str]):
    rows = list(csv.DictReader(io.StringIO(tracker_csv)))
    lines = ["recommendation,status,as_of,note,reason"]
    lines += [f"{r['recommendation']},{r['status']},{r['status_as_of']},," for r in rows]
    path = isolated / "review.csv"
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    return path, len(rows)


def test_bulk_status_of_an_older_tracker_adds_no_history(demo, isolated):
    tracker = demo.ok("report", *SITE, "--format", "csv", "--as-of", OLDER)
    path, count = _bulk_file(isolated, tracker, [])
    before = dump(demo.db)
    done = demo.json("bulk-status", *SITE, path)
    assert (done["applied"], done["unchanged"], len(done["rows"])) == (0, count, count)
    assert all(row["unchanged"] for row in done["rows"])
    assert dump(demo.db) == before
    text = demo.ok("bulk-status", *SITE, path)
    assert (
        "note: row 2: 1.1.1 is already In Progress as of 2025-06-30 in its history; unchanged"
        in text
    )


def test_bulk_status_applies_the_new_rows_beside_unchanged_ones(demo, isolated):
    tracker = demo.ok("report", *SITE, "--format", "csv", "--as-of", OLDER)
    path, count = _bulk_file(isolated, tracker, ["1.1.2,complete,2026-11-01,,"])
    done = demo.json("bulk-status", *SITE, path)
    assert (done["applied"], done["unchanged"]) == (1, count)
    assert [r["number"] for r in done["rows"] if not r["unchanged"]] == ["1.1.2"]
    history = _history(demo.db)
    assert len(history) == len(set(history))


def test_an_unchanged_bulk_row_is_still_checked(demo, isolated):
    # A reason with Complete is an error even when Complete on that date is already recorded.
    path = isolated / "review.csv"
    path.write_text(
        "recommendation,status,as_of,note,reason\n1.1.1,complete,2026-03-31,,resources\n",
        encoding="utf-8",
    )
    before = dump(demo.db)
    result = demo("bulk-status", *SITE, path)
    assert result.exit_code == 1
    assert "row 2: a reason is given only for not-started or partially-complete" in result.stderr
    assert dump(demo.db) == before


# Hostile workbooks, crafted part by part with zipfile as an attacker would.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_DOC}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
}
_HEADER_ROW = '<row r="1"><c t="inlineStr"><is><t>finding</t></is></c></row>'


def _workbook(path, rows, dimension: str | None = None, strings: int = 1):
    """A one-sheet workbook: a header, then ROWS (an iterable of row XML), streamed into the archive."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _PARTS.items():
            archive.writestr(name, xml)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{_MAIN}">'
            + "".join(f"<si><t>s{i}</t></si>" for i in range(strings))
            + "</sst>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            size = f'<dimension ref="{dimension}"/>' if dimension else ""
            sheet.write(f'<worksheet xmlns="{_MAIN}">{size}<sheetData>{_HEADER_ROW}'.encode())
            for row in rows:
                sheet.write(row.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _varied_rows(count: int, width: int):
    """Rows of distinct cells, which pack about as well as a real tracker's."""
    for r in range(2, count + 2):
        yield (
            f'<row r="{r}">'
            + "".join(
                f'<c t="inlineStr"><is><t>1.{r}.{c} {r * 7919 % 104729}</t></is></c>'
                for c in range(width)
            )
            + "</row>"
        )


@pytest.fixture
def no_openpyxl_load(monkeypatch):
    """A workbook refused by its bounds is refused before openpyxl reads a byte of it."""
    import openpyxl

    def loaded(*args, **kwargs):
        raise AssertionError("openpyxl was handed a workbook that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", loaded)


def test_a_zip_bomb_of_one_repeated_row_is_refused_before_it_is_loaded(
    demo, isolated, no_openpyxl_load
):
    row = "<row>" + '<c t="inlineStr"><is><t>1.1</t></is></c>' * 30 + "</row>"
    path = _workbook(isolated / "bomb.xlsx", (row for _ in range(30_000)))
    assert path.stat().st_size < 400_000
    said = demo.fails("import", *SITE, path, "--dry-run", says="times its packed size")
    assert "xl/worksheets/sheet1.xml unpacks" in said and "(at most 100)" in said


def test_a_declared_size_beyond_the_cell_bound_is_refused_before_it_is_loaded(
    demo, isolated, no_openpyxl_load
):
    path = _workbook(isolated / "wide.xlsx", _varied_rows(3, 3), dimension="A1:XFD1048576")
    said = demo.fails("import", *SITE, path, "--dry-run", says="declares 17,179,869,184 cells")
    assert "an import reads at most 1,000,000 cells and 200 MB unpacked" in said


def test_too_many_shared_strings_are_refused_before_they_are_loaded(
    demo, isolated, no_openpyxl_load, monkeypatch
):
    from reformctl.exchange import sheets

    monkeypatch.setattr(sheets, "MAX_CELLS", 1_000)
    path = _workbook(isolated / "strings.xlsx", _varied_rows(2, 2), strings=1_001)
    demo.fails(
        "import",
        *SITE,
        path,
        "--dry-run",
        says="holds the text of 1,001 cells; an import reads at most 1,000",
    )


def test_a_workbook_over_the_unpacked_bound_is_refused_before_it_is_loaded(
    demo, isolated, no_openpyxl_load, monkeypatch
):
    from reformctl.exchange import sheets

    monkeypatch.setattr(sheets, "MAX_UNPACKED", 2 * 2**20)
    path = _workbook(isolated / "big.xlsx", _varied_rows(10_000, 5))
    demo.fails(
        "import",
        *SITE,
        path,
        "--dry-run",
        says="MB; an import reads at most 1,000,000 cells and 2 MB unpacked",
    )


def test_cells_beyond_the_bound_stop_the_reading_when_none_are_declared(
    demo, isolated, monkeypatch
):
    from reformctl.exchange import sheets

    monkeypatch.setattr(sheets, "MAX_CELLS", 1_000)
    small = _workbook(isolated / "small.xlsx", _varied_rows(99, 10))  # 991 cells with the header
    read = demo("import", *SITE, small, "--dry-run")  # read whole, then refused for its rows' width
    assert (
        read.exit_code == 1
        and "row 2: has 10 cells but the header names only 1" in read.stderr
        and "more than" not in read.stderr
    )
    path = _workbook(isolated / "many.xlsx", _varied_rows(100, 10))  # 1,001 cells, no <dimension>
    demo.fails("import", *SITE, path, "--dry-run", says="holds more than 1,000 cells")


@pytest.mark.parametrize(
    "content", (b"finding,status\n1.1,Complete\n", b"PK\x03\x04 truncated", b"")
)
def test_a_file_that_is_not_a_zip_is_refused(demo, isolated, content):
    path = isolated / "fake.xlsx"
    path.write_bytes(content)
    demo.fails("import", *SITE, path, "--dry-run", says="not a readable .xlsx workbook")


def test_a_workbook_with_a_damaged_part_is_refused(demo, isolated):
    path = _workbook(isolated / "damaged.xlsx", _varied_rows(50, 5), dimension="A1:E51")
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = part.header_offset + 30 + len(part.filename) + len(part.extra)  # the packed data
    data[start + 5 : start + 60] = bytes(b ^ 0x55 for b in data[start + 5 : start + 60])
    path.write_bytes(bytes(data))
    demo.fails("import", *SITE, path, "--dry-run", says="not a readable .xlsx workbook")
