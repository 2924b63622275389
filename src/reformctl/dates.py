"""Dates: parsing user input strictly, and today's date (which REFORMCTL_TODAY can pin)."""

from __future__ import annotations

import datetime as _dt
import os

from reformctl.errors import Invalid

TODAY_VAR = "REFORMCTL_TODAY"


def parse_date(value: str, what: str = "date") -> str:
    """Return VALUE as an ISO date string, or raise Invalid naming WHAT."""
    text = (value or "").strip()
    try:
        if len(text) != 10:
            raise ValueError
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise Invalid(f"{what} {value!r} is not a real date; use YYYY-MM-DD, e.g. 2024-03-28") from None


def today() -> str:
    """Today as YYYY-MM-DD, or the date REFORMCTL_TODAY pins (for replayable histories and tests)."""
    pinned = os.environ.get(TODAY_VAR)
    if pinned:
        return parse_date(pinned, what=TODAY_VAR)
    return _dt.date.today().isoformat()


def now() -> str:
    """A timestamp for the audit trail; its date part follows REFORMCTL_TODAY when that is set."""
    moment = _dt.datetime.now(_dt.timezone.utc)
    pinned = os.environ.get(TODAY_VAR)
    if pinned:
        day = _dt.date.fromisoformat(parse_date(pinned, what=TODAY_VAR))
        moment = moment.replace(year=day.year, month=day.month, day=day.day)
    return moment.isoformat(timespec="microseconds")


def past_date(value: str | None, what: str) -> str:
    """VALUE parsed as a date no later than today, or today when VALUE is empty."""
    day = parse_date(value, what) if value else today()
    if day > today():
        raise Invalid(f"{what} {day} is in the future; today is {today()}")
    return day
