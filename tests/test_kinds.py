"""Report kinds in every format: what each kind adds, read back the way a reader would get it."""

import csv
import io
import json
import zipfile

import pytest

from helpers import approve

SITE = ("--site", "brightwater-demo")
KINDS = ("status-update", "progress", "final")
FORMATS = {
    "markdown": "md",
    "html": "html",
    "json": "json",
    "csv": "csv",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "docx": "docx",
}
AS_OF = "2026-09-30"


def data(cli, kind, as_of=AS_OF):
    return json.loads(cli.ok("report", *SITE, "--kind", kind, "--format", "json", "--as-of", as_of))


@pytest.mark.slow
def test_every_kind_in_every_format(demo, isolated):
    for kind in KINDS:
        for fmt, suffix in FORMATS.items():
            target = isolated / f"{kind}.{suffix}"
            result = demo(
                "report",
                *SITE,
                "--kind",
                kind,
                "--format",
                fmt,
                "--as-of",
                AS_OF,
                "--output",
                target,
            )
            assert result.exit_code == 0, result.stderr
        report = json.loads((isolated / f"{kind}.json").read_text(encoding="utf-8"))
        assert report["kind"] == kind and report["total_recommendations"] == 38
        # Each file read back as its reader would: the same recommendations, the kind's own label.
        rows = list(
            csv.DictReader(io.StringIO((isolated / f"{kind}.csv").read_text(encoding="utf-8")))
        )
        assert len(rows) == report["total_recommendations"]
        assert [r["recommendation"] for r in rows] == [
            r["number"]
            for a in report["focus_areas"]
            for f in a["findings"]
            for r in f["recommendations"]
        ]
        from openpyxl import load_workbook

        sheets = load_workbook(isolated / f"{kind}.xlsx").sheetnames
        assert len(sheets) == len(report["focus_areas"]) + 1, sheets
        pages, texts = pdf_text(isolated / f"{kind}.pdf")
        assert pages >= 2 and report["kind_label"] in " ".join(" ".join(texts).split())
        text = (isolated / f"{kind}.md").read_text(encoding="utf-8")
        assert "## Status by focus area" in text and "## Changes since June 30, 2026" in text
        assert ("## Recommendations with no progress" in text) == (kind != "status-update")
        assert ("## Sustaining the changes" in text) == (kind == "final")
        html = (isolated / f"{kind}.html").read_text(encoding="utf-8")
        assert html.count("<svg") == 2 and "<script" not in html
        assert json.loads((isolated / f"{kind}.json").read_text(encoding="utf-8"))["kind"] == kind
        from docx import Document

        word = Document(isolated / f"{kind}.docx")
        assert word.core_properties.title.endswith(report["kind_label"])
        headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
        assert ("Sustaining the changes" in headings) == (kind == "final")


def test_status_update_changes_and_area_summary(demo):
    report = data(demo, "status-update")
    assert report["schema_version"] == 2 and report["progress"] is None and report["final"] is None
    changes = report["changes"]
    assert changes["since"] == "2026-06-30" and changes["basis"] == "previous quarter end"
    assert {c["number"]: c["to"] for c in changes["status_changes"]} == {
        "2.2.1": "partially-complete",
        "3.2.2": "partially-complete",
        "4.1.1": "complete",
        "5.2.1": "complete",
    }
    areas = report["focus_area_summary"]
    assert [a["number"] for a in areas] == [1, 2, 3, 4, 5]
    assert sum(a["total"] for a in areas) == report["total_recommendations"]
    for area in areas:
        assert sum(s["count"] for s in area["statuses"]) == area["total"]
    # One point per quarter end from the first recommendation (2025-04-22) to the as-of date.
    assert [p["date"] for p in report["timeline"]] == [
        "2025-06-30",
        "2025-09-30",
        "2025-12-31",
        "2026-03-31",
        "2026-06-30",
        "2026-09-30",
    ]
    last = {s["status"]: s["count"] for s in report["timeline"][-1]["statuses"]}
    assert last == {s["status"]: s["count"] for s in report["status_summary"]}
    early = data(demo, "status-update", "2025-06-30")
    assert (
        early["changes"]["since"] == "2025-03-31"
        and len(early["changes"]["new_recommendations"]) == early["total_recommendations"] == 17
    )


def test_progress_report(demo):
    report = data(demo, "progress")
    progress = report["progress"]
    assert progress["period"] == {
        "start": "2025-04-22",
        "end": AS_OF,
        "previous_report": "2026-06-30",
    }
    reasons = {n["number"]: n["reason"] for n in progress["no_progress"]}
    assert (
        reasons["1.1.3"] == "collective-bargaining" and reasons["1.4.2"] == "outside-agency-control"
    )
    assert {n["status"] for n in progress["no_progress"]} == {"not-started", "partially-complete"}
    assert "decided not to pursue" in progress["partially_complete_meaning"]
    md = demo.ok("report", *SITE, "--kind", "progress", "--as-of", AS_OF)
    assert "| 1.1.3 | Partially Complete | Subject to collective bargaining |" in md


