"""The public report, built from an allow-list of public fields.

Nothing here filters a full record: each query names the columns that may be
published, so a column added to the store later stays private until it is added
to one of these lists on purpose. What is public of a record is the version last
approved on or before the report's date (approved_versions), so an edit in review
never shows and never hides what was approved; internal findings never are public;
[[redacted]] spans are dropped and the engagement's protected names are withheld
from every string of the assembled report (scrub_public), whatever field it is in.
"""

from __future__ import annotations

import re
from typing import Callable

from reformctl.dates import today
from reformctl.model.confidential import protected_terms
from reformctl.model.engagements import get_engagement, slugify
from reformctl.model.internal_flag import internal_at
from reformctl.model.matching import find_spans, fold, marker_depths, replace_spans, term_regex
from reformctl.model.status_query import status_at
from reformctl.reports.assemble import REPORT_SCHEMA_VERSION, assemble
from reformctl.reports.reader_view import withhold_disguised
from reformctl.reports.sections import attach_sections
from reformctl.store import Store

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "build_public_report",
    "redact",
    "scrub_public",
    "withhold",
    "public_where",
]

ENGAGEMENT_FIELDS = ("site", "agency", "city", "state", "program", "announced", "public_url")
FINDING_FIELDS = ("f.number", "f.methods", "av.title", "av.body")
REC_FIELDS = ("r.number", "av.text", "av.priority", "av.owner", "av.due")
SECTION_FIELDS = ("s.name", "av.title", "av.body")

WITHHELD = "[withheld]"
# Keys whose values are codes, numbers, dates or the site's own slug, never free text: the
# renderers look them up in the vocabulary, so they are not scrubbed. Every other string is.
CODE_KEYS = frozenset(
    [
        "site",
        "state",
        "program",
        "number",
        "status",
        "from",
        "to",
        "final_status",
        "reason",
        "priority",
        "methods",
        "method",
        "as_of",
        "status_as_of",
        "announced",
        "due",
        "since",
        "date",
        "start",
        "end",
        "previous_report",
        "kind",
        "schema_version",
        "open_recommendations",
    ]
)
_CODE = re.compile(r"[A-Za-z0-9._:+-]*\Z")


def is_code(key: str | None, value: str) -> bool:
    """Whether VALUE, under KEY, is a code left as it is; one that does not look like a code
    (a space, a bracket) is scrubbed all the same."""
    return key in CODE_KEYS and bool(_CODE.match(value))


def review_at(alias: str) -> str:
    """The review state of record ALIAS as of :as_of, from its dated review history."""
    return f"""(SELECT rh.review FROM review_history rh WHERE rh.record_id = {alias}.id AND rh.on_date <= :as_of
               ORDER BY rh.on_date DESC, rh.rowid DESC LIMIT 1)"""


def published_before(alias: str) -> str:
    """Whether record ALIAS was in a release as of :as_of (so its number stays on the page)."""
    return f"""EXISTS (SELECT 1 FROM release_items ri JOIN releases rel ON rel.id = ri.release_id
                      WHERE ri.record_id = {alias}.id AND rel.as_of <= :as_of)"""


def approved_version(alias: str) -> str:
    """The id of record ALIAS's version last approved on or before :as_of (NULL if none)."""
    return f"""(SELECT v.id FROM approved_versions v WHERE v.record_id = {alias}.id AND v.on_date <= :as_of
               ORDER BY v.on_date DESC, v.rowid DESC LIMIT 1)"""


def public_where(alias: str) -> str:
    """Approved once as of :as_of and not withdrawn since, or withdrawn after having been published
    (then only its number shows, marked withdrawn)."""
    return (
        f"({approved_version(alias)} IS NOT NULL AND "
        f"(COALESCE({review_at(alias)}, '') != 'withdrawn' OR {published_before(alias)}))"
    )


_RUN_OF_SPACES = re.compile(r"[ \t]{2,}")
# Punctuation a redaction must not leave a space before: one list for the pattern and its test.
_MARKS = ".,;:!?)"
_SPACE_BEFORE_MARK = re.compile(rf" +([{re.escape(_MARKS)}])")


