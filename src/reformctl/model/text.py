"""Checking free text from users: titles are one line, bodies have a sane size."""

from __future__ import annotations

import re

from reformctl.errors import Invalid

MAX_TITLE = 300
MAX_BODY = 200_000
# Right-to-left overrides and isolates can make published text read differently from what was
# approved ("Trojan Source"); nobody needs them in a report.
BIDI_CONTROLS = frozenset([0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])


def clean_title(value: str | None, what: str = "title", limit: int = MAX_TITLE) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise Invalid(f"{what} must not be empty")
    if len(text) > limit:
        raise Invalid(f"{what} is {len(text)} characters long; keep it to {limit} and put detail in the body")
    _no_controls(text, what)
    return text


def clean_body(value: str | None, what: str = "body", limit: int = MAX_BODY) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise Invalid(f"{what} is {len(text)} characters long; keep it to {limit}")
    _no_controls(text.replace("\n", "").replace("\t", ""), what)
    return text


def clean_optional(value: str | None, what: str, limit: int = MAX_TITLE) -> str | None:
    if value is None or not value.strip():
        return None
    return clean_title(value, what, limit)


# One regex scan instead of a loop over characters: bulk imports check hundreds of thousands of cells.
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff" + "".join(chr(c) for c in sorted(BIDI_CONTROLS)) + "]")


def _no_controls(text: str, what: str) -> None:
    found = _CONTROL.search(text)
    if found:
        raise Invalid(f"{what} contains a control character (U+{ord(found.group()):04X}); remove it")
