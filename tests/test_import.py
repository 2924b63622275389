"""Spreadsheet import: checked first, then all in one transaction or nothing; errors by row and column."""

import csv
import json
import sqlite3

import pytest

from helpers import EXAMPLES, dump

SITE = "brightwater-demo"
HEADER = [
    "focus_area",
    "finding",
    "finding_title",
    "recommendation",
    "recommendation_text",
    "priority",
    "owner",
    "due",
    "status",
    "status_as_of",
]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def refused(cli, *args, says: list[str]):
    """Refused with one stderr line per error (each naming its row and column), exit 1, store unchanged."""
    before = dump(cli.db)
    result = cli(*args)
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), lines
    assert "Traceback" not in result.stderr + result.stdout
    for needle in says:
        assert any(needle in line for line in lines), (needle, lines)
    assert dump(cli.db) == before
    return lines


def test_the_tracker_reads_back_in(demo, tmp_path):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(demo.ok("report", "--site", SITE, "--format", "csv"), encoding="utf-8")
    # Into the same store: nothing new, nothing changed.
    again = demo.json("import", "--site", SITE, tracker)
    assert again == {
        "dry_run": False,
        "rows": 38,
        "findings": 0,
        "recommendations": 0,
        "status_updates": 0,
        "unchanged": 38,
        "superseded": [],
    }
    # Into a fresh engagement with the same focus areas: the public record, renumbered identically.
    areas = [a["title"] for a in demo.json("show", "--site", SITE)["focus_areas"]]
    demo.ok(
        "new-engagement",
        "--site",
        "copy",
        "--agency",
        "Copy PD",
        *[x for t in areas for x in ("--focus-area", t)],
    )
    demo.fails("import", "--site", "copy", tracker, "--approved-by", "tester", says="four eyes")
    drafts = demo.json("import", "--site", "copy", tracker, "--dry-run")
    assert drafts["recommendations"] == 38
    done = demo.json("import", "--site", "copy", tracker, "--approved-by", "Rita Reviewer")
    assert done["recommendations"] == 38
    assert {f["review"] for f in demo.json("findings", "--site", "copy")} == {"approved"}
    original = json.loads(demo.ok("report", "--site", SITE, "--format", "json"))
    copied = json.loads(demo.ok("report", "--site", "copy", "--format", "json"))

    def strip(r):
        return [
            (
                f["number"],
                f["title"],
                [
                    (
                        x["number"],
                        x["text"],
                        x["status"],
                        x["status_as_of"],
                        x["owner"],
                        x["priority"],
                        x["due"],
                    )
                    for x in f["recommendations"]
                ],
            )
            for a in r["focus_areas"]
            for f in a["findings"]
        ]

    assert strip(copied) == strip(original)
    assert copied["status_summary"] == original["status_summary"]


