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


def load_engagement(
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
    findings, sections, protected = _parts(data, source)
    loader = _Loader(store, source, actor, approved_by)
    try:
        with store.write():
            loader.engagement = create_engagement(store, spec, actor)
            loader.load(findings, sections, protected, phase)
    except ReformError as exc:
        if loader.where != source and not str(exc).startswith(source):
            exc.at(loader.where)
        raise exc from None
    return {"engagement": loader.engagement, **loader.counts}


def _parts(data: dict, source: str) -> tuple[list, list, list]:
    """The file's findings, sections and protected names, each a list."""
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
    return findings, sections, protected


class _Loader:
    """Loads an engagement file's records through the commands' own model functions, keeping
    WHERE (the part of the file being loaded) so that an error names it."""

    def __init__(self, store: Store, source: str, actor: str, approved_by: str | None):
        self.store = store
        self.source = source
        self.where = source
        self.actor = actor
        self.approved_by = approved_by
        self.engagement: dict = {}
        self.counts = {"findings": 0, "recommendations": 0, "status_updates": 0, "sections": 0}

    def load(self, findings: list, sections: list, protected: list, phase: str | None) -> None:
        store, engagement, source, actor = self.store, self.engagement, self.source, self.actor
        for term in protected:
            self.where = f"{source}: protected name"
            protect(store, engagement, term, actor)
        for i, item in enumerate(findings, start=1):
            self.where = f"{source}: finding {i}"
            self._finding(i, item)
        for i, item in enumerate(sections, start=1):
            self.where = f"{source}: section {i}"
            item = _check_keys(item, SECTION_KEYS, self.where)
            _load_section(store, engagement, item, self.where, actor, self.approved_by)
            self.counts["sections"] += 1
        if phase:
            self.where = source
            advance(store, engagement, phase, actor)

    def _finding(self, i: int, item) -> None:
        where = self.where
        _check_keys(item, FINDING_KEYS, where)
        area = item.get("focus_area")
        if not isinstance(area, (int, str)) or isinstance(area, bool):
            raise Invalid(f"{where}: 'focus_area' must be a focus area number, e.g. focus_area = 2")
        if isinstance(area, int):
            clean_int(area, "'focus_area'", 1, MAX_FOCUS_AREA)
        finding = log_finding(
            self.store,
            self.engagement,
            str(area),
            item.get("title", ""),
            item.get("body"),
            self.actor,
            methods=item.get("methods") or [],
            internal=bool(item.get("internal", False)),
            dated=_date(item.get("dated"), f"{where}: 'dated'"),
        )
        self.counts["findings"] += 1
        self._approve("finding", finding)
        for j, rec_item in enumerate(item.get("recommendations", []), start=1):
            self.where = f"{self.source}: finding {i}, recommendation {j}"
            self._recommendation(finding, rec_item)

    def _recommendation(self, finding: dict, item) -> None:
        where = self.where
        _check_keys(item, REC_KEYS, where)
        rec = recommend(
            self.store,
            self.engagement,
            finding["ref"],
            item.get("text", ""),
            self.actor,
            priority=item.get("priority"),
            owner=item.get("owner"),
            due=_date(item.get("due"), f"{where}: 'due'"),
            dated=_date(item.get("dated"), f"{where}: 'dated'") or finding["dated"],
        )
        self.counts["recommendations"] += 1
        self._approve("recommendation", rec)
        for k, update in enumerate(item.get("statuses", []), start=1):
            self.where = f"{where}, status {k}"
            _check_keys(update, STATUS_KEYS, self.where)
            set_status(
                self.store,
                self.engagement,
                rec["ref"],
                update.get("status", ""),
                self.actor,
                as_of=_date(update.get("as_of"), f"{self.where}: 'as_of'"),
                note=update.get("note"),
                reason=update.get("reason"),
                evidence=update.get("evidence"),
            )
            self.counts["status_updates"] += 1

    def _approve(self, kind: str, record: dict) -> None:
        if self.approved_by:
            _approve(self.store, self.engagement, kind, record, self.actor, self.approved_by)
