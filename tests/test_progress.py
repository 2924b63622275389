"""Long renders show their stage on stderr at a terminal, and nothing when piped."""

import os
import pty
import subprocess

import pytest

from test_console_script import NOT_INSTALLED, SCRIPT

SITE = ("--site", "brightwater-demo")


def run_with_terminal_stderr(*args) -> tuple[int, str]:
    """Run the console script with stderr on a pseudo-terminal; return its exit code and what it showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [SCRIPT, *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return proc.wait(), shown.decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.is_file(), reason=NOT_INSTALLED)
def test_pdf_and_publish_show_their_stages_at_a_terminal(demo, isolated):
    code, shown = run_with_terminal_stderr(
        "report", *SITE, "--kind", "assessment", "--output", isolated / "a.pdf"
    )
    assert code == 0, shown
    assert "Building the assessment report of brightwater-demo" in shown
    assert "Laying out the PDF report" in shown
    assert (isolated / "a.pdf").read_bytes().startswith(b"%PDF")

    code, shown = run_with_terminal_stderr("publish", *SITE, "--output", isolated / "rel")
    assert code == 0, shown
    # Every stage is drawn when it starts, however quick.
    for ext in ("html", "xlsx", "pdf", "docx"):
        assert f"Writing release 1 of brightwater-demo: {ext}" in shown, shown


def test_nothing_but_the_result_line_when_piped(demo, isolated):
    result = demo("report", *SITE, "--kind", "assessment", "--output", isolated / "a.docx")
    assert result.exit_code == 0, result.output
    assert "Laying out" not in result.stderr and "Building" not in result.stderr
    assert result.stderr.strip().startswith(
        "Wrote the public assessment docx report of brightwater-demo"
    )
