"""Commands for the report's narrative: section (write or change one), sections (list them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption, SiteOption, complete_section
from reformctl.cli.terminal import WRAP, columns
from reformctl.model.sites import get_engagement

SectionNameArgument = Annotated[
    str,
    typer.Argument(
        metavar="NAME",
        autocompletion=complete_section,
        help="executive-summary, introduction, methodology, background, acknowledgments, conclusion, focus-area-N or appendix-SLUG.",
    ),
]
SectionBodyOption = Annotated[Optional[str], typer.Option(help="The section's text (CommonMark).")]
SectionBodyFileOption = Annotated[
    Optional[Path],
    typer.Option(metavar="PATH", help="Read the text from a file ('-' for stdin)."),
]
SectionEditOption = Annotated[
    bool,
    typer.Option(
        "--edit",
        help="Write the text in $EDITOR (the current text, for a section that exists).",
    ),
]
SectionTitleOption = Annotated[
    Optional[str],
    typer.Option(help="Its heading (default: 'Methodology', 'Focus area 2: <its title>' ...)."),
]
SectionDateOption = Annotated[
    Optional[str],
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        help="When a new section was written, for entering past work (default today).",
    ),
]


def section(
    ctx: typer.Context,
    site: SiteOption,
    name: SectionNameArgument,
    body: SectionBodyOption = None,
    body_file: SectionBodyFileOption = None,
    edit: SectionEditOption = False,
    title: SectionTitleOption = None,
    date: SectionDateOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Write or change a narrative section of the report.

    A change to an approved section goes back to review.

    Example: reformctl section --site north-miami methodology --body-file methodology.md
    """
    from reformctl.cli.editing import edit_text, one_body
    from reformctl.cli.errors import CliUsageError
    from reformctl.model.sections import find_section, write_section
    from reformctl.model.text import clean_section_name

    store = context.store(ctx)
    engagement = get_engagement(store, site)
    if edit and (body is not None or body_file is not None):
        raise CliUsageError("give only one of --body, --body-file and --edit")
    if edit:
        existing = find_section(store, engagement, clean_section_name(name)[0])
        text = edit_text(existing["body"] if existing else "", hint=f"Section {name}")
    else:
        text = one_body(body, body_file, False, "")
        if text is None and title is None:
            raise CliUsageError(
                "give the section's text with --body, --body-file or --edit (or a new --title)"
            )
    result = write_section(
        store, engagement, name, text, context.actor(ctx), title=title, dated=date
    )
    _print_written(result, fmt)


def _print_written(result: dict, fmt: Format) -> None:
    if fmt is Format.json:
        print_json(result)
    elif result.get("created"):
        typer.echo(f"{result['number']}: written as a draft ({result['title']})")
    elif not result["changed"]:
        typer.echo(f"{result['number']}: nothing changed")
    else:
        sent = " (sent back to review)" if result.get("previous_review") == "approved" else ""
        typer.echo(f"{result['number']}: changed {', '.join(result['changed'])}{sent}")


def sections(
    ctx: typer.Context,
    site: SiteOption,
    fmt: FormatOption = Format.text,
) -> None:
    """List the report's narrative sections in print order.

    Each with its review state.

    Example: reformctl sections --site north-miami --format json
    """
    from reformctl.model.sections import list_sections

    store = context.store(ctx)
    rows = list_sections(store, get_engagement(store, site))
    if fmt is Format.json:
        print_json(rows)
        return
    if not rows:
        typer.echo(
            f"No sections yet. Write one with `reformctl section --site {site} NAME --body-file FILE`."
        )
        return
    typer.echo(
        columns(
            None,
            ["Name", ("Title", "left", WRAP), "Review", "Approved once", "Dated"],
            [
                [
                    r["name"],
                    r["title"],
                    r["review"],
                    "yes" if r["ever_approved"] else "no",
                    r["dated"],
                ]
                for r in rows
            ],
        )
    )
