"""Rules about what an engagement's phase allows."""

from __future__ import annotations

from reformctl.errors import Refused


def require_open(engagement: dict) -> None:
    if engagement["phase"] == "closed":
        raise Refused(
            f"{engagement['site']} is closed; reopen it first with "
            f"`reformctl reopen --site {engagement['site']} --reason TEXT`"
        )


def require_findings_allowed(engagement: dict) -> None:
    require_open(engagement)
    if engagement["phase"] == "planning":
        raise Refused(
            f"{engagement['site']} is still in planning; findings are logged from the assessment phase on "
            f"(`reformctl advance --site {engagement['site']} assessment`)"
        )
