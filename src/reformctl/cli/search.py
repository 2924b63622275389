"""The search command: full-text search over findings, recommendations, notes and activities."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.output import ListFormat, console, print_json


def _marked(text: str | None):
    """Rich Text with the matched words in bold reverse; data never read as markup."""
    from rich.text import Text

    from reformctl.model.search import END, START

    out = Text()
    rest = text or ""
    while START in rest:
        before, _, tail = rest.partition(START)
        hit, _, rest = tail.partition(END)
        out.append(before)
        out.append(hit, style="bold reverse")
    out.append(rest)
    return out


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(metavar="QUERY", help='Words to find; FTS5 syntax: "a phrase", OR, NOT, prefix*.')],
    site: Annotated[Optional[str], typer.Option("--site", help="Only this engagement.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many results.")] = 50,
    fmt: Annotated[ListFormat, typer.Option("--format", help="Output format (JSON marks matches with **).")] = ListFormat.table,
) -> None:
    """Search findings, recommendations, notes and activities, best match first, matches highlighted.

    Example: reformctl search --site north-miami '"body-worn camera" OR retention'
    """
    from reformctl.model.engagements import get_engagement
    from reformctl.model.search import plain, search as find

    store = context.store(ctx)
    rows = find(store, query, get_engagement(store, site) if site else None, limit=limit)
    if fmt is ListFormat.json:
        print_json([{**row, "title": plain(row["title"]), "text": plain(row["text"]),
                     "rank": round(row["rank"], 4)} for row in rows])
        return
    if not rows:
        typer.echo(f"Nothing matches {query!r}.")
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table(header_style="bold")
    for name in ("Site", "Kind", "Ref", "Match"):
        grid.add_column(name, overflow="fold")
    for row in rows:
        match = _marked(row["title"]) if row["title"] else Text()
        if row["title"] and row["text"]:
            match.append("\n")
        match.append_text(_marked(row["text"]))
        grid.add_row(Text(row["site"]), Text(row["kind"]), Text(row["ref"]), match)
    console().print(grid)


def register(app: typer.Typer) -> None:
    app.command("search")(search)
