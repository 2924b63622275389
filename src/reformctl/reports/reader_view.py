"""Protected names as a reader of the rendered Markdown sees them.

The name check reads a text's source, but HTML, PDF, Word and a Markdown viewer show it
rendered: `Ja*ne* Roe`, `J`ane` Roe`, `[Ja](https://x)ne Roe`, `Jane\\-Roe` or a hard line break
read as the name the source split, and a link's target (`?who=Jane%20Roe`) is in the file too.
So each block of the text is also read as rendered (reports/prose.py's tokens: its text, code,
alt text, decoded link targets and titles); a block whose reading holds a name is withheld whole, for the
source offsets behind inline Markdown are not kept. Matching too much is the safe side.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from reformctl.model.matching import find_spans, fold

# Only a text with Markdown punctuation, a backslash or a line break can render otherwise than it reads.
_MARKUP = re.compile(r"[*_`~\\\[\]<>!%+\n]")
# A block's container markers (list items, quotes, table pipes), kept so the withheld block stays in place.
_PREFIX = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)]|>)[ \t]+)*\|?[ \t]*")


def _blocks(text: str) -> list[tuple[tuple[int, int], str]]:
    """Each inline block's source lines, and its text as a reader gets it (underscores as spaces)."""
    from reformctl.reports.prose import tokens

    lines = text.count("\n") + 1
    out = []
    for token in tokens(text):
        if token.type != "inline":
            continue
        parts, targets = [], []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.type == "image":
                parts.append("".join(c.content for c in child.children or []))
            if child.type in (
                "link_open",
                "image",
            ):  # where it points, and its tooltip (entities decoded)
                targets.append(
                    unquote(str(child.attrs.get("href", child.attrs.get("src", "")))).replace(
                        "+", " "
                    )
                )
                targets.append(str(child.attrs.get("title", "")))
        read = " ".join(["".join(parts), *targets]).replace("_", " ")
        out.append((tuple(token.map) if token.map else (0, lines), read))
    return out


def disguised_names(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    """The source line ranges of TEXT whose rendered reading shows a match of PATTERN."""
    if pattern is None or not text or not _MARKUP.search(text):
        return []
    return [lines for lines, read in _blocks(text) if find_spans(fold(read), pattern)]


def withhold_disguised(text: str, pattern: re.Pattern | None, replacement: str) -> str:
    """TEXT with every block whose reading shows a match of PATTERN replaced by REPLACEMENT."""
    for _ in range(
        3
    ):  # a withheld block could only join its neighbours into a new reading: go again
        found = disguised_names(text, pattern)
        if not found:
            return text
        lines = text.split("\n")
        drop: set[int] = set()
        for start, end in found:
            first = lines[start]
            lines[start] = _PREFIX.match(first).group() + replacement
            drop.update(range(start + 1, end))
        text = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    return replacement if disguised_names(text, pattern) else text
