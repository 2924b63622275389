"""Markdown in finding bodies and recommendation text renders in HTML and PDF, safely; the
Markdown report keeps it as written with raw HTML, entities, images and unsafe links inert."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest

from helpers import approve, markdown_site

BODY = """Opening paragraph with **bold words** and *leaning words*, see Finding 1.2 and Recommendation 1.1.1.

# A heading in the body

- first bullet
- second bullet

1. first step
2. second step

> A quoted officer said this.

| Unit | Cameras |
| --- | ---: |
| Patrol | 41 |

A [safe link](https://example.org/policy), a [mail link](mailto:team@example.org),
a [script link](javascript:alert(1)) and an image ![camera photo](https://example.org/x.png).

Raw <b>markup</b> and <script>alert(2)</script> and Ja&shy;ne Roe stay text.
"""


@pytest.fixture
def site(cli):
    return markdown_site(cli, BODY, "Adopt a **written** schedule:\n\n- retain\n- purge")


class Tree(HTMLParser):
    """Every element with its attributes, and the text inside each element of a given class."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html: str) -> Tree:
    tree = Tree()
    tree.feed(html)
    return tree


def body_html(html: str) -> str:
    return html.split('id="finding-1.1"', 1)[1].split('id="finding-1.2"', 1)[0]


def test_each_construct_renders_in_html(cli, site):
    html = body_html(cli.ok("report", "--site", site, "--format", "html"))
    tree = parsed(html)
    tags = [tag for tag, _ in tree.elements]
    for tag in ("strong", "em", "h4", "ul", "ol", "blockquote", "table", "th", "td"):
        assert tag in tags, tag
    assert "<strong>bold words</strong>" in html and "<em>leaning words</em>" in html
    assert "<h4>A heading in the body</h4>" in html  # below the finding's own h3
    assert "<li>second bullet</li>" in html and "<li>second step</li>" in html
    hrefs = [attrs.get("href") for tag, attrs in tree.elements if tag == "a"]
    assert "https://example.org/policy" in hrefs and "mailto:team@example.org" in hrefs
    # Cross-references link to the records' anchors.
    assert "#finding-1.2" in hrefs and "#recommendation-1.1.1" in hrefs
    # The recommendation's text is Markdown too.
    assert "<strong>written</strong>" in html and "<li>purge</li>" in html


def test_raw_html_script_links_images_and_entities_are_inert_in_html(cli, site):
    html = body_html(cli.ok("report", "--site", site, "--format", "html"))
    tree = parsed(html)
    tags = [tag for tag, _ in tree.elements]
    assert "script" not in tags and "b" not in tags and "img" not in tags
    text = "".join(tree.text)
    assert "Raw <b>markup</b> and <script>alert(2)</script>" in text  # shown as typed
    assert "[script link](javascript:alert(1))" in text  # a link to javascript: is its text
    assert "camera photo" in text and "x.png" not in html  # an image is its alt text, never fetched
    assert (
        "Ja&shy;ne Roe" in text and "\xad" not in text
    )  # the entity is not an invisible character


def test_a_cross_reference_to_no_such_record_is_not_a_link(cli, site):
    cli.ok(
        "log-finding",
        "--site",
        site,
        "--focus-area",
        "1",
        "--title",
        "Third",
        "--body",
        "Unlike Finding 9.9.",
    )
    approve(cli, site, "1.3")
    html = cli.ok("report", "--site", site, "--format", "html")
    assert "#finding-9.9" not in html and "Unlike Finding 9.9." in html


def test_redaction_happens_before_markdown(cli):
    # The span crosses an emphasis marker: were Markdown first, the <strong> would split it in two.
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
    for fmt in ("html", "markdown"):
        out = cli.ok("report", "--site", "red", "--format", fmt)
        assert "secret" not in out and "Roe" not in out and "[[" not in out, fmt
        assert "Keep" in out and "here." in out


def test_the_markdown_report_keeps_the_source_with_markup_inert(cli, site):
    from markdown_it import MarkdownIt  # how a reader's renderer would show the .md file

    text = cli.ok("report", "--site", site, "--format", "markdown")
    assert "**bold words**" in text and "- first bullet" in text and "| Patrol | 41 |" in text
    assert "#### A heading in the body" in text  # under the report's own ### finding heading
    assert "Ja&amp;shy;ne Roe" in text
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script>" not in rendered and "<b>" not in rendered and "<img" not in rendered
    assert 'href="javascript:' not in rendered and 'href="https://example.org/policy"' in rendered
    assert "<li>second bullet</li>" in rendered and "<blockquote>" in rendered


def test_json_keeps_the_source(cli, site):
    report = cli.json("report", "--site", site)
    body = report["focus_areas"][0]["findings"][0]["body"]
    for source in (
        "**bold words**",
        "# A heading",
        "| Patrol | 41 |",
        "<script>alert(2)</script>",
        "Ja&shy;ne",
        "[script link](javascript:alert(1))",
    ):
        assert source in body, source


def test_each_construct_prints_in_the_pdf(cli, site, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "r.pdf"
    cli.ok("report", "--site", site, "--format", "pdf", "--output", out)
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for words in (
        "bold words",
        "A heading in the body",
        "second bullet",
        "second step",
        "A quoted officer said this.",
        "Patrol 41",
        "Raw <b>markup</b>",
        "camera photo",
    ):
        assert words in text, words
    uris, internal = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(action["/URI"])
            elif annot.get_object().get("/Dest") is not None or action.get("/S") == "/GoTo":
                internal += 1
    assert "https://example.org/policy" in uris and not any("javascript" in u for u in uris)
    assert internal >= 2  # Finding 1.2 and Recommendation 1.1.1 jump within the document
