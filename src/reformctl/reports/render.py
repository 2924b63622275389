"""One entry point that renders a report in a named format."""

from __future__ import annotations

import json

FORMATS = ("markdown", "html", "json", "csv")
# What `publish` writes into a release folder: every public format.
PUBLISHED_FORMATS = FORMATS
EXTENSIONS = {"markdown": "md", "html": "html", "json": "json", "csv": "csv"}


def render(report: dict, fmt: str) -> str:
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
    raise ValueError(f"unknown format {fmt!r}")
