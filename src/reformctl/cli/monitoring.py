"""Implementation monitoring: status-history, bulk-status and the status dashboard."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.errors import ROW, message
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption, RecArgument, SiteFilterOption, SiteOption
from reformctl.cli.terminal import WRAP, columns, console, counted, print_table
from reformctl.model.engagements import get_engagement
from reformctl.model.vocab import REASONS, STATUSES


def status_history(
    ctx: typer.Context,
    site: SiteOption,
    rec: RecArgument,
    fmt: FormatOption = Format.text,
) -> None:
    """Show a recommendation's whole status timeline.

    Each status, its date, reason, note and evidence.

    Example: reformctl status-history --site brightwater-demo 1.1.3
    """
    from reformctl.model.statuses import status_history as history

    store = context.store(ctx)
    data = history(store, get_engagement(store, site), rec)
    if fmt is Format.json:
        print_json(data)
        return
    # Plain columns, not a Rich table: a Rich table cut the last columns off at 80 columns, which
    # read as "no evidence recorded". Long text wraps; piped, each update stays on one line.
    sys.stdout.write(
        columns(
            f"Recommendation {data['number']}",
            [
                "As of",
                ("Status", "left", WRAP),
                ("Reason", "left", WRAP),
                ("Note", "left", WRAP),
                ("Evidence", "left", WRAP),
                ("Recorded by", "left", WRAP),
            ],
            [
                [
                    u["as_of"],
                    u["status_label"],
                    u["reason_label"],
                    u["note"],
                    u["evidence"],
                    u["recorded_by"],
                ]
                for u in data["history"]
            ],
        )
    )


def bulk_status(
    ctx: typer.Context,
    site: SiteOption,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="Header recommendation,status,as_of,note,reason (evidence optional); '-' for stdin.",
        ),
    ],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Check every row and show what would change; write nothing."
        ),
    ] = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Apply a quarter's status review from a CSV file.

    Every row is checked, then all apply in one transaction or none do.

    Rows with errors are listed one line each (numbered as a spreadsheet shows them, the header
    being row 1) and nothing is written.

    Example: reformctl bulk-status --site brightwater-demo review-2026-q4.csv --dry-run
    """
    from reformctl.cli.exchange import rows_or_exit
    from reformctl.errors import RowErrors
    from reformctl.exchange.bulk import bulk_status as apply
    from reformctl.exchange.bulk import review_rows
    from reformctl.exchange.sheets import read_csv_text, read_sheets

    # Read by the one spreadsheet reader, whose file errors name the file: "review.csv: no such file".
    if str(file) == "-":
        rows = rows_or_exit(lambda: review_rows(read_csv_text(sys.stdin.read(), "stdin"), "stdin"))
    else:
        rows = rows_or_exit(lambda: review_rows(read_sheets(file, text_is_csv=True), str(file)))
    store = context.store(ctx)
    engagement = get_engagement(store, site)
    try:
        applied = apply(store, engagement, rows, context.actor(ctx), dry_run=dry_run)
    except RowErrors as exc:  # every bad row, then how many: the review is fixed in one pass
        for error in exc.errors:
            typer.echo(f"error: {exc.where(error)}{message(error[2], ROW)}", err=True)
        typer.echo(
            f"error: {counted(len(exc.errors), 'row has', 'rows have')} errors; {exc.outcome}",
            err=True,
        )
        raise typer.Exit(1) from None
    _show_review(site, applied, dry_run, fmt)


