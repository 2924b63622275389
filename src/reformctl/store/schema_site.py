"""The statements of migration m013 (store/migrations.py): the published bytes of every release.

Like every applied migration, never edit them: a later change belongs in a new migration.
"""

from __future__ import annotations

from typing import Callable


def published_files_statements(no_delete: Callable[[str], str]) -> list[str]:
    """m013's statements: a content-addressed table of the bytes `publish` wrote (each release
    file and each manifest.json, keyed by SHA-256), so that `site build` can rebuild every
    release folder from the store alone. The names stay in releases.files; identical bytes
    published twice are kept once."""
    return [
        """CREATE TABLE published_files (
            sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
            data BLOB NOT NULL
        )""",
        no_delete("published_files"),
        "CREATE TRIGGER published_files_frozen BEFORE UPDATE ON published_files "
        "BEGIN SELECT RAISE(ABORT, 'published bytes never change'); END",
    ]