def test_status_updates_and_new_records(demo, tmp_path):
    sheet = write_csv(
        tmp_path / "s.csv",
        [
            ["1", "1.1", "", "1.1.1", "", "", "", "", "In Progress", "2026-10-01"],
            [
                "5",
                "5.9",
                "A new finding from the spreadsheet",
                "5.9.1",
                "Do the new thing.",
                "High",
                "IT Unit",
                "2027-01-31",
                "not-started",
                "2026-09-01",
            ],
            [
                "5",
                "5.9",
                "A new finding from the spreadsheet",
                "5.9.2",
                "=SUM(A1)",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
    )
    preview = demo.json("import", "--site", SITE, sheet, "--dry-run")
    assert preview["dry_run"] and preview["findings"] == 1 and preview["recommendations"] == 2
    assert (
        demo.json("findings", "--site", SITE, "--focus-area", "5")[-1]["number"] == "5.3"
    )  # nothing written
    done = demo.json("import", "--site", SITE, sheet)
    assert (done["findings"], done["recommendations"], done["status_updates"]) == (1, 2, 3)
    found = {f["number"]: f for f in demo.json("findings", "--site", SITE)}
    assert (
        found["5.9"]["title"] == "A new finding from the spreadsheet"
        and found["5.9"]["dated"] == "2026-09-01"
    )
    assert [r["text"] for r in found["5.9"]["recommendations"]] == ["Do the new thing.", "=SUM(A1)"]
    assert found["1.1"]["recommendations"][0]["status"] == "in-progress"
    assert found["5.9"]["review"] == "draft"
    history = demo.json("history", "--site", SITE, "--ref", "5.9")
    assert history and history[0]["action"] == "create"
    # The next finding logged by hand follows on.
    assert (
        demo.json("log-finding", "--site", SITE, "--focus-area", "5", "--title", "Next")["number"]
        == "5.10"
    )


def test_xlsx(demo, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        [1, "1.1", None, "1.1.1", None, None, None, None, "Complete", dt.date(2026, 11, 1)]
    )
    sheet.append(
        [
            2,
            "2.9",
            "From Excel",
            "2.9.1",
            "Excel rec",
            "low",
            None,
            dt.datetime(2027, 3, 1),
            None,
            None,
        ]
    )
    path = tmp_path / "s.xlsx"
    book.save(path)
    done = demo.json("import", "--site", SITE, path)
    assert (done["findings"], done["recommendations"]) == (1, 1)
    found = {f["number"]: f for f in demo.json("findings", "--site", SITE)}
    assert found["1.1"]["recommendations"][0]["status"] == "complete"
    assert found["2.9"]["recommendations"][0]["due"] == "2027-03-01"


def test_missing_and_unknown_columns(demo, tmp_path):
    sheet = write_csv(
        tmp_path / "s.csv", [["x", "1.1.1"]], header=["finding_titel", "recommendation"]
    )
    refused(
        demo,
        "import",
        "--site",
        SITE,
        sheet,
        says=[
            "row 1, column finding_titel: unknown column",
            "row 1, column finding: missing column",
        ],
    )


def test_bad_values_are_listed_by_row_and_column(demo, tmp_path):
    sheet = write_csv(
        tmp_path / "s.csv",
        [
            ["1", "1.1", "", "1.1.1", "", "", "", "", "Done-ish", "2026-13-01"],
            ["1", "1.1", "", "1.1.2", "", "", "", "", "Complete", "2030-01-01"],
            ["9", "9.1", "No such area", "9.1.1", "x", "", "", "", "", ""],
            ["2", "1.2", "", "", "", "", "", "", "", ""],
            ["1", "1.1", "", "1.2.1", "", "", "", "", "", ""],
            ["1", "1.77", "", "1.77.1", "", "urgent", "", "someday", "", ""],
            ["1", "one", "", "", "", "", "", "", "", ""],
        ],
    )
    lines = refused(
        demo,
        "import",
        "--site",
        SITE,
        sheet,
        says=[
            "row 2, column status: status 'Done-ish' is unknown",
            "row 2, column status_as_of:",
            "row 3, column status_as_of: status_as_of 2030-01-01 is in the future",
            "row 4, column finding: focus area 9 does not exist",
            "row 5, column focus_area:",
            "row 6, column recommendation: 1.2.1 is not under finding 1.1",
            "row 7, column recommendation_text: is empty",
            "row 7, column priority:",
            "row 7, column due:",
            "row 8, column finding:",
            "row 7, column finding_title: is empty",
        ],
    )
    assert lines[-1].endswith("nothing was imported")


def test_duplicate_recommendations(demo, tmp_path):
    sheet = write_csv(
        tmp_path / "s.csv",
        [
            ["1", "1.1", "", "1.1.1", "", "", "", "", "Complete", "2026-11-01"],
            ["1", "1.1", "", "1.1.1", "", "", "", "", "In Progress", "2026-11-02"],
            ["3", "3.8", "One title", "", "", "", "", "", "", ""],
            ["3", "3.8", "Another title", "", "", "", "", "", "", ""],
        ],
    )
    refused(
        demo,
        "import",
        "--site",
        SITE,
        sheet,
        says=[
            "row 3, column recommendation: 1.1.1 repeats row 2",
            "row 5, column finding_title: differs from row 4",
        ],
    )


def test_truncated_and_broken_files(demo, tmp_path):
    good = write_csv(
        tmp_path / "good.csv",
        [["1", "1.1", "", "1.1.1", "", "", "", "", "Complete", "2026-11-01"]] * 1,
    )
    short = tmp_path / "short.csv"
    short.write_text(good.read_text().rstrip("\n")[:-30] + "\n", encoding="utf-8")
    refused(demo, "import", "--site", SITE, short, says=["row 2: has", "truncated"])
    quote = tmp_path / "quote.csv"
    quote.write_text(",".join(HEADER) + '\n1,1.1,"unterminated', encoding="utf-8")
    refused(demo, "import", "--site", SITE, quote, says=["truncated"])
    xlsx = tmp_path / "broken.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.save(xlsx)
    xlsx.write_bytes(xlsx.read_bytes()[:400])
    demo.fails("import", "--site", SITE, xlsx, says="truncated")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    demo.fails("import", "--site", SITE, empty, says="empty")
    header_only = write_csv(tmp_path / "h.csv", [])
    demo.fails("import", "--site", SITE, header_only, says="no data rows")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(",".join(HEADER).encode() + b"\n1,1.1,Caf\xe9\n")
    demo.fails("import", "--site", SITE, latin, says="UTF-8")
    demo.fails("import", "--site", SITE, tmp_path / "missing.csv", says="no such file")
    demo.fails("import", "--site", SITE, EXAMPLES / "north-miami.toml", says=".csv or .xlsx")
    demo.fails("import", good, code=2, says="--site")
    demo.fails("import", "--site", "nowhere", good, says="no engagement")


@pytest.mark.slow
def test_fifty_thousand_rows_land_whole(north_miami, tmp_path):
    """Scale, not speed: the 5 s target is measured by benchmarks/run.py, not by a timed test."""
    path = tmp_path / "big.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "finding",
                "finding_title",
                "recommendation",
                "recommendation_text",
                "owner",
                "status",
                "status_as_of",
            ]
        )
        for area in range(1, 6):
            for f in range(1, 1001):
                for r in range(1, 11):
                    writer.writerow(
                        [
                            f"{area}.{f}",
                            f"Finding {area}.{f} on staffing",
                            f"{area}.{f}.{r}",
                            f"Recommendation {r} on training records",
                            "Training Unit",
                            ("In Progress", "Complete", "Not Started")[r % 3],
                            "2026-01-15",
                        ]
                    )

    def indexed(word):
        conn = sqlite3.connect(north_miami.db)
        try:
            return conn.execute(
                "SELECT count(*) FROM recommendations_fts WHERE recommendations_fts MATCH ?",
                (word,),
            ).fetchone()[0]
        finally:
            conn.close()

    before = indexed("training")
    done = north_miami.json("import", "--site", "north-miami", path)
    assert done["recommendations"] == 50_000 and done["findings"] == 5_000
    hits = north_miami.json("search", "staffing", "--site", "north-miami", "--limit", "3")
    assert len(hits) == 3
    # Indexed in statements of store/fts.py BULK_CHUNK rows: every one of them, once.
    assert indexed("training") == before + 50_000


