"""The public report in every format, as of any date, with internal records kept out."""

import csv
import io
import json
import stat
from html.parser import HTMLParser

import pytest

from helpers import EXAMPLES, approve

NORTH_MIAMI = ("--site", "north-miami")


def report(cli, site="brightwater-demo", fmt="json", *extra):
    return cli.ok("report", "--site", site, "--format", fmt, *extra)


def test_json_shape(demo):
    data = json.loads(report(demo))
    assert data["schema_version"] == 2 and data["kind"] == "status-update"
    assert data["engagement"]["site"] == "brightwater-demo"
    assert data["as_of"] == "2026-11-27"
    assert [row["status"] for row in data["status_summary"]] == [
        "complete",
        "partially-complete",
        "in-progress",
        "not-started",
    ]
    assert (
        sum(row["count"] for row in data["status_summary"]) == data["total_recommendations"] == 38
    )
    assert sum(row["percent"] for row in data["status_summary"]) == 100
    area = data["focus_areas"][0]
    assert area["number"] == 1 and area["title"] == "Community Engagement and Problem Solving"
    finding = area["findings"][0]
    assert finding["number"] == "1.1" and finding["title"] and finding["body"]
    assert finding["recommendations"][0]["number"] == "1.1.1"
    assert set(finding["recommendations"][0]) >= {"number", "text", "status"}


def test_status_table_counts_match_the_recommendations(demo):
    data = json.loads(report(demo))
    statuses = [
        r["status"]
        for a in data["focus_areas"]
        for f in a["findings"]
        for r in f["recommendations"]
    ]
    assert {row["status"]: row["count"] for row in data["status_summary"]} == {
        s: statuses.count(s)
        for s in ("complete", "partially-complete", "in-progress", "not-started")
    }


def test_as_of_replays_the_history(demo):
    early = json.loads(report(demo, "brightwater-demo", "json", "--as-of", "2025-06-30"))
    assert early["as_of"] == "2025-06-30"
    numbers = [f["number"] for a in early["focus_areas"] for f in a["findings"]]
    assert numbers == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
    ]  # 2.4 is internal; 3-5 came later
    assert [a["under_development"] for a in early["focus_areas"]] == [
        False,
        False,
        True,
        True,
        True,
    ]
    before = json.loads(report(demo, "brightwater-demo", "json", "--as-of", "2025-01-31"))
    assert before["total_recommendations"] == 0 and before["total_findings"] == 0
    # The same as-of date always gives the same report.
    assert report(demo, "brightwater-demo", "json", "--as-of", "2025-12-31") == report(
        demo, "brightwater-demo", "json", "--as-of", "2025-12-31"
    )


def test_internal_findings_and_redactions_never_appear(demo):
    internal = [f for f in demo.json("findings", "--site", "brightwater-demo") if f["internal"]]
    assert len(internal) == 2
    for fmt in ("markdown", "html", "json", "csv"):
        text = report(demo, "brightwater-demo", fmt)
        for f in internal:
            assert f["title"] not in text and f["body"][:60] not in text
        assert "[[" not in text and "Marisol Tennant" not in text and "Kasprzak" not in text


def test_under_development(north_miami):
    data = json.loads(report(north_miami, "north-miami"))
    assert all(a["under_development"] for a in data["focus_areas"])
    assert data["total_recommendations"] == 0
    assert all(row["percent"] == 0 for row in data["status_summary"])
    assert "under development" in report(north_miami, "north-miami", "markdown")
    assert "under development" in report(north_miami, "north-miami", "html")


def test_markdown_is_plain_when_piped(demo):
    text = report(demo, "brightwater-demo", "markdown")
    assert text.startswith("# Brightwater City Police Department")
    summary = json.loads(report(demo, "brightwater-demo"))["status_summary"]
    # The status table row by row, from the JSON summary of the same report.
    rows = [f"| {s['label']} | {s['count']} | {s['percent']}% |" for s in summary]
    table = (
        text.split("## Status of recommendations\n", 1)[1].strip().split("\n\n", 1)[0].splitlines()
    )
    assert table[2:] == rows + [
        f"| **Total** | **{sum(s['count'] for s in summary)}** | **100%** |"
    ]
    assert sum(s["count"] for s in summary) == 38
    assert "\x1b[" not in text
    assert "### Finding 1.1:" in text and "**Recommendation 1.1.1:**" in text


