"""Merging a colleague's offline work (a bundle, or another store) into this store.

Records are matched by their stable id. The base of the three-way comparison is each
record's last-synced version, which this store keeps in sync_base: what it last exported,
imported or merged. Field by field, a value changed only on their side is taken, a value
changed only here is kept, and a value changed on both sides to different things is a
conflict, recorded in merge_conflicts and left, with our value in place, for `resolve`
(conflicts.py).
New records are added. Nothing is deleted: the store never deletes.

Numbers: two drafts that took the same number offline are renumbered (the incoming one
moves to the next free number, unless only it has been published), and every renumbering
is reported. A published number never changes.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from reformctl.dates import now
from reformctl.errors import Invalid, NotFound, Refused, Remedy
from reformctl.exchange.bundle import (
    KINDS,
    Records,
    bases,
    insert_kind,
    record_key,
    set_bases,
    store_records,
)
from reformctl.exchange.bundle_checks import records_problems
from reformctl.exchange.bundle_files import BundleErrors, read_bundle
from reformctl.exchange.conflicts import EDITABLE, open_conflicts, record_refs, update_record
from reformctl.exchange.merge_gate import PARENT, gate_added, gate_changes
from reformctl.model.events import record_event
from reformctl.model.frozen import frozen_before, require_unfrozen_incoming
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.store import Store
from reformctl.store.backup import open_sqlite
from reformctl.store.db import SCHEMA_VERSION
from reformctl.store.db import Store as _Store

MISSING = object()


def _source_records(store: Store, engagement: dict, source: Path) -> Records:
    """Their copy of ENGAGEMENT from a bundle directory or another store file, checked; like
    every Records read from a store or a bundle, it holds every kind (empty or not)."""
    source = Path(source)
    if source.is_dir():
        return read_bundle(store, source, allow_conflicts=True)
    if not source.is_file():
        raise Invalid(f"{source}: no such bundle directory or store file")
    try:
        conn = open_sqlite(source, "ro")
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise Invalid(
            f"{source} is neither a bundle directory nor a reformctl store ({exc})"
        ) from None
    try:
        if version != SCHEMA_VERSION:
            raise Invalid(
                "{source} is a store of schema {version}, this reformctl's is {known}; "
                "open it once with this reformctl ({remedy}) to upgrade it",
                source=source,
                version=version,
                known=SCHEMA_VERSION,
                remedy=Remedy("upgrade_store", path=source),
            )
        other = _Store(conn, source)
        theirs = other.row("SELECT * FROM engagements WHERE id = ?", (engagement["id"],))
        if theirs is None:
            raise NotFound(f"{source} has no copy of {engagement['site']} (matched by its id)")
        records = store_records(other, theirs)
    except sqlite3.DatabaseError as exc:
        raise Invalid(f"{source} is not a reformctl store, or it is damaged ({exc})") from None
    finally:
        conn.close()
    # Another store is checked value by value like a bundle: it may have been written by hand.
    problems = records_problems(records.engagement, records.kinds)
    if problems:
        raise BundleErrors(str(source), problems)
    return records


def _three_way(ours: dict, theirs: dict, base: dict | None) -> tuple[dict, dict]:
    """(fields to take from theirs, fields in conflict as (ours, theirs, base))."""
    take, conflicts = {}, {}
    for name in sorted(set(ours) | set(theirs)):
        o, t = ours.get(name, MISSING), theirs.get(name, MISSING)
        if o == t:
            continue
        b = base.get(name, MISSING) if base is not None else MISSING
        if b is not MISSING and b == o:
            take[name] = t
        elif b is not MISSING and b == t:
            continue
        else:
            conflicts[name] = (o, t, None if b is MISSING else b)
    return take, conflicts


def merge(store: Store, engagement: dict, source: Path, actor: str) -> dict:
    """Bring SOURCE's copy of ENGAGEMENT into the store; returns what was added, taken, renumbered and left."""
    label = str(source)
    require_open(engagement)
    with store.write():
        _refuse_pending(store, engagement)
        theirs = _source_records(store, engagement, source)
        if theirs.engagement["id"] != engagement["id"]:
            raise Refused(
                f"{label} holds {theirs.engagement['site']} (id {theirs.engagement['id'][:8]}), not this "
                f"store's {engagement['site']} (id {engagement['id'][:8]}); records are matched by id"
            )
        ours = store_records(store, engagement)
        base = {k: json.loads(v) for k, v in bases(store, engagement["id"]).items()}
        stamp = now()
        decided = _decisions(ours, theirs)
        _refuse_frozen(store, engagement, ours, theirs, base, label)

        updates, conflicts, added, held = _compare(ours, theirs, base, decided)
        renumbered = _renumber(ours, theirs, updates, added)
        _refuse_clashes(ours, added)

        _take_updates(store, engagement, updates, actor, label)
        _add(store, engagement, added, actor)
        _record_conflicts(store, engagement, conflicts, label, stamp, actor)
        _record_renumbering(store, engagement, renumbered, actor)
        # What we have now seen of their side is the base of the next merge; what is held for a
        # person is not agreed, so it stays out of the base and comes up again until decided.
        set_bases(store, _without(theirs, held))
        refs = record_refs(store, engagement["id"])
    for c in conflicts:
        c["ref"] = refs.get(c["record_id"], c["record_id"][:8])
    return {
        "site": engagement["site"],
        "source": label,
        "added": {k: len(v) for k, v in added.items() if v},
        "updated": _count(updates),
        "renumbered": renumbered,
        "conflicts": conflicts,
        "git_conflicts": sorted(f"{k}/{key}.json" for k, key in theirs.git_conflicts),
    }


