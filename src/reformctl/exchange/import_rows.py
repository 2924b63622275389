"""Checking a spreadsheet's rows for an import, one at a time, against the store and each other.

Each cell goes through the validator its field has at the command line (model/text.py, dates,
vocabularies); a problem is kept at its row and column, as the sheet's header names it, and the
import reports them all at once (errors.RowErrors).
"""

from __future__ import annotations

import re

from reformctl.dates import parse_date, today
from reformctl.errors import Invalid, Message, Remedy
from reformctl.model.refs import finding_ref, parse_finding_ref, parse_rec_ref
from reformctl.model.statuses import check_reason, status_at
from reformctl.model.text import MAX_TEXT, clean_body, clean_optional_name, clean_title
from reformctl.model.vocab import PRIORITIES, STATUSES, choices, status_key
from reformctl.store import Store

_AREA = re.compile(r"(\d+)(?:\.\s.*)?", re.S)  # "2", or "2. Title" as the XLSX tracker writes it


class Problems:
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
            self.add(row, column, exc)
            return None

    def same(self, row: int, column: str, fn, *args):
        """As check, for a column whose few values repeat down the file (dates, statuses, owners).

        Each value is checked once and its result shared by every row that gives it, so a big
        file does not hold a copy of each of its dates and owners a row. A value that
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


class Known:
    """The engagement's focus areas, findings and recommendations (with their current status), each
    read in one query: a file is checked against them, never one query a row."""

    def __init__(self, store: Store, eid: str):
        self.areas = {
            r["number"]: r
            for r in store.rows(
                "SELECT id, number FROM focus_areas WHERE engagement_id = ?", (eid,)
            )
        }
        self.findings = {
            (r["area"], r["number"]): r
            for r in store.rows(
                """SELECT f.id, fa.number AS area, f.number, f.dated, f.review FROM findings f
               JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE f.engagement_id = ?""",
                (eid,),
            )
        }
        self.recs = {
            (r["area"], r["fnum"], r["number"]): r
            for r in store.rows(
                f"""SELECT r.id, fa.number AS area, f.number AS fnum, r.number, r.dated, r.review,
                       {status_at("status")} AS status, {status_at("as_of")} AS status_as_of
                FROM recommendations r JOIN findings f ON f.id = r.finding_id
                JOIN focus_areas fa ON fa.id = f.focus_area_id WHERE r.engagement_id = :eid""",
                {"eid": eid, "as_of": "9999-12-31"},
            )
        }


# A checked row's values, in the order of the tuple RowChecker keeps for each row that names a
# recommendation (after its row, finding key and recommendation key): tuples, not dicts, because
# a big file keeps one for every row until it is planned.
KEPT = (
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
)


class RowChecker:
    """Checks a file's rows one by one, against the store and against each other."""

    def __init__(self, errs: Problems, engagement: dict, known: Known):
        self.errs = errs
        self.engagement = engagement
        self.known = known
        self.day = today()
        self.new_findings: dict[
            tuple[int, int], dict
        ] = {}  # key -> {row, title, body, date, as_ofs}
        self.rec_rows: dict[tuple[int, int, int], int | tuple[str, int]] = {}
        # (row, finding key, recommendation key, *KEPT) of each row without an error that names
        # a recommendation.
        self.parsed: list[tuple] = []

    def check(self, width: int, seen_columns: dict[str, int], number, cells: list[str]) -> None:
        """Check one row; its problems go to errs, a good row that names a recommendation is kept."""
        if not self._width(width, number, cells):
            return
        get = {name: cells[i] for name, i in seen_columns.items()}
        count_before = len(self.errs.errors)
        fkey = self._finding(number, get)
        if fkey is None:
            return
        row = {"row": number, "finding": fkey}
        if get.get("recommendation"):
            self._recommendation(number, get, fkey, row)
        if get.get("status", "").lower() == "withdrawn" and get.get("recommendation"):
            self._withdrawn(number, get, fkey, row)
        self._status(number, get, row)
        if fkey not in self.known.findings:
            self._new_finding(number, get, fkey, row)
        if row.get("rec") and row["rec"] not in self.known.recs:
            self._new_recommendation(number, get, row)
        if len(self.errs.errors) == count_before and row.get("rec") is not None:
            self.parsed.append((number, fkey, row["rec"], *map(row.get, KEPT)))

    def _width(self, width: int, number, cells: list[str]) -> bool:
        if len(cells) < width:
            self.errs.add(
                number,
                None,
                f"has {len(cells)} cells but the header names {width} columns; is the file truncated?",
            )
            return False
        if any(cells[width:]):
            self.errs.add(
                number, None, f"has {len(cells)} cells but the header names only {width} columns"
            )
            return False
        return True

    def _finding(self, number, get: dict) -> tuple[int, int] | None:
        """The row's finding key, checked against its focus area column and the store's areas."""
        errs = self.errs
        fkey = (
            errs.check(number, "finding", parse_finding_ref, get["finding"])
            if get["finding"]
            else None
        )
        if not get["finding"]:
            errs.add(number, "finding", "is empty; every row names its finding, e.g. 2.1")
        if fkey is None:
            return None
        area = _AREA.fullmatch(get.get("focus_area") or "")
        if get.get("focus_area") and (area is None or area.group(1) != str(fkey[0])):
            errs.add(
                number,
                "focus_area",
                f"{get['focus_area']!r} does not match finding {finding_ref(*fkey)}",
            )
        if fkey[0] not in self.known.areas:
            errs.add(
                number,
                "finding",
                f"focus area {fkey[0]} does not exist in {self.engagement['site']} "
                f"(it has {len(self.known.areas)})",
            )
            return None
        return fkey

    def _recommendation(self, number, get: dict, fkey: tuple[int, int], row: dict) -> None:
        rkey = self.errs.check(number, "recommendation", parse_rec_ref, get["recommendation"])
        if rkey is None:
            return
        if rkey[:2] != fkey:
            self.errs.add(
                number,
                "recommendation",
                f"{get['recommendation']} is not under finding {finding_ref(*fkey)}",
            )
        elif rkey in self.rec_rows:
            self.errs.add(
                number,
                "recommendation",
                f"{get['recommendation']} repeats {_at(self.rec_rows[rkey])}; "
                "give each recommendation once",
            )
        else:
            self.rec_rows[rkey] = number
            row["rec"] = rkey

    def _withdrawn(self, number, get: dict, fkey: tuple[int, int], row: dict) -> None:
        # The trackers mark a published record withdrawn since so; reading one back changes nothing.
        rkey, recs = row.get("rec"), self.known.recs
        if rkey in recs and "withdrawn" in (
            recs[rkey]["review"],
            self.known.findings[fkey]["review"],
        ):
            get["status"] = ""
        elif rkey is not None:
            self.errs.add(
                number,
                "status",
                Message(
                    "{ref} is not withdrawn in {site}, and an import cannot withdraw it; "
                    "withdraw it with {remedy}, or give its status",
                    ref=get["recommendation"],
                    site=self.engagement["site"],
                    remedy=Remedy(
                        "withdraw", site=self.engagement["site"], ref=get["recommendation"]
                    ),
                ),
            )
            get["status"] = ""

    def _status(self, number, get: dict, row: dict) -> None:
        """The status columns: status, its date, note, evidence and reason."""
        errs = self.errs
        if get.get("status"):
            row["status"] = errs.same(number, "status", _status, get["status"])
            if not get.get("recommendation"):
                errs.add(number, "status", "a status needs a recommendation on the same row")
        if get.get("status_as_of"):
            row["as_of"] = errs.same(
                number, "status_as_of", _date, get["status_as_of"], "status_as_of", self.day
            )
        for column in ("note", "evidence"):
            if get.get(column):
                row[column] = (
                    errs.check(number, column, clean_body, get[column], column, MAX_TEXT) or None
                )
        if get.get("reason"):
            if not get.get("status"):
                errs.add(number, "reason", "a reason goes with a status on the same row")
            elif row.get("status"):
                row["reason"] = errs.same(number, "reason", _reason, row["status"], get["reason"])

    def _new_finding(self, number, get: dict, fkey: tuple[int, int], row: dict) -> None:
        """A row of a finding the store does not have: its title, body and date, the same on every row."""
        errs = self.errs
        entry = self.new_findings.get(fkey)
        title = get.get("finding_title", "")
        if entry is None:
            entry = self.new_findings[fkey] = {
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
                errs.check(number, "finding_body", clean_body, get["finding_body"], "finding_body")
                or ""
            )
        if get.get("finding_date"):
            entry["date"] = errs.same(
                number, "finding_date", _date, get["finding_date"], "finding_date", self.day
            )
        if row.get("as_of"):
            entry["as_ofs"].append(row["as_of"])

    def _new_recommendation(self, number, get: dict, row: dict) -> None:
        errs = self.errs
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
            row["owner"] = errs.same(number, "owner", clean_optional_name, get["owner"], "owner")
        if get.get("due"):
            row["due"] = errs.same(number, "due", parse_date, get["due"], "due")
        if get.get("recommendation_date"):
            row["dated"] = errs.same(
                number,
                "recommendation_date",
                _date,
                get["recommendation_date"],
                "recommendation_date",
                self.day,
            )

    def untitled_findings(self) -> None:
        for fkey, entry in self.new_findings.items():
            if not entry["title"] and not entry.get("raw"):  # a refused title has its own error
                self.errs.add(
                    entry["row"],
                    "finding_title",
                    f"is empty, and {finding_ref(*fkey)} is a new finding",
                )


def _at(row: int | tuple[str, int]) -> str:
    return f"sheet {row[0]}, row {row[1]}" if isinstance(row, tuple) else f"row {row}"


def _reason(status: str, value: str) -> str | None:
    """A reason as the tracker writes it (its label) or as set-status takes it (its slug)."""
    return check_reason(status, value, from_file=True)
