"""`report --format docx`: Word styles, Markdown as Word text, a TOC field, page numbers, properties,
the same bytes for the same report; and `--output FILE` choosing the format by its extension."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from helpers import approve, markdown_site
from test_prose import BODY

docx = pytest.importorskip("docx")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def site(cli):
    return markdown_site(cli, BODY, "Adopt a **written** schedule.")


def word(cli, site, tmp_path, *extra, name="r.docx") -> bytes:
    out = tmp_path / name
    cli.ok("report", "--site", site, "--output", out, *extra)
    return out.read_bytes()


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def test_markdown_becomes_word_styles_and_runs(cli, site, tmp_path):
    data = word(cli, site, tmp_path)
    doc = docx.Document(io.BytesIO(data))
    styles = {}
    for p in doc.paragraphs:
        styles.setdefault(p.style.name, []).append(p.text)
    assert styles["Title"] == ["Example PD"]
    assert "Focus area 1: Area" in styles["Heading 1"]
    assert "Finding 1.1: Camera video" in styles["Heading 2"]
    assert "A heading in the body" in styles["Heading 3"]
    assert ["first bullet", "second bullet"] == [t for t in styles["List Bullet"] if "bullet" in t]
    assert styles["List Number"] == ["first step", "second step"]
    assert "A quoted officer said this." in styles["Quote"]
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    italic = [r.text for p in doc.paragraphs for r in p.runs if r.italic]
    assert "bold words" in bold and "leaning words" in italic and "written" in bold
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert [["Unit", "Cameras"], ["Patrol", "41"]] in tables
    xml = part(data, "word/document.xml")
    rels = part(data, "word/_rels/document.xml.rels")
    assert 'Target="https://example.org/policy"' in rels and "mailto:team@example.org" in rels
    assert "javascript" not in rels and "example.org/x.png" not in rels  # no script link, no image
    assert (
        'w:anchor="finding_1_2"' in xml and 'w:anchor="recommendation_1_1_1"' in xml
    )  # cross-references
    assert (
        'w:name="finding_1_2"' in xml and 'w:name="recommendation_1_1_1"' in xml
    )  # their bookmarks
    assert "Raw &lt;b&gt;markup&lt;/b&gt;" in xml and "<w:b/>markup" not in xml  # raw HTML is text


def test_toc_field_page_numbers_header_row_and_properties(cli, site, tmp_path):
    data = word(cli, site, tmp_path)
    xml = part(data, "word/document.xml")
    assert 'TOC \\o "1-2" \\h \\z \\u' in xml
    footers = "".join(
        part(data, n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "footer" in n
    )
    assert " PAGE " in footers and " NUMPAGES " in footers
    assert '<w:tblHeader w:val="true"/>' in xml
    assert "<w:updateFields" in part(data, "word/settings.xml")
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.title == "Example PD: Status update"
    assert props.subject.startswith("Collaborative Reform Initiative")
    assert (
        props.created.date().isoformat()
        == json.loads(cli.ok("report", "--site", site, "--format", "json"))["as_of"]
    )


def test_the_same_report_gives_the_same_bytes(cli, site, tmp_path):
    assert word(cli, site, tmp_path, name="a.docx") == word(cli, site, tmp_path, name="b.docx")


def test_redacted_text_never_reaches_word(cli, tmp_path):
    cli.ok("new-engagement", "--site", "red", "--agency", "Example PD", "--focus-area", "Area")
    cli.ok(
        "log-finding",
        "--site",
        "red",
        "--focus-area",
        "1",
        "--title",
        "T",
        "--body",
        "Keep **this [[secret** Roe]] text** here.",
    )
    approve(cli, "red", "1.1")
    xml = part(word(cli, "red", tmp_path), "word/document.xml")
    assert "secret" not in xml and "Roe" not in xml and "here." in xml


def test_publish_writes_and_verifies_the_word_file(demo, tmp_path):
    demo.ok("publish", "--site", "brightwater-demo", "--output", tmp_path / "rel")
    name = "brightwater-demo-release-1.docx"
    manifest = json.loads((tmp_path / "rel" / "manifest.json").read_text())
    assert name in manifest["files"] and (tmp_path / "rel" / name).is_file()
    assert json.loads(demo.ok("verify", tmp_path / "rel", "--format", "json"))["ok"] is True
    (tmp_path / "rel" / name).write_bytes((tmp_path / "rel" / name).read_bytes() + b" ")
    assert json.loads(demo("verify", tmp_path / "rel", "--format", "json").stdout)["ok"] is False


@pytest.mark.matrix
@pytest.mark.parametrize(
    "suffix, check",
    [
        (".md", lambda b: b.startswith(b"# Example PD")),
        (".html", lambda b: b.startswith(b"<!DOCTYPE html>")),
        (".json", lambda b: json.loads(b)["engagement"]["site"] == "md"),
        (
            ".csv",
            lambda b: (
                b.splitlines()[0].startswith(b"site,") or b",recommendation," in b.splitlines()[0]
            ),
        ),
        (".xlsx", lambda b: zipfile.ZipFile(io.BytesIO(b)).getinfo("xl/workbook.xml") is not None),
        (".pdf", lambda b: b.startswith(b"%PDF")),
        (
            ".docx",
            lambda b: zipfile.ZipFile(io.BytesIO(b)).getinfo("word/document.xml") is not None,
        ),
    ],
)
def test_output_without_format_takes_the_extension(cli, site, tmp_path, suffix, check):
    out = tmp_path / f"report{suffix}"
    result = cli("report", "--site", site, "--output", out)
    assert result.exit_code == 0, result.stderr
    assert check(out.read_bytes())
    assert (
        suffix.lstrip(".").replace("md", "markdown") in result.stderr
    )  # "Wrote the public ... pdf report"


def test_an_extension_contradicting_format_is_refused(cli, site, tmp_path):
    cli.fails(
        "report",
        "--site",
        site,
        "--format",
        "markdown",
        "--output",
        tmp_path / "x.pdf",
        code=2,
        says="names a pdf file but --format is markdown",
    )
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_extension_is_refused(cli, site, tmp_path):
    cli.fails(
        "report",
        "--site",
        site,
        "--output",
        tmp_path / "x.txt",
        code=2,
        says="'.txt', which names no report format",
    )
    cli.fails("report", "--site", site, "--output", tmp_path / "noext", code=2, says="no extension")
    # With --format given, any name will do.
    cli.ok("report", "--site", site, "--format", "json", "--output", tmp_path / "x.txt")
    assert json.loads((tmp_path / "x.txt").read_text())["engagement"]["site"] == "md"


def test_a_custom_html_template_gets_the_report_keys_escaped(cli, site, tmp_path):
    template = tmp_path / "mine.html.j2"
    template.write_text(
        "<h1>{{ engagement.agency }}</h1><p>{{ as_of }}</p>"
        "{% for a in focus_areas %}{% for f in a.findings %}<section>{{ f.title }}{{ f.body | md(2) }}"
        "</section>{% endfor %}{% endfor %}<p>{{ '<b>x</b>' }}</p>",
        encoding="utf-8",
    )
    html = cli.ok("report", "--site", site, "--format", "html", "--template", template)
    assert html.startswith("<h1>Example PD</h1><p>2026-11-27</p>")
    assert "<strong>bold words</strong>" in html and "<h3>A heading in the body</h3>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<script>" not in html  # autoescaped, Markdown safe
    pdf = tmp_path / "mine.pdf"
    cli.ok("report", "--site", site, "--output", pdf, "--template", template)
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "text, says",
    [
        ("line one\n{{ engagement.agency }\n", "mine.html.j2, line 2"),  # syntax
        ("one\ntwo\n{{ no_such_key.x }}\n", "mine.html.j2, line 3"),  # not a key of the report
        ("{{ engagement.__class__.__mro__ }}", "mine.html.j2"),  # the sandbox refuses
    ],
)
def test_a_failing_template_is_one_line_naming_it_and_the_line(cli, site, tmp_path, text, says):
    template = tmp_path / "mine.html.j2"
    template.write_text(text, encoding="utf-8")
    line = cli.fails(
        "report", "--site", site, "--format", "html", "--template", template, says=says
    )
    assert line.startswith("error: template ")


def test_a_word_template_gives_its_styles_header_and_footer(cli, site, tmp_path):
    from docx.shared import Pt

    template = tmp_path / "house.docx"
    house = docx.Document()
    house.styles["Heading 1"].font.size = Pt(31)
    house.sections[0].header.paragraphs[0].text = "House header of the agency"
    house.add_paragraph("Sample text that the report replaces")
    house.save(template)
    data = word(cli, site, tmp_path, "--template", template)
    doc = docx.Document(io.BytesIO(data))
    assert doc.styles["Heading 1"].font.size == Pt(31)
    assert doc.sections[0].header.paragraphs[0].text == "House header of the agency"
    texts = [p.text for p in doc.paragraphs]
    assert "Sample text that the report replaces" not in texts and "Example PD" in texts


def test_template_export_writes_the_defaults_that_render(cli, site, tmp_path):
    out = cli.ok("template", "export", "--kind", "assessment", tmp_path / "t")
    names = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert names == ["custom-report.docx", "custom-report.html.j2", "report-pdf.css", "report.css"]
    assert str(tmp_path / "t" / "custom-report.html.j2") in out
    html = cli.ok(
        "report",
        "--site",
        site,
        "--format",
        "html",
        "--template",
        tmp_path / "t" / "custom-report.html.j2",
    )
    assert 'id="finding-1.1"' in html and "<strong>bold words</strong>" in html
    word(cli, site, tmp_path, "--template", tmp_path / "t" / "custom-report.docx")
    cli.fails("template", "export", tmp_path / "t", says="already exists")


def test_each_numbered_list_counts_from_one(cli, tmp_path):
    # Word continues one numbering across every List Number paragraph unless a list has its own
    # numbering instance restarting at 1: each Markdown list gets one, its later items follow it.
    cli.ok("new-engagement", "--site", "nl", "--agency", "Example PD", "--focus-area", "Area")
    cli.ok(
        "log-finding",
        "--site",
        "nl",
        "--focus-area",
        "1",
        "--title",
        "Lists",
        "--body",
        "1. alpha\n2. beta\n\nBetween the lists.\n\n1. gamma\n2. delta\n",
    )
    approve(cli, "nl", "1.1")
    data = word(cli, "nl", tmp_path)
    doc = docx.Document(io.BytesIO(data))
    items = {p.text: p._p.pPr.numPr for p in doc.paragraphs if p.style.name == "List Number"}
    assert sorted(items) == ["alpha", "beta", "delta", "gamma"]
    assert items["beta"] is None and items["delta"] is None
    ids = [items["alpha"].numId.val, items["gamma"].numId.val]
    assert ids[0] != ids[1]
    numbering = doc.part.numbering_part.element
    style_abstract = numbering.num_having_numId(
        doc.styles["List Number"].element.pPr.numPr.numId.val
    ).abstractNumId.val
    for num_id in ids:
        num = numbering.num_having_numId(num_id)
        assert num.abstractNumId.val == style_abstract
        assert [s.get(f"{W}val") for s in num.iter(f"{W}startOverride")] == ["1"]
