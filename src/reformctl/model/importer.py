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
from typing import Callable

from reformctl.dates import now, parse_date, today
from reformctl.errors import Invalid, RowErrors
from reformctl.model.guards import require_findings_allowed
from reformctl.model.ids import new_id
from reformctl.model.refs import parse_finding_ref, parse_rec_ref, finding_ref
from reformctl.model.sheets import Sheet
from reformctl.model.statuses import check_reason, status_at
from reformctl.model.text import clean_body, clean_optional, clean_title
from reformctl.model.vocab import PRIORITIES, REASONS, STATUSES, choices
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
}
REQUIRED = ("finding",)
_LABELS = {label.lower(): key for key, label in STATUSES.items()} | {key: key for key in STATUSES}
ROW_CHUNK = 500  # progress is reported this often
_AREA = re.compile(r"(\d+)(?:\.\s.*)?", re.S)  # "2", or "2. Title" as the XLSX tracker writes it


@dataclass
class Plan:
    findings: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    status_updates: list[dict] = field(default_factory=list)
    review_history: list[dict] = field(default_factory=list)
    approved_versions: list[dict] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict:
        return {"findings": len(self.findings), "recommendations": len(self.recommendations),
                "status_updates": len(self.status_updates), "unchanged": self.unchanged}


class _Rows:
    """Collects errors by row and column while a row is checked.

    A row is its number, or (sheet, number) in a workbook read sheet by sheet; a column is
    named as its sheet's header wrote it, so that the user can find the cell.
    """

    def __init__(self):
        self.errors: list[tuple[int | tuple[str, int] | None, str | None, str]] = []
        self.labels: dict[str | None, dict[str, str]] = {}

    def add(self, row: int | tuple[str, int] | None, column: str | None, message: str) -> None:
        if column:
            column = self.labels.get(row[0] if isinstance(row, tuple) else None, {}).get(column, column)
        self.errors.append((row, column, message))

    def check(self, row: int, column: str, fn, *args):
        try:
            return fn(*args)
        except Invalid as exc:
            self.add(row, column, str(exc))
            return None


def _date(value: str, what: str, day: str) -> str:
    parsed = parse_date(value, what)
    if parsed > day:
        raise Invalid(f"{what} {parsed} is in the future; today is {day}")
    return parsed


def _status(value: str) -> str:
    key = _LABELS.get(" ".join(value.lower().split()))
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
            errs.add(place(1), name or f"#{i + 1}", f"unknown column {name!r}; the columns are {choices(COLUMNS)}")
        elif name in seen:
            errs.add(place(1), name, "the column appears twice")
        else:
            seen[name] = i
    for name in REQUIRED:
        if name not in seen:
            errs.add(place(1), name, f"missing column {name!r}; the first row must name the columns ({choices(COLUMNS)})")
    return seen


