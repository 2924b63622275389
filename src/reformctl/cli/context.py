"""Per-invocation settings (--db, --as) and the one place the CLI opens the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from reformctl.config import Location, locate_db, resolve_actor
from reformctl.store import Store, open_store

APP_NAME = "reformctl"


@dataclass
class Settings:
    db: str | None = None
    actor: str | None = None


def app_dir() -> Path:
    return Path(typer.get_app_dir(APP_NAME))


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def location(ctx: typer.Context) -> Location:
    return locate_db(settings(ctx).db, Path.cwd(), app_dir())


def store(ctx: typer.Context) -> Store:
    """Open the store this invocation uses, creating the user config directory when it is the default."""
    where = location(ctx)
    if where.source.startswith("default"):
        where.path.parent.mkdir(parents=True, exist_ok=True)
    opened = open_store(where.path)
    ctx.call_on_close(opened.close)
    return opened


def actor(ctx: typer.Context) -> str:
    return resolve_actor(settings(ctx).actor, Path.cwd(), app_dir())
