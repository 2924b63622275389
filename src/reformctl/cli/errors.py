"""Turning every error a user can cause into one line on stderr and an exit code."""

from __future__ import annotations

import sqlite3
import sys

import typer
from typer.core import TyperGroup

try:  # Typer 0.29 vendors Click as typer._click; earlier releases run on the click package
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions

from reformctl.errors import Message, ReformError, Remedy, Words
from reformctl.store.db import explain_sqlite_error

# The flag of each library parameter a message names, where it is not the parameter's name with
# hyphens (as_of -> --as-of).
FLAGS = {
    "focus_areas": "--focus-area TITLE",
    "override_reason": "--override-check --reason TEXT",
}

# The command line of each remedy in the library's vocabulary (errors.REMEDIES), from its facts;
# a fact the raise site did not know is shown as the option's metavar.
COMMANDS = {
    "reopen": "`reformctl reopen --site {site} --reason TEXT`",
    "advance": "`reformctl advance --site {site} {phase}`",
    "submit": "`reformctl submit --site {site} {ref}`",
    "withdraw": "`reformctl review --site {site} {ref} --decision withdraw`",
    "new_engagement": "`reformctl new-engagement`",
    "show_engagement": "`reformctl show --site {site}`",
    "add_member": "`reformctl team add --site {site} NAME --role ROLE`",
    "list_activities": "`reformctl activities --site {site}`",
    "list_findings": "`reformctl findings --site {site}`",
    "write_section": "`reformctl section --site {site} {name} --body-file FILE`",
    "list_sections": "`reformctl sections --site {site}`",
    "list_conflicts": "`reformctl conflicts --site {site}`",
    "resolve_conflicts": "`reformctl resolve`",
    "upgrade_store": "`reformctl --db {path} engagements`",
    "merge": "`reformctl merge --site {site} {source}`",
    "export_bundle": "`reformctl export --site SLUG --bundle DIR`",
    "check": "`reformctl check --site {site} --as-of {as_of}`",
    "override_check": "--override-check --reason TEXT",
    "publish": "`reformctl publish`",
    "publish_final": "`reformctl publish --site {site} --kind final --output DIR`",
    "list_releases": "`reformctl releases --site {site}`",
    "allow_term": "`reformctl check --site {site} --allow {term}`",
    "force": "--force",
}
METAVARS = {"site": "SLUG", "source": "DIR", "ref": "REF", "name": "NAME", "as_of": "YYYY-MM-DD"}


# What the command line adds to a check's problem of each code: the way to act on it.
PROBLEM_HINTS = {
    "other-initials": " If it belongs here, {remedy}",
    "no-owner": " (--owner UNIT)",
}


def problem_line(problem: dict, site: str) -> str:
    """A check's problem as the command line words it: the library's message and its hint."""
    hint = PROBLEM_HINTS.get(problem.get("code"), "")
    if "{remedy}" in hint:
        remedy = Remedy("allow_term", site=site, term=problem.get("allow", "TERM"))
        hint = hint.format(remedy=CLI.remedy(remedy))
    return problem["message"] + hint


class _Known(dict):
    def __missing__(self, key: str) -> str:
        return METAVARS.get(key, key.upper())


class CliWords(Words):
    """Options as flags, remedies as command lines."""

    def option(self, name: str) -> str:
        return FLAGS.get(name, "--" + name.replace("_", "-"))

    def remedy(self, remedy: Remedy) -> str:
        return COMMANDS[remedy.action].format_map(_Known(remedy.facts))


CLI = CliWords()


class RowWords(CliWords):
    """A row of a file the user wrote: options by their column names, remedies as command lines."""

    def option(self, name: str) -> str:
        return name


ROW = RowWords()


def message(error: ReformError | Message | str, words: Words = CLI) -> str:
    """What the user reads: the library's message with flags and command lines."""
    if isinstance(error, ReformError | Message):
        return error.render(words)
    return str(error)


def one_line(message: str) -> str:
    """Click lists choices on several lines ("Choose from:\n\tcomplete,\n..."); an error is one line."""
    return " ".join(str(message).split())


class CliError(click_exceptions.ClickException):
    """A domain error at the CLI edge: 'error: ...' on stderr, exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        print(f"error: {one_line(self.message)}", file=file or sys.stderr)


class CliUsageError(click_exceptions.UsageError):
    """Click's usage errors, kept to one line (exit 2)."""

    def show(self, file=None) -> None:
        command = self.ctx.command_path if self.ctx else "reformctl"
        print(f"error: {one_line(self.message)} (see `{command} --help`)", file=file or sys.stderr)


def _translate(exc: BaseException) -> click_exceptions.ClickException | None:
    if isinstance(exc, CliError | CliUsageError):
        return None
    if (
        type(exc).__name__ == "NoArgsIsHelpError"
    ):  # Click >= 8.2: the help itself, as Click shows it
        return None
    if isinstance(exc, click_exceptions.UsageError):
        # format_message() keeps Click's "Invalid value for '--format':" prefix; Typer's
        # validation adds a "Value error, " that tells the user nothing.
        return CliUsageError(exc.format_message().replace("Value error, ", ""), exc.ctx)
    if isinstance(exc, ReformError):
        return CliError(message(exc))
    if isinstance(exc, sqlite3.Error):
        return CliError(str(explain_sqlite_error(exc, "in use")))
    if isinstance(exc, OverflowError):
        # The model bounds the numbers it knows (model/text.py clean_int); this catches any other
        # whole number given on the command line that SQLite cannot hold (beyond 64 bits).
        return CliError(
            "a number given is too large; numbers are at most 64 bits (9223372036854775807)"
        )
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return CliError(f"{exc.strerror or exc}{where}")
    return None


def _refuse_undecodable(args) -> None:
    """Bytes that are not UTF-8 reach argv as lone surrogates, which SQLite cannot store."""
    for position, arg in enumerate(args or [], start=1):
        if isinstance(arg, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in arg):
            raise CliError(
                f"argument {position} ({ascii(arg[:40])}) is not valid UTF-8 text; "
                "check the terminal's encoding"
            )


class ReformGroup(TyperGroup):
    """The root group: commands in the order they were registered, listed in help under their
    stage of work (each command's rich_help_panel), errors turned into one line."""

    def list_commands(self, ctx):
        return list(self.commands)

    def format_commands(self, ctx, formatter) -> None:
        # Help stays plain Click (rich_markup_mode=None keeps Rich out of start-up and errors on one
        # line), so the panels Typer would draw with Rich are drawn here as plain sections.
        shown = [
            (name, cmd)
            for name in self.list_commands(ctx)
            if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden
        ]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        panels: dict[str, list] = {}
        for name, cmd in shown:
            panel = getattr(cmd, "rich_help_panel", None) or "Commands"
            panels.setdefault(panel, []).append((name, cmd.get_short_help_str(limit)))
        for panel, rows in panels.items():
            with formatter.section(panel):
                formatter.write_dl(rows)

    def make_context(self, info_name, args, parent=None, **extra):
        if parent is None:
            _refuse_undecodable(args)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click_exceptions.ClickException as exc:
            translated = _translate(exc)
            if translated is None:
                raise
            raise translated from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            translated = _translate(exc)
            if translated is None:
                raise
            raise translated from None