def plan_import(
    store: Store, engagement: dict, sheets: list[Sheet], actor: str,
    source: str, progress: Callable[[int], None] | None = None, approved_by: str | None = None,
) -> Plan:
    """Check every row and work out what to write; raises RowErrors listing every problem.

    New records are drafts, or, with APPROVED_BY, submitted by ACTOR and approved by that
    reviewer (for a spreadsheet that holds an already-reviewed record, such as a tracker).
    """
    errs = _Rows()
    require_findings_allowed(engagement)
    if approved_by is not None:
        approved_by = " ".join(approved_by.split())
        if not approved_by:
            raise Invalid("--approved-by needs the reviewer's name")
        if approved_by == actor and not engagement["self_approval"]:
            raise Invalid(f"{actor} is importing these records and cannot also approve them (four eyes); "
                          "name another reviewer with --approved-by, or import them as drafts")
    tables = []
    for sheet in sheets:
        place = _placer(sheet.name)
        tables.append((sheet, place, _columns(errs, sheet, place)))
    if errs.errors:
        raise RowErrors(source, errs.errors)
    if not any(sheet.rows for sheet in sheets):
        raise RowErrors(source, [(None, None, "no data rows after the header")])

    eid = engagement["id"]
    areas = {r["number"]: r for r in store.rows("SELECT id, number FROM focus_areas WHERE engagement_id = ?", (eid,))}
    findings = {(r["area"], r["number"]): r for r in store.rows(
        """SELECT f.id, fa.number AS area, f.number, f.dated, f.review FROM findings f
           JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE f.engagement_id = ?""", (eid,))}
    recs = {(r["area"], r["fnum"], r["number"]): r for r in store.rows(
        f"""SELECT r.id, fa.number AS area, f.number AS fnum, r.number, r.dated, r.review,
                   {status_at('status')} AS status, {status_at('as_of')} AS status_as_of
            FROM recommendations r JOIN findings f ON f.id = r.finding_id
            JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE r.engagement_id = :eid""",
        {"eid": eid, "as_of": "9999-12-31"})}

    day0 = today()
    new_findings: dict[tuple[int, int], dict] = {}  # key -> {row, title, body, date, as_ofs}
    rec_rows: dict[tuple[int, int, int], int | tuple[str, int]] = {}
    parsed: list[dict] = []
    numbered = ((sheet, place, seen_columns, place(n), cells) for sheet, place, seen_columns in tables
                for n, cells in sheet.rows)
    for done, (sheet, place, seen_columns, number, cells) in enumerate(numbered, start=1):
        if progress and done % ROW_CHUNK == 0:
            progress(ROW_CHUNK)
        width = len(sheet.header)
        if len(cells) < width:
            errs.add(number, None, f"has {len(cells)} cells but the header names {width} columns; is the file truncated?")
            continue
        if any(cells[width:]):
            errs.add(number, None, f"has {len(cells)} cells but the header names only {width} columns")
            continue
        get = {name: cells[i] for name, i in seen_columns.items()}
        count_before = len(errs.errors)
        fkey = errs.check(number, "finding", parse_finding_ref, get["finding"]) if get["finding"] else None
        if not get["finding"]:
            errs.add(number, "finding", "is empty; every row names its finding, e.g. 2.1")
        if fkey is None:
            continue
        area = _AREA.fullmatch(get.get("focus_area") or "")
        if get.get("focus_area") and (area is None or area.group(1) != str(fkey[0])):
            errs.add(number, "focus_area", f"{get['focus_area']!r} does not match finding {finding_ref(*fkey)}")
        if fkey[0] not in areas:
            errs.add(number, "finding", f"focus area {fkey[0]} does not exist in {engagement['site']} "
                                        f"(it has {len(areas)})")
            continue
        row = {"row": number, "finding": fkey}
        if get.get("recommendation"):
            rkey = errs.check(number, "recommendation", parse_rec_ref, get["recommendation"])
            if rkey is not None:
                if rkey[:2] != fkey:
                    errs.add(number, "recommendation", f"{get['recommendation']} is not under finding {finding_ref(*fkey)}")
                elif rkey in rec_rows:
                    errs.add(number, "recommendation", f"{get['recommendation']} repeats {_at(rec_rows[rkey])}; "
                                                       "give each recommendation once")
                else:
                    rec_rows[rkey] = number
                    row["rec"] = rkey
        if get.get("status", "").lower() == "withdrawn" and get.get("recommendation"):
            # The trackers mark a published record withdrawn since so; reading one back changes nothing.
            rkey = row.get("rec")
            if rkey in recs and "withdrawn" in (recs[rkey]["review"], findings[fkey]["review"]):
                get["status"] = ""
            elif rkey is not None:
                errs.add(number, "status", f"{get['recommendation']} is not withdrawn in {engagement['site']}, and "
                                           "an import cannot withdraw it; withdraw it with `reformctl review "
                                           "--decision withdraw`, or give its status")
                get["status"] = ""
        if get.get("status"):
            row["status"] = errs.check(number, "status", _status, get["status"])
            if not get.get("recommendation"):
                errs.add(number, "status", "a status needs a recommendation on the same row")
        if get.get("status_as_of"):
            row["as_of"] = errs.check(number, "status_as_of", _date, get["status_as_of"], "status_as_of", day0)
        if get.get("note"):
            row["note"] = errs.check(number, "note", clean_body, get["note"], "note", 5_000) or None
        if get.get("evidence"):
            row["evidence"] = errs.check(number, "evidence", clean_body, get["evidence"], "evidence", 5_000) or None
        if get.get("reason"):
            if not get.get("status"):
                errs.add(number, "reason", "a reason goes with a status on the same row")
            elif row.get("status"):
                row["reason"] = errs.check(number, "reason", _reason, row["status"], get["reason"])
        if fkey not in findings:
            entry = new_findings.get(fkey)
            title = get.get("finding_title", "")
            if entry is None:
                entry = new_findings[fkey] = {"row": number, "title": None, "body": "", "date": None, "as_ofs": []}
            if title:
                cleaned = entry["title"] if title == entry.get("raw") else errs.check(
                    number, "finding_title", clean_title, title, "finding_title")
                entry["raw"] = title
                if cleaned and entry["title"] and cleaned != entry["title"]:
                    errs.add(number, "finding_title", f"differs from {_at(entry['row'])} for the same finding {finding_ref(*fkey)}")
                entry["title"] = entry["title"] or cleaned
            if get.get("finding_body"):
                entry["body"] = errs.check(number, "finding_body", clean_body, get["finding_body"], "finding_body") or ""
            if get.get("finding_date"):
                entry["date"] = errs.check(number, "finding_date", _date, get["finding_date"], "finding_date", day0)
            if row.get("as_of"):
                entry["as_ofs"].append(row["as_of"])
        if row.get("rec") and row["rec"] not in recs:
            if not get.get("recommendation_text"):
                errs.add(number, "recommendation_text", f"is empty, and {get['recommendation']} is a new recommendation")
            else:
                row["text"] = errs.check(number, "recommendation_text", clean_body, get["recommendation_text"],
                                         "recommendation_text", 5_000)
            if get.get("priority"):
                row["priority"] = errs.check(number, "priority", _priority, get["priority"])
            if get.get("owner"):
                row["owner"] = errs.check(number, "owner", clean_optional, get["owner"], "owner")
            if get.get("due"):
                row["due"] = errs.check(number, "due", parse_date, get["due"], "due")
            if get.get("recommendation_date"):
                row["dated"] = errs.check(number, "recommendation_date", _date, get["recommendation_date"],
                                          "recommendation_date", day0)
        if len(errs.errors) == count_before:
            parsed.append(row)
    for fkey, entry in new_findings.items():
        if not entry["title"]:
            errs.add(entry["row"], "finding_title", f"is empty, and {finding_ref(*fkey)} is a new finding")
    if errs.errors:
        raise RowErrors(source, errs.errors)

    plan = Plan()
    stamp, day = now(), today()
    created: dict[tuple[int, int], dict] = {}
    for fkey, entry in sorted(new_findings.items()):
        dated = entry["date"] or min(entry["as_ofs"] + [day])
        finding = {"id": new_id(), "engagement_id": eid, "focus_area_id": areas[fkey[0]]["id"], "number": fkey[1],
                   "title": entry["title"], "body": entry["body"], "methods": "[]", "internal": 0,
                   "review": "draft", "dated": dated, "created_at": stamp, "created_by": actor}
        plan.findings.append(finding)
        created[fkey] = finding
        plan.events.append(_event(stamp, actor, eid, "finding", finding["id"], finding_ref(*fkey), "create", None, finding))
        _review(plan, finding, "finding", finding_ref(*fkey), stamp, actor, approved_by)
    for row in parsed:
        parent = findings.get(row["finding"]) or created[row["finding"]]
        rkey = row.get("rec")
        if rkey is None:
            continue
        ref = ".".join(map(str, rkey))
        existing = recs.get(rkey)
        if existing is None:
            dated = row.get("dated") or parent["dated"]
            if dated < parent["dated"]:
                errs.add(row["row"], "recommendation_date", f"{dated} is before its finding ({parent['dated']})")
                continue
            rec = {"id": new_id(), "engagement_id": eid, "finding_id": parent["id"], "number": rkey[2],
                   "text": row["text"], "priority": row.get("priority"), "owner": row.get("owner"),
                   "due": row.get("due"), "internal": 0, "review": "draft", "dated": dated,
                   "created_at": stamp, "created_by": actor}
            plan.recommendations.append(rec)
            plan.events.append(_event(stamp, actor, eid, "recommendation", rec["id"], ref, "create", None, rec))
            _review(plan, rec, "recommendation", ref, stamp, actor, approved_by)
            current = {"id": rec["id"], "dated": dated, "status": None, "status_as_of": None, "review": "draft"}
            first = _update(rec["id"], "not-started", dated, None, stamp, actor)
            plan.status_updates.append(first)
            plan.events.append(_event(stamp, actor, eid, "recommendation", rec["id"], ref, "status", None, first))
            current.update(status="not-started", status_as_of=dated)
        else:
            current = existing
        if not row.get("status"):
            if existing is not None:
                plan.unchanged += 1
            continue
        as_of = row.get("as_of") or day
        if current["review"] == "withdrawn":
            errs.add(row["row"], "status", f"recommendation {ref} is withdrawn; its status can no longer change")
            continue
        if as_of < current["dated"]:
            errs.add(row["row"], "status_as_of", f"{as_of} is before recommendation {ref} was made ({current['dated']})")
            continue
        if current["status"] == row["status"] and current["status_as_of"] == as_of:
            plan.unchanged += existing is not None
            continue
        if current["status"] == row["status"] and existing is None and not (row.get("reason") or row.get("note")):
            continue  # a new recommendation that is Not Started: its first status says so
        update = _update(current["id"], row["status"], as_of, row.get("note"), stamp, actor,
                         row.get("reason"), row.get("evidence"))
        plan.status_updates.append(update)
        before = {"status": current["status"], "as_of": current["status_as_of"]}
        plan.events.append(_event(stamp, actor, eid, "recommendation", current["id"], ref, "status", before, update))
    if errs.errors:
        raise RowErrors(source, errs.errors)
    return plan