def test_malformed_xlsx(demo, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["finding", "recommendation", "status", "status_as_of", "colour"])
    sheet.append(["1.1", "1.1.1", "Complete", "last tuesday", "red"])
    sheet.append(["7.1", "7.1.1", "In Progress", "2026-01-01", ""])
    sheet.append(["1.1", "1.1.1", "Complete", "2026-01-01", ""])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    refused(demo, "import", "--site", SITE, path, says=["row 1, column colour: unknown column"])
    book.active.delete_cols(5)
    book.save(path)
    refused(
        demo,
        "import",
        "--site",
        SITE,
        path,
        says=[
            "row 2, column status_as_of:",
            "row 3, column finding: focus area 7 does not exist",
            "row 4, column recommendation: 1.1.1 repeats row 2",
        ],
    )


def xlsx_tracker(demo, path):
    demo.ok("report", "--site", SITE, "--format", "xlsx", "--output", path)
    return path


def test_the_xlsx_tracker_reads_back_in(demo, tmp_path):
    tracker = xlsx_tracker(demo, tmp_path / "tracker.xlsx")
    # Into the same store: the Summary sheet skipped, every focus-area sheet read, nothing changed.
    again = demo.json("import", "--site", SITE, tracker)
    assert again == {
        "dry_run": False,
        "rows": 38,
        "findings": 0,
        "recommendations": 0,
        "status_updates": 0,
        "unchanged": 38,
        "superseded": [],
    }
    # Into a fresh engagement with the same focus areas: the same public record.
    areas = [a["title"] for a in demo.json("show", "--site", SITE)["focus_areas"]]
    demo.ok(
        "new-engagement",
        "--site",
        "copy",
        "--agency",
        "Copy PD",
        *[x for t in areas for x in ("--focus-area", t)],
    )
    done = demo.json("import", "--site", "copy", tracker, "--approved-by", "Rita Reviewer")
    assert (done["rows"], done["recommendations"]) == (38, 38)
    original = json.loads(demo.ok("report", "--site", SITE, "--format", "json"))
    copied = json.loads(demo.ok("report", "--site", "copy", "--format", "json"))

    def strip(r):
        return [
            (
                f["number"],
                f["title"],
                [
                    (
                        x["number"],
                        x["text"],
                        x["status"],
                        x["status_as_of"],
                        x["owner"],
                        x["priority"],
                        x["due"],
                        x.get("reason"),
                    )
                    for x in f["recommendations"]
                ],
            )
            for a in r["focus_areas"]
            for f in a["findings"]
        ]

    assert strip(copied) == strip(original)
    assert copied["status_summary"] == original["status_summary"]


