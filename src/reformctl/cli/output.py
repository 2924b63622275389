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


def table(title: str | None, columns: Iterable[str | tuple[str, str]], rows: Iterable[Iterable[Any]],
          one_line: Iterable[str] = ()):
    """A Rich table; columns named in ONE_LINE are cut to one line with an ellipsis.

    Wrapping long text is most of what a Rich table costs to draw (it halves the
    time of `findings` for an engagement with hundreds of recommendations), and a
    listing is for finding a record: its full text is in --format json and the report.
    """
    from rich.table import Table
    from rich.text import Text  # Text, not str: data must never be read as Rich markup

    grid = Table(title=title, title_justify="left", header_style="bold")
    one_line = set(one_line)
    width = max(24, console().width - 70)  # room left for the short columns beside it
    for column in columns:
        name, justify = column if isinstance(column, tuple) else (column, "left")
        if name in one_line:
            grid.add_column(name, justify=justify, overflow="ellipsis", no_wrap=True, max_width=width)
        else:
            grid.add_column(name, justify=justify, overflow="fold")
    for row in rows:
        grid.add_row(*[Text("" if cell is None else str(cell)) for cell in row])
    return grid


def escape(text: Any) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape("" if text is None else str(text))
