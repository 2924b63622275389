"""Implementation monitoring: status-history, bulk-status and the status dashboard."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.output import ListFormat, console, print_json, table
from reformctl.model.engagements import get_engagement
from reformctl.model.vocab import REASONS, STATUSES

SiteOption = Annotated[str, typer.Option("--site", help="The engagement's site slug.")]


def status_history(
    ctx: typer.Context,
    site: SiteOption,
    rec: Annotated[str, typer.Argument(metavar="REC", help="The recommendation, e.g. 3.1.2.")],
    fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """Show a recommendation's whole status timeline: each status, its date, reason, note and evidence.

    Example: reformctl status-history --site brightwater-demo 1.1.3
    """
    from reformctl.model.statuses import status_history as history

    store = context.store(ctx)
    data = history(store, get_engagement(store, site), rec)
    if fmt is ListFormat.json:
        print_json(data)
        return
    out = console()
    out.print(table(f"Recommendation {data['number']}", ["As of", "Status", "Reason", "Note", "Evidence", "Recorded by"],
                    [[u["as_of"], u["status_label"], u["reason_label"], u["note"], u["evidence"], u["recorded_by"]]
                     for u in data["history"]]))


def bulk_status(
    ctx: typer.Context,
    site: SiteOption,
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="Header recommendation,status,as_of,note,reason (evidence optional); '-' for stdin.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and show what would change; write nothing.")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """Apply a quarter's review from a CSV file: every row is checked, then all apply in one transaction or none do.

    Rows with errors are listed one line each (numbered as a spreadsheet shows them, the header
    being row 1) and nothing is written.

    Example: reformctl bulk-status --site brightwater-demo review-2026-q4.csv --dry-run
    """
    from reformctl.cli.errors import CliError
    from reformctl.model.bulk import InvalidRows, bulk_status as apply, read_rows

    if str(file) == "-":
        text, source = sys.stdin.read(), "stdin"
    else:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CliError(f"{file} is not UTF-8 text; save the spreadsheet as CSV UTF-8") from None
        source = str(file)
    rows = read_rows(text.lstrip("\ufeff"), source)
    store = context.store(ctx)
    engagement = get_engagement(store, site)
    try:
        applied = apply(store, engagement, rows, context.actor(ctx), dry_run=dry_run)
    except InvalidRows as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if fmt is ListFormat.json:
        print_json({"dry_run": dry_run, "applied": 0 if dry_run else len(applied), "rows": applied})
        return
    verb = "Would apply" if dry_run else "Applied"
    out = console()
    out.print(table(f"{verb} {len(applied)} status update(s) to {site}",
                    [("Row", "right"), "Recommendation", "Was", "Now", "As of", "Reason"],
                    [[a["row"], a["number"], STATUSES.get(a["previous"] or "", ""), STATUSES[a["status"]],
                      a["as_of"], REASONS.get(a["reason"] or "", "")] for a in applied]))
    if dry_run:
        typer.echo("Dry run: nothing was written.")


def register(app: typer.Typer) -> None:
    app.command("status-history")(status_history)
    app.command("bulk-status")(bulk_status)
