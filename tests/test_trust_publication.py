"""An adversary against the publication surfaces: narrative sections, Markdown, Word and templates.

Each test drives the real CLI and reads the published file as a reader would (tags out, entities
and percent-escapes decoded), since a name Markdown puts back together is published all the same.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from urllib.parse import unquote

import pytest

from helpers import approve
from reformctl.model.matching import name_key

SITE = ("--site", "north-miami")
NAME = "Jane Roe"


def reader_text(markup: str) -> str:
    """What a reader of an HTML page or a Word part sees, and where its links go: tags removed,
    entities and percent-escapes decoded, so the name check compares what is read."""
    hrefs = " ".join(
        unquote(h).replace("+", " ") for h in re.findall(r'(?:href|Target|title)="([^"]*)"', markup)
    )
    return html.unescape(re.sub(r"<[^>]+>", "", markup)) + " " + html.unescape(hrefs)


def shows_name(text: str) -> bool:
    return name_key(NAME) in name_key(text.replace("_", " "))


def docx_markup(path) -> str:
    with zipfile.ZipFile(path) as package:
        return "\n".join(
            package.read(n).decode("utf-8")
            for n in package.namelist()
            if n.endswith((".xml", ".rels"))
        )


# A protected name that the Markdown source splits, but the rendered page shows whole.
DISGUISES = {
    "emphasis": "Our source Ja*ne* Roe said so.",
    "strong": "Our source J**ane** Roe said so.",
    "underscores": "Our source _Jane_ _Roe_ said so.",
    "code span": "Our source Ja`ne` Roe said so.",
    "link text": "Our source [Ja](https://example.com)ne Roe said so.",
    "reference link": "Our source [Jane][1] Roe said so.\n\n[1]: https://example.com",
    "hard break": "Our source Jane\\\nRoe said so.",
    "escaped punctuation": "Our source Jane\\-Roe said so.",
    "link target": "See [the file](https://example.com/?who=Jane%20Roe).",
    "link target, plus": "See [the file](https://example.com/?who=Jane+Roe).",
    "link title": 'See [the file](https://example.com "Ja&#110;e\\-Roe").',
    "list item": "- first\n- Our source Ja*ne* Roe\n- last",
    "table cell": "| Who | Said |\n| --- | --- |\n| Ja*ne* Roe | so |",
}


@pytest.fixture
def disguised(north_miami, request):
    cli = north_miami
    cli.ok("protect", *SITE, NAME)
    cli.ok(
        "section", *SITE, "appendix-sources", "--body", "Before.\n\n" + request.param + "\n\nAfter."
    )
    approve(cli, "north-miami", "appendix-sources")
    return cli


@pytest.mark.matrix
@pytest.mark.parametrize("disguised", DISGUISES.values(), ids=DISGUISES.keys(), indirect=True)
def test_a_name_markdown_reassembles_is_withheld_from_html_and_json(disguised, tmp_path):
    cli = disguised
    cli.ok("report", *SITE, "--kind", "assessment", "--output", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "Before." in page and "After." in page  # the rest of the section is still published
    assert not shows_name(reader_text(page))
    body = json.loads(cli.ok("report", *SITE, "--kind", "assessment", "--format", "json"))[
        "sections"
    ][0]["body"]
    assert "[withheld]" in body and not shows_name(reader_text(body))
    problems = json.loads(cli("check", *SITE, "--format", "json").stdout)["problems"]
    assert any(
        p["code"] == "protected-name" and p["where"] == "section appendix-sources body"
        for p in problems
    )
    assert cli("check", *SITE).exit_code == 1


@pytest.mark.parametrize("disguised", [DISGUISES["emphasis"]], indirect=True)
def test_a_name_markdown_reassembles_is_withheld_from_word_and_markdown(disguised, tmp_path):
    cli = disguised
    cli.ok("report", *SITE, "--kind", "assessment", "--output", tmp_path / "r.docx")
    assert not shows_name(reader_text(docx_markup(tmp_path / "r.docx")))
    markdown = cli.ok("report", *SITE, "--kind", "assessment", "--format", "markdown")
    assert "Before." in markdown and not shows_name(markdown.replace("*", ""))


def test_a_name_split_by_emphasis_in_a_finding_body_is_withheld(north_miami, tmp_path):
    cli = north_miami
    cli.ok("protect", *SITE, NAME)
    cli.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "3",
        "--title",
        "Cameras",
        "--body",
        "Per **Ja**ne Roe.\n\nNo schedule exists.",
    )
    cli.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--text",
        "Ask J`ane` Roe.",
        "--owner",
        "Records Unit",
    )
    approve(cli, "north-miami", "3.1", "3.1.1")
    cli.ok("report", *SITE, "--output", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "No schedule exists." in page and not shows_name(reader_text(page))


@pytest.fixture
def scripted(north_miami):
    cli = north_miami
    cli.ok("section", *SITE, "methodology", "--body", "We met <script>alert(1)</script> residents.")
    approve(cli, "north-miami", "methodology")
    return cli


@pytest.mark.parametrize(
    "template",
    [
        "{{ sections[0].body | safe }}",
        "{% autoescape false %}{{ sections[0].body }}{% endautoescape %}",
        "{% set b = sections[0].body %}{% filter safe %}{{ b }}{% endfilter %}",
    ],
)
def test_a_template_cannot_turn_escaping_off(scripted, tmp_path, template):
    (tmp_path / "t.html.j2").write_text(f"<main>{template}</main>\n", "utf-8")
    out = tmp_path / "r.html"
    line = scripted.fails(
        "report",
        *SITE,
        "--kind",
        "assessment",
        "--template",
        tmp_path / "t.html.j2",
        "--output",
        out,
        says="template",
    )
    assert "escap" in line and not out.exists()


def test_a_template_prints_text_escaped(scripted, tmp_path):
    (tmp_path / "t.html.j2").write_text(
        "<main>{{ sections[0].body }}|{{ sections[0].body | md }}</main>\n", "utf-8"
    )
    page = scripted.ok(
        "report",
        *SITE,
        "--kind",
        "assessment",
        "--format",
        "html",
        "--template",
        tmp_path / "t.html.j2",
    )
    assert "<script>" not in page and page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_an_internal_report_through_a_template_is_marked_internal(north_miami, tmp_path, fmt):
    cli = north_miami
    cli.ok("log-finding", *SITE, "--focus-area", "3", "--title", "Team-only draft", "--internal")
    (tmp_path / "t.html.j2").write_text(
        "<html><body><main>{{ engagement.agency }}</main></body></html>\n", "utf-8"
    )
    out = tmp_path / f"r.{fmt}"
    cli.ok(
        "--as",
        "P. Manager",
        "report",
        *SITE,
        "--internal",
        "--template",
        tmp_path / "t.html.j2",
        "--output",
        out,
    )
    if fmt == "html":
        text = out.read_text("utf-8")
        assert text.index("INTERNAL — NOT FOR RELEASE") < text.index(
            "North Miami Police Department"
        )
        assert text.count("INTERNAL — NOT FOR RELEASE") == 2
    else:
        from public_outputs import pdf_text

        assert "INTERNAL — NOT FOR RELEASE" in pdf_text(out.read_bytes())
    public = tmp_path / f"p.{fmt}"
    cli.ok("report", *SITE, "--template", tmp_path / "t.html.j2", "--output", public)
    from public_outputs import file_text

    assert "North Miami Police Department" in file_text(public) and "INTERNAL" not in file_text(
        public
    )


def word_template(
    path, header: str = "Our letterhead", external: str | None = None, part: str | None = None
):
    """A Word template made with python-docx: HEADER in its header, an EXTERNAL attached template
    (Word fetches it when the document opens), an extra package PART (a macro project)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    doc.add_paragraph("Sample text the report replaces.")
    doc.sections[0].header.paragraphs[0].text = header
    if external:
        settings = next(
            p for p in doc.part.package.iter_parts() if p.partname.endswith("/settings.xml")
        )
        rid = settings.relate_to(
            external,
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
            is_external=True,
        )
        attached = OxmlElement("w:attachedTemplate")
        attached.set(qn("r:id"), rid)
        doc.settings.element.append(attached)
    doc.save(str(path))
    if part:
        with zipfile.ZipFile(path, "a") as package:
            package.writestr(part, b"\x00macro")
    return path


