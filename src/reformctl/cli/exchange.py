"""Moving records in and out of the store: export (open data, bundles) and import (spreadsheets, bundles)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.errors import CliUsageError
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption
from reformctl.cli.terminal import counted


def export(
    ctx: typer.Context,
    public_db: Annotated[
        Optional[Path],
        typer.Option(
            "--public-db",
            metavar="PATH",
            help="Write the public record as a SQLite database (with metadata.json for Datasette beside it).",
        ),
    ] = None,
    bundle: Annotated[
        Optional[Path],
        typer.Option(
            "--bundle",
            metavar="DIR",
            help="Write the engagement as a directory of small text files, for git (needs --site).",
        ),
    ] = None,
    site: Annotated[
        Optional[str],
        typer.Option(
            "--site", metavar="SLUG", help="Only this engagement (default: all, for --public-db)."
        ),
    ] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Public status as it stood on this date (--public-db; default today).",
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Export open data or an engagement bundle.

    Open data with --public-db; a bundle for offline work through git with --bundle.

    Example: reformctl export --public-db tracker.db && datasette tracker.db -m metadata.json
    """
    if (public_db is None) == (bundle is None):
        raise CliUsageError("give exactly one of --public-db PATH and --bundle DIR")
    if bundle is not None and not site:
        raise CliUsageError("--bundle needs --site SLUG: a bundle holds one engagement")
    # Open data only reads; a bundle records what it shared.
    store = context.store(ctx, readonly=bundle is None)
    if public_db is not None:
        _export_public_db(store, public_db, site, as_of, fmt)
        return
    from reformctl.exchange.bundle_files import export_bundle
    from reformctl.store.paths import refuse_store_target, user_path_errors

    refuse_store_target(bundle, store.path)
    with user_path_errors(bundle):
        done = export_bundle(store, site, bundle)
    if fmt is Format.json:
        print_json(done)
    else:
        typer.echo(f"Wrote {done['files']} files for {site} to {bundle}", err=True)


def _export_public_db(store, public_db: Path, site: str | None, as_of: str | None, fmt) -> None:
    from reformctl.model.frozen import report_date
    from reformctl.reports.open_data import export_public_db

    done = export_public_db(store, public_db, site, report_date(store, site, as_of))
    if fmt is Format.json:
        print_json(done)
        return
    counts = done["counts"]
    typer.echo(
        f"Wrote {done['path']} ({counts['findings']} findings, {counts['recommendations']} "
        f"recommendations as of {done['as_of']}) and {done['metadata']}",
        err=True,
    )
    typer.echo(f"Browse it with: datasette {done['path']} -m {done['metadata']}", err=True)


PROGRESS_FROM = 5_000  # rows: below this an import is over before a bar would help


def import_(
    ctx: typer.Context,
    file: Annotated[
        Optional[Path],
        typer.Argument(metavar="FILE", help="A .csv or .xlsx spreadsheet (columns in the README)."),
    ] = None,
    site: Annotated[
        Optional[str],
        typer.Option(
            "--site", metavar="SLUG", help="The engagement to import the spreadsheet into."
        ),
    ] = None,
    bundle: Annotated[
        Optional[Path],
        typer.Option(
            "--bundle",
            metavar="DIR",
            help="Load an engagement bundle written by `export --bundle`.",
        ),
    ] = None,
    approved_by: Annotated[
        Optional[str],
        typer.Option(
            "--approved-by",
            metavar="NAME",
            help="New records arrive approved by this reviewer (for an already-reviewed tracker); default: drafts.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Check everything and say what would be written, but write nothing."
        ),
    ] = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Import records from a spreadsheet, or load a bundle.

    Findings, recommendations and status updates.

    Example: reformctl import --site north-miami tracker.csv --dry-run
    """
    if (file is None) == (bundle is None):
        raise CliUsageError("give a spreadsheet FILE (with --site) or --bundle DIR")
    if bundle is not None:
        _import_bundle(ctx, bundle, dry_run, fmt)
        return
    if not site:
        raise CliUsageError("importing a spreadsheet needs --site SLUG")
    _import_spreadsheet(ctx, file, site, approved_by, dry_run, fmt)


def _import_bundle(ctx: typer.Context, bundle: Path, dry_run: bool, fmt: Format) -> None:
    from reformctl.exchange.bundle_files import check_bundle, import_bundle

    def load():
        if not context.location(ctx).path.exists():
            check_bundle(bundle)  # a refused bundle leaves no store behind
        return import_bundle(
            context.store(ctx, create=True), bundle, context.actor(ctx), dry_run=dry_run
        )

    done = rows_or_exit(load)
    if fmt is Format.json:
        print_json(done)
        return
    verb = "Would load" if dry_run else "Loaded"
    typer.echo(
        f"{verb} {done['site']} from {bundle}: "
        + ", ".join(f"{n} {k}" for k, n in done["counts"].items())
    )


def _import_spreadsheet(
    ctx: typer.Context, file: Path, site: str, approved_by: str | None, dry_run: bool, fmt: Format
) -> None:
    from reformctl.exchange.importer import import_sheets
    from reformctl.exchange.sheets import read_sheets
    from reformctl.model.engagements import get_engagement

    sheets = rows_or_exit(lambda: read_sheets(file))
    rows = sum(len(sheet.rows) for sheet in sheets)
    store = context.store(ctx)
    engagement = get_engagement(store, site)
    with _progress(rows) as advance:
        plan = rows_or_exit(
            lambda: import_sheets(
                store,
                engagement,
                sheets,
                context.actor(ctx),
                str(file),
                advance,
                approved_by,
                dry_run=dry_run,
                writing=advance.writing if advance is not None else None,
            )
        )
    counts, superseded = plan.counts(), plan.superseded_rows()
    if fmt is Format.json:
        print_json({"dry_run": dry_run, "rows": rows, **counts, "superseded": superseded})
        return
    verb = "Would import" if dry_run else "Imported"
    typer.echo(
        f"{verb} {counted(counts['findings'], 'finding')}, "
        f"{counted(counts['recommendations'], 'recommendation')} and "
        f"{counted(counts['status_updates'], 'status update')} from {counted(rows, 'row')} of {file} "
        f"({counted(counts['unchanged'], 'row')} unchanged)"
    )
    _superseded_notes(file, superseded)


def _superseded_notes(file: Path, superseded: list[dict]) -> None:
    from reformctl.model.vocab import STATUSES

    for row in superseded:
        where = f"sheet {row['sheet']}, row {row['row']}" if row["sheet"] else f"row {row['row']}"
        later = row["superseded_by"]
        typer.echo(
            f"note: {file}, {where}: a later update of {row['number']} ({STATUSES[later['status']]} "
            f"as of {later['as_of']}) remains the current status"
        )


def rows_or_exit(fn):
    """Run FN; a RowErrors (any door's file problems) becomes one stderr line per error, then exit 1."""
    from reformctl.cli.errors import CLI
    from reformctl.errors import RowErrors

    try:
        return fn()
    except RowErrors as exc:
        for line in exc.lines(words=CLI):
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(1) from None


class _progress:
    """A Rich progress bar on stderr for big files, only when stderr is a terminal."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total < PROGRESS_FROM or not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("Checking rows", total=self.total)
        return self

    def __call__(self, n: int) -> None:
        self.bar.advance(self.task, n)

    def writing(self) -> None:
        self.bar.update(self.task, description="Writing", completed=self.total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
