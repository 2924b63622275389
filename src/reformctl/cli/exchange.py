"""Moving records in and out of the store: export (open data, bundles) and import (spreadsheets, bundles)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.errors import CliUsageError
from reformctl.cli.output import WriteFormat, print_json


def export(
    ctx: typer.Context,
    public_db: Annotated[Optional[Path], typer.Option("--public-db", metavar="PATH", help="Write the public record as a SQLite database (with metadata.json for Datasette beside it).")] = None,
    bundle: Annotated[Optional[Path], typer.Option("--bundle", metavar="DIR", help="Write the engagement as a directory of small text files, for git (needs --site).")] = None,
    site: Annotated[Optional[str], typer.Option("--site", help="Only this engagement (default: all, for --public-db).")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="YYYY-MM-DD", help="Public status as it stood on this date (--public-db; default today).")] = None,
    fmt: Annotated[WriteFormat, typer.Option("--format", help="Output format.")] = WriteFormat.text,
) -> None:
    """Export open data (--public-db) or an engagement bundle for offline work through git (--bundle).

    Example: reformctl export --public-db tracker.db && datasette tracker.db -m metadata.json
    """
    if (public_db is None) == (bundle is None):
        raise CliUsageError("give exactly one of --public-db PATH and --bundle DIR")
    store = context.store(ctx)
    if public_db is not None:
        from reformctl.dates import parse_date
        from reformctl.model.engagements import get_engagement
        from reformctl.reports.open_data import export_public_db

        if site:
            get_engagement(store, site)
        done = export_public_db(store, public_db, site, parse_date(as_of, "--as-of") if as_of else None)
        if fmt is WriteFormat.json:
            print_json(done)
            return
        counts = done["counts"]
        typer.echo(f"Wrote {done['path']} ({counts['findings']} findings, {counts['recommendations']} "
                   f"recommendations as of {done['as_of']}) and {done['metadata']}", err=True)
        typer.echo(f"Browse it with: datasette {done['path']} -m {done['metadata']}", err=True)
        return
    if not site:
        raise CliUsageError("--bundle needs --site SLUG: a bundle holds one engagement")
    from reformctl.model.bundle import export_bundle

    done = export_bundle(store, site, bundle)
    if fmt is WriteFormat.json:
        print_json(done)
    else:
        typer.echo(f"Wrote {done['files']} files for {site} to {bundle}", err=True)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
