"""A team's own report template: Jinja2 for HTML and PDF, a .docx for Word.

A Jinja2 template runs in a SandboxedEnvironment with autoescaping on, and gets exactly the JSON
report's top-level keys as its variables (engagement, as_of, status_summary, focus_areas,
sections, ...); so a template can only print what the report already holds, escaped, and cannot
reach into Python. Filters: md (Markdown as safe HTML, reports/prose.py), long_date. It may
include the package's stylesheets by name ("report.css", "report-pdf.css").

A .docx template gives the Word output its styles, header, footer and page setup (its body text
is replaced by the report).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from reformctl.errors import Invalid, Option

# The default template a team starts from (`reformctl template export`), and what it includes.
DEFAULT_TEMPLATES = ("custom-report.html.j2", "report.css", "report-pdf.css")


# What a template may include from its folder.
INCLUDABLE = (".j2", ".jinja", ".html", ".htm", ".css", ".svg")
ESCAPING_OFF = (
    "turns escaping off (|safe, {% filter safe %} or {% autoescape %}); print a text as it is "
    "(escaped) or through |md"
)


def _escaping_sandbox():
    """A SandboxedEnvironment in which no template, nor any it includes, can print text unescaped:
    a body holding '<script>' prints as text, whatever the template says."""
    from jinja2 import TemplateSyntaxError, nodes
    from jinja2.sandbox import SandboxedEnvironment

    class EscapingSandbox(SandboxedEnvironment):
        def _parse(self, source, name, filename):
            tree = super()._parse(source, name, filename)
            for node in tree.find_all((nodes.Filter, nodes.EvalContextModifier)):
                if isinstance(node, nodes.EvalContextModifier) or node.name == "safe":
                    raise TemplateSyntaxError(ESCAPING_OFF, node.lineno, name, filename)
            return tree

    return EscapingSandbox


def _environment(folder: Path, report: dict, main: str):
    from jinja2 import (
        ChoiceLoader,
        FileSystemLoader,
        PackageLoader,
        StrictUndefined,
        TemplateNotFound,
    )
    from markupsafe import Markup

    from reformctl.reports.prose import anchors, to_html
    from reformctl.reports.wording import long_date

    class TemplatesOnly(FileSystemLoader):
        """The template's folder, serving only templates and stylesheets: never notes, keys or a
        .toml that happen to sit beside it."""

        def get_source(self, environment, name):
            if name != main and not name.lower().endswith(INCLUDABLE):
                raise TemplateNotFound(name)
            return super().get_source(environment, name)

    env = _escaping_sandbox()(
        loader=ChoiceLoader(
            [TemplatesOnly(str(folder)), PackageLoader("reformctl", "reports/templates")]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    known = anchors(report)
    env.filters["md"] = lambda text, shift=2: Markup(to_html(text, shift, known))
    env.filters["long_date"] = long_date
    del env.filters["safe"]  # nor by name, as in map('safe')
    return env


def mark_internal(html: str, mark: str) -> str:
    """HTML with MARK (the internal report's classification) first and last in its body, whatever
    the team's template prints: an internal report never leaves unmarked."""
    import re

    from markupsafe import escape

    banner = f'<p class="internal-mark" role="note"><strong>{escape(mark)}</strong></p>'
    opening = re.search(r"<body\b[^>]*>", html, re.IGNORECASE)
    at = opening.end() if opening else 0
    html = html[:at] + banner + html[at:]
    closing = html.lower().rfind("</body>")
    return html[:closing] + banner + html[closing:] if closing >= at else html + banner


def _line_of(exc: BaseException, path: Path) -> int | None:
    """The line of the template PATH where EXC happened: Jinja2 maps its frames to template lines."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_template_html(report: dict, template: Path) -> str:
    """REPORT through the Jinja2 template at TEMPLATE; Invalid naming the template and line if it fails."""
    from jinja2 import TemplateError, TemplateNotFound

    template = Path(template)
    try:
        env = _environment(template.parent, report, template.name)
        return env.get_template(template.name).render(**report)
    except TemplateError as exc:
        line = _line_of(exc, template)
        where = f"{template}, line {line}" if line else str(template)
        message = " ".join(str(getattr(exc, "message", None) or exc).split())
        if isinstance(exc, TemplateNotFound):
            message = (
                f"cannot include {exc.name}: a template includes {', '.join(INCLUDABLE)} files from its "
                "own folder, and the package's report.css and report-pdf.css"
            )
        raise Invalid(f"template {where}: {message}") from None
    except UnicodeDecodeError:
        raise Invalid(f"template {template} is not UTF-8 text") from None


# Package parts that run code or carry other files: never needed for styles, header and page setup.
_ACTIVE_PARTS = re.compile(
    r"(?:^|/)(?:vbaProject|vbaData|activeX|embeddings|oleObject)", re.IGNORECASE
)
_KEPT_TEXT = re.compile(r"word/(?:header|footer|footnotes|endnotes|comments)[^/]*\.xml\Z")
MAX_TEMPLATE_BYTES = 50_000_000  # unpacked; python-docx reads every part into memory


def check_word_template(template: Path) -> None:
    """Invalid unless TEMPLATE is a Word package that a public report can carry: nothing fetched
    from outside the file when it opens (an attached template, a linked picture or field source),
    no macro project or embedded object, and no [[...]] in the text it keeps (header, footer, notes)."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(template) as package:
            infos = package.infolist()
            if sum(i.file_size for i in infos) > MAX_TEMPLATE_BYTES:
                raise Invalid(
                    f"template {template} unpacks to more than {MAX_TEMPLATE_BYTES:,} bytes"
                )
            for info in infos:
                if _ACTIVE_PARTS.search(info.filename):
                    raise Invalid(
                        f"template {template} holds {info.filename} (a macro project or embedded "
                        "object); save the template as a plain .docx without it"
                    )
                data = package.read(info)
                if info.filename.endswith(".rels"):
                    for rel in ElementTree.fromstring(data):
                        if rel.get("TargetMode") == "External":
                            raise Invalid(
                                f"template {template} links to {rel.get('Target')} outside the file "
                                f"({rel.get('Type', '').rsplit('/', 1)[-1]}), which Word would fetch "
                                "when the report opens; remove the link from the template"
                            )
                elif _KEPT_TEXT.match(info.filename) and MARKER_IN_XML.search(
                    re.sub(rb"<[^>]+>", b"", data)
                ):
                    raise Invalid(
                        f"template {template} has [[ or ]] in {info.filename}, which the report "
                        "keeps as written; remove it from the template"
                    )
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError) as exc:
        raise Invalid(
            f"template {template} is not a Word document ({type(exc).__name__})"
        ) from None


