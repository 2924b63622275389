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
from pathlib import Path

from reformctl.errors import Invalid, Message, Refused, Remedy, RowErrors
from reformctl.exchange.bundle import (
    FORMAT,
    KINDS,
    VERSION,
    Records,
    check_records,
    columns,
    dumps,
    insert_records,
    kept_out,
    record_key,
    set_bases,
    shared,
    store_records,
)
from reformctl.exchange.bundle_checks import record_problems
from reformctl.model.engagements import get_engagement
from reformctl.store import Store

MAX_FILE_BYTES = 25_000_000  # a release's snapshot is the biggest record; read nothing bigger


# ---- writing ---------------------------------------------------------------------------


def _record_files(records: Records) -> dict[str, str]:
    files = {
        "bundle.json": dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "site": records.engagement["site"],
                "engagement_id": records.engagement["id"],
            }
        ),
        "engagement.json": dumps(records.engagement),
    }
    for kind in KINDS:
        for key, record in records.kinds.get(kind.name, {}).items():
            files[f"{kind.name}/{key}.json"] = dumps(record)
    return files


def write_bundle(
    records: Records,
    target: Path,
    known: dict[str, tuple[str | None, str | None]] | None = None,
    kept: frozenset[str] = frozenset(),
) -> int:
    """Write RECORDS under TARGET, refusing to overwrite work this store has not merged.
    KEPT: records a person chose not to take from the other side; their files may stay."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise Invalid(f"{target} is a file; give a directory for the bundle")
    files = _record_files(records)
    if target.exists():
        _refuse_links(target, files)
        _refuse_unmerged(target, files, known or {}, kept)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    return len(files)


def _refuse_links(target: Path, files: dict[str, str]) -> None:
    """A folder or file of the bundle that is a link (git keeps them) would send our records
    wherever it points: refuse instead of writing through it."""
    for relative in sorted({r.split("/")[0] for r in files} | set(files)):
        if (target / relative).is_symlink():
            raise Refused(
                f"{target / relative} is a link; a bundle is written only as plain folders and files"
            )


def _refuse_unmerged(
    target: Path,
    files: dict[str, str],
    known: dict[str, tuple[str | None, str | None]],
    kept: frozenset[str] = frozenset(),
) -> None:
    """A file in the way that holds something this store never saw (a colleague's record pulled
    in by git and not yet merged) would be lost by overwriting it: refuse instead. A file is
    safe to overwrite when it holds what the store has now, or what it last agreed or exported."""
    problems = []
    for path in sorted(target.rglob("*.json")):
        relative = path.relative_to(target).as_posix()
        if relative == "bundle.json" or path.name.startswith("."):
            continue
        if path.is_symlink() or not path.is_file():
            problems.append(f"{relative} is a link or not a regular file")
            continue
        if path.stat().st_size > MAX_FILE_BYTES:  # read whole below: no bigger than a record
            problems.append(f"{relative} is larger than {MAX_FILE_BYTES // 1_000_000} MB")
            continue
        existing = path.read_text(encoding="utf-8", errors="replace")
        # A file this store has merged but did not take (the other side's flag history of a record
        # both hold: exchange/merge.py _travels) is no unmerged work.
        if relative not in files and path.stem not in kept and path.stem not in known:
            problems.append(f"{relative} is not in this store")
            continue
        if relative not in files or existing == files[relative]:
            continue
        sides = _split_git_conflict(existing)
        versions = [sides[1]] if sides is not None else [existing]
        # A record's key is its file's name; engagement.json's, "engagement", is the engagement's.
        seen = [json.loads(t) for t in known.get(path.stem, (None, None)) if t is not None] + [
            json.loads(files[relative])
        ]
        try:
            if any(json.loads(v) not in seen for v in versions):
                problems.append(f"{relative} holds changes this store has not merged")
        except json.JSONDecodeError:
            problems.append(f"{relative} is not a whole JSON record")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise Refused(
            "{target} holds work this store has not merged: {problem}{more}; bring it in first "
            "with {remedy}, or export to an empty directory",
            target=target,
            problem=problems[0],
            more=more,
            remedy=Remedy("merge", source=target),
        )


# ---- reading and checking --------------------------------------------------------------


class BundleErrors(RowErrors):
    """Problems in a bundle, each at a file and field."""

    outcome = "nothing was changed"

    def where(self, error) -> str:
        row, column, _ = error
        parts = [self.source]
        if row is not None:
            parts.append(str(row))
        if column:
            parts.append(f"field {column}")
        return ", ".join(parts) + ": "


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
    text = _read_text(path, relative, errs)
    if text is None:
        return None
    sides = _split_git_conflict(text)
    if sides is None:
        return _parse(text, relative, errs)
    if not allow_conflicts:
        errs.append(
            (
                relative,
                None,
                Message(
                    "has git conflict markers; bring it in with {remedy}, "
                    "which turns them into conflicts to resolve",
                    remedy=Remedy("merge"),
                ),
            )
        )
        return None
    parsed = []
    for side in sides:
        try:
            parsed.append(json.loads(side))
        except RecursionError:
            errs.append((relative, None, "nested too deeply to be a reformctl record"))
            return None
        except json.JSONDecodeError as exc:
            errs.append(
                (
                    relative,
                    None,
                    f"git conflict markers around something that is not a whole record ({exc})",
                )
            )
            return None
    return tuple(parsed)


def _read_text(path: Path, relative: str, errs: list) -> str | None:
    if (
        path.is_symlink() or not path.is_file()
    ):  # git keeps links: one to /dev/zero or ~/.ssh is no record
        errs.append((relative, None, "is a link or not a regular file; a bundle holds plain files"))
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        errs.append(
            (
                relative,
                None,
                f"is larger than {MAX_FILE_BYTES // 1_000_000} MB; no record is that big",
            )
        )
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errs.append((relative, None, "not UTF-8 text"))
        return None


def _parse(text: str, relative: str, errs: list) -> dict | None:
    try:
        record = json.loads(text)
    except RecursionError:  # '[' * 100000: Python's decoder recurses once per level
        errs.append((relative, None, "nested too deeply to be a reformctl record"))
        return None
    except json.JSONDecodeError as exc:
        errs.append(
            (
                relative,
                None,
                f"not valid JSON ({exc.msg} at line {exc.lineno}); is the file truncated?",
            )
        )
        return None
    if not isinstance(record, dict):
        errs.append((relative, None, "must hold one JSON object"))
        return None
    return record


def read_bundle(store: Store, source: Path, allow_conflicts: bool = False) -> Records:
    """Read and check a bundle directory; raises BundleErrors listing every problem."""
    source = Path(source)
    label = str(source)
    errs: list = []
    head, engagement = _read_head(source, label, errs)
    if _check_fields(engagement, columns(store, "engagements"), "engagement.json", errs):
        errs.extend(record_problems("engagement", engagement, "engagement.json"))
    if engagement.get("id") != head.get("engagement_id") or engagement.get("site") != head.get(
        "site"
    ):
        errs.append(("engagement.json", "id", "does not match bundle.json"))
    records = Records(engagement=engagement)
    known_dirs = {k.name for k in KINDS}
    for child in sorted(source.iterdir()):
        if child.is_dir() and child.name not in known_dirs and not child.name.startswith("."):
            errs.append(
                (
                    child.name + "/",
                    None,
                    f"unknown kind of record; a bundle holds {', '.join(sorted(known_dirs))}",
                )
            )
    for kind in KINDS:
        found = _read_kind(store, source, kind, records, errs, allow_conflicts)
        if found is not None:
            records.kinds[kind.name] = found
    if not errs:
        # A bundle git has merged may hold two drafts with one number: merge renumbers them.
        errs.extend(check_records(records, numbers_unique=not allow_conflicts))
    if errs:
        raise BundleErrors(label, errs)
    return records


def _read_head(source: Path, label: str, errs: list) -> tuple[dict, dict]:
    """bundle.json (the format marker) and engagement.json; without both, nothing else is read."""
    if not source.is_dir():
        raise Invalid(f"{source}: no such bundle directory")
    marker = source / "bundle.json"
    if not marker.is_file():
        raise Invalid(
            "{source} is not a reformctl bundle (no bundle.json); write one with {remedy}",
            source=source,
            remedy=Remedy("export_bundle"),
        )
    head = _load(marker, "bundle.json", errs, False)
    if errs:
        raise BundleErrors(label, errs)
    if head.get("format") != FORMAT or head.get("version") != VERSION:
        raise BundleErrors(label, [("bundle.json", "format", f"not a version {VERSION} {FORMAT}")])
    engagement = (
        _load(source / "engagement.json", "engagement.json", errs, False)
        if (source / "engagement.json").is_file()
        else None
    )
    if engagement is None:
        errs.append(("engagement.json", None, "missing or unreadable"))
        raise BundleErrors(label, errs)
    return head, engagement


def _read_kind(
    store: Store, source: Path, kind, records: Records, errs: list, allow_conflicts: bool
) -> dict[str, dict] | None:
    """Every record of KIND in the bundle, by key, each checked; None for a folder that is a link."""
    expected = columns(store, kind.table) + ([kind.folded] if kind.folded else [])
    found: dict[str, dict] = {}
    folder = source / kind.name
    if folder.is_symlink():
        errs.append((kind.name + "/", None, "is a link; a bundle holds plain folders"))
        return None
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        relative = f"{kind.name}/{path.name}"
        loaded = _load(path, relative, errs, allow_conflicts)
        if loaded is None:
            continue
        if isinstance(loaded, tuple):
            records.git_conflicts[(kind.name, path.stem)] = loaded
            loaded = loaded[1]  # their side
        if not _check_fields(loaded, expected, relative, errs):
            continue
        # Each value first, so a bad one is named by its own field (exchange/bundle_checks.py).
        problems = record_problems(kind.name, loaded, relative)
        if problems:
            errs.extend(problems)
            continue
        key = record_key(kind, loaded)
        if key != path.stem:
            errs.append((relative, "id", f"the file is named for {path.stem} but holds {key}"))
        else:  # named for its key, and no two files of a folder share a name: no key twice
            found[key] = loaded
    return found


def _check_fields(record: dict, expected: list[str], where: str, errs: list) -> bool:
    missing = [c for c in expected if c not in record]
    unknown = sorted(set(record) - set(expected))
    for name in missing:
        errs.append((where, name, "missing"))
    for name in unknown:
        errs.append((where, name, "unknown field"))
    return not (missing or unknown)


def check_bundle(source: Path) -> Records:
    """Read and check a bundle against an empty scratch store, for a store that does not exist yet."""
    from reformctl.store import open_store

    return read_bundle(open_store(":memory:"), source)


def export_bundle(store: Store, site: str, target: Path) -> dict:
    """Write SITE as a bundle under TARGET and remember what was shared (the next merge's base)."""
    engagement = get_engagement(store, site)
    with store.write():
        records = store_records(store, engagement)
        written = write_bundle(
            records, target, shared(store, engagement["id"]), kept_out(store, engagement["id"])
        )
        set_bases(store, records, exported=True, agreed=False)
    return {"site": site, "path": str(target), "files": written, "counts": records.count()}


def import_bundle(store: Store, source: Path, actor: str, dry_run: bool = False) -> dict:
    """Load a bundle as a new engagement in the store (use merge for one the store already has)."""
    with store.write():
        records = read_bundle(store, source)
        e = records.engagement
        clash = store.row(
            "SELECT site FROM engagements WHERE id = ? OR site = ?", (e["id"], e["site"])
        )
        if clash is not None:
            raise Refused(
                "the store already has {site}; bring a colleague's bundle in with {remedy}",
                site=clash["site"],
                remedy=Remedy("merge", site=clash["site"], source=source),
            )
        if not dry_run:
            insert_records(store, records, actor)
            set_bases(store, records, exported=True)
    return {"site": e["site"], "dry_run": dry_run, "counts": records.count()}
