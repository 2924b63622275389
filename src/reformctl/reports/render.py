"""One entry point that renders a report in a named format."""

from __future__ import annotations

import json

FORMATS = ("markdown", "html", "json", "csv", "pdf", "xlsx")
BINARY = ("pdf", "xlsx")
# What `publish` writes into a release folder: every public format.
PUBLISHED_FORMATS = FORMATS
EXTENSIONS = {"markdown": "md", "html": "html", "json": "json", "csv": "csv", "pdf": "pdf", "xlsx": "xlsx"}


def render(report: dict, fmt: str) -> str | bytes:
    """Text for markdown, html, json and csv; bytes for pdf and xlsx."""
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
    raise ValueError(f"unknown format {fmt!r}")
