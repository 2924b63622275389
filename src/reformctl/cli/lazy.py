"""The lazy-loading command group: each command is imported only when a process runs it.

Click's documented pattern (https://click.palletsprojects.com/en/stable/complex/#lazily-loading-subcommands):
the group holds a table of command name -> "module:attribute", and `get_command` imports that one
module when the command is invoked. A process runs exactly one command, so it imports and builds
exactly one command module; `--help` and shell completion go through `list_commands` and load all.

The attribute is either a command function (built by Typer, as `app.command()` would) or a
`typer.Typer` sub-app (built as `app.add_typer()` would).
"""

from __future__ import annotations

from difflib import get_close_matches
from enum import Enum
from importlib import import_module
from typing import NamedTuple

import typer
import typer.main
from typer.models import CommandInfo

from reformctl.cli.errors import ReformGroup


class Entry(NamedTuple):
    """Where a command lives ("module:attribute" under the group's package) and where help lists it."""

    target: str
    panel: str
    hidden: bool = False  # an old spelling kept working, not shown in help


class LazyGroup(ReformGroup):
    """A group whose commands come from `table`, imported on first use. Subclasses set `table`."""

    package = "reformctl.cli"
    table: dict[str, Entry] = {}

    def list_commands(self, ctx) -> list[str]:
        return list(self.table)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in self.table:
            self.commands[cmd_name] = self._build(cmd_name, self.table[cmd_name])
        return self.commands.get(cmd_name)

    def _build(self, name: str, entry: Entry):
        module, _, attribute = entry.target.partition(":")
        target = getattr(import_module(f"{self.package}.{module}"), attribute)
        if isinstance(target, typer.Typer):
            command = typer.main.get_group(target)
            command.name, command.rich_help_panel, command.hidden = name, entry.panel, entry.hidden
            return name_values(command)
        info = CommandInfo(
            name=name, callback=target, rich_help_panel=entry.panel, hidden=entry.hidden
        )
        return name_values(
            typer.main.get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None
            )
        )

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if (
            name
            and not name.startswith("-")
            and self.get_command(ctx, name) is None
            and not ctx.resilient_parsing
        ):
            visible = [n for n, entry in self.table.items() if not entry.hidden]
            close = get_close_matches(name, visible)
            hint = f" Did you mean {', '.join(repr(m) for m in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)


def name_values(command):
    """Give every option that takes a value and declares no metavar Click's placeholder: TEXT, N,
    or its choices as [a|b]. Typer 0.29 would label it with a Python type instead (<str>,
    <list[a|b]>), which reads as a program's internals in a professional tool's help."""
    for param in command.params:
        descriptor = getattr(param, "type_descriptor", None)  # Typer 0.29's; older Typer says TEXT
        if param.param_type_name != "option" or param.metavar or param.is_flag or not descriptor:
            continue
        if descriptor.is_choice:
            values = [c.value if isinstance(c, Enum) else str(c) for c in descriptor.choices]
            param.metavar = f"[{'|'.join(values)}]"
        else:
            param.metavar = "N" if param.type_descriptor.annotation is int else "TEXT"
    for subcommand in getattr(command, "commands", {}).values():
        name_values(subcommand)
    return command
