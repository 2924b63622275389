"""The report as a Word document (python-docx): real styles (Title, Heading 1-3, List Bullet,
List Number, Quote), a table of contents field Word fills in, page X of Y in the footer, tables
whose header row repeats, bookmarks on every chapter, finding and recommendation, and the title
and subject in the document's properties.

The same bytes for the same report: the properties' dates are the report's as-of date and the
package's files carry one fixed timestamp, so a published .docx verifies against its hash and a
second publish of the same release is identical.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from reformctl.model.vocab import METHODS, STATUSES
from reformctl.reports.prose import anchor, anchors
from reformctl.reports.word_prose import Writer, add_bookmark, add_field, bookmark_name, small
from reformctl.reports.wording import location, long_date

ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def render_docx(report: dict, template: str | None = None) -> bytes:
    """The report as .docx bytes; TEMPLATE, a .docx whose styles, header and footer it takes."""
    from docx import Document

    doc = Document(template) if template else Document()
    if template:
        _clear_body(doc)
    writer = Writer(doc, anchors(report))
    book = _Bookmarks()
    _properties(doc, report)
    _header_footer(doc, report, keep=bool(template))
    _cover(doc, writer, report)
    _contents(doc, writer)
    sections = report.get("sections") or []
    front = [
        s for s in sections if s["name"] != "conclusion" and not s["name"].startswith("appendix-")
    ]
    for section in front:
        _section(doc, writer, book, section, report)
    _status(doc, writer, book, report)
    _kind_sections(doc, writer, book, report)
    for area in report["focus_areas"]:
        _area(doc, writer, book, area)
    for section in sections:
        if section["name"] == "conclusion":
            _section(doc, writer, book, section, report)
    if report.get("all_recommendations"):
        heading = writer.para("Heading 1", "List of recommendations")
        book.add(heading, "all-recommendations")
        writer.table(
            ["No.", "Recommendation", "Responsible", "Priority"],
            [
                [
                    r["number"],
                    " ".join((r.get("text") or "").split()),
                    r.get("owner") or "",
                    r.get("priority") or "",
                ]
                for r in report["all_recommendations"]
            ],
        )
    for section in sections:
        if section["name"].startswith("appendix-"):
            _section(doc, writer, book, section, report)
    writer.para(
        text=f"Status as of {long_date(report['as_of'])}. Prepared with {report['generator']}."
    )
    if report.get("classification"):
        writer.para(runs=[(report["classification"], True)])
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())


class _Bookmarks:
    def __init__(self):
        self.next_id = 1

    def add(self, paragraph, target: str) -> None:
        add_bookmark(paragraph, bookmark_name(target), self.next_id)
        self.next_id += 1


def _clear_body(doc) -> None:
    """A template's body (sample text) goes; its styles, header, footer and page setup stay."""
    body = doc.element.body
    for child in list(body):
        if child.tag.endswith("}sectPr"):
            continue
        body.remove(child)


def _as_of_datetime(as_of: str) -> datetime:
    return datetime.strptime(as_of, "%Y-%m-%d").replace(tzinfo=timezone.utc)


def _properties(doc, report: dict) -> None:
    e = report["engagement"]
    props = doc.core_properties
    props.title = f"{e['agency']}: {report.get('kind_label') or 'Report'}"
    props.subject = f"Collaborative Reform Initiative: {e['program_name']}"
    props.author = props.last_modified_by = report["generator"]
    props.keywords = "Collaborative Reform Initiative"
    props.comments = ""
    props.category = report.get("classification") or ""
    props.revision = 1
    props.created = props.modified = _as_of_datetime(report["as_of"])
    props.last_printed = _as_of_datetime(report["as_of"])
    props.language = "en-US"


def _header_footer(doc, report: dict, keep: bool) -> None:
    section = doc.sections[0]
    if not keep or not any(p.text.strip() for p in section.header.paragraphs):
        header = section.header.paragraphs[0]
        header.text = " · ".join(
            x
            for x in (
                report.get("classification"),
                report["engagement"]["agency"],
                report.get("kind_label"),
            )
            if x
        )
        small(header, 8.5)
    footer = section.footer.paragraphs[0] if not keep else section.footer.add_paragraph()
    footer.text = ""
    footer.add_run(f"Status as of {long_date(report['as_of'])} · Page ")
    add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES", "1")
    small(footer, 8.5)


