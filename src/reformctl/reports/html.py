"""The report as one self-contained HTML page, rendered by Jinja2 with autoescaping on."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from reformctl.model.vocab import METHODS
from reformctl.reports.dates import location, long_date

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
        _env.globals["METHODS"] = METHODS
        _env.globals["location"] = location
    return _env


def render_html(report: dict) -> str:
    return environment().get_template("report.html.j2").render(r=report)
