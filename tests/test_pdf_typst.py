"""The PDF report laid out by Typst: Markdown as real structure (headings, lists, tables, quotes,
links) in a tagged PDF/UA-1 document, every text printed as typed and never run as Typst code,
redaction before layout, bookmarks and contents, the same bytes for the same report, and fonts
for every script."""

from __future__ import annotations

import io
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import approve, examples, markdown_site

pypdf = pytest.importorskip("pypdf")

BODY = """Opening with **bold words**, *leaning words* and `code words`; see Finding 1.2.

# A heading in the body

- first bullet
- second bullet

1. first step
2. second step

> A quoted officer said this.

| Unit | Cameras |
| --- | ---: |
| Patrol | 41 |

A [safe link](https://example.org/policy) and a [script link](javascript:alert(1)).

Raw <b>markup</b>, #read("/etc/passwd"), #import "x.typ": *, $x^2$, *stars*, _under_, <label>,
@ref, a back\\\\slash, ] and [ and // not a comment, "quotes" and `#sys.inputs`.
"""
TYPST_CODE = (
    '#read("/etc/passwd")',
    '#import "x.typ": *',
    "$x^2$",
    "<label>",
    "@ref",
    "back\\slash",
    "] and [",
    "// not a comment",
    '"quotes"',
)


def reader(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data))


def flat_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader(data).pages)


def structure(data: bytes) -> list[tuple[str, str]]:
    """Each structure element's type and its alternative text, depth first."""
    out = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list) or isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, dict):
            return
        if "/S" in node:
            out.append((str(node["/S"]), str(node.get("/Alt", ""))))
        if "/K" in node:
            walk(node["/K"])

    walk(reader(data).trailer["/Root"]["/StructTreeRoot"])
    return out


def bookmarks(outline) -> list[str]:
    out = []
    for item in outline:
        out += bookmarks(item) if isinstance(item, list) else [item.title]
    return out


@pytest.fixture
def site(cli):
    return markdown_site(cli, BODY, "Adopt a *written* schedule.")


def pdf(cli, site: str, tmp_path, *args: str) -> bytes:
    out = tmp_path / "r.pdf"
    cli.ok("report", "--site", site, "--format", "pdf", "--output", out, *args)
    return out.read_bytes()


def test_markdown_is_structure_not_markup_characters(cli, site, tmp_path):
    data = pdf(cli, site, tmp_path)
    kinds = [kind for kind, _ in structure(data)]
    for kind in ("/Table", "/TH", "/TD", "/L", "/LI", "/BlockQuote", "/Link", "/H1", "/H2", "/H3"):
        assert kind in kinds, kind
    text = flat_text(data)
    for words in (
        "bold words",
        "first bullet",
        "1. first step",
        "2. second step",
        "A quoted officer said this.",
        "Unit Cameras",
        "Patrol 41",
        "A heading in the body",
        "code words",
    ):
        assert words in text, words
    assert "**" not in text, text[text.find("**") - 80 : text.find("**") + 40]
    assert "| Patrol |" not in text and "# A heading" not in text
    assert "Raw <b>markup</b>" in text  # raw HTML is text


def test_typst_code_in_a_body_prints_as_typed_and_never_runs(cli, site, tmp_path):
    text = flat_text(pdf(cli, site, tmp_path))
    for code in TYPST_CODE:
        assert code in text, code
    assert "root:" not in text  # /etc/passwd was not read


