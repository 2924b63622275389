"""What tests share besides fixtures: paths, the pinned date, the CLI driver and review steps.

Fixtures live in conftest.py; a test imports these with `from helpers import ...`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from hypothesis import settings
from typer.testing import CliRunner

from reformctl.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TODAY = "2026-11-27"


def examples(n: int) -> int:
    """N hypothesis examples under the full profile (`ci`, hypothesis' 100), scaled down with the
    profile in use: a tenth under `--hypothesis-profile=dev`, never fewer than one."""
    return max(1, n * settings().max_examples // 100)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


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


def template_store(path: Path, build) -> Path:
    """A store at PATH made by BUILD(store), checkpointed into the one file so that a test may
    copy it: the direct rule tests build theirs once per module and copy it per test."""
    from reformctl.store import open_store

    store = open_store(path)
    try:
        build(store)
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return path


def approve(cli: "Cli", site: str, *refs: str, reviewer: str = "A. Reviewer") -> None:
    """Take records through review: submitted by the author, approved by another team member."""
    for ref in refs:
        cli.ok("submit", "--site", site, ref)
        cli.ok("--as", reviewer, "review", "--site", site, ref, "--decision", "approve")


def markdown_site(cli: Cli, body: str, recommendation: str) -> str:
    """Site "md": finding 1.1 with BODY, a plain finding 1.2 and recommendation 1.1.1 with
    RECOMMENDATION, all approved, for the tests of how each format renders Markdown."""
    cli.ok("new-engagement", "--site", "md", "--agency", "Example PD", "--focus-area", "Area")
    add = ("log-finding", "--site", "md", "--focus-area", "1")
    cli.ok(*add, "--title", "Camera video", "--body", body)
    cli.ok(*add, "--title", "Second", "--body", "Plain.")
    cli.ok("recommend", "--site", "md", "--finding", "1.1", "--text", recommendation)
    approve(cli, "md", "1.1", "1.2", "1.1.1")
    return "md"


def retention_finding(cli: Cli) -> None:
    """North Miami's finding 3.1 "No retention schedule" and its recommendation 3.1.1 (owner
    Records Unit), both dated 2024-06-01 and not yet reviewed."""
    site = ("--site", "north-miami")
    cli.ok(
        "log-finding",
        *site,
        "--focus-area",
        "3",
        "--title",
        "No retention schedule",
        "--date",
        "2024-06-01",
    )
    cli.ok(
        "recommend",
        *site,
        "--finding",
        "3.1",
        "--text",
        "Adopt one.",
        "--owner",
        "Records Unit",
        "--date",
        "2024-06-01",
    )
