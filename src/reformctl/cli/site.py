"""The public site: `site build`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption

site_app = typer.Typer(
    help="The public website built from published releases.\n\n"
    "Example: reformctl site build report/site",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, as every other command
    context_settings={"help_option_names": ["-h", "--help"]},
)


@site_app.command("build")
def build(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="The site's folder: new, empty, or a site built before."
        ),
    ],
    base_url: Annotated[
        Optional[str],
        typer.Option(
            "--base-url",
            metavar="URL",
            help="The address the site is served from, for canonical links, feeds and the sitemap (default http://localhost:8000/, where `python -m http.server -d DIR` serves it).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Report what a build would write or remove, write nothing; exit 1 when something would change.",
        ),
    ] = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Build the public website from published releases only.

    Index, a page per engagement, every release's files as published, Atom feeds, sitemap, search
    index and open data. A rebuild rewrites only what changed.

    Example: reformctl site build report/site --base-url https://reports.example.gov/
    """
    from reformctl.publishing.site import build_site

    result = build_site(context.store(ctx, readonly=True), folder, base_url, check)
    if fmt is Format.json:
        print_json(result)
    else:
        _say(result)
    if check and result["changed"]:
        raise typer.Exit(1)


def _say(result: dict) -> None:
    verb = ("would write", "would remove") if result["check"] else ("wrote", "removed")
    if result["check"]:
        for rel in result["written"]:
            typer.echo(f"would write {rel}")
        for rel in result["removed"]:
            typer.echo(f"would remove {rel}")
    typer.echo(
        f"{result['folder']}: {result['engagements']} engagements, {result['files']} files; "
        f"{verb[0]} {len(result['written'])}, {verb[1]} {len(result['removed'])}, "
        f"{result['unchanged']} unchanged"
    )
    for what in result["unavailable"]:
        typer.echo(
            f"warning: {what}: its files are not in the store nor in the folder it was published to; "
            "it is listed without them",
            err=True,
        )
    if not result["check"]:
        typer.echo(
            f"Open it with: python -m http.server -d {result['folder']}  (then {result['base_url']})"
        )
