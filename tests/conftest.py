"""Every test gets its own store, a pinned date and actor, and a fixed terminal width."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import EXAMPLES, TODAY, Cli, approve, in_ci

# `ci` (the default) runs every example a test asks for; `dev`, for the quick run
# (`-m "not slow" --hypothesis-profile=dev`), a tenth of them: helpers.examples scales each
# test's own max_examples by the profile's.
settings.register_profile("ci", max_examples=100)
settings.register_profile("dev", max_examples=10)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """A parametrized test marked `matrix` runs every case in the full run and its first case
    in the quick run (`-m "not slow"`): the other cases are marked slow here, before -m selects."""
    seen = set()
    for item in items:
        if item.get_closest_marker("matrix") is None:
            continue
        function = (item.path, item.originalname)
        if function in seen:
            item.add_marker(pytest.mark.slow)
        seen.add(function)
    _fastest_first_under_mutmut(items)


def _fastest_first_under_mutmut(items):
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


@pytest.fixture
def cli(isolated) -> Cli:
    return Cli(isolated / "test.db")


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory) -> dict:
    """Stores a fixture would build by running commands, built once per worker and copied into
    each test's own file: the same rows, without every test paying for the commands again."""
    return {"folder": tmp_path_factory.mktemp("store-templates")}


def from_template(cli: Cli, templates: dict, *command) -> Cli:
    """The store COMMAND leaves, copied from a template made with the same date and actor; into
    a store that already exists (demo and north_miami together), the command itself runs."""
    if cli.db.exists():
        cli.ok(*command)
        return cli
    key = (command, os.environ["REFORMCTL_TODAY"], os.environ["REFORMCTL_USER"])
    if key not in templates:
        template = templates["folder"] / f"{len(templates)}.db"
        cli.ok("--db", template, *command)
        conn = sqlite3.connect(template)
        try:  # the whole store in the one file, so that a copy of the file is the store
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        templates[key] = template
    shutil.copyfile(templates[key], cli.db)
    return cli


@pytest.fixture
def north_miami(cli, store_templates) -> Cli:
    return from_template(
        cli, store_templates, "new-engagement", "--from", EXAMPLES / "north-miami.toml"
    )


@pytest.fixture
def demo(cli, store_templates) -> Cli:
    return from_template(cli, store_templates, "demo")


@pytest.fixture
def north_miami_released(north_miami, isolated, monkeypatch):
    """North Miami with finding 3.1 and its two recommendations approved and published as release
    1 into r1/; the clock then moves a day on, so later work falls after the release."""
    site = ("--site", "north-miami")
    north_miami.ok(
        "log-finding", *site, "--focus-area", "3", "--title", "Old title", "--body", "Old body."
    )
    north_miami.ok(
        "recommend", *site, "--finding", "3.1", "--text", "Adopt one.", "--owner", "Records"
    )
    north_miami.ok(
        "recommend", *site, "--finding", "3.1", "--text", "Train staff.", "--owner", "Training"
    )
    approve(north_miami, "north-miami", "3.1", "3.1.1", "3.1.2")
    north_miami.ok("publish", *site, "--output", isolated / "r1")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-28")
    return north_miami