def test_xlsx_tracker_cells_as_a_spreadsheet_leaves_them(demo, tmp_path):
    """A date typed as a date reads as its ISO form; a number kept as text stays text."""
    import datetime as dt

    from openpyxl import load_workbook

    path = xlsx_tracker(demo, tmp_path / "tracker.xlsx")
    book = load_workbook(path)
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    status, as_of, finding = (
        header.index("Status") + 1,
        header.index("As of") + 1,
        header.index("Finding") + 1,
    )
    assert sheet.cell(2, header.index("Recommendation") + 1).value == "1.1.1"
    sheet.cell(2, status).value = "Complete"
    sheet.cell(2, as_of).value = dt.datetime(2026, 11, 20)
    sheet.cell(2, finding).value = 1.1  # Excel's guess at "1.1"
    book.save(path)
    done = demo.json("import", "--site", SITE, path)
    assert (done["status_updates"], done["unchanged"]) == (1, 37)
    rec = demo.json("findings", "--site", SITE)[0]["recommendations"][0]
    assert (rec["number"], rec["status"], rec["status_as_of"]) == (
        "1.1.1",
        "complete",
        "2026-11-20",
    )


def test_malformed_xlsx_tracker(demo, tmp_path):
    from openpyxl import load_workbook

    path = xlsx_tracker(demo, tmp_path / "tracker.xlsx")
    book = load_workbook(path)
    sheet = book.worksheets[2]
    header = [c.value for c in sheet[1]]
    sheet.cell(3, header.index("As of") + 1).value = "the 31st of Smarch"
    sheet.cell(1, 12).value = "Colour"
    book.save(path)
    name = sheet.title
    refused(
        demo,
        "import",
        "--site",
        SITE,
        path,
        says=[f"{path}, sheet {name}, row 1, column Colour: unknown column"],
    )
    book.worksheets[2].cell(1, 12).value = None
    book.save(path)
    lines = refused(
        demo,
        "import",
        "--site",
        SITE,
        path,
        says=[f"{path}, sheet {name}, row 3, column As of: status_as_of"],
    )
    assert len(lines) == 1 and lines[0].endswith("nothing was imported")
    # A focus area's number that disagrees with its finding is named on its sheet too.
    book.worksheets[2].cell(3, header.index("As of") + 1).value = "2026-11-01"
    book.worksheets[1].cell(2, 1).value = "3. Somewhere else"
    book.save(path)
    book.worksheets[1].cell(3, 2).value = "1.77"
    book.save(path)
    refused(
        demo,
        "import",
        "--site",
        SITE,
        path,
        says=[
            f"sheet {book.worksheets[1].title}, row 2, column Focus area:",
            f"sheet {book.worksheets[1].title}, row 3, column Recommendation:",
        ],
    )


