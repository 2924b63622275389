"""The records of an engagement bundle: which tables travel, reading them from a store, checking
them and loading them into one, and each record's last shared version (the merge base).

The bundle's files (layout, reading, writing, git conflict markers) are in bundle_files.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from reformctl.dates import now
from reformctl.store import Store

FORMAT = "reformctl-bundle"
VERSION = 1


@dataclass(frozen=True)
class Kind:
    name: str  # directory in the bundle, and record_type for the merge
    table: str
    select: str  # rows of one engagement (:eid)
    key: tuple[str, ...] = ("id",)
    folded: str | None = (
        None  # a child list carried inside the record (activity team, release items)
    )
    assigned_id: bool = (
        False  # the store numbers the rows itself; the bundle's id is only their file name
    )


KINDS = (
    Kind("focus_areas", "focus_areas", "SELECT * FROM focus_areas WHERE engagement_id = :eid"),
    Kind("team_members", "team_members", "SELECT * FROM team_members WHERE engagement_id = :eid"),
    Kind(
        "activities",
        "activities",
        "SELECT * FROM activities WHERE engagement_id = :eid",
        folded="team",
    ),
    Kind("findings", "findings", "SELECT * FROM findings WHERE engagement_id = :eid"),
    Kind(
        "evidence",
        "finding_evidence",
        "SELECT e.* FROM finding_evidence e JOIN findings f ON f.id = e.finding_id WHERE f.engagement_id = :eid",
        key=("finding_id", "activity_id"),
    ),
    Kind(
        "recommendations",
        "recommendations",
        "SELECT * FROM recommendations WHERE engagement_id = :eid",
    ),
    Kind("sections", "sections", "SELECT * FROM sections WHERE engagement_id = :eid"),
    Kind(
        "status_updates",
        "status_updates",
        "SELECT s.* FROM status_updates s JOIN recommendations r ON r.id = s.recommendation_id WHERE r.engagement_id = :eid",
    ),
    Kind(
        "review_history",
        "review_history",
        "SELECT * FROM review_history WHERE engagement_id = :eid",
    ),
    Kind(
        "approved_versions",
        "approved_versions",
        "SELECT * FROM approved_versions WHERE engagement_id = :eid",
    ),
    # The internal flag's dated changes (model/internal_flag.py), so that a store loading the bundle
    # shows each record as internal or public on each past day as this one does. A row's id here is
    # its record's id and the change's place in that record's history (id.1, id.2...): the store's
    # own numbers differ between stores.
    Kind(
        "internal_history",
        "internal_history",
        """SELECT record_id || '.' || ROW_NUMBER() OVER (PARTITION BY record_id ORDER BY id) AS id,
                   record_type, record_id, was, internal, on_date, at, actor FROM internal_history
            WHERE record_id IN (SELECT id FROM findings WHERE engagement_id = :eid
                                UNION ALL SELECT id FROM recommendations WHERE engagement_id = :eid)""",
        assigned_id=True,
    ),
    Kind("notes", "notes", "SELECT * FROM notes WHERE engagement_id = :eid"),
    Kind(
        "protected_terms",
        "protected_terms",
        "SELECT * FROM protected_terms WHERE engagement_id = :eid",
    ),
    Kind(
        "releases", "releases", "SELECT * FROM releases WHERE engagement_id = :eid", folded="items"
    ),
    # Settled merge conflicts travel too, so the other side knows which of two values was chosen.
    Kind(
        "resolutions",
        "merge_conflicts",
        "SELECT * FROM merge_conflicts WHERE engagement_id = :eid AND resolved_at IS NOT NULL",
    ),
)
BY_NAME = {k.name: k for k in KINDS}


def record_key(kind: Kind, record: dict) -> str:
    return "+".join(str(record[k]) for k in kind.key)


def dumps(record: dict) -> str:
    """A record's file: the same record always gives the same bytes."""
    return json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


