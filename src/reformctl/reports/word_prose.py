"""Markdown (reports/prose.py's tokens) as Word paragraphs, runs, lists, tables and hyperlinks,
in the document's own styles, so an editor edits real Word text rather than a picture of it.

Also the small pieces of WordprocessingML python-docx has no API for: fields (TOC, PAGE,
NUMPAGES), bookmarks, hyperlinks, a table header row that repeats, a numbered list that restarts.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from reformctl.reports.prose import tokens


LINK_COLOUR = RGBColor(0x0A, 0x4A, 0x8A)


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


def repeat_header(row) -> None:
    """Mark a table row as its header, repeated at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def add_table(doc, header: list[str], rows: list[list[str]], container=None):
    """A table with a repeating header row in the document's table style."""
    container = container or doc
    table = container.add_table(rows=1, cols=len(header))
    try:
        table.style = doc.styles["Table Grid"]
    except KeyError:  # a template without it keeps its default table style
        pass
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = str(text)
    return table


class Writer:
    """Writes Markdown into a python-docx Document (or a table cell) with its styles."""

    def __init__(self, doc, known: frozenset[str] | None):
        self.doc = doc
        self.known = known
        self._ids: dict[str, str | None] = {}

    def style(self, name: str, fallback: str = "Normal") -> str | None:
        """The style id of NAME (None: Normal). python-docx looks a style up by name through the
        whole styles part on every paragraph; the report has thousands, so ids are kept here."""
        if name not in self._ids:
            try:
                self._ids[name] = None if name == "Normal" else self.doc.styles[name].style_id
            except KeyError:  # a user's template may lack a style: FALLBACK (or Normal) stands in
                self._ids[name] = None if fallback == name else self.style(fallback)
        return self._ids[name]

    def para(self, container, style: str = "Normal", text: str = "", fallback: str = "Normal"):
        """A paragraph of CONTAINER in STYLE (by name) holding TEXT."""
        paragraph = container.add_paragraph(text)
        style_id = self.style(style, fallback)
        if style_id:
            paragraph._p.style = style_id
        return paragraph

    def markdown(self, text: str | None, heading_base: int = 3, container=None) -> None:
        """TEXT's blocks as paragraphs of CONTAINER (the document by default); its headings start at
        Heading HEADING_BASE and stop at Heading 3 (the document's own levels are 1 and 2)."""
        container = container or self.doc
        lists: list[list] = []  # [style base, numbering restarted yet] per open list
        quote = 0
        toks = tokens(text, self.known)
        i = 0
        while i < len(toks):
            tok = toks[i]
            kind = tok.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                lists.append(["List Bullet" if kind == "bullet_list_open" else "List Number", False])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind == "heading_open":
                level = min(int(tok.tag[1]) + heading_base - 1, 3)
                para = self.para(container, f"Heading {level}")
                self.inline(para, toks[i + 1])
                i += 2
            elif kind == "paragraph_open":
                first_in_item = bool(lists) and toks[i - 1].type == "list_item_open"
                style, fallback = (self._block_style(lists, quote) if first_in_item or not lists
                                   else ("List Continue", "Normal"))  # an item's second paragraph
                para = self.para(container, style, fallback=fallback)
                if first_in_item and lists[-1][0] == "List Number" and not lists[-1][1]:
                    self._restart_numbering(para)
                    lists[-1][1] = True
                self.inline(para, toks[i + 1])
                i += 2
            elif kind == "table_open":
                i = self.table(toks, i, container)
            elif kind in ("fence", "code_block"):
                style, fallback = self._block_style(lists, quote)
                para = self.para(container, style, fallback=fallback)
                run = para.add_run(tok.content.rstrip("\n"))
                run.font.name = "Courier New"
            i += 1

    def _block_style(self, lists, quote) -> tuple[str, str]:
        """The style (and the one to use where a template lacks it) of a paragraph in LISTS, QUOTE."""
        if lists:
            depth = len(lists)
            base = lists[-1][0]
            return (base if depth == 1 else f"{base} {min(depth, 3)}"), base
        return ("Quote" if quote else "Normal"), "Normal"

    def _restart_numbering(self, para) -> None:
        """Each numbered list counts from 1 (Word otherwise continues the previous list's count)."""
        try:
            numbering = self.doc.part.numbering_part.numbering_definitions._numbering
            num_id = self.doc.styles["List Number"].element.pPr.numPr.numId.val
            abstract = numbering.num_having_numId(num_id).abstractNumId.val
        except (AttributeError, KeyError, NotImplementedError):
            return  # a template whose list style has no numbering: Word's own behaviour
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num.numId

    def inline(self, para, inline_token) -> None:
        bold = italic = False
        link = None
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
                link = self._hyperlink(para, child.attrs.get("href", ""))
            elif kind == "link_close":
                link = None
            elif kind in ("softbreak", "hardbreak"):
                self._run(para, link, "\n" if kind == "hardbreak" else " ", bold, italic)
            elif kind in ("text", "code_inline"):
                self._run(para, link, child.content, bold, italic)
            elif kind == "image":  # its alt text: nothing is fetched
                self._run(para, link, child.content, bold, italic)

    def _hyperlink(self, para, href: str):
        element = OxmlElement("w:hyperlink")
        if href.startswith("#"):
            element.set(qn("w:anchor"), bookmark_name(href[1:]))
        else:
            from docx.opc.constants import RELATIONSHIP_TYPE

            r_id = para.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            element.set(qn("r:id"), r_id)
        para._p.append(element)
        return element

    def _run(self, para, link, text: str, bold: bool, italic: bool) -> None:
        run = para.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if link is not None:
            run.font.underline = True
            run.font.color.rgb = LINK_COLOUR
            link.append(run._r)  # moved from the paragraph into the hyperlink

    def table(self, toks, i: int, container) -> int:
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
        width = max(len(r) for r in rows)
        table = container.add_table(rows=0, cols=width)
        try:
            table.style = self.doc.styles["Table Grid"]
        except KeyError:
            pass
        for number, cells in enumerate(rows):
            row = table.add_row()
            for cell, inline in zip(row.cells, cells):
                self.inline(cell.paragraphs[0], inline)
                if number == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
            if number == 0:
                repeat_header(row)
        container.add_paragraph()  # Word joins two adjacent tables into one
        return i


def small(paragraph, size: float = 9) -> None:
    for run in paragraph.runs:
        run.font.size = Pt(size)
