"""Frozen public releases: publish every public format with a manifest of SHA-256 hashes,
record the release in the store, verify a release folder, and compare two releases."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from reformctl.dates import now, past_date
from reformctl.errors import Invalid, NotFound, Refused
from reformctl.model.engagements import get_engagement
from reformctl.model.events import record_event
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.internal_flag import internal_at
from reformctl.model.text import clean_body
from reformctl.reports.check import check
from reformctl.reports.kinds import build_report
from reformctl.reports.public import public_where
from reformctl.reports.render import EXTENSIONS, PUBLISHED_FORMATS, render
from reformctl.store import Store

KINDS = ("status-update", "progress", "final")
MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def publish(store: Store, site: str, output: Path, actor: str, kind: str = "status-update",
            as_of: str | None = None, override_reason: str | None = None) -> dict:
    engagement = get_engagement(store, site)
    require_open(engagement)
    if kind not in KINDS:
        raise Invalid(f"kind {kind!r} is unknown; choose one of {', '.join(KINDS)}")
    as_of = past_date(as_of, "--as-of")
    if override_reason is not None:
        override_reason = clean_body(override_reason, "reason", limit=2_000)
        if not override_reason:
            raise Invalid("--override-check needs --reason saying why the check is overridden")
    output = Path(output)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise Refused(f"{output} already exists and is not an empty folder; publish into a new folder")

    # Check, build, write and record all under the write lock, so that what was checked is what
    # is published and recorded, whatever another process does meanwhile.
    with store.write():
        result = check(store, site, as_of)
        if result["errors"] and override_reason is None:
            raise Refused(f"the check found {result['errors']} error(s) in what would be published; fix them "
                          f"(`reformctl check --site {site} --as-of {as_of}`) or publish with --override-check --reason TEXT")
        report = build_report(store, site, as_of, kind)
        output.parent.mkdir(parents=True, exist_ok=True)
        number = store.value("SELECT COALESCE(MAX(number), 0) + 1 FROM releases WHERE engagement_id = ?",
                             (engagement["id"],))
        report["release"] = {"number": number, "kind": kind}
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
        try:
            files: dict[str, str] = {}
            for fmt in PUBLISHED_FORMATS:
                content = render(report, fmt)
                data = content.encode("utf-8") if isinstance(content, str) else content
                name = f"{site}-release-{number}.{EXTENSIONS[fmt]}"
                (staging / name).write_bytes(data)
                files[name] = sha256(data)
            published_at = now()
            manifest = {
                "site": site, "agency": engagement["agency"], "release": number, "kind": kind, "as_of": as_of,
                "published_at": published_at, "published_by": actor, "files": files,
                "check": {"errors": result["errors"], "warnings": result["warnings"]},
                "override_reason": override_reason,
            }
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            release = {
                "id": new_id(), "engagement_id": engagement["id"], "number": number, "kind": kind, "as_of": as_of,
                "published_at": published_at, "published_by": actor, "output_dir": str(output.resolve()),
                "files": json.dumps(files, sort_keys=True),
                "snapshot": json.dumps(report, sort_keys=True, ensure_ascii=False),
                "override_reason": override_reason,
            }
            store.insert("releases", release)
            params = {"eid": engagement["id"], "as_of": as_of, "rid": release["id"]}
            store.execute(
                f"""INSERT INTO release_items (release_id, record_type, record_id, ref)
                    SELECT :rid, 'finding', f.id, fa.number || '.' || f.number
                    FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
                    WHERE f.engagement_id = :eid AND f.dated <= :as_of AND {internal_at('f')} = 0 AND {public_where('f')}""",
                params)
            store.execute(
                f"""INSERT INTO release_items (release_id, record_type, record_id, ref)
                    SELECT :rid, 'recommendation', r.id, fa.number || '.' || f.number || '.' || r.number
                    FROM recommendations r JOIN findings f ON f.id = r.finding_id
                    JOIN focus_areas fa ON fa.id = f.focus_area_id
                    WHERE r.engagement_id = :eid AND r.dated <= :as_of AND {internal_at('r')} = 0 AND {internal_at('f')} = 0
                      AND {public_where('f')} AND {public_where('r')}""",
                params)
            record_event(store, actor=actor, engagement_id=engagement["id"], record_type="release",
                         record_id=release["id"], ref=str(number), action="publish",
                         after={"number": number, "kind": kind, "as_of": as_of, "files": files,
                                "override_reason": override_reason})
            if output.exists():
                output.rmdir()  # empty, checked above
            os.replace(staging, output)  # the folder appears whole; the store commits right after
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return {"site": site, "release": number, "kind": kind, "as_of": as_of, "output": str(output),
            "files": files, "check": manifest["check"], "override_reason": override_reason}


def list_releases(store: Store, site: str) -> list[dict]:
    engagement = get_engagement(store, site)
    rows = store.rows(
        """SELECT number, kind, as_of, published_at, published_by, output_dir, files, override_reason
           FROM releases WHERE engagement_id = ? ORDER BY number""", (engagement["id"],))
    for row in rows:
        row["files"] = json.loads(row["files"])
    return rows


def verify(store: Store, folder: Path) -> dict:
    """Check every file of a release folder against its manifest and the store's record."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise NotFound(f"{folder} has no {MANIFEST}; is it a folder written by `reformctl publish`?")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        site, number = manifest["site"], int(manifest["release"])
        if not (isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
                and isinstance(site, str)):
            raise TypeError
        if any("/" in name or "\\" in name or name in ("", ".", "..") for name in files):
            raise ValueError  # names are plain file names inside the release folder
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise Invalid(f"{manifest_path} is not a reformctl release manifest") from None
    problems: list[dict] = []
    for name, expected in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            problems.append({"file": name, "problem": "missing"})
        elif sha256(path.read_bytes()) != expected:
            problems.append({"file": name, "problem": "does not match its manifest hash"})
    for path in sorted(folder.iterdir()):
        if path.name != MANIFEST and path.name not in files:
            problems.append({"file": path.name, "problem": "not in the manifest"})
    recorded = store.row(
        """SELECT rel.files, rel.kind, rel.as_of, rel.published_at, rel.published_by, rel.override_reason
           FROM releases rel JOIN engagements e ON e.id = rel.engagement_id
           WHERE e.site = ? AND rel.number = ?""", (site, number))
    if recorded is None:
        problems.append({"file": MANIFEST, "problem": f"the store has no release {number} of {site}"})
    else:
        for key in ("kind", "as_of", "published_at", "published_by", "override_reason"):
            if manifest.get(key) != recorded[key]:
                problems.append({"file": MANIFEST, "problem": f"its {key} differs from the store's record of this release"})
        stored = json.loads(recorded["files"])
        for name in sorted(set(stored) | set(files)):
            if stored.get(name) != files.get(name):
                problems.append({"file": name, "problem": "differs from the store's record of this release"})
    return {"site": site, "release": number, "ok": not problems, "problems": problems,
            "files": sorted(files)}


