"""Markdown (reports/prose.py's tokens) as Word paragraphs, runs, lists, tables and hyperlinks,
in the document's own styles, so an editor edits real Word text rather than a picture of it.

Also the small pieces of WordprocessingML python-docx has no API for: fields (TOC, PAGE,
NUMPAGES), bookmarks, hyperlinks, a table header row that repeats, a numbered list that restarts.

Speed: an assessment report at San Francisco's size has some 20,000 paragraphs, runs and table
cells. python-docx's per-element API finds each insertion point by scanning the body's children
(quadratic in the document's length), looks table styles up by name through the styles part and
sets run text a character at a time, which at that size takes many seconds. So the Writer writes each paragraph
and table as WordprocessingML text, the same elements python-docx would make, parses it once
(docx.oxml.parse_xml, so the elements keep python-docx's classes) and puts it before the body's
section properties directly.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph

from reformctl.reports.prose import tokens

LINK_COLOUR = RGBColor(0x0A, 0x4A, 0x8A)
NS = nsdecls("w", "r")
_BREAKS = re.compile(r"([\t\r\n])")  # each its own element in a run: w:tab, w:br
HEADER_ROW = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>'
TABLE_LOOK = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
    'w:noVBand="1" w:val="04A0"/>'
)


def bookmark_name(anchor: str) -> str:
    # Word's bookmark names are letters, digits and underscores: "finding-2.3" -> "finding_2_3".
    return anchor.replace("-", "_").replace(".", "_")


def add_field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A field (PAGE, NUMPAGES, TOC ...) that Word computes; PLACEHOLDER shows until it does."""

    def fld(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # Word recomputes it when the document opens
        run = OxmlElement("w:r")
        run.append(element)
        return run

    paragraph._p.append(fld("begin"))
    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    paragraph._p.append(instr_run)
    paragraph._p.append(fld("separate"))
    paragraph.add_run(placeholder)
    paragraph._p.append(fld("end"))


def add_bookmark(paragraph, name: str, bookmark_id: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.insert(0 if paragraph._p.pPr is None else 1, start)
    paragraph._p.append(end)


def run_xml(
    text: str,
    bold: bool = False,
    italic: bool = False,
    link: bool = False,
    font: str | None = None,
    size: float | None = None,
) -> str:
    """One w:r as python-docx writes it: properties in the schema's order, a tab as w:tab, a line
    break as w:br, and xml:space="preserve" on a w:t that starts or ends with white space."""
    props = []
    if font:
        props.append(f"<w:rFonts w:ascii={quoteattr(font)} w:hAnsi={quoteattr(font)}/>")
    if bold:
        props.append("<w:b/>")
    if italic:
        props.append("<w:i/>")
    if link:
        props.append(f'<w:color w:val="{LINK_COLOUR}"/>')
    if size:
        props.append(f'<w:sz w:val="{int(Pt(size).pt * 2)}"/>')
    if link:
        props.append('<w:u w:val="single"/>')
    out = ["<w:r>", f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""]
    for part in _BREAKS.split(text):
        if part in ("\t", "\r", "\n"):
            out.append("<w:tab/>" if part == "\t" else "<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            out.append(f"<w:t{space}>{escape(part)}</w:t>")
    out.append("</w:r>")
    return "".join(out)


class Writer:
    """Writes paragraphs, tables and Markdown at the end of a python-docx Document's body, in its
    styles (see the module's note on speed)."""

    def __init__(self, doc, known: frozenset[str] | None):
        self.doc = doc
        self.known = known
        self._ids: dict[str, str | None] = {}
        self._body = doc.element.body
        self._end = self._body.find(qn("w:sectPr"))  # the body's last child: blocks go before it
        self._width = doc._block_width  # a table's columns share it, as python-docx shares it
        self._numbering = (
            None  # (numbering element, List Number's abstract id, numIds in use), once
        )

    def style(self, name: str, fallback: str = "Normal") -> str | None:
        """The style id of NAME (None: Normal). python-docx looks a style up by name through the
        whole styles part on every paragraph; the report has thousands, so ids are kept here."""
        if name not in self._ids:
            try:
                self._ids[name] = None if name == "Normal" else self.doc.styles[name].style_id
            except KeyError:  # a user's template may lack a style: FALLBACK (or Normal) stands in
                self._ids[name] = None if fallback == name else self.style(fallback)
        return self._ids[name]

    def _table_style(self) -> str | None:
        if "\0table" not in self._ids:
            try:
                self._ids["\0table"] = self.doc.styles["Table Grid"].style_id
            except KeyError:  # a template without it keeps its default table style
                self._ids["\0table"] = None
        return self._ids["\0table"]

    def _append(self, xml: str):
        element = parse_xml(xml)
        if self._end is not None:
            self._end.addprevious(element)
        else:
            self._body.append(element)
        return element

    def para(
        self,
        style: str = "Normal",
        text: str = "",
        fallback: str = "Normal",
        runs=(),
        size: float | None = None,
        num_id: int | None = None,
    ) -> Paragraph:
        """A paragraph in STYLE (by name) holding TEXT, or RUNS ((text, bold) pairs), at SIZE points."""
        style_id = self.style(style, fallback)
        return Paragraph(
            self._append(self._p_xml(style_id, self._runs_xml(text, runs, size), num_id)),
            self.doc._body,
        )

    def add_runs(self, para: Paragraph, runs, size: float | None = None) -> None:
        """RUNS ((text, bold) pairs) at the end of PARA."""
        para._p.extend(list(parse_xml(f"<w:p {NS}>{self._runs_xml('', runs, size)}</w:p>")))

    @staticmethod
    def _runs_xml(text: str, runs, size: float | None) -> str:
        pairs = [(text, False)] if text else list(runs)
        return "".join(run_xml(t, bold=b, size=size) for t, b in pairs)

    @staticmethod
    def _p_xml(style_id: str | None, content: str, num_id: int | None = None) -> str:
        props = f"<w:pStyle w:val={quoteattr(style_id)}/>" if style_id else ""
        if num_id is not None:
            props += f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        props = f"<w:pPr>{props}</w:pPr>" if props else ""
        return f"<w:p {NS}>{props}{content}</w:p>"

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        """A table of texts with a repeating header row in the document's table style."""
        # The header cells' empty first run is python-docx's (cell.text = "" then a bold run),
        # kept so that the document is the one it wrote.
        self._table(
            [
                [f"<w:r/>{run_xml(str(text), bold=True)}" for text in header],
                *[[run_xml(str(text)) for text in values[: len(header)]] for values in rows],
            ],
            len(header),
        )

    def _table(self, rows: list[list[str]], width: int) -> None:
        """A table WIDTH columns wide of ROWS, each a list of its cells' runs, the first row the
        header that repeats on every page."""
        twips = Emu(self._width // width).twips
        style_id = self._table_style()
        cell = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/></w:tcPr><w:p>'
        out = [
            f"<w:tbl {NS}><w:tblPr>",
            f"<w:tblStyle w:val={quoteattr(style_id)}/>" if style_id else "",
            f'<w:tblW w:type="auto" w:w="0"/>{TABLE_LOOK}</w:tblPr><w:tblGrid>',
            f'<w:gridCol w:w="{twips}"/>' * width,
            "</w:tblGrid>",
        ]
        for number, cells in enumerate(rows):
            out.append("<w:tr>" + (HEADER_ROW if number == 0 else ""))
            out.extend(f"{cell}{runs}</w:p></w:tc>" for runs in cells)
            out.append(f"{cell}</w:p></w:tc>" * (width - len(cells)) + "</w:tr>")
        out.append("</w:tbl>")
        self._append("".join(out))

    def markdown(self, text: str | None, heading_base: int = 3) -> None:
        """TEXT's blocks as paragraphs of the document; its headings start at Heading HEADING_BASE
        and stop at Heading 3 (the document's own levels are 1 and 2)."""
        lists: list[list] = []  # [style base, numbering restarted yet] per open list
        quote = 0
        toks = tokens(text, self.known)
        i = 0
        while i < len(toks):
            tok = toks[i]
            kind = tok.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                lists.append(
                    ["List Bullet" if kind == "bullet_list_open" else "List Number", False]
                )
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind == "heading_open":
                level = min(int(tok.tag[1]) + heading_base - 1, 3)
                self._append(
                    self._p_xml(self.style(f"Heading {level}"), self._inline_xml(toks[i + 1]))
                )
                i += 2
            elif kind == "paragraph_open":
                first_in_item = bool(lists) and toks[i - 1].type == "list_item_open"
                style, fallback = (
                    self._block_style(lists, quote)
                    if first_in_item or not lists
                    else ("List Continue", "Normal")
                )  # an item's second paragraph
                num_id = None
                if first_in_item and lists[-1][0] == "List Number" and not lists[-1][1]:
                    num_id = self._restart_numbering()
                    lists[-1][1] = True
                self._append(
                    self._p_xml(self.style(style, fallback), self._inline_xml(toks[i + 1]), num_id)
                )
                i += 2
            elif kind == "table_open":
                i = self._markdown_table(toks, i)
            elif kind in ("fence", "code_block"):
                style, fallback = self._block_style(lists, quote)
                self._append(
                    self._p_xml(
                        self.style(style, fallback),
                        run_xml(tok.content.rstrip("\n"), font="Courier New"),
                    )
                )
            i += 1

    def _block_style(self, lists, quote) -> tuple[str, str]:
        """The style (and the one to use where a template lacks it) of a paragraph in LISTS, QUOTE."""
        if lists:
            depth = len(lists)
            base = lists[-1][0]
            return (base if depth == 1 else f"{base} {min(depth, 3)}"), base
        return ("Quote" if quote else "Normal"), "Normal"

    def _restart_numbering(self) -> int | None:
        """A new numbering instance of List Number's list that counts from 1 (Word otherwise
        continues the previous list's count); None where the style has no numbering. The abstract
        list and the ids in use are looked up once, not on every list."""
        if self._numbering is None:
            try:
                numbering = self.doc.part.numbering_part.numbering_definitions._numbering
                num_id = self.doc.styles["List Number"].element.pPr.numPr.numId.val
                abstract = numbering.num_having_numId(num_id).abstractNumId.val
                used = {int(n) for n in numbering.xpath("./w:num/@w:numId")}
            except (AttributeError, KeyError, NotImplementedError):
                self._numbering = (None, None, None)
            else:
                self._numbering = (numbering, abstract, used)
        numbering, abstract, used = self._numbering
        if numbering is None:
            return None  # a template whose list style has no numbering: Word's own behaviour
        num_id = next(n for n in range(1, len(used) + 2) if n not in used)  # python-docx's choice
        used.add(num_id)
        num = parse_xml(
            f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
        cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            numbering.append(num)
        return num_id

    def _inline_xml(self, inline_token, bold_all: bool = False) -> str:
        """The runs (and hyperlinks) of a Markdown inline token; BOLD_ALL: every run outside a link
        bold (a table's header row)."""
        bold = italic = False
        link = None  # the open hyperlink's runs
        out: list[str] = []
        for child in inline_token.children or []:
            kind = child.type
            if kind == "strong_open":
                bold = True
            elif kind == "strong_close":
                bold = False
            elif kind == "em_open":
                italic = True
            elif kind == "em_close":
                italic = False
            elif kind == "link_open":
                out.append(self._hyperlink_open(child.attrs.get("href", "")))
                link = len(out)
                out.append("</w:hyperlink>")
            elif kind == "link_close":
                link = None
            else:
                if kind in ("softbreak", "hardbreak"):
                    text = "\n" if kind == "hardbreak" else " "
                elif kind in (
                    "text",
                    "code_inline",
                    "image",
                ):  # an image: its alt text, nothing fetched
                    text = child.content
                else:
                    continue
                if link is not None:
                    out.insert(link, run_xml(text, bold, italic, link=True))
                    link += 1
                else:
                    out.append(run_xml(text, bold or bold_all, italic))
        return "".join(out)

    def _hyperlink_open(self, href: str) -> str:
        if href.startswith("#"):
            return f"<w:hyperlink w:anchor={quoteattr(bookmark_name(href[1:]))}>"
        from docx.opc.constants import RELATIONSHIP_TYPE

        r_id = self.doc.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        return f"<w:hyperlink r:id={quoteattr(r_id)}>"

    def _markdown_table(self, toks, i: int) -> int:
        """The Markdown table starting at toks[i] as a Word table; returns the index of its close."""
        rows: list[list] = []
        while toks[i].type != "table_close":
            if toks[i].type == "tr_open":
                rows.append([])
            elif toks[i].type == "inline":
                rows[-1].append(toks[i])
            i += 1
        if not rows:
            return i
        self._table(
            [
                [self._inline_xml(inline, bold_all=number == 0) for inline in cells]
                for number, cells in enumerate(rows)
            ],
            max(len(r) for r in rows),
        )
        self._append(self._p_xml(None, ""))  # Word joins two adjacent tables into one
        return i


def small(paragraph, size: float = 9) -> None:
    for run in paragraph.runs:
        run.font.size = Pt(size)
