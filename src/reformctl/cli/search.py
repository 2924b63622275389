"""The search command: full-text search over findings, recommendations, sections, notes and activities."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from reformctl.cli import context
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption, SiteFilterOption
from reformctl.cli.terminal import WRAP, columns


def search(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY", help='Words to find; FTS5 syntax: "a phrase", OR, NOT, prefix*.'
        ),
    ],
    site: SiteFilterOption = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="At most this many results.")
    ] = 50,
    fmt: FormatOption = Format.text,
) -> None:
    """Search every engagement's records, best match first.

    Findings, recommendations, sections, notes and activities; matches are highlighted on a
    terminal and marked with ** in JSON.

    Example: reformctl search --site north-miami '"body-worn camera" OR retention'
    """
    from reformctl.model.search import plain
    from reformctl.model.search import search as find
    from reformctl.model.sites import get_engagement

    store = context.store(ctx)
    rows = find(store, query, get_engagement(store, site) if site else None, limit=limit)
    if fmt is Format.json:
        print_json(
            [
                {
                    **row,
                    "title": plain(row["title"]),
                    "text": plain(row["text"]),
                    "rank": round(row["rank"], 4),
                }
                for row in rows
            ]
        )
        return
    if not rows:
        typer.echo(f"Nothing matches {query!r}.")
        return
    from reformctl.model.search import END, START

    # Plain columns, not a Rich table: importing Rich costs most of a command that should feel instant.
    matches = [" — ".join(part for part in (row["title"], row["text"]) if part) for row in rows]
    sys.stdout.write(
        columns(
            None,
            ["Site", "Kind", "Ref", ("Match", "left", WRAP)],
            [
                [row["site"], row["kind"], row["ref"], match]
                for row, match in zip(rows, matches, strict=False)
            ],
            marks=(START, END),
        )
    )
