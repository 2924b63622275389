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
import re
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _string
from typing import Callable

from reformctl.dates import now, parse_date, today
from reformctl.errors import Invalid, RowErrors
from reformctl.exchange.sheets import Sheet
from reformctl.model.guards import require_findings_allowed
from reformctl.model.ids import ordered_id
from reformctl.model.refs import finding_ref, parse_finding_ref, parse_rec_ref
from reformctl.model.statuses import check_reason, status_at
from reformctl.model.text import (
    MAX_TEXT,
    clean_actor,
    clean_body,
    clean_optional_name,
    clean_title,
    same_actor,
)
from reformctl.model.vocab import PRIORITIES, STATUSES, choices, status_key
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
_AREA = re.compile(r"(\d+)(?:\.\s.*)?", re.S)  # "2", or "2. Title" as the XLSX tracker writes it


@dataclass
class Plan:
    """What an import will write, as compact tuples; apply_plan turns them into rows and events.

    findings: (id, focus_area_id, number, title, body, dated, ref);
    steps, in the file's order: (_REC, id, finding_id, number, text, priority, owner, due, dated, ref)
    and (_STATUS, id, recommendation_id, status, as_of, note, reason, evidence, ref, before),
    before being (status, as_of) or None for a new recommendation's first status. (Flat tuples:
    a kind and a tuple inside another took 7 MB more for a 50,000-row file.)
    """

    engagement_id: str = ""
    actor: str = ""
    approved_by: str | None = None
    stamp: str = ""
    rows: int = 0  # data rows read
    findings: list[tuple] = field(default_factory=list)
    steps: list[tuple] = field(default_factory=list)
    recommendations: int = 0
    status_updates: int = 0
    unchanged: int = 0
    # Rows dated before their recommendation's current status, which stays current:
    # (row, ref, status, as_of, current status, its as_of).
    superseded: list[tuple] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "findings": len(self.findings),
            "recommendations": self.recommendations,
            "status_updates": self.status_updates,
            "unchanged": self.unchanged,
        }

    def superseded_rows(self) -> list[dict]:
        """Each back-dated row, as set-status and bulk-status report one (`superseded_by`)."""
        return [
            {
                "sheet": row[0] if isinstance(row, tuple) else None,
                "row": row[1] if isinstance(row, tuple) else row,
                "number": ref,
                "status": status,
                "as_of": as_of,
                "superseded_by": {"status": later, "as_of": later_as_of},
            }
            for row, ref, status, as_of, later, later_as_of in self.superseded
        ]


_REC, _STATUS = "recommendation", "status"


class _Rows:
    """Collects errors by row and column while a row is checked.

    A row is its number, or (sheet, number) in a workbook read sheet by sheet; a column is
    named as its sheet's header wrote it, so that the user can find the cell.
    """

    def __init__(self):
        self.errors: list[tuple[int | tuple[str, int] | None, str | None, str]] = []
        self.labels: dict[str | None, dict[str, str]] = {}
        self.known: dict[tuple, str] = {}  # (fn, *args) -> result, for same()

    def add(self, row: int | tuple[str, int] | None, column: str | None, message: str) -> None:
        if column:
            column = self.labels.get(row[0] if isinstance(row, tuple) else None, {}).get(
                column, column
            )
        self.errors.append((row, column, message))

    def check(self, row: int, column: str, fn, *args):
        try:
            return fn(*args)
        except Invalid as exc:
            self.add(row, column, str(exc))
            return None

    def same(self, row: int, column: str, fn, *args):
        """As check, for a column whose few values repeat down the file (dates, statuses, owners).

        Each value is checked once and its result shared by every row that gives it: a 50,000-row
        file otherwise held 50,000 equal copies of each of its dates and owners. A value that
        fails is checked again on each row, so every bad row still has its error.
        """
        key = (fn, *args)
        found = self.known.get(key)
        if found is None:
            found = self.check(row, column, fn, *args)
            if found is not None:
                self.known[key] = found
        return found


def _date(value: str, what: str, day: str) -> str:
    parsed = parse_date(value, what)
    if parsed > day:
        raise Invalid(f"{what} {parsed} is in the future; today is {day}")
    return parsed


