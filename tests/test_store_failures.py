"""A read-only store, a full disk and a store locked by another process: one clear line, nothing lost."""

import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

import reformctl.store.db as db

WRITE = (
    "log-finding",
    "--site",
    "north-miami",
    "--focus-area",
    "1",
    "--title",
    "Written under pressure",
    "--body",
    "A body long enough to need fresh pages in the store. " * 400,
)


def test_read_only_store(north_miami, monkeypatch):
    if os.geteuid() != 0:
        north_miami.db.chmod(0o444)
    else:  # root writes through file permissions; open the file read-only as SQLite would find it
        connect = db._connect

        def read_only(path):
            conn = connect(path)
            conn.close()
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            conn.row_factory = sqlite3.Row
            return conn

        monkeypatch.setattr(db, "_connect", read_only)
    north_miami.fails(*WRITE, says="read-only")
    assert north_miami.json("show", "--site", "north-miami")["engagement"]["site"] == "north-miami"


def test_full_disk(north_miami, monkeypatch):
    connect = db._connect

    def full(path):
        conn = connect(path)
        # The store may not grow by a single page: what a full disk looks like to SQLite.
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(db, "_connect", full)
    north_miami.fails(*WRITE, says="full")
    monkeypatch.setattr(db, "_connect", connect)
    assert north_miami.ok(*WRITE).strip() == "1.1"  # with room again, the same command works


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO events (at, actor, record_type, record_id, action) VALUES ('x', 'holder', 't', 'r', 'a')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK" if sys.argv[2] == "rollback" else "COMMIT")
"""


def hold_lock(path, end="rollback"):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), end],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def release(proc):
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=30)


def test_locked_store_gives_up_after_the_busy_timeout(north_miami, monkeypatch):
    monkeypatch.setenv("REFORMCTL_BUSY_TIMEOUT_MS", "200")
    holder = hold_lock(north_miami.db)
    try:
        started = time.monotonic()
        north_miami.fails(*WRITE, says="locked by another process")
        assert time.monotonic() - started >= 0.2
    finally:
        release(holder)
    assert north_miami.ok(*WRITE).strip() == "1.1"


def test_locked_store_waits_for_the_other_process(north_miami, monkeypatch):
    monkeypatch.setenv("REFORMCTL_BUSY_TIMEOUT_MS", "20000")
    holder = hold_lock(north_miami.db, end="commit")
    timer = threading.Timer(0.5, release, [holder])
    timer.start()
    try:
        assert north_miami.ok(*WRITE).strip() == "1.1"
    finally:
        timer.join()
    conn = sqlite3.connect(north_miami.db)
    try:  # both writes are there: the holder's and ours
        assert conn.execute("SELECT COUNT(*) FROM events WHERE actor = 'holder'").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 1
    finally:
        conn.close()


@pytest.mark.parametrize("value", ["soon", "1.5s"])
def test_a_bad_busy_timeout_is_one_clear_line(north_miami, monkeypatch, value):
    monkeypatch.setenv("REFORMCTL_BUSY_TIMEOUT_MS", value)
    north_miami.fails("show", "--site", "north-miami", says="REFORMCTL_BUSY_TIMEOUT_MS")
