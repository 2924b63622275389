"""Offline work: merge a colleague's bundle or store, list conflicts, resolve them."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption, SiteOption
from reformctl.cli.terminal import counted, print_table
from reformctl.model.engagements import get_engagement


class Side(str, Enum):
    ours = "ours"
    theirs = "theirs"


def _show(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 200 else text[:197] + "..."


def merge(
    ctx: typer.Context,
    site: SiteOption,
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SOURCE", help="A bundle directory (e.g. from git) or another store file."
        ),
    ],
    fmt: FormatOption = Format.text,
) -> None:
    """Bring a colleague's offline work into the store.

    New records are added; changes on both sides are left as conflicts.

    Example: reformctl merge --site north-miami ~/assessment-repo/north-miami
    """
    from reformctl.exchange.merge import merge as run

    store = context.store(ctx)
    done = run(store, get_engagement(store, site), source, context.actor(ctx))
    if fmt is Format.json:
        print_json(done)
        return
    added = (
        ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in done["added"].items()) or "nothing new"
    )
    updated = (
        ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in done["updated"].items()) or "nothing"
    )
    typer.echo(f"Merged {source} into {site}: added {added}; took their changes to {updated}.")
    for r in done["renumbered"]:
        typer.echo(
            f"Renumbered {r['kind']} {r['from']} -> {r['to']} (both sides took {r['from']} offline)"
        )
    if done["git_conflicts"]:
        typer.echo(
            f"{counted(len(done['git_conflicts']), 'file')} had git conflict markers; their side was compared field by field."
        )
    if done["conflicts"]:
        typer.echo(
            f"{counted(len(done['conflicts']), 'conflict')} left for you (our value kept until resolved):"
        )
        for c in done["conflicts"]:
            typer.echo(
                f"  {c['record_type']} {c['ref']} {c['field']}: ours {_show(c['ours'])} | theirs {_show(c['theirs'])}"
            )
        typer.echo(
            f"Settle each with `reformctl resolve --site {site} RECORD --field FIELD --take ours|theirs`."
        )


def conflicts(
    ctx: typer.Context,
    site: SiteOption,
    fmt: FormatOption = Format.text,
) -> None:
    """List the merge conflicts waiting for a person.

    Field by field.

    Example: reformctl conflicts --site north-miami
    """
    from reformctl.exchange.conflicts import list_conflicts

    store = context.store(ctx)
    rows = list_conflicts(store, get_engagement(store, site))
    if fmt is Format.json:
        print_json(rows)
        return
    if not rows:
        typer.echo("No open merge conflicts.")
        return
    print_table(
        None,
        ["Record", "Kind", "Field", "Ours", "Theirs", "Base"],
        [
            [
                r["ref"],
                r["record_type"],
                r["field"],
                _show(r["ours"]),
                _show(r["theirs"]),
                _show(r["base"]),
            ]
            for r in rows
        ],
    )


def resolve(
    ctx: typer.Context,
    site: SiteOption,
    record: Annotated[
        str,
        typer.Argument(
            metavar="RECORD",
            help="The record: a number (3.1, 3.1.2) or an id (or its first 8 characters).",
        ),
    ],
    take: Annotated[Side, typer.Option("--take", help="Keep our value or take theirs.")],
    field: Annotated[
        Optional[str],
        typer.Option(
            "--field",
            metavar="F",
            help="Only this field (default: every open conflict of the record).",
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Settle a merge conflict: keep ours or take theirs.

    Field by field.

    Example: reformctl resolve --site north-miami 3.1 --field title --take theirs
    """
    from reformctl.exchange.conflicts import resolve as settle

    store = context.store(ctx)
    done = settle(store, get_engagement(store, site), record, take.value, context.actor(ctx), field)
    if fmt is Format.json:
        print_json(done)
        return
    for r in done:
        typer.echo(f"{record} {r['field']}: took {r['took']} ({_show(r['value'])})")
