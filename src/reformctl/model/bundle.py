"""Engagement bundles: one engagement as a directory of small JSON files, for offline work in git.

Layout (DIR/):
    bundle.json                 format marker and the engagement's site and id
    engagement.json             the engagement
    <kind>/<id>.json            one file a record, named by its stable id

Each file is one JSON object with its keys sorted, two-space indented, UTF-8, ending in a
newline; dates are ISO. Writing the same records always gives the same bytes, so a bundle
diffs and merges record by record in git. A bundle holds the record (with its status and
review histories, notes, team, activities, evidence and releases), not the store's audit
trail, which stays with each store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from reformctl.dates import now, parse_date
from reformctl.errors import Invalid, Refused, RowErrors
from reformctl.model.engagements import get_engagement
from reformctl.model.vocab import ACTIVITY_METHODS, PHASES, PROGRAMS, ROLES, STATUSES
from reformctl.store import Store

FORMAT = "reformctl-bundle"
VERSION = 1
REVIEW_STATES = ("draft", "in-review", "approved", "withdrawn")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+-]{0,200}$")
DATE_FIELDS = {"dated", "as_of", "on_date", "announced", "due", "next_update"}


@dataclass(frozen=True)
class Kind:
    name: str               # directory in the bundle, and record_type for the merge
    table: str
    select: str             # rows of one engagement (:eid)
    key: tuple[str, ...] = ("id",)
    folded: str | None = None   # a child list carried inside the record (activity team, release items)


KINDS = (
    Kind("focus_areas", "focus_areas", "SELECT * FROM focus_areas WHERE engagement_id = :eid"),
    Kind("team_members", "team_members", "SELECT * FROM team_members WHERE engagement_id = :eid"),
    Kind("activities", "activities", "SELECT * FROM activities WHERE engagement_id = :eid", folded="team"),
    Kind("findings", "findings", "SELECT * FROM findings WHERE engagement_id = :eid"),
    Kind("evidence", "finding_evidence",
         "SELECT e.* FROM finding_evidence e JOIN findings f ON f.id = e.finding_id WHERE f.engagement_id = :eid",
         key=("finding_id", "activity_id")),
    Kind("recommendations", "recommendations", "SELECT * FROM recommendations WHERE engagement_id = :eid"),
    Kind("status_updates", "status_updates",
         "SELECT s.* FROM status_updates s JOIN recommendations r ON r.id = s.recommendation_id WHERE r.engagement_id = :eid"),
    Kind("review_history", "review_history", "SELECT * FROM review_history WHERE engagement_id = :eid"),
    Kind("approved_versions", "approved_versions", "SELECT * FROM approved_versions WHERE engagement_id = :eid"),
    Kind("notes", "notes", "SELECT * FROM notes WHERE engagement_id = :eid"),
    Kind("protected_terms", "protected_terms", "SELECT * FROM protected_terms WHERE engagement_id = :eid"),
    Kind("releases", "releases", "SELECT * FROM releases WHERE engagement_id = :eid", folded="items"),
    # Settled merge conflicts travel too, so the other side knows which of two values was chosen.
    Kind("resolutions", "merge_conflicts",
         "SELECT * FROM merge_conflicts WHERE engagement_id = :eid AND resolved_at IS NOT NULL"),
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
    for row in store.rows("""SELECT t.activity_id, t.member_id FROM activity_team t
                             JOIN activities a ON a.id = t.activity_id WHERE a.engagement_id = :eid""", params):
        team.setdefault(row["activity_id"], []).append(row["member_id"])
    items = {}
    for row in store.rows("""SELECT i.* FROM release_items i JOIN releases r ON r.id = i.release_id
                             WHERE r.engagement_id = :eid""", params):
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


# ---- writing ---------------------------------------------------------------------------


def _record_files(records: Records) -> dict[str, str]:
    files = {
        "bundle.json": dumps({"format": FORMAT, "version": VERSION, "site": records.engagement["site"],
                              "engagement_id": records.engagement["id"]}),
        "engagement.json": dumps(records.engagement),
    }
    for kind in KINDS:
        for key, record in records.kinds.get(kind.name, {}).items():
            files[f"{kind.name}/{key}.json"] = dumps(record)
    return files


def write_bundle(records: Records, target: Path, known: dict[str, tuple[str | None, str | None]] | None = None) -> int:
    """Write RECORDS under TARGET, refusing to overwrite work this store has not merged."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise Invalid(f"{target} is a file; give a directory for the bundle")
    files = _record_files(records)
    if target.exists():
        _refuse_unmerged(target, files, known or {})
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    return len(files)