@pytest.mark.parametrize(
    "kwargs, says",
    [
        ({"external": "http://tracker.example/t.dotm"}, "http://tracker.example/t.dotm"),
        ({"part": "word/vbaProject.bin"}, "word/vbaProject.bin"),
        ({"part": "word/embeddings/oleObject1.bin"}, "word/embeddings/oleObject1.bin"),
        ({"header": "Interview notes [[Sgt. Doe]]"}, "[["),
    ],
)
def test_a_word_template_that_would_fetch_run_or_leak_is_refused(
    north_miami, tmp_path, kwargs, says
):
    template = word_template(tmp_path / "t.docx", **kwargs)
    out = tmp_path / "r.docx"
    line = north_miami.fails("report", *SITE, "--template", template, "--output", out, says=says)
    assert str(template) in line and not out.exists()


def test_a_word_template_gives_its_letterhead(north_miami, tmp_path):
    template = word_template(tmp_path / "t.docx")
    north_miami.ok("report", *SITE, "--template", template, "--output", tmp_path / "r.docx")
    markup = docx_markup(tmp_path / "r.docx")
    assert "Our letterhead" in markup and "Sample text the report replaces." not in markup
    assert 'TargetMode="External"' not in markup


HOSTILE_MARKDOWN = (
    "# Top chapter\n\nSetext top\n===\n\nSetext second\n---\n\n> # Quoted top\n\n- # Listed top\n\nSee [x](javascript:alert(1)) and ![p](https://tracker.example/p.png).\n\n"
    "[y][d]\n\n[d]: vbscript:msgbox\n\n> [q][e]\n>\n> [e]: javascript:alert(2)\n\n"
    "- [r][f]\n\n  [f]: data:text/html,x\n"
)