def _show_review(site: str, applied: list[dict], dry_run: bool, fmt: Format) -> None:
    changed = [a for a in applied if not a["unchanged"]]
    if fmt is Format.json:
        print_json(
            {
                "dry_run": dry_run,
                "applied": 0 if dry_run else len(changed),
                "unchanged": len(applied) - len(changed),
                "rows": applied,
            }
        )
        return
    verb = "Would apply" if dry_run else "Applied"
    print_table(
        f"{verb} {counted(len(changed), 'status update')} to {site}",
        [("Row", "right"), "Recommendation", "Was", "Now", "As of", "Reason"],
        [
            [
                a["row"],
                a["number"],
                STATUSES.get(a["previous"] or "", ""),
                STATUSES[a["status"]],
                a["as_of"],
                REASONS.get(a["reason"] or "", ""),
            ]
            for a in changed
        ],
    )
    for a in applied:
        if a["unchanged"]:
            typer.echo(
                f"note: row {a['row']}: {a['number']} is already {STATUSES[a['status']]} as of "
                f"{a['as_of']} in its history; unchanged"
            )
        elif later := a["superseded_by"]:
            typer.echo(
                f"note: row {a['row']}: a later update of {a['number']} ({STATUSES[later['status']]} "
                f"as of {later['as_of']}) remains the current status"
            )
    if dry_run:
        typer.echo("Dry run: nothing was written.")


# Shading that reads without colour: darker for further along.
BAR_CHARS = {"complete": "█", "partially-complete": "▓", "in-progress": "▒", "not-started": "░"}
BAR_STYLES = {
    "complete": "green",
    "partially-complete": "yellow",
    "in-progress": "cyan",
    "not-started": "bright_black",
}
BAR_WIDTH = 24


def _bar_segments(area: dict) -> list[tuple[str, int]]:
    """(status, width) for each status present, widths in proportion and adding up to BAR_WIDTH."""
    present = [r for r in area["statuses"] if r["count"]]
    used, segments = 0, []
    for i, row in enumerate(present):
        width = (
            max(1, BAR_WIDTH - used)
            if i == len(present) - 1
            else max(1, round(BAR_WIDTH * row["count"] / area["total"]))
        )
        used += width
        segments.append((row["status"], width))
    return segments


def _bar(area: dict):
    from rich.text import Text

    if not area["total"]:
        return Text("under development".ljust(BAR_WIDTH), style="italic")
    bar = Text()
    for status, width in _bar_segments(area):
        bar.append(BAR_CHARS[status] * width, style=BAR_STYLES[status])
    return bar


def dashboard(
    ctx: typer.Context,
    site: SiteFilterOption = None,
    fmt: FormatOption = Format.text,
    svg: Annotated[
        Optional[Path],
        typer.Option(
            "--svg",
            metavar="PATH",
            help="Also save the dashboard as an SVG picture (100 columns wide).",
        ),
    ] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Counts as they stood on this date (default today).",
        ),
    ] = None,
) -> None:
    """Show implementation across engagements.

    A dashboard: phase, next scheduled update, and a bar per focus area.

    Bars: █ Complete, ▓ Partially Complete, ▒ In Progress, ░ Not Started.

    Example: reformctl dashboard --site brightwater-demo
    """
    from reformctl.model.dashboard import dashboard as implementation
    from reformctl.model.frozen import report_date

    store = context.store(ctx)
    as_of = report_date(
        store, site, as_of
    )  # with --site, it also finds the engagement (or says it is unknown)
    rows = implementation(store, site, as_of)
    if fmt is Format.json:
        print_json(rows)
        return
    if not rows:
        typer.echo(
            "No engagements yet. Create one with `reformctl new-engagement --from FILE.toml`."
        )
        return
    if (
        svg is not None
    ):  # first, so that a path that cannot be written stops before anything is printed
        _save_svg(svg, rows, store.path)
    if sys.stdout.isatty():
        render_dashboard(console(), rows)
    else:
        sys.stdout.write(
            plain_dashboard(rows)
        )  # piped: the same lines, without Rich's cost or colour
    if svg is not None:
        typer.echo(f"Saved the dashboard to {svg}", err=True)


def _save_svg(svg: Path, rows: list[dict], store_path) -> None:
    from rich.console import Console

    from reformctl.cli.reports import write_atomically

    recorder = Console(record=True, width=100, file=io.StringIO(), force_terminal=True)
    render_dashboard(recorder, rows)
    write_atomically(svg, recorder.export_svg(title="reformctl dashboard"), store_path)


