"""A skip is listed locally and is a failure in CI, where .ci/run installs everything tests need."""

import os
import subprocess
import sys

import pytest

from helpers import ROOT

pytestmark = pytest.mark.slow  # pytest run again in a subprocess

PROBE = "tests/probes/skip_probe.py"


def run_probe(ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skip_fails_in_ci():
    result = run_probe("true")
    assert result.returncode == 1, result.stdout
    assert (
        "skipped in CI, where nothing may be skipped: the probe's tool is not installed"
        in result.stdout
    )
    assert "1 failed" in result.stdout


def test_a_skip_is_listed_locally():
    for ci in (None, "false"):
        result = run_probe(ci)
        assert result.returncode == 0, result.stdout
        # -rs in addopts: the skip is listed with its reason, not only counted.
        assert "SKIPPED [1] tests/probes/skip_probe.py:" in result.stdout
        assert "the probe's tool is not installed" in result.stdout and "1 skipped" in result.stdout
