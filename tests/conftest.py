"""Every test gets its own store, a pinned date and actor, and a fixed terminal width."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reformctl.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TODAY = "2026-11-27"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(items):
    """Under a mutmut mutant (scripts/mutation.sh), fastest tests first: the run stops at the first
    failure (-x), and mutmut hands pytest a mutant's tests in no particular order, so a unit test
    that kills in a millisecond could wait behind a minute of CLI tests. Elsewhere, order is kept."""
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    stats = Path("mutmut-stats.json")  # mutmut runs the tests from inside its mutants/ copy
    if stats.is_file():
        durations = json.loads(stats.read_text())["duration_by_test"]
        items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI everything a test needs is installed (.ci/run sees to it), so a skip there hides a
    broken install: it fails instead. Locally a skip stays a skip, listed by -rs."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"skipped in CI, where nothing may be skipped: {reason.removeprefix('Skipped: ')}"
        )


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test can touch a real store or config: everything points into tmp_path."""
    monkeypatch.setenv("REFORMCTL_DB", str(tmp_path / "test.db"))
    monkeypatch.setenv("REFORMCTL_TODAY", TODAY)
    monkeypatch.setenv("REFORMCTL_USER", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def dump(path: Path) -> list[str]:
    """The whole store as SQL text, to prove a refused command wrote nothing."""
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    except sqlite3.DatabaseError:  # not a store at all: compare the bytes instead
        return [path.read_bytes().hex()]
    finally:
        conn.close()


class Cli:
    def __init__(self, db: Path):
        self.runner = CliRunner()
        self.db = db

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, [str(a) for a in args], input=input)

    def ok(self, *args: str, input: str | None = None) -> str:
        result = self(*args, input=input)
        assert result.exit_code == 0, (
            f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
        return result.stdout

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--format", "json"))

    def fails(self, *args: str, code: int = 1, says: str = "", input: str | None = None):
        """The command is refused with one line on stderr, no traceback, and the store unchanged."""
        before = dump(self.db)
        result = self(*args, input=input)
        assert result.exit_code == code, (
            f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert says.lower() in lines[0].lower(), lines[0]
        assert dump(self.db) == before, "a refused command changed the store"
        return lines[0]


def approve(cli: "Cli", site: str, *refs: str, reviewer: str = "A. Reviewer") -> None:
    """Take records through review: submitted by the author, approved by another team member."""
    for ref in refs:
        cli.ok("submit", "--site", site, ref)
        cli.ok("--as", reviewer, "review", "--site", site, ref, "--decision", "approve")


@pytest.fixture
def cli(isolated) -> Cli:
    return Cli(isolated / "test.db")


@pytest.fixture
def north_miami(cli) -> Cli:
    cli.ok("new-engagement", "--from", EXAMPLES / "north-miami.toml")
    return cli


@pytest.fixture
def demo(cli) -> Cli:
    cli.ok("demo")
    return cli
