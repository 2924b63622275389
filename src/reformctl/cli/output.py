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


WRAP = "wrap"


def table(title: str | None, columns: Iterable[str | tuple], rows: Iterable[Iterable[Any]]):
    """A Rich table. Columns are 'Name', ('Name', 'right') or ('Name', 'left', WRAP): only columns
    marked WRAP (long text) may wrap, so numbers, dates and slugs stay on one line."""
    from rich.table import Table
    from rich.text import Text  # Text, not str: data must never be read as Rich markup

    grid = Table(title=title, title_justify="left", header_style="bold")
    rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    for i, column in enumerate(columns):
        spec = column if isinstance(column, tuple) else (column,)
        name, justify, wrap = (*spec, "left", None, None)[:3] if len(spec) == 1 else (*spec, None)[:3]
        if wrap == WRAP:
            grid.add_column(name, justify=justify, overflow="fold", min_width=12, ratio=1)
        else:
            # Short values (numbers, dates, slugs) keep their width while long text gives way.
            longest = max((len(row[i]) for row in rows), default=0)
            grid.add_column(name, justify=justify, overflow="fold", min_width=min(max(longest, 3), 20))
    for row in rows:
        grid.add_row(*[Text(cell) for cell in row])
    return grid


def escape(text: Any) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape("" if text is None else str(text))
