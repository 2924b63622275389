"""Internal means marked: `report --internal` carries INTERNAL — NOT FOR RELEASE in every format,
the public report in none, and the marked internal tracker still reads back in."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

MARK = "INTERNAL — NOT FOR RELEASE"
SITE = ("--site", "brightwater-demo")
KINDS = ("status-update", "progress", "final")


def _report(cli, isolated, fmt: str, *extra: str) -> str | bytes:
    """The report's text, or for the binary formats its bytes (written with --output)."""
    if fmt in ("pdf", "xlsx"):
        target = isolated / f"report.{fmt}"
        cli.ok("report", *SITE, "--format", fmt, "--output", target, *extra)
        return target.read_bytes()
    return cli.ok("report", *SITE, "--format", fmt, *extra)


def _sheets(isolated, data: bytes):
    path = isolated / "read.xlsx"
    path.write_bytes(data)
    return load_workbook(path).worksheets


def _page_marks(sheet) -> list[str]:
    return [
        part.center.text
        for part in (
            sheet.oddHeader,
            sheet.oddFooter,
            sheet.evenHeader,
            sheet.evenFooter,
            sheet.firstHeader,
            sheet.firstFooter,
        )
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_internal_xlsx_marks_every_sheet_on_screen_and_on_paper(demo, isolated, kind):
    sheets = _sheets(isolated, _report(demo, isolated, "xlsx", "--internal", "--kind", kind))
    assert len(sheets) == 6  # the Summary and one a focus area
    for sheet in sheets:
        assert sheet["A1"].value == MARK, sheet.title
        assert _page_marks(sheet) == [MARK] * 6, sheet.title
    assert sheets[0]["A2"].value == "Agency"
    assert [c.value for c in sheets[1][2]][:2] == ["Focus area", "Finding"]
    assert sheets[1].freeze_panes == "A3"


@pytest.mark.parametrize("kind", KINDS)
def test_internal_csv_first_line_is_the_mark_and_the_rest_parses(demo, isolated, kind):
    text = _report(demo, isolated, "csv", "--internal", "--kind", kind)
    first, rest = text.split("\n", 1)
    assert first == f"# {MARK}"
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert len(rows) >= 38
    assert {row["classification"] for row in rows} == {MARK}
    assert rows[0]["recommendation"] == "1.1.1" and rows[0]["review"]


def test_internal_report_is_marked_in_every_text_format(demo, isolated):
    md = _report(demo, isolated, "markdown", "--internal").splitlines()
    assert md[0] == f"**{MARK}**" and [line for line in md if line][-1] == f"**{MARK}**"
    html = _report(demo, isolated, "html", "--internal")
    body = html.split("<body", 1)[1]
    assert body.count(f'<p class="internal-mark">{MARK}</p>') == 2  # the top banner and the footer
    data = json.loads(_report(demo, isolated, "json", "--internal"))
    assert next(iter(data)) == "classification" and data["classification"] == MARK


def test_internal_pdf_is_marked_on_every_page(demo, isolated):
    from pypdf import PdfReader

    (isolated / "r.pdf").write_bytes(_report(demo, isolated, "pdf", "--internal"))
    # Text extraction may break the marking across lines; it is the same words in the same order.
    pages = [
        " ".join(page.extract_text().split()) for page in PdfReader(str(isolated / "r.pdf")).pages
    ]
    assert len(pages) > 2 and all(MARK in text for text in pages)


def test_public_report_carries_no_marking(demo, isolated):
    for fmt in ("markdown", "html", "json", "csv"):
        text = _report(demo, isolated, fmt)
        assert "INTERNAL" not in text and "NOT FOR RELEASE" not in text, fmt
    assert "classification" not in json.loads(_report(demo, isolated, "json"))
    sheets = _sheets(isolated, _report(demo, isolated, "xlsx"))
    assert len(sheets) == 6
    for sheet in sheets:
        assert sheet["A1"].value in ("Agency", "Focus area"), sheet.title
        assert _page_marks(sheet) == [None] * 6, sheet.title


@pytest.mark.parametrize("fmt", ("csv", "xlsx"))
def test_marked_internal_tracker_reads_back_unchanged(demo, isolated, fmt):
    path = isolated / f"internal.{fmt}"
    demo.ok("report", *SITE, "--internal", "--format", fmt, "--output", path)
    done = demo.json("import", *SITE, path, "--dry-run")
    assert done["rows"] >= 38
    assert (done["findings"], done["recommendations"], done["status_updates"]) == (0, 0, 0)
    assert done["unchanged"] == done["rows"]


def test_a_header_error_under_the_marking_names_the_header_row(demo, isolated):
    path = isolated / "internal.csv"
    demo.ok("report", *SITE, "--internal", "--format", "csv", "--output", path)
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([lines[0], lines[1] + ",bogus"] + lines[2:]), encoding="utf-8")
    result = demo("import", *SITE, path, "--dry-run")
    assert result.exit_code == 1
    assert f"error: {path}, row 2, column bogus: unknown column 'bogus'" in result.stderr
