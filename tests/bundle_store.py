"""A store holding every kind of record a bundle carries, built through the library (a release and
a settled merge conflict, which take a publication or a merge, written as rows), and a second
engagement whose records a bundle of the first must never carry. Shared by
test_bundle_rules.py and test_bundle_files_rules.py."""

from __future__ import annotations

import json

from helpers import TODAY
from reformctl.model.confidential import add_note, protect
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.fieldwork import add_member, cite, log_activity
from reformctl.model.findings import log_finding
from reformctl.model.internal_flag import note_internal_change
from reformctl.model.recommendations import recommend
from reformctl.model.review import review, submit
from reformctl.model.sections import write_section
from reformctl.model.sites import get_engagement
from reformctl.model.statuses import set_status
from reformctl.store import open_store

SITE = "brightwater"
OTHER = "harbor-vale"
RELEASE_ID = "0b7e9a52-3f4c-4d8e-9a1b-2c3d4e5f6a7b"
CONFLICT_ID = "1c8f0b63-4a5d-4e9f-8b2c-3d4e5f6a7b8c"
OPEN_CONFLICT_ID = "2d9a1c74-5b6e-4fa0-9c3d-4e5f6a7b8c9d"
DIGEST = "ab" * 32


def _engagement(store, site, agency):
    spec = EngagementSpec(site=site, agency=agency, city="Brightwater", focus_areas=["A", "B"])
    create_engagement(store, spec, "ann")
    return get_engagement(store, site)


def _flag_changes(store, finding_id):
    """Finding 2.1 made public, then internal again: two changes, id.1 and id.2."""
    for was, internal in ((1, 0), (0, 1)):
        with store.write():
            store.execute("UPDATE findings SET internal = ? WHERE id = ?", (internal, finding_id))
            note_internal_change(store, "findings", finding_id, was, internal, "ann")


def _release(store, e, finding, recommendation):
    items = [
        (RELEASE_ID, "recommendation", recommendation["id"], "1.1.1"),
        (RELEASE_ID, "finding", finding["id"], "1.1"),
    ]
    with store.write():
        store.execute(
            "INSERT INTO releases (id, engagement_id, number, kind, as_of, published_at, "
            "published_by, output_dir, files, snapshot, override_reason) "
            "VALUES (?, ?, 1, 'status-update', ?, ?, 'bob', 'out', ?, '{}', NULL)",
            (RELEASE_ID, e["id"], TODAY, f"{TODAY}T10:00:00", json.dumps({"a.html": DIGEST})),
        )
        store.conn.executemany(
            "INSERT INTO release_items (release_id, record_type, record_id, ref) VALUES (?, ?, ?, ?)",
            items,
        )


def _conflicts(store, e, finding):
    row = (e["id"], "findings", finding["id"], "title", '"a"', '"b"', None, "their.db")
    with store.write():
        store.execute(
            "INSERT INTO merge_conflicts (id, engagement_id, record_type, record_id, field, ours, "
            "theirs, base, source, created_at, created_by, resolved_at, resolved_by, resolution) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ann', ?, 'ann', 'ours')",
            (CONFLICT_ID, *row, f"{TODAY}T09:00:00", f"{TODAY}T09:30:00"),
        )
        # Still open: no bundle carries it.
        store.execute(
            "INSERT INTO merge_conflicts (id, engagement_id, record_type, record_id, field, ours, "
            "theirs, base, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ann')",
            (OPEN_CONFLICT_ID, *row[:4], "body", *row[5:], f"{TODAY}T09:00:00"),
        )


def build(path, monkeypatch):
    """The store at PATH; returns it open."""
    monkeypatch.setenv("REFORMCTL_TODAY", TODAY)
    store = open_store(path)
    e = _engagement(store, SITE, "Brightwater Police Department")
    add_member(store, e, "Zed Young", "researcher", "ann")
    add_member(store, e, "Dana Reyes", "lead", "ann")
    act = log_activity(
        store, e, "interview", "2025-03-01", "ann", summary="Met", team=["Zed Young", "Dana Reyes"]
    )
    log_activity(store, e, "site-visit", "2025-03-02", "ann")
    f1 = log_finding(store, e, "1", "No written strategy", "Body", "ann", dated="2025-03-03")
    f2 = log_finding(store, e, "2", "Hidden gap", None, "ann", internal=True, dated="2025-03-03")
    cite(store, e, f1, [act["id"]], "ann")
    r1 = recommend(store, e, "1.1", "Write one.", "ann", dated="2025-03-03")
    set_status(store, e, "1.1.1", "in-progress", "bob", as_of="2025-03-04")
    write_section(store, e, "introduction", "Our words.", "ann", dated="2025-03-03")
    submit(store, e, "1.1", "ann", dated="2025-03-05")
    review(store, e, "1.1", "approve", "bob", dated="2025-03-05")
    add_note(store, e, "1.1", "A note", "ann")
    protect(store, e, "Jane Roe", "ann")
    _flag_changes(store, f2["id"])
    _release(store, e, f1, r1)
    _conflicts(store, e, f1)
    # The other engagement: one of each kind that names its engagement through a parent.
    o = _engagement(store, OTHER, "Harbor Vale Police Department")
    add_member(store, o, "Zed Young", "lead", "ann")
    theirs = log_activity(store, o, "interview", "2025-03-01", "ann", team=["Zed Young"])
    f = log_finding(store, o, "1", "Theirs", None, "ann", internal=True, dated="2025-03-03")
    cite(store, o, f, [theirs["id"]], "ann")
    recommend(store, o, "1.1", "Theirs too.", "ann", dated="2025-03-03")
    _flag_changes(store, f["id"])
    return store