def _status(value: str) -> str:
    key = status_key(value)
    if key is None:
        raise Invalid(f"status {value!r} is unknown; use one of {choices(STATUSES.values())}")
    return key


def _priority(value: str) -> str:
    if value.lower() not in PRIORITIES:
        raise Invalid(f"priority {value!r} is unknown; use one of {choices(PRIORITIES)}")
    return value.lower()


def _placer(sheet: str | None) -> Callable[[int], int | tuple[str, int]]:
    """A row's place in the file: its number, or (sheet, number) when a workbook is read sheet by sheet."""
    return (lambda n: n) if sheet is None else (lambda n: (sheet, n))


def _columns(errs: _Rows, sheet: Sheet, place) -> dict[str, int]:
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


def plan_import(  # noqa: C901 (to split, issue 12)
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
    errs = _Rows()
    require_findings_allowed(engagement)
    if approved_by is not None:
        if not approved_by.strip():
            raise Invalid("--approved-by needs the reviewer's name")
        approved_by = clean_actor(approved_by, "reviewer")
        if same_actor(approved_by, actor) and not engagement["self_approval"]:
            raise Invalid(
                f"{actor} is importing these records and cannot also approve them (four eyes); "
                "name another reviewer with --approved-by, or import them as drafts"
            )
    tables = []
    for sheet in sheets:
        place = _placer(sheet.name)
        tables.append((sheet, place, _columns(errs, sheet, place)))
    if errs.errors:
        raise RowErrors(source, errs.errors)

    eid = engagement["id"]
    areas = {
        r["number"]: r
        for r in store.rows("SELECT id, number FROM focus_areas WHERE engagement_id = ?", (eid,))
    }
    findings = {
        (r["area"], r["number"]): r
        for r in store.rows(
            """SELECT f.id, fa.number AS area, f.number, f.dated, f.review FROM findings f
           JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE f.engagement_id = ?""",
            (eid,),
        )
    }
    recs = {
        (r["area"], r["fnum"], r["number"]): r
        for r in store.rows(
            f"""SELECT r.id, fa.number AS area, f.number AS fnum, r.number, r.dated, r.review,
                   {status_at("status")} AS status, {status_at("as_of")} AS status_as_of
            FROM recommendations r JOIN findings f ON f.id = r.finding_id
            JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE r.engagement_id = :eid""",
            {"eid": eid, "as_of": "9999-12-31"},
        )
    }

    day0 = today()
    new_findings: dict[tuple[int, int], dict] = {}  # key -> {row, title, body, date, as_ofs}
    rec_rows: dict[tuple[int, int, int], int | tuple[str, int]] = {}
    # A checked row that names a recommendation, as a tuple: (row, finding key, recommendation key,
    # status, as_of, note, reason, evidence, text, priority, owner, due, dated); 50,000 of them
    # as dicts took 30 MB.
    parsed: list[tuple] = []
    done = 0
    numbered = (
        (sheet, place, seen_columns, place(n), cells)
        for sheet, place, seen_columns in tables
        for n, cells in sheet.rows
    )
    for done, (sheet, _place, seen_columns, number, cells) in enumerate(numbered, start=1):
        if progress and done % ROW_CHUNK == 0:
            progress(ROW_CHUNK)
        width = len(sheet.header)
        if len(cells) < width:
            errs.add(
                number,
                None,
                f"has {len(cells)} cells but the header names {width} columns; is the file truncated?",
            )
            continue
        if any(cells[width:]):
            errs.add(
                number, None, f"has {len(cells)} cells but the header names only {width} columns"
            )
            continue
        get = {name: cells[i] for name, i in seen_columns.items()}
        count_before = len(errs.errors)
        fkey = (
            errs.check(number, "finding", parse_finding_ref, get["finding"])
            if get["finding"]
            else None
        )
        if not get["finding"]:
            errs.add(number, "finding", "is empty; every row names its finding, e.g. 2.1")
        if fkey is None:
            continue
        area = _AREA.fullmatch(get.get("focus_area") or "")
        if get.get("focus_area") and (area is None or area.group(1) != str(fkey[0])):
            errs.add(
                number,
                "focus_area",
                f"{get['focus_area']!r} does not match finding {finding_ref(*fkey)}",
            )
        if fkey[0] not in areas:
            errs.add(
                number,
                "finding",
                f"focus area {fkey[0]} does not exist in {engagement['site']} "
                f"(it has {len(areas)})",
            )
            continue
        row = {"row": number, "finding": fkey}
        if get.get("recommendation"):
            rkey = errs.check(number, "recommendation", parse_rec_ref, get["recommendation"])
            if rkey is not None:
                if rkey[:2] != fkey:
                    errs.add(
                        number,
                        "recommendation",
                        f"{get['recommendation']} is not under finding {finding_ref(*fkey)}",
                    )
                elif rkey in rec_rows:
                    errs.add(
                        number,
                        "recommendation",
                        f"{get['recommendation']} repeats {_at(rec_rows[rkey])}; "
                        "give each recommendation once",
                    )
                else:
                    rec_rows[rkey] = number
                    row["rec"] = rkey
        if get.get("status", "").lower() == "withdrawn" and get.get("recommendation"):
            # The trackers mark a published record withdrawn since so; reading one back changes nothing.
            rkey = row.get("rec")
            if rkey in recs and "withdrawn" in (recs[rkey]["review"], findings[fkey]["review"]):
                get["status"] = ""
            elif rkey is not None:
                errs.add(
                    number,
                    "status",
                    f"{get['recommendation']} is not withdrawn in {engagement['site']}, and "
                    "an import cannot withdraw it; withdraw it with `reformctl review "
                    "--decision withdraw`, or give its status",
                )
                get["status"] = ""
        if get.get("status"):
            row["status"] = errs.same(number, "status", _status, get["status"])
            if not get.get("recommendation"):
                errs.add(number, "status", "a status needs a recommendation on the same row")
        if get.get("status_as_of"):
            row["as_of"] = errs.same(
                number, "status_as_of", _date, get["status_as_of"], "status_as_of", day0
            )
        if get.get("note"):
            row["note"] = (
                errs.check(number, "note", clean_body, get["note"], "note", MAX_TEXT) or None
            )
        if get.get("evidence"):
            row["evidence"] = (
                errs.check(number, "evidence", clean_body, get["evidence"], "evidence", MAX_TEXT)
                or None
            )
        if get.get("reason"):
            if not get.get("status"):
                errs.add(number, "reason", "a reason goes with a status on the same row")
            elif row.get("status"):
                row["reason"] = errs.same(number, "reason", _reason, row["status"], get["reason"])
        if fkey not in findings:
            entry = new_findings.get(fkey)
            title = get.get("finding_title", "")
            if entry is None:
                entry = new_findings[fkey] = {
                    "row": number,
                    "title": None,
                    "body": "",
                    "date": None,
                    "as_ofs": [],
                }
            if title:
                cleaned = (
                    entry["title"]
                    if title == entry.get("raw")
                    else errs.check(number, "finding_title", clean_title, title, "finding_title")
                )
                entry["raw"] = title
                if cleaned and entry["title"] and cleaned != entry["title"]:
                    errs.add(
                        number,
                        "finding_title",
                        f"differs from {_at(entry['row'])} for the same finding {finding_ref(*fkey)}",
                    )
                entry["title"] = entry["title"] or cleaned
            if get.get("finding_body"):
                entry["body"] = (
                    errs.check(
                        number, "finding_body", clean_body, get["finding_body"], "finding_body"
                    )
                    or ""
                )
            if get.get("finding_date"):
                entry["date"] = errs.same(
                    number, "finding_date", _date, get["finding_date"], "finding_date", day0
                )
            if row.get("as_of"):
                entry["as_ofs"].append(row["as_of"])
        if row.get("rec") and row["rec"] not in recs:
            if not get.get("recommendation_text"):
                errs.add(
                    number,
                    "recommendation_text",
                    f"is empty, and {get['recommendation']} is a new recommendation",
                )
            else:
                row["text"] = errs.check(
                    number,
                    "recommendation_text",
                    clean_body,
                    get["recommendation_text"],
                    "recommendation_text",
                    MAX_TEXT,
                )
            if get.get("priority"):
                row["priority"] = errs.same(number, "priority", _priority, get["priority"])
            if get.get("owner"):
                row["owner"] = errs.same(
                    number, "owner", clean_optional_name, get["owner"], "owner"
                )
            if get.get("due"):
                row["due"] = errs.same(number, "due", parse_date, get["due"], "due")
            if get.get("recommendation_date"):
                row["dated"] = errs.same(
                    number,
                    "recommendation_date",
                    _date,
                    get["recommendation_date"],
                    "recommendation_date",
                    day0,
                )
        if len(errs.errors) == count_before and row.get("rec") is not None:
            parsed.append(
                (
                    number,
                    fkey,
                    row["rec"],
                    *map(
                        row.get,
                        (
                            "status",
                            "as_of",
                            "note",
                            "reason",
                            "evidence",
                            "text",
                            "priority",
                            "owner",
                            "due",
                            "dated",
                        ),
                    ),
                )
            )
    if not done:
        raise RowErrors(source, [(None, None, "no data rows after the header")])
    for fkey, entry in new_findings.items():
        if not entry["title"] and not entry.get(
            "raw"
        ):  # a title given but refused has its own error
            errs.add(
                entry["row"],
                "finding_title",
                f"is empty, and {finding_ref(*fkey)} is a new finding",
            )
    if errs.errors:
        raise RowErrors(source, errs.errors)

    plan = Plan(engagement_id=eid, actor=actor, approved_by=approved_by, stamp=now(), rows=done)
    day = today()
    frozen = _frozen_rule(store, engagement)
    created: dict[tuple[int, int], tuple[str, str]] = {}  # finding key -> (id, dated)
    for fkey, entry in sorted(new_findings.items()):
        dated = entry["date"] or min(entry["as_ofs"] + [day])
        if frozen(dated):
            errs.add(entry["row"], "finding_date", frozen(dated))
        finding = (
            ordered_id(),
            areas[fkey[0]]["id"],
            fkey[1],
            entry["title"],
            entry["body"],
            dated,
            finding_ref(*fkey),
        )
        plan.findings.append(finding)
        created[fkey] = (finding[0], dated)
    recorded = _recorded(store, recs, parsed, day)
    parsed.reverse()
    while (
        parsed
    ):  # each row let go of as its records are planned: the rows and the plan are never both whole
        (
            number,
            fkey,
            rkey,
            status,
            as_of,
            note,
            reason,
            evidence,
            text,
            priority,
            owner,
            due,
            dated,
        ) = parsed.pop()
        parent = findings.get(fkey)
        parent_id, parent_dated = (parent["id"], parent["dated"]) if parent else created[fkey]
        ref = f"{rkey[0]}.{rkey[1]}.{rkey[2]}"
        existing = recs.get(rkey)
        if existing is None:
            dated = dated or parent_dated
            if dated < parent_dated:
                errs.add(
                    number, "recommendation_date", f"{dated} is before its finding ({parent_dated})"
                )
                continue
            if frozen(dated):
                errs.add(number, "recommendation_date", frozen(dated))
                continue
            rec_id = ordered_id()
            plan.steps.append(
                (_REC, rec_id, parent_id, rkey[2], text, priority, owner, due, dated, ref)
            )
            plan.recommendations += 1
            plan.steps.append(
                (_STATUS, ordered_id(), rec_id, "not-started", dated, None, None, None, ref, None)
            )
            plan.status_updates += 1
            current = {
                "id": rec_id,
                "dated": dated,
                "status": "not-started",
                "status_as_of": dated,
                "review": "draft",
            }
        else:
            current = existing
        if not status:
            if existing is not None:
                plan.unchanged += 1
            continue
        as_of = as_of or day
        if current["review"] == "withdrawn":
            errs.add(
                number,
                "status",
                f"recommendation {ref} is withdrawn; its status can no longer change",
            )
            continue
        if as_of < current["dated"]:
            errs.add(
                number,
                "status_as_of",
                f"{as_of} is before recommendation {ref} was made ({current['dated']})",
            )
            continue
        if current["status"] == status and current["status_as_of"] == as_of:
            plan.unchanged += existing is not None
            continue
        if existing is not None and (existing["id"], status, as_of) in recorded:
            plan.unchanged += 1  # already in the history, as an older tracker read back holds it
            continue
        if current["status"] == status and existing is None and not (reason or note):
            continue  # a new recommendation that is Not Started: its first status says so
        if frozen(as_of):
            errs.add(number, "status_as_of", frozen(as_of))
            continue
        plan.steps.append(
            (
                _STATUS,
                ordered_id(),
                current["id"],
                status,
                as_of,
                note,
                reason,
                evidence,
                ref,
                (current["status"], current["status_as_of"]),
            )
        )
        plan.status_updates += 1
        if existing is not None and as_of < (existing["status_as_of"] or ""):
            plan.superseded.append(
                (number, ref, status, as_of, existing["status"], existing["status_as_of"])
            )
    if errs.errors:
        raise RowErrors(source, errs.errors)
    return plan


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


def _at(row: int | tuple[str, int]) -> str:
    return f"sheet {row[0]}, row {row[1]}" if isinstance(row, tuple) else f"row {row}"


def _reason(status: str, value: str) -> str | None:
    """A reason as the tracker writes it (its label) or as set-status takes it (its slug)."""
    return check_reason(status, value, from_file=True)


# The audit trail keeps one event per created record and per status, with its before and after
# values, as every other command writes them. 140,000 events in a 50,000-row import made
# json.dumps a second of the import; these templates write the same bytes that
# json.dumps(..., sort_keys=True) does (keys in sorted order, ", " and ": ", ASCII escapes),
# with the C string encoder, at a fraction of the cost. A test checks they agree.
def _j(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _string(value)
    return str(value)  # the ints: numbers and the internal flag


# STAMP, ACTOR and EID come already encoded (the same for every event of an import);
# ids, dates and statuses are always strings.
def _finding_json(f: tuple, stamp: str, actor: str, eid: str) -> str:
    id_, area, number, title, body, dated, _ = f
    return (
        f'{{"body": {_j(body)}, "created_at": {stamp}, "created_by": {actor}, "dated": {_string(dated)}, '
        f'"engagement_id": {eid}, "focus_area_id": {_string(area)}, "id": {_string(id_)}, "internal": 0, '
        f'"methods": "[]", "number": {number}, "review": "draft", "title": {_j(title)}}}'
    )


def _rec_json(r: tuple, stamp: str, actor: str, eid: str) -> str:
    _, id_, finding_id, number, text, priority, owner, due, dated, _ = r
    return (
        f'{{"created_at": {stamp}, "created_by": {actor}, "dated": {_string(dated)}, "due": {_j(due)}, '
        f'"engagement_id": {eid}, "finding_id": {_string(finding_id)}, "id": {_string(id_)}, "internal": 0, '
        f'"number": {number}, "owner": {_j(owner)}, "priority": {_j(priority)}, "review": "draft", '
        f'"text": {_j(text)}}}'
    )


def _status_json(u: tuple, stamp: str, actor: str) -> str:
    _, id_, rec_id, status, as_of, note, reason, evidence, _, _ = u
    return (
        f'{{"as_of": {_string(as_of)}, "evidence": {_j(evidence)}, "id": {_string(id_)}, "note": {_j(note)}, '
        f'"reason": {_j(reason)}, "recommendation_id": {_string(rec_id)}, "recorded_at": {stamp}, '
        f'"recorded_by": {actor}, "status": {_string(status)}}}'
    )


def _records(plan: Plan):
    """Each new record as (kind, id, ref, dated, title, body, text, priority, owner, due), findings first."""
    for f in plan.findings:
        yield "finding", f[0], f[6], f[5], f[3], f[4], None, None, None, None
    for r in plan.steps:
        if r[0] is _REC:
            yield "recommendation", r[1], r[9], r[8], None, None, r[4], r[5], r[6], r[7]


def _review_history(plan: Plan):
    """A new record's review history: a draft, then (with a reviewer) submitted and approved on its date."""
    eid, stamp, actor, reviewer = plan.engagement_id, plan.stamp, plan.actor, plan.approved_by
    for kind, id_, _, dated, *_ in _records(plan):
        yield ordered_id(), eid, kind, id_, "draft", dated, stamp, actor, None
        if reviewer:
            yield ordered_id(), eid, kind, id_, "in-review", dated, stamp, actor, None
            yield ordered_id(), eid, kind, id_, "approved", dated, stamp, reviewer, None


def _approved_versions(plan: Plan):
    """The approved wording is what the public sees (reports/public.py)."""
    for kind, id_, _, dated, title, body, text, priority, owner, due in _records(plan):
        yield (
            ordered_id(),
            plan.engagement_id,
            kind,
            id_,
            dated,
            plan.stamp,
            plan.approved_by,
            title,
            body,
            text,
            priority,
            owner,
            due,
        )


def _events(plan: Plan):
    """The audit events, in the order the records were made: each record's create, review steps, statuses."""
    eid, stamp, actor, reviewer = plan.engagement_id, plan.stamp, plan.actor, plan.approved_by

    def reviews(kind, id_, ref):
        if reviewer:
            yield (
                stamp,
                actor,
                eid,
                kind,
                id_,
                ref,
                "submit",
                '{"review": "draft"}',
                '{"comment": null, "review": "in-review"}',
            )
            yield (
                stamp,
                reviewer,
                eid,
                kind,
                id_,
                ref,
                "review",
                '{"review": "in-review"}',
                '{"comment": null, "review": "approved"}',
            )

    coded = _string(stamp), _string(actor), _string(eid)
    for f in plan.findings:
        yield stamp, actor, eid, "finding", f[0], f[6], "create", None, _finding_json(f, *coded)
        yield from reviews("finding", f[0], f[6])
    for step in plan.steps:
        if step[0] is _REC:
            yield (
                stamp,
                actor,
                eid,
                "recommendation",
                step[1],
                step[9],
                "create",
                None,
                _rec_json(step, *coded),
            )
            yield from reviews("recommendation", step[1], step[9])
        else:
            before = (
                None
                if step[9] is None
                else f'{{"as_of": {_j(step[9][1])}, "status": {_j(step[9][0])}}}'
            )
            yield (
                stamp,
                actor,
                eid,
                "recommendation",
                step[2],
                step[8],
                "status",
                before,
                _status_json(step, *coded[:2]),
            )


def _insert(store: Store, table: str, columns: str, rows) -> None:
    # executemany takes the generator row by row: the import never holds its rows twice.
    store.conn.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(columns.split(',')))})", rows
    )


