"""reports/tabular.py on a report built by hand: every cell of the tracker, the formula escaping at
its edges, withdrawn rows, the changes and history columns, and the internal marking. The CLI
tests (test_csv_tracker_columns.py, test_spreadsheet_formulas.py) check the same on real stores;
these pin each rule so a one-character change to it fails by name."""

from __future__ import annotations

import csv
import io

import pytest

from reformctl.reports.tabular import COLUMNS, _cell, render_csv, tracker_rows


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-1+2", "'-1+2"),
        ("-x", "'-x"),
        ("- a list item", "- a list item"),
        ("-", "-"),
        ("", ""),
        (None, ""),
        (3, "3"),
        ("a=b", "a=b"),
        ("plain", "plain"),
        ("'quoted", "'quoted"),
    ],
)
def test_cell(value, cell):
    assert _cell(value) == cell


def rec(number: str, **fields) -> dict:
    return {
        "number": number,
        "text": f"Do {number}",
        "priority": "high",
        "owner": "=Owner",
        "due": "2025-01-31",
        "status_label": "In progress",
        "status_as_of": "2024-06-30",
        "reason_label": None,
        **fields,
    }


REPORT = {
    "focus_areas": [
        {
            "number": "1",
            "title": "Technology",
            "findings": [
                {
                    "number": "1.1",
                    "title": "Cameras",
                    "recommendations": [
                        rec("1.1.1", reason_label="Funding", review="approved"),
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
            "number": "2",
            "title": "Training",
            "findings": [
                {"number": "2.1", "title": "Hours", "recommendations": [rec("2.1.1"), rec("2.1.2")]}
            ],
        },
    ],
    "changes": {
        "new_recommendations": [{"number": "2.1.1"}],
        "status_changes": [
            {"number": "1.1.1", "from_label": "Not started", "to_label": "In progress"}
        ],
    },
    "final": {
        "recommendations": [
            {
                "number": "1.1.1",
                "history": [
                    {"as_of": "2024-01-31", "status_label": "Not started"},
                    {"as_of": "2024-06-30", "status_label": "In progress"},
                ],
            }
        ]
    },
}


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_cell_of_the_public_tracker():
    text = render_csv(REPORT)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "\r" not in text
    got = rows(text)
    assert got[0] == {
        "focus_area": "1",
        "focus_area_title": "Technology",
        "finding": "1.1",
        "finding_title": "Cameras",
        "recommendation": "1.1.1",
        "recommendation_text": "Do 1.1.1",
        "priority": "high",
        "owner": "'=Owner",
        "due": "2025-01-31",
        "status": "In progress",
        "status_as_of": "2024-06-30",
        "reason": "Funding",
        "change_since_last_update": "Not started -> In progress",
        "history": "2024-01-31 Not started; 2024-06-30 In progress",
    }
    withdrawn = {c: "" for c in COLUMNS}
    assert got[1] == {
        **withdrawn,
        "focus_area": "1",
        "focus_area_title": "Technology",
        "finding": "1.1",
        "recommendation": "1.1.2",
        "status": "Withdrawn",
    }
    assert got[2] == {
        **withdrawn,
        "focus_area": "1",
        "focus_area_title": "Technology",
        "finding": "1.2",
        "recommendation": "1.2.1",
        "status": "Withdrawn",
    }
    assert (
        got[3]["change_since_last_update"] == "new"
        and got[3]["reason"] == ""
        and got[3]["history"] == ""
    )
    assert [r["recommendation"] for r in got] == ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2"]
    assert got[4]["change_since_last_update"] == ""


def test_a_status_change_outranks_new():
    report = {
        **REPORT,
        "changes": {
            "new_recommendations": [{"number": "1.1.1"}],
            "status_changes": [{"number": "1.1.1", "from_label": "A", "to_label": "B"}],
        },
    }
    assert rows(render_csv(report))[0]["change_since_last_update"] == "A -> B"


def test_without_changes_or_final_the_columns_are_empty():
    report = {"focus_areas": REPORT["focus_areas"]}
    got = rows(render_csv(report))
    assert [(r["change_since_last_update"], r["history"]) for r in got] == [("", "")] * 5
    assert next(tracker_rows({**report, "changes": None, "final": None}))["history"] == ""


def test_the_internal_tracker_is_marked_on_its_first_line_and_every_row():
    text = render_csv({**REPORT, "classification": "INTERNAL \u2014 NOT FOR RELEASE"})
    first, rest = text.split("\n", 1)
    assert first == "# INTERNAL \u2014 NOT FOR RELEASE"
    got = rows(rest)
    assert rest.splitlines()[0] == ",".join(("classification",) + COLUMNS + ("review",))
    assert {r["classification"] for r in got} == {"INTERNAL \u2014 NOT FOR RELEASE"}
    assert got[0]["review"] == "approved" and got[3]["review"] == ""
    assert "review" not in rows(render_csv(REPORT))[0]


def test_a_withdrawn_recommendation_does_not_hide_the_next_one():
    report = {
        "focus_areas": [
            {
                "number": "1",
                "title": "Technology",
                "findings": [
                    {
                        "number": "1.1",
                        "title": "Cameras",
                        "recommendations": [rec("1.1.1", withdrawn=True), rec("1.1.2")],
                    }
                ],
            }
        ]
    }
    rows = list(tracker_rows(report))
    assert [(r["recommendation"], r["status"]) for r in rows] == [
        ("1.1.1", "Withdrawn"),
        ("1.1.2", "In progress"),
    ]
