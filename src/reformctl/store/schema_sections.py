"""The statements of migration m011 (store/migrations.py): narrative sections.

Like every applied migration, never edit them: a later change belongs in a new migration.
"""

from __future__ import annotations

from typing import Callable

from sqlite_utils import Database

# The two histories whose CHECK named the reviewed record types, as m002/m003 made them, with
# 'section' added. SQLite cannot change a CHECK in place: m011 copies each table into its new
# shape (rowids kept, since ties on a date go to the later rowid) and re-creates what hung on it.
_REVIEWED = "('finding', 'recommendation', 'section')"
_HISTORIES = {
    "review_history": f"""CREATE TABLE review_history_new (
            id TEXT PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            record_type TEXT NOT NULL CHECK (record_type IN {_REVIEWED}),
            record_id TEXT NOT NULL,
            review TEXT NOT NULL CHECK (review IN ('draft', 'in-review', 'approved', 'withdrawn')),
            on_date TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            comment TEXT
        )""",
    "approved_versions": f"""CREATE TABLE approved_versions_new (
            id TEXT PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            record_type TEXT NOT NULL CHECK (record_type IN {_REVIEWED}),
            record_id TEXT NOT NULL,
            on_date TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            title TEXT,
            body TEXT,
            text TEXT,
            priority TEXT,
            owner TEXT,
            due TEXT
        )""",
}


def sections_statements(
    db: Database, no_delete: Callable[[str], str], fts: Callable[[str, list[str]], list[str]]
) -> list[str]:
    """m011's statements in order: the sections table, its index, then the two rebuilt histories."""
    statements = [
        """CREATE TABLE sections (
            id TEXT PRIMARY KEY,
            engagement_id TEXT NOT NULL REFERENCES engagements(id),
            name TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            review TEXT NOT NULL DEFAULT 'draft',
            dated TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            UNIQUE (engagement_id, name)
        )""",
        no_delete("sections"),
        # A section's name says where it prints, as a number does for a finding: it never changes.
        "CREATE TRIGGER sections_name_fixed BEFORE UPDATE OF name, engagement_id ON sections "
        "BEGIN SELECT RAISE(ABORT, 'a section keeps its name'); END",
        *fts("sections", ["title", "body", "engagement_id"]),
    ]
    after = {
        "review_history": [
            "CREATE INDEX review_history_record ON review_history (record_id, on_date)",
            no_delete("review_history"),
        ],
        "approved_versions": [
            "CREATE INDEX approved_versions_record ON approved_versions (record_id, on_date)",
            no_delete("approved_versions"),
            "CREATE TRIGGER approved_versions_frozen BEFORE UPDATE ON approved_versions "
            "BEGIN SELECT RAISE(ABORT, 'an approved version never changes'); END",
        ],
    }
    for table, create in _HISTORIES.items():
        columns = ", ".join(row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall())
        statements += [
            create,
            f"INSERT INTO {table}_new (rowid, {columns}) SELECT rowid, {columns} FROM {table}",
            f"DROP TABLE {table}",  # its triggers and index go with it (DROP fires no DELETE trigger)
            f"ALTER TABLE {table}_new RENAME TO {table}",
            *after[table],
        ]
    return statements
