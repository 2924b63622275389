"""The installed console script and `python -m reformctl`, run as real processes."""

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from helpers import EXAMPLES, ROOT

pytestmark = pytest.mark.slow  # the installed console script in subprocesses

# The console script of the interpreter running the tests, never whatever `reformctl` is on PATH
# (an older install elsewhere would pass or fail these tests for reasons not in this checkout).
SCRIPT = Path(sys.executable).parent / "reformctl"
NOT_INSTALLED = (
    "reformctl is not installed in this interpreter's environment (pip install -e '.[test]')"
)


def run(*args, env=None, check=True):
    result = subprocess.run(
        [SCRIPT, *map(str, args)], capture_output=True, text=True, env=env or os.environ.copy()
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.skipif(not SCRIPT.is_file(), reason=NOT_INSTALLED)
def test_main_path_through_the_console_script(isolated):
    run("new-engagement", "--from", EXAMPLES / "north-miami.toml")
    assert (
        run(
            "log-finding",
            "--site",
            "north-miami",
            "--focus-area",
            "technology",
            "--title",
            "No retention schedule for body-worn camera video",
            "--date",
            "2024-06-01",
        ).stdout.strip()
        == "3.1"
    )
    assert (
        run(
            "recommend",
            "--site",
            "north-miami",
            "--finding",
            "3.1",
            "--text",
            "Adopt one.",
            "--date",
            "2024-06-01",
        ).stdout.strip()
        == "3.1.1"
    )
    run("set-status", "--site", "north-miami", "3.1.1", "in-progress", "--as-of", "2024-09-26")
    for ref in ("3.1", "3.1.1"):
        run("submit", "--site", "north-miami", ref)
        run("--as", "A. Reviewer", "review", "--site", "north-miami", ref, "--decision", "approve")
    data = json.loads(run("report", "--site", "north-miami", "--format", "json").stdout)
    assert data["status_summary"][2] == {
        "status": "in-progress",
        "label": "In Progress",
        "count": 1,
        "percent": 100,
    }
    run("report", "--site", "north-miami", "--format", "html", "--output", isolated / "nm.html")
    assert "North Miami Police Department" in (isolated / "nm.html").read_text()


@pytest.mark.skipif(not SCRIPT.is_file(), reason=NOT_INSTALLED)
def test_errors_are_one_line_without_traceback(isolated):
    result = run("show", "--site", "nowhere", check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_python_dash_m(isolated):
    result = subprocess.run(
        [sys.executable, "-m", "reformctl", "where"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "REFORMCTL_DB" in result.stdout


@pytest.mark.skipif(not SCRIPT.is_file(), reason=NOT_INSTALLED)
def test_the_console_script_is_this_checkouts():
    shebang = SCRIPT.read_text(encoding="utf-8").splitlines()[0]
    assert (
        shebang.startswith("#!") and Path(shebang[2:].strip()).parent == Path(sys.executable).parent
    ), shebang
    direct_url = json.loads(
        importlib.metadata.distribution("reformctl").read_text("direct_url.json") or "{}"
    )
    installed_from = Path(unquote(urlparse(direct_url.get("url", "")).path))
    assert installed_from.resolve() == ROOT.resolve(), (
        f"reformctl here was installed from {direct_url}, not {ROOT}"
    )