@dataclass
class Records:
    """An engagement's records: the engagement row, and per kind {key: record}."""

    engagement: dict
    kinds: dict[str, dict[str, dict]] = field(default_factory=dict)
    # key -> (our side, their side) for files that hold git conflict markers
    git_conflicts: dict[tuple[str, str], tuple[dict, dict]] = field(default_factory=dict)

    def count(self) -> dict:
        return {name: len(self.kinds.get(name, {})) for name in BY_NAME}


def columns(store: Store, table: str) -> list[str]:
    return [row["name"] for row in store.rows(f"PRAGMA table_info({table})")]


def store_records(store: Store, engagement: dict) -> Records:
    """Everything the store holds about ENGAGEMENT, in bundle form."""
    params = {"eid": engagement["id"]}
    out = Records(engagement=dict(store.row("SELECT * FROM engagements WHERE id = :eid", params)))
    team = {}
    for row in store.rows(
        """SELECT t.activity_id, t.member_id FROM activity_team t
                             JOIN activities a ON a.id = t.activity_id WHERE a.engagement_id = :eid""",
        params,
    ):
        team.setdefault(row["activity_id"], []).append(row["member_id"])
    items = {}
    for row in store.rows(
        """SELECT i.* FROM release_items i JOIN releases r ON r.id = i.release_id
                             WHERE r.engagement_id = :eid""",
        params,
    ):
        items.setdefault(row.pop("release_id"), []).append(row)
    for kind in KINDS:
        found = {}
        for row in store.rows(kind.select, params):
            if kind.folded == "team":
                row["team"] = sorted(team.get(row["id"], []))
            elif kind.folded == "items":
                row["items"] = sorted(items.get(row["id"], []), key=lambda i: i["record_id"])
            found[record_key(kind, row)] = row
        out.kinds[kind.name] = found
    return out


def check_records(records: Records, numbers_unique: bool = True) -> list:
    """Every reference resolves, every number and name is unique."""
    # Each value's own rule (vocabularies, dates, numbers, text) is exchange/bundle_checks.py's;
    # here, what holds between records.
    return (
        _other_engagements(records)
        + _dangling_references(records.kinds)
        + _dangling_reviewed(records.kinds, records.engagement["id"])
        + _flag_history_problems(records)
        + _duplicates(records.kinds, numbers_unique)
    )


def _where(kind: str, key: str) -> str:
    return f"{kind}/{key}.json"


# The kinds whose records name their engagement.
_OWNED = (
    "focus_areas",
    "team_members",
    "activities",
    "findings",
    "recommendations",
    "sections",
    "review_history",
    "approved_versions",
    "notes",
    "protected_terms",
    "releases",
    "resolutions",
)


def _other_engagements(records: Records) -> list:
    eid = records.engagement["id"]
    return [
        (_where(name, key), "engagement_id", "belongs to another engagement")
        for name in _OWNED
        for key, r in records.kinds[name].items()
        if r["engagement_id"] != eid
    ]


# (kind, column, the kind it names, that kind's record in words)
_REFERENCES = (
    ("findings", "focus_area_id", "focus_areas", "focus area"),
    ("recommendations", "finding_id", "findings", "finding"),
    ("status_updates", "recommendation_id", "recommendations", "recommendation"),
    ("evidence", "finding_id", "findings", "finding"),
    ("evidence", "activity_id", "activities", "activity"),
)


def _dangling_references(k: dict[str, dict[str, dict]]) -> list:
    """Each record's parent, and each activity's team members, are in the bundle."""
    errs = [
        (
            _where(name, key),
            column,
            f"refers to {what} {r[column]} which is not in the bundle",
        )
        for name, column, target, what in _REFERENCES
        for key, r in k[name].items()
        if r[column] not in k[target]
    ]
    for key, r in k["activities"].items():
        for member in r["team"] if isinstance(r["team"], list) else [None]:
            if member not in k["team_members"]:
                errs.append(
                    (
                        _where("activities", key),
                        "team",
                        f"refers to team member {member} which is not in the bundle",
                    )
                )
    return errs


