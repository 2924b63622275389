"""The README's test command is exactly the one CI runs, so a reader runs what CI checks."""

import re

from helpers import ROOT


def test_the_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    [command] = [line for line in ci.splitlines() if "python -m pytest" in line]
    assert command.endswith("python -m pytest -rs -n auto")
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert command in [line for block in blocks for line in block.splitlines()]
    # CI fails rather than warns when packages do not install, and runs with CI set (skips fail).
    assert "|| echo" not in ci and "--required" in ci and "export CI=true" in ci
    # Lint and format are checked before a test runs: a finding fails CI.
    assert "&& ruff check . && ruff format --check . && python -m pytest" in command
