"""Commands that copy the whole store: backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reformctl.cli import context
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption


def backup(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="Where to write the copy (a new file).")
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Copy the store to PATH, safely while others write.

    SQLite's online backup: consistent even while others write.

    Example: reformctl backup backups/reformctl-2024-09-26.db
    """
    from reformctl.store.backup import backup as copy

    store = context.store(ctx)
    done = copy(store.conn, path, force=force, store_path=store.path)
    if fmt is Format.json:
        print_json(done)
    else:
        typer.echo(f"Backed up {store.path} to {path} ({done['bytes']:,} bytes)")


def restore(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="A backup written by `reformctl backup`.")
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the existing store (it is lost unless backed up)."),
    ] = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Replace the store with a checked backup.

    The backup's integrity is checked first.

    Example: reformctl restore backups/reformctl-2024-09-26.db --force
    """
    from reformctl.store.backup import restore as put_back

    target = context.location(ctx).path
    done = put_back(path, target, force=force)
    if fmt is Format.json:
        print_json(done)
    else:
        sites = ", ".join(done["sites"]) or "no engagements"
        typer.echo(f"Restored {target} from {path} ({sites})")
