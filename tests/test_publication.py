"""The assessment report's layout in HTML, PDF and Word: sections in print order, a contents list
(with page numbers in the PDF), bookmarks for every chapter and finding, a tagged PDF with its
title and language, and text in every script printed with a font that has it.

The sections data comes from the sections work (report["sections"], focus_areas[i]["narrative"],
report["all_recommendations"], kind "assessment"); until that lands the report is built here by
hand from a real report's JSON.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest

from reformctl.reports.render import render

SECTIONS = [
    {
        "name": "executive-summary",
        "title": "Executive summary",
        "body": "The summary, with **bold** text.",
    },
    {
        "name": "methodology",
        "title": "Methodology",
        "body": "How the team worked:\n\n1. interviews\n2. reviews",
    },
    {"name": "conclusion", "title": "Conclusion", "body": "It ends; see Finding 1.1."},
    {
        "name": "appendix-glossary",
        "title": "Appendix A: Glossary",
        "body": "- **CRI**: Collaborative Reform Initiative",
    },
]


@pytest.fixture
def assessment(demo) -> dict:
    report = json.loads(
        demo.ok("report", "--site", "brightwater-demo", "--format", "json", "--as-of", "2026-09-30")
    )
    report.update(
        kind="assessment",
        kind_label="Assessment report",
        sections=SECTIONS,
        data_collection=[{"method": "interview", "count": 12, "text": "12 interviews"}],
    )
    report["focus_areas"][0]["narrative"] = {
        "name": "focus-area-1",
        "title": "Discussion",
        "body": "The chapter opens here, in *this* narrative.",
    }
    report["all_recommendations"] = [
        {
            "number": r["number"],
            "text": r["text"],
            "owner": r["owner"],
            "priority": r["priority"],
            "finding": f["number"],
            "focus_area": a["number"],
        }
        for a in report["focus_areas"]
        for f in a["findings"]
        if not f.get("withdrawn")
        for r in f["recommendations"]
        if not r.get("withdrawn")
    ]
    return report


def test_html_prints_sections_in_order_with_contents(assessment):
    html = render(assessment, "html")
    order = [
        html.index(f'id="{anchor}"')
        for anchor in (
            "contents",
            "section-executive-summary",
            "section-methodology",
            "focus-area-1",
            "section-conclusion",
            "all-recommendations",
            "section-appendix-glossary",
        )
    ]
    assert order == sorted(order)
    contents = html.split('id="contents"', 1)[1].split("</nav>", 1)[0]
    for target in (
        "#section-executive-summary",
        "#focus-area-1",
        "#all-recommendations",
        "#section-appendix-glossary",
    ):
        assert f'href="{target}"' in contents
    assert "<em>this</em> narrative" in html and "<li>interviews</li>" in html
    assert (
        '<table class="data-collection">'
        in html.split('id="section-methodology"', 1)[1].split("</section>", 1)[0]
    )
    assert html.count('<td><a href="#recommendation-') == len(assessment["all_recommendations"])
    assert 'class="with-toc"' in html  # the contents stay beside the text on a wide screen


def test_pdf_is_tagged_titled_bookmarked_with_page_numbered_contents(assessment, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    data = render(assessment, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata.title.startswith("Brightwater City Police Department")

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    bookmarks = list(titles(reader.outline))
    area = assessment["focus_areas"][0]
    for title in (
        "Executive summary",
        "Methodology",
        "Conclusion",
        "List of recommendations",
        "Appendix A: Glossary",
        f"Focus area 1: {area['title']}",
    ):
        assert title in bookmarks, title
    findings = [f["number"] for a in assessment["focus_areas"] for f in a["findings"]]
    assert all(any(t.startswith(f"Finding {n}:") for t in bookmarks) for n in findings)
    # The contents page gives each chapter's page: "Executive summary ..... 2".
    contents = " ".join(
        reader.pages[0].extract_text().split() + reader.pages[1].extract_text().split()
    )
    pages = {}
    for title in ("Executive summary", "Conclusion"):
        after = contents.split(title, 1)[1].lstrip(". ").split()[0]
        pages[title] = int(after)
    assert 1 < pages["Executive summary"] < pages["Conclusion"] <= len(reader.pages)
    if shutil.which("pdfinfo"):
        (tmp_path / "a.pdf").write_bytes(data)
        info = subprocess.run(
            ["pdfinfo", str(tmp_path / "a.pdf")], capture_output=True, text=True
        ).stdout
        assert "Tagged:          yes" in info


def test_word_has_the_sections_with_bookmarks(assessment):
    docx = pytest.importorskip("docx")
    data = render(assessment, "docx")
    doc = docx.Document(io.BytesIO(data))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    area = f"Focus area 1: {assessment['focus_areas'][0]['title']}"
    order = [
        h1.index(t)
        for t in (
            "Executive summary",
            "Methodology",
            area,
            "Conclusion",
            "List of recommendations",
            "Appendix A: Glossary",
        )
    ]
    assert order == sorted(order)
    assert ["interviews", "reviews"] == [
        p.text for p in doc.paragraphs if p.style.name == "List Number"
    ][:2]
    xml = doc.element.xml
    assert 'w:name="section_executive_summary"' in xml and 'w:anchor="finding_1_1"' in xml


@pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig's fc-list is not installed")
def test_cjk_text_is_printed_with_a_font_that_has_it(assessment):
    pypdf = pytest.importorskip("pypdf")
    cjk = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if "Noto" not in cjk:
        pytest.skip("no CJK font installed: bash .ci/system-packages installs fonts-noto-cjk")
    assessment["sections"][0]["body"] = (
        "Community meeting notes: 社区会议 (中文), 地域 (日本語), 지역 (한국어)."
    )
    reader = pypdf.PdfReader(io.BytesIO(render(assessment, "pdf")))
    fonts = set()
    for page in reader.pages[:4]:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    assert any("CJK" in f for f in fonts), fonts
    text = " ".join(page.extract_text() for page in reader.pages[:4])
    assert "社区会议" in text
