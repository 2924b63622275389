"""Public numbers: 'Finding 3.1' and 'Recommendation 3.1.2', as the public pages cite them."""

from __future__ import annotations

import re

from reformctl.errors import Invalid

# Patterns, not compiled at import: listings only format numbers; re compiles and caches
# a pattern on first use.
FINDING_RE = r"^([1-9][0-9]{0,5})\.([1-9][0-9]{0,5})$"
REC_RE = r"^([1-9][0-9]{0,5})\.([1-9][0-9]{0,5})\.([1-9][0-9]{0,5})$"


def parse_finding_ref(ref: str) -> tuple[int, int]:
    match = re.match(FINDING_RE, (ref or "").strip())
    if not match:
        raise Invalid(f"{ref!r} is not a finding number; use focus area and finding, e.g. 3.1")
    return int(match[1]), int(match[2])


def parse_rec_ref(ref: str) -> tuple[int, int, int]:
    match = re.match(REC_RE, (ref or "").strip())
    if not match:
        raise Invalid(
            f"{ref!r} is not a recommendation number; use focus area, finding and recommendation, e.g. 3.1.2"
        )
    return int(match[1]), int(match[2]), int(match[3])


def finding_ref(area: int, finding: int) -> str:
    return f"{area}.{finding}"


def rec_ref(area: int, finding: int, rec: int) -> str:
    return f"{area}.{finding}.{rec}"
