"""A quarter's review from a CSV file: every row checked, then all applied in one transaction or none."""

from __future__ import annotations

import csv
import io

from reformctl.dates import past_date
from reformctl.errors import Invalid, ReformError
from reformctl.model.guards import require_open
from reformctl.model.statuses import check_reason, set_status
from reformctl.model.vocab import status_key
from reformctl.store import Store

REQUIRED_COLUMNS = ("recommendation", "status", "as_of", "note", "reason")
OPTIONAL_COLUMNS = ("evidence",)


class InvalidRows(Invalid):
    """Some rows of a bulk file are wrong; `problems` holds one line per bad row."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} row(s) have errors; nothing was changed")
        self.problems = problems


class _DryRun(Exception):
    """Raised inside the transaction so that a dry run rolls every checked row back."""


def read_rows(text: str, source: str) -> list[tuple[int, dict]]:
    """Parse the CSV; rows are numbered as a spreadsheet shows them (the header is row 1)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise Invalid(
            f"{source}: the file is empty; its first row must be the header {','.join(REQUIRED_COLUMNS)}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        what = (
            f"lacks column(s) {', '.join(missing)}"
            if missing
            else f"has unknown column(s) {', '.join(unknown)}"
        )
        raise Invalid(
            f"{source}: {what}; the header must be {','.join(REQUIRED_COLUMNS)} (evidence optional)"
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if row.get(None):
            cells["_extra"] = "yes"
        if any(cells.values()):
            rows.append((reader.line_num, cells))
    if not rows:
        raise Invalid(f"{source}: the file has a header but no rows; nothing to apply")
    return rows


def _recorded(store: Store, engagement: dict, cells: dict) -> dict | None:
    """The row as an unchanged one when its status and date are already in the recommendation's
    history (a tracker read back again), else None: set_status then checks and records it."""
    from reformctl.model.recommendations import resolve_recommendation

    status = status_key(cells["status"])
    try:
        check_reason(status or "", cells.get("reason"), from_file=True)
        as_of = past_date(cells["as_of"], "as_of")
    except Invalid:
        return None  # set_status words the error
    if status is None:
        return None
    require_open(engagement)
    rec = resolve_recommendation(store, engagement, cells["recommendation"])
    if rec["review"] == "withdrawn" or not store.value(
        "SELECT 1 FROM status_updates WHERE recommendation_id = ? AND status = ? AND as_of = ?",
        (rec["id"], status, as_of),
    ):
        return None
    return {
        "number": rec["ref"],
        "status": status,
        "as_of": as_of,
        "previous": status,
        "reason": None,
        "superseded_by": None,
        "unchanged": True,
    }


def bulk_status(
    store: Store, engagement: dict, rows: list[tuple[int, dict]], actor: str, dry_run: bool = False
) -> list[dict]:
    """Apply every row, or none: raises InvalidRows listing each bad row (all rows are checked).

    A row whose status and date a recommendation's history already holds is unchanged (not written)."""
    if not rows:
        raise Invalid("the file has a header but no rows; nothing to apply")
    applied: list[dict] = []
    problems: list[str] = []
    try:
        with store.write():
            for number, cells in rows:
                if cells.get("_extra"):
                    problems.append(f"row {number}: more cells than the header has columns")
                    continue
                try:
                    if not cells.get("recommendation"):
                        raise Invalid("'recommendation' is empty; give its number, e.g. 3.1.2")
                    if not cells.get("status"):
                        raise Invalid(
                            "'status' is empty; use not-started, in-progress, partially-complete or complete"
                        )
                    if not cells.get("as_of"):
                        raise Invalid(
                            "'as_of' is empty; give the date the status holds from, e.g. 2026-09-30"
                        )
                    if same := _recorded(store, engagement, cells):
                        applied.append({"row": number, **same})
                        continue
                    update = set_status(
                        store,
                        engagement,
                        cells["recommendation"],
                        cells["status"],
                        actor,
                        as_of=cells["as_of"],
                        note=cells.get("note") or None,
                        reason=cells.get("reason") or None,
                        evidence=cells.get("evidence") or None,
                        from_file=True,
                    )
                except ReformError as exc:
                    problems.append(f"row {number}: {exc}")
                    continue
                applied.append(
                    {
                        "row": number,
                        "number": update["ref"],
                        "status": update["status"],
                        "as_of": update["as_of"],
                        "previous": update["previous"],
                        "reason": update["reason"],
                        "superseded_by": update["superseded_by"],
                        "unchanged": False,
                    }
                )
            if problems:
                raise InvalidRows(problems)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return applied
