"""Per-invocation settings (--db, --as) and the one place the CLI opens the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from reformctl.config import Location, locate_db, resolve_actor
from reformctl.errors import StoreError
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


def store(ctx: typer.Context, create: bool = False) -> Store:
    """Open the store this invocation uses. Only commands that create engagements pass
    create=True, so a mistyped --db gives an error instead of leaving an empty store behind."""
    where = location(ctx)
    if not create and not where.path.exists():
        raise StoreError(f"no store at {where.path} (chosen by {where.source}); create an engagement first "
                         "with `reformctl new-engagement`, or check `reformctl where`")
    if where.source.startswith("default"):
        where.path.parent.mkdir(parents=True, exist_ok=True)
    opened = open_store(where.path)
    ctx.call_on_close(opened.close)
    return opened


def actor(ctx: typer.Context) -> str:
    return resolve_actor(settings(ctx).actor, Path.cwd(), app_dir())
