"""What people read at a terminal: Rich tables, plain aligned columns, and the progress spinner.

Data can never act as markup or as terminal control codes in any of them. What scripts read
(--format json) is cli/formats.py's."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from itertools import zip_longest
from typing import Any, Iterable

from reformctl.errors import counted  # noqa: F401  (the commands' one way to word a count)


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
        name, justify, wrap = (
            (*spec, "left", None, None)[:3] if len(spec) == 1 else (*spec, None)[:3]
        )
        if wrap == WRAP:
            grid.add_column(name, justify=justify, overflow="fold", min_width=12, ratio=1)
        else:
            # Short values (numbers, dates, slugs) keep their width while long text gives way.
            longest = max((len(row[i]) for row in rows), default=0)
            grid.add_column(
                name, justify=justify, overflow="fold", min_width=min(max(longest, 3), 20)
            )
    for row in rows:
        grid.add_row(*[Text(cell) for cell in row])
    return grid


def print_table(
    title: str | None, columns_: Iterable[str | tuple], rows: Iterable[Iterable[Any]]
) -> None:
    """A Rich table on a terminal; piped, plain columns, so that no column is ever dropped or cut
    to fit a width that nobody is looking at."""
    rows = list(rows)
    if sys.stdout.isatty():
        console().print(table(title, columns_, rows))
    else:
        sys.stdout.write(columns(title, columns_, rows))


def escape(text: Any) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape("" if text is None else str(text))


# C0 and C1 control characters and DEL, which could drive the terminal, shown as U+FFFD.
_CONTROLS = {code: "\ufffd" for code in (*range(0, 32), *range(127, 160))}


def _cell(value: Any, keep: str = "") -> str:
    text = "" if value is None else str(value)
    if not text.isprintable():
        text = " ".join(text.split()).translate(
            {k: v for k, v in _CONTROLS.items() if chr(k) not in keep} if keep else _CONTROLS
        )
    return text


def _width(text: str) -> int:
    """Columns TEXT takes on a terminal: wide East Asian characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _wrap(text: str, width: int) -> list[str]:
    """TEXT in lines of at most WIDTH columns, broken at spaces (or hyphens, or anywhere, in long words).

    Hand-written rather than textwrap, which is slow at a listing's hundreds of rows and
    counts wide characters as one column. Nested rows keep their leading indent.
    """
    measure = len if text.isascii() else _width  # the same count for ASCII, without a call per word
    if measure(text) <= width:
        return [text]
    body = text.lstrip(" ")
    indent = text[: len(text) - len(body)]
    width = max(2, width - len(indent))
    words = body.split()
    if measure is len and words and max(map(len, words)) <= width:
        # The same greedy fill as the loop below, done by the regex engine: each line is the
        # longest run of whole words, single-spaced, that fits.
        return [
            indent + line for line in re.findall(rf"(\S.{{0,{width - 1}}})(?: |$)", " ".join(words))
        ]
    lines, line, used = [], "", 0
    for word in words:
        size = measure(word)
        while (
            size > width
        ):  # a word longer than the column: break at a hyphen if one fits, else anywhere
            head, taken = "", 0
            for char in word:
                w = measure(char)
                if taken + w > width:
                    break
                head, taken = head + char, taken + w
            cut = head.rfind("-") + 1 or len(head)
            if line:
                lines.append(line)
                line, used = "", 0
            lines.append(word[:cut])
            word = word[cut:]
            size = measure(word)
        if not line:
            line, used = word, size
        elif used + 1 + size <= width:
            line, used = line + " " + word, used + 1 + size
        else:
            lines.append(line)
            line, used = word, size
    if line:
        lines.append(line)
    return [indent + line for line in lines] or [indent]


