"""The assessment report as Markdown: cover, contents, the narrative sections, one chapter per
focus area, the conclusion, the list of all recommendations and the other appendices.

Section and finding bodies are CommonMark written by the team and are kept as written, with
markdown.py's source_block making inert what the HTML, PDF and Word renderers refuse (raw HTML,
entities, images, unsafe link targets) and moving a body's headings below the report's own: the
file stays safe to feed to a Markdown renderer, as the other kinds' Markdown is.
"""

from __future__ import annotations

from reformctl.reports.markdown import _notes, _state, esc, source_block
from reformctl.reports.wording import long_date

# Sections printed before the focus-area chapters; the conclusion follows them, appendices last.
FRONT = ("executive-summary", "introduction", "methodology", "background", "acknowledgments")


def section_lines(section: dict, level: str = "##") -> list[str]:
    out = [f"{level} {esc(section['title'])}{_state(section)}", ""]
    if _notes(section):
        out += _notes(section) + [""]
    return out + [source_block(section["body"], below=len(level)), ""]


def _data_collection(report: dict) -> list[str]:
    rows = report.get("data_collection") or []
    if not rows:
        return []
    out = ["| Data collection | Count |", "| --- | ---: |"]
    out += [f"| {esc(row['text'].split(' ', 1)[1])} | {row['count']} |" for row in rows]
    return out + [""]


def _recommendation(rec: dict) -> list[str]:
    if rec.get("withdrawn"):
        return [f"- **Recommendation {rec['number']}:** _withdrawn_"]
    details = [f"priority {rec['priority']}"] if rec.get("priority") else []
    if rec.get("owner"):
        details.append(f"responsible: {esc(rec['owner'])}")
    line = (
        f"- **Recommendation {rec['number']}:** {esc(' '.join(rec['text'].split()))}{_state(rec)}"
    )
    return (
        [line]
        + ([f"  _{'; '.join(details)}_"] if details else [])
        + ["  " + n for n in _notes(rec)]
    )


def _chapter(area: dict) -> list[str]:
    heading = f"Focus area {area['number']}: {area['title']}"
    out = [f"## {esc(heading)}", ""]
    narrative = area.get("narrative")
    if narrative:
        lines = section_lines(narrative, "###")
        # Under its own heading when it has a title of its own or (internal view) a review state.
        out += lines if narrative["title"] != heading or "review" in narrative else lines[2:]
    if area["under_development"]:
        out += ["_Findings and recommendations for this focus area are under development._", ""]
    for finding in area["findings"]:
        if finding.get("withdrawn"):
            out += [
                f"### Finding {finding['number']}: withdrawn",
                "",
                "_This finding has been withdrawn._",
                "",
            ]
            continue
        out += [f"### Finding {finding['number']}: {esc(finding['title'])}{_state(finding)}", ""]
        if _notes(finding):
            out += _notes(finding) + [""]
        if finding["body"]:
            out += [source_block(finding["body"]), ""]
        if finding["recommendations"]:
            out += ["#### Recommendations", ""]
            for rec in finding["recommendations"]:
                out += _recommendation(rec)
            out.append("")
    return out


def _contents(
    report: dict, front: list[dict], back: list[dict], conclusion: dict | None
) -> list[str]:
    titles = [s["title"] for s in front]
    if not any(s["name"] == "methodology" for s in front) and report.get("data_collection"):
        titles.append("How the team collected information")
    titles += [f"Focus area {a['number']}: {a['title']}" for a in report["focus_areas"]]
    titles += [conclusion["title"]] if conclusion else []
    titles += ["Appendix: list of recommendations"] + [s["title"] for s in back]
    return (
        ["## Contents", ""]
        + [f"{i}. {esc(title)}" for i, title in enumerate(titles, start=1)]
        + [""]
    )


def render_assessment_markdown(report: dict) -> str:
    e = report["engagement"]
    mark = report.get("classification")
    sections = report.get("sections", [])
    front = [s for s in sections if s["name"] in FRONT]
    conclusion = next((s for s in sections if s["name"] == "conclusion"), None)
    back = [s for s in sections if s["name"].startswith("appendix-")]
    out: list[str] = [f"**{mark}**", ""] if mark else []
    out += [
        f"# {esc(e['agency'])}",
        "",
        f"**Collaborative Reform Initiative: {esc(e['program_name'])} · {report['kind_label']}**",
        "",
    ]
    for label, value in (
        ("Agency", e["agency"]),
        ("Program", e["program_name"]),
        ("Announced", long_date(e["announced"])),
        ("As of", long_date(report["as_of"])),
    ):
        if value:
            out.append(f"- **{label}:** {esc(value)}")
    out.append("")
    out += _contents(report, front, back, conclusion)
    for section in front:
        out += section_lines(section)
        if section["name"] == "methodology":
            out += _data_collection(report)
    if not any(s["name"] == "methodology" for s in front) and report.get("data_collection"):
        out += ["## How the team collected information", ""] + _data_collection(report)
    for area in report["focus_areas"]:
        out += _chapter(area)
    if conclusion:
        out += section_lines(conclusion)
    out += ["## Appendix: list of recommendations", ""]
    recs = report.get("all_recommendations") or []
    if recs:
        out += ["| Recommendation | Text | Responsible | Priority |", "| --- | --- | --- | --- |"]
        out += [
            f"| {r['number']} | {esc(' '.join(r['text'].split()))} | {esc(r['owner'] or '')} | "
            f"{r['priority'] or ''} |"
            for r in recs
        ]
    else:
        out.append("_No recommendations yet._")
    out.append("")
    for section in back:
        out += section_lines(section)
    out += [
        "---",
        "",
        f"_Prepared with {esc(report['generator'])}; as of {long_date(report['as_of'])}._",
        "",
    ]
    if mark:
        out += [f"**{mark}**", ""]
    return "\n".join(out)
