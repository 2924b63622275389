"""The command-line interface: the only part of reformctl that knows about the terminal."""

from __future__ import annotations

import sys

from reformctl.cli.app import app

# Root options that take a value: the token after them is not a command name.
_VALUED_ROOT_OPTIONS = ("--db", "--as")


def invoked_command(argv: list[str]) -> str | None:
    """The subcommand ARGV names, skipping the root options before it, or None."""
    tokens = iter(argv)
    for token in tokens:
        if token in _VALUED_ROOT_OPTIONS:
            next(tokens, None)
        elif token == "--":
            return next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None


def only_invoked(argv: list[str]) -> None:
    """Keep only the invoked command registered, when ARGV names a known one.

    Typer turns every registered command into a Click command (inspecting each
    signature) before it parses anything: about 1 ms per command, a cost that
    grows with every command added. A process runs exactly one command, so the
    others need not be built; `--help`, completion and unknown names keep all.
    """
    name = invoked_command(argv)
    names = [info.name for info in app.registered_commands]
    if name in names:
        app.registered_commands[:] = [info for info in app.registered_commands if info.name == name]


def main() -> None:
    only_invoked(sys.argv[1:])
    app(prog_name="reformctl")


__all__ = ["app", "main"]
