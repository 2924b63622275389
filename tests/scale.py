"""An engagement at the scale of San Francisco's (2016): 5 focus areas, 94 findings, 272
recommendations and two years of quarterly status history. Fictional text, real proportions."""

from __future__ import annotations

import datetime as _dt

AREAS = ["Use of Force", "Bias", "Community Policing", "Accountability", "Recruitment, Hiring and Personnel"]
QUARTER_ENDS = ["2016-12-31", "2017-03-31", "2017-06-30", "2017-09-30", "2017-12-31",
                "2018-03-31", "2018-06-30", "2018-09-30"]
PATH = ["not-started", "in-progress", "in-progress", "complete"]


def scale_engagement(site: str = "sf-scale") -> dict:
    findings = []
    rec_total = 0
    for i in range(94):
        area = i % 5 + 1
        recs = []
        count = 3 if i < 84 else 2
        for j in range(count):
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
                    update["reason"] = ["collective-bargaining", "resources", "outside-agency-control"][k % 3]
                statuses.append(update)
            recs.append({"text": f"Recommendation {k + 1}: revise the policy and train every officer on it, "
                                 f"then audit compliance each quarter & publish <results>.",
                         "priority": ["high", "medium", "low"][k % 3], "owner": f"Unit {k % 7}",
                         "dated": _dt.date(2016, 10, 12), "statuses": statuses})
        findings.append({"focus_area": area, "title": f"Finding {i + 1} about {AREAS[area - 1].lower()}",
                         "body": "The team reviewed policies, data and interviews. " * 3,
                         "methods": ["document-review", "interview"], "dated": _dt.date(2016, 10, 12),
                         "recommendations": recs})
    assert rec_total == 272
    return {"site": site, "agency": "Scale City Police Department", "city": "Scale City", "state": "CA",
            "program": "organizational-assessment", "announced": _dt.date(2016, 2, 1),
            "focus_areas": AREAS, "findings": findings}
