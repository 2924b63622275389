"""Finding or recommendation, whichever a public number names: '3.1' or '3.1.2'."""

from __future__ import annotations

from reformctl.errors import Invalid
from reformctl.model.findings import resolve_finding
from reformctl.model.recommendations import resolve_recommendation
from reformctl.store import Store

TABLES = {"finding": "findings", "recommendation": "recommendations"}


def resolve_record(store: Store, engagement: dict, ref: str) -> tuple[str, dict]:
    """Return ('finding'|'recommendation', row) for REF, or raise naming what a REF looks like."""
    text = (ref or "").strip()
    dots = text.count(".")
    if dots == 1:
        return "finding", resolve_finding(store, engagement, text)
    if dots == 2:
        return "recommendation", resolve_recommendation(store, engagement, text)
    raise Invalid(f"{ref!r} is neither a finding (3.1) nor a recommendation (3.1.2)")
