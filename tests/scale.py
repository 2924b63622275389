"""An engagement at the scale of San Francisco's (2016): 5 focus areas, 94 findings, 272
recommendations and two years of quarterly status history. Fictional text, real proportions."""

from __future__ import annotations

import datetime as _dt

AREAS = [
    "Use of Force",
    "Bias",
    "Community Policing",
    "Accountability",
    "Recruitment, Hiring and Personnel",
]
QUARTER_ENDS = [
    "2016-12-31",
    "2017-03-31",
    "2017-06-30",
    "2017-09-30",
    "2017-12-31",
    "2018-03-31",
    "2018-06-30",
    "2018-09-30",
]
PATH = ["not-started", "in-progress", "in-progress", "complete"]


# A paragraph of plain assessment prose (about 60 words), repeated to make long Markdown bodies.
PROSE = (
    "The team reviewed the department's written directives, training records and a sample of "
    "incident reports, interviewed command staff, supervisors and officers, and met residents "
    "at listening sessions. What the documents say and what officers described often differed, "
    "and the data the department keeps do not allow it to measure whether practice matches "
    "policy. "
)


def markdown_body(words: int, n: int) -> str:
    """About WORDS words of CommonMark: paragraphs, a bullet list, a numbered list and a table."""
    paragraph = PROSE * 2
    parts = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append(paragraph.strip())
        if len(parts) % 4 == 1:
            parts.append(
                "- **Policy:** the directive was last revised in 2012\n- *Training:* annual, "
                "not scenario-based\n- Supervision: reviews are not documented"
            )
        if len(parts) % 4 == 3:
            parts.append(
                "| Year | Incidents | Reviewed |\n|---|---:|---:|\n"
                f"| 2015 | {100 + n} | {60 + n} |\n| 2016 | {110 + n} | {70 + n} |"
            )
            parts.append("1. Draft the policy\n2. Train every officer\n3. Audit each quarter")
    return "\n\n".join(parts)


STANDARD_SECTIONS = [
    "executive-summary",
    "introduction",
    "methodology",
    "background",
    "acknowledgments",
    "conclusion",
]


def scale_engagement(site: str = "sf-scale", publication: bool = False) -> dict:
    """The engagement; with PUBLICATION, San Francisco's report as a document: finding bodies of
    about 1,200 words of Markdown and every standard section (and each focus area's) of about 1,500."""
    findings = []
    rec_total = 0
    for i in range(94):
        area = i % 5 + 1
        recs = []
        count = 3 if i < 84 else 2
        for _ in range(count):
            k = rec_total
            rec_total += 1
            start = k % 4
            statuses = []
            for q, when in enumerate(QUARTER_ENDS):
                step = min(3, (q + start) // 2)
                status = PATH[step]
                if k % 11 == 0 and q >= 4:
                    status = "partially-complete"
                if k % 13 == 0:
                    status = "not-started"
                update = {"status": status, "as_of": _dt.date.fromisoformat(when)}
                if status in ("not-started", "partially-complete") and q == 7:
                    update["reason"] = [
                        "collective-bargaining",
                        "resources",
                        "outside-agency-control",
                    ][k % 3]
                statuses.append(update)
            recs.append(
                {
                    "text": f"Recommendation {k + 1}: revise the policy and train every officer on it, "
                    f"then audit compliance each quarter & publish <results>.",
                    "priority": ["high", "medium", "low"][k % 3],
                    "owner": f"Unit {k % 7}",
                    "dated": _dt.date(2016, 10, 12),
                    "statuses": statuses,
                }
            )
        findings.append(
            {
                "focus_area": area,
                "title": f"Finding {i + 1} about {AREAS[area - 1].lower()}",
                "body": markdown_body(1200, i)
                if publication
                else "The team reviewed policies, data and interviews. " * 3,
                "methods": ["document-review", "interview"],
                "dated": _dt.date(2016, 10, 12),
                "recommendations": recs,
            }
        )
    assert rec_total == 272
    engagement = {
        "site": site,
        "agency": "Scale City Police Department",
        "city": "Scale City",
        "state": "CA",
        "program": "organizational-assessment",
        "announced": _dt.date(2016, 2, 1),
        "focus_areas": AREAS,
        "findings": findings,
    }
    if publication:
        names = (
            STANDARD_SECTIONS + [f"focus-area-{n}" for n in range(1, 6)] + ["appendix-data-sources"]
        )
        engagement["sections"] = [
            {"name": name, "body": markdown_body(1500, k), "dated": _dt.date(2016, 10, 12)}
            for k, name in enumerate(names)
        ]
    return engagement