def _refuse_pending(store: Store, engagement: dict) -> None:
    pending = open_conflicts(store, engagement["id"])
    if pending:
        raise Refused(
            "{site} has {count} unresolved merge conflict(s); settle them first "
            "({remedy}, then {then})",
            site=engagement["site"],
            count=len(pending),
            remedy=Remedy("list_conflicts", site=engagement["site"]),
            then=Remedy("resolve_conflicts"),
        )


def _take_updates(store: Store, engagement: dict, updates: list, actor: str, label: str) -> None:
    """Their changes, each with its audit event; a published number never changes."""
    # Numbers first through negatives, so no UNIQUE index sees two records with one number mid-way.
    numbered = [(kind, key, fields) for kind, key, fields, _ in updates if "number" in fields]
    for i, (kind, key, _fields) in enumerate(numbered):
        try:
            store.execute(f"UPDATE {EDITABLE[kind]} SET number = ? WHERE id = ?", (-(i + 1), key))
        except sqlite3.IntegrityError as exc:  # the store's own guard
            raise Refused(
                f"{label}: {kind} {key[:8]} would change a published number ({exc}); "
                "nothing was merged"
            ) from None
    for kind, key, fields, before in updates:
        try:
            update_record(store, kind, key, fields, actor)
        except sqlite3.IntegrityError as exc:
            raise Refused(
                f"{label}: {kind} {key} cannot take their change ({exc}); nothing was merged"
            ) from None
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type=kind,
            record_id=key,
            action="merge",
            before={n: before.get(n) for n in fields},
            after=fields,
        )


def _add(store: Store, engagement: dict, added: dict, actor: str) -> None:
    for kind in KINDS:
        rows = added.get(kind.name, [])
        insert_kind(store, kind, rows)
        for row in rows:
            record_event(
                store,
                actor=actor,
                engagement_id=engagement["id"],
                record_type=kind.name,
                record_id=record_key(kind, row),
                action="merge-add",
                after=row,
            )


def _record_conflicts(
    store: Store, engagement: dict, conflicts: list, label: str, stamp: str, actor: str
) -> None:
    for c in conflicts:
        store.insert(
            "merge_conflicts",
            {
                "id": new_id(),
                "engagement_id": engagement["id"],
                "record_type": c["record_type"],
                "record_id": c["record_id"],
                "field": c["field"],
                "ours": json.dumps(c["ours"]),
                "theirs": json.dumps(c["theirs"]),
                "base": json.dumps(c["base"]),
                "source": label,
                "created_at": stamp,
                "created_by": actor,
                "resolved_at": None,
                "resolved_by": None,
                "resolution": None,
            },
        )


def _record_renumbering(store: Store, engagement: dict, renumbered: list, actor: str) -> None:
    for r in renumbered:
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type=r["kind"],
            record_id=r["id"],
            ref=r["to"],
            action="renumber",
            before={"number": r["from"]},
            after={"number": r["to"]},
        )


