"""The PDF report's content as Typst markup, in the HTML page's order (report.html.j2,
sections.html.j2): cover facts, contents (assessment), sections, status, the kind's sections,
one chapter per focus area with its findings and recommendations, conclusion, the list of all
recommendations and the appendices. Every text goes through typst_markup's escaping.

Chapters are level-1 headings and findings level-2 ones: both are bookmarks. The contents list
what the HTML report's contents list; the other chapters (status, the kind's tables) are
bookmarks only.
"""

from __future__ import annotations

from reformctl.model.vocab import METHODS
from reformctl.reports.prose import anchor
from reformctl.reports.typst_markup import Prose, label, link, lit, string
from reformctl.reports.wording import location, long_date

GREY = 'rgb("#555d66")'


class Markup(str):
    """A table cell already written as Typst markup (every other cell is plain text)."""


def _cell(text) -> str:
    return f"[{text}]" if isinstance(text, Markup) else f"[{lit(str(text))}]"


def table(header: list[str], rows: list[list[str]], footer: list[str] | None = None) -> str:
    """A table of plain texts whose header row repeats on each page."""
    out = [
        f"#table(columns: {len(header)}, align: left, table.header(",
        ", ".join(f"[#strong[{lit(h)}]]" for h in header),
        "), ",
    ]
    for row in rows:
        out.append(", ".join(_cell(c) for c in row) + ", ")
    if footer:
        out.append("table.footer(" + ", ".join(f"[#strong[{lit(c)}]]" for c in footer) + "), ")
    return "".join(out) + ")\n\n"