def redact(text: str) -> str:
    """Drop [[...]] spans and tidy the spaces left. Markers nest by depth, so nothing inside the
    outermost [[ ]] shows; a [[ never closed withholds the rest of the text; a stray ]] is dropped."""
    cleaned = text or ""
    while "[[" in cleaned or "]]" in cleaned:  # joining what is left can make a new ']]': go again
        cleaned = "".join(
            cleaned[start:end] for start, end, depth in marker_depths(cleaned) if not depth
        )
    # Each scan only where a substring test says it can match: a long Markdown body seldom has
    # either, and the scans were half of building an assessment report at San Francisco's size.
    if "  " in cleaned or "\t" in cleaned:
        cleaned = _RUN_OF_SPACES.sub(" ", cleaned)
    if any(" " + mark in cleaned for mark in _MARKS):
        cleaned = _SPACE_BEFORE_MARK.sub(r"\1", cleaned)
    return cleaned.strip()


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """A pattern over normalised text (model/matching.py) matching any protected term however it
    is written: any case, full-width, with invisible characters, line breaks or hyphens between
    its words."""
    return term_regex(terms)


def withhold(value, terms: list[str]):
    """Replace every protected term, as written, anywhere in VALUE's strings."""
    pattern = term_pattern(terms)
    if pattern is None:
        return value
    return map_public_strings(value, lambda text: _withhold_text(text, pattern))


def _withhold_text(text: str, pattern: re.Pattern) -> str:
    # The source as written, then as a reader of the rendered Markdown sees it (reader_view.py).
    return withhold_disguised(
        replace_spans(text, find_spans(fold(text), pattern), WITHHELD), pattern, WITHHELD
    )


def scrub_public(value, terms: list[str]):
    """Every public string of VALUE redacted, then cleared of protected terms: the one rule for
    everything published, applied to the whole structure so that a field added later is covered."""
    pattern = term_pattern(terms)
    if pattern is None:
        return map_public_strings(value, redact)
    return map_public_strings(value, lambda text: _withhold_text(redact(text), pattern))


def map_public_strings(value, fn: Callable[[str], str], key: str | None = None):
    """VALUE with FN applied to each of its strings, except codes (is_code)."""
    if isinstance(value, str):
        return value if is_code(key, value) else fn(value)
    if isinstance(value, list):
        return [map_public_strings(x, fn, key) for x in value]
    if isinstance(value, dict):
        return {k: map_public_strings(v, fn, k) for k, v in value.items()}
    return value


# The three queries, fixed text built once: what a public report may read of each kind of record.
FINDINGS_SQL = f"""SELECT f.id AS _id, f.focus_area_id AS _area, {review_at("f")} AS _review, {", ".join(FINDING_FIELDS)}
    FROM findings f JOIN approved_versions av ON av.id = {approved_version("f")}
    WHERE f.engagement_id = :eid AND f.dated <= :as_of AND {internal_at("f")} = 0 AND {public_where("f")}"""
RECS_SQL = f"""SELECT r.finding_id AS _finding, {review_at("r")} AS _review, {", ".join(REC_FIELDS)},
           {status_at("status")} AS status, {status_at("as_of")} AS status_as_of,
           {status_at("reason")} AS status_reason
    FROM recommendations r JOIN findings f ON f.id = r.finding_id
    JOIN approved_versions av ON av.id = {approved_version("r")}
    WHERE r.engagement_id = :eid AND r.dated <= :as_of AND {internal_at("r")} = 0 AND {internal_at("f")} = 0
      AND {public_where("f")} AND {public_where("r")}"""
# A withdrawn section simply leaves the report: it has no number to keep on the page.
SECTIONS_SQL = f"""SELECT {", ".join(SECTION_FIELDS)} FROM sections s JOIN approved_versions av ON av.id = {approved_version("s")}
    WHERE s.engagement_id = :eid AND s.dated <= :as_of AND COALESCE({review_at("s")}, '') != 'withdrawn'"""


def build_public_report(
    store: Store, site: str, as_of: str | None = None, scrub: bool = True
) -> dict:
    """The public report of SITE as it stood on AS_OF (default today), as plain data.

    scrub=False leaves every string as stored ([[...]] markers and protected names in), for
    `check` to read; nothing published uses it.
    """
    engagement_row = get_engagement(store, site)
    as_of = as_of or today()
    params = {"eid": engagement_row["id"], "as_of": as_of}
    engagement = {key: engagement_row[key] for key in ENGAGEMENT_FIELDS}
    findings = store.rows(FINDINGS_SQL, params)
    recs = store.rows(RECS_SQL, params)
    sections = store.rows(SECTIONS_SQL, params)
    report = attach_sections(
        assemble(store, engagement, engagement_row["id"], as_of, findings, recs), sections
    )
    if not scrub:
        return report
    report = scrub_public(report, protected_terms(store, engagement_row["id"]))
    for area in report["focus_areas"]:
        # the stored slug was made from the title before redaction
        area["slug"] = slugify(area["title"])
    return report
