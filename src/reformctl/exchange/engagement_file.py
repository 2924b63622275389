"""Loading a whole engagement from a TOML mapping: the engagement, its findings,
recommendations and status history, in one transaction (all of it, or nothing)."""

from __future__ import annotations

import datetime as _dt

from reformctl.errors import Invalid, ReformError
from reformctl.model.confidential import protect
from reformctl.model.engagements import create_engagement, spec_from_mapping
from reformctl.model.findings import log_finding
from reformctl.model.phases import advance
from reformctl.model.recommendations import recommend
from reformctl.model.statuses import set_status
from reformctl.model.text import MAX_FOCUS_AREA, clean_int
from reformctl.store import Store

FINDING_KEYS = {"focus_area", "title", "body", "methods", "dated", "internal", "recommendations"}
REC_KEYS = {"text", "priority", "owner", "due", "dated", "statuses"}
STATUS_KEYS = {"status", "as_of", "note", "reason", "evidence"}
SECTION_KEYS = {"name", "title", "body", "dated"}
# What each key holds, so that a number where text belongs (or text where a list does) is one
# clear line naming the key; the text itself is checked by model/text.py like every other door's.
_TEXT = (str,)
KEY_TYPES = {
    "title": _TEXT,
    "body": _TEXT,
    "text": _TEXT,
    "priority": _TEXT,
    "owner": _TEXT,
    "status": _TEXT,
    "note": _TEXT,
    "reason": _TEXT,
    "evidence": _TEXT,
    "name": _TEXT,
    "internal": (bool,),
    "methods": (list,),
    "recommendations": (list,),
    "statuses": (list,),
}
_TYPE_NAMES = {str: "text in quotes", bool: "true or false", list: "an array"}