def test_links_only_to_the_web_mail_and_the_report_itself(cli, site, tmp_path):
    uris, internal = [], 0
    for page in reader(pdf(cli, site, tmp_path)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
            elif annot.get_object().get("/Dest") is not None or action.get("/S") == "/GoTo":
                internal += 1
    assert "https://example.org/policy" in uris and not [
        u for u in uris if not u.startswith(("https:", "mailto:"))
    ]
    assert internal >= 1  # "see Finding 1.2"


def test_redaction_happens_before_layout(cli, tmp_path):
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
    text = flat_text(pdf(cli, "red", tmp_path))
    assert "secret" not in text and "Roe" not in text and "[[" not in text
    assert "Keep" in text and "here." in text


@pytest.mark.slow  # the demo's whole report through Typst
def test_tagged_ua_titled_dated_and_the_same_bytes_every_time(demo, tmp_path):
    first = pdf(demo, "brightwater-demo", tmp_path, "--as-of", "2026-09-30")
    assert pdf(demo, "brightwater-demo", tmp_path, "--as-of", "2026-09-30") == first
    doc = reader(first)
    root = doc.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert (
        doc.metadata.title
        == "Brightwater City Police Department (fictional demo): Organizational Assessment"
    )
    assert doc.metadata["/CreationDate"].startswith("D:20260930")
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # PDF/UA-1 declared
    charts = [alt for kind, alt in structure(first) if kind == "/Figure"]
    assert any(
        alt.startswith("Recommendations by status in each focus area. 1.") for alt in charts
    ), charts


@pytest.mark.slow  # the demo's whole report through Typst
def test_assessment_contents_and_bookmarks(demo, tmp_path):
    data = pdf(demo, "brightwater-demo", tmp_path, "--kind", "assessment", "--as-of", "2026-09-30")
    report = json.loads(
        demo.ok(
            "report",
            "--site",
            "brightwater-demo",
            "--kind",
            "assessment",
            "--format",
            "json",
            "--as-of",
            "2026-09-30",
        )
    )
    doc = reader(data)
    marks = bookmarks(doc.outline)
    for area in report["focus_areas"]:
        assert f"Focus area {area['number']}: {area['title']}" in marks
        for finding in area["findings"]:
            assert any(m.startswith(f"Finding {finding['number']}:") for m in marks), finding[
                "number"
            ]
    assert "Status of recommendations" in marks
    # The contents (page 1) give each focus area's page, and that page starts its chapter.
    contents = " ".join(doc.pages[0].extract_text().split())
    for area in report["focus_areas"]:
        title = f"Focus area {area['number']}: {area['title']}"
        page = int(re.search(re.escape(title) + r"[ .]*(\d+)", contents).group(1))
        assert title in " ".join(doc.pages[page - 1].extract_text().split())
    # A body's own headings are structure, not bookmarks.
    assert not [
        m
        for m in marks
        if m not in contents
        and not m.startswith(("Finding", "Status", "Focus", "How", "Changes", "Recommendations"))
    ]


def test_every_script_prints_with_a_font_that_has_it(cli, tmp_path):
    cli.ok(
        "new-engagement", "--site", "w", "--agency", "Police de Montréal", "--focus-area", "Area"
    )
    cli.ok(
        "log-finding",
        "--site",
        "w",
        "--focus-area",
        "1",
        "--title",
        "Scripts",
        "--body",
        "Café naïve 社区会议 地域 지역 مرحبا שלום 🙂",
    )
    approve(cli, "w", "1.1")
    data = pdf(cli, "w", tmp_path)
    fonts = set()
    for page in reader(data).pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", font.get_object().get("/Subtype"))))
    for family in (
        "NotoSans-",
        "CJK",
        "Arabic",
        "Hebrew",
        "/Type3",
    ):  # the colour emoji are Type 3 glyphs
        assert any(family in f for f in fonts), (family, fonts)
    text = flat_text(data)
    for word in ("Montréal", "Café naïve", "社区会议", "지역", "🙂"):
        assert word in text, word


SNIPPETS = [
    "#",
    '#read("/etc/passwd")',
    "#import",
    "$",
    "*",
    "_",
    "<x>",
    "@y",
    "\\",
    "]",
    "[",
    "//",
    "/*",
    '"',
    "'",
    "`",
    "~",
    "-",
    "--",
    "...",
    "= ",
    "+ ",
    "- ",
    "/ ",
    "1. ",
    "#{",
    "}",
    ";",
    ".len()",
    "https://x.org",
    "\\u{41}",
    '#"',
    "\n",
]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(SNIPPETS),
        st.text(st.characters(codec="ascii", categories=("L", "N", "P", "S", "Zs")), max_size=8),
        st.sampled_from(["é", "ß", "ñ", "社", "—", "“", "…"]),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_prints_as_typed(text):
    from reformctl.reports.typst_markup import lit
    from reformctl.reports.typst_pdf import _as_of, compile_pdf

    # What follows a text in the markup is never read as part of it (a method call, an argument).
    source = f'#set document(title: "t")\n#set text(lang: "en", font: "Noto Sans")\nSTART{lit(text)}.len()[END]\n'
    printed = "".join(flat_text(compile_pdf(source, {}, _as_of("2026-01-01"))).split())
    assert printed == "START" + "".join(text.split()) + ".len()[END]"


@pytest.mark.parametrize(
    "target, linked",
    [
        ("https://example.org/a", True),
        ("mailto:team@example.org", True),
        ("#finding-1.1", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("#finding-9.9", False),
        ("", False),
    ],
)
def test_links_go_only_to_the_web_mail_and_labels_the_document_has(target, linked):
    from reformctl.reports.typst_markup import link

    out = link(target, "TEXT", frozenset({"finding-1.1"}))
    assert (out != "TEXT") is linked and out.endswith("TEXT" if not linked else "[TEXT]")


@pytest.mark.slow  # the demo's whole report through Typst
def test_empty_titles_and_headings_still_lay_out(demo):
    # PDF/UA-1 refuses a heading without text; an empty title or a lone "#" must not stop the PDF.
    from reformctl.reports.render import render

    report = json.loads(
        demo.ok("report", "--site", "brightwater-demo", "--format", "json", "--as-of", "2026-09-30")
    )
    report["engagement"].update(agency="", program_name="")
    report["focus_areas"][0]["title"] = ""
    finding = report["focus_areas"][0]["findings"][0]
    finding.update(title="", body="#\n\n##   \n\n[](https://example.org) | a |\n|---|\n| |")
    report.update(
        kind="assessment", sections=[{"name": "executive-summary", "title": "", "body": "> "}]
    )
    assert "Finding 1.1:" in flat_text(render(report, "pdf"))


def test_invisible_and_undrawable_characters_never_stop_the_pdf(cli, tmp_path):
    # PDF/UA-1 refuses U+FEFF and a character no installed font draws (U+0378 is unassigned); the
    # store accepts both, and a record holding one must still print.
    cli.ok("new-engagement", "--site", "odd", "--agency", "Example PD", "--focus-area", "Area")
    cli.ok(
        "log-finding",
        "--site",
        "odd",
        "--focus-area",
        "1",
        "--title",
        "Zero\ufeffwidth",
        "--body",
        "B\ufeffody.",
    )
    approve(cli, "odd", "1.1")
    data = pdf(cli, "odd", tmp_path)
    root = reader(data).trailer["/Root"]
    assert "Zerowidth" in flat_text(data) and "Body." in flat_text(data)
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # still PDF/UA-1
    cli.ok(
        "log-finding",
        "--site",
        "odd",
        "--focus-area",
        "1",
        "--title",
        "Odd \u0378 sign",
        "--body",
        "Text.",
    )
    approve(cli, "odd", "1.2")
    data = pdf(cli, "odd", tmp_path)
    root = reader(data).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged, without the claim
    assert "Odd" in flat_text(data) and "sign" in flat_text(data)


@pytest.mark.skipif(
    not os.path.isdir("/usr/share/fonts/opentype/noto"), reason="the Noto CJK fonts"
)
def test_typst_gets_only_the_fonts_of_the_scripts_the_text_uses(tmp_path):
    from reformctl.reports.typst_pdf import FONT_FOLDERS, font_folders

    def given(text: str) -> tuple[list[str], list[str]]:
        chosen = tmp_path / str(len(list(tmp_path.iterdir())))
        chosen.mkdir()
        return font_folders(text, str(chosen)), sorted(p.name for p in chosen.iterdir())

    folders, files = given("Police de Montréal: « Café » – 50 € → done")
    assert folders[0].startswith(str(tmp_path)) and "NotoSans-Regular.ttf" in files
    assert not any("CJK" in f or "Arabic" in f or "Emoji" in f for f in files)
    _, files = given("社区会议 and مرحبا and 🙂")
    assert {"NotoSansCJK-Regular.ttc", "NotoSansArabic-Regular.ttf", "NotoColorEmoji.ttf"} <= set(
        files
    )
    assert "NotoSansHebrew-Regular.ttf" not in files
    # A script with no group of its own (Thai): every installed font, for Typst to find one.
    folders, files = given("ภาษาไทย")
    assert folders == [f for f in FONT_FOLDERS if os.path.isdir(f)] and files == []


def test_a_tight_list_item_is_its_text_and_a_loose_one_a_paragraph():
    from reformctl.reports.typst_markup import Prose

    tight = Prose(frozenset()).markdown("- first\n- second\n", 0)
    loose = Prose(frozenset()).markdown("- first\n\n- second\n", 0)
    assert '[#"first";], ' in tight and "\n\n]" not in tight
    assert '[#"first";\n\n], ' in loose
