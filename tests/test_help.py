"""Every command explains itself, with an example."""

import re

import pytest
import typer
from typer.main import get_command

from reformctl.cli import app

ROOT = get_command(app)
COMMANDS = ROOT.list_commands(typer.Context(ROOT))


def built(name: str):
    return ROOT.get_command(typer.Context(ROOT), name)


def test_there_are_commands():
    assert {
        "new-engagement",
        "engagements",
        "show",
        "log-finding",
        "findings",
        "recommend",
        "set-status",
        "report",
        "where",
        "demo",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(cli, name):
    command = built(name)
    assert command.help and "Example:" in command.help, name
    for param in command.params:
        if param.param_type_name == "option":
            assert getattr(param, "help", None), f"{name} {param.name} has no help"
    out = cli.ok(name, "-h")
    assert "Usage:" in out


def test_version(cli):
    assert cli.ok("--version").startswith("reformctl ")


# Every visible command and the stage of work it is listed under in `reformctl --help`.
SECTIONS = {
    "Engagements": ["new-engagement", "engagements", "show", "advance", "reopen", "demo"],
    "Findings and recommendations": [
        "log-finding",
        "findings",
        "recommend",
        "edit",
        "note",
        "protect",
        "section",
        "sections",
        "search",
    ],
    "Review": ["submit", "review", "configure", "history"],
    "Implementation monitoring": [
        "set-status",
        "status-history",
        "bulk-status",
        "schedule",
        "dashboard",
    ],
    "Fieldwork": ["activity", "activities", "cite", "team"],
    "Reports and releases": [
        "report",
        "check",
        "publish",
        "releases",
        "verify",
        "diff",
        "template",
        "site",
    ],
    "Data exchange": ["export", "import", "merge", "conflicts", "resolve"],
    "Store": ["where", "backup", "restore"],
}


def help_sections(text: str) -> dict[str, list[str]]:
    """The command names under each 'Heading:' of a help text, options excluded."""
    sections: dict[str, list[str]] = {}
    heading = None
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            heading = line[:-1]
            sections[heading] = []
        elif (
            heading
            and line.startswith("  ")
            and not line.startswith("   ")
            and not line.lstrip().startswith("-")
        ):
            sections[heading].append(line.split()[0])
    sections.pop("Options", None)
    return sections


def test_help_lists_every_command_under_its_stage_of_work(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    out = cli.ok("--help")
    assert help_sections(out) == SECTIONS
    listed = [line for line in out.split("\nEngagements:\n", 1)[1].splitlines() if line.strip()]
    cut = [line for line in listed if line.rstrip().endswith(("...", "…"))]
    assert not cut, cut
    assert max(len(line) for line in out.splitlines()) <= 100


@pytest.mark.parametrize("group", [(), ("site",), ("template",)])
def test_a_command_group_alone_prints_its_help_as_every_command_does(cli, group):
    """Not one 'error:' line holding the whole help, and no boxes: the plain help, exit 2."""
    result = cli(*group)
    assert result.exit_code == 2
    shown = result.stdout + result.stderr
    assert shown.startswith(f"Usage: reformctl {' '.join(group)}".replace("  ", " ").rstrip())
    assert "error:" not in shown and "╭" not in shown and len(shown.splitlines()) > 5
    helped = cli(*group, "--help")
    assert helped.exit_code == 0 and "╭" not in helped.stdout


def _every_command(group, ctx, path=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name)
        if hasattr(command, "list_commands"):
            yield from _every_command(command, ctx, (*path, name))


# An option's value in help: an upper-case placeholder (TEXT, SLUG, YYYY-MM-DD, N) or the
# choices in brackets, as Click writes them; never a Python type label such as <str>.
OPTION_LINE = re.compile(r"^  (?:-\w, )?(--[\w-]+)(?: (\S+))?")
HOUSE_METAVAR = re.compile(r"^(?:[A-Z][A-Z0-9_:-]*(?:\.[A-Za-z]+)?|\[[a-z0-9|-]+\])(?:\.\.\.)?$")


def test_every_option_names_its_value_in_the_house_style(cli):
    root = get_command(app)
    ctx = root.make_context("reformctl", ["--help"], resilient_parsing=True)
    seen, wrong = 0, []
    for path in _every_command(root, ctx):
        options = cli.ok(*path, "--help").partition("\nOptions:\n")[2]
        for line in options.splitlines():
            match = OPTION_LINE.match(line)
            if match and match.group(2) and match.group(2) != "/":  # "/": --flag / --no-flag
                seen += 1
                if not HOUSE_METAVAR.match(match.group(2)):
                    wrong.append(f"{' '.join(path)} {match.group(1)} {match.group(2)}")
    assert seen > 100
    assert wrong == [], "\n".join(wrong)
