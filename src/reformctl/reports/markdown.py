"""The report as Markdown: readable as plain text, and safe to feed to a Markdown renderer."""

from __future__ import annotations

import re

from reformctl.model.vocab import METHODS
from reformctl.reports.dates import location, long_date

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# could turn data into markup (emphasis, links, HTML, tables, headings, code).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~{}])")


def esc(text: str | None) -> str:
    return _SPECIAL.sub(r"\\\1", text or "")


def esc_block(text: str | None) -> str:
    """Escape a multi-line body, keeping its paragraphs and neutralising list or quote markers."""
    lines = []
    for line in esc(text).split("\n"):
        line = re.sub(r"^(\s*)([-+=>]|\d+[.)])", r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def _state(record: dict) -> str:
    """The internal report's markers: review state and internal flag."""
    if "review" not in record:
        return ""
    marks = [record["review"]] + (["internal"] if record.get("internal") else [])
    return f" `[{', '.join(marks)}]`"


def _notes(record: dict) -> list[str]:
    return [f"> **Note** ({esc(n['created_by'])}, {n['created_at'][:10]}): {esc(' '.join(n['text'].split()))}"
            for n in record.get("notes", [])]


def render_markdown(report: dict) -> str:
    e = report["engagement"]
    mark = report.get("classification")
    out: list[str] = [f"**{mark}**", ""] if mark else []
    out += [f"# {esc(e['agency'])}", "", f"**Collaborative Reform Initiative: {esc(e['program_name'])}**", ""]
    facts = [("Agency", e["agency"]), ("Location", location(e)), ("Program", e["program_name"]),
             ("Announced", long_date(e["announced"])), ("Updated as of", long_date(report["as_of"]))]
    for label, value in facts:
        if value:
            out.append(f"- **{label}:** {esc(value)}")
    if e["public_url"]:
        out.append(f"- **Public page:** <{e['public_url']}>")
    out += ["", "## Focus areas", ""]
    out += [f"{a['number']}. {esc(a['title'])}" for a in report["focus_areas"]]
    out += ["", "## Status of recommendations", "", "| Status | Count | Percent |", "| --- | ---: | ---: |"]
    for row in report["status_summary"]:
        out.append(f"| {row['label']} | {row['count']} | {row['percent']}% |")
    total = report["total_recommendations"]
    out.append(f"| **Total** | **{total}** | **{100 if total else 0}%** |")
    out.append("")
    for d in report["status_definitions"]:
        out.append(f"- **{d['label']}:** {esc(d['definition'])}")
    if report["data_collection"]:
        out += ["", "## How the team collected information", "",
                f"The assessment team's work so far: {esc(report['data_collection_text'])}."]
    for area in report["focus_areas"]:
        out += ["", f"## Focus area {area['number']}: {esc(area['title'])}", ""]
        if area["under_development"]:
            out += ["_Findings and recommendations for this focus area are under development._", ""]
        for finding in area["findings"]:
            if finding.get("withdrawn"):
                out += [f"### Finding {finding['number']}: withdrawn", "", "_This finding has been withdrawn._", ""]
                out += [f"- **Recommendation {rec['number']}:** _withdrawn_" for rec in finding["recommendations"]]
                continue
            out += [f"### Finding {finding['number']}: {esc(finding['title'])}{_state(finding)}", ""]
            if _notes(finding):
                out += _notes(finding) + [""]
            if finding["body"]:
                out += [esc_block(finding["body"]), ""]
            if finding["methods"]:
                out += ["_Methods: " + esc(", ".join(METHODS[m] for m in finding["methods"])) + "_", ""]
            for rec in finding["recommendations"]:
                if rec.get("withdrawn"):
                    out.append(f"- **Recommendation {rec['number']}:** _withdrawn_")
                    continue
                details = [f"**{rec['status_label']}** (as of {long_date(rec['status_as_of'])})"]
                if rec["priority"]:
                    details.append(f"priority {rec['priority']}")
                if rec["owner"]:
                    details.append(f"responsible: {esc(rec['owner'])}")
                out.append(f"- **Recommendation {rec['number']}:** {esc(' '.join(rec['text'].split()))}  ")
                out.append(f"  Status: {'; '.join(details)}{_state(rec)}")
                out += ["  " + line for line in _notes(rec)]
            if not finding["recommendations"]:
                out.append("_Recommendations for this finding are under development._")
            out.append("")
    out += ["", "---", "", f"_Prepared with {esc(report['generator'])}; status as of {long_date(report['as_of'])}._", ""]
    if mark:
        out += [f"**{mark}**", ""]
    return "\n".join(out)
