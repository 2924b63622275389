"""The store: one way in, migrations on open, pragmas, and nothing ever deleted."""

import sqlite3

import pytest

from reformctl.errors import StoreError
from reformctl.store import open_store
from reformctl.store.db import SCHEMA_VERSION
from reformctl.store.migrations import migrations


def test_schema_version_counts_the_migrations():
    assert SCHEMA_VERSION == len(migrations._migrations)


def test_blank_store_is_migrated_with_every_table(tmp_path):
    store = open_store(tmp_path / "s.db")
    tables = {r["name"] for r in store.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "engagements",
        "focus_areas",
        "findings",
        "recommendations",
        "status_updates",
        "events",
        "_sqlite_migrations",
    } <= tables
    applied = [r["name"] for r in store.rows("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == [m.name for m in migrations._migrations]
    assert store.value("PRAGMA user_version") == SCHEMA_VERSION


def test_pragmas_on_open(tmp_path):
    store = open_store(tmp_path / "s.db")
    assert store.value("PRAGMA foreign_keys") == 1
    assert store.value("PRAGMA journal_mode") == "wal"
    assert store.value("PRAGMA busy_timeout") >= 5000


def test_reopening_does_not_migrate_again(tmp_path):
    open_store(tmp_path / "s.db").close()
    store = open_store(tmp_path / "s.db")
    assert store.value("SELECT COUNT(*) FROM _sqlite_migrations") == SCHEMA_VERSION


def test_store_from_a_newer_reformctl_is_refused(tmp_path):
    path = tmp_path / "s.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer reformctl"):
        open_store(path)


def test_not_a_database(cli, isolated):
    (isolated / "test.db").write_text("this is not sqlite " * 100)
    cli.fails("engagements", says="not a reformctl store")


def test_missing_folder_is_one_clear_line(cli):
    cli.fails(
        "--db",
        "no/such/folder/x.db",
        "new-engagement",
        "--site",
        "x",
        "--agency",
        "X",
        "--focus-area",
        "A",
        says="does not exist",
    )


def test_records_cannot_be_deleted(north_miami, isolated):
    conn = sqlite3.connect(isolated / "test.db")
    for table in ("engagements", "focus_areas", "events"):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(f"DELETE FROM {table}")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE events SET actor = 'someone else'")


def test_a_failed_write_leaves_nothing(tmp_path):
    store = open_store(tmp_path / "s.db")
    with pytest.raises(RuntimeError):
        with store.write():
            store.execute(
                "INSERT INTO events (at, actor, record_type, record_id, action) VALUES ('t', 'a', 'x', 'y', 'z')"
            )
            raise RuntimeError("boom")
    assert store.value("SELECT COUNT(*) FROM events") == 0


def test_a_store_from_before_field_work_is_upgraded_and_indexed(tmp_path):
    """A store written at schema 3 (review workflow and approved versions) gains the field-work tables and a search
    index that already holds its old findings, recommendations and notes."""
    from sqlite_utils import Database

    from reformctl.model.confidential import add_note
    from reformctl.model.engagements import EngagementSpec, create_engagement
    from reformctl.model.findings import log_finding
    from reformctl.model.recommendations import recommend
    from reformctl.model.search import search
    from reformctl.store.db import Store

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    migrations.apply(Database(conn), stop_before="m004_field_work")
    conn.execute("PRAGMA user_version = 3")
    old = Store(conn, path)
    e = create_engagement(
        old, EngagementSpec(site="old", agency="Old PD", focus_areas=["Training"]), "ann"
    )
    log_finding(
        old, e, "1", "Lesson plans are outdated", "The academy syllabus dates from 2009.", "ann"
    )
    recommend(old, e, "1.1", "Rewrite the academy syllabus.", "ann")
    add_note(old, e, "1.1", "Ask about the syllabus budget", "ann")
    conn.close()
    store = open_store(path)
    assert store.value("PRAGMA user_version") == SCHEMA_VERSION
    kinds = sorted(r["kind"] for r in search(store, "syllabus"))
    assert kinds == ["finding", "note", "recommendation"]
