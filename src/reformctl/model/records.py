"""Finding, recommendation or narrative section, whichever a REF names: '3.1', '3.1.2' or 'methodology'."""

from __future__ import annotations

from reformctl.errors import Invalid
from reformctl.model.findings import resolve_finding
from reformctl.model.recommendations import resolve_recommendation
from reformctl.model.sections import resolve_section
from reformctl.store import Store

TABLES = {"finding": "findings", "recommendation": "recommendations", "section": "sections"}
# The fields of each kind that an approval copies into approved_versions (what the public sees).
APPROVED_FIELDS = {
    "finding": ("title", "body"),
    "recommendation": ("text", "priority", "owner", "due"),
    "section": ("title", "body"),
}


def resolve_record(store: Store, engagement: dict, ref: str) -> tuple[str, dict]:
    """Return ('finding'|'recommendation'|'section', row) for REF, or raise naming what a REF looks like."""
    text = (ref or "").strip()
    if text[:1].isalpha():  # numbers start with a digit, section names with a letter
        return "section", resolve_section(store, engagement, text)
    dots = text.count(".")
    if dots == 1:
        return "finding", resolve_finding(store, engagement, text)
    if dots == 2:
        return "recommendation", resolve_recommendation(store, engagement, text)
    raise Invalid(
        f"{ref!r} is neither a finding (3.1), a recommendation (3.1.2) nor a section (methodology)"
    )
