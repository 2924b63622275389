"""The statements of migrations m001 and m002 (store/migrations.py): the core records, then review,
notes, protected names and releases.

Like every applied migration, never edit them: a store upgraded from any earlier version must end
with the same schema, byte for byte, as a new one. A later change belongs in a new migration.
"""

from __future__ import annotations

from typing import Callable

# m001: engagements, focus areas, findings, recommendations, dated statuses and the audit trail.
ENGAGEMENTS = """CREATE TABLE engagements (
                id TEXT PRIMARY KEY,
                site TEXT NOT NULL UNIQUE,
                agency TEXT NOT NULL,
                city TEXT,
                state TEXT,
                program TEXT NOT NULL,
                announced TEXT,
                public_url TEXT,
                phase TEXT NOT NULL DEFAULT 'assessment',
                self_approval INTEGER NOT NULL DEFAULT 0,
                next_update TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )"""

FOCUS_AREAS = """CREATE TABLE focus_areas (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                number INTEGER NOT NULL,
                title TEXT NOT NULL,
                slug TEXT NOT NULL,
                UNIQUE (engagement_id, number),
                UNIQUE (engagement_id, slug)
            )"""

FINDINGS = """CREATE TABLE findings (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                focus_area_id TEXT NOT NULL REFERENCES focus_areas(id),
                number INTEGER NOT NULL,
                title TEXT NOT NULL,
                body TEXT NOT NULL DEFAULT '',
                methods TEXT NOT NULL DEFAULT '[]',
                internal INTEGER NOT NULL DEFAULT 0,
                review TEXT NOT NULL DEFAULT 'draft',
                dated TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (focus_area_id, number)
            )"""

RECOMMENDATIONS = """CREATE TABLE recommendations (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                finding_id TEXT NOT NULL REFERENCES findings(id),
                number INTEGER NOT NULL,
                text TEXT NOT NULL,
                priority TEXT,
                owner TEXT,
                due TEXT,
                internal INTEGER NOT NULL DEFAULT 0,
                review TEXT NOT NULL DEFAULT 'draft',
                dated TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (finding_id, number)
            )"""

STATUS_UPDATES = """CREATE TABLE status_updates (
                id TEXT PRIMARY KEY,
                recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
                status TEXT NOT NULL CHECK (status IN
                    ('not-started', 'in-progress', 'partially-complete', 'complete')),
                as_of TEXT NOT NULL,
                note TEXT,
                reason TEXT,
                evidence TEXT,
                recorded_at TEXT NOT NULL,
                recorded_by TEXT NOT NULL
            )"""

EVENTS = """CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                engagement_id TEXT REFERENCES engagements(id),
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                ref TEXT,
                action TEXT NOT NULL,
                before TEXT,
                after TEXT
            )"""

APPEND_ONLY_EVENTS = [
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
]

# m002. The review state as a dated history, like statuses, so a report as of a past date holds
# exactly what was approved then. findings.review / recommendations.review keep the current state
# for quick filtering.
REVIEW_HISTORY = """CREATE TABLE review_history (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                record_type TEXT NOT NULL CHECK (record_type IN ('finding', 'recommendation')),
                record_id TEXT NOT NULL,
                review TEXT NOT NULL CHECK (review IN ('draft', 'in-review', 'approved', 'withdrawn')),
                on_date TEXT NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                comment TEXT
            )"""

# Every existing record starts its history as a draft on the day it was made.
REVIEW_HISTORY_FINDINGS = """INSERT INTO review_history (id, engagement_id, record_type, record_id, review, on_date, at, actor)
               SELECT lower(hex(randomblob(16))), engagement_id, 'finding', id, review, dated, created_at, created_by
               FROM findings"""

REVIEW_HISTORY_RECOMMENDATIONS = """INSERT INTO review_history (id, engagement_id, record_type, record_id, review, on_date, at, actor)
               SELECT lower(hex(randomblob(16))), engagement_id, 'recommendation', id, review, dated, created_at, created_by
               FROM recommendations"""

NOTES = """CREATE TABLE notes (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )"""

PROTECTED_TERMS = """CREATE TABLE protected_terms (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                term TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (engagement_id, term COLLATE NOCASE)
            )"""

RELEASES = """CREATE TABLE releases (
                id TEXT PRIMARY KEY,
                engagement_id TEXT NOT NULL REFERENCES engagements(id),
                number INTEGER NOT NULL,
                kind TEXT NOT NULL,
                as_of TEXT NOT NULL,
                published_at TEXT NOT NULL,
                published_by TEXT NOT NULL,
                output_dir TEXT NOT NULL,
                files TEXT NOT NULL,
                snapshot TEXT NOT NULL,
                override_reason TEXT,
                UNIQUE (engagement_id, number)
            )"""

RELEASE_ITEMS = """CREATE TABLE release_items (
                release_id TEXT NOT NULL REFERENCES releases(id),
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                ref TEXT NOT NULL,
                PRIMARY KEY (release_id, record_id)
            )"""


def core_statements(no_delete: Callable[[str], str]) -> list[str]:
    """m001's statements, in the order they run."""
    return [
        ENGAGEMENTS,
        FOCUS_AREAS,
        FINDINGS,
        "CREATE INDEX findings_engagement ON findings (engagement_id, focus_area_id, number)",
        RECOMMENDATIONS,
        "CREATE INDEX recommendations_engagement ON recommendations (engagement_id, finding_id, number)",
        STATUS_UPDATES,
        "CREATE INDEX status_updates_recommendation ON status_updates (recommendation_id, as_of)",
        EVENTS,
        "CREATE INDEX events_engagement ON events (engagement_id, id)",
        "CREATE INDEX events_record ON events (record_id, id)",
        *APPEND_ONLY_EVENTS,
        *(
            no_delete(table)
            for table in (
                "engagements",
                "focus_areas",
                "findings",
                "recommendations",
                "status_updates",
            )
        ),
    ]


def review_and_releases_statements(no_delete: Callable[[str], str]) -> list[str]:
    """m002's statements, in the order they run."""
    return [
        REVIEW_HISTORY,
        "CREATE INDEX review_history_record ON review_history (record_id, on_date)",
        REVIEW_HISTORY_FINDINGS,
        REVIEW_HISTORY_RECOMMENDATIONS,
        NOTES,
        "CREATE INDEX notes_record ON notes (engagement_id, record_id)",
        PROTECTED_TERMS,
        RELEASES,
        RELEASE_ITEMS,
        "CREATE INDEX release_items_record ON release_items (record_id)",
        *(
            no_delete(table)
            for table in ("review_history", "notes", "releases", "release_items", "protected_terms")
        ),
        "CREATE TRIGGER releases_frozen BEFORE UPDATE ON releases "
        "BEGIN SELECT RAISE(ABORT, 'a published release never changes'); END",
    ]