def _compare(ours: Records, theirs: Records, base: dict, decided: dict):
    """Field by field, three ways: (updates, conflicts, added records by kind, held (kind, key)s)."""
    updates: list[tuple[str, str, dict, dict]] = []  # kind, key, taken fields, our record
    conflicts: list[dict] = []
    added: dict[str, list[dict]] = {}
    held: set[tuple[str, str]] = set()
    eid = ours.engagement["id"]
    pairs = [("engagement", eid, ours.engagement, theirs.engagement, None)]
    for kind in KINDS:
        mine = ours.kinds[kind.name]
        for key, record in sorted(theirs.kinds[kind.name].items()):
            if not _travels(kind.name, record, ours):
                continue
            if key in mine:
                pairs.append((kind.name, key, mine[key], record, kind.folded))
                continue
            adding, conflict = gate_added(kind.name, key, record, base, decided)
            if adding is not None:
                added.setdefault(kind.name, []).append(dict(adding))
            else:
                held.add((kind.name, key))
            if conflict is not None:
                conflicts.append(conflict)
    for kind, key, mine, record, folded in pairs:
        agreed = base.get("engagement" if kind == "engagement" else key)
        take, clash = _three_way(mine, record, agreed)
        _settled(key, clash, take, decided)
        gate_changes(kind, mine, take, clash, agreed)
        if folded in take:  # a folded child list is fixed when its record is made
            clash[folded] = (mine[folded], take.pop(folded), None)
        if take:
            updates.append((kind, key, take, mine))
        conflicts += [
            {
                "record_type": kind,
                "record_id": key,
                "field": name,
                "ours": o,
                "theirs": t,
                "base": b,
            }
            for name, (o, t, b) in clash.items()
        ]
    return updates, conflicts, added, held


def _refuse_frozen(
    store: Store, engagement: dict, ours: Records, theirs: Records, base: dict, label: str
) -> None:
    """Every change the other side made (a new row, held or not; a field taken or left in conflict)
    to what a report dated on or before our latest release shows, refused with the file named: it
    would change what that release published (model/frozen.py). A conflict would only offer a
    choice that can never be taken, so the merge stops and the other side re-dates its work."""
    freeze = frozen_before(store, engagement)
    if freeze is None:
        return
    for kind in KINDS:
        mine = ours.kinds[kind.name]
        for key, record in sorted(theirs.kinds[kind.name].items()):
            if not _travels(kind.name, record, ours):
                continue
            if key not in mine:
                require_unfrozen_incoming(freeze, kind.name, key, record, label)
                continue
            take, clash = _three_way(mine[key], record, base.get(key))
            changed = {**take, **{name: t for name, (_o, t, _b) in clash.items()}}
            require_unfrozen_incoming(freeze, kind.name, key, changed, label, mine[key])


def _travels(kind: str, record: dict, ours: Records) -> bool:
    """A record's flag history comes with the record only when the record is new here: for one both
    sides hold, each keeps its own (a flip taken from them is dated the day it is taken)."""
    if kind != "internal_history":
        return True
    return record["record_id"] not in ours.kinds[PARENT[record["record_type"]]]


def _without(records: Records, held: set[tuple[str, str]]) -> Records:
    kinds = {
        name: {key: r for key, r in found.items() if (name, key) not in held}
        for name, found in records.kinds.items()
    }
    return Records(engagement=records.engagement, kinds=kinds)


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True)


def _decisions(ours: Records, theirs: Records) -> dict[tuple[str, str], list[tuple[set, str]]]:
    """Settled conflicts from both sides: (record, field) -> [({the two values}, the one chosen)]."""
    out: dict[tuple[str, str], list[tuple[set, str]]] = {}
    for side in (ours, theirs):
        for r in side.kinds["resolutions"].values():
            pair = {_canon(json.loads(r["ours"])), _canon(json.loads(r["theirs"]))}
            chosen = _canon(json.loads(r[r["resolution"]]))
            out.setdefault((r["record_id"], r["field"]), []).append((pair, chosen))
    return out


def _settled(key: str, clash: dict, take: dict, decided: dict) -> None:
    """A clash between exactly two values someone has already chosen between is no conflict:
    their choice is taken (or our own kept), so one decision settles it on every side."""
    for name in list(clash):
        o, t, _b = clash[name]
        pair = {_canon(o), _canon(t)}
        for values, chosen in decided.get((key, name), []):
            if values == pair:
                del clash[name]
                if chosen == _canon(t):
                    take[name] = t
                break


def _count(updates) -> dict:
    out: dict[str, int] = {}
    for kind, *_ in updates:
        out[kind] = out.get(kind, 0) + 1
    return out