class Body:
    """The document's content for REPORT; KNOWN: the finding and recommendation anchors it has."""

    def __init__(self, report: dict, known: frozenset[str]):
        self.r = report
        self.inputs: dict[str, str] = {}  # the charts' SVG, read by the document from sys.inputs
        sections = report.get("sections") or []
        self.front = [
            s
            for s in sections
            if s["name"] != "conclusion" and not s["name"].startswith("appendix-")
        ]
        self.conclusion = [s for s in sections if s["name"] == "conclusion"]
        self.appendices = [s for s in sections if s["name"].startswith("appendix-")]
        chapters = [f"section-{s['name']}" for s in sections]
        chapters += [f"focus-area-{a['number']}" for a in report["focus_areas"]]
        chapters += ["all-recommendations"] if report.get("all_recommendations") else []
        self.known = frozenset(known | set(chapters))
        self.prose = Prose(self.known)

    def render(self) -> str:
        r = self.r
        out = [self._marking(), self._cover()]
        if r.get("kind") == "assessment":
            out.append(self._contents())
        out += [self._section(s) for s in self.front]
        out += [self._areas_list(), self._status()]
        from reformctl.reports.typst_kinds import kind_sections

        out.append(kind_sections(self, r))
        out += [self._area(a) for a in r["focus_areas"]]
        out += [self._section(s) for s in self.conclusion]
        out.append(self._all_recommendations())
        out += [self._section(s) for s in self.appendices]
        out.append(f"#v(1.5em)\n#text(size: 8.5pt, fill: {GREY})[{lit(self._closing())}]\n\n")
        out.append(self._marking())
        return "".join(out)

    def heading(
        self,
        level: int,
        text: str,
        target: str | None = None,
        outlined: bool = False,
        state: str = "",
    ) -> str:
        """A heading (bookmarked); TARGET: its label, OUTLINED: listed in the contents."""
        text = text if text.strip() else "(untitled)"  # PDF/UA-1 refuses a heading with no text
        tail = f" {label(target)}" if target else ""
        extra = f' #text(size: 8pt, fill: rgb("#7a0000"))[{lit(state)}]' if state else ""
        return (
            f"#heading(level: {level}, outlined: {'true' if outlined else 'false'}, bookmarked: true)"
            f"[{lit(text)}{extra}]{tail}\n\n"
        )

    def para(self, text: str, style: str = "") -> str:
        return f"#text({style})[{lit(text)}]\n\n" if style else f"{lit(text)}\n\n"

    def ref(self, number: str) -> str:
        """A recommendation's (or finding's) number linked to it."""
        return link("#" + anchor(number), lit(number), self.known)

    def _closing(self) -> str:
        return f"Status as of {long_date(self.r['as_of'])}. Prepared with {self.r['generator']}."

    def _marking(self) -> str:
        mark = self.r.get("classification")
        if not mark:
            return ""
        return (
            f"#block(width: 100%, stroke: 1.5pt, inset: 4pt)[#align(center)"
            f"[#strong[{lit(mark)}]]]\n\n"
        )

    def _cover(self) -> str:
        r, e = self.r, self.r["engagement"]
        kicker = f"Collaborative Reform Initiative · {e['program_name']}"
        kind = (
            f" #box(stroke: 0.5pt, inset: (x: 3pt), outset: (y: 2pt))[{lit(r['kind_label'])}]"
            if r.get("kind_label")
            else ""
        )
        facts = [
            ("Location", lit(location(e))),
            ("Announced", lit(long_date(e.get("announced")))),
            ("Updated as of", lit(long_date(r["as_of"]))),
        ]
        if e.get("public_url"):
            facts.append(("Public page", link(e["public_url"], lit(e["public_url"]), self.known)))
        rows = ", ".join(f"[{lit(k)}], [{v}]" for k, v in facts if v)
        return (
            f"#text(size: 8pt, fill: {GREY})[{lit(kicker)}]{kind}\n\n"
            + (f"#title[{lit(e['agency'])}]\n\n" if e["agency"].strip() else "")
            + f"#grid(columns: (7.5em, 1fr), row-gutter: 0.5em, {rows})\n\n"
            "#line(length: 100%, stroke: 2pt)\n\n"
        )

    def _contents(self) -> str:
        return "#outline(title: [Contents], depth: 1)\n\n#pagebreak()\n\n"

    def _section(self, s: dict) -> str:
        out = [
            self.heading(1, s["title"], f"section-{s['name']}", outlined=True),
            self.prose.markdown(s.get("body"), 1),
        ]
        if s["name"] == "methodology" and self.r.get("data_collection"):
            out.append(self.para("Information collected, by method", 'weight: "bold"'))
            out.append(
                table(
                    ["Method", "Count"],
                    [[a["text"], str(a["count"])] for a in self.r["data_collection"]],
                )
            )
        return "".join(out)

    def _areas_list(self) -> str:
        items = ", ".join(
            f"[{link('#focus-area-' + str(a['number']), lit(a['title']), self.known)}]"
            for a in self.r["focus_areas"]
        )
        return self.heading(1, "Focus areas", "focus-areas") + (
            f"#enum({items})\n\n" if items else ""
        )

    def _status(self) -> str:
        r = self.r
        total = r["total_recommendations"]
        out = [
            self.heading(1, "Status of recommendations", "status"),
            table(
                ["Status", "Count", "Percent"],
                [
                    [row["label"], str(row["count"]), f"{row['percent']}%"]
                    for row in r["status_summary"]
                ],
                ["Total", str(total), f"{100 if total else 0}%"],
            ),
        ]
        out += [
            f"#strong[{lit(d['label'])}]\\\n#text(fill: {GREY})[{lit(d['definition'])}]\n\n"
            for d in r["status_definitions"]
        ]
        if r.get("data_collection"):
            out.append(self.heading(1, "How the team collected information", "data-collection"))
            out.append(
                self.para(f"The assessment team's work so far: {r['data_collection_text']}.")
            )
        return "".join(out)

    def chart(self, name: str, svg: str) -> str:
        """An SVG chart (from charts.py) as an image with its text alternative."""
        from reformctl.reports.typst_pdf import chart_alt

        self.inputs[name] = svg
        return (
            f"#block(breakable: false, width: 12.5cm)[#image(bytes(sys.inputs.at({string(name)})), "
            f'format: "svg", width: 100%, alt: {string(chart_alt(svg))})]\n\n'
        )

    def _area(self, a: dict) -> str:
        out = [
            self.heading(
                1,
                f"Focus area {a['number']}: {a['title']}",
                f"focus-area-{a['number']}",
                outlined=True,
            )
        ]
        if a.get("narrative"):
            out.append(self.prose.markdown(a["narrative"].get("body"), 1))
        if a.get("under_development"):
            out.append(
                self.para(
                    "Findings and recommendations for this focus area are under development.",
                    f'style: "italic", fill: {GREY}',
                )
            )
        out += [self._finding(f) for f in a["findings"]]
        return "".join(out)

    def _finding(self, f: dict) -> str:
        number = f["number"]
        if f.get("withdrawn"):
            out = [
                self.heading(2, f"Finding {number}: withdrawn", anchor(number)),
                self.para("This finding has been withdrawn.", f'style: "italic", fill: {GREY}'),
            ]
            out += [self._withdrawn_rec(rec) for rec in f.get("recommendations", [])]
            return "".join(out)
        state = (
            (f.get("review", "") + (", internal" if f.get("internal") else ""))
            if "review" in f
            else ""
        )
        out = [self.heading(2, f"Finding {number}: {f['title']}", anchor(number), state=state)]
        out += [self._note(n) for n in f.get("notes") or []]
        out.append(self.prose.markdown(f.get("body"), 2))
        if f.get("methods"):
            out.append(
                self.para(
                    "Methods: " + ", ".join(METHODS[m] for m in f["methods"]),
                    f"size: 9pt, fill: {GREY}",
                )
            )
        if f.get("recommendations"):
            out += [
                self._withdrawn_rec(rec) if rec.get("withdrawn") else self._rec(rec)
                for rec in f["recommendations"]
            ]
        else:
            out.append(
                self.para(
                    "Recommendations for this finding are under development.",
                    f'style: "italic", fill: {GREY}',
                )
            )
        return "".join(out)

    def _note(self, n: dict) -> str:
        said = f" ({n['created_by']}, {n['created_at'][:10]}): {n['text']}"
        return (
            f'#block(inset: (left: 6pt), stroke: (left: 2pt + rgb("#7a0000")))[#text(size: 9pt)'
            f"[#strong[Note] {lit(said)}]]\n\n"
        )

    def _withdrawn_rec(self, rec: dict) -> str:
        return (
            f'#block(width: 100%, inset: 5pt, stroke: 0.5pt + rgb("#c4c9cf"))'
            f"[#strong[{lit('Recommendation ' + rec['number'])}] {lit('withdrawn')}] "
            f"{label(anchor(rec['number']))}\n\n"
        )

    def _rec(self, rec: dict) -> str:
        meta = f"Status as of {long_date(rec['status_as_of'])}"
        meta += f" · Priority: {rec['priority']}" if rec.get("priority") else ""
        meta += f" · Responsible: {rec['owner']}" if rec.get("owner") else ""
        meta += f" · {rec['review']}" if "review" in rec else ""
        inner = [
            f"#strong[{lit('Recommendation ' + rec['number'])}] "
            f'#box(stroke: 0.5pt, inset: (x: 3pt), outset: (y: 2pt))[#text(size: 8.5pt, weight: "bold")'
            f"[{lit(rec['status_label'])}]]\n\n",
            self.prose.markdown(rec.get("text"), 2),
        ]
        if rec.get("reason_label"):
            inner.append(self.para(f"Reason: {rec['reason_label']}", 'style: "italic"'))
        inner.append(self.para(meta, f"size: 9pt, fill: {GREY}"))
        inner += [self._note(n) for n in rec.get("notes") or []]
        return (
            f'#block(width: 100%, inset: 6pt, stroke: 0.5pt + rgb("#c4c9cf"))[{"".join(inner)}] '
            f"{label(anchor(rec['number']))}\n\n"
        )

    def _all_recommendations(self) -> str:
        recs = self.r.get("all_recommendations")
        if not recs:
            return ""
        rows = [
            [
                Markup(self.ref(rec["number"])),
                Markup(self.prose.markdown(rec.get("text"), 2)),
                rec.get("owner") or "",
                rec.get("priority") or "",
            ]
            for rec in recs
        ]
        return self.heading(
            1, "List of recommendations", "all-recommendations", outlined=True
        ) + table(["No.", "Recommendation", "Responsible", "Priority"], rows).replace(
            "#table(columns: 4,", "#table(columns: (auto, 1fr, auto, auto),", 1
        )
