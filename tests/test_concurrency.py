"""Four processes logging findings into the same focus area at once: every one lands, numbered 1..400."""

import os
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # writers in separate processes

PER_PROCESS = 100
PROCESSES = 4

# Each process calls the CLI app 100 times in-process, exactly as the console script
# would (opening and closing the store each time), and stops at the first failure.
DRIVER = """
import sys
import reformctl.cli
from reformctl.cli import app
worker, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    try:
        app(["log-finding", "--site", "north-miami", "--focus-area", "technology",
             "--title", f"Finding {i} from worker {worker}"], prog_name="reformctl", standalone_mode=False)
    except BaseException as exc:
        print(f"worker {worker} call {i}: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
"""


def test_four_writers_number_without_duplicates_or_gaps(north_miami, isolated):
    env = {**os.environ}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(w), str(PER_PROCESS)],
            env=env,
            cwd=isolated,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(PROCESSES)
    ]
    errors = [p.communicate(timeout=240)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * PROCESSES, "\n".join(errors)
    assert not any("locked" in e.lower() for e in errors), errors

    conn = sqlite3.connect(north_miami.db)
    try:
        numbers = [
            row[0]
            for row in conn.execute(
                "SELECT f.number FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id "
                "WHERE fa.slug = 'technology' ORDER BY f.number"
            )
        ]
        titles = {row[0] for row in conn.execute("SELECT title FROM findings")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert numbers == list(range(1, PROCESSES * PER_PROCESS + 1))
    assert titles == {
        f"Finding {i} from worker {w}" for i in range(PER_PROCESS) for w in range(PROCESSES)
    }
    refs = north_miami.json("findings", "--site", "north-miami", "--focus-area", "3")
    assert [f["number"] for f in refs] == [f"3.{n}" for n in range(1, 401)]