def _at(row: int | tuple[str, int]) -> str:
    return f"sheet {row[0]}, row {row[1]}" if isinstance(row, tuple) else f"row {row}"


def _review(plan: Plan, record: dict, kind: str, ref: str, stamp: str, actor: str, approved_by: str | None) -> None:
    """A new record's review history: a draft, then (with a reviewer) submitted and approved on its date."""
    steps = [("draft", actor, None)]
    if approved_by:
        steps += [("in-review", actor, "submit"), ("approved", approved_by, "review")]
        record["review"] = "approved"
        # The approved wording is what the public sees (reports/public.py); every column is named
        # so that findings' and recommendations' versions go in one executemany.
        fields = ("title", "body", "text", "priority", "owner", "due")
        plan.approved_versions.append({
            "id": new_id(), "engagement_id": record["engagement_id"], "record_type": kind, "record_id": record["id"],
            "on_date": record["dated"], "at": stamp, "actor": approved_by, **{f: record.get(f) for f in fields}})
    previous = None
    for review, who, action in steps:
        plan.review_history.append({"id": new_id(), "engagement_id": record["engagement_id"], "record_type": kind,
                                    "record_id": record["id"], "review": review, "on_date": record["dated"],
                                    "at": stamp, "actor": who, "comment": None})
        if action:
            plan.events.append(_event(stamp, who, record["engagement_id"], kind, record["id"], ref, action,
                                      {"review": previous}, {"review": review, "comment": None}))
        previous = review


