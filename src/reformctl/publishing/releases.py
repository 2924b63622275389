"""Frozen public releases: publish every public format with a manifest of SHA-256 hashes,
record the release in the store, and verify a release folder (publishing/release_diff.py compares
two releases)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable

from reformctl.dates import now, past_date
from reformctl.errors import Invalid, NotFound, Option, Refused, Remedy, counted
from reformctl.model.confidential import protected_terms
from reformctl.model.engagements import get_engagement
from reformctl.model.events import record_event
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.internal_flag import internal_at
from reformctl.model.text import clean_body
from reformctl.model.vocab import REPORT_KINDS
from reformctl.publishing.check import check
from reformctl.publishing.digests import MANIFEST, sha256
from reformctl.reports.build import build_report
from reformctl.reports.public import public_where, scrub_public, withhold
from reformctl.reports.render import EXTENSIONS, PUBLISHED_FORMATS, render
from reformctl.store import Store
from reformctl.store.paths import (
    make_staging,
    refuse_store_target,
    remove_stale_staging,
    user_path_errors,
)

MANIFEST_FIELDS = (
    "site",
    "agency",
    "release",
    "kind",
    "as_of",
    "published_at",
    "published_by",
    "files",
    "check",
    "override_reason",
)
MAX_RELEASE = 2**63 - 1  # SQLite's INTEGER


def release_number(value) -> int:
    """VALUE as a release number: a positive whole number SQLite can hold, or one clear error."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RELEASE:
        raise Invalid(f"release number {value!r} is not a positive whole number (1, 2, ...)")
    return value


def public_text(store: Store, engagement: dict, value):
    """VALUE (a string, or a list or dict holding strings) as it may be published: the public
    report's own scrub ([[...]] spans dropped, protected names withheld), so one rule covers both."""
    return scrub_public(value, protected_terms(store, engagement["id"]))


def manifest_problems(store: Store, engagement: dict, strings: dict[str, str | None]) -> list[dict]:
    """Problems, in check()'s shape, with strings that would go into manifest.json (reason, actor)."""
    terms = protected_terms(store, engagement["id"])
    problems = []
    for label, text in strings.items():
        where = f"manifest {label}"
        for term in terms:
            if text and withhold(text, [term]) != text:
                problems.append(
                    {
                        "level": "error",
                        "code": "protected-name",
                        "where": where,
                        "message": f"protected name {term!r} appears in the {where}",
                    }
                )
        if text and ("[[" in text or "]]" in text):
            problems.append(
                {
                    "level": "error",
                    "code": "redaction-in-manifest",
                    "where": where,
                    "message": f"the {where} holds a [[...]] marker; manifest.json is public, "
                    "so say it without the confidential part",
                }
            )
    return problems


def check_release(store: Store, site: str, as_of: str, actor: str | None) -> dict:
    """The pre-publication check, and the check of what publishing as ACTOR would put in the manifest."""
    result = check(store, site, as_of)
    extra = manifest_problems(store, get_engagement(store, site), {"published_by": actor})
    errors = sum(1 for p in extra if p["level"] == "error")
    problems = sorted(result["problems"] + extra, key=lambda p: (p["level"] != "error", p["where"]))
    return {
        **result,
        "errors": result["errors"] + errors,
        "warnings": result["warnings"] + len(extra) - errors,
        "problems": problems,
    }


def _check_reason(store: Store, engagement: dict, reason: str | None) -> str | None:
    if reason is None:
        return None
    reason = clean_body(reason, "reason", limit=2_000)
    if not reason:
        raise Invalid(
            "{option} needs {reason} saying why the check is overridden",
            option=Option("override_check"),
            reason=Option("reason"),
        )
    for problem in manifest_problems(store, engagement, {"override reason": reason}):
        raise Refused(f"{problem['message']}; nothing was published")
    return reason


def _check_output(store: Store, output: Path) -> None:
    refuse_store_target(output, store.path)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise Refused(
            f"{output} already exists and is not an empty folder; publish into a new folder"
        )