def _dangling_reviewed(k: dict[str, dict[str, dict]], eid: str) -> list:
    """Review histories, approved versions, notes and release items name records in the bundle."""
    records_by_type = {
        "finding": k["findings"],
        "recommendation": k["recommendations"],
        "section": k["sections"],
    }
    errs = [
        (
            _where(name, key),
            "record_id",
            f"refers to {r['record_type']} {r['record_id']} which is not in the bundle",
        )
        for name in ("review_history", "approved_versions", "notes")
        for key, r in k[name].items()
        if r["record_id"] not in records_by_type.get(r["record_type"], {}) and r["record_id"] != eid
    ]
    for key, r in k["releases"].items():
        for item in r["items"] if isinstance(r["items"], list) else [None]:
            if not isinstance(item, dict) or item.get("record_id") not in records_by_type.get(
                item.get("record_type"), {}
            ):
                errs.append(
                    (
                        _where("releases", key),
                        "items",
                        f"refers to a record not in the bundle: {item!r}",
                    )
                )
    return errs


def _duplicates(k: dict[str, dict[str, dict]], numbers_unique: bool) -> list:
    unique = [
        ("focus_areas", ("number",)),
        ("team_members", ("name",)),
        ("releases", ("number",)),
        ("sections", ("name",)),
    ]
    if numbers_unique:
        unique += [
            ("findings", ("focus_area_id", "number")),
            ("recommendations", ("finding_id", "number")),
        ]
    errs = []
    for name, cols in unique:
        seen: dict = {}
        for key, r in sorted(k[name].items()):
            value = tuple(r[c] for c in cols)
            if value in seen:
                errs.append(
                    (
                        _where(name, key),
                        cols[-1],
                        f"{r[cols[-1]]!r} is also taken by {_where(name, seen[value])}",
                    )
                )
            else:
                seen[value] = key
    return errs


def _flag_history_problems(records: Records) -> list:
    """Each record's flag history is one chain that ends in its flag: every change replaces the
    value the one before set, so no file can claim a record was public on a day it was not."""
    errs: list = []
    histories: dict[str, list[tuple[int, str, dict]]] = {}
    for key, r in records.kinds.get("internal_history", {}).items():
        record_id, _, place = key.rpartition(".")
        parent = records.kinds[r["record_type"] + "s"].get(r["record_id"])
        if parent is None or record_id != r["record_id"]:
            errs.append(
                (
                    f"internal_history/{key}.json",
                    "record_id",
                    f"refers to {r['record_type']} {r['record_id']} which is not in the bundle, or not this file's",
                )
            )
            continue
        histories.setdefault(record_id, []).append((int(place), key, r))
    for record_id, rows in histories.items():
        rows.sort(key=lambda row: row[0])
        parent = records.kinds[rows[0][2]["record_type"] + "s"][record_id]
        expected = [r["was"] for _, _, r in rows[1:]] + [parent["internal"]]
        for number, ((place, key, r), after) in enumerate(
            zip(rows, expected, strict=False), start=1
        ):
            if place != number or r["was"] == r["internal"] or r["internal"] != after:
                errs.append(
                    (
                        f"internal_history/{key}.json",
                        "internal",
                        (
                            "is not the next change of its record's internal flag (numbered from 1, each change "
                            "replacing the value the one before set, the last one the record's flag now)"
                        ),
                    )
                )
    return errs


# ---- loading ---------------------------------------------------------------------------


def insert_records(
    store: Store, records: Records, actor: str, with_engagement: bool = True
) -> None:
    """Insert every record (in the order references need), with an audit event each."""
    events = []
    stamp = now()
    eid = records.engagement["id"]
    if with_engagement:
        store.insert("engagements", records.engagement)
        events.append(
            (stamp, actor, eid, "engagement", eid, records.engagement["site"], "import", None, None)
        )
    for kind in KINDS:
        rows = list(records.kinds.get(kind.name, {}).values())
        insert_kind(store, kind, rows)
        for r in rows:
            events.append(
                (
                    stamp,
                    actor,
                    eid,
                    kind.name,
                    record_key(kind, r),
                    None,
                    "import",
                    None,
                    json.dumps(r, sort_keys=True),
                )
            )
    store.conn.executemany(
        "INSERT INTO events (at, actor, engagement_id, record_type, record_id, ref, action, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        events,
    )


