"""Rendering plain data at the edge: JSON for pipes, Rich tables for people."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any, Iterable


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class WriteFormat(str, Enum):
    text = "text"
    json = "json"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def console():
    from rich.console import Console  # only commands that draw tables pay for Rich

    return Console(highlight=False)


def table(title: str | None, columns: Iterable[str | tuple[str, str]], rows: Iterable[Iterable[Any]]):
    from rich.table import Table
    from rich.text import Text  # Text, not str: data must never be read as Rich markup

    grid = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        name, justify = column if isinstance(column, tuple) else (column, "left")
        grid.add_column(name, justify=justify, overflow="fold")
    for row in rows:
        grid.add_row(*[Text("" if cell is None else str(cell)) for cell in row])
    return grid


def escape(text: Any) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape("" if text is None else str(text))
