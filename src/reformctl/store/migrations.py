"""The schema, as an ordered list of migrations. Applied migrations are never edited: add a new one.

Each migration runs inside one transaction together with its record in
_sqlite_migrations (sqlite_utils.Migrations), and the whole upgrade runs under
BEGIN IMMEDIATE so that two processes opening a new store do not both migrate.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

from reformctl.store.db import SCHEMA_VERSION
from reformctl.store.schema_core import core_statements, review_and_releases_statements

migrations = Migrations("reformctl")


def _run(db: Database, statements: list[str]) -> None:
    # One statement at a time: executescript() would COMMIT the migration's transaction.
    for statement in statements:
        db.execute(statement)


def _no_delete(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'reformctl never deletes from {table}; withdraw the record instead'); END"
    )


def _fts(table: str, columns: list[str]) -> list[str]:
    """An external-content FTS5 table over TABLE keyed by its rowid, with the triggers that keep it
    in step (what sqlite-utils' enable_fts writes, but statement by statement: its executescript()
    would commit the migration's transaction half way)."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING FTS5 ({cols}, tokenize='porter', content=[{table}])",
        f"INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM {table}",
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new}); END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new}); END",
    ]


@migrations()
def m001_core(db: Database) -> None:
    """Engagements, focus areas, findings, recommendations, dated statuses and the audit trail
    (store/schema_core.py holds the statements)."""
    _run(db, core_statements(_no_delete))


@migrations()
def m002_review_and_releases(db: Database) -> None:
    """Review history, internal notes, protected names and frozen public releases
    (store/schema_core.py holds the statements)."""
    _run(db, review_and_releases_statements(_no_delete))


