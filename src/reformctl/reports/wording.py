"""How a public page words dates and places: "March 28, 2024", "North Miami, FL"."""

from __future__ import annotations

import datetime as _dt


def long_date(iso: str | None) -> str:
    """'2024-03-28' -> 'March 28, 2024'."""
    if not iso:
        return ""
    day = _dt.date.fromisoformat(iso)
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def location(engagement: dict) -> str:
    return ", ".join(part for part in (engagement.get("city"), engagement.get("state")) if part)
