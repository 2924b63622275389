"""Quarter ends: the dates of the quarterly status updates, and the points of the status chart."""

from __future__ import annotations

import datetime as _dt

_QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def quarter_end_on_or_after(iso: str) -> str:
    day = _dt.date.fromisoformat(iso)
    for month, last in _QUARTER_ENDS:
        end = _dt.date(day.year, month, last)
        if end >= day:
            return end.isoformat()
    raise AssertionError("unreachable: December 31 ends every year")


def previous_quarter_end(iso: str) -> str:
    """The last quarter end strictly before ISO: 2026-11-27 -> 2026-09-30, 2026-09-30 -> 2026-06-30."""
    day = _dt.date.fromisoformat(iso)
    for year in (day.year, day.year - 1):
        for month, last in reversed(_QUARTER_ENDS):
            end = _dt.date(year, month, last)
            if end < day:
                return end.isoformat()
    raise AssertionError("unreachable: a quarter ended in the previous year")


def quarter_ends(start: str, end: str) -> list[str]:
    """Every quarter end from the one on or after START up to END, then END itself if it is not one."""
    points: list[str] = []
    current = quarter_end_on_or_after(start)
    while current <= end:
        points.append(current)
        nxt = (_dt.date.fromisoformat(current) + _dt.timedelta(days=1)).isoformat()
        current = quarter_end_on_or_after(nxt)
    if not points or points[-1] != end:
        points.append(end)
    return points
