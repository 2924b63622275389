"""The report command: the public report in Markdown, HTML, JSON or CSV."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.errors import CliError


class ReportFormat(str, Enum):
    markdown = "markdown"
    html = "html"
    json = "json"
    csv = "csv"


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    import tempfile  # only when writing a file: it is several ms of start-up

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"cannot write {path}: folder {folder} does not exist")
    handle = tempfile.NamedTemporaryFile("w", dir=folder, prefix=f".{path.name}.", delete=False,
                                         encoding="utf-8", newline="")
    try:
        with handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # temporary files are 0600; a report is for sharing
        os.replace(handle.name, path)
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise


def report(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help="The engagement's site slug.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.markdown,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="PATH", help="Write to this file instead of stdout.")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="YYYY-MM-DD", help="Report every status as it stood on this date (default today).")] = None,
    internal: Annotated[bool, typer.Option("--internal", help="The team's working view: every record, review states, notes; marked INTERNAL - NOT FOR RELEASE.")] = False,
) -> None:
    """Export the public report: focus areas, the status table, findings and recommendations.

    Example: reformctl report --site north-miami --format html --output north-miami.html
    """
    from reformctl.dates import past_date
    from reformctl.reports.render import render

    if internal:
        from reformctl.reports.internal import build_internal_report as build
    else:
        from reformctl.reports.public import build_public_report as build
    data = build(context.store(ctx), site, past_date(as_of, "--as-of"))
    text = render(data, fmt.value)
    if output is not None:
        write_atomically(output, text)
        which = "internal" if internal else "public"
        typer.echo(f"Wrote the {which} {fmt.value} report of {site} as of {data['as_of']} to {output}", err=True)
    elif fmt is ReportFormat.markdown and sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
