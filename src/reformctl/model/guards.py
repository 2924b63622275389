"""Rules about what an engagement's phase allows."""

from __future__ import annotations

from reformctl.errors import Refused, Remedy


def require_open(engagement: dict) -> None:
    if engagement["phase"] == "closed":
        raise Refused(
            "{site} is closed; reopen it first with {remedy}",
            site=engagement["site"],
            remedy=Remedy("reopen", site=engagement["site"]),
        )


def require_findings_allowed(engagement: dict) -> None:
    require_open(engagement)
    if engagement["phase"] == "planning":
        raise Refused(
            "{site} is still in planning; findings are logged from the assessment phase on "
            "({remedy})",
            site=engagement["site"],
            remedy=Remedy("advance", site=engagement["site"], phase="assessment"),
        )
