"""`restore` refuses a backup that SQLite's integrity check fails, even one that still reads fine."""

import sqlite3

from helpers import dump

SITE = "brightwater-demo"


def corrupt_an_index(path):
    """Point an index's definition at another column: every query still works, but the index no
    longer matches its table, which only PRAGMA integrity_check notices."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    changed = conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX findings_engagement ON findings (engagement_id, focus_area_id, title)' "
        "WHERE name = 'findings_engagement'"
    ).rowcount
    conn.commit()
    conn.close()
    assert changed == 1, "the store has no index findings_engagement to corrupt; update this test"


def test_a_backup_with_a_corrupted_index_is_not_restored(demo, tmp_path):
    copy = tmp_path / "copy.db"
    demo.ok("backup", copy)
    corrupt_an_index(copy)
    conn = sqlite3.connect(copy)
    # Corrupt but readable: the table reads back whole, and only the integrity check objects.
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 17
    first_problem = conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert first_problem != "ok"
    conn.close()
    demo.ok(
        "log-finding", "--site", SITE, "--focus-area", "1", "--title", "Logged after the backup"
    )
    before = demo.json("findings", "--site", SITE)
    assert demo.fails("restore", copy, "--force") == (
        f"error: {copy} fails SQLite's integrity check ({first_problem}); it was not restored"
    )
    assert demo.json("findings", "--site", SITE) == before
    # Not into an empty place either.
    fresh = tmp_path / "fresh.db"
    demo.fails("--db", fresh, "restore", copy, says="integrity check")
    assert dump(fresh) == []
