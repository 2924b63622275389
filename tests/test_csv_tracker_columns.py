"""The CSV tracker's every column holds what the JSON of the same report says, row by row."""

import csv
import io
import json

SITE = ("--site", "brightwater-demo")
AS_OF = "2026-09-30"


def both(cli, kind: str):
    args = ("report", *SITE, "--kind", kind, "--as-of", AS_OF, "--format")
    rows = list(csv.DictReader(io.StringIO(cli.ok(*args, "csv"))))
    return rows, json.loads(cli.ok(*args, "json"))


def test_every_column_matches_the_json(demo):
    for kind in ("status-update", "final"):
        rows, report = both(demo, kind)
        changes = {c["number"]: "new" for c in report["changes"]["new_recommendations"]}
        changes.update({c["number"]: f"{c['from_label']} -> {c['to_label']}" for c in report["changes"]["status_changes"]})
        assert len(changes) >= 4, "the demo has changes in its last quarter; without them this proves little"
        histories = {r["number"]: "; ".join(f"{u['as_of']} {u['status_label']}" for u in r["history"])
                     for r in (report["final"] or {"recommendations": []})["recommendations"]}
        expected = [{
            "focus_area": str(a["number"]), "focus_area_title": a["title"], "finding": f["number"],
            "finding_title": f["title"], "recommendation": r["number"], "recommendation_text": r["text"],
            "priority": r["priority"] or "", "owner": r["owner"] or "", "due": r["due"] or "",
            "status": r["status_label"], "status_as_of": r["status_as_of"], "reason": r["reason_label"] or "",
            "change_since_last_update": changes.get(r["number"], ""), "history": histories.get(r["number"], ""),
        } for a in report["focus_areas"] for f in a["findings"] for r in f["recommendations"]]
        assert rows == expected, kind
        assert (kind == "final") == any(row["history"] for row in rows)