def _published(ours: Records, theirs: Records) -> set[str]:
    return {
        item["record_id"]
        for side in (ours, theirs)
        for release in side.kinds["releases"].values()
        for item in release["items"]
    }


def _renumber(ours: Records, theirs: Records, updates: list, added: dict) -> list[dict]:
    """Give every finding and recommendation a free number; incoming drafts move, published ones never."""
    published = _published(ours, theirs)
    taken = {(kind, key): fields for kind, key, fields, _ in updates}
    report = []
    finals: dict[str, dict] = {}
    for kind, parent in (("findings", "focus_area_id"), ("recommendations", "finding_id")):
        final = {}
        for key, record in ours.kinds[kind].items():
            final[key] = {**record, **taken.get((kind, key), {}), "_new": False}
        for record in added.get(kind, []):
            final[record["id"]] = {**record, "_new": True}
        finals[kind] = final
        groups: dict[tuple, list[dict]] = {}
        top: dict[str, int] = {}
        for record in final.values():
            groups.setdefault((record[parent], record["number"]), []).append(record)
            top[record[parent]] = max(top.get(record[parent], 0), record["number"])
        for (group_parent, number), members in sorted(
            groups.items(), key=lambda g: (g[0][0], g[0][1])
        ):
            if len(members) < 2:
                continue
            for mover in _movers(kind, number, members, published):
                top[group_parent] += 1
                report.append(
                    _move(kind, mover, top[group_parent], group_parent, ours, updates, taken, added)
                )
    _name_numbers(report, ours, theirs, finals)
    return report


def _movers(kind: str, number: int, members: list[dict], published: set[str]) -> list[dict]:
    """Of records that share a number, those that move: all but the published one (two published
    is refused), or else all but ours, oldest first."""
    pinned = [m for m in members if m["id"] in published]
    if len(pinned) > 1:
        raise Refused(
            f"two published {kind} share number {number} offline "
            f"({', '.join(m['id'][:8] for m in pinned)}); publish from one store at a time"
        )
    keep = pinned[0] if pinned else next((m for m in members if not m["_new"]), members[0])
    return sorted((m for m in members if m is not keep), key=lambda m: (m["created_at"], m["id"]))


def _move(kind, mover, new, group_parent, ours, updates, taken, added) -> dict:
    """Give MOVER the number NEW: in the record to add, or as one more field taken for ours."""
    old = mover["number"]
    mover["number"] = new
    if mover["_new"]:
        for record in added[kind]:
            if record["id"] == mover["id"]:
                record["number"] = new
    else:
        fields = taken.setdefault((kind, mover["id"]), {})
        if not fields:
            updates.append((kind, mover["id"], fields, ours.kinds[kind][mover["id"]]))
        fields["number"] = new
    return {"kind": kind[:-1], "id": mover["id"], "from": old, "to": new, "_parent": group_parent}


def _name_numbers(report: list[dict], ours: Records, theirs: Records, finals: dict) -> None:
    """Each renumbering's numbers in full (2.3 -> 2.4, 2.3.1 -> 2.3.2)."""
    area_numbers = {
        a["id"]: a["number"] for side in (ours, theirs) for a in side.kinds["focus_areas"].values()
    }
    for entry in report:
        if entry["kind"] == "finding":
            area = area_numbers.get(entry.pop("_parent"))
            entry["from"], entry["to"] = f"{area}.{entry['from']}", f"{area}.{entry['to']}"
        else:
            # a recommendation's finding is ours or added with it: the bundle's check saw to that
            finding = finals["findings"][entry.pop("_parent")]
            prefix = f"{area_numbers.get(finding['focus_area_id'])}.{finding['number']}"
            entry["from"], entry["to"] = f"{prefix}.{entry['from']}", f"{prefix}.{entry['to']}"


def _refuse_clashes(ours: Records, added: dict) -> None:
    """Names and numbers that cannot be renumbered quietly: say so and merge nothing."""
    checks = [
        ("team_members", "name", "team member"),
        ("focus_areas", "number", "focus area"),
        ("releases", "number", "release"),
        ("sections", "name", "section"),
    ]
    for kind, column, what in checks:
        have = {r[column] for r in ours.kinds[kind].values()}
        for record in added.get(kind, []):
            if record[column] in have:
                raise Refused(
                    f"both sides added {what} {record[column]!r} offline as different records; "
                    "nothing was merged (add it in one store only, then export and merge again)"
                )


__all__ = ["merge"]
