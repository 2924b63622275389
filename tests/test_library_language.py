"""The library speaks the library's language: no string in model/, store/, reports/, exchange/
or publishing/ names a
command-line flag (--force) or a command (reformctl reopen). Its errors carry facts (the option,
the remedy) and cli/errors.py words them with flags and command lines."""

import ast
import re
from pathlib import Path

import pytest
import typer

from reformctl.cli import app
from reformctl.cli.errors import CLI, COMMANDS, message
from reformctl.errors import (
    REMEDIES,
    Invalid,
    Message,
    Option,
    Options,
    Refused,
    Remedy,
    RowErrors,
)

SRC = Path(__file__).resolve().parent.parent / "src" / "reformctl"
LIBRARY = ("model", "store", "reports", "exchange", "publishing")

# Text that is published as it is (a report's or a site's generator line), each with the reason.
ALLOWED = {
    ("reports/open_data.py", " export --public-db"): "the open data's source line, published",
    (
        "publishing/site/output.py",
        "reformctl site build",
    ): "the site's generator meta tag, published",
    ("publishing/site/feeds.py", "reformctl site build, from"): "the feed's source line, published",
}


def _commands() -> list[str]:
    root = typer.main.get_command(app)
    return root.list_commands(root.make_context("reformctl", ["--help"], resilient_parsing=True))


def _docstrings(tree: ast.AST) -> set[int]:
    """Docstrings document the code for its developers; they are not messages."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _strings(tree: ast.AST):
    """Every string constant, and every f-string's literal parts joined (so "--" f"{x}" counts)."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            yield node.lineno, "".join(str(p) for p in parts)
            skip.update(id(v) for v in node.values)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            yield node.lineno, node.value


def cli_words(text: str, commands: list[str]) -> list[str]:
    names = "|".join(re.escape(c) for c in sorted(commands, key=len, reverse=True))
    pattern = rf"(?<![\w-])--[a-z][a-z-]*|\breformctl (?:{names})\b"
    return re.findall(pattern, text)


def test_no_library_string_names_a_flag_or_a_command():
    commands = _commands()
    found, allowed_seen = [], set()
    for layer in LIBRARY:
        for path in sorted((SRC / layer).rglob("*.py")):
            relative = path.relative_to(SRC).as_posix()
            for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
                if not cli_words(text, commands):
                    continue
                allowed = [key for key in ALLOWED if key[0] == relative and key[1] in text]
                if allowed:
                    allowed_seen.update(allowed)
                    continue
                found.append(f"{relative}:{line}: {text!r}")
    assert found == [], "\n".join(found)
    assert allowed_seen == set(ALLOWED), "an allowed exception no longer occurs: remove it"


def test_the_pattern_finds_flags_and_commands_not_the_product_name():
    commands = _commands()
    assert cli_words("give --force to replace it", commands) == ["--force"]
    assert cli_words("with `reformctl reopen --site ", commands) == ["reformctl reopen", "--site"]
    assert cli_words("not a reformctl store; reformctl never deletes", commands) == []
    assert cli_words("a--b, -- c, ---", commands) == []


def test_every_remedy_has_a_command_line():
    assert set(COMMANDS) == set(REMEDIES)


def test_an_error_is_worded_for_the_library_and_for_the_command_line():
    closed = Refused(
        "{site} is closed; reopen it first with {remedy}",
        site="north-miami",
        remedy=Remedy("reopen", site="north-miami"),
    )
    assert str(closed) == "north-miami is closed; reopen it first with `reopen()`"
    assert message(closed) == (
        "north-miami is closed; reopen it first with "
        "`reformctl reopen --site north-miami --reason TEXT`"
    )
    assert closed.remedy.action == "reopen" and closed.facts["site"] == "north-miami"
    late = Invalid("{what} {day} is in the future", what=Option("as_of"), day="2030-01-01")
    assert (str(late), message(late)) == (
        "as_of 2030-01-01 is in the future",
        "--as-of 2030-01-01 is in the future",
    )
    nothing = Invalid("give {options}", options=Options("title", "body", "owner"))
    assert message(nothing) == "give --title, --body or --owner"
    assert str(nothing) == "give title, body or owner"


def test_a_template_holds_no_user_text():
    """A value with braces is a fact, never part of the template, so it is shown as it is."""
    error = Invalid("{value!r} is not a date", value="{site}")
    assert message(error) == "'{site}' is not a date"
    assert message(Invalid("plain {text} without facts")) == "plain {text} without facts"


def test_an_error_said_of_a_place_keeps_its_facts():
    error = Refused("{site} is closed; {remedy}", site="x", remedy=Remedy("reopen", site="x"))
    assert message(error.at("north-miami.toml")) == (
        "north-miami.toml: x is closed; `reformctl reopen --site x --reason TEXT`"
    )


def test_row_errors_word_their_messages_at_the_edge():
    rows = RowErrors(
        "tracker.csv",
        [
            (
                3,
                "status",
                Message("withdraw it with {remedy}", remedy=Remedy("withdraw", ref="1.1.1")),
            )
        ],
    )
    assert rows.lines(words=CLI) == [
        "tracker.csv, row 3, column status: withdraw it with "
        "`reformctl review --site SLUG 1.1.1 --decision withdraw`; nothing was imported"
    ]
    assert "reformctl" not in str(rows)
    assert message(rows) == rows.lines(words=CLI)[0]


def test_an_unknown_remedy_is_a_programming_error():
    with pytest.raises(KeyError):
        Remedy("shrug")
