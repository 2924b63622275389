"""Findings: numbered per focus area ('3.1', '3.2', ...); a number is never reused."""

from __future__ import annotations

import json

from reformctl.dates import now
from reformctl.errors import Invalid, NotFound, Remedy
from reformctl.model.events import record_event, record_review
from reformctl.model.frozen import entry_date, require_unfrozen
from reformctl.model.guards import require_findings_allowed
from reformctl.model.ids import new_id
from reformctl.model.refs import finding_ref, parse_finding_ref
from reformctl.model.sites import resolve_focus_area
from reformctl.model.text import clean_body, clean_title
from reformctl.model.vocab import METHODS, choices
from reformctl.store import Store


def clean_methods(methods: list[str] | None) -> list[str]:
    cleaned: list[str] = []
    for method in methods or []:
        if method not in METHODS:
            raise Invalid(f"method {method!r} is unknown; choose from {choices(METHODS)}")
        if method not in cleaned:
            cleaned.append(method)
    return cleaned


def log_finding(
    store: Store,
    engagement: dict,
    focus_area: str,
    title: str,
    body: str | None,
    actor: str,
    methods: list[str] | None = None,
    internal: bool = False,
    dated: str | None = None,
) -> dict:
    """Record a finding under a focus area and return it with its new number."""
    require_findings_allowed(engagement)
    title = clean_title(title, "finding title")
    body = clean_body(body, "finding body")
    methods = clean_methods(methods)
    dated = entry_date(engagement, dated, "finding date")
    with store.write():
        area = resolve_focus_area(store, engagement, focus_area)
        require_unfrozen(
            store, engagement, dated, f"log a finding in focus area {area['number']}", "finding"
        )
        # Under BEGIN IMMEDIATE, so concurrent writers cannot take the same number.
        number = store.value(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM findings WHERE focus_area_id = ?",
            (area["id"],),
        )
        finding = {
            "id": new_id(),
            "engagement_id": engagement["id"],
            "focus_area_id": area["id"],
            "number": number,
            "title": title,
            "body": body,
            "methods": json.dumps(methods),
            "internal": int(bool(internal)),
            "review": "draft",
            "dated": dated,
            "created_at": now(),
            "created_by": actor,
        }
        store.insert("findings", finding)
        ref = finding_ref(area["number"], number)
        _record_creation(store, engagement, finding, ref, actor)
    return {
        **finding,
        "ref": ref,
        "focus_area": area["number"],
        "focus_area_title": area["title"],
        "methods": methods,
    }


def _record_creation(store: Store, engagement: dict, finding: dict, ref: str, actor: str) -> None:
    """The new finding's event and its draft review."""
    record_event(
        store,
        actor=actor,
        engagement_id=engagement["id"],
        record_type="finding",
        record_id=finding["id"],
        ref=ref,
        action="create",
        after=finding,
    )
    record_review(
        store,
        engagement_id=engagement["id"],
        kind="finding",
        record_id=finding["id"],
        review="draft",
        actor=actor,
        on_date=finding["dated"],
    )


def resolve_finding(store: Store, engagement: dict, ref: str) -> dict:
    area_number, number = parse_finding_ref(ref)
    found = store.row(
        """SELECT f.*, fa.number AS focus_area, fa.title AS focus_area_title
           FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
           WHERE f.engagement_id = ? AND fa.number = ? AND f.number = ?""",
        (engagement["id"], area_number, number),
    )
    if found is None:
        raise NotFound(
            "{site} has no finding {ref}; {remedy} lists them",
            site=engagement["site"],
            ref=ref,
            remedy=Remedy("list_findings", site=engagement["site"]),
        )
    found["ref"] = finding_ref(area_number, number)
    found["methods"] = json.loads(found["methods"])
    return found
