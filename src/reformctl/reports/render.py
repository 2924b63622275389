"""One entry point that renders a report in a named format."""

from __future__ import annotations

import json
from pathlib import Path

from reformctl.errors import Invalid, Option
from reformctl.model.vocab import REPORT_FORMATS

FORMATS = REPORT_FORMATS
BINARY = ("pdf", "xlsx", "docx")
# What `publish` writes into a release folder: every public format.
PUBLISHED_FORMATS = FORMATS
EXTENSIONS = {
    "markdown": "md",
    "html": "html",
    "json": "json",
    "csv": "csv",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "docx": "docx",
}
# The format a file's extension names (`report --output FILE` without --format).
FORMAT_OF_EXTENSION = {f".{ext}": fmt for fmt, ext in EXTENSIONS.items()} | {
    ".markdown": "markdown",
    ".htm": "html",
}


def format_for_output(path: str, fmt: str | None) -> str:
    """The format to write PATH in: FMT if given and the extension agrees (or there is none), else
    the one the extension names. Invalid when they disagree or it is unknown."""
    suffix = Path(path).suffix.lower()
    named = FORMAT_OF_EXTENSION.get(suffix)
    if fmt is not None:
        if suffix and named is not None and named != fmt:
            raise Invalid(
                "{output} {path} names a {named} file but {format} is {fmt}; "
                "give a .{extension} file or {format} {named}",
                output=Option("output"),
                format=Option("format"),
                path=path,
                named=named,
                fmt=fmt,
                extension=EXTENSIONS[fmt],
            )
        return fmt
    if named is None:
        known = " ".join(sorted(FORMAT_OF_EXTENSION))
        what = f"extension {suffix!r}" if suffix else "no extension"
        raise Invalid(
            "{output} {path} has {what}, which names no report format; "
            "use one of {known}, or give {format}",
            output=Option("output"),
            format=Option("format"),
            path=path,
            what=what,
            known=known,
        )
    return named


def render(report: dict, fmt: str) -> str | bytes:
    """Text for markdown, html, json and csv; bytes for pdf, xlsx and docx."""
    if fmt == "markdown":
        from reformctl.reports.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from reformctl.reports.html import render_html  # jinja2 only for HTML

        return render_html(report)
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        from reformctl.reports.tabular import render_csv

        return render_csv(report)
    if fmt == "pdf":
        from reformctl.reports.pdf import render_pdf  # weasyprint only for PDF

        return render_pdf(report)
    if fmt == "xlsx":
        from reformctl.reports.xlsx import render_xlsx  # openpyxl only for XLSX

        return render_xlsx(report)
    if fmt == "docx":
        from reformctl.reports.docx import render_docx  # python-docx only for Word

        return render_docx(report)
    raise ValueError(f"unknown format {fmt!r}")
