"""The report command: the public (or internal) report of any kind in Markdown, HTML, JSON, CSV, PDF, XLSX or Word."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.errors import CliError, CliUsageError, message
from reformctl.cli.options import SiteOption, choice
from reformctl.errors import Invalid
from reformctl.model.vocab import REPORT_FORMATS, REPORT_KINDS

ReportFormat = choice("ReportFormat", REPORT_FORMATS)
ReportKind = choice("ReportKind", REPORT_KINDS)


def write_atomically(path: Path, content: str | bytes, store_path: Path | str | None) -> None:
    """Write a report or picture: atomically, never over the store (store/paths.py)."""
    from reformctl.store.paths import write_atomically as write

    write(path, content, store_path)


ReportFormatOption = Annotated[
    Optional[ReportFormat],
    typer.Option(
        "--format",
        help="Output format (default: the --output file's extension, else markdown; pdf, xlsx and docx need --output).",
    ),
]

ReportKindOption = Annotated[
    ReportKind,
    typer.Option(
        "--kind",
        help="status-update (the public page), progress (about 6 and 12 months), final, or assessment (the assessment report with its narrative sections).",
    ),
]

OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", metavar="PATH", help="Write to this file instead of stdout."),
]

ReportAsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Report every status as it stood on this date (default today).",
    ),
]

InternalOption = Annotated[
    bool,
    typer.Option(
        "--internal",
        help="The team's working view: every record, review states, notes; marked INTERNAL - NOT FOR RELEASE.",
    ),
]

TemplateOption = Annotated[
    Optional[Path],
    typer.Option(
        "--template",
        metavar="PATH",
        help="Your own template: Jinja2 HTML for html and pdf, a .docx for docx (`reformctl template export` writes the defaults).",
    ),
]


def report(
    ctx: typer.Context,
    site: SiteOption,
    fmt: ReportFormatOption = None,
    kind: ReportKindOption = ReportKind.status_update,
    output: OutputOption = None,
    as_of: ReportAsOfOption = None,
    internal: InternalOption = False,
    template: TemplateOption = None,
) -> None:
    """Export the public report in a format of your choice.

    Focus areas, the status table and charts, findings and recommendations.

    Example: reformctl report --site north-miami --kind progress --format pdf --output north-miami.pdf
    """
    from reformctl.model.frozen import report_date
    from reformctl.reports.build import build_report
    from reformctl.reports.render import BINARY, render

    store = context.store(ctx)
    fmt = _format(ctx, store, fmt, output)
    from reformctl.cli.terminal import working

    with working(f"Building the {kind.value} report of {site}") as stage:
        data = build_report(
            store, site, report_date(store, site, as_of), kind.value, internal=internal
        )
        stage(f"Laying out the {fmt.value.upper() if fmt.value in BINARY else fmt.value} report")
        if template is not None:
            from reformctl.reports.custom import render_with_template

            text = render_with_template(data, fmt.value, template)
        else:
            text = render(data, fmt.value)
    if output is not None:
        write_atomically(output, text, store.path)
        which = "internal" if internal else "public"
        typer.echo(
            f"Wrote the {which} {kind.value} {fmt.value} report of {site} as of {data['as_of']} to {output}",
            err=True,
        )
    else:
        _print(text, fmt)


def _format(ctx: typer.Context, store, fmt, output: Path | None):
    """The format to write: --format, agreeing with --output's extension, else the one the
    extension names, else markdown. Checked before the work, as is OUTPUT (never the store)."""
    from reformctl.reports.render import BINARY, format_for_output

    if output is not None:
        from reformctl.store.paths import refuse_store_target

        refuse_store_target(output, store.path)
        try:
            fmt = ReportFormat(format_for_output(str(output), fmt.value if fmt else None))
        except Invalid as exc:
            raise CliUsageError(message(exc), ctx) from None
    fmt = fmt or ReportFormat.markdown
    if fmt.value in BINARY and output is None:
        raise CliError(f"--format {fmt.value} writes a binary file; give --output FILE.{fmt.value}")
    return fmt


def _print(text: str, fmt) -> None:
    """A report on stdout: Markdown drawn for a person at a terminal, else as it is."""
    if fmt is ReportFormat.markdown and sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)


template_app = typer.Typer(
    help="The report templates a team starts its own from.\n\nExample: reformctl template export --kind assessment my-templates",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, as every other command
    context_settings={"help_option_names": ["-h", "--help"]},
)


@template_app.command("export")
def template_export(
    folder: Annotated[
        Path,
        typer.Argument(metavar="DIR", help="A new or empty folder to write the templates into."),
    ],
    kind: Annotated[
        ReportKind,
        typer.Option(
            "--kind", help="The report kind the templates are for (one template serves every kind)."
        ),
    ] = ReportKind.assessment,
) -> None:
    """Write the default report templates into DIR.

    The HTML template, its stylesheets and a Word template, to start your own from.

    Example: reformctl template export --kind assessment my-templates
    """
    from reformctl.reports.custom import export_defaults

    for path in export_defaults(folder):
        typer.echo(str(path))
