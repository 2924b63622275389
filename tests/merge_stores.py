"""Two stores that share one engagement, built once per test module through the library, for the
direct tests of exchange/merge.py and exchange/conflicts.py: OURS (ann's, where it was made) and
THEIRS (bob's, loaded from ours's bundle), each a file a test copies before it writes.

The engagement "nm": focus areas 1 One and 2 Two; team members Ann and Bob; a site visit by Ann;
finding 1.1 (approved, dated 2024-06-01) with recommendations 1.1.1 (draft) and 1.1.2 (approved,
with a status in progress as of 2024-06-10); finding 1.2 (a draft); the approved introduction;
a protected term; a note on 1.1. Made by ann, reviewed by rita.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from reformctl.exchange.bundle_files import export_bundle, import_bundle
from reformctl.model import findings as F
from reformctl.model import recommendations as R
from reformctl.model.confidential import add_note, protect
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.fieldwork import add_member, log_activity
from reformctl.model.review import review, submit
from reformctl.model.sections import write_section
from reformctl.model.sites import get_engagement
from reformctl.model.statuses import set_status
from reformctl.store import Store, open_store

SITE = "nm"
TODAY = "2026-11-27"


def approve(store: Store, e: dict, ref: str, dated: str = "2024-06-02") -> None:
    submit(store, e, ref, "ann", dated=dated)
    review(store, e, ref, "approve", "rita", dated=dated)


def _build(store: Store) -> None:
    spec = EngagementSpec(
        site=SITE,
        agency="North PD",
        city="North",
        focus_areas=["One", "Two"],
        announced="2024-01-02",
    )
    create_engagement(store, spec, "ann")
    e = get_engagement(store, SITE)
    ann = add_member(store, e, "Ann", "lead", "ann")
    add_member(store, e, "Bob", "researcher", "ann")
    log_activity(store, e, "site-visit", "2024-05-01", "ann", team=[ann["name"]])
    F.log_finding(store, e, "1", "Shared finding", "Shared body.", "ann", dated="2024-06-01")
    R.recommend(store, e, "1.1", "Draft rec.", "ann", dated="2024-06-01")
    R.recommend(store, e, "1.1", "Approved rec.", "ann", owner="Chief", dated="2024-06-01")
    F.log_finding(store, e, "1", "Draft finding", None, "ann", dated="2024-06-01")
    write_section(store, e, "introduction", "Our opening.", "ann", dated="2024-06-01")
    for ref in ("1.1", "1.1.2", "introduction"):
        approve(store, e, ref)
    set_status(store, e, "1.1.2", "in-progress", "ann", as_of="2024-06-10")
    protect(store, e, "Jane Roe", "ann")
    add_note(store, e, "1.1", "Ask the chief.", "ann")


def _checkpoint(store: Store) -> None:
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("merge-stores")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REFORMCTL_TODAY", TODAY)
        ours = open_store(folder / "ours.db")
        _build(ours)
        export_bundle(ours, SITE, folder / "bundle")
        _checkpoint(ours)
        theirs = open_store(folder / "theirs.db")
        import_bundle(theirs, folder / "bundle", "bob")
        _checkpoint(theirs)
        # Another engagement with the same site, for a bundle that is not our engagement's.
        other = open_store(folder / "other.db")
        create_engagement(
            other, EngagementSpec(site=SITE, agency="Other PD", focus_areas=["X"]), "eve"
        )
        export_bundle(other, SITE, folder / "other-bundle")
        _checkpoint(other)
    return {
        "other": folder / "other.db",
        "ours": folder / "ours.db",
        "theirs": folder / "theirs.db",
        "bundle": folder / "bundle",
        "other-bundle": folder / "other-bundle",
    }


class Pair:
    """A test's own copies of the two stores: OURS open, THEIRS a file to merge from."""

    def __init__(self, templates: dict[str, Path], folder: Path):
        self.folder = folder
        self.ours_path = folder / "ours.db"
        self.theirs_path = folder / "theirs.db"
        shutil.copyfile(templates["ours"], self.ours_path)
        shutil.copyfile(templates["theirs"], self.theirs_path)
        self.bundle = templates["bundle"]
        self.other_bundle = templates["other-bundle"]
        self.ours = open_store(self.ours_path)

    @property
    def engagement(self) -> dict:
        return get_engagement(self.ours, SITE)

    @contextmanager
    def theirs(self):
        """THEIRS open for a change (through the library, or by hand as an adversary would)."""
        store = open_store(self.theirs_path)
        try:
            yield store, get_engagement(store, SITE)
        finally:
            _checkpoint(store)

    def sql(self, statement: str, params=()) -> None:
        """A hand edit of THEIRS, below the library: what a copy of the record could hold."""
        conn = sqlite3.connect(self.theirs_path)
        try:
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute(statement, params)
            conn.commit()
        finally:
            conn.close()

    def ours_sql(self, statement: str, params=()) -> None:
        with self.ours.write():
            self.ours.execute(statement, params)


def ids(store) -> dict[str, str]:
    """The shared records' ids by reference (the same in both stores)."""
    rows = store.rows(
        """SELECT fa.number || '.' || f.number AS ref, f.id FROM findings f
           JOIN focus_areas fa ON fa.id = f.focus_area_id
           UNION ALL SELECT fa.number || '.' || f.number || '.' || r.number, r.id
           FROM recommendations r JOIN findings f ON f.id = r.finding_id
           JOIN focus_areas fa ON fa.id = f.focus_area_id
           UNION ALL SELECT 'area ' || number, id FROM focus_areas
           UNION ALL SELECT name, id FROM sections
           UNION ALL SELECT 'member ' || name, id FROM team_members
           UNION ALL SELECT 'activity', id FROM activities
           UNION ALL SELECT 'status', id FROM status_updates WHERE status = 'in-progress'
           UNION ALL SELECT 'engagement', id FROM engagements"""
    )
    return {r["ref"]: r["id"] for r in rows}


def events(store, *actions) -> list[dict]:
    marks = ", ".join("?" for _ in actions)
    return [
        {
            k: r[k]
            for k in (
                "actor",
                "engagement_id",
                "record_type",
                "record_id",
                "ref",
                "action",
                "before",
                "after",
            )
        }
        for r in store.rows(f"SELECT * FROM events WHERE action IN ({marks}) ORDER BY id", actions)
    ]


def row(store, table: str, key: str) -> dict:
    return store.row(f"SELECT * FROM {table} WHERE id = ?", (key,))


def add_release(sql, eid: str, number: int, as_of: str, items=(), rid=None) -> str:
    """A release row by hand (as a copy of the record could hold one), with its items."""
    rid = rid or f"0000000{number}-0000-4000-8000-00000000000{number}"
    sql(
        "INSERT INTO releases (id, engagement_id, number, kind, as_of, published_at, published_by,"
        " output_dir, files, snapshot) VALUES (?, ?, ?, 'status-update', ?, ?, 'rita', 'r', '{}', '{}')",
        (rid, eid, number, as_of, f"{as_of}T12:00:00+00:00"),
    )
    for record_type, record_id, ref in items:
        sql(
            "INSERT INTO release_items (release_id, record_type, record_id, ref) VALUES (?, ?, ?, ?)",
            (rid, record_type, record_id, ref),
        )
    return rid


@pytest.fixture
def pair(templates, isolated):
    made = Pair(templates, isolated)
    yield made
    made.ours.close()
