"""Backups with SQLite's online backup API, checked restores, and full-text search."""

import sqlite3
import subprocess
import sys
import time

import pytest

from test_restore_integrity import corrupt_an_index

SITE = "brightwater-demo"


def test_backup_then_restore_round_trip(demo, tmp_path):
    copy = tmp_path / "copy.db"
    assert demo.json("backup", copy)["path"] == str(copy)
    assert not (tmp_path / "copy.db-wal").exists()
    before = demo.json("findings", "--site", SITE)
    demo.ok("log-finding", "--site", SITE, "--focus-area", "1", "--title", "Added after the backup")
    demo.ok("restore", copy, "--force")
    assert demo.json("findings", "--site", SITE) == before


def test_restore_into_an_empty_place(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    fresh = tmp_path / "fresh.db"
    demo.ok("--db", fresh, "restore", copy)
    assert [e["site"] for e in demo.json("--db", fresh, "engagements")] == [SITE]


def test_backup_refusals(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    demo.fails("backup", copy, says="already exists")
    demo.fails("backup", tmp_path / "no" / "such.db", says="does not exist")
    demo.ok("backup", copy, "--force")


def test_restore_refusals(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    demo.fails("restore", copy, says="--force")
    demo.fails("restore", tmp_path / "missing.db", "--force", says="no such backup")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    demo.fails(
        "restore",
        junk,
        "--force",
        says="not a reformctl store, or it is damaged (file is not a database)",
    )
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    demo.fails("restore", other, "--force", says="is a SQLite database but not a reformctl store")
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(copy.read_bytes()[: len(copy.read_bytes()) // 3])
    demo.fails(
        "restore", truncated, "--force", says="or it is damaged (database disk image is malformed)"
    )
    # Corrupt but readable: every query works, only the integrity check sees the broken index.
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(copy.read_bytes())
    corrupt_an_index(corrupt)
    demo.fails(
        "restore",
        corrupt,
        "--force",
        says="fails SQLite's integrity check (row 1 missing from index",
    )


WRITER = """
import sys, time
from reformctl.store import open_store
from reformctl.model.engagements import get_engagement
from reformctl.model.fieldwork import log_activity
store = open_store(sys.argv[1])
e = get_engagement(store, "brightwater-demo")
print("ready", flush=True)
end = time.time() + 1.5
while time.time() < end:
    log_activity(store, e, "interview", "2025-01-01", "writer", summary="x" * 2000)
"""


def test_backup_is_consistent_while_another_process_writes(demo, tmp_path):
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "test.db")], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(0.2)
    copies = []
    for i in range(3):
        copy = tmp_path / f"during-{i}.db"
        demo.ok("backup", copy)
        copies.append(copy)
    writer.wait(timeout=30)
    for copy in copies:
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Every activity in the copy has its FTS row and its audit event: a snapshot, not a torn copy.
        n = conn.execute("SELECT COUNT(*) FROM activities").fetchone()[0]
        assert (
            n
            == conn.execute(
                "SELECT COUNT(*) FROM events WHERE record_type = 'activity'"
            ).fetchone()[0]
        )
        conn.close()


def test_search_finds_ranks_and_highlights(demo):
    demo.ok(
        "activity",
        "--site",
        SITE,
        "--method",
        "interview",
        "--date",
        "2025-03-01",
        "--summary",
        "Patrol officers described body camera retention problems",
    )
    demo.ok("note", "--site", SITE, "1.1.1", "Ask about the camera vendor contract")
    rows = demo.json("search", "camera")
    kinds = {r["kind"] for r in rows}
    assert kinds == {"finding", "recommendation", "activity", "note"}
    assert [r["ref"] for r in rows if r["kind"] == "note"] == ["1.1.1"]
    assert all("**camera" in (r["text"] or "") + (r["title"] or "") for r in rows)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert demo.json("search", "camera", "--site", SITE) == rows
    # The table lists the same matches in the same order: one line per match starting site, kind, ref.
    table = [
        line.split()[:3]
        for line in demo.ok("search", "camera").splitlines()[2:]
        if line.startswith(SITE)
    ]
    assert [t[:2] for t in table] == [[SITE, r["kind"]] for r in rows]
    assert [t[2] for t, r in zip(table, rows, strict=False) if r["ref"]] == [
        r["ref"] for r in rows if r["ref"]
    ]
    assert demo.json("search", "zzzqqq") == []


def test_search_follows_edits_through_triggers(demo, tmp_path):
    demo.ok(
        "log-finding", "--site", SITE, "--focus-area", "2", "--title", "Xylophone storage is unsafe"
    )
    assert [r["ref"] for r in demo.json("search", "xylophone")] == ["2.5"]
    conn = sqlite3.connect(tmp_path / "test.db")
    conn.execute("UPDATE findings SET title = 'Marimba storage' WHERE title LIKE 'Xylophone%'")
    conn.commit()
    conn.close()
    assert demo.json("search", "xylophone") == []
    assert [r["ref"] for r in demo.json("search", "marimba")] == ["2.5"]


@pytest.mark.parametrize("query", ['"unterminated', "AND", "foo:bar", "(", "   "])
def test_bad_search_syntax_is_one_line(demo, query):
    demo.fails("search", query, says="search")


def test_search_unknown_site(demo):
    demo.fails("search", "camera", "--site", "nowhere", says="no engagement")


def test_search_site_matches_only_that_engagement(demo, north_miami):
    north_miami.ok(
        "log-finding",
        "--site",
        "north-miami",
        "--focus-area",
        "1",
        "--title",
        "The camera policy has no training plan",
    )
    everywhere = demo.json("search", "policy OR camera OR training", "--limit", "1000")
    assert {r["site"] for r in everywhere} == {SITE, "north-miami"}
    for site in (SITE, "north-miami"):
        here = demo.json(
            "search", "policy OR camera OR training", "--site", site, "--limit", "1000"
        )
        assert here == [r for r in everywhere if r["site"] == site]


def test_search_does_not_match_engagement_ids(demo, tmp_path):
    # The index holds each record's engagement_id (for --site); its pieces are not words to find.
    conn = sqlite3.connect(tmp_path / "test.db")
    eid = conn.execute("SELECT id FROM engagements WHERE site = ?", (SITE,)).fetchone()[0]
    conn.close()
    for piece in eid.split("-"):
        assert demo.json("search", f'"{piece}"') == []
    found = demo.json("search", "camera", "--site", SITE)
    assert len(found) >= 2 and all(eid not in (r["text"] or "") for r in found)


def test_search_refuses_unbalanced_parentheses(demo):
    # The query is placed inside parentheses of our own: a stray ")" must not escape them.
    demo.fails("search", "zzz) OR (camera", "--site", SITE, says="unbalanced parentheses")
    demo.fails("search", "camera)", says="unbalanced parentheses")
    assert demo.json("search", '"camera)" OR (camera)', "--site", SITE)


def test_search_site_after_upgrading_an_older_store(cli, tmp_path):
    # m007 rebuilt the index with the engagement column from the records already there.
    import shutil
    from pathlib import Path

    store = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-2.db", store)
    everywhere = cli.json("--db", store, "search", "camera OR policy", "--limit", "1000")
    here = cli.json("--db", store, "search", "camera OR policy", "--site", SITE, "--limit", "1000")
    assert here and here == [r for r in everywhere if r["site"] == SITE]
