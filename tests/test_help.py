"""Every command explains itself, with an example."""

import pytest
from typer.main import get_command

from reformctl.cli import app

COMMANDS = sorted(get_command(app).commands)


def test_there_are_commands():
    assert {"new-engagement", "engagements", "show", "log-finding", "findings", "recommend",
            "set-status", "report", "where", "demo"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(cli, name):
    command = get_command(app).commands[name]
    assert command.help and "Example:" in command.help, name
    for param in command.params:
        if param.param_type_name == "option":
            assert getattr(param, "help", None), f"{name} {param.name} has no help"
    out = cli.ok(name, "-h")
    assert "Usage:" in out


def test_version(cli):
    assert cli.ok("--version").startswith("reformctl ")
