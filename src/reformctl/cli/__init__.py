"""The command-line interface: the only part of reformctl that knows about the terminal."""

from reformctl.cli.app import app


def main() -> None:
    app(prog_name="reformctl")


__all__ = ["app", "main"]