def _cover(doc, writer: Writer, report: dict) -> None:
    e = report["engagement"]
    if report.get("classification"):
        writer.para(runs=[(report["classification"], True)])
    writer.para("Title", e["agency"])
    kind = f" · {report['kind_label']}" if report.get("kind_label") else ""
    writer.para("Subtitle", f"Collaborative Reform Initiative: {e['program_name']}{kind}")
    facts = [
        ("Location", location(e)),
        ("Announced", long_date(e.get("announced"))),
        ("Updated as of", long_date(report["as_of"])),
        ("Public page", e.get("public_url")),
    ]
    for label, value in facts:
        if value:
            writer.para(runs=[(f"{label}: ", True), (value, False)])


def _contents(doc, writer: Writer) -> None:
    writer.para("TOC Heading", "Contents")
    add_field(
        writer.para(),
        'TOC \\o "1-2" \\h \\z \\u',
        "Right-click and choose Update Field to fill in the table of contents.",
    )
    _update_fields_on_open(doc)


def _update_fields_on_open(doc) -> None:
    """Ask Word to compute the fields (the contents, page numbers) when the file opens."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


def _section(doc, writer: Writer, book: _Bookmarks, section: dict, report: dict) -> None:
    heading = writer.para("Heading 1", section["title"])
    book.add(heading, f"section-{section['name']}")
    writer.markdown(section.get("body"), heading_base=2)
    if section["name"] == "methodology" and report.get("data_collection"):
        writer.table(
            ["Method", "Count"], [[a["text"], str(a["count"])] for a in report["data_collection"]]
        )


def _status(doc, writer: Writer, book: _Bookmarks, report: dict) -> None:
    heading = writer.para("Heading 1", "Status of recommendations")
    book.add(heading, "status")
    total = report["total_recommendations"]
    rows = [
        [row["label"], str(row["count"]), f"{row['percent']}%"] for row in report["status_summary"]
    ]
    writer.table(
        ["Status", "Count", "Percent"], rows + [["Total", str(total), f"{100 if total else 0}%"]]
    )
    for d in report["status_definitions"]:
        writer.para(runs=[(f"{d['label']}: ", True), (d["definition"], False)])
    if report.get("data_collection") and not any(
        s["name"] == "methodology" for s in report.get("sections") or []
    ):
        writer.para("Heading 1", "How the team collected information")
        writer.para(text=f"The assessment team's work so far: {report['data_collection_text']}.")


def _changes(doc, writer: Writer, changes: dict) -> None:
    items = [
        f"New: Recommendation {c['number']} ({c['status_label']})"
        for c in changes["new_recommendations"]
    ]
    items += [
        f"Recommendation {c['number']}: {c['from_label']} → {c['to_label']}"
        for c in changes["status_changes"]
    ]
    for item in items or ["No new recommendations and no status changes."]:
        writer.para("List Bullet" if items else "Normal", item)


def _kind_sections(doc, writer: Writer, book: _Bookmarks, report: dict) -> None:
    if report.get("focus_area_summary"):
        writer.para("Heading 1", "Status by focus area")
        writer.table(
            ["Focus area", *STATUSES.values(), "Total"],
            [
                [
                    f"{a['number']}. {a['title']}",
                    *[str(r["count"]) for r in a["statuses"]],
                    str(a["total"]),
                ]
                for a in report["focus_area_summary"]
            ],
        )
    if report.get("timeline"):
        writer.para("Heading 1", "Status over time")
        writer.table(
            ["Quarter end", *STATUSES.values(), "Total"],
            [
                [p["date"], *[str(r["count"]) for r in p["statuses"]], str(p["total"])]
                for p in report["timeline"]
            ],
        )
    if report.get("changes"):
        c = report["changes"]
        writer.para("Heading 1", f"Changes since {long_date(c['since'])}")
        writer.para(text=f"Compared with the report as of {long_date(c['since'])} ({c['basis']}).")
        _changes(doc, writer, c)
    if report.get("progress"):
        _progress(doc, writer, report["progress"])
    if report.get("final"):
        _final(writer, report["final"])


def _progress(doc, writer: Writer, progress: dict) -> None:
    period = progress["period"]
    writer.para("Heading 1", "Implementation period")
    writer.para(
        text=f"This progress report covers implementation from "
        f"{long_date(period['start']) or 'the first recommendation'} to {long_date(period['end'])}; "
        f"the previous progress report was as of {long_date(period['previous_report'])}."
    )
    writer.para("Heading 1", "What moved since the previous progress report")
    _changes(doc, writer, progress["moved"])
    writer.para("Heading 1", "Recommendations with no progress")
    writer.para("Quote", progress["partially_complete_meaning"])
    if progress["no_progress"]:
        writer.table(
            ["Recommendation", "Status", "Reason"],
            [
                [n["number"], n["status_label"], n["reason_label"] or "Not given"]
                for n in progress["no_progress"]
            ],
        )


def _final(writer: Writer, final: dict) -> None:
    t = final["totals"]
    writer.para("Heading 1", "Totals for the engagement")
    writer.table(
        ["", "Count"],
        [
            ["Findings", str(t["findings"])],
            ["Recommendations", str(t["recommendations"])],
            ["Complete", f"{t['complete']} ({t['percent_complete']}%)"],
        ],
    )
    writer.para("Heading 1", "Final status of each recommendation")
    for rec in final["recommendations"]:
        steps = " → ".join(f"{u['status_label']} ({long_date(u['as_of'])})" for u in rec["history"])
        writer.para("List Bullet", f"{rec['number']}: {rec['final_status_label']}. {steps}")
    writer.para("Heading 1", "Sustaining the changes")
    for para in final["sustaining"]:
        writer.para(text=para)


def _area(doc, writer: Writer, book: _Bookmarks, area: dict) -> None:
    heading = writer.para("Heading 1", f"Focus area {area['number']}: {area['title']}")
    book.add(heading, f"focus-area-{area['number']}")
    narrative = area.get("narrative")
    if narrative:
        writer.markdown(narrative.get("body"), heading_base=2)
    if area["under_development"]:
        writer.para(text="Findings and recommendations for this focus area are under development.")
    for finding in area["findings"]:
        _finding(doc, writer, book, finding)


def _finding(doc, writer: Writer, book: _Bookmarks, finding: dict) -> None:
    if finding.get("withdrawn"):
        heading = writer.para("Heading 2", f"Finding {finding['number']}: withdrawn")
        book.add(heading, anchor(finding["number"]))
        for rec in finding["recommendations"]:
            para = writer.para("List Bullet", f"Recommendation {rec['number']}: withdrawn")
            book.add(para, anchor(rec["number"]))
        return
    state = (
        f" [{finding['review']}{', internal' if finding.get('internal') else ''}]"
        if "review" in finding
        else ""
    )
    heading = writer.para("Heading 2", f"Finding {finding['number']}: {finding['title']}{state}")
    book.add(heading, anchor(finding["number"]))
    for note in finding.get("notes", []):
        writer.para(
            "Quote", f"Note ({note['created_by']}, {note['created_at'][:10]}): {note['text']}"
        )
    writer.markdown(finding.get("body"), heading_base=3)
    if finding.get("methods"):
        writer.para(text="Methods: " + ", ".join(METHODS[m] for m in finding["methods"]), size=9)
    for rec in finding["recommendations"]:
        # The bookmark first and the runs after it, as python-docx's add_run placed them.
        para = writer.para()
        book.add(para, anchor(rec["number"]))
        if rec.get("withdrawn"):
            writer.add_runs(
                para, [(f"Recommendation {rec['number']}", True), (": withdrawn", False)]
            )
            continue
        writer.add_runs(
            para, [(f"Recommendation {rec['number']}", True), (f" · {rec['status_label']}", False)]
        )
        writer.markdown(rec.get("text"), heading_base=3)
        details = [f"Status as of {long_date(rec['status_as_of'])}"]
        details += [f"Priority: {rec['priority']}"] if rec.get("priority") else []
        details += [f"Responsible: {rec['owner']}"] if rec.get("owner") else []
        details += [f"Reason: {rec['reason_label']}"] if rec.get("reason_label") else []
        details += [rec["review"]] if "review" in rec else []
        writer.para(text=" · ".join(details), size=9)
        for note in rec.get("notes", []):
            writer.para(
                "Quote", f"Note ({note['created_by']}, {note['created_at'][:10]}): {note['text']}"
            )
    if not finding["recommendations"]:
        writer.para(text="Recommendations for this finding are under development.")


def _fixed_zip(data: bytes) -> bytes:
    """The package again with one fixed timestamp on every file (python-docx stamps the clock)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()