def _index(snapshot: dict) -> tuple[dict, dict]:
    findings, recs = {}, {}
    for area in snapshot["focus_areas"]:
        for f in area["findings"]:
            findings[f["number"]] = f
            for r in f.get("recommendations", []):
                recs[r["number"]] = r
    return findings, recs


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def diff(store: Store, site: str, a: int, b: int) -> dict:
    engagement = get_engagement(store, site)
    snapshots = {}
    for number in (a, b):
        row = store.row("SELECT snapshot, as_of FROM releases WHERE engagement_id = ? AND number = ?",
                        (engagement["id"], number))
        if row is None:
            raise NotFound(f"{site} has no release {number}; `reformctl releases --site {site}` lists them")
        snapshots[number] = json.loads(row["snapshot"])
    fa, ra = _index(snapshots[a])
    fb, rb = _index(snapshots[b])
    changes = {"new_findings": [], "new_recommendations": [], "status_changes": [], "withdrawn": [],
               "reworded": [], "no_longer_public": []}
    for number in sorted(fb, key=_key):
        was, now_ = fa.get(number), fb[number]
        if now_.get("withdrawn"):
            if was is not None and not was.get("withdrawn"):
                changes["withdrawn"].append({"number": number, "kind": "finding"})
        elif was is None:
            changes["new_findings"].append({"number": number, "title": now_["title"]})
        elif (was.get("title"), was.get("body")) != (now_.get("title"), now_.get("body")):
            changes["reworded"].append({"number": number, "kind": "finding"})
    for number in sorted(rb, key=_key):
        was, now_ = ra.get(number), rb[number]
        if now_.get("withdrawn"):
            if was is not None and not was.get("withdrawn"):
                changes["withdrawn"].append({"number": number, "kind": "recommendation"})
        elif was is None:
            changes["new_recommendations"].append({"number": number, "text": now_["text"], "status": now_["status"]})
        else:
            if was.get("status") != now_.get("status"):
                changes["status_changes"].append({"number": number, "from": was.get("status"), "to": now_["status"]})
            if was.get("text") != now_.get("text"):
                changes["reworded"].append({"number": number, "kind": "recommendation"})
    # Published before but absent now. Approved wording stays public through later edits and
    # withdrawals keep their numbers, so this only happens to releases dated before an approval.
    for number in sorted(set(fa) - set(fb), key=_key):
        changes["no_longer_public"].append({"number": number, "kind": "finding"})
    for number in sorted(set(ra) - set(rb), key=_key):
        changes["no_longer_public"].append({"number": number, "kind": "recommendation"})
    return {"site": site, "from": {"release": a, "as_of": snapshots[a]["as_of"]},
            "to": {"release": b, "as_of": snapshots[b]["as_of"]}, **changes}