def apply_plan(store: Store, plan: Plan) -> None:
    """Write a checked plan in one transaction."""
    eid, stamp, actor = plan.engagement_id, plan.stamp, plan.actor
    review = "approved" if plan.approved_by else "draft"
    with store.write():
        from reformctl.store.fts import indexed_in_bulk

        with indexed_in_bulk(store, "findings"), indexed_in_bulk(store, "recommendations"):
            _insert(
                store,
                "findings",
                "id, engagement_id, focus_area_id, number, title, body, methods, internal, "
                "review, dated, created_at, created_by",
                (
                    (f[0], eid, f[1], f[2], f[3], f[4], "[]", 0, review, f[5], stamp, actor)
                    for f in plan.findings
                ),
            )
            _insert(
                store,
                "recommendations",
                "id, engagement_id, finding_id, number, text, priority, owner, due, "
                "internal, review, dated, created_at, created_by",
                (
                    (r[1], eid, r[2], r[3], r[4], r[5], r[6], r[7], 0, review, r[8], stamp, actor)
                    for r in plan.steps
                    if r[0] is _REC
                ),
            )
        _insert(
            store,
            "status_updates",
            "id, recommendation_id, status, as_of, note, reason, evidence, recorded_at, "
            "recorded_by",
            (
                (u[1], u[2], u[3], u[4], u[5], u[6], u[7], stamp, actor)
                for u in plan.steps
                if u[0] is _STATUS
            ),
        )
        _insert(
            store,
            "review_history",
            "id, engagement_id, record_type, record_id, review, on_date, at, actor, comment",
            _review_history(plan),
        )
        if plan.approved_by:
            _insert(
                store,
                "approved_versions",
                "id, engagement_id, record_type, record_id, on_date, at, actor, "
                "title, body, text, priority, owner, due",
                _approved_versions(plan),
            )
        _insert(
            store,
            "events",
            "at, actor, engagement_id, record_type, record_id, ref, action, before, after",
            _events(plan),
        )
