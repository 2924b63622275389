"""The public report, built from an allow-list of public fields.

Nothing here filters a full record: each query names the columns that may be
published, so a column added to the store later stays private until it is added
to one of these lists on purpose. What is public of a record is the version last
approved on or before the report's date (approved_versions), so an edit in review
never shows and never hides what was approved; internal findings never are public;
[[redacted]] spans are dropped and the engagement's protected names are withheld
from every string.
"""

from __future__ import annotations

import re

from reformctl.dates import today
from reformctl.model.confidential import protected_terms
from reformctl.model.engagements import get_engagement
from reformctl.model.internal_flag import internal_at
from reformctl.reports.assemble import SCHEMA_VERSION, assemble
from reformctl.store import Store

__all__ = ["SCHEMA_VERSION", "build_public_report", "redact", "withhold", "public_where"]

ENGAGEMENT_FIELDS = ("site", "agency", "city", "state", "program", "announced", "public_url")
FINDING_FIELDS = ("f.number", "f.methods", "av.title", "av.body")
REC_FIELDS = ("r.number", "av.text", "av.priority", "av.owner", "av.due")

REDACTION_RE = re.compile(r"\[\[.*?(\]\]|\Z)", re.S)
WITHHELD = "[withheld]"


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
    return (f"({approved_version(alias)} IS NOT NULL AND "
            f"(COALESCE({review_at(alias)}, '') != 'withdrawn' OR {published_before(alias)}))")


def redact(text: str) -> str:
    """Drop [[...]] spans (an unclosed one runs to the end of the text) and tidy the spaces left."""
    cleaned = REDACTION_RE.sub("", text or "")
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    cleaned = re.sub(r" +([.,;:!?)])", r"\1", cleaned)
    return cleaned.strip()


def term_pattern(terms: list[str]) -> re.Pattern:
    """Match any protected term in any case, with any run of whitespace (line breaks, tabs,
    non-breaking spaces) between its words."""
    parts = [r"\s+".join(re.escape(word) for word in t.split()) for t in sorted(terms, key=len, reverse=True)]
    return re.compile("|".join(parts), re.I)


def withhold(value, terms: list[str]):
    """Replace every protected term, in any case, anywhere in VALUE's strings."""
    if not terms:
        return value
    pattern = term_pattern(terms)

    def walk(item):
        if isinstance(item, str):
            return pattern.sub(WITHHELD, item)
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        return item

    return walk(value)


def build_public_report(store: Store, site: str, as_of: str | None = None, scrub: bool = True) -> dict:
    """The public report of SITE as it stood on AS_OF (default today), as plain data.

    scrub=False keeps protected names in, for `check` to find them; nothing published uses it.
    """
    engagement_row = get_engagement(store, site)
    as_of = as_of or today()
    params = {"eid": engagement_row["id"], "as_of": as_of}
    engagement = {key: engagement_row[key] for key in ENGAGEMENT_FIELDS}
    findings = store.rows(
        f"""SELECT f.id AS _id, f.focus_area_id AS _area, {review_at('f')} AS _review, {', '.join(FINDING_FIELDS)}
            FROM findings f JOIN approved_versions av ON av.id = {approved_version('f')}
            WHERE f.engagement_id = :eid AND f.dated <= :as_of AND {internal_at('f')} = 0 AND {public_where('f')}""",
        params,
    )
    recs = store.rows(
        f"""SELECT r.finding_id AS _finding, {review_at('r')} AS _review, {', '.join(REC_FIELDS)},
                   {_status_at('status')} AS status, {_status_at('as_of')} AS status_as_of,
                   {_status_at('reason')} AS status_reason
            FROM recommendations r JOIN findings f ON f.id = r.finding_id
            JOIN approved_versions av ON av.id = {approved_version('r')}
            WHERE r.engagement_id = :eid AND r.dated <= :as_of AND {internal_at('r')} = 0 AND {internal_at('f')} = 0
              AND {public_where('f')} AND {public_where('r')}""",
        params,
    )
    for row in findings:
        row["title"], row["body"] = redact(row["title"]), redact(row["body"])
    for row in recs:
        row["text"] = redact(row["text"])
    report = assemble(store, engagement, engagement_row["id"], as_of, findings, recs)
    if scrub:
        report = withhold(report, protected_terms(store, engagement_row["id"]))
    return report


def _status_at(column: str) -> str:
    from reformctl.model.statuses import status_at

    return status_at(column)
