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


# C0 and C1 control characters and DEL, which could drive the terminal, shown as U+FFFD.
_CONTROLS = {code: "\ufffd" for code in (*range(0, 32), *range(127, 160))}


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if not text.isprintable():
        text = " ".join(text.split()).translate(_CONTROLS)
    return text


def _width(text: str) -> int:
    """Columns TEXT takes on a terminal: wide East Asian characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    if text.isascii():
        return text[: width - 1].rstrip() + "…"
    out, used = [], 0
    for char in text:
        used += _width(char)
        if used > width - 1:
            break
        out.append(char)
    return "".join(out).rstrip() + "…"


def _terminal_width() -> int | None:
    """The width to fit: $COLUMNS, else the terminal's; None (no limit) when piped."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def columns(title: str | None, headers: Iterable[str | tuple[str, str]], rows: Iterable[Iterable[Any]],
            one_line: Iterable[str] = ()) -> str:
    """Rows as plain aligned columns, ready to print.

    The interactive listings (findings, show, engagements) use this rather than a
    Rich table: importing Rich and drawing a table of a few hundred rows costs
    about 100 ms, most of the budget of a command that should feel instant.
    Data can never act as markup or terminal control codes here. On a terminal
    the columns named in ONE_LINE are cut to fit its width, the first of them
    taking what the others leave; piped, nothing is cut.
    """
    spec = [h if isinstance(h, tuple) else (h, "left") for h in headers]
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(name)] + [_width(row[i]) for row in cells]) for i, (name, _) in enumerate(spec)]
    terminal = _terminal_width()
    cut = [i for i, (name, _) in enumerate(spec) if name in set(one_line)]
    if terminal and cut and sum(widths) + 2 * (len(spec) - 1) > terminal:
        for i in cut[1:]:
            widths[i] = min(widths[i], max(_width(spec[i][0]), 24))
        room = terminal - sum(w for j, w in enumerate(widths) if j != cut[0]) - 2 * (len(spec) - 1)
        widths[cut[0]] = max(20, min(widths[cut[0]], room))

    def line(values: list[str]) -> str:
        parts = []
        for value, width, (_, justify) in zip(values, widths, spec):
            value = _cut(value, width)
            pad = " " * (width - _width(value))
            parts.append(pad + value if justify == "right" else value + pad)
        return "  ".join(parts).rstrip()

    out = [title] if title else []
    out += [line([name for name, _ in spec]), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out) + "\n"