def _refuse_unmerged(target: Path, files: dict[str, str], known: dict[str, tuple[str | None, str | None]]) -> None:
    """A file in the way that holds something this store never saw (a colleague's record pulled
    in by git and not yet merged) would be lost by overwriting it: refuse instead. A file is
    safe to overwrite when it holds what the store has now, or what it last agreed or exported."""
    problems = []
    for path in sorted(target.rglob("*.json")):
        relative = path.relative_to(target).as_posix()
        if relative == "bundle.json" or path.name.startswith("."):
            continue
        existing = path.read_text(encoding="utf-8", errors="replace")
        if relative not in files:
            problems.append(f"{relative} is not in this store")
            continue
        if existing == files[relative]:
            continue
        sides = _split_git_conflict(existing)
        versions = [sides[1]] if sides is not None else [existing]
        key = "engagement" if relative == "engagement.json" else path.stem
        seen = [json.loads(t) for t in known.get(key, (None, None)) if t is not None] + [json.loads(files[relative])]
        try:
            if any(json.loads(v) not in seen for v in versions):
                problems.append(f"{relative} holds changes this store has not merged")
        except json.JSONDecodeError:
            problems.append(f"{relative} is not a whole JSON record")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise Refused(f"{target} holds work this store has not merged: {problems[0]}{more}; bring it in first "
                      f"with `reformctl merge --site SLUG {target}`, or export to an empty directory")


# ---- reading and checking --------------------------------------------------------------


class BundleErrors(RowErrors):
    """Problems in a bundle, each at a file and field."""

    def where(self, error) -> str:
        row, column, _ = error
        parts = [self.source]
        if row is not None:
            parts.append(str(row))
        if column:
            parts.append(f"field {column}")
        return ", ".join(parts) + ": "

    def __init__(self, source: str, errors):
        super().__init__(source, errors)
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        self.args = (f"{self.where(first)}{first[2]}{more}; nothing was changed",)

    def lines(self, limit: int = 50) -> list[str]:
        return [line.replace("nothing was imported", "nothing was changed") for line in super().lines(limit)]


def _split_git_conflict(text: str) -> tuple[str, str] | None:
    """Our and their side of a file git left with conflict markers (merge or diff3 style)."""
    if "\n<<<<<<< " not in "\n" + text:
        return None
    ours, theirs, state = [], [], "both"
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<< "):
            state = "ours"
        elif line.startswith("||||||| ") and state == "ours":
            state = "base"
        elif line.rstrip("\n") == "=======" and state in ("ours", "base"):
            state = "theirs"
        elif line.startswith(">>>>>>> ") and state == "theirs":
            state = "both"
        elif state == "both":
            ours.append(line)
            theirs.append(line)
        elif state == "ours":
            ours.append(line)
        elif state == "theirs":
            theirs.append(line)
    return "".join(ours), "".join(theirs)


