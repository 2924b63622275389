"""Markdown in bodies, section text and recommendation text, parsed once for every renderer.

CommonMark with tables (markdown-it-py), made safe for a public page:
- raw HTML is text (html=False) and so are entities: '&shy;' or '&nbsp;' stay as typed, so a
  name split by an invisible character cannot print as a whole name no check saw;
- links only to http, https and mailto; any other link (javascript:, data:, file:) is its text;
- no images: `![alt](url)` prints its alt text, so a report never reaches out to the network;
- headings sit below the document's own levels (a body's `#` under a finding's h3 is an h4);
- "Finding 2.3" and "Recommendation 2.3.1" in any text link to that record's anchor.

Redaction happens before any of this (the public report's texts are scrubbed when the report is
assembled), so a `[[...]]` span never reaches the parser and Markdown can never split one.
HTML comes from the tokens here (html.py, pdf.py); Word walks the same tokens (docx.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

SAFE_SCHEMES = ("http://", "https://", "mailto:")
# "Finding 2.3", "finding 2.3", "Recommendation 2.3.1", "Recommendations 1.2.1": a record's OA number.
CROSS_REFERENCE = re.compile(
    r"\b(Finding|Recommendation)s?\s+(\d+\.\d+(?:\.\d+)?)\b", re.IGNORECASE
)


def anchor(number: str) -> str:
    """The page anchor of a finding (2.3) or recommendation (2.3.1): the ids the HTML report carries."""
    return ("recommendation-" if number.count(".") == 2 else "finding-") + number


def anchors(report: dict) -> frozenset[str]:
    """Every finding and recommendation anchor the report has, withdrawn ones included (their
    numbers stay on the page)."""
    out = set()
    for area in report.get("focus_areas", []):
        for finding in area.get("findings", []):
            out.add(anchor(finding["number"]))
            out.update(anchor(rec["number"]) for rec in finding.get("recommendations", []))
    return frozenset(out)


def safe_link(url: str) -> bool:
    squashed = re.sub(r"[\s\x00-\x1f]", "", url).lower()
    return squashed.startswith(SAFE_SCHEMES) or (squashed.startswith("#") and len(squashed) > 1)


@lru_cache(maxsize=1)
def parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable("entity")  # '&shy;' stays '&shy;' (escaped on output), never an invisible character
    md.validateLink = safe_link  # a link that fails is left as its text
    md.core.ruler.push("cross_references", _cross_references)
    md.add_render_rule("image", _image_as_text)
    return md


def _cross_references(state) -> None:
    """Split text tokens (outside links) at "Finding N.N" / "Recommendation N.N.N" into links."""
    from markdown_it.token import Token

    known = state.env.get("anchors")
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out, depth = [], 0
        for token in block.children:
            depth += token.type == "link_open"
            depth -= token.type == "link_close"
            if token.type != "text" or depth or not CROSS_REFERENCE.search(token.content):
                out.append(token)
                continue
            position = 0
            for match in CROSS_REFERENCE.finditer(token.content):
                target = anchor(match.group(2))
                if known is not None and target not in known:
                    continue
                if match.start() > position:
                    out.append(_text(Token, token.content[position : match.start()]))
                link = Token("link_open", "a", 1)
                link.attrs = {"href": "#" + target}
                out += [link, _text(Token, match.group(0)), Token("link_close", "a", -1)]
                position = match.end()
            if position < len(token.content):
                out.append(_text(Token, token.content[position:]))
        block.children = out


def _text(token_class, content: str):
    token = token_class("text", "", 0)
    token.content = content
    return token


def _image_as_text(self, tokens, idx, options, env):
    from markdown_it.common.utils import escapeHtml

    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


def tokens(text: str | None, known: frozenset[str] | None = None) -> list:
    """The block tokens of TEXT; cross-references link only to KNOWN anchors when given."""
    return parser().parse(text or "", {"anchors": known})


# A recommendation's text prints twice in the assessment report (under its finding and in the
# list of all of them), and `publish` renders the same texts for HTML and again for PDF: each is
# parsed once. The result depends only on the arguments, which are all hashable and immutable.
@lru_cache(maxsize=4096)
def to_html(text: str | None, shift: int = 3, known: frozenset[str] | None = None) -> str:
    """TEXT as safe HTML, its headings moved SHIFT levels down (never below h6)."""
    from markdown_it.common.utils import escapeHtml

    md = parser()
    toks = tokens(text, known)
    names = []
    for i, token in enumerate(toks):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        elif token.type == "table_open":
            token.attrs = {"class": "prose-table"}
            names.append(_table_name(toks, i))
    html = md.renderer.render(toks, md.options, {"anchors": known})
    # A wide table scrolls inside its own box on a narrow screen rather than the page; a box that
    # scrolls must be reachable with the keyboard and named (WCAG 2.1.1, 4.1.2): by its columns.
    parts = html.split("<table")
    out = [parts[0]]
    for name, part in zip(names, parts[1:], strict=False):
        out.append(
            f'<div class="scroll" role="region" tabindex="0" aria-label="{escapeHtml(name)}"><table{part}'
        )
    return "".join(out).replace("</table>", "</table></div>")


def _table_name(toks: list, start: int) -> str:
    """'Table: Measure, 2024': a Markdown table named by its header cells' text."""
    cells = []
    for token in toks[start + 1 :]:
        if token.type == "thead_close" or token.type == "table_close":
            break
        if token.type == "inline":
            cells.append(" ".join(token.content.split()))
    return ("Table: " + ", ".join(c for c in cells if c))[:200] if any(cells) else "Table"