@migrations()
def m003_approved_versions(db: Database) -> None:
    """Approved versions of records, and published numbers frozen by the store itself."""
    _run(
        db,
        [
            # What the public sees of a record is the version last approved: an edit goes back
            # through review while the approved wording stays public, and a report as of a past
            # date shows the wording approved then.
            """CREATE TABLE approved_versions (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                record_type TEXT NOT NULL CHECK (record_type IN ('finding', 'recommendation')),
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
            "CREATE INDEX approved_versions_record ON approved_versions (record_id, on_date)",
            # Records approved before this migration: their current wording, as of their last approval.
            """INSERT INTO approved_versions (id, engagement_id, record_type, record_id, on_date, at, actor, title, body)
               SELECT lower(hex(randomblob(16))), f.engagement_id, 'finding', f.id, rh.on_date, rh.at, rh.actor, f.title, f.body
               FROM findings f JOIN review_history rh ON rh.rowid = (
                   SELECT h.rowid FROM review_history h WHERE h.record_id = f.id AND h.review = 'approved'
                   ORDER BY h.on_date DESC, h.rowid DESC LIMIT 1)""",
            """INSERT INTO approved_versions (id, engagement_id, record_type, record_id, on_date, at, actor,
                                              text, priority, owner, due)
               SELECT lower(hex(randomblob(16))), r.engagement_id, 'recommendation', r.id, rh.on_date, rh.at, rh.actor,
                      r.text, r.priority, r.owner, r.due
               FROM recommendations r JOIN review_history rh ON rh.rowid = (
                   SELECT h.rowid FROM review_history h WHERE h.record_id = r.id AND h.review = 'approved'
                   ORDER BY h.on_date DESC, h.rowid DESC LIMIT 1)""",
            _no_delete("approved_versions"),
            "CREATE TRIGGER approved_versions_frozen BEFORE UPDATE ON approved_versions "
            "BEGIN SELECT RAISE(ABORT, 'an approved version never changes'); END",
            # A published number never changes (drafts may be renumbered, e.g. by a merge).
            "CREATE TRIGGER findings_published_number BEFORE UPDATE OF number, focus_area_id ON findings "
            "WHEN EXISTS (SELECT 1 FROM release_items WHERE record_id = OLD.id) "
            "BEGIN SELECT RAISE(ABORT, 'a published finding keeps its number'); END",
            "CREATE TRIGGER recommendations_published_number BEFORE UPDATE OF number, finding_id ON recommendations "
            "WHEN EXISTS (SELECT 1 FROM release_items WHERE record_id = OLD.id) "
            "BEGIN SELECT RAISE(ABORT, 'a published recommendation keeps its number'); END",
        ],
    )


@migrations()
def m004_field_work(db: Database) -> None:
    """The team, its data-collection activities, who took part, and which activities back which finding."""
    _run(
        db,
        [
            """CREATE TABLE team_members (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                expertise TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (engagement_id, name)
            )""",
            """CREATE TABLE activities (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                method TEXT NOT NULL,
                dated TEXT NOT NULL,
                participants INTEGER,
                summary TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX activities_engagement ON activities (engagement_id, dated)",
            """CREATE TABLE activity_team (
                activity_id TEXT NOT NULL REFERENCES activities(id),
                member_id TEXT NOT NULL REFERENCES team_members(id),
                PRIMARY KEY (activity_id, member_id)
            )""",
            """CREATE TABLE finding_evidence (
                finding_id TEXT NOT NULL REFERENCES findings(id),
                activity_id TEXT NOT NULL REFERENCES activities(id),
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                PRIMARY KEY (finding_id, activity_id)
            )""",
            "CREATE INDEX finding_evidence_activity ON finding_evidence (activity_id)",
            _no_delete("team_members"),
            _no_delete("activities"),
            _no_delete("activity_team"),
            _no_delete("finding_evidence"),
        ],
    )


@migrations()
def m005_search(db: Database) -> None:
    """Full-text search (FTS5) over findings, recommendations, notes and activities, kept in step by triggers."""
    _run(
        db,
        _fts("findings", ["title", "body"])
        + _fts("recommendations", ["text", "owner"])
        + _fts("notes", ["text"])
        + _fts("activities", ["summary"]),
    )


@migrations()
def m006_sync(db: Database) -> None:
    """Offline work: each record's last-synced version (the merge base) and merge conflicts awaiting a person."""
    _run(
        db,
        [
            # Bookkeeping, not the record. base: the version last agreed with the other side (set on
            # import, on merge, and on first export); exported: what this store last wrote to a bundle.
            """CREATE TABLE sync_base (
                record_id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                record_type TEXT NOT NULL,
                base TEXT,
                exported TEXT
            )""",
            "CREATE INDEX sync_base_engagement ON sync_base (engagement_id)",
            """CREATE TABLE merge_conflicts (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                field TEXT NOT NULL,
                ours TEXT,
                theirs TEXT,
                base TEXT,
                source TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                resolved_at TEXT,
                resolved_by TEXT,
                resolution TEXT CHECK (resolution IN ('ours', 'theirs'))
            )""",
            "CREATE INDEX merge_conflicts_open ON merge_conflicts (engagement_id, resolved_at, record_id)",
            _no_delete("merge_conflicts"),
        ],
    )


_INDEXED = {
    "findings": ["title", "body"],
    "recommendations": ["text", "owner"],
    "notes": ["text"],
    "activities": ["summary"],
}


@migrations()
def m007_search_by_engagement(db: Database) -> None:
    """The full-text indexes also index each record's engagement_id, so that `search --site` can put
    the engagement into the MATCH expression: FTS5 then intersects the query with that engagement's
    short list of rows instead of the search joining every record of the engagement to the index
    (which re-ran the whole query, and bm25's whole-index statistics, once per record)."""
    statements = []
    for table, columns in _INDEXED.items():
        statements += [f"DROP TRIGGER {table}_{suffix}" for suffix in ("ai", "ad", "au")]
        statements.append(f"DROP TABLE {table}_fts")
        statements += _fts(
            table, [*columns, "engagement_id"]
        )  # creates, fills from the table, re-adds triggers
    _run(db, statements)


# The latest status update of one recommendation (ties go to the update recorded last), as
# current_statuses holds it; {id} is the recommendation's id. Part of m008's triggers: like the
# migration, never edit it (a later change belongs in a new migration that re-creates them).
_LATEST = """SELECT r.rowid, su.status, su.as_of FROM recommendations r
    JOIN status_updates su ON su.recommendation_id = r.id
    WHERE r.id = {id} ORDER BY su.as_of DESC, su.rowid DESC LIMIT 1"""


@migrations()
def m008_current_statuses(db: Database) -> None:
    """Each recommendation's latest status, kept current by triggers, and two covering indexes, so that
    the dashboard across a thousand engagements reads one small row per recommendation instead of
    searching its history.

    Derived data, not the record: status_updates stays the truth, and a status as of an earlier
    date is still read from the history. Keyed by the recommendation's rowid, as the full-text
    indexes are (reformctl never deletes, so rowids do not move), because an integer join is what
    makes the dashboard fast; the triggers recompute a recommendation's row from its history, so
    inserts, merges that edit an update's date or status, and out-of-order dates all stay right."""
    _run(
        db,
        [
            """CREATE TABLE current_statuses (
                recommendation INTEGER PRIMARY KEY,  -- recommendations.rowid
                status TEXT NOT NULL,
                as_of TEXT NOT NULL
            )""",
            """INSERT INTO current_statuses (recommendation, status, as_of)
                SELECT rowid, status, as_of FROM (
                    SELECT r.rowid, su.status, su.as_of, row_number() OVER (
                        PARTITION BY su.recommendation_id ORDER BY su.as_of DESC, su.rowid DESC) AS k
                    FROM status_updates su JOIN recommendations r ON r.id = su.recommendation_id
                ) WHERE k = 1""",
            f"""CREATE TRIGGER status_updates_current_ai AFTER INSERT ON status_updates BEGIN
                INSERT OR REPLACE INTO current_statuses (recommendation, status, as_of)
                {_LATEST.format(id="new.recommendation_id")}; END""",
            f"""CREATE TRIGGER status_updates_current_au
                AFTER UPDATE OF recommendation_id, status, as_of ON status_updates BEGIN
                DELETE FROM current_statuses
                    WHERE recommendation IN (SELECT rowid FROM recommendations WHERE id IN (old.recommendation_id, new.recommendation_id));
                INSERT OR REPLACE INTO current_statuses (recommendation, status, as_of)
                {_LATEST.format(id="old.recommendation_id")};
                INSERT OR REPLACE INTO current_statuses (recommendation, status, as_of)
                {_LATEST.format(id="new.recommendation_id")}; END""",
            # The dashboard walks every focus area's findings and their recommendations in index
            # order; these two indexes hold all it reads, so it never touches the records' text.
            "CREATE INDEX findings_focus_area_review ON findings (focus_area_id, review, id)",
            "CREATE INDEX recommendations_finding_review ON recommendations (finding_id, review, dated)",
        ],
    )


@migrations()
def m009_releases(db: Database) -> None:
    """The SHA-256 of each release's manifest.json as published, so that `verify` notices an edited
    manifest. A table of its own rather than a column of releases: bundles carry releases column by
    column, and a release published before this migration simply has no row here."""
    _run(
        db,
        [
            """CREATE TABLE release_manifests (
                release_id TEXT PRIMARY KEY REFERENCES releases(id),
                sha256 TEXT NOT NULL
            )""",
            _no_delete("release_manifests"),
            "CREATE TRIGGER release_manifests_frozen BEFORE UPDATE ON release_manifests "
            "BEGIN SELECT RAISE(ABORT, 'a published release never changes'); END",
        ],
    )


@migrations()
def m010_bundles(db: Database) -> None:
    """Changes of a record's internal flag, dated, so that a report as of an earlier date shows the
    flag as it stood then (a finding made public today was internal in every earlier report).

    Only changes are written, each with the value it replaced: a record with no row has always had
    its current flag, so creating records, however many a bulk import makes, costs nothing here."""
    _run(
        db,
        [
            """CREATE TABLE internal_history (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                record_type TEXT NOT NULL CHECK (record_type IN ('finding', 'recommendation')),
                record_id TEXT NOT NULL,
                was INTEGER NOT NULL CHECK (was IN (0, 1)),
                internal INTEGER NOT NULL CHECK (internal IN (0, 1)),
                on_date TEXT NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL
            )""",
            "CREATE INDEX internal_history_record ON internal_history (record_id, on_date)",
            _no_delete("internal_history"),
            "CREATE TRIGGER internal_history_append_only BEFORE UPDATE ON internal_history "
            "BEGIN SELECT RAISE(ABORT, 'the internal flag history is append-only'); END",
        ],
    )


@migrations()
def m011_sections(db: Database) -> None:
    """The report's narrative sections (executive summary, methodology, each focus area's discussion,
    appendices...), one per NAME and engagement, reviewed and versioned like findings: their
    review history and approved wording live in the same two tables, which now accept 'section'
    (store/schema_sections.py holds the statements)."""
    from reformctl.store.schema_sections import sections_statements

    _run(db, sections_statements(db, _no_delete, _fts))


@migrations()
def m012_check_terms(db: Database) -> None:
    """Words the pre-publication check reads per engagement: its aliases (other names a writer uses
    for the agency, flagged in every other engagement's public text) and terms allowed in its own
    text (a shared initialism that is not a copy mistake). Added, never removed."""
    _run(
        db,
        [
            """CREATE TABLE check_terms (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                kind TEXT NOT NULL CHECK (kind IN ('alias', 'allow')),
                term TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (engagement_id, kind, term)
            )""",
            _no_delete("check_terms"),
        ],
    )


@migrations()
def m013_published_files(db: Database) -> None:
    """The bytes of every published file, content-addressed, for the public site
    (store/schema_site.py holds the statements)."""
    from reformctl.store.schema_site import published_files_statements

    _run(db, published_files_statements(_no_delete))


def migrate(conn: sqlite3.Connection) -> None:
    """Apply every pending migration, all under one write lock."""
    db = Database(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            migrations.apply(db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