# Histories whose ties (same date) go to the row recorded last: inserted in recorded order, so
# that a store loaded from a bundle reads them exactly as the store that wrote it.
RECORDED = {
    "status_updates": "recorded_at",
    "review_history": "at",
    "approved_versions": "at",
    "notes": "created_at",
}


def insert_kind(store: Store, kind: Kind, rows: list[dict]) -> None:
    if not rows:
        return
    if kind.name in RECORDED:
        rows = sorted(rows, key=lambda r: (r[RECORDED[kind.name]], r["id"]))
    if (
        kind.assigned_id
    ):  # in each record's order (id.1, id.2 ... id.10), which the store's numbers keep
        rows = sorted(rows, key=lambda r: (r["record_id"], int(r["id"].rpartition(".")[2])))
    plain = [
        {c: v for c, v in r.items() if c != kind.folded and not (kind.assigned_id and c == "id")}
        for r in rows
    ]
    cols = list(plain[0])
    store.conn.executemany(
        f"INSERT INTO {kind.table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [tuple(r[c] for c in cols) for r in plain],
    )
    if kind.folded == "team":
        store.conn.executemany(
            "INSERT INTO activity_team (activity_id, member_id) VALUES (?, ?)",
            [(r["id"], m) for r in rows for m in r["team"]],
        )
    elif kind.folded == "items":
        store.conn.executemany(
            "INSERT INTO release_items (release_id, record_type, record_id, ref) VALUES (?, ?, ?, ?)",
            [
                (r["id"], i["record_type"], i["record_id"], i["ref"])
                for r in rows
                for i in r["items"]
            ],
        )


def set_bases(store: Store, records: Records, exported: bool = False, agreed: bool = True) -> None:
    """Remember RECORDS as shared: AGREED makes them the base of the next merge (import, merge);
    EXPORTED notes what this store wrote, and makes it the base only of records that had none."""
    eid = records.engagement["id"]
    # The engagement's own row is keyed by its id: record_id is unique in the whole store, which
    # may hold several engagements (shared() reads it back as "engagement").
    rows = [(eid, "engagement", eid, dumps(records.engagement))]
    for kind in KINDS:
        rows += [
            (key, kind.name, eid, dumps(r)) for key, r in records.kinds.get(kind.name, {}).items()
        ]
    if agreed:
        store.conn.executemany(
            """INSERT INTO sync_base (record_id, record_type, engagement_id, base) VALUES (?, ?, ?, ?)
               ON CONFLICT (record_id) DO UPDATE SET base = excluded.base""",
            rows,
        )
    if exported:
        store.conn.executemany(
            """INSERT INTO sync_base (record_id, record_type, engagement_id, base, exported) VALUES (?, ?, ?, ?, ?4)
               ON CONFLICT (record_id) DO UPDATE SET exported = excluded.exported,
                   base = COALESCE(sync_base.base, excluded.exported)""",
            rows,
        )


def shared(store: Store, engagement_id: str) -> dict[str, tuple[str | None, str | None]]:
    """Per record: (base, exported); the engagement's own under "engagement"."""
    # A store written before the engagement's row was keyed by its id holds it under "engagement"
    # (one row for every engagement of the store, so possibly another's): the row under the id,
    # read last, takes its place.
    return {
        "engagement" if r["record_id"] == engagement_id else r["record_id"]: (
            r["base"],
            r["exported"],
        )
        for r in store.rows(
            "SELECT record_id, base, exported FROM sync_base WHERE engagement_id = ? "
            "ORDER BY record_id = ?",
            (engagement_id, engagement_id),
        )
    }


def bases(store: Store, engagement_id: str) -> dict[str, str]:
    return {
        key: base for key, (base, _) in shared(store, engagement_id).items() if base is not None
    }


def kept_out(store: Store, engagement_id: str) -> frozenset[str]:
    """Records a merge held back (an approval from the other side) that a person chose not to take."""
    return frozenset(
        r["field"].split(":", 1)[1]
        for r in store.rows(
            "SELECT field FROM merge_conflicts WHERE engagement_id = ? AND resolution = 'ours' AND field LIKE '%:%'",
            (engagement_id,),
        )
    )
