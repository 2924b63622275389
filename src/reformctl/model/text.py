"""Checking every piece of text a user gives, whatever the door (options, files, TOML, CSV/XLSX).

One line fields (titles, names, owner, agency...) and multi-line fields (bodies, texts, notes,
reasons) each have one validator here; the model calls them, so every door gets the same rules:
no control characters, no bidirectional overrides, a bounded length, and redaction markers
([[...]]) that are well-formed, or, in fields that are always public in full, absent.
"""

from __future__ import annotations

import re
import unicodedata

from reformctl.errors import Invalid
from reformctl.model.matching import is_invisible, normalise
from reformctl.model.vocab import SECTIONS

# Bounds, in characters, for every kind of field (the README lists them).
MAX_NAME = 200  # agency, city, focus-area titles, team member names, protected terms, owner
MAX_TITLE = 300  # finding titles, expertise
MAX_ACTOR = 100  # --as, REFORMCTL_USER, author in reformctl.toml, --approved-by
MAX_URL = 2_000  # public_url
MAX_REASON = 2_000  # reopen and override reasons
MAX_TEXT = 5_000  # recommendation text, status notes and evidence, review comments
MAX_NOTE = 20_000  # internal notes, activity summaries
MAX_BODY = 200_000  # finding bodies
MAX_COUNT = 1_000_000  # counts such as an activity's participants
MAX_FOCUS_AREA = 999_999  # focus-area, finding and recommendation numbers (refs are up to 6 digits)
MAX_INT = 2**63 - 1  # the largest whole number SQLite stores

# Right-to-left overrides and isolates can make published text read differently from what was
# approved ("Trojan Source"); nobody needs them in a report.
BIDI_CONTROLS = frozenset([0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])

# One regex scan instead of a loop over characters: bulk imports check hundreds of thousands of cells.
# C0 but tab, line feed and carriage return (folded to spaces or line breaks before the check),
# DEL, C1, lone surrogates (undecodable bytes) and the bidi controls.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    + "".join(chr(c) for c in sorted(BIDI_CONTROLS))
    + "]"
)
_MARKER = re.compile(r"\[\[|\]\]")


def _require_text(value, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):  # a TOML number or list where text belongs
        raise Invalid(f"{what} must be text, not {type(value).__name__} {value!r}"[:300])
    return value


def clean_title(
    value: str | None, what: str = "title", limit: int = MAX_TITLE, markers: bool = True
) -> str:
    """A required one-line field: whitespace runs (line breaks too) become one space.

    MARKERS=False is for fields that are always public in full and must never hold [[...]]."""
    raw = _require_text(value, what)
    text = " ".join(raw.split())
    if not text:
        raise Invalid(f"{what} must not be empty")
    if len(text) > limit:
        raise Invalid(f"{what} is {len(text)} characters long; keep it to {limit}")
    _no_controls(raw, what)
    if markers:
        check_markers(raw, what)
    else:
        _no_markers(raw, what)
    return text


def clean_name(value: str | None, what: str, limit: int = MAX_NAME) -> str:
    """A required one-line field that is always public in full: no [[...]] at all."""
    return clean_title(value, what, limit, markers=False)


