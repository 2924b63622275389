"""A quarter's review from a CSV file: every row checked, then all applied in one transaction or none."""

from __future__ import annotations

from reformctl.dates import past_date
from reformctl.errors import Invalid, ReformError, RowErrors
from reformctl.exchange.sheets import Sheet
from reformctl.model.guards import require_open
from reformctl.model.statuses import check_reason, set_status
from reformctl.model.vocab import status_key
from reformctl.store import Store

REQUIRED_COLUMNS = ("recommendation", "status", "as_of", "note", "reason")
OPTIONAL_COLUMNS = ("evidence",)


class _DryRun(Exception):
    """Raised inside the transaction so that a dry run rolls every checked row back."""


def review_rows(sheets: list[Sheet], source: str) -> list[tuple[int, dict]]:
    """A status review's rows as {column: cell}, read by the one spreadsheet reader (sheets.py);
    rows are numbered as a spreadsheet shows them (the header is row 1)."""
    if len(sheets) != 1:
        raise Invalid(f"{source}: a status review is one table; this workbook has {len(sheets)}")
    header = sheets[0].header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        what = (
            f"lacks {'the column' if len(missing) == 1 else 'the columns'} {', '.join(missing)}"
            if missing
            else f"has {'an unknown column' if len(unknown) == 1 else 'unknown columns'} "
            f"{', '.join(unknown)}"
        )
        raise Invalid(
            f"{source}: {what}; the header must be {','.join(REQUIRED_COLUMNS)} (evidence optional)"
        )
    rows = []
    for number, cells in sheets[0].rows:
        row = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
        if any(cells[len(header) :]):
            row["_extra"] = "yes"
        if any(row.values()):
            rows.append((number, row))
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
    """Apply every row, or none: raises RowErrors listing each bad row (all rows are checked).

    A row whose status and date a recommendation's history already holds is unchanged (not written)."""
    if not rows:
        raise Invalid("the file has a header but no rows; nothing to apply")
    applied: list[dict] = []
    problems: list[tuple[int, None, ReformError]] = []
    try:
        with store.write():
            for number, cells in rows:
                try:
                    applied.append({"row": number, **_apply_row(store, engagement, cells, actor)})
                except ReformError as exc:
                    problems.append((number, None, exc))  # worded by the caller
            if problems:
                raise RowErrors(None, problems, "nothing was changed")
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return applied


def _apply_row(store: Store, engagement: dict, cells: dict, actor: str) -> dict:
    """One row, set as set-status sets a status (the same checks), or found unchanged."""
    if cells.get("_extra"):
        raise Invalid("more cells than the header has columns")
    if not cells.get("recommendation"):
        raise Invalid("'recommendation' is empty; give its number, e.g. 3.1.2")
    if not cells.get("status"):
        raise Invalid(
            "'status' is empty; use not-started, in-progress, partially-complete or complete"
        )
    if not cells.get("as_of"):
        raise Invalid("'as_of' is empty; give the date the status holds from, e.g. 2026-09-30")
    if same := _recorded(store, engagement, cells):
        return same
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
    return {
        "number": update["ref"],
        "status": update["status"],
        "as_of": update["as_of"],
        "previous": update["previous"],
        "reason": update["reason"],
        "superseded_by": update["superseded_by"],
        "unchanged": False,
    }
