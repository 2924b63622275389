"""The root Typer app: global options, and every command group joined in one place."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from reformctl import __version__
from reformctl.cli.context import settings
from reformctl.cli.errors import ReformGroup

app = typer.Typer(
    cls=ReformGroup,
    name="reformctl",
    help="Run organizational assessments of police agencies: engagements, findings, "
    "recommendations, implementation status and public reports, from a local SQLite store.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,  # plain Click errors: one line, no boxes
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reformctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option("--db", metavar="PATH", help="The store to use (else REFORMCTL_DB, reformctl.toml, or the user config directory)."),
    ] = None,
    as_: Annotated[
        Optional[str],
        typer.Option("--as", metavar="NAME", help="Who is acting, for the audit trail (else REFORMCTL_USER, author in reformctl.toml, or the login name)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Global options go before the command, e.g. `reformctl --db team.db show --site north-miami`."""
    state = settings(ctx)
    state.db = db
    state.actor = as_


# The module that defines each command, so that a process running one command imports
# only that module (each unused command module is a few ms of start-up). A command
# missing here still works: the process then imports every module.
# tests/test_lean_imports.py checks this against what the modules register.
COMMAND_MODULES = {
    "new-engagement": "engagements", "engagements": "engagements", "show": "engagements",
    "where": "engagements", "demo": "engagements",
    "log-finding": "findings", "findings": "findings", "recommend": "findings", "set-status": "findings",
    "submit": "review", "review": "review", "edit": "review", "note": "review", "protect": "review",
    "advance": "review", "reopen": "review", "configure": "review", "history": "review",
    "activity": "field", "activities": "field", "cite": "field", "team": "field",
    "status-history": "monitoring", "bulk-status": "monitoring", "schedule": "monitoring", "status": "monitoring",
    "report": "reports", "template": "reports",
    "check": "releases", "publish": "releases", "releases": "releases", "verify": "releases", "diff": "releases",
    "export": "exchange", "import": "exchange",
    "merge": "sync", "conflicts": "sync", "resolve": "sync",
    "search": "search",
    "section": "sections", "sections": "sections",
    "backup": "backups", "restore": "backups",
    "site": "site",
}


def _register() -> None:
    from importlib import import_module

    from reformctl import cli

    modules = ("engagements", "findings", "review", "monitoring", "field", "reports", "releases", "exchange", "sync",
               "search", "backups", "sections", "site")
    only = COMMAND_MODULES.get(cli.running or "")
    for name in (only,) if only else modules:
        import_module(f"reformctl.cli.{name}").register(app)
    if only:  # the module's other commands need not be built either
        app.registered_commands[:] = [c for c in app.registered_commands if c.name == cli.running]


_register()