def test_final_report(demo):
    report = data(demo, "final")
    final = report["final"]
    totals = final["totals"]
    assert totals["findings"] == report["total_findings"] and totals["recommendations"] == 38
    complete = next(s["count"] for s in report["status_summary"] if s["status"] == "complete")
    assert totals["complete"] == complete and totals["percent_complete"] == round(
        complete * 100 / 38
    )
    first = final["recommendations"][0]
    assert first["number"] == "1.1.1" and first["final_status"] == "complete"
    assert [u["status"] for u in first["history"]] == ["not-started", "in-progress", "complete"]
    assert final["sustaining"] and "1.1.2" in final["open_recommendations"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                demo.ok("report", *SITE, "--kind", "final", "--format", "csv", "--as-of", AS_OF)
            )
        )
    )
    assert (
        rows[0]["history"] == "2025-04-22 Not Started; 2025-06-30 In Progress; 2026-03-31 Complete"
    )


def test_every_kind_is_reproducible_for_a_past_date(demo):
    before = {
        kind: demo.ok("report", *SITE, "--kind", kind, "--format", "json", "--as-of", AS_OF)
        for kind in KINDS
    }
    demo.ok("set-status", *SITE, "1.1.2", "complete", "--as-of", "2026-11-01")
    demo.ok("recommend", "--finding", "1.1", "--text", "A later recommendation.", *SITE)
    approve(demo, "brightwater-demo", "1.1.4")
    for kind in KINDS:
        assert (
            demo.ok("report", *SITE, "--kind", kind, "--format", "json", "--as-of", AS_OF)
            == before[kind]
        )
    now = data(demo, "status-update", "2026-11-27")
    assert [c["number"] for c in now["changes"]["status_changes"]] == ["1.1.2"]
    assert [c["number"] for c in now["changes"]["new_recommendations"]] == ["1.1.4"]


def test_internal_text_stays_out_of_every_kind(demo, isolated):
    internal = [f for f in demo.json("findings", *SITE) if f["internal"]]
    assert internal, "the demo has an internal finding; without one this test proves nothing"
    # The secrets are really in the record (the team's view shows them), so their absence below means something.
    team_view = demo.ok("report", *SITE, "--internal", "--format", "json", "--as-of", AS_OF)
    assert "Marisol Tennant" in team_view and internal[0]["title"] in team_view
    public_title = data(demo, "final")["focus_areas"][0]["findings"][0]["title"]
    for kind in KINDS:
        for fmt in ("markdown", "html", "json", "csv"):
            text = demo.ok("report", *SITE, "--kind", kind, "--format", fmt, "--as-of", AS_OF)
            assert public_title[:40] in text, (kind, fmt)
            for f in internal:
                assert f["title"] not in text
            assert "Marisol Tennant" not in text and "[[" not in text
            assert "Board membership is set by city ordinance" not in text  # notes stay internal
    from openpyxl import load_workbook

    demo.ok(
        "report",
        *SITE,
        "--kind",
        "final",
        "--format",
        "xlsx",
        "--as-of",
        AS_OF,
        "--output",
        isolated / "t.xlsx",
    )
    cells = " ".join(
        str(c.value)
        for ws in load_workbook(isolated / "t.xlsx").worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    )
    assert "Marisol Tennant" not in cells and "[[" not in cells
    assert not [f for f in internal if f["title"] in cells]


def pdf_text(path):
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_pdf_reads_back(demo, isolated):
    target = isolated / "r.pdf"
    demo.ok(
        "report",
        *SITE,
        "--kind",
        "progress",
        "--format",
        "pdf",
        "--as-of",
        AS_OF,
        "--output",
        target,
    )
    assert target.read_bytes().startswith(b"%PDF-")
    pages, texts = pdf_text(target)
    assert pages >= 3
    assert all("Brightwater City Police Department" in t for t in texts)  # the running header
    assert f"Page 1 of {pages}" in texts[0].replace("\n", " ")
    summary = {s["label"]: s for s in data(demo, "progress")["status_summary"]}
    flat = " ".join(texts[0].split())
    for label, row in summary.items():
        assert f"{label} {row['count']} {row['percent']}%" in flat
    assert "Total 38 100%" in flat
    # The same report gives the same bytes.
    again = isolated / "again.pdf"
    demo.ok(
        "report",
        *SITE,
        "--kind",
        "progress",
        "--format",
        "pdf",
        "--as-of",
        AS_OF,
        "--output",
        again,
    )
    assert again.read_bytes() == target.read_bytes()