def test_a_plain_workbook_with_more_sheets_reads_its_first(demo, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append([1, "1.1", None, "1.1.1", None, None, None, None, "Complete", "2026-11-01"])
    book.create_sheet("Scratch").append(["anything", "at all"])
    path = tmp_path / "plain.xlsx"
    book.save(path)
    done = demo.json("import", "--site", SITE, path)
    assert (done["rows"], done["status_updates"]) == (1, 1)


def test_the_readme_lists_every_tracker_label():
    from pathlib import Path

    from reformctl.model.tracker_layout import COLUMNS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("**The XLSX tracker reads back in.**")[1].split("\n## ")[0]
    for label, column in COLUMNS:
        assert f"`{label}`" in section and f"`{column}`" in section, label


def test_a_tracker_with_a_withdrawn_recommendation_reads_back_in(demo, tmp_path, monkeypatch):
    demo.ok("publish", "--site", SITE, "--output", tmp_path / "r1")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-28")  # release 1 froze everything up to today
    demo.ok(
        "--as",
        "R",
        "review",
        "--site",
        SITE,
        "1.1.2",
        "--decision",
        "withdraw",
        "--comment",
        "Merged",
    )
    csv_tracker = tmp_path / "tracker.csv"
    csv_tracker.write_text(demo.ok("report", "--site", SITE, "--format", "csv"), encoding="utf-8")
    for tracker in (csv_tracker, xlsx_tracker(demo, tmp_path / "tracker.xlsx")):
        done = demo.json("import", "--site", SITE, tracker)
        assert (done["rows"], done["status_updates"], done["unchanged"]) == (38, 0, 38), tracker
    # Elsewhere the number is not withdrawn, and an import cannot withdraw it.
    areas = [a["title"] for a in demo.json("show", "--site", SITE)["focus_areas"]]
    demo.ok(
        "new-engagement",
        "--site",
        "copy",
        "--agency",
        "Copy PD",
        *[x for t in areas for x in ("--focus-area", t)],
    )
    refused(
        demo,
        "import",
        "--site",
        "copy",
        csv_tracker,
        says=["row 3, column status: 1.1.2 is not withdrawn in copy"],
    )


def test_every_created_record_has_its_own_event_with_its_values(demo, tmp_path):
    """The import writes its audit events from templates; they must be what json.dumps would write."""
    import sqlite3
    import uuid

    sheet = write_csv(
        tmp_path / "s.csv",
        [
            [
                "5",
                "5.9",
                'A "quoted" finding — café',
                "5.9.1",
                'Do the new thing: ünïcode, \\ and "quotes".',
                "High",
                "IT Unit",
                "2027-01-31",
                "In Progress",
                "2026-09-01",
            ],
            ["5", "5.9", 'A "quoted" finding — café', "5.9.2", "Second.", "", "", "", "", ""],
            ["1", "1.1", "", "1.1.1", "", "", "", "", "Complete", "2026-11-01"],
        ],
    )
    conn = sqlite3.connect(tmp_path / "test.db")
    conn.row_factory = sqlite3.Row
    last = conn.execute("SELECT MAX(id) FROM events").fetchone()[0]
    demo.ok("import", "--site", SITE, sheet, "--approved-by", "Reviewer Two")
    events = [
        dict(r) for r in conn.execute("SELECT * FROM events WHERE id > ? ORDER BY id", (last,))
    ]
    assert {e["record_type"] for e in events} == {"finding", "recommendation"}
    for event in events:
        for side in ("before", "after"):
            if event[side] is not None:
                assert event[side] == json.dumps(json.loads(event[side]), sort_keys=True)
    by_record = {}
    for event in events:
        by_record.setdefault(event["record_id"], []).append(event["action"])
    finding = dict(
        conn.execute("SELECT * FROM findings WHERE title LIKE 'A \"quoted\"%'").fetchone()
    )
    recs = {
        r["number"]: dict(r)
        for r in conn.execute(
            "SELECT * FROM recommendations WHERE finding_id = ?", (finding["id"],)
        )
    }
    assert by_record[finding["id"]] == ["create", "submit", "review"]
    assert by_record[recs[1]["id"]] == ["create", "submit", "review", "status", "status"]
    assert by_record[recs[2]["id"]] == ["create", "submit", "review", "status"]
    create = next(e for e in events if e["record_id"] == recs[1]["id"] and e["action"] == "create")
    assert json.loads(create["after"]) == {
        **recs[1],
        "review": "draft",
    }  # approved only after it was made
    assert recs[1]["review"] == "approved"
    statuses = [
        json.loads(e["after"])
        for e in events
        if e["record_id"] == recs[1]["id"] and e["action"] == "status"
    ]
    assert [(s["status"], s["as_of"]) for s in statuses] == [
        ("not-started", finding["dated"]),
        ("in-progress", "2026-09-01"),
    ]
    existing = next(e for e in events if e["ref"] == "1.1.1" and e["action"] == "status")
    assert set(json.loads(existing["before"])) == {"status", "as_of"}
    assert json.loads(existing["after"])["status"] == "complete"
    for record_id in (finding["id"], recs[1]["id"], recs[2]["id"]):
        assert (
            uuid.UUID(record_id).version == 7
        )  # time-ordered ids: a bulk import appends to the indexes
    conn.close()


def test_a_bad_row_late_in_a_streamed_file_writes_nothing(demo, tmp_path):
    rows = [
        ["5", "5.9", "A new finding", f"5.9.{n}", f"Recommendation {n}.", "", "", "", "", ""]
        for n in range(1, 200)
    ]
    sheet = write_csv(tmp_path / "s.csv", rows)
    sheet.write_bytes(sheet.read_bytes() + b"5,5.9,Caf\xe9\n")
    demo.fails("import", "--site", SITE, sheet, says="UTF-8")
    sheet = write_csv(
        tmp_path / "t.csv",
        rows + [["5", "5.9", "A new finding", "5.9.1", "Again.", "", "", "", "", ""]],
    )
    refused(
        demo,
        "import",
        "--site",
        SITE,
        sheet,
        says=["row 201, column recommendation: 5.9.1 repeats row 2"],
    )


def test_a_reason_with_the_wrong_status_names_the_column_not_an_option(demo, tmp_path):
    sheet = write_csv(
        tmp_path / "s.csv",
        [["1", "1.1", "", "1.1.2", "", "", "", "", "complete", "2026-10-31", "Other"]],
        header=HEADER + ["reason"],
    )
    lines = refused(
        demo,
        "import",
        "--site",
        SITE,
        sheet,
        says=[
            "row 2, column reason: a reason is given only for not-started or partially-complete, not complete; "
            "leave the reason column empty or change the status"
        ],
    )
    assert not any("--reason" in line for line in lines)


def test_the_summary_counts_in_words(demo, tmp_path):
    sheet = write_csv(
        tmp_path / "one.csv",
        [["5", "5.9", "One more finding", "5.9.1", "Do one thing.", "", "", "", "", ""]],
    )
    said = demo.ok(
        "import", "--site", SITE, sheet
    )  # a new recommendation starts Not Started: one update
    assert said.startswith(
        "Imported 1 finding, 1 recommendation and 1 status update from 1 row of "
    ), said
    assert said.rstrip().endswith("(0 rows unchanged)"), said