def _load(path: Path, relative: str, errs: list, allow_conflicts: bool):
    """The record in PATH, or (ours, theirs) when git left conflict markers; None after an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errs.append((relative, None, "not UTF-8 text"))
        return None
    sides = _split_git_conflict(text)
    if sides is not None:
        if not allow_conflicts:
            errs.append((relative, None, "has git conflict markers; bring it in with `reformctl merge`, "
                                         "which turns them into conflicts to resolve"))
            return None
        parsed = []
        for side in sides:
            try:
                parsed.append(json.loads(side))
            except json.JSONDecodeError as exc:
                errs.append((relative, None, f"git conflict markers around something that is not a whole record ({exc})"))
                return None
        return tuple(parsed)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        errs.append((relative, None, f"not valid JSON ({exc.msg} at line {exc.lineno}); is the file truncated?"))
        return None
    if not isinstance(record, dict):
        errs.append((relative, None, "must hold one JSON object"))
        return None
    return record


def read_bundle(store: Store, source: Path, allow_conflicts: bool = False) -> Records:
    """Read and check a bundle directory; raises BundleErrors listing every problem."""
    source = Path(source)
    label = str(source)
    if not source.is_dir():
        raise Invalid(f"{source}: no such bundle directory")
    errs: list = []
    marker = source / "bundle.json"
    if not marker.is_file():
        raise Invalid(f"{source} is not a reformctl bundle (no bundle.json); write one with "
                      "`reformctl export --site SLUG --bundle DIR`")
    head = _load(marker, "bundle.json", errs, False)
    if errs:
        raise BundleErrors(label, errs)
    if head.get("format") != FORMAT or head.get("version") != VERSION:
        raise BundleErrors(label, [("bundle.json", "format", f"not a version {VERSION} {FORMAT}")])
    engagement = _load(source / "engagement.json", "engagement.json", errs, False) if (
        source / "engagement.json").is_file() else None
    if engagement is None:
        errs.append(("engagement.json", None, "missing or unreadable"))
        raise BundleErrors(label, errs)
    _check_fields(engagement, columns(store, "engagements"), "engagement.json", errs)
    if engagement.get("id") != head.get("engagement_id") or engagement.get("site") != head.get("site"):
        errs.append(("engagement.json", "id", "does not match bundle.json"))
    records = Records(engagement=engagement)
    known_dirs = {k.name for k in KINDS}
    for child in sorted(source.iterdir()):
        if child.is_dir() and child.name not in known_dirs and not child.name.startswith("."):
            errs.append((child.name + "/", None, f"unknown kind of record; a bundle holds {', '.join(sorted(known_dirs))}"))
    for kind in KINDS:
        expected = columns(store, kind.table)
        found: dict[str, dict] = {}
        folder = source / kind.name
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            relative = f"{kind.name}/{path.name}"
            loaded = _load(path, relative, errs, allow_conflicts)
            if loaded is None:
                continue
            if isinstance(loaded, tuple):
                ours, theirs = loaded
                records.git_conflicts[(kind.name, path.stem)] = (ours, theirs)
                loaded = theirs
            if not _check_fields(loaded, expected + ([kind.folded] if kind.folded else []), relative, errs):
                continue
            key = record_key(kind, loaded)
            if key != path.stem:
                errs.append((relative, "id", f"the file is named for {path.stem} but holds {key}"))
                continue
            if key in found:
                errs.append((relative, "id", "duplicate id"))
                continue
            found[key] = loaded
        records.kinds[kind.name] = found
    if not errs:
        # A bundle git has merged may hold two drafts with one number: merge renumbers them.
        errs.extend(check_records(records, numbers_unique=not allow_conflicts))
    if errs:
        raise BundleErrors(label, errs)
    return records


def _check_fields(record: dict, expected: list[str], where: str, errs: list) -> bool:
    missing = [c for c in expected if c not in record]
    unknown = sorted(set(record) - set(expected))
    for name in missing:
        errs.append((where, name, "missing"))
    for name in unknown:
        errs.append((where, name, "unknown field"))
    if missing or unknown:
        return False
    ok = True
    for name in DATE_FIELDS & set(record):
        value = record[name]
        if value is None:
            continue
        try:
            if not isinstance(value, str):
                raise Invalid(f"{value!r} is not a date")
            parse_date(value, name)
        except Invalid as exc:
            errs.append((where, name, str(exc)))
            ok = False
    if "id" in record and not (isinstance(record["id"], str) and ID_RE.match(record["id"])):
        errs.append((where, "id", f"{record['id']!r} is not an id"))
        ok = False
    return ok


def check_records(records: Records, numbers_unique: bool = True) -> list:
    """Every reference resolves, every number and name is unique, every value is in its vocabulary."""
    errs: list = []
    e = records.engagement
    k = records.kinds
    eid = e["id"]

    def where(kind, key):
        return f"{kind}/{key}.json"

    if e.get("program") not in PROGRAMS:
        errs.append(("engagement.json", "program", f"{e.get('program')!r} is unknown"))
    if e.get("phase") not in PHASES:
        errs.append(("engagement.json", "phase", f"{e.get('phase')!r} is unknown"))
    for name in ("focus_areas", "team_members", "activities", "findings", "recommendations", "review_history",
                 "approved_versions", "notes", "protected_terms", "releases", "resolutions"):
        for key, r in k[name].items():
            if r["engagement_id"] != eid:
                errs.append((where(name, key), "engagement_id", "belongs to another engagement"))
    vocab = [("resolutions", "resolution", ("ours", "theirs")),
             ("findings", "review", REVIEW_STATES), ("recommendations", "review", REVIEW_STATES),
             ("review_history", "review", REVIEW_STATES), ("status_updates", "status", tuple(STATUSES)),
             ("activities", "method", tuple(ACTIVITY_METHODS)), ("team_members", "role", tuple(ROLES))]
    for name, column, allowed in vocab:
        for key, r in k[name].items():
            if r[column] not in allowed:
                errs.append((where(name, key), column, f"{r[column]!r} is unknown; expected one of {', '.join(allowed)}"))
    refs = [("findings", "focus_area_id", "focus_areas"), ("recommendations", "finding_id", "findings"),
            ("status_updates", "recommendation_id", "recommendations"), ("evidence", "finding_id", "findings"),
            ("evidence", "activity_id", "activities")]
    for name, column, target in refs:
        for key, r in k[name].items():
            if r[column] not in k[target]:
                errs.append((where(name, key), column, f"refers to {target[:-1].replace('_', ' ')} {r[column]} "
                                                       "which is not in the bundle"))
    for key, r in k["activities"].items():
        for member in r["team"] if isinstance(r["team"], list) else [None]:
            if member not in k["team_members"]:
                errs.append((where("activities", key), "team", f"refers to team member {member} which is not in the bundle"))
    records_by_type = {"finding": k["findings"], "recommendation": k["recommendations"]}
    for name in ("review_history", "approved_versions", "notes"):
        for key, r in k[name].items():
            if r["record_id"] not in records_by_type.get(r["record_type"], {}) and r["record_id"] != eid:
                errs.append((where(name, key), "record_id", f"refers to {r['record_type']} {r['record_id']} "
                                                            "which is not in the bundle"))
    for key, r in k["releases"].items():
        for item in r["items"] if isinstance(r["items"], list) else [None]:
            if not isinstance(item, dict) or item.get("record_id") not in records_by_type.get(item.get("record_type"), {}):
                errs.append((where("releases", key), "items", f"refers to a record not in the bundle: {item!r}"))
    unique = [("focus_areas", ("number",)), ("team_members", ("name",)), ("releases", ("number",))]
    if numbers_unique:
        unique += [("findings", ("focus_area_id", "number")), ("recommendations", ("finding_id", "number"))]
    for name, cols in unique:
        seen: dict = {}
        for key, r in sorted(k[name].items()):
            value = tuple(r[c] for c in cols)
            if value in seen:
                errs.append((where(name, key), cols[-1], f"{r[cols[-1]]!r} is also taken by {where(name, seen[value])}"))
            else:
                seen[value] = key
    return errs


# ---- loading ---------------------------------------------------------------------------


def insert_records(store: Store, records: Records, actor: str, with_engagement: bool = True) -> None:
    """Insert every record (in the order references need), with an audit event each."""
    events = []
    stamp = now()
    eid = records.engagement["id"]
    if with_engagement:
        store.insert("engagements", records.engagement)
        events.append((stamp, actor, eid, "engagement", eid, records.engagement["site"], "import", None, None))
    for kind in KINDS:
        rows = list(records.kinds.get(kind.name, {}).values())
        insert_kind(store, kind, rows)
        for r in rows:
            events.append((stamp, actor, eid, kind.name, record_key(kind, r), None, "import", None,
                           json.dumps(r, sort_keys=True)))
    store.conn.executemany(
        "INSERT INTO events (at, actor, engagement_id, record_type, record_id, ref, action, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", events)


# Histories whose ties (same date) go to the row recorded last: inserted in recorded order, so
# that a store loaded from a bundle reads them exactly as the store that wrote it.
RECORDED = {"status_updates": "recorded_at", "review_history": "at", "approved_versions": "at",
            "notes": "created_at"}


def insert_kind(store: Store, kind: Kind, rows: list[dict]) -> None:
    if not rows:
        return
    if kind.name in RECORDED:
        rows = sorted(rows, key=lambda r: (r[RECORDED[kind.name]], r["id"]))
    plain = [{c: v for c, v in r.items() if c != kind.folded} for r in rows]
    cols = list(plain[0])
    store.conn.executemany(f"INSERT INTO {kind.table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                           [tuple(r[c] for c in cols) for r in plain])
    if kind.folded == "team":
        store.conn.executemany("INSERT INTO activity_team (activity_id, member_id) VALUES (?, ?)",
                               [(r["id"], m) for r in rows for m in r["team"]])
    elif kind.folded == "items":
        store.conn.executemany(
            "INSERT INTO release_items (release_id, record_type, record_id, ref) VALUES (?, ?, ?, ?)",
            [(r["id"], i["record_type"], i["record_id"], i["ref"]) for r in rows for i in r["items"]])


def set_bases(store: Store, records: Records, exported: bool = False, agreed: bool = True) -> None:
    """Remember RECORDS as shared: AGREED makes them the base of the next merge (import, merge);
    EXPORTED notes what this store wrote, and makes it the base only of records that had none."""
    eid = records.engagement["id"]
    rows = [("engagement", "engagement", eid, dumps(records.engagement))]
    for kind in KINDS:
        rows += [(key, kind.name, eid, dumps(r)) for key, r in records.kinds.get(kind.name, {}).items()]
    if agreed:
        store.conn.executemany(
            """INSERT INTO sync_base (record_id, record_type, engagement_id, base) VALUES (?, ?, ?, ?)
               ON CONFLICT (record_id) DO UPDATE SET base = excluded.base""", rows)
    if exported:
        store.conn.executemany(
            """INSERT INTO sync_base (record_id, record_type, engagement_id, base, exported) VALUES (?, ?, ?, ?, ?4)
               ON CONFLICT (record_id) DO UPDATE SET exported = excluded.exported,
                   base = COALESCE(sync_base.base, excluded.exported)""", rows)


def shared(store: Store, engagement_id: str) -> dict[str, tuple[str | None, str | None]]:
    """Per record: (base, exported)."""
    return {r["record_id"]: (r["base"], r["exported"]) for r in store.rows(
        "SELECT record_id, base, exported FROM sync_base WHERE engagement_id = ?", (engagement_id,))}


def bases(store: Store, engagement_id: str) -> dict[str, str]:
    return {key: base for key, (base, _) in shared(store, engagement_id).items() if base is not None}


def export_bundle(store: Store, site: str, target: Path) -> dict:
    """Write SITE as a bundle under TARGET and remember what was shared (the next merge's base)."""
    engagement = get_engagement(store, site)
    with store.write():
        records = store_records(store, engagement)
        written = write_bundle(records, target, shared(store, engagement["id"]))
        set_bases(store, records, exported=True, agreed=False)
    return {"site": site, "path": str(target), "files": written, "counts": records.count()}


def import_bundle(store: Store, source: Path, actor: str, dry_run: bool = False) -> dict:
    """Load a bundle as a new engagement in the store (use merge for one the store already has)."""
    with store.write():
        records = read_bundle(store, source)
        e = records.engagement
        clash = store.row("SELECT site FROM engagements WHERE id = ? OR site = ?", (e["id"], e["site"]))
        if clash is not None:
            raise Refused(f"the store already has {clash['site']}; bring a colleague's bundle in with "
                          f"`reformctl merge --site {clash['site']} {source}`")
        if not dry_run:
            insert_records(store, records, actor)
            set_bases(store, records, exported=True)
    return {"site": e["site"], "dry_run": dry_run, "counts": records.count()}