def _bar_text(area: dict) -> str:
    if not area["total"]:
        return "under development".ljust(BAR_WIDTH)
    return "".join(BAR_CHARS[status] * width for status, width in _bar_segments(area))


def plain_dashboard(rows: list[dict], title_width: int = 44) -> str:
    """The dashboard as plain text lines, for pipes and files."""
    lines = [
        f"Implementation status as of {rows[0]['as_of']}",
        "█ Complete ▓ Partially Complete ▒ In Progress ░ Not Started; counts C/PC/IP/NS",
    ]
    for engagement in rows:
        update = engagement["next_update"] or "not set"
        if engagement["update_overdue"]:
            update += " (overdue)"
        lines += [
            "",
            f"{engagement['site']}  {engagement['agency']}  phase: {engagement['phase']}  next update: {update}",
        ]
        for area in engagement["focus_areas"]:
            title = f"{area['number']}. {area['title']}"
            if len(title) > title_width:
                title = title[: title_width - 1] + "…"
            counts = "/".join(str(r["count"]) for r in area["statuses"])
            lines.append(
                f"  {title.ljust(title_width)} {_bar_text(area)} {counts}  ({area['total']})"
            )
    return "\n".join(lines) + "\n"


def render_dashboard(out, rows: list[dict]) -> None:
    """One heading line per engagement, then one line per focus area: title, bar, counts.

    Plain lines rather than a Rich table: they fit an 80-column terminal and stay quick for
    a thousand engagements."""
    from rich.text import Text

    title_width = max(16, min(44, out.width - BAR_WIDTH - 20))
    out.print(Text(f"Implementation status as of {rows[0]['as_of']}", style="bold"))
    out.print(
        Text(
            "█ Complete ▓ Partially Complete ▒ In Progress ░ Not Started; counts C/PC/IP/NS",
            style="dim",
        )
    )
    for engagement in rows:
        head = Text("\n")
        head.append(engagement["site"], style="bold")
        head.append(f"  {engagement['agency']}  ")
        head.append(f"phase: {engagement['phase']}", style="magenta")
        head.append("  next update: ")
        if engagement["next_update"]:
            head.append(
                engagement["next_update"],
                style="bold red" if engagement["update_overdue"] else "bold",
            )
            if engagement["update_overdue"]:
                head.append(" (overdue)", style="bold red")
        else:
            head.append("not set", style="dim")
        out.print(head)
        for area in engagement["focus_areas"]:
            title = f"{area['number']}. {area['title']}"
            if len(title) > title_width:
                title = title[: title_width - 1] + "…"
            line = Text("  " + title.ljust(title_width) + " ")
            line.append_text(_bar(area))
            line.append(
                " " + "/".join(str(r["count"]) for r in area["statuses"]) + f"  ({area['total']})"
            )
            out.print(line, no_wrap=True, overflow="ellipsis")


def schedule(
    ctx: typer.Context,
    site: SiteOption,
    next_update: Annotated[
        str,
        typer.Option(
            "--next-update",
            metavar="YYYY-MM-DD",
            help="Date of the next scheduled public status update.",
        ),
    ],
    fmt: FormatOption = Format.text,
) -> None:
    """Set the date of the next scheduled status update.

    The date is shown by `reformctl dashboard`.

    Example: reformctl schedule --site brightwater-demo --next-update 2026-12-31
    """
    from reformctl.model.dashboard import schedule_next_update

    store = context.store(ctx)
    done = schedule_next_update(store, get_engagement(store, site), next_update, context.actor(ctx))
    if fmt is Format.json:
        print_json({k: done[k] for k in ("site", "next_update", "previous")})
        return
    typer.echo(f"{done['site']}: next update scheduled for {done['next_update']}")