def test_xlsx_tracker_reads_back(demo, isolated):
    from openpyxl import load_workbook

    target = isolated / "t.xlsx"
    demo.ok(
        "report", *SITE, "--kind", "final", "--format", "xlsx", "--as-of", AS_OF, "--output", target
    )
    book = load_workbook(target)
    assert book.sheetnames[0] == "Summary" and len(book.sheetnames) == 6
    summary = book["Summary"]
    assert summary["B1"].value.startswith("Brightwater City Police Department")
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    assert header == [
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
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:K")
    rows = [[c.value for c in row] for ws in book.worksheets[1:] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 38
    assert (
        rows[2][3] == "1.1.3"
        and rows[2][8] == "Partially Complete"
        and rows[2][10] == "Subject to collective bargaining"
    )
    with zipfile.ZipFile(target) as archive:  # fixed timestamps: the same report, the same bytes
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_xlsx_cells_never_become_formulas(cli, isolated):
    from openpyxl import load_workbook

    cli.ok("new-engagement", "--site", "f", "--agency", '=HYPERLINK("x")', "--focus-area", "Area")
    cli.ok("log-finding", "--site", "f", "--focus-area", "1", "--title", "=1+1")
    cli.ok(
        "recommend",
        "--site",
        "f",
        "--finding",
        "1.1",
        "--text",
        "=cmd|' /C calc'!A0",
        "--owner",
        "@SUM(A1)",
    )
    approve(cli, "f", "1.1", "1.1.1")
    cli.ok("report", "--site", "f", "--format", "xlsx", "--output", isolated / "f.xlsx")
    book = load_workbook(isolated / "f.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "=1+1" in [c.value for c in cells]


def test_binary_formats_need_output(demo):
    demo.fails("report", *SITE, "--format", "pdf", says="give --output FILE.pdf")
    demo.fails("report", *SITE, "--format", "xlsx", says="give --output FILE.xlsx")
    demo.fails("report", *SITE, "--kind", "annual", code=2, says="--kind")


def test_missing_pango_names_what_to_install(demo, isolated, monkeypatch):
    import builtins
    import sys

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError(
                "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file"
            )
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", broken)
    # Only a team's HTML template is laid out by WeasyPrint; the default PDF needs no Pango.
    template = isolated / "mine.html.j2"
    template.write_text("<h1>{{ engagement.agency }}</h1>", encoding="utf-8")
    line = demo.fails(
        "report",
        *SITE,
        "--format",
        "pdf",
        "--template",
        template,
        "--output",
        isolated / "x.pdf",
        says="sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0",
    )
    assert not (isolated / "x.pdf").exists() and "cannot load library" in line
    demo.ok("report", *SITE, "--format", "pdf", "--output", isolated / "x.pdf")


def test_missing_typst_names_what_to_install(demo, isolated, monkeypatch):
    import builtins
    import sys

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "typst":
            raise ImportError("No module named 'typst'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "typst", raising=False)
    monkeypatch.setattr(builtins, "__import__", broken)
    demo.fails(
        "report", *SITE, "--format", "pdf", "--output", isolated / "x.pdf", says="pip install typst"
    )
    assert not (isolated / "x.pdf").exists()


@pytest.fixture
def san_francisco(cli):
    from reformctl.exchange.engagement_file import load_engagement
    from reformctl.store import open_store
    from scale import scale_engagement

    store = open_store(cli.db)
    try:
        load_engagement(
            store,
            scale_engagement(),
            "scale",
            "tester",
            approved_by="A. Reviewer",
            phase="implementation",
        )
    finally:
        store.close()
    return cli


@pytest.mark.slow
def test_san_francisco_scale_renders_in_every_format(san_francisco, isolated):
    cli = san_francisco
    for kind in KINDS:
        formats = FORMATS if kind == "final" else {k: v for k, v in FORMATS.items() if k != "pdf"}
        for fmt, suffix in formats.items():
            target = isolated / f"sf-{kind}.{suffix}"
            result = cli(
                "report", "--site", "sf-scale", "--kind", kind, "--format", fmt, "--output", target
            )
            assert result.exit_code == 0, result.stderr
        # Every kind's files hold every recommendation, read back as a reader would.
        rows = list(
            csv.DictReader(io.StringIO((isolated / f"sf-{kind}.csv").read_text(encoding="utf-8")))
        )
        assert len(rows) == 272 and len({r["recommendation"] for r in rows}) == 272, kind
        assert (
            json.loads((isolated / f"sf-{kind}.json").read_text(encoding="utf-8"))[
                "total_recommendations"
            ]
            == 272
        )
        markdown = (isolated / f"sf-{kind}.md").read_text(encoding="utf-8")
        assert markdown.count("**Recommendation ") == 272, kind
        html = (isolated / f"sf-{kind}.html").read_text(encoding="utf-8")
        assert html.count('id="recommendation-') == 272, kind
    report = json.loads((isolated / "sf-final.json").read_text(encoding="utf-8"))
    assert report["total_findings"] == 94 and report["total_recommendations"] == 272
    assert len(report["focus_areas"]) == 5 and len(report["timeline"]) >= 9
    assert all(len(r["history"]) >= 2 for r in report["final"]["recommendations"])
    pages, texts = pdf_text(isolated / "sf-final.pdf")
    assert pages > 10 and "Scale City Police Department" in texts[-1]


def test_committed_examples_are_current(demo):
    """examples/output is what `sh examples/regenerate.sh` makes; regenerate it after changing a report."""
    from helpers import EXAMPLES

    for kind in KINDS:
        for fmt, suffix in (("markdown", "md"), ("html", "html"), ("json", "json"), ("csv", "csv")):
            committed = (EXAMPLES / "output" / f"brightwater-demo-{kind}.{suffix}").read_text(
                encoding="utf-8"
            )
            assert (
                demo.ok("report", *SITE, "--kind", kind, "--format", fmt, "--as-of", AS_OF)
                == committed
            ), (
                f"examples/output/brightwater-demo-{kind}.{suffix} is stale: run sh examples/regenerate.sh"
            )


def test_changes_are_measured_against_releases(demo, isolated):
    demo.ok(
        "publish", *SITE, "--kind", "progress", "--as-of", "2026-03-31", "--output", isolated / "r1"
    )
    demo.ok("publish", *SITE, "--as-of", "2026-06-30", "--output", isolated / "r2")
    report = data(demo, "progress")
    assert (
        report["changes"]["since"] == "2026-06-30"
        and report["changes"]["basis"] == "release 2, status-update"
    )
    moved = report["progress"]["moved"]
    assert moved["since"] == "2026-03-31" and moved["basis"] == "release 1, progress"
    assert report["progress"]["period"]["previous_report"] == "2026-03-31"
    assert {c["number"] for c in report["changes"]["status_changes"]} <= {
        c["number"] for c in moved["status_changes"]
    }
    # A report as of a date before every release still compares with the previous quarter end.
    assert data(demo, "status-update", "2026-03-31")["changes"]["basis"] == "previous quarter end"
    # The release folder holds every format of its kind, PDF, XLSX and Word included, and verifies.
    files = sorted(p.name for p in (isolated / "r1").iterdir())
    assert files == [
        "brightwater-demo-release-1." + ext
        for ext in ("csv", "docx", "html", "json", "md", "pdf", "xlsx")
    ] + ["manifest.json"]
    assert (
        json.loads((isolated / "r1" / "brightwater-demo-release-1.json").read_text())["kind"]
        == "progress"
    )
    demo.ok("verify", isolated / "r1")
    releases = demo.json("releases", *SITE)
    assert [r["kind"] for r in releases] == ["progress", "status-update"]


def test_internal_report_of_every_kind_is_marked_on_every_page(demo, isolated):
    target = isolated / "internal.pdf"
    demo.ok(
        "report",
        *SITE,
        "--internal",
        "--kind",
        "final",
        "--format",
        "pdf",
        "--as-of",
        AS_OF,
        "--output",
        target,
    )
    pages, texts = pdf_text(target)
    assert pages > 3 and all("INTERNAL" in t for t in texts)
    internal = json.loads(
        demo.ok(
            "report", *SITE, "--internal", "--kind", "final", "--format", "json", "--as-of", AS_OF
        )
    )
    assert (
        internal["classification"].startswith("INTERNAL")
        and internal["final"]["totals"]["recommendations"] >= 38
    )


def test_chart_fills_differ_in_lightness_and_carry_labels(demo):
    """Greyscale-safe: each status's fill has its own lightness (Partially Complete is hatched too)."""
    from reformctl.reports import charts

    def lightness(colour):
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    fills = {
        s: f.replace("url(#{p}-hatch)", charts.HATCH_BASE) for s, (f, _) in charts.FILLS.items()
    }
    levels = sorted(lightness(c) for c in fills.values())
    assert all(b - a > 30 for a, b in zip(levels, levels[1:], strict=False)), fills
    html = demo.ok("report", *SITE, "--format", "html", "--as-of", AS_OF)
    assert ">Recommendations by status in each focus area</title>" in html
    assert "Partially Complete: 1 (11%)" in html  # every segment says what it is
