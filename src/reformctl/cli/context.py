"""Per-invocation settings (--db, --as) and the one place the CLI opens the store."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import typer

from reformctl.cli.errors import CliUsageError
from reformctl.config import SITE_VAR, Location, locate_db, named_site, resolve_actor
from reformctl.errors import StoreError
from reformctl.store import Store, open_store
from reformctl.store.db import NeedsUpgrade

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


# Commands that only read the store: they open it read-only (SQLite's mode=ro), so they work on a
# store in a read-only folder or mount, and cannot change it whatever they do. Named here, in the
# one place the CLI opens the store, so that a command module cannot forget it.
READING_COMMANDS = frozenset(
    {
        "engagements",
        "show",
        "findings",
        "dashboard",
        "status",
        "status-history",
        "history",
        "search",
        "team",
        "activities",
        "conflicts",
        "check",
        "releases",
        "verify",
        "diff",
        "report",
        "backup",
    }
)


def command_name(ctx: typer.Context) -> str:
    """The command being run, below the root: 'report', 'team add'."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def store(ctx: typer.Context, create: bool = False, readonly: bool | None = None) -> Store:
    """Open the store this invocation uses. Only commands that create engagements pass
    create=True, so a mistyped --db gives an error instead of leaving an empty store behind.
    Reading commands (READING_COMMANDS, or readonly=True) open it read-only."""
    where = location(ctx)
    if not create and not where.path.exists():
        raise StoreError(
            f"no store at {where.path} (chosen by {where.source}); create an engagement first "
            "with `reformctl new-engagement`, or check `reformctl where`"
        )
    if readonly is None:
        readonly = not create and command_name(ctx) in READING_COMMANDS
    if where.source.startswith("default") and not readonly:
        where.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        opened = open_store(where.path, readonly=readonly)
    except NeedsUpgrade:
        if not os.access(where.path.parent, os.W_OK) or not os.access(where.path, os.W_OK):
            raise
        opened = open_store(where.path)  # writable: upgrade it once, as any command would
    ctx.call_on_close(opened.close)
    return opened


def actor(ctx: typer.Context) -> str:
    return resolve_actor(settings(ctx).actor, Path.cwd(), app_dir())


class SiteChoice(NamedTuple):
    site: str | None  # None: no engagement could be chosen
    source: str  # which setting chose it, or why none was, for `reformctl where` and the error


def choose_site(ctx: typer.Context) -> SiteChoice:
    """The engagement a command acts on when --site is left out: REFORMCTL_SITE, else site in
    reformctl.toml, else the store's only engagement."""
    named = named_site(Path.cwd(), app_dir())
    if named:
        return SiteChoice(*named)
    if not location(ctx).path.exists():
        return SiteChoice(
            None, "there is no store yet; create an engagement with `reformctl new-engagement`"
        )
    from reformctl.model.sites import site_slugs

    sites = site_slugs(store(ctx, readonly=True), limit=21)
    if len(sites) == 1:
        return SiteChoice(sites[0], "the only engagement in the store")
    if not sites:
        return SiteChoice(
            None, "the store holds no engagement yet; create one with `reformctl new-engagement`"
        )
    known = ", ".join(sites[:20]) + (", ..." if len(sites) > 20 else "")
    return SiteChoice(
        None,
        f"the store holds several engagements ({known}); give --site SLUG, "
        f'or name one in {SITE_VAR} or site = "..." in reformctl.toml',
    )


def default_site(ctx: typer.Context) -> str:
    """choose_site's engagement, or a usage error (exit 2) saying why none could be chosen."""
    choice = choose_site(ctx)
    if choice.site is None:
        raise CliUsageError(f"missing --site: {choice.source}", ctx)
    return choice.site


def site_hint(ctx: typer.Context, args: list[str]) -> str | None:
    """When a command that failed was given an engagement's site slug where a reference or other
    value belongs (`set-status north-miami 3.1.1 complete`), the line that says so."""
    if any(a == "--site" or a.startswith("--site=") for a in args) or len(args) < 2:
        return None
    tokens = [a for a in args[1:] if a and not a.startswith("-")]
    if not tokens or not location(ctx).path.exists():
        return None
    from reformctl.model.sites import site_slugs

    try:
        opened = store(ctx, readonly=True)
    except Exception:  # a hint is a courtesy: the command's own error stands
        return None
    try:
        sites = set(site_slugs(opened))
    except Exception:
        return None
    finally:
        opened.close()
    slug = next((t for t in tokens if t in sites), None)
    if slug is None:
        return None
    return f"{slug!r} is an engagement, not a reference: did you mean --site {slug}?"
