"""The root command: global options, and the one table of every command, each loaded when used.

A new command is one line in COMMANDS: its name, "module:function" (or "module:typer_app" for a
group of subcommands) under reformctl.cli, and the section of `reformctl --help` it appears in.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from reformctl import __version__
from reformctl.cli.context import settings, site_hint
from reformctl.cli.errors import CliError, CliUsageError
from reformctl.cli.lazy import Entry, LazyGroup

ENGAGEMENTS = "Engagements"
FINDINGS = "Findings and recommendations"
REVIEW = "Review"
MONITORING = "Implementation monitoring"
FIELDWORK = "Fieldwork"
REPORTS = "Reports and releases"
EXCHANGE = "Data exchange"
STORE = "Store"

# In the order `reformctl --help` lists them, section by section.
COMMANDS: dict[str, Entry] = {
    "new-engagement": Entry("engagements:new_engagement", ENGAGEMENTS),
    "engagements": Entry("engagements:engagements", ENGAGEMENTS),
    "show": Entry("engagements:show", ENGAGEMENTS),
    "advance": Entry("review:advance", ENGAGEMENTS),
    "reopen": Entry("review:reopen", ENGAGEMENTS),
    "demo": Entry("engagements:demo", ENGAGEMENTS),
    "log-finding": Entry("findings:log_finding", FINDINGS),
    "findings": Entry("findings:findings", FINDINGS),
    "recommend": Entry("findings:recommend", FINDINGS),
    "edit": Entry("review:edit", FINDINGS),
    "note": Entry("review:note", FINDINGS),
    "protect": Entry("review:protect", FINDINGS),
    "section": Entry("sections:section", FINDINGS),
    "sections": Entry("sections:sections", FINDINGS),
    "search": Entry("search:search", FINDINGS),
    "submit": Entry("review:submit", REVIEW),
    "review": Entry("review:review", REVIEW),
    "configure": Entry("review:configure", REVIEW),
    "history": Entry("review:history", REVIEW),
    "set-status": Entry("findings:set_status", MONITORING),
    "status-history": Entry("monitoring:status_history", MONITORING),
    "bulk-status": Entry("monitoring:bulk_status", MONITORING),
    "schedule": Entry("monitoring:schedule", MONITORING),
    "dashboard": Entry("monitoring:dashboard", MONITORING),
    "status": Entry("monitoring:dashboard", MONITORING, hidden=True),  # the dashboard's first name
    "activity": Entry("fieldwork:activity", FIELDWORK),
    "activities": Entry("fieldwork:activities", FIELDWORK),
    "cite": Entry("fieldwork:cite", FIELDWORK),
    "team": Entry("fieldwork:team_app", FIELDWORK),
    "report": Entry("reports:report", REPORTS),
    "check": Entry("releases:check", REPORTS),
    "publish": Entry("releases:publish", REPORTS),
    "releases": Entry("releases:releases", REPORTS),
    "verify": Entry("releases:verify", REPORTS),
    "diff": Entry("releases:diff", REPORTS),
    "template": Entry("reports:template_app", REPORTS),
    "site": Entry("site:site_app", REPORTS),
    "export": Entry("exchange:export", EXCHANGE),
    "import": Entry("exchange:import_", EXCHANGE),
    "merge": Entry("merge:merge", EXCHANGE),
    "conflicts": Entry("merge:conflicts", EXCHANGE),
    "resolve": Entry("merge:resolve", EXCHANGE),
    "where": Entry("engagements:where", STORE),
    "backup": Entry("backups:backup", STORE),
    "restore": Entry("backups:restore", STORE),
}


class RootGroup(LazyGroup):
    table = COMMANDS

    def invoke(self, ctx):
        args = [*ctx._protected_args, *ctx.args]  # the command and its arguments, as typed
        try:
            return super().invoke(ctx)
        except (CliError, CliUsageError) as exc:
            hint = site_hint(ctx, args)
            if hint is None:
                raise
            raise CliUsageError(hint, exc.ctx if isinstance(exc, CliUsageError) else None) from None


app = typer.Typer(
    cls=RootGroup,
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
        typer.Option(
            "--db",
            metavar="PATH",
            help="The store to use (else REFORMCTL_DB, reformctl.toml, or the user config directory).",
        ),
    ] = None,
    as_: Annotated[
        Optional[str],
        typer.Option(
            "--as",
            metavar="NAME",
            help="Who is acting, for the audit trail (else REFORMCTL_USER, author in reformctl.toml, or the login name).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Global options go before the command, e.g. `reformctl --db team.db show --site north-miami`."""
    state = settings(ctx)
    state.db = db
    state.actor = as_


def main() -> None:
    app(prog_name="reformctl")