def clean_optional(
    value: str | None, what: str, limit: int = MAX_TITLE, markers: bool = True
) -> str | None:
    """As clean_title, for a field that may be left empty (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_title(value, what, limit, markers)


def clean_optional_name(value: str | None, what: str, limit: int = MAX_NAME) -> str | None:
    return clean_optional(value, what, limit, markers=False)


def clean_body(value: str | None, what: str = "body", limit: int = MAX_BODY) -> str:
    """Multi-line text: tabs and line breaks are kept, any other control character refused."""
    raw = _require_text(value, what).replace("\r\n", "\n").replace("\r", "\n")
    text = raw.strip()
    if len(text) > limit:
        raise Invalid(f"{what} is {len(text)} characters long; keep it to {limit}")
    _no_controls(raw, what)
    check_markers(raw, what)  # positions as the user wrote them, leading blank lines included
    return text


def _no_controls(text: str, what: str) -> None:
    found = _CONTROL.search(text)
    if found:
        raise Invalid(
            f"{what} contains a control character (U+{ord(found.group()):04X}) at "
            f"{position(text, found.start())}; remove it"
        )


def _no_markers(text: str, what: str) -> None:
    found = _MARKER.search(text)
    if found:
        raise Invalid(
            f"{what} cannot hold {found.group()} (at {position(text, found.start())}): it is always "
            "public in full, so there is nothing to redact; remove the brackets"
        )


def position(text: str, offset: int) -> str:
    """Where OFFSET is, as a reader finds it: 'line 3, column 7' in multi-line text, else 'character 12'."""
    if "\n" not in text:
        return f"character {offset + 1}"
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def marker_problems(text: str | None) -> list[tuple[int, str]]:
    """Every malformed redaction marker in TEXT as (offset, message): unclosed, nested, stray or empty.

    Pure, for `check` to flag markers that reached a store before they were refused on input."""
    if not text or ("[[" not in text and "]]" not in text):
        return []
    problems: list[tuple[int, str]] = []
    opened: list[int] = []  # offsets of the [[ still open
    for match in _MARKER.finditer(text):
        at = match.start()
        if match.group() == "[[":
            if opened:
                problems.append(
                    (
                        at,
                        f"nested [[ at {position(text, at)} (inside the [[ at "
                        f"{position(text, opened[-1])}); a redaction cannot hold another",
                    )
                )
            opened.append(at)
        elif not opened:
            problems.append(
                (at, f"]] at {position(text, at)} closes nothing; remove it or add [[ before it")
            )
        else:
            start = opened.pop()
            if not opened and not text[start + 2 : at].strip():
                problems.append(
                    (
                        start,
                        f"empty [[]] at {position(text, start)}; put the withheld text "
                        "inside it or remove it",
                    )
                )
    for start in opened:
        problems.append(
            (start, f"unclosed [[ at {position(text, start)}; close it with ]] or remove it")
        )
    return sorted(problems)


def check_markers(text: str | None, what: str) -> None:
    """Refuse text whose [[...]] markers are not well-formed, naming the field and the first problem."""
    problems = marker_problems(text)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise Invalid(f"{what}: {problems[0][1]}{more}")


# Identities: names that decide who may approve what (four eyes), so they must be what they
# look like. Format characters (soft hyphen, zero-width space and joiner, word joiner, BOM)
# are invisible; NFKC folds full-width and other compatibility forms.
def clean_actor(value: str | None, what: str = "actor") -> str:
    """A person acting (--as, REFORMCTL_USER, reviewer names): NFKC, one line, no invisible characters."""
    raw = _require_text(value, what)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in raw):
        raise Invalid(
            f"{what} is not valid UTF-8 text; check the terminal's or the environment's encoding"
        )
    for i, char in enumerate(raw):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf") or is_invisible(char) or char == "\u2800":
            kind = "a control" if category == "Cc" else "an invisible"
            raise Invalid(
                f"{what} contains {kind} character (U+{ord(char):04X}) at character {i + 1}; "
                "a name must be what it looks like"
            )
    # Only the scripts with letters that pass for Latin ones are named: others may sit beside Latin.
    scripts = _letter_scripts(raw)
    lookalikes = scripts & {"CYRILLIC", "GREEK"}
    if "LATIN" in scripts and lookalikes:
        raise Invalid(
            f"{what} mixes Latin with {' and '.join(sorted(lookalikes))} letters; "
            "a name must be what it looks like"
        )
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not name:
        raise Invalid(f"{what} must not be empty")
    return clean_name(name, what, MAX_ACTOR)


def actor_key(name: str | None) -> str:
    """The form two names are compared in: as protected names are matched (model/matching.py:
    NFKC, invisible characters and accents dropped, look-alike letters read as Latin, casefolded).

    Names stored before clean_actor existed may still hold invisible characters; the key ignores them."""
    return " ".join(normalise(name or "").split())


def _letter_scripts(text: str) -> set[str]:
    """The scripts of TEXT's letters, by the first word of their Unicode names ('LATIN', ...)."""
    return {unicodedata.name(c, "?").split(" ")[0] for c in text if c.isalpha()}


def same_actor(a: str | None, b: str | None) -> bool:
    """Whether two names are the same person: 'A. Analyst' is 'a.  ANALYST' and 'a.\u200banalyst'."""
    return actor_key(a) == actor_key(b)


# focus-area-N or appendix-SLUG (a slug as for sites: lowercase words joined by single hyphens).
_SECTION_NAME = re.compile(r"(?:focus-area-([1-9][0-9]{0,5})|appendix-([a-z0-9]+(?:-[a-z0-9]+)*))")
MAX_SECTION_NAME = 80


def clean_section_name(value: str | None, what: str = "section name") -> tuple[str, int | None]:
    """A narrative section's NAME, as (name, focus-area number or None): one of the standard
    names (model/vocab.py SECTIONS), focus-area-N or appendix-SLUG. Whether focus area N exists
    is the engagement's to say (model/sections.py)."""
    name = _require_text(value, what).strip()
    if name in SECTIONS:
        return name, None
    match = _SECTION_NAME.fullmatch(name)
    if match is None or len(name) > MAX_SECTION_NAME:
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise Invalid(
            f"{what} {shown!r} is not a section; use one of {', '.join(SECTIONS)}, "
            f"focus-area-N (N a focus area's number) or appendix-SLUG (lowercase words and hyphens, "
            f"up to {MAX_SECTION_NAME} characters in all)"
        )
    return name, int(match[1]) if match[1] else None


def clean_int(value, what: str, low: int = 0, high: int = MAX_INT) -> int:
    """A whole number within [LOW, HIGH]; never beyond what SQLite stores (64 bits)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{what} must be a whole number, not {value!r}"[:200])
    high = min(high, MAX_INT)
    if value < low:
        raise Invalid(f"{what} must be {low} or more, not {_shown(value)}")
    if value > high:
        raise Invalid(f"{what} must be at most {high:,}, not {_shown(value)}")
    return value


def _shown(number: int) -> str:
    if abs(number) >= 10**4000:  # str() refuses past 4,300 digits
        return "a number of more than 4,000 digits"
    digits = len(str(abs(number)))
    return str(number) if digits <= 30 else f"a {digits}-digit number"
