"""Importing findings, recommendations and status updates from a spreadsheet.

Everything is validated first, against the file and the store (read in a few
queries, never one per row); only when no row has an error is anything written,
all in one transaction with executemany. Existing records are matched by number
and never rewritten: a row for an existing recommendation adds a status update
when its status or date differs from the current one, and nothing otherwise, so
the tracker exports (`reformctl report --format csv` or `--format xlsx`) read back in.
A workbook may hold several sheets (the XLSX tracker has one a focus area): each has its
own header, and an error names the sheet as well as the row.
"""

from __future__ import annotations

import json
from typing import Callable

from reformctl.dates import now, today
from reformctl.errors import Invalid, Option, RowErrors
from reformctl.exchange.import_rows import Known, Problems, RowChecker
from reformctl.exchange.import_write import REC, STATUS, Plan, apply_plan
from reformctl.exchange.sheets import Sheet
from reformctl.model.guards import require_findings_allowed
from reformctl.model.ids import ordered_id
from reformctl.model.refs import finding_ref
from reformctl.model.text import (
    clean_actor,
    same_actor,
)
from reformctl.model.vocab import choices
from reformctl.store import Store

COLUMNS = {
    "focus_area": "focus area number (or 'N. Title', as the XLSX tracker writes it); checked against the finding number",
    "focus_area_title": "ignored (the tracker export carries it for readers)",
    "finding": "finding number, e.g. 2.1 (required)",
    "finding_title": "title of a new finding (required when the finding is new)",
    "finding_body": "body of a new finding",
    "finding_date": "date of a new finding (default: its earliest status_as_of, else today)",
    "recommendation": "recommendation number, e.g. 2.1.3; empty for a row that only adds a finding",
    "recommendation_text": "text of a new recommendation (required when it is new)",
    "recommendation_date": "date of a new recommendation (default: its finding's date)",
    "priority": "high, medium or low (new recommendations)",
    "owner": "responsible unit (new recommendations)",
    "due": "target date (new recommendations)",
    "status": "Not Started, In Progress, Partially Complete, Complete (or not-started, ...)",
    "status_as_of": "date the status holds from (default today)",
    "note": "note on the status update",
    "reason": "why there is no progress (Not Started, Partially Complete): a reason label or its slug",
    "evidence": "what the team reviewed for this status",
    "change_since_last_update": "ignored (the tracker export carries it for readers)",
    "history": "ignored (the tracker export carries it for readers)",
    "classification": "ignored (the internal tracker marks every row INTERNAL)",
    "review": "ignored (the internal tracker shows each record's review state; new records arrive as drafts)",
}
REQUIRED = ("finding",)
ROW_CHUNK = 500  # progress is reported this often


def _placer(sheet: str | None) -> Callable[[int], int | tuple[str, int]]:
    """A row's place in the file: its number, or (sheet, number) when a workbook is read sheet by sheet."""
    return (lambda n: n) if sheet is None else (lambda n: (sheet, n))


def _columns(errs: Problems, sheet: Sheet, place) -> dict[str, int]:
    """The sheet's columns by position; unknown, repeated and missing columns are errors on its header row."""
    errs.labels[sheet.name] = sheet.labels
    seen: dict[str, int] = {}
    for i, name in enumerate(sheet.header):
        if name not in COLUMNS:
            errs.add(
                place(sheet.header_row),
                name or f"#{i + 1}",
                f"unknown column {name!r}; the columns are {choices(COLUMNS)}",
            )
        elif name in seen:
            errs.add(place(sheet.header_row), name, "the column appears twice")
        else:
            seen[name] = i
    for name in REQUIRED:
        if name not in seen:
            errs.add(
                place(sheet.header_row),
                name,
                f"missing column {name!r}; the first row must name the columns ({choices(COLUMNS)})",
            )
    return seen


def import_sheets(
    store: Store,
    engagement: dict,
    sheets: list[Sheet],
    actor: str,
    source: str,
    progress: Callable[[int], None] | None = None,
    approved_by: str | None = None,
    dry_run: bool = False,
    writing: Callable[[], None] | None = None,
) -> Plan:
    """The one way a spreadsheet's rows enter the store: every row checked, then all written in
    one transaction under the write lock the check ran under, so no one takes a number in between.
    A dry run only checks. WRITING is called between the check and the write."""
    if dry_run:
        return plan_import(store, engagement, sheets, actor, source, progress, approved_by)
    with store.write():
        plan = plan_import(store, engagement, sheets, actor, source, progress, approved_by)
        if writing is not None:
            writing()
        apply_plan(store, plan)
    return plan


