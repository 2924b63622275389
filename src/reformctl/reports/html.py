"""The report as one self-contained HTML page, rendered by Jinja2 with autoescaping on."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from reformctl.model.vocab import METHODS, STATUSES
from reformctl.reports.wording import location, long_date

_env: Environment | None = None


def environment() -> Environment:
    global _env
    if _env is None:
        # autoescape=True for every template: nothing from the store reaches the page unescaped.
        _env = Environment(
            loader=PackageLoader("reformctl", "reports/templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _env.filters["long_date"] = long_date
        _env.tests["match_prefix"] = lambda value, prefix: str(value).startswith(prefix)
        _env.globals["METHODS"] = METHODS
        _env.globals["STATUSES"] = STATUSES
        _env.globals["location"] = location
    return _env


# The page's own stylesheet (screen, with @media print for printing from a browser), and the lean
# one the PDF is laid out with: WeasyPrint's time grows with every rule, property and box it styles.
STYLESHEETS = {"screen": "report.css", "pdf": "report-pdf.css"}


def stylesheet(medium: str) -> str:
    # Plain CSS read as text, not a template: nothing in it is rendered or escaped.
    return environment().loader.get_source(environment(), STYLESHEETS[medium])[0]


def render_html(report: dict, medium: str = "screen") -> str:
    """The report page, styled for the screen (the HTML report) or for WeasyPrint (medium="pdf")."""
    from markupsafe import Markup

    from reformctl.reports.charts import focus_area_bars, status_over_time

    # The charts are built by charts.py, which escapes every text it places: safe to inline.
    charts = {
        "areas": Markup(focus_area_bars(report["focus_area_summary"]))
        if report.get("focus_area_summary")
        else "",
        "timeline": Markup(status_over_time(report["timeline"])) if report.get("timeline") else "",
    }
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            r=report, charts=charts, stylesheet=Markup(stylesheet(medium)), md=prose_filter(report)
        )
    )


def prose_filter(report: dict):
    """md(text, shift): a body's Markdown as safe HTML (reports/prose.py), its headings SHIFT
    levels below h1 and its cross-references linked to the report's own anchors."""
    from markupsafe import Markup

    from reformctl.reports.prose import anchors, to_html

    known = anchors(report)
    return lambda text, shift=3: Markup(to_html(text, shift, known))