def test_csv_tracker(demo):
    rows = list(csv.DictReader(io.StringIO(report(demo, "brightwater-demo", "csv"))))
    assert len(rows) == 38
    assert list(rows[0]) == [
        "focus_area",
        "focus_area_title",
        "finding",
        "finding_title",
        "recommendation",
        "recommendation_text",
        "priority",
        "owner",
        "due",
        "status",
        "status_as_of",
        "reason",
        "change_since_last_update",
        "history",
    ]
    assert rows[0]["recommendation"] == "1.1.1"
    assert {r["status"] for r in rows} <= {
        "Complete",
        "Partially Complete",
        "In Progress",
        "Not Started",
    }


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escaped(cli):
    cli.ok(
        "new-engagement",
        "--site",
        "xss",
        "--agency",
        "<script>alert(1)</script> PD",
        "--focus-area",
        "<img src=x onerror=alert(1)>",
        "--public-url",
        "https://example.org/a",
    )
    cli.fails(
        "new-engagement",
        "--site",
        "xss2",
        "--agency",
        "A",
        "--focus-area",
        "B",
        "--public-url",
        'https://example.org/a"onmouseover=x',
        says="web address",
    )
    cli.ok(
        "log-finding",
        "--site",
        "xss",
        "--focus-area",
        "1",
        "--title",
        '<b>bold</b> & "quoted"',
        "--body",
        "<script>steal()</script>\n\n[link](javascript:alert(1))",
    )
    cli.ok(
        "recommend",
        "--site",
        "xss",
        "--finding",
        "1.1",
        "--text",
        "<iframe src=//evil>",
        "--owner",
        "<u>x</u>",
    )
    approve(cli, "xss", "1.1", "1.1.1")
    html = report(cli, "xss", "html")
    parsed = Collector()
    parsed.feed(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "iframe" not in parsed.tags
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    assert not [
        value
        for _, value in parsed.attrs
        if value and value.strip().lower().startswith("javascript:")
    ]
    assert "<script>alert(1)</script> PD" in "".join(parsed.text)
    # Self-contained: no outside requests.
    assert not [v for name, v in parsed.attrs if name == "src"]
    assert {v for name, v in parsed.attrs if name == "href" and not v.startswith("#")} == {
        "https://example.org/a"
    }
    assert "<link" not in html


def test_markdown_escapes_markup(cli):
    cli.ok("new-engagement", "--site", "md", "--agency", "A PD", "--focus-area", "Area")
    cli.ok(
        "log-finding",
        "--site",
        "md",
        "--focus-area",
        "1",
        "--title",
        "<b>x</b> [y](javascript:z)",
        "--body",
        "# not a heading\n- not a list",
    )
    approve(cli, "md", "1.1")
    from markdown_it import MarkdownIt  # Rich's own Markdown parser

    rendered = MarkdownIt("commonmark").render(report(cli, "md", "markdown"))
    assert "<b>" not in rendered and "javascript:" not in rendered.replace("[y](javascript:z)", "")
    # A body keeps its Markdown (the list is a list) but its heading sits below the finding's own.
    assert "<h1>not a heading" not in rendered and "<h4>not a heading</h4>" in rendered
    assert "<li>not a list</li>" in rendered
    assert "&lt;b&gt;x&lt;/b&gt; [y](javascript:z)" in rendered


@pytest.mark.parametrize(
    "fmt, suffix", [("markdown", "md"), ("html", "html"), ("json", "json"), ("csv", "csv")]
)
def test_output_file(demo, isolated, fmt, suffix):
    target = isolated / f"out.{suffix}"
    result = demo("report", "--site", "brightwater-demo", "--format", fmt, "--output", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert str(target) in result.stderr
    assert target.read_text(encoding="utf-8") == report(demo, "brightwater-demo", fmt)


def test_report_refusals(demo):
    demo.fails("report", "--site", "nowhere", says="no engagement")
    demo.fails(
        "report", "--site", "brightwater-demo", "--as-of", "2025-13-01", says="not a real date"
    )
    demo.fails("report", "--site", "brightwater-demo", "--format", "rtf", code=2, says="--format")
    demo.fails(
        "report",
        "--site",
        "brightwater-demo",
        "--output",
        "no/such/dir/r.md",
        says="does not exist",
    )


def test_examples_report_end_to_end(cli):
    cli.ok("new-engagement", "--from", EXAMPLES / "dearborn-heights.toml")
    text = report(cli, "dearborn-heights", "markdown")
    data = json.loads(report(cli, "dearborn-heights"))
    assert (
        text.startswith(f"# {data['engagement']['agency']}\n")
        and data["engagement"]["agency"] == "Dearborn Heights Police Department"
    )
    # Every focus area announced, numbered in order, and each under development (nothing logged yet).
    listed = text.split("## Focus areas\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert (
        listed == [f"{a['number']}. {a['title']}" for a in data["focus_areas"]] and len(listed) >= 3
    )
    assert all(a["under_development"] for a in data["focus_areas"])
    assert "North Miami" not in text  # no other site's name in this site's report


def test_report_files_are_readable_like_other_files(north_miami, isolated):
    north_miami.ok("report", *NORTH_MIAMI, "--format", "html", "--output", isolated / "r.html")
    mode = stat.S_IMODE((isolated / "r.html").stat().st_mode)
    assert mode & 0o044 == 0o044