def plan_import(
    store: Store,
    engagement: dict,
    sheets: list[Sheet],
    actor: str,
    source: str,
    progress: Callable[[int], None] | None = None,
    approved_by: str | None = None,
) -> Plan:
    """Check every row and work out what to write; raises RowErrors listing every problem.

    New records are drafts, or, with APPROVED_BY, submitted by ACTOR and approved by that
    reviewer (for a spreadsheet that holds an already-reviewed record, such as a tracker).
    """
    errs = Problems()
    require_findings_allowed(engagement)
    approved_by = _reviewer(engagement, actor, approved_by)
    tables = []
    for sheet in sheets:
        place = _placer(sheet.name)
        tables.append((sheet, place, _columns(errs, sheet, place)))
    if errs.errors:
        raise RowErrors(source, errs.errors)
    rows = RowChecker(errs, engagement, Known(store, engagement["id"]))
    done = 0
    numbered = (
        (sheet, seen_columns, place(n), cells)
        for sheet, place, seen_columns in tables
        for n, cells in sheet.rows
    )
    for done, (sheet, seen_columns, number, cells) in enumerate(numbered, start=1):
        if progress and done % ROW_CHUNK == 0:
            progress(ROW_CHUNK)
        rows.check(len(sheet.header), seen_columns, number, cells)
    if not done:
        raise RowErrors(source, [(None, None, "no data rows after the header")])
    rows.untitled_findings()
    if errs.errors:
        raise RowErrors(source, errs.errors)
    plan = Plan(
        engagement_id=engagement["id"],
        actor=actor,
        approved_by=approved_by,
        stamp=now(),
        rows=done,
    )
    _Planner(store, engagement, plan, errs, rows).run()
    if errs.errors:
        raise RowErrors(source, errs.errors)
    return plan


def _reviewer(engagement: dict, actor: str, approved_by: str | None) -> str | None:
    """The reviewer who approved the file's new records, checked as `review` checks one (four eyes)."""
    if approved_by is None:
        return None
    if not approved_by.strip():
        raise Invalid("{option} needs the reviewer's name", option=Option("approved_by"))
    approved_by = clean_actor(approved_by, "reviewer")
    if same_actor(approved_by, actor) and not engagement["self_approval"]:
        raise Invalid(
            "{actor} is importing these records and cannot also approve them (four eyes); "
            "name another reviewer with {option}, or import them as drafts",
            actor=actor,
            option=Option("approved_by"),
        )
    return approved_by


