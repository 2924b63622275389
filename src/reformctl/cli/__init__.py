"""The command-line interface: the only part of reformctl that knows about the terminal."""

from __future__ import annotations

import sys

# Root options that take a value: the token after them is not a command name.
_VALUED_ROOT_OPTIONS = ("--db", "--as")

# The command this process runs, when main() knows it before the app is built: the app
# then imports and builds only that command (see app.COMMAND_MODULES).
running: str | None = None


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


def _app():
    from reformctl.cli.app import app

    globals()["app"] = app  # the Typer app, not the submodule of the same name
    return app


def __getattr__(name: str):
    # `from reformctl.cli import app` builds the whole app, lazily, so that main() can
    # first say which single command this process runs.
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def only_invoked(argv: list[str]) -> None:
    """Keep only the invoked command registered, when ARGV names a known one.

    Typer turns every registered command into a Click command (inspecting each
    signature) before it parses anything: about 1 ms per command, a cost that
    grows with every command added. A process runs exactly one command, so the
    others need not be built; `--help`, completion and unknown names keep all.
    """
    app = _app()
    name = invoked_command(argv)
    if name in [info.name for info in app.registered_commands]:
        app.registered_commands[:] = [info for info in app.registered_commands if info.name == name]


def main() -> None:
    global running
    running = invoked_command(sys.argv[1:])
    only_invoked(sys.argv[1:])  # when the app was built whole before main() ran
    _app()(prog_name="reformctl")


__all__ = ["app", "main"]
