"""reports/xlsx.py on a report built by hand: every cell of the summary and the focus-area sheets,
text that stays text, sheet names that Excel accepts and never repeat, the internal marking on
screen and on paper, and the same bytes for the same report."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from reformctl.reports.xlsx import _sheet_title, render_xlsx


def rec(number: str, **fields) -> dict:
    return {
        "number": number,
        "text": f"=Do {number}",
        "priority": "high",
        "owner": "Records",
        "due": "2025-01-31",
        "status_label": "In Progress",
        "status_as_of": "2024-06-30",
        "reason_label": None,
        **fields,
    }


STATUS_SUMMARY = [
    {"status": "complete", "label": "Complete", "count": 1, "percent": 25},
    {"status": "in-progress", "label": "In Progress", "count": 3, "percent": 75},
]


def report(**fields) -> dict:
    return {
        "generator": "reformctl 9.9",
        "as_of": "2024-09-30",
        "kind_label": "Interim report",
        "engagement": {"agency": "North Miami PD", "program_name": "Reform"},
        "total_findings": 3,
        "total_recommendations": 4,
        "status_summary": STATUS_SUMMARY,
        "focus_area_summary": [
            {
                "number": 1,
                "title": "Technology",
                "statuses": [{"count": 1}, {"count": 2}],
                "total": 3,
            },
            {
                "number": 2,
                "title": "Training",
                "statuses": [{"count": 0}, {"count": 1}],
                "total": 1,
            },
        ],
        "focus_areas": [
            {
                "number": 1,
                "title": "Technology",
                "findings": [
                    {
                        "number": "1.1",
                        "title": "+Cameras",
                        "recommendations": [
                            rec("1.1.1", reason_label="Resources not available"),
                            rec("1.1.2", withdrawn=True),
                        ],
                    },
                    {
                        "number": "1.2",
                        "title": "Gone",
                        "withdrawn": True,
                        "recommendations": [rec("1.2.1")],
                    },
                ],
            },
            {
                "number": 2,
                "title": "Training",
                "findings": [
                    {"number": "2.1", "title": "Hours", "recommendations": [rec("2.1.1")]}
                ],
            },
        ],
        **fields,
    }


def book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_summary_sheet():
    summary = book(render_xlsx(report()))["Summary"]
    assert values(summary) == [
        ["Agency", "North Miami PD", None, None],
        ["Program", "Reform", None, None],
        ["Report", "Interim report", None, None],
        ["Status as of", "2024-09-30", None, None],
        ["Findings", 3, None, None],
        ["Recommendations", 4, None, None],
        [None, None, None, None],
        ["Status", "Count", "Percent", None],
        ["Complete", 1, 0.25, None],
        ["In Progress", 3, 0.75, None],
        ["Total", 4, None, None],
        [None, None, None, None],
        ["Focus area", "Complete", "In Progress", "Total"],
        ["1. Technology", 1, 2, 3],
        ["2. Training", 0, 1, 1],
    ]
    assert summary["C9"].number_format == "0%"
    for cell in ("A1", "A6", "A8", "B8", "C8", "A11", "B11", "A13", "D13"):
        assert summary[cell].font.bold, cell
    for cell in ("B1", "A9", "B9", "A14"):
        assert not summary[cell].font.bold, cell
    assert summary.column_dimensions["A"].width == 48
    assert [summary.column_dimensions[c].width for c in "BCDEF"] == [18] * 5
    assert summary.column_dimensions["G"].width != 18 and summary.column_dimensions["X"].width != 18
    assert summary.oddHeader.center.text is None  # unmarked: the public tracker


def test_a_report_without_kind_or_focus_area_summary():
    data = report(focus_area_summary=None)
    del data["kind_label"]
    summary = book(render_xlsx(data))["Summary"]
    assert summary["B3"].value is None  # an empty string reads back as no value
    assert summary.max_row == 13


def test_each_focus_area_sheet_holds_its_rows_as_text():
    workbook = book(render_xlsx(report()))
    assert workbook.sheetnames == ["Summary", "1 Technology", "2 Training"]
    sheet = workbook["1 Technology"]
    head = [
        "Focus area",
        "Finding",
        "Finding text",
        "Recommendation",
        "Recommendation text",
        "Priority",
        "Owner",
        "Due",
        "Status",
        "As of",
        "Reason",
    ]
    assert values(sheet) == [
        head,
        [
            "1. Technology",
            "1.1",
            "+Cameras",
            "1.1.1",
            "=Do 1.1.1",
            "high",
            "Records",
            "2025-01-31",
            "In Progress",
            "2024-06-30",
            "Resources not available",
        ],
        ["1. Technology", "1.1", None, "1.1.2", None, None, None, None, "Withdrawn", None, None],
        ["1. Technology", "1.2", None, "1.2.1", None, None, None, None, "Withdrawn", None, None],
    ]
    assert sheet["E2"].data_type == "s" and sheet["C2"].data_type == "s"  # never a formula
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet["E2"].alignment.wrap_text and sheet["E2"].alignment.vertical == "top"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K4"
    assert [sheet.column_dimensions[c].width for c in "ABCDEFGHIJK"] == [
        28,
        9,
        50,
        15,
        60,
        9,
        24,
        11,
        18,
        11,
        28,
    ]
    assert values(workbook["2 Training"])[1][:5] == [
        "2. Training",
        "2.1",
        "Hours",
        "2.1.1",
        "=Do 2.1.1",
    ]


def test_the_formulas_stay_text_in_the_file_itself():
    with zipfile.ZipFile(io.BytesIO(render_xlsx(report()))) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in xml for xml in sheets)


def test_the_internal_report_is_marked_on_screen_and_on_paper():
    data = render_xlsx(report(classification="INTERNAL - not for release"))
    workbook = book(data)
    assert (
        workbook.properties.title
        == "North Miami PD: recommendation tracker (INTERNAL - not for release)"
    )
    assert workbook.properties.keywords == "INTERNAL - not for release"
    for sheet in workbook.worksheets:
        assert sheet["A1"].value == "INTERNAL - not for release" and sheet["A1"].font.bold
        for part in (
            sheet.oddHeader,
            sheet.oddFooter,
            sheet.evenHeader,
            sheet.evenFooter,
            sheet.firstHeader,
            sheet.firstFooter,
        ):
            assert part.center.text == "INTERNAL - not for release"
            assert part.center.font == "-,Bold"
    summary, area = workbook["Summary"], workbook["1 Technology"]
    assert summary["A2"].value == "Agency" and summary["A9"].value == "Status"
    assert area["A2"].value == "Focus area" and area["A3"].value == "1. Technology"
    assert area.freeze_panes == "A3" and area.auto_filter.ref == "A2:K5"


def test_the_properties_and_the_same_bytes_for_the_same_report():
    data = render_xlsx(report())
    workbook = book(data)
    assert workbook.properties.title == "North Miami PD: recommendation tracker"
    assert workbook.properties.keywords is None
    assert workbook.properties.creator == "reformctl 9.9"
    assert str(workbook.properties.created) == "2024-09-30 00:00:00"
    assert render_xlsx(report()) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        core = archive.read("docProps/core.xml")
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
    assert b">2024-09-30T00:00:00Z</dcterms:modified>" in core
    assert b">2024-09-30T00:00:00Z</dcterms:created>" in core


@pytest.mark.parametrize(
    "number, title, used, name",
    [
        (1, "Technology", set(), "1 Technology"),
        (2, "a[b]c:d*e?f/g\\h", set(), "2 a b c d e f g h"),
        (3, "x" * 40, set(), "3 " + "x" * 29),
        (4, "y" * 28 + " z", set(), "4 " + "y" * 28),  # cut at 31, then the space stripped
        (1, "Technology", {"1 technology"}, "1 Technology 2"),
        (1, "Technology", {"1 technology", "1 technology 2"}, "1 Technology 3"),
        (5, "x" * 40, {"5 " + "x" * 29}, "5 " + "x" * 26 + " 2"),
    ],
)
def test_sheet_titles(number, title, used, name):
    used = set(used)  # a copy: the parameters are shared by every run of the test
    before = set(used)
    assert _sheet_title(number, title, used) == name
    assert used == before | {name.lower()}
    assert len(name) <= 31


def test_a_finding_without_recommendations_gives_no_row():
    data = report()
    data["focus_areas"][1]["findings"] = [{"number": "2.1", "title": "Hours"}]
    sheet = book(render_xlsx(data))["2 Training"]
    assert values(sheet) == [values(sheet)[0]] and sheet.auto_filter.ref == "A1:K1"