def publish(
    store: Store,
    site: str,
    output: Path,
    actor: str,
    kind: str = "status-update",
    as_of: str | None = None,
    override_reason: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Publish a release of SITE into the new folder OUTPUT; PROGRESS, when given, hears each stage."""
    progress = progress or (lambda stage: None)
    engagement = get_engagement(store, site)
    require_open(engagement)
    if kind not in REPORT_KINDS:
        raise Invalid(f"kind {kind!r} is unknown; choose one of {', '.join(REPORT_KINDS)}")
    as_of = past_date(as_of, Option("as_of"))
    override_reason = _check_reason(store, engagement, override_reason)
    output = Path(output)
    _check_output(store, output)

    # Check, build, write and record all under the write lock, so that what was checked is what
    # is published and recorded, whatever another process does meanwhile.
    with store.write():
        result = check_release(store, site, as_of, actor)
        if result["errors"] and override_reason is None:
            raise Refused(
                "the check found {errors} in what would be published; fix them "
                "({remedy}) or publish with {override}",
                errors=counted(result["errors"], "error"),
                remedy=Remedy("check", site=site, as_of=as_of),
                override=Remedy("override_check"),
            )
        report = build_report(store, site, as_of, kind)
        number = store.value(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM releases WHERE engagement_id = ?",
            (engagement["id"],),
        )
        report["release"] = {"number": number, "kind": kind}
        files = _write_release(
            store, engagement, report, output, actor, override_reason, result, progress
        )
    return {
        "site": site,
        "release": number,
        "kind": kind,
        "as_of": as_of,
        "output": str(output),
        "files": files,
        "check": {"errors": result["errors"], "warnings": result["warnings"]},
        "override_reason": override_reason,
    }


def _write_release(
    store: Store,
    engagement: dict,
    report: dict,
    output: Path,
    actor: str,
    override_reason: str | None,
    result: dict,
    progress: Callable[[str], None],
) -> dict[str, str]:
    """Write REPORT's release into a staging folder beside OUTPUT, record it, and put the folder in
    OUTPUT's place; inside the caller's write lock. The release's files, by name: their SHA-256."""
    number, kind = report["release"]["number"], report["release"]["kind"]
    with user_path_errors(output):
        output.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(output.parent)  # left by a publish killed before it could clean up
        staging = make_staging(output.parent)
    try:
        with user_path_errors(output):
            files, contents = _write_formats(report, engagement["site"], number, staging, progress)
        release = {
            "id": new_id(),
            "engagement_id": engagement["id"],
            "number": number,
            "kind": kind,
            "as_of": report["as_of"],
            "published_at": now(),
            "published_by": actor,
            "output_dir": str(output.resolve()),
            "files": json.dumps(files, sort_keys=True),
            "snapshot": json.dumps(report, sort_keys=True, ensure_ascii=False),
            "override_reason": override_reason,
        }
        manifest = _manifest(store, engagement, release, files, result)
        with user_path_errors(output):
            (staging / MANIFEST).write_bytes(manifest)
        _record(store, engagement, release, manifest, files)
        keep_published(store, [*contents, manifest])
        with user_path_errors(output):
            # The folder appears whole, in OUTPUT's place when that is an empty folder (checked
            # above: a rename replaces an empty folder, and a failed one leaves it as it was);
            # the store commits right after.
            os.replace(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files


def _write_formats(
    report: dict, site: str, number: int, staging: Path, progress: Callable[[str], None]
) -> tuple[dict[str, str], list[bytes]]:
    from concurrent.futures import ThreadPoolExecutor

    files: dict[str, str] = {}
    contents: list[bytes] = []
    # Typst lays the PDF out outside Python's global lock, so the other formats render meanwhile
    # on the other core; the renderers only read the report.
    rendered: dict[str, str | bytes] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        pdf = pool.submit(render, report, "pdf")
        for fmt in [f for f in PUBLISHED_FORMATS if f != "pdf"] + ["pdf"]:
            progress(f"Writing release {number} of {site}: {EXTENSIONS[fmt]}")
            rendered[fmt] = pdf.result() if fmt == "pdf" else render(report, fmt)
    for fmt in PUBLISHED_FORMATS:
        _keep(staging, f"{site}-release-{number}.{EXTENSIONS[fmt]}", rendered[fmt], files, contents)
    return files, contents


def _keep(
    staging: Path, name: str, content: str | bytes, files: dict[str, str], contents: list[bytes]
) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    (staging / name).write_bytes(data)
    files[name] = sha256(data)
    contents.append(data)


def keep_published(store: Store, contents: list[bytes]) -> None:
    """The published bytes, content-addressed, so the public site can be rebuilt from the store alone."""
    store.conn.executemany(
        "INSERT OR IGNORE INTO published_files (sha256, data) VALUES (?, ?)",
        [(sha256(data), data) for data in contents],
    )


def _manifest(store: Store, engagement: dict, release: dict, files: dict, result: dict) -> bytes:
    """manifest.json's bytes: only the fields named in MANIFEST_FIELDS, every string scrubbed as the
    report is (the manifest is as public as the report beside it)."""
    values = {
        "site": engagement["site"],
        "agency": engagement["agency"],
        "release": release["number"],
        "kind": release["kind"],
        "as_of": release["as_of"],
        "published_at": release["published_at"],
        "published_by": release["published_by"],
        "files": files,
        "check": {"errors": result["errors"], "warnings": result["warnings"]},
        "override_reason": release["override_reason"],
    }
    manifest = {key: values[key] for key in MANIFEST_FIELDS}  # a field not listed stays out
    for key in ("agency", "published_by", "override_reason"):
        manifest[key] = public_text(store, engagement, manifest[key])
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _record(store: Store, engagement: dict, release: dict, manifest: bytes, files: dict) -> None:
    """The release, its public records and the manifest's hash, in the store (the caller's transaction)."""
    store.insert("releases", release)
    store.insert("release_manifests", {"release_id": release["id"], "sha256": sha256(manifest)})
    params = {"eid": engagement["id"], "as_of": release["as_of"], "rid": release["id"]}
    store.execute(
        f"""INSERT INTO release_items (release_id, record_type, record_id, ref)
            SELECT :rid, 'finding', f.id, fa.number || '.' || f.number
            FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
            WHERE f.engagement_id = :eid AND f.dated <= :as_of AND {internal_at("f")} = 0 AND {public_where("f")}""",
        params,
    )
    store.execute(
        f"""INSERT INTO release_items (release_id, record_type, record_id, ref)
            SELECT :rid, 'recommendation', r.id, fa.number || '.' || f.number || '.' || r.number
            FROM recommendations r JOIN findings f ON f.id = r.finding_id
            JOIN focus_areas fa ON fa.id = f.focus_area_id
            WHERE r.engagement_id = :eid AND r.dated <= :as_of AND {internal_at("r")} = 0 AND {internal_at("f")} = 0
              AND {public_where("f")} AND {public_where("r")}""",
        params,
    )
    number = release["number"]
    record_event(
        store,
        actor=release["published_by"],
        engagement_id=engagement["id"],
        record_type="release",
        record_id=release["id"],
        ref=str(number),
        action="publish",
        after={
            "number": number,
            "kind": release["kind"],
            "as_of": release["as_of"],
            "files": files,
            "override_reason": release["override_reason"],
        },
    )


def list_releases(store: Store, site: str) -> list[dict]:
    """The team's list of SITE's releases (internal: reasons and names as recorded)."""
    engagement = get_engagement(store, site)
    rows = store.rows(
        """SELECT number, kind, as_of, published_at, published_by, output_dir, files, override_reason
           FROM releases WHERE engagement_id = ? ORDER BY number""",
        (engagement["id"],),
    )
    for row in rows:
        row["files"] = json.loads(row["files"])
    return rows


def _read_manifest(folder: Path) -> tuple[dict, bytes]:
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise NotFound(
            "{folder} has no {manifest}; is it a folder written by {remedy}?",
            folder=folder,
            manifest=MANIFEST,
            remedy=Remedy("publish"),
        )
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw.decode("utf-8"))
        files, site = manifest["files"], manifest["site"]
        release_number(manifest["release"])
        if not (
            isinstance(files, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
            and isinstance(site, str)
        ):
            raise TypeError
        if any("/" in name or "\\" in name or name in ("", ".", "..") for name in files):
            raise ValueError  # names are plain file names inside the release folder
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, Invalid):
        raise Invalid(f"{manifest_path} is not a reformctl release manifest") from None
    return manifest, raw


def _file_problems(folder: Path, files: dict[str, str]) -> list[dict]:
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
    return problems


def _record_problems(store: Store, manifest: dict, raw: bytes, unchecked: list[str]) -> list[dict]:
    """MANIFEST against the store's record of its release: the manifest's own hash, and the files."""
    site, number, files = manifest["site"], manifest["release"], manifest["files"]
    recorded = store.row(
        """SELECT rel.id, rel.files, rel.kind, rel.as_of, rel.published_at, rel.published_by, rel.override_reason
           FROM releases rel JOIN engagements e ON e.id = rel.engagement_id
           WHERE e.site = ? AND rel.number = ?""",
        (site, number),
    )
    if recorded is None:
        return [{"file": MANIFEST, "problem": f"the store has no release {number} of {site}"}]
    problems = []
    # Names and the reason are scrubbed in a manifest with a kept hash, so only older ones compare them.
    compared = ["kind", "as_of", "published_at"]
    kept = store.value(
        "SELECT sha256 FROM release_manifests WHERE release_id = ?", (recorded["id"],)
    )
    if kept is not None:
        if sha256(raw) != kept:
            problems.append(
                {
                    "file": MANIFEST,
                    "problem": "differs from the manifest published with this release "
                    "(its SHA-256 is not the one the store recorded)",
                }
            )
    else:
        unchecked.append(
            f"{MANIFEST} as a whole: release {number} was published before reformctl kept each "
            "manifest's hash, so only its files, kind, dates, names and reason were compared"
        )
        compared += ["published_by", "override_reason"]
    for key in compared:
        if manifest.get(key) != recorded[key]:
            problems.append(
                {
                    "file": MANIFEST,
                    "problem": f"its {key} differs from the store's record of this release",
                }
            )
    stored = json.loads(recorded["files"])
    for name in sorted(set(stored) | set(files)):
        if stored.get(name) != files.get(name):
            problems.append(
                {"file": name, "problem": "differs from the store's record of this release"}
            )
    return problems


def verify(store: Store | None, folder: Path, store_missing: str = "no store was found") -> dict:
    """Check every file of a release folder against its manifest and, given a STORE, the manifest
    against the store's record. Without one, say which checks could not be made."""
    folder = Path(folder)
    manifest, raw = _read_manifest(folder)
    problems = _file_problems(folder, manifest["files"])
    unchecked: list[str] = []
    if store is None:
        unchecked.append(
            f"{MANIFEST} against the store's record of the release ({store_missing}): "
            "an edited manifest with matching file hashes would not be noticed"
        )
    else:
        problems += _record_problems(store, manifest, raw, unchecked)
    return {
        "site": manifest["site"],
        "release": manifest["release"],
        "ok": not problems,
        "problems": problems,
        "unchecked": unchecked,
        "files": sorted(manifest["files"]),
    }