def _terminal_width() -> int | None:
    """The width to fit: $COLUMNS, else the terminal's; None (no limit) when piped."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def columns(
    title: str | None,
    headers: Iterable[str | tuple],
    rows: Iterable[Iterable[Any]],
    marks: tuple[str, str] | None = None,
) -> str:
    """Rows as plain aligned columns, ready to print; headers as for table().

    The interactive listings (findings, show, engagements) use this rather than a
    Rich table: importing Rich and drawing a table of a few hundred rows costs
    most of the budget of a command that should feel instant. On a
    terminal, columns marked WRAP share the width the others leave and wrap;
    piped, every row stays on one line. Data can never act as markup or as
    terminal control codes here. MARKS (start, end), two control characters put
    around words to highlight, become reverse video on a terminal and vanish piped.
    """
    start, end = marks or ("", "")
    shown = ("\x1b[1;7m", "\x1b[0m") if marks and sys.stdout.isatty() else ("", "")

    def visible(value: str) -> int:
        return _width(value.replace(start, "").replace(end, "") if marks else value)

    spec = []
    for header in headers:
        parts = header if isinstance(header, tuple) else (header,)
        spec.append(
            (parts[0], parts[1] if len(parts) > 1 else "left", len(parts) > 2 and parts[2] == WRAP)
        )
    cells = [[_cell(v, start + end) for v in row] for row in rows]
    widths = _fit(
        spec,
        [
            max([_width(name)] + [visible(row[i]) for row in cells])
            for i, (name, _, _) in enumerate(spec)
        ],
    )
    layout = [
        (width, justify == "right", wrap)
        for width, (_, justify, wrap) in zip(widths, spec, strict=False)
    ]
    # Rows of ASCII text, nearly all of them, are padded by one str.format call.
    template = "  ".join(f"{{:{'>' if right else '<'}{width}}}" for width, right, _ in layout)
    out = [title] if title else []
    for values in [[name for name, _, _ in spec], ["-" * w for w in widths], *cells]:
        wrapped = [
            _wrap(value, width) if wrap else [value]
            for value, (width, _, wrap) in zip(values, layout, strict=False)
        ]
        if not marks and "".join(values).isascii():  # then so is every piece of it
            out.extend(
                template.format(*parts).rstrip() for parts in zip_longest(*wrapped, fillvalue="")
            )
        else:
            out.extend(
                _line(parts, layout, marks, shown, visible)
                for parts in zip_longest(*wrapped, fillvalue="")
            )
    return "\n".join(out) + "\n"


def _fit(spec: list[tuple], widths: list[int]) -> list[int]:
    """WIDTHS narrowed to the terminal's, if there is one: the columns marked WRAP share the room
    the others leave."""
    terminal = _terminal_width()
    wrapping = [i for i, (_, _, wrap) in enumerate(spec) if wrap]
    if terminal and wrapping and sum(widths) + 2 * (len(spec) - 1) > terminal:
        room = (
            terminal
            - sum(w for i, w in enumerate(widths) if i not in wrapping)
            - 2 * (len(spec) - 1)
        )
        # Share the room equally, giving what a narrow column does not need to the others.
        for n, i in enumerate(sorted(wrapping, key=lambda i: widths[i])):
            share = max(12, room // (len(wrapping) - n))
            widths[i] = min(widths[i], share)
            room -= widths[i]
    return widths


def _line(
    values, layout: list[tuple], marks: tuple[str, str] | None, shown: tuple[str, str], visible
) -> str:
    """One line of padded VALUES; the MARKS around highlighted words become SHOWN."""
    start, end = marks or ("", "")
    parts = []
    for value, (width, right, _) in zip(values, layout, strict=False):
        pad = " " * (
            width - (visible(value) if marks else len(value) if value.isascii() else _width(value))
        )
        if marks:
            if value.count(start) > value.count(
                end
            ):  # a highlight cut by wrapping ends with its line
                value += end
            value = value.replace(start, shown[0]).replace(end, shown[1])
        parts.append(pad + value if right else value + pad)
    return "  ".join(parts).rstrip()


@contextmanager
def working(first: str):
    """A spinner with the stage and the time taken, on stderr at a terminal only (a PDF of a few
    hundred pages takes a while); yields a function that names the next stage. Piped or in a
    script, nothing is printed and the function does nothing."""
    if not sys.stderr.isatty():
        yield lambda stage: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(first, total=None)

        def stage(description: str) -> None:
            # Drawn at once: a stage quicker than Rich's tenth-of-a-second redraw is still named.
            bar.update(task, description=description)
            bar.refresh()

        yield stage
