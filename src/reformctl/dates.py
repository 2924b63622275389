"""Dates: parsing user input strictly, and today's date (which REFORMCTL_TODAY can pin)."""

from __future__ import annotations

import datetime as _dt
import os

from reformctl.errors import Invalid

TODAY_VAR = "REFORMCTL_TODAY"
# Every date the store holds is a year of police reform work: a year outside these bounds is a
# typing slip (0024 for 2024) or an attack on sorting and arithmetic, never a real record.
MIN_YEAR, MAX_YEAR = 1900, 2200


def parse_date(value: str, what: str = "date") -> str:
    """Return VALUE as an ISO date string, or raise Invalid naming WHAT (words, or an Option).

    The one date rule for every door (options, TOML, CSV/XLSX, bundles): a real calendar date
    written YYYY-MM-DD, in a year from MIN_YEAR to MAX_YEAR."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) != 10:
            raise ValueError
        day = _dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(
            "{what} {value!r} is not a real date; use YYYY-MM-DD, e.g. 2024-03-28",
            what=what,
            value=value,
        ) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Invalid(
            "{what} {text} is out of range; years run from {low} to {high}",
            what=what,
            text=text,
            low=MIN_YEAR,
            high=MAX_YEAR,
        )
    return day.isoformat()


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
        raise Invalid(
            "{what} {day} is in the future; today is {today}", what=what, day=day, today=today()
        )
    return day