def _update(rec_id: str, status: str, as_of: str, note: str | None, stamp: str, actor: str,
            reason: str | None = None, evidence: str | None = None) -> dict:
    return {"id": new_id(), "recommendation_id": rec_id, "status": status, "as_of": as_of, "note": note,
            "reason": reason, "evidence": evidence, "recorded_at": stamp, "recorded_by": actor}


_REASON_LABELS = {label.lower(): key for key, label in REASONS.items()} | {key: key for key in REASONS}


def _reason(status: str, value: str) -> str | None:
    """A reason as the tracker writes it (its label) or as set-status takes it (its slug)."""
    return check_reason(status, _REASON_LABELS.get(value.strip().lower(), value.strip()))


def _event(at, actor, eid, record_type, record_id, ref, action, before, after) -> tuple:
    return (at, actor, eid, record_type, record_id, ref, action,
            json.dumps(before, sort_keys=True) if before is not None else None,
            json.dumps(after, sort_keys=True) if after is not None else None)


def _insert_many(store: Store, table: str, records: list[dict]) -> None:
    if not records:
        return
    columns = list(records[0])
    store.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [tuple(r[c] for c in columns) for r in records],
    )


def apply_plan(store: Store, plan: Plan) -> None:
    """Write a checked plan in one transaction."""
    with store.write():
        store.execute("PRAGMA cache_size = -65536")  # 64 MB for this connection: big imports touch many index pages
        from reformctl.store.fts import indexed_in_bulk

        with indexed_in_bulk(store, "findings"), indexed_in_bulk(store, "recommendations"):
            _insert_many(store, "findings", plan.findings)
            _insert_many(store, "recommendations", plan.recommendations)
        _insert_many(store, "status_updates", plan.status_updates)
        _insert_many(store, "review_history", plan.review_history)
        _insert_many(store, "approved_versions", plan.approved_versions)
        store.conn.executemany(
            "INSERT INTO events (at, actor, engagement_id, record_type, record_id, ref, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", plan.events)
