"""Matching names as a reader sees them, and reading [[redaction]] markers.

A protected name must be found however it was typed: with a soft hyphen or a zero-width space
inside it, a no-break space, a line break or a hyphen between its parts, in full-width letters
or in capitals. Text is compared in a normalised form (compatibility-decomposed, format and
other invisible characters removed, runs of whitespace and dashes collapsed to one space,
casefolded) that keeps, for each of its characters, the span of the original text it came
from, so a match is reported and replaced as written.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

# Characters a reader does not see that are not in category Cf (Default_Ignorable_Code_Point):
# the combining grapheme joiner, Hangul fillers, Khmer inherent vowels and variation selectors.
_IGNORABLE = frozenset(
    [
        0x034F,
        0x115F,
        0x1160,
        0x17B4,
        0x17B5,
        0x3164,
        0xFFA0,
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)
SEPARATOR = " "
# Apostrophes of every kind as one; Cyrillic and Greek letters that are drawn like Latin ones as
# those (after casefolding).
_LOOKALIKES = {
    **dict.fromkeys("\u2019\u2018\u02bc\u2032\u0060\u00b4\uff07", "'"),
    **dict(
        zip(
            "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u051b\u051d\u04bb\u04cf",
            "aeopcyxijsdqwhl",
            strict=False,
        )
    ),
    **dict(zip("\u03b1\u03bf\u03c1\u03bd\u03b9\u03ba\u03c4\u03c5", "aopvikty", strict=False)),
}
# Plain ASCII letters, digits and punctuation (not '-', a separator, nor '`', an apostrophe in
# _LOOKALIKES), single spaces between them, normalise to themselves, lowercased; other runs of
# ASCII whitespace and hyphens to one space: runs of either are handled at C speed, the rest one
# character at a time.
_TOKEN = re.compile(r"(?P<plain>[!-,.-_a-~]+(?: [!-,.-_a-~]+)*)|(?P<separator>[ \t\n\r\f\v-]+)")
MARKER = re.compile(r"\[\[|\]\]")


def _is_separator(c: str) -> bool:
    """Whitespace, or a dash of any kind (hyphen, en and em dashes, the minus sign)."""
    return c.isspace() or unicodedata.category(c) == "Pd" or c == "\u2212"


def is_invisible(c: str) -> bool:
    """A character a reader cannot see: format and control characters, fillers, variation selectors."""
    return unicodedata.category(c) in ("Cf", "Cc") or ord(c) in _IGNORABLE


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One character's normalised form: '' if invisible, SEPARATOR for whitespace and dashes."""
    # NFKD rather than NFKC: the same equivalence (two texts are NFKC-equal exactly when they are
    # NFKD-equal), but it works one character at a time, so 'é' typed as e + U+0301 still matches.
    # Combining marks go too (a reader finds 'Sahin' in 'Şahin', and the dot casefold leaves on
    # Turkish 'İ'), apostrophes become one, and letters that look Latin read as Latin: for a name
    # to withhold, matching too much is the safe side.
    out = []
    for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold()):
        if _is_separator(c) or c == "\u2800":
            out.append(SEPARATOR)
        elif not is_invisible(c) and unicodedata.category(c) != "Mn":
            out.append(_LOOKALIKES.get(c, c))
    return "".join(out)


@dataclass(frozen=True)
class Folded:
    """TEXT's normalised form NORM, and where its pieces came from: piece k starts at NORM offset
    at[k] and came from TEXT[starts[k]:ends[k]]; a plain piece maps character for character."""

    text: str
    norm: str
    at: list[int]
    starts: list[int]
    ends: list[int]
    plain: list[bool]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text behind norm[start:end]."""
        first, last = bisect_right(self.at, start) - 1, bisect_right(self.at, end - 1) - 1
        begin = self.starts[first] + (start - self.at[first] if self.plain[first] else 0)
        finish = self.starts[last] + (end - self.at[last]) if self.plain[last] else self.ends[last]
        return begin, finish


def fold(text: str) -> Folded:
    """Normalise TEXT for matching, remembering where each piece came from."""
    pieces: list[str] = []
    at: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    plain: list[bool] = []
    size, i, n, after_separator = 0, 0, len(text), False
    while i < n:
        token = _TOKEN.match(text, i)
        end = token.end() if token else i + 1
        if token and token.lastgroup == "plain":
            piece, is_plain = token.group().lower(), True
        else:
            # one character, or a run of ASCII separators, which folds as its first one does
            piece, is_plain = _fold(text[i]), False
        if piece == SEPARATOR and after_separator:
            ends[-1] = (
                end  # a run of separators, invisible characters between them too, is one space
            )
        elif piece:
            pieces.append(piece)
            at.append(size)
            starts.append(i)
            ends.append(end)
            plain.append(is_plain)
            size += len(piece)
            after_separator = piece == SEPARATOR
        i = end
    return Folded(text, "".join(pieces), at, starts, ends, plain)


def normalise(text: str) -> str:
    """The form names are compared in: 'JANE\\u00a0ROE', 'Jane-\\nRoe' and 'ｊａｎｅ roe' are all 'jane roe'."""
    return fold(text).norm.strip(SEPARATOR)


def name_key(term: str) -> str:
    """What makes two protected names the same name: their words, normalised, without separators."""
    return normalise(term).replace(SEPARATOR, "")


def term_regex(terms: list[str], whole_words: bool = False) -> re.Pattern | None:
    """A pattern over normalised text matching any of TERMS; between two words of a term, a
    separator or nothing (a soft hyphen or zero-width space between them leaves nothing)."""
    parts = []
    for words in sorted(
        (normalise(t).split(SEPARATOR) for t in terms), key=lambda w: -len("".join(w))
    ):
        words = [w for w in words if w]
        if words:
            parts.append(" ?".join(re.escape(w) for w in words))
    if not parts:
        return None
    body = "|".join(parts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)" if whole_words else body)


def find_spans(
    folded: Folded, pattern: re.Pattern | None, masked: str | None = None
) -> list[tuple[int, int]]:
    """The spans of the original text where PATTERN matches its normalised form (or MASKED, a
    same-length copy of it with some characters blanked out)."""
    if pattern is None:
        return []
    return [
        folded.span(m.start(), m.end())
        for m in pattern.finditer(masked if masked is not None else folded.norm)
        if m.end() > m.start()
    ]


def replace_spans(text: str, spans: list[tuple[int, int]], replacement: str) -> str:
    """TEXT with each (non-overlapping, ordered) span replaced."""
    out, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


def visible(span: str) -> str:
    """SPAN as a reviewer can read it: invisible and space-like characters spelled as \\uXXXX."""
    return "".join(
        c
        if c == " " or (c.isprintable() and not c.isspace() and not is_invisible(c))
        else f"\\u{ord(c):04x}"
        for c in span
    )


def marker_depths(text: str):
    """Walk TEXT's [[ and ]] markers: yield (start, end, depth) for each piece of text outside
    any marker token, depth being how many [[ are open around it. A ]] that closes nothing is
    dropped, a [[ never closed keeps everything after it inside."""
    depth, last = 0, 0
    for m in MARKER.finditer(text):
        yield last, m.start(), depth
        if m.group() == "[[":
            depth += 1
        elif depth:
            depth -= 1
        last = m.end()
    yield last, len(text), depth
