"""The report as Markdown: readable as plain text, and safe to feed to a Markdown renderer."""

from __future__ import annotations

import re

from reformctl.model.vocab import METHODS, STATUSES
from reformctl.reports.wording import location, long_date

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# could turn data into markup (emphasis, links, HTML, tables, headings, code).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~{}])")


def esc(text: str | None) -> str:
    # '&' too: a renderer would turn '&nbsp;' or '&shy;' in the text into a character, so that
    # 'Ja&shy;ne Roe' reads as a name no check saw.
    return _SPECIAL.sub(r"\\\1", text or "").replace("&", "&amp;")


def esc_block(text: str | None) -> str:
    """Escape a multi-line body, keeping its paragraphs and neutralising list or quote markers."""
    lines = []
    for line in esc(text).split("\n"):
        line = re.sub(r"^(\s*)([-+=>]|\d+[.)])", r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


# A link or reference definition whose destination is not http(s), mailto or a page anchor.
_UNSAFE_LINK = re.compile(r"\](\(\s*<?)(?!\s*(?:https?:|mailto:|#))", re.IGNORECASE)
# Anywhere on a line, not only at its start: a definition inside a quote or a list item counts too.
_UNSAFE_DEFINITION = re.compile(
    r"()\[(?=[^\]]*\]:\s*<?(?!\s*(?:https?:|mailto:|#)))", re.IGNORECASE
)
# An ATX heading, also inside a quote or a list item; a setext underline ('===' or '---' under a
# line of text), which cannot be moved down a level, is escaped so the line above reads as text.
_HEADING = re.compile(
    r"^((?:[ \t]{0,3}(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])[ \t]+))*[ \t]{0,3})(#{1,6})(?=[ \t]|$)",
    re.MULTILINE,
)
_SETEXT = re.compile(r"(?<=\S)([ \t]*\n[ \t]{0,3})([=-])(?=\2*[ \t]*(?:\n|\Z))")


def source_block(text: str | None, below: int = 3) -> str:
    """A body's Markdown kept as written, with what the HTML, PDF and Word renderers also refuse
    made inert here: raw HTML and autolinks ('<' escaped), entities ('&' escaped, so '&shy;' cannot
    hide a name), images ('!' escaped: nothing loads from the network) and links to anything but
    http(s), mailto or an anchor (their ']' escaped, so they read as text). Its headings move
    BELOW levels down, so a body's '#' cannot open a chapter of the report."""
    text = (text or "").replace("&", "&amp;").replace("<", "\\<").replace("![", "\\![")
    text = _UNSAFE_LINK.sub(r"\\]\1", text)
    text = _UNSAFE_DEFINITION.sub(r"\1\\[", text)
    text = _SETEXT.sub(r"\1\\\2", text)
    return _HEADING.sub(lambda m: m.group(1) + "#" * min(len(m.group(2)) + below, 6), text)


def _indented(text: str) -> str:
    """TEXT's lines after the first indented two spaces: continuation of a list item."""
    return "\n".join(
        line if i == 0 or not line else "  " + line for i, line in enumerate(text.split("\n"))
    )


def _state(record: dict) -> str:
    """The internal report's markers: review state and internal flag."""
    if "review" not in record:
        return ""
    marks = [record["review"]] + (["internal"] if record.get("internal") else [])
    return f" `[{', '.join(marks)}]`"


def _notes(record: dict) -> list[str]:
    return [
        f"> **Note** ({esc(n['created_by'])}, {n['created_at'][:10]}): {esc(' '.join(n['text'].split()))}"
        for n in record.get("notes", [])
    ]


def _sections(report: dict, names: tuple[str, ...]) -> list[str]:
    """The report's narrative sections among NAMES (a final report's executive summary and conclusion)."""
    from reformctl.reports.markdown_assessment import section_lines

    out: list[str] = []
    for section in report.get("sections", []):
        if section["name"] in names:
            out += ["", *section_lines(section)[:-1]]
    return out


def render_markdown(report: dict) -> str:
    if report.get("kind") == "assessment":  # a document of its own shape
        from reformctl.reports.markdown_assessment import render_assessment_markdown

        return render_assessment_markdown(report)
    mark = report.get("classification")
    out: list[str] = [f"**{mark}**", ""] if mark else []
    out += _front_matter(report)
    out += _sections(report, ("executive-summary",))
    out += ["", "## Focus areas", ""]
    out += [f"{a['number']}. {esc(a['title'])}" for a in report["focus_areas"]]
    out += _status_table(report)
    if report["data_collection"]:
        out += [
            "",
            "## How the team collected information",
            "",
            f"The assessment team's work so far: {esc(report['data_collection_text'])}.",
        ]
    out += kind_sections(report)
    for area in report["focus_areas"]:
        out += _area_lines(area)
    out += _sections(
        report,
        tuple(s["name"] for s in report.get("sections", []) if s["name"] != "executive-summary"),
    )
    out += [
        "",
        "---",
        "",
        f"_Prepared with {esc(report['generator'])}; status as of {long_date(report['as_of'])}._",
        "",
    ]
    if mark:
        out += [f"**{mark}**", ""]
    return "\n".join(out)


def _front_matter(report: dict) -> list[str]:
    """The title and the engagement's facts."""
    e = report["engagement"]
    kind = f" · {report['kind_label']}" if report.get("kind_label") else ""
    out = [
        f"# {esc(e['agency'])}",
        "",
        f"**Collaborative Reform Initiative: {esc(e['program_name'])}{kind}**",
        "",
    ]
    facts = [
        ("Agency", e["agency"]),
        ("Location", location(e)),
        ("Program", e["program_name"]),
        ("Announced", long_date(e["announced"])),
        ("Updated as of", long_date(report["as_of"])),
    ]
    out += [f"- **{label}:** {esc(value)}" for label, value in facts if value]
    if e["public_url"]:
        out.append(f"- **Public page:** <{e['public_url']}>")
    return out


def _status_table(report: dict) -> list[str]:
    """The count of recommendations in each status, and what each status means."""
    out = [
        "",
        "## Status of recommendations",
        "",
        "| Status | Count | Percent |",
        "| --- | ---: | ---: |",
    ]
    for row in report["status_summary"]:
        out.append(f"| {row['label']} | {row['count']} | {row['percent']}% |")
    total = report["total_recommendations"]
    out.append(f"| **Total** | **{total}** | **{100 if total else 0}%** |")
    out.append("")
    for d in report["status_definitions"]:
        out.append(f"- **{d['label']}:** {esc(d['definition'])}")
    return out


def _area_lines(area: dict) -> list[str]:
    out = ["", f"## Focus area {area['number']}: {esc(area['title'])}", ""]
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
            out += [
                f"- **Recommendation {rec['number']}:** _withdrawn_"
                for rec in finding["recommendations"]
            ]
            continue
        out += _finding_lines(finding)
    return out


def _finding_lines(finding: dict) -> list[str]:
    out = [f"### Finding {finding['number']}: {esc(finding['title'])}{_state(finding)}", ""]
    if _notes(finding):
        out += _notes(finding) + [""]
    if finding["body"]:
        out += [source_block(finding["body"]), ""]
    if finding["methods"]:
        out += [
            "_Methods: " + esc(", ".join(METHODS[m] for m in finding["methods"])) + "_",
            "",
        ]
    for rec in finding["recommendations"]:
        out += _rec_lines(rec)
    if not finding["recommendations"]:
        out.append("_Recommendations for this finding are under development._")
    out.append("")
    return out


def _rec_lines(rec: dict) -> list[str]:
    if rec.get("withdrawn"):
        return [f"- **Recommendation {rec['number']}:** _withdrawn_"]
    details = [f"**{rec['status_label']}** (as of {long_date(rec['status_as_of'])})"]
    if rec["priority"]:
        details.append(f"priority {rec['priority']}")
    if rec["owner"]:
        details.append(f"responsible: {esc(rec['owner'])}")
    if rec.get("reason_label"):
        details.append(f"reason: {esc(rec['reason_label'])}")
    text = source_block(rec["text"].strip())
    # One line: the status follows after a line break; more (a list, paragraphs): a paragraph.
    out = (
        [f"- **Recommendation {rec['number']}:** {_indented(text)}", ""]
        if "\n" in text
        else [f"- **Recommendation {rec['number']}:** {text}  "]
    )
    out.append(f"  Status: {'; '.join(details)}{_state(rec)}")
    out += ["  " + line for line in _notes(rec)]
    return out


def _changes(changes: dict) -> list[str]:
    out = []
    for c in changes["new_recommendations"]:
        out.append(f"- New: Recommendation {c['number']} ({c['status_label']})")
    for c in changes["status_changes"]:
        out.append(
            f"- Recommendation {c['number']}: {c['from_label']} → **{c['to_label']}** "
            f"(as of {long_date(c['as_of'])})"
        )
    return out or ["_No new recommendations and no status changes._"]


def kind_sections(report: dict) -> list[str]:
    """The per-focus-area summary, the changes, and the progress and final sections."""
    out: list[str] = []
    if report.get("focus_area_summary"):
        out += _by_focus_area(report["focus_area_summary"])
    if report.get("timeline"):
        out += _timeline(report["timeline"])
    if report.get("changes"):
        c = report["changes"]
        out += [
            "",
            f"## Changes since {long_date(c['since'])}",
            "",
            f"_Compared with the report as of {long_date(c['since'])} ({c['basis']})._",
            "",
        ]
        out += _changes(c)
    if report.get("progress"):
        out += _progress(report["progress"])
    if report.get("final"):
        out += _final(report["final"])
    return out


def _by_focus_area(summary: list[dict]) -> list[str]:
    out = [
        "",
        "## Status by focus area",
        "",
        "| Focus area | " + " | ".join(STATUSES.values()) + " | Total |",
        "| --- |" + " ---: |" * (len(STATUSES) + 1),
    ]
    for a in summary:
        cells = [f"{row['count']} ({row['percent']}%)" for row in a["statuses"]]
        out.append(
            f"| {a['number']}. {esc(a['title'])} | " + " | ".join(cells) + f" | {a['total']} |"
        )
    return out


def _timeline(timeline: list[dict]) -> list[str]:
    out = [
        "",
        "## Status over time",
        "",
        "| Quarter end | " + " | ".join(STATUSES.values()) + " | Total |",
        "| --- |" + " ---: |" * (len(STATUSES) + 1),
    ]
    for p in timeline:
        out.append(
            f"| {p['date']} | "
            + " | ".join(str(row["count"]) for row in p["statuses"])
            + f" | {p['total']} |"
        )
    return out


def _progress(progress: dict) -> list[str]:
    period = progress["period"]
    out = [
        "",
        "## Implementation period",
        "",
        f"This progress report covers implementation from {long_date(period['start']) or 'the first recommendation'} "
        f"to {long_date(period['end'])}; the previous progress report was as of {long_date(period['previous_report'])}.",
        "",
        "## What moved since the previous progress report",
        "",
    ]
    out += _changes(progress["moved"])
    out += [
        "",
        "## Recommendations with no progress",
        "",
        f"_{esc(progress['partially_complete_meaning'])}_",
        "",
    ]
    if progress["no_progress"]:
        out += ["| Recommendation | Status | Reason |", "| --- | --- | --- |"]
        out += [
            f"| {n['number']} | {n['status_label']} | {esc(n['reason_label'] or 'Not given')} |"
            for n in progress["no_progress"]
        ]
    else:
        out.append("_Every recommendation has made progress._")
    return out


def _final(final: dict) -> list[str]:
    t = final["totals"]
    out = [
        "",
        "## Totals for the engagement",
        "",
        f"- **Findings:** {t['findings']}",
        f"- **Recommendations:** {t['recommendations']}",
        f"- **Complete:** {t['complete']} ({t['percent_complete']}%)",
        "",
        "## Final status of each recommendation",
        "",
    ]
    for rec in final["recommendations"]:
        steps = " → ".join(f"{u['status_label']} ({long_date(u['as_of'])})" for u in rec["history"])
        reason = f" ({esc(rec['reason_label'])})" if rec["reason_label"] else ""
        out.append(f"- **{rec['number']}: {rec['final_status_label']}**{reason}. {steps}")
    out += ["", "## Sustaining the changes", ""]
    for para in final["sustaining"]:
        out += [esc(para), ""]
    if final["open_recommendations"]:
        out.append(
            "Recommendations to follow after the engagement closes: "
            + ", ".join(final["open_recommendations"])
            + "."
        )
    return out