MARKER_IN_XML = re.compile(rb"\[\[|\]\]")


def render_with_template(report: dict, fmt: str, template: Path) -> str | bytes:
    """REPORT in FMT (html, pdf or docx) with the team's TEMPLATE."""
    template = Path(template)
    if not template.is_file():
        raise Invalid(f"template {template} does not exist or is not a file")
    if fmt == "docx":
        if template.suffix.lower() not in (".docx", ".dotx"):
            raise Invalid(
                "template {template} is not a .docx file; {option} docx takes a Word template",
                template=template,
                option=Option("format"),
            )
        from reformctl.reports.docx import render_docx

        check_word_template(template)
        try:
            return render_docx(report, str(template))
        except (
            KeyError,
            ValueError,
            OSError,
        ) as exc:  # python-docx on a file that is no Word package
            raise Invalid(
                f"template {template} is not a Word document ({type(exc).__name__})"
            ) from None
    if fmt not in ("html", "pdf"):
        raise Invalid(
            "{option} applies to html, pdf and docx, not {fmt}", option=Option("template"), fmt=fmt
        )
    if template.suffix.lower() in (".docx", ".dotx"):
        raise Invalid(
            "template {template} is a Word file; {option} {fmt} takes a Jinja2 HTML template",
            template=template,
            option=Option("format"),
            fmt=fmt,
        )
    html = render_template_html(report, template)
    if report.get("classification"):
        html = mark_internal(html, report["classification"])
    if fmt == "html":
        return html
    from reformctl.reports.pdf import render_pdf

    return render_pdf(report, html=html)


def export_defaults(folder: Path) -> list[Path]:
    """Write the default HTML template, its stylesheets and a Word template into FOLDER."""
    from importlib.resources import files

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    source = files("reformctl") / "reports" / "templates"
    for name in (*DEFAULT_TEMPLATES, "custom-report.docx"):  # all checked before any is written
        if os.path.lexists(
            folder / name
        ):  # a link too, even one to nothing yet (a store's -journal)
            raise Invalid(f"{folder / name} already exists; export into a new or empty folder")
    import io

    from docx import Document

    word = io.BytesIO()
    Document().save(word)  # python-docx's default styles: edit them in Word, keep the names
    contents = {name: (source / name).read_bytes() for name in DEFAULT_TEMPLATES}
    for name, data in {**contents, "custom-report.docx": word.getvalue()}.items():
        try:
            with open(folder / name, "xb") as out:  # O_EXCL: never through a link planted since
                out.write(data)
        except FileExistsError:
            raise Invalid(
                f"{folder / name} already exists; export into a new or empty folder"
            ) from None
        written.append(folder / name)
    return written