class _Planner:
    """Works out the records and status updates a checked file adds, into PLAN."""

    def __init__(
        self, store: Store, engagement: dict, plan: Plan, errs: Problems, rows: RowChecker
    ):
        self.plan = plan
        self.errs = errs
        self.rows = rows
        self.day = today()
        self.frozen = _frozen_rule(store, engagement)
        self.recorded = _recorded(store, rows.known.recs, rows.parsed, self.day)
        self.created: dict[tuple[int, int], tuple[str, str]] = {}  # finding key -> (id, dated)

    def run(self) -> None:
        self._findings()
        parsed = self.rows.parsed
        parsed.reverse()
        # Each row let go of as its records are planned: the rows and the plan are never both whole.
        while parsed:
            self._row(*parsed.pop())

    def _findings(self) -> None:
        areas = self.rows.known.areas
        for fkey, entry in sorted(self.rows.new_findings.items()):
            dated = entry["date"] or min(entry["as_ofs"] + [self.day])
            if self.frozen(dated):
                self.errs.add(entry["row"], "finding_date", self.frozen(dated))
            finding = (
                ordered_id(),
                areas[fkey[0]]["id"],
                fkey[1],
                entry["title"],
                entry["body"],
                dated,
                finding_ref(*fkey),
            )
            self.plan.findings.append(finding)
            self.created[fkey] = (finding[0], dated)

    def _row(self, number, fkey, rkey, status, as_of, note, reason, evidence, *new) -> None:
        ref = f"{rkey[0]}.{rkey[1]}.{rkey[2]}"
        existing = self.rows.known.recs.get(rkey)
        current = (
            existing
            if existing is not None
            else self._new_recommendation(number, fkey, rkey, ref, *new)
        )
        if current is None:
            return
        if not status:
            self.plan.unchanged += existing is not None
            return
        self._status(
            number, ref, existing, current, (status, as_of or self.day, note, reason, evidence)
        )

    def _new_recommendation(self, number, fkey, rkey, ref, text, priority, owner, due, dated):
        """Plan a new recommendation and its first status; None (and an error) for a bad date."""
        plan, errs = self.plan, self.errs
        parent = self.rows.known.findings.get(fkey)
        parent_id, parent_dated = (parent["id"], parent["dated"]) if parent else self.created[fkey]
        dated = dated or parent_dated
        if dated < parent_dated:
            errs.add(
                number, "recommendation_date", f"{dated} is before its finding ({parent_dated})"
            )
            return None
        if self.frozen(dated):
            errs.add(number, "recommendation_date", self.frozen(dated))
            return None
        rec_id = ordered_id()
        plan.steps.append((REC, rec_id, parent_id, rkey[2], text, priority, owner, due, dated, ref))
        plan.recommendations += 1
        plan.steps.append(
            (STATUS, ordered_id(), rec_id, "not-started", dated, None, None, None, ref, None)
        )
        plan.status_updates += 1
        return {
            "id": rec_id,
            "dated": dated,
            "status": "not-started",
            "status_as_of": dated,
            "review": "draft",
        }

    def _status(self, number, ref: str, existing, current: dict, update: tuple) -> None:
        """Plan a row's status update, unless the recommendation already holds it."""
        plan, errs = self.plan, self.errs
        status, as_of, note, reason, evidence = update
        if current["review"] == "withdrawn":
            errs.add(
                number,
                "status",
                f"recommendation {ref} is withdrawn; its status can no longer change",
            )
            return
        if as_of < current["dated"]:
            errs.add(
                number,
                "status_as_of",
                f"{as_of} is before recommendation {ref} was made ({current['dated']})",
            )
            return
        if current["status"] == status and current["status_as_of"] == as_of:
            plan.unchanged += existing is not None
            return
        if existing is not None and (existing["id"], status, as_of) in self.recorded:
            plan.unchanged += 1  # already in the history, as an older tracker read back holds it
            return
        if current["status"] == status and existing is None and not (reason or note):
            return  # a new recommendation that is Not Started: its first status says so
        if self.frozen(as_of):
            errs.add(number, "status_as_of", self.frozen(as_of))
            return
        before = (current["status"], current["status_as_of"])
        plan.steps.append(
            (
                STATUS,
                ordered_id(),
                current["id"],
                status,
                as_of,
                note,
                reason,
                evidence,
                ref,
                before,
            )
        )
        plan.status_updates += 1
        if existing is not None and as_of < (existing["status_as_of"] or ""):
            plan.superseded.append((number, ref, *update[:2], *before))


def _recorded(store: Store, recs: dict, parsed: list[tuple], day: str) -> set[tuple[str, str, str]]:
    """(recommendation id, status, as_of) of the updates already in the history of each existing
    recommendation that a row dates on or before its current status: only such a row can repeat
    one. (A row dated later is new; a file of new records or current statuses queries nothing.)"""
    ids = [
        rec["id"]
        for _, _, rkey, status, as_of, *_ in parsed
        if status
        and (rec := recs.get(rkey)) is not None
        and (as_of or day) <= (rec["status_as_of"] or "")
        and (status, as_of or day) != (rec["status"], rec["status_as_of"])
    ]
    if not ids:
        return set()
    rows = store.execute(
        "SELECT recommendation_id, status, as_of FROM status_updates "
        "WHERE recommendation_id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    )
    return {tuple(row) for row in rows}


def _frozen_rule(store: Store, engagement: dict) -> Callable[[str], str | None]:
    """What is wrong with a date a published release froze (None when nothing is wrong): the
    same rule as every other dated write (model/frozen.py), worded for a file's cell."""
    from reformctl.model.frozen import frozen_before

    freeze = frozen_before(store, engagement)

    def wrong(day: str) -> str | None:
        if freeze is None or day > freeze["as_of"]:
            return None
        return (
            f"{day}: release {freeze['number']} (as of {freeze['as_of']}) froze everything dated up to then; "
            f"date it after {freeze['as_of']}"
        )

    return wrong
