"""The report as PDF, laid out by Typst (PyPI `typst`, a binary wheel with no system libraries):
the same data as the HTML page, written as Typst markup (typst_markup.py escapes every text) and
compiled in memory to a tagged PDF/UA-1 document.

- Tagged, with its title and language (Section 508); bookmarks for every chapter and finding; the
  assessment report's contents with page numbers; the agency and the kind at the top of every
  page, the as-of date and "Page X of Y" at the bottom; charts as images with their text.
- Nothing is read from disk: the document and the charts are passed in memory, and the compiler's
  root is an empty temporary folder, so not even a text that got through as markup could read a file.
- The same report gives the same bytes: the creation date is the report's as-of date, and the
  fonts come from the same folders every time (not whatever the user's desktop has installed),
  chosen by the scripts the text uses.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from html import unescape

from reformctl.errors import ReformError
from reformctl.reports.pdf import MissingPdfSupport
from reformctl.reports.prose import anchors
from reformctl.reports.typst_body import Body
from reformctl.reports.typst_markup import lit, string
from reformctl.reports.wording import long_date

# The Noto families (.ci/system-packages installs them), then DejaVu (which has some Arabic and
# Hebrew, but not the Noto families' shaping for them); Typst falls back to
# any font it has for a character none of these covers.
FONTS = (
    "Noto Sans",
    "Noto Sans CJK SC",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Color Emoji",
    "DejaVu Sans",
)
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts")
# The font files each script needs, by file name. Typst reads every font it is given to index it
# (the CJK collections alone are 40 MB), so a document gets the Latin files and only the others
# its text needs. The Latin group also has DejaVu Sans Mono, for code blocks.
FONT_FILES = {
    "latin": re.compile(
        r"(NotoSans|DejaVuSans|DejaVuSansMono)"
        r"(-Regular|-Bold|-Italic|-BoldItalic|-Oblique|-BoldOblique)?\.ttf$"
    ),
    "cjk": re.compile(r"NotoSansCJK-(Regular|Bold)\.ttc$"),
    "arabic": re.compile(r"NotoSansArabic-(Regular|Bold)\.ttf$"),
    "hebrew": re.compile(r"NotoSansHebrew-(Regular|Bold)\.ttf$"),
    "emoji": re.compile(r"NotoColorEmoji\.ttf$"),
}
SCRIPTS = {
    "cjk": re.compile(
        "[\u2e80-\u303f\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]"
    ),
    "arabic": re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefe]"),
    "hebrew": re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]"),
    "emoji": re.compile("[\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\U0001f000-\U0001faff]"),
}
# What Noto Sans and DejaVu Sans draw between them: Latin, Greek, Cyrillic, punctuation, currency,
# letter-like symbols and arrows. A character outside these and the scripts above gets every
# installed font, for Typst to find one that has it.
_COMMON = "\x00-\u052f\u1e00-\u1fff\u2000-\u206f\u20a0-\u20cf\u2100-\u21ff"
_OTHER = re.compile("[^" + _COMMON + "".join(p.pattern[1:-1] for p in SCRIPTS.values()) + "]")
GREY = 'rgb("#555d66")'


class PdfLayoutError(ReformError):
    """Typst refused the document (a bug in the markup written here, never the user's text)."""


def render_typst_pdf(report: dict) -> bytes:
    """REPORT as PDF bytes."""
    source, inputs = document(report)
    return compile_pdf(source, inputs, _as_of(report["as_of"]))


def document(report: dict) -> tuple[str, dict[str, str]]:
    """The Typst source of REPORT and the inputs (the charts' SVG) it reads from sys.inputs."""
    body = Body(report, anchors(report))
    return _preamble(report) + body.render(), body.inputs


def compile_pdf(source: str, inputs: dict[str, str], stamp: datetime) -> bytes:
    """SOURCE (Typst markup) compiled to a PDF/UA-1 document dated STAMP; INPUTS: its sys.inputs."""
    import tempfile

    try:
        import typst
    except ImportError:
        raise MissingPdfSupport(
            "PDF output needs typst; install it with `pip install typst`"
        ) from None
    # An empty root: Typst reads files only below its root, and there is nothing there to read.
    with (
        tempfile.TemporaryDirectory(prefix="reformctl-typst-") as root,
        tempfile.TemporaryDirectory(prefix="reformctl-fonts-") as chosen,
    ):
        folders = font_folders(source + "".join(inputs.values()), chosen)
        options = dict(
            root=root,
            font_paths=folders,
            ignore_system_fonts=bool(folders),
            sys_inputs=inputs,
            timestamp=stamp,
        )
        try:
            return typst.compile(source.encode("utf-8"), pdf_standards="ua-1", **options)
        except typst.TypstError as exc:
            if "could not be displayed" not in exc.message:
                raise PdfLayoutError(f"Typst could not lay out the PDF: {exc.message}") from None
        # PDF/UA-1 refuses a character that no installed font can draw (an unassigned code point, a
        # script without a font here). The record must still publish: the same document, still
        # tagged, without the PDF/UA-1 claim, the character drawn as an empty box.
        try:
            return typst.compile(source.encode("utf-8"), **options)
        except typst.TypstError as exc:
            raise PdfLayoutError(f"Typst could not lay out the PDF: {exc.message}") from None


def font_folders(text: str, chosen: str) -> list[str]:
    """The font folders for a document whose text (markup and charts) is TEXT: CHOSEN, an empty
    folder, filled with links to the font files of the scripts TEXT uses; or every installed font
    folder when TEXT has a character outside those scripts or a file of them is not installed."""
    folders = [f for f in FONT_FOLDERS if os.path.isdir(f)]
    if _OTHER.search(text):
        return folders
    groups = ["latin"] + [name for name, script in SCRIPTS.items() if script.search(text)]
    found: dict[str, list[str]] = {name: [] for name in groups}
    for folder in folders:
        for parent, _, files in sorted(os.walk(folder)):
            for name in sorted(files):
                for group in groups:
                    if FONT_FILES[group].match(name):
                        found[group].append(os.path.join(parent, name))
    if not all(found.values()):
        return folders
    for path in (path for paths in found.values() for path in paths):
        link = os.path.join(chosen, os.path.basename(path))
        if not os.path.lexists(link):
            os.symlink(path, link)
    return [chosen]


def _as_of(iso: str) -> datetime:
    return datetime.strptime(iso, "%Y-%m-%d").replace(tzinfo=timezone.utc)


def title(report: dict) -> str:
    """The document's title: the HTML page's <title>."""
    e = report["engagement"]
    return f"{e['agency']}: {e['program_name']}"


def _preamble(report: dict) -> str:
    """Metadata, fonts, the page with its running header and footer, and the heading styles."""
    e = report["engagement"]
    small = f"#set text(size: 8.5pt, fill: {GREY})"
    marking = (
        f'#align(center, text(weight: "bold", fill: black)[{lit(report["classification"])}])'
        if report.get("classification")
        else ""
    )
    header = (
        f"[{small}\n{marking}#grid(columns: (1fr, auto), [{lit(e['agency'])}], "
        f"[{lit(report.get('kind_label') or '')}])]"
    )
    footer = (
        f"[{small}\n#grid(columns: (1fr, auto), [{lit('Status as of ' + long_date(report['as_of']))}], "
        "context [Page #counter(page).display() of #counter(page).final().first()])]"
    )
    fonts = "(" + ", ".join(string(f) for f in FONTS) + ",)"
    return "\n".join(
        [
            f"#set document(title: {string(title(report))}, author: {string(report.get('generator') or '')}, "
            f'keywords: ("Collaborative Reform Initiative",), date: datetime(year: {report["as_of"][:4]}, '
            f"month: {int(report['as_of'][5:7])}, day: {int(report['as_of'][8:10])}))",
            f'#set text(lang: "en", font: {fonts}, size: 10pt)',
            "#set par(leading: 0.55em, spacing: 0.8em)",
            f'#set page(paper: "us-letter", margin: (x: 1.8cm, y: 2.2cm), header: {header}, footer: {footer})',
            "#show heading.where(level: 1): set text(size: 14pt)",
            '#show heading.where(level: 1): it => block(below: 0.6em, above: 1.4em, stroke: (bottom: 1.5pt + rgb("#12355b")), inset: (bottom: 3pt), width: 100%, it)',
            "#show heading.where(level: 2): set text(size: 11.5pt)",
            "#show heading: set block(sticky: true)",
            "#show heading.where(level: 3): set text(size: 10.5pt)",
            "#show heading.where(level: 4): set text(size: 10pt)",
            '#show link: set text(fill: rgb("#0a4a8a"))',
            '#set table(stroke: 0.5pt + rgb("#c4c9cf"), inset: 4pt)',
            "#show table: set text(size: 9pt)",
            '#show quote.where(block: true): it => block(inset: (left: 8pt), stroke: (left: 2pt + rgb("#c4c9cf")), it.body)',
            "",
        ]
    )


def chart_alt(svg: str) -> str:
    """A chart's text alternative: its SVG title and description (charts.py writes both)."""
    found = [re.search(rf"<{tag}\b[^>]*>([^<]*)</{tag}>", svg) for tag in ("title", "desc")]
    return ". ".join(unescape(m.group(1)) for m in found if m and m.group(1)) or "Chart"