def _date(value, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise Invalid(f"{where} must be a date, e.g. 2025-05-20")


def _check_keys(item, allowed: set[str], where: str) -> dict:
    if not isinstance(item, dict):
        raise Invalid(f"{where} must be a table")
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise Invalid(
            f"{where}: unknown key {unknown[0]!r}; valid keys are {', '.join(sorted(allowed))}"
        )
    for key, value in item.items():
        wanted = KEY_TYPES.get(key)
        if wanted and not isinstance(value, wanted):
            raise Invalid(
                f"{where}: key {key!r} must be {_TYPE_NAMES[wanted[0]]}, not {type(value).__name__}"
            )
    if not all(isinstance(m, str) for m in item.get("methods", [])):
        raise Invalid(
            f"{where}: key 'methods' must be an array of method names, e.g. methods = [\"interview\"]"
        )
    return item


def _approve(
    store: Store, engagement: dict, kind: str, record: dict, author: str, reviewer: str
) -> None:
    """Record the review a loaded record went through: submitted by its author, approved by a reviewer."""
    from reformctl.model.review import set_review

    set_review(
        store,
        engagement,
        kind,
        record,
        "in-review",
        author,
        action="submit",
        on_date=record["dated"],
    )
    set_review(
        store,
        engagement,
        kind,
        {**record, "review": "in-review"},
        "approved",
        reviewer,
        on_date=record["dated"],
    )


def _load_section(
    store: Store, engagement: dict, item: dict, where: str, actor: str, approved_by: str | None
) -> None:
    from reformctl.model.sections import find_section, write_section

    if find_section(store, engagement, str(item.get("name", "")).strip()) is not None:
        raise Invalid(f"{where}: section {item['name']!r} is given twice; write each section once")
    written = write_section(
        store,
        engagement,
        item.get("name"),
        item.get("body", ""),
        actor,
        title=item.get("title"),
        dated=_date(item.get("dated"), f"{where}: 'dated'"),
    )
    if approved_by:
        _approve(
            store,
            engagement,
            "section",
            find_section(store, engagement, written["number"]),
            actor,
            approved_by,
        )


def load_engagement(  # noqa: C901 (to split, issue 12)
    store: Store,
    data: dict,
    source: str,
    actor: str,
    approved_by: str | None = None,
    phase: str | None = None,
) -> dict:
    """Create the engagement in DATA with everything it holds; returns what was loaded.

    Loaded findings and recommendations are drafts, unless APPROVED_BY names the reviewer who
    approved them (the demo engagement uses this to arrive with a reviewed record).
    """
    header = {k: v for k, v in data.items() if k not in ("findings", "protected", "sections")}
    spec = spec_from_mapping(header, source)
    findings = data.get("findings", [])
    if not isinstance(findings, list):
        raise Invalid(f"{source}: 'findings' must be an array of tables ([[findings]])")
    sections = data.get("sections", [])
    if not isinstance(sections, list):
        raise Invalid(f"{source}: 'sections' must be an array of tables ([[sections]])")
    protected = data.get("protected", [])
    if not isinstance(protected, list) or not all(isinstance(t, str) for t in protected):
        raise Invalid(
            f"{source}: 'protected' must be a list of names, e.g. protected = [\"Jane Doe\"]"
        )
    counts = {"findings": 0, "recommendations": 0, "status_updates": 0, "sections": 0}
    where = source
    try:
        with store.write():
            engagement = create_engagement(store, spec, actor)
            for term in protected:
                where = f"{source}: protected name"
                protect(store, engagement, term, actor)
            for i, item in enumerate(findings, start=1):
                where = f"{source}: finding {i}"
                _check_keys(item, FINDING_KEYS, where)
                if not isinstance(item.get("focus_area"), (int, str)) or isinstance(
                    item.get("focus_area"), bool
                ):
                    raise Invalid(
                        f"{where}: 'focus_area' must be a focus area number, e.g. focus_area = 2"
                    )
                if isinstance(item["focus_area"], int):
                    clean_int(item["focus_area"], "'focus_area'", 1, MAX_FOCUS_AREA)
                finding = log_finding(
                    store,
                    engagement,
                    str(item["focus_area"]),
                    item.get("title", ""),
                    item.get("body"),
                    actor,
                    methods=item.get("methods") or [],
                    internal=bool(item.get("internal", False)),
                    dated=_date(item.get("dated"), f"{where}: 'dated'"),
                )
                counts["findings"] += 1
                if approved_by:
                    _approve(store, engagement, "finding", finding, actor, approved_by)
                for j, rec_item in enumerate(item.get("recommendations", []), start=1):
                    where = f"{source}: finding {i}, recommendation {j}"
                    _check_keys(rec_item, REC_KEYS, where)
                    rec = recommend(
                        store,
                        engagement,
                        finding["ref"],
                        rec_item.get("text", ""),
                        actor,
                        priority=rec_item.get("priority"),
                        owner=rec_item.get("owner"),
                        due=_date(rec_item.get("due"), f"{where}: 'due'"),
                        dated=_date(rec_item.get("dated"), f"{where}: 'dated'") or finding["dated"],
                    )
                    counts["recommendations"] += 1
                    if approved_by:
                        _approve(store, engagement, "recommendation", rec, actor, approved_by)
                    for k, update in enumerate(rec_item.get("statuses", []), start=1):
                        where = f"{source}: finding {i}, recommendation {j}, status {k}"
                        _check_keys(update, STATUS_KEYS, where)
                        set_status(
                            store,
                            engagement,
                            rec["ref"],
                            update.get("status", ""),
                            actor,
                            as_of=_date(update.get("as_of"), f"{where}: 'as_of'"),
                            note=update.get("note"),
                            reason=update.get("reason"),
                            evidence=update.get("evidence"),
                        )
                        counts["status_updates"] += 1
            for i, item in enumerate(sections, start=1):
                where = f"{source}: section {i}"
                _load_section(
                    store,
                    engagement,
                    _check_keys(item, SECTION_KEYS, where),
                    where,
                    actor,
                    approved_by,
                )
                counts["sections"] += 1
            if phase:
                where = source
                advance(store, engagement, phase, actor)
    except ReformError as exc:
        message = str(exc)
        if where != source and not message.startswith(source):
            message = f"{where}: {message}"
        raise type(exc)(message) from None
    return {"engagement": engagement, **counts}
