"""Asking for missing required values on a terminal, and refusing cleanly when there is none."""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer

from reformctl.cli.errors import CliUsageError, message
from reformctl.errors import ReformError


def interactive() -> bool:
    return sys.stdin.isatty()


def question(label: str, answer: Callable[[str], object] = lambda text: text):
    """Ask LABEL on stderr and read the answer from stdin, so that stdout carries only what the
    command prints (Click's prompt writes the last character of a question to stdout). ANSWER
    turns the text into the value; a CliUsageError from it is shown and the question asked again,
    and a None asks again silently."""
    while True:
        typer.echo(f"{label}: ", nl=False, err=True)
        line = sys.stdin.readline()
        if not line:  # end of input: nobody is left to answer
            typer.echo(err=True)
            raise typer.Abort()
        try:
            value = answer(line.rstrip("\r\n"))
        except CliUsageError as exc:
            typer.echo(f"Error: {exc.message}", err=True)
            continue
        if value is not None:
            return value


def require(value, option: str, label: str):
    """Return VALUE, or prompt for it on a terminal, or fail with a usage error naming the option."""
    if value not in (None, "", []):
        return value
    if interactive():
        return question(label, lambda text: text if text.strip() else None)
    raise CliUsageError(
        f"missing {option} (stdin is not a terminal, so reformctl cannot ask for it)"
    )


def ask(label: str, check: Callable[[str], object]) -> str | None:
    """Ask on a terminal for an optional value: an empty answer leaves it out, one that CHECK
    refuses is asked for again with the reason."""

    def answer(text: str) -> str:
        if not text.strip():
            return ""
        try:
            check(text.strip())
        except ReformError as exc:
            raise CliUsageError(message(exc)) from None
        return text.strip()

    return question(label, answer) or None


def require_list(values: list[str], option: str, label: str) -> list[str]:
    if values:
        return values
    if not interactive():
        raise CliUsageError(
            f"missing {option}: give it once for each, in order (stdin is not a terminal, so reformctl cannot ask)"
        )
    typer.echo(
        f"{label}: one per line, in the order announced; an empty line ends the list.", err=True
    )
    collected: list[str] = []
    while True:
        answer = question(f"  {len(collected) + 1}")
        if not answer.strip():
            if collected:
                return collected
            typer.echo("  at least one is needed", err=True)
            continue
        collected.append(answer)


def refuse_missing(values: dict[str, object]) -> None:
    """Without a terminal, name every missing required value (option -> value) in one line."""
    missing = [option for option, value in values.items() if value in (None, "", [])]
    if missing and not interactive():
        names = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
        raise CliUsageError(
            f"missing {names} (stdin is not a terminal, so reformctl cannot ask for them)"
        )