def rendered_by_a_lax_viewer(markdown: str) -> str:
    """The Markdown report as a viewer that trusts every link renders it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True
    return md.render(markdown)


@pytest.mark.parametrize("kind", ["assessment", "final"])
def test_the_markdown_report_keeps_a_section_inert(north_miami, kind):
    cli = north_miami
    cli.ok("section", *SITE, "conclusion", "--body", HOSTILE_MARKDOWN)
    approve(cli, "north-miami", "conclusion")
    page = rendered_by_a_lax_viewer(cli.ok("report", *SITE, "--kind", kind, "--format", "markdown"))
    assert "Top chapter" in page and "See " in page
    # The report's own title and chapters; a body's headings sit below the section's heading.
    assert page.count("<h1>") == 1 and "<h2>Setext" not in page and "<h2>Quoted" not in page, page
    assert not re.search(r"href=\"(?!https?:|mailto:|#)", page), page
    assert "<img" not in page


@pytest.mark.parametrize("name", ["report.css", "custom-report.docx"])
def test_template_export_writes_through_no_link(cli, tmp_path, name):
    folder, target = tmp_path / "templates", tmp_path / "test.db-journal"
    folder.mkdir()
    (folder / name).symlink_to(target)  # dangling: the store's journal, when there is none
    cli.fails("template", "export", folder, says="already exists")
    assert not target.exists() and sorted(p.name for p in folder.iterdir()) == [name]


def test_template_export_writes_the_starting_point(cli, tmp_path):
    written = cli.ok("template", "export", tmp_path / "t").split()
    assert sorted(p.rsplit("/", 1)[1] for p in written) == [
        "custom-report.docx",
        "custom-report.html.j2",
        "report-pdf.css",
        "report.css",
    ]
    assert zipfile.is_zipfile(tmp_path / "t" / "custom-report.docx")
    assert "{{ engagement.agency }}" in (tmp_path / "t" / "custom-report.html.j2").read_text(
        "utf-8"
    )


def test_a_template_includes_only_templates_and_stylesheets(north_miami, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "interviews.txt").write_text("Sgt. Doe said CONFIDENTIAL-31.\n", "utf-8")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "head.html.j2").write_text("<h1>{{ engagement.agency }}</h1>", "utf-8")
    (tmp_path / "t.html.j2").write_text(
        '{% include "parts/head.html.j2" %}{% include "report.css" %}'
        '{% include "notes/interviews.txt" %}\n',
        "utf-8",
    )
    out = tmp_path / "r.html"
    north_miami.fails(
        "report",
        *SITE,
        "--template",
        tmp_path / "t.html.j2",
        "--output",
        out,
        says="notes/interviews.txt",
    )
    assert not out.exists()
    (tmp_path / "t.html.j2").write_text(
        '{% include "parts/head.html.j2" %}<style>{% include "report.css" %}</style>\n', "utf-8"
    )
    page = north_miami.ok("report", *SITE, "--template", tmp_path / "t.html.j2", "--format", "html")
    assert "<h1>North Miami Police Department</h1>" in page and "--ink" in page
