"""The command-line interface: the only part of reformctl that knows about the terminal.

`app` is the Typer app and `main` the console script; commands load lazily (see cli/lazy.py).
"""

from __future__ import annotations

from reformctl.cli.app import app, main

__all__ = ["app", "main"]
