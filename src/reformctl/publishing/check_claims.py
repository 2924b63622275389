"""Numbers and dates a person typed into public prose, read against the record.

Tables compute their own numbers; a sentence does not. Three kinds of claim are read here:
counts of focus areas, findings and recommendations ('six focus areas', '36 recommendations'),
fractions with a percentage ('4 of 13 (28.6%)', '4 out of 13, or 31 percent') and the date the
engagement was announced ('announced on March 28, 2024'). A number that only looks like a
count (a year, 'General Order 24-11', '30 days', 'a 56 percent drop') is left alone.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES = {
    **{w: i for i, w in enumerate(_UNITS)},
    **{w: 20 + 10 * i for i, w in enumerate(_TENS)},
}
_WORD = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS[1:10])}))?|{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
# A number standing on its own: not part of '24-11', '2.1', '#3', 'a1', '1,000.5' or a word.
NUM = rf"(?<![\w.,/#\u2013-])(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_WORD})(?![\w]|[.,\u2013-]\d)"
NOUNS = {"focus area": "focus areas", "finding": "findings", "recommendation": "recommendations"}
# Words a writer puts between a count and its noun ('six key focus areas').
ADJECTIVES = r"(?:key|main|major|core|broad|separate|distinct|specific|formal|public|published|announced|total|overall)"
COUNT = re.compile(
    rf"(?P<n>{NUM})(?:\s+{ADJECTIVES})?\s+(?P<noun>focus[\s-]+areas|findings|recommendations)\b",
    re.IGNORECASE,
)
# A word just before the number that makes it no count of the whole: an identifier ('Focus Area 2
# findings'), an approximation ('over 30 recommendations') or a part ('the first three findings').
NOT_A_TOTAL = frozenset(
    """area areas finding findings recommendation recommendations no no. number section chapter
    order page phase table appendix figure item step part about approximately around nearly almost over than least
    to some roughly under first last top next remaining other additional further another these those""".split()
)
PERCENT = r"(?P<{}>\d+(?:\.\d+)?)\s?(?:%|per\s?cent\b)"
_FRACTION = rf"(?P<x>{NUM})\s+(?:out\s+)?of\s+(?:the\s+)?(?P<y>{NUM})(?:\s+[A-Za-z][\w-]*){{0,4}}?"
FRACTION_THEN_PERCENT = re.compile(
    rf"{_FRACTION}\s*(?:\(\s*{PERCENT.format('z')}\s*\)|,?\s+or\s+{PERCENT.format('z2')}"
    rf"|\s*[\u2013\u2014,:]\s*{PERCENT.format('z3')})",
    re.IGNORECASE,
)
PERCENT_THEN_FRACTION = re.compile(rf"{PERCENT.format('z')}\s*\(\s*{_FRACTION}\s*\)", re.IGNORECASE)

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = r"(?P<month>" + "|".join(MONTHS + [m[:3] + r"\.?" for m in MONTHS] + [r"sept\.?"]) + ")"
_DATE = (
    rf"(?:{_MONTH}\s+(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?P<year>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})|(?P<day2>\d{{1,2}})\s+(?P<month2>{'|'.join(MONTHS)})\s+(?P<year2>\d{{4}}))"
)
ANNOUNCED = re.compile(
    rf"\bannounced\b(?:\s+[\w,'\u2019-]+){{0,6}}?\s+(?:on|in)\s+{_DATE}", re.IGNORECASE
)
# A sentence about the engagement itself, not about something the agency announced.
ABOUT_ENGAGEMENT = re.compile(
    r"\b(?:assessment|engagement|collaborative reform|CRI|COPS|technical assistance)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Claim:
    level: str
    code: str
    span: tuple[int, int]
    says: str  # what the record says


def number_value(token: str) -> int:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return int(token)
    parts = re.split(r"[- ]", token)
    return sum(WORD_VALUES[p] for p in parts)


def sentence_at(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence of TEXT around START..END, on one line, shortened around the span if long."""
    begin = max(
        text.rfind(". ", 0, start),
        text.rfind("\n", 0, start),
        text.rfind("? ", 0, start),
        text.rfind("! ", 0, start),
    )
    begin = 0 if begin < 0 else begin + 1
    stops = [
        i
        for i in (
            text.find(". ", end),
            text.find("\n", end),
            text.find("? ", end),
            text.find("! ", end),
        )
        if i >= 0
    ]
    finish = min(stops) + 1 if stops else len(text)
    sentence = " ".join(text[begin:finish].split())
    if len(sentence) > limit:
        span = " ".join(text[start:end].split())
        at = max(sentence.find(span), 0)
        left = max(0, at - (limit - len(span)) // 2)
        sentence = (
            ("…" if left else "")
            + sentence[left : left + limit]
            + ("…" if left + limit < len(sentence) else "")
        )
    return sentence


@dataclass(frozen=True)
class Counts:
    """What the record shows as of the report date: the whole, and the parts a sentence may count."""

    focus_areas: int
    findings: int
    recommendations: int
    part_findings: frozenset[int]  # per focus area
    part_recommendations: frozenset[int]  # per focus area, per finding, per status

    def accepts(self, noun: str, n: int) -> bool:
        whole = {
            "focus areas": self.focus_areas,
            "findings": self.findings,
            "recommendations": self.recommendations,
        }
        parts = {
            "focus areas": frozenset(),
            "findings": self.part_findings,
            "recommendations": self.part_recommendations,
        }
        return n == whole[noun] or n in parts[noun]

    def whole(self, noun: str) -> int:
        return {
            "focus areas": self.focus_areas,
            "findings": self.findings,
            "recommendations": self.recommendations,
        }[noun]


def counts_of(report: dict) -> Counts:
    """The counts a public report shows (withdrawn records are not counted)."""
    area_findings, area_recs, finding_recs = set(), set(), set()
    for area in report["focus_areas"]:
        live = [f for f in area["findings"] if not f.get("withdrawn")]
        area_findings.add(len(live))
        recs = [len([r for r in f["recommendations"] if not r.get("withdrawn")]) for f in live]
        area_recs.add(sum(recs))
        finding_recs.update(recs)
    statuses = {row["count"] for row in report["status_summary"]}
    return Counts(
        len(report["focus_areas"]),
        report["total_findings"],
        report["total_recommendations"],
        frozenset(area_findings),
        frozenset(area_recs | finding_recs | statuses),
    )


def count_claims(text: str, counts: Counts, as_of: str) -> list[Claim]:
    """Counts of focus areas, findings and recommendations TEXT states that the record does not show."""
    claims = []
    for m in COUNT.finditer(text):
        value = number_value(m.group("n"))
        if m.group("n").isdigit() and len(m.group("n")) == 4 and 1900 <= value <= 2199:
            continue  # 'the 2023 findings': a year
        before = text[: m.start()].split()
        if before and before[-1].lower().strip("(") in NOT_A_TOTAL:
            continue
        noun = " ".join(m.group("noun").lower().replace("-", " ").split())
        if value < 2 or counts.accepts(noun, value):
            continue  # 'one finding' counts no whole
        claims.append(
            Claim(
                "error",
                "count",
                m.span(),
                f"the record has {counts.whole(noun)} {noun} as of {as_of}",
            )
        )
    return claims


def percent_claims(text: str) -> list[Claim]:
    """'X of Y (Z%)' whose Z is not X/Y rounded to the precision Z is written in."""
    claims = []
    for pattern in (FRACTION_THEN_PERCENT, PERCENT_THEN_FRACTION):
        for m in pattern.finditer(text):
            x, y = number_value(m.group("x")), number_value(m.group("y"))
            stated = next(v for k, v in m.groupdict().items() if k.startswith("z") and v)
            if y == 0:
                continue
            places = len(stated.split(".")[1]) if "." in stated else 0
            true = 100 * x / y
            if abs(true - float(stated)) > 0.5 * 10**-places + 1e-9:
                claims.append(
                    Claim("error", "percentage", m.span(), f"{x} of {y} is {true:.{places}f}%")
                )
    return claims


def date_claims(text: str, announced: str | None) -> list[Claim]:
    """'announced on March 28, 2024' in a sentence about the engagement, against its announcement date."""
    if not announced:
        return []
    record = _dt.date.fromisoformat(announced)
    claims = []
    for m in ANNOUNCED.finditer(text):
        if not ABOUT_ENGAGEMENT.search(sentence_at(text, m.start(), m.end(), limit=10_000)):
            continue
        stated = _stated_date(m)
        if stated is None:
            continue
        year, month, day = stated
        if (year, month) != (record.year, record.month) or (day is not None and day != record.day):
            claims.append(
                Claim(
                    "warning",
                    "date",
                    m.span(),
                    f"the record says the engagement was announced on {announced}",
                )
            )
    return claims


def _stated_date(m: re.Match) -> tuple[int, int, int | None] | None:
    if m.group("iso"):
        try:
            d = _dt.date.fromisoformat(m.group("iso"))
        except ValueError:
            return None
        return d.year, d.month, d.day
    month = m.group("month") or m.group("month2")
    year = m.group("year") or m.group("year2")
    day = m.group("day") or m.group("day2")
    key = month.lower().rstrip(".")[:3]
    number = [x[:3] for x in MONTHS].index(key) + 1
    return int(year), number, int(day) if day else None
