"""Typst markup for the PDF report: every text from the store as an inert string, and Markdown
(reports/prose.py's tokens) as Typst's own elements (headings, lists, tables, quotes, links).

Safety: no text is ever written as Typst markup. Each one becomes a string literal, `#"...";`,
in which only a backslash and a double quote mean anything, and both are escaped; the `;` ends
the expression so that whatever follows (`.len()`, `(...)`, `[...]`) is not read as part of it.
So `#read("/etc/passwd")`, `$x$`, `*`, `_`, `<label>`, `@ref`, `//` and `]` print as typed. Links
go only to http, https and mailto (prose.py's rule) or to the report's own labels.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reformctl.reports.prose import safe_link, tokens

# C0 controls (and DEL) have no glyph: a tab or a line break inside a text prints as a space, as
# it does in the HTML report.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# PDF/UA-1 forbids text mapped to U+FEFF (a zero-width no-break space, or a stray byte-order mark)
# and to the noncharacters U+FFFE and U+FFFF; none of them shows, so they are left out.
_UNPRINTABLE = re.compile("[\ufeff\ufffe\uffff]")


def string(text: str) -> str:
    """TEXT as a Typst string literal (code mode): "..." with backslashes and quotes escaped."""
    text = _UNPRINTABLE.sub("", _CONTROLS.sub(" ", str(text)))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lit(text: str | None) -> str:
    """TEXT as literal text in markup: nothing in it is interpreted."""
    return f"#{string(text or '')};" if text else ""


def label(name: str) -> str:
    """A label on the element just before it (markup)."""
    return f"#label({string(name)})"


def link(target: str, content: str, known: frozenset[str] | set[str]) -> str:
    """CONTENT (markup) linked to TARGET: '#anchor' (one of KNOWN) or an http, https or mailto
    address; anything else is CONTENT alone."""
    if target.startswith("#"):
        if target[1:] in known:
            return f"#link(label({string(target[1:])}))[{content}]"
        return content
    if safe_link(target):
        return f"#link({string(target)})[{content}]"
    return content


# Block tokens whose markup never depends on the token: closing brackets, item and cell openings.
_FIXED = {
    "paragraph_close": "\n\n",
    "heading_close": "]\n\n",
    "blockquote_open": "#quote(block: true)[",
    "blockquote_close": "]\n\n",
    "bullet_list_close": ")\n\n",
    "ordered_list_close": ")\n\n",
    "list_item_open": "[",
    "th_open": "[",
    "td_open": "[",
    "list_item_close": "], ",
    "th_close": "], ",
    "td_close": "], ",
    "thead_open": "table.header(",
    "thead_close": "), ",
    "table_close": ")\n\n",
    "hr": "#line(length: 100%)\n\n",
}


class Prose:
    """Markdown bodies as Typst markup; KNOWN: the labels the document defines (links to any other
    '#anchor' print as their text)."""

    def __init__(self, known: frozenset[str]):
        self.known = known

    def markdown(self, text: str | None, base: int) -> str:
        """TEXT's blocks; a body's `#` heading is at level BASE + 1 (never beyond 6), and none of
        them are bookmarks or contents entries (only the report's own chapters and findings are)."""
        if not text or not text.strip():
            return ""
        return _markdown(text, base, self.known)

    def _markdown(self, text: str, base: int) -> str:
        toks = tokens(text, self.known)
        return "".join(self._block(toks, i, tok, base) for i, tok in enumerate(toks))

    def _block(self, toks: list, i: int, tok, base: int) -> str:
        kind = tok.type
        if kind == "paragraph_close" and tok.hidden:
            # A tight list's item is its text (as in the HTML, no <p>): no paragraph of its own.
            return ""
        if kind in _FIXED:
            return _FIXED[kind]
        if kind == "inline":
            return self.inline(tok)
        if kind == "heading_open":
            if not toks[
                i + 1
            ].content.strip():  # PDF/UA-1 refuses a heading with no text: "#" alone
                return "#["
            level = min(int(tok.tag[1]) + base, 6)
            return f"#heading(level: {level}, outlined: false, bookmarked: false)["
        if kind == "bullet_list_open":
            return f"#list(tight: {_tight(toks, i)}, "
        if kind == "ordered_list_open":
            start = int(tok.attrs.get("start", 1) or 1)
            return f"#enum(tight: {_tight(toks, i)}, start: {start}, "
        if kind == "table_open":
            # Equal shares of the line, as a table inserted in Word has: automatic widths would
            # lay out every cell twice (once to measure it), and a long report has hundreds.
            return f"#table(columns: (1fr,) * {_columns(toks, i)}, align: left, "
        if kind in ("fence", "code_block"):
            return f"#raw(block: true, {string_keeping_lines(tok.content.rstrip())})\n\n"
        return ""  # paragraph_open, tr and tbody: their content says it all

    def inline(self, inline_token) -> str:
        """The runs of a Markdown inline token: emphasis, strong, code, links, line breaks."""
        out: list[str] = []
        links: list[str | None] = []  # each open link's target, or None where it prints as text
        starts: list[int] = []
        for child in inline_token.children or []:
            kind = child.type
            if kind in ("strong_open", "em_open"):
                out.append("#strong[" if kind == "strong_open" else "#emph[")
            elif kind in ("strong_close", "em_close"):
                out.append("]")
            elif kind == "link_open":
                links.append(child.attrs.get("href", ""))
                starts.append(len(out))
            elif kind == "link_close" and links:
                start, target = starts.pop(), links.pop()
                out[start:] = [link(str(target), "".join(out[start:]), self.known)]
            elif kind == "text":
                out.append(lit(child.content))
            elif kind == "code_inline":
                out.append(f"#raw({string(child.content)});")
            elif kind == "image":  # its alt text: nothing is fetched
                out.append(lit("".join(c.content for c in child.children or [])))
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("#linebreak();")
        return "".join(out)


# A recommendation's text prints twice (under its finding and in the list of all of them): each
# text is parsed once. The result depends only on the arguments, all hashable and immutable.
@lru_cache(maxsize=4096)
def _markdown(text: str, base: int, known: frozenset[str]) -> str:
    return Prose(known)._markdown(text, base)


def string_keeping_lines(text: str) -> str:
    """A string literal that keeps TEXT's line breaks (a code block)."""
    lines = [string(line)[1:-1] for line in str(text).split("\n")]
    return '"' + "\\n".join(lines) + '"'


def _tight(toks: list, i: int) -> str:
    """'true' when the list's paragraphs are hidden (a tight Markdown list)."""
    level = toks[i].level
    for tok in toks[i + 1 :]:
        if tok.type == "paragraph_open" and tok.level == level + 2:
            return "true" if tok.hidden else "false"
        if tok.level == level and tok.type.endswith("_close"):
            break
    return "true"


def _columns(toks: list, i: int) -> int:
    """How many columns the table opening at toks[i] has: the cells of its first row."""
    count = 0
    for tok in toks[i + 1 :]:
        if tok.type in ("th_open", "td_open"):
            count += 1
        elif tok.type == "tr_close":
            break
    return max(count, 1)
