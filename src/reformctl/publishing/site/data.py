"""What the public site is built from: each engagement's recorded releases, nothing else.

Every page reads the frozen report of a release (releases.snapshot, the very report whose JSON
`publish` wrote), never the live records, so a finding approved after the last release stays off
the site until the next `publish`. Two engagement fields are read from the store as they stand:
its phase (a closed engagement is listed as closed) and the date of its next scheduled update;
neither is a finding or a status, and both are public by design.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from reformctl.model.vocab import REPORT_KINDS
from reformctl.publishing.digests import sha256
from reformctl.store import Store

# Names at the site's root that an engagement's page may not take.
RESERVED = {
    "assets",
    "open-data",
    "index.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "search.json",
}
PATH_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")
FORMAT_LABELS = {
    "html": "HTML",
    "pdf": "PDF",
    "docx": "Word",
    "json": "JSON",
    "csv": "CSV",
    "xlsx": "XLSX",
    "md": "Markdown",
}
FORMAT_ORDER = ("html", "pdf", "docx", "json", "csv", "xlsx", "md")


def public_path(engagement: dict) -> str | None:
    """The page's folder named by the last segment of the engagement's public page address
    (https://cops.usdoj.gov/active-oa-site-north-miami-fl-police-department gives
    active-oa-site-north-miami-fl-police-department), when that is a plain lower-case slug."""
    url = (engagement.get("public_url") or "").split("?")[0].split("#")[0].rstrip("/")
    last = url.rsplit("/", 1)[-1] if url.count("/") > 2 else ""
    return last if PATH_SEGMENT.match(last) and last not in RESERVED else None


def _release(row: dict, path: str) -> dict:
    files = json.loads(row["files"])
    by_ext = {name.rsplit(".", 1)[-1]: name for name in files}
    links = [
        {"format": FORMAT_LABELS.get(ext, ext.upper()), "name": by_ext[ext]}
        for ext in FORMAT_ORDER
        if ext in by_ext
    ]
    links += [
        {"format": ext.upper(), "name": by_ext[ext]}
        for ext in sorted(set(by_ext) - set(FORMAT_ORDER))
    ]
    return {
        "number": row["number"],
        "kind": row["kind"],
        "kind_label": REPORT_KINDS.get(row["kind"], row["kind"]),
        "as_of": row["as_of"],
        "published_at": row["published_at"],
        "files": files,
        "links": links,
        "manifest_sha": row["manifest_sha"],
        "output_dir": row["output_dir"],
        "folder": f"{path}/releases/{row['number']}",
        "html": by_ext.get("html"),
    }


def _latest(store: Store) -> dict[str, dict]:
    """Per site, what the index and the feeds show of its latest release, read inside SQLite (the
    whole frozen report is loaded only for a page that must be rendered again)."""
    rows = store.rows(
        """SELECT e.site, r.id AS rid, json_extract(r.snapshot, '$.engagement') AS engagement,
                  json_extract(r.snapshot, '$.status_summary') AS summary,
                  json_extract(r.snapshot, '$.total_recommendations') AS total
           FROM releases r JOIN engagements e ON e.id = r.engagement_id
           WHERE r.number = (SELECT MAX(number) FROM releases WHERE engagement_id = e.id)"""
    )
    return {row["site"]: row for row in rows}


def report(store: Store, item: dict) -> dict:
    """ITEM's latest frozen report, loaded once."""
    if "report" not in item:
        item["report"] = json.loads(
            store.value("SELECT snapshot FROM releases WHERE id = ?", (item["rid"],))
        )
    return item["report"]


def engagements(store: Store) -> list[dict]:
    """Every engagement with at least one release: what its latest frozen report says of it and
    all its releases, ordered by site. Pages go at public_path() unless two would share one."""
    rows = store.rows(
        """SELECT e.id AS eid, e.site, e.phase, e.next_update, r.number, r.kind, r.as_of, r.published_at,
                  r.files, r.output_dir, m.sha256 AS manifest_sha
           FROM releases r JOIN engagements e ON e.id = r.engagement_id
           LEFT JOIN release_manifests m ON m.release_id = r.id
           ORDER BY e.site, r.number"""
    )
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["site"], []).append(row)
    latest = _latest(store)
    out = []
    for site, found in grouped.items():
        last, summary = found[-1], latest[site]
        engagement = json.loads(summary["engagement"])
        out.append(
            {
                "site": site,
                "rid": summary["rid"],
                "engagement": engagement,
                "summary": json.loads(summary["summary"]),
                "total": summary["total"],
                "closed": last["phase"] == "closed" or last["kind"] == "final",
                "next_update": last["next_update"] if last["phase"] != "closed" else None,
                "wanted": public_path(engagement),
                "found": found,
            }
        )
    _place(out)
    return out


def _place(out: list[dict]) -> None:
    taken: dict[str, int] = {}
    for item in out:
        if item["wanted"]:
            taken[item["wanted"]] = taken.get(item["wanted"], 0) + 1
    sites = {item["site"] for item in out}
    for item in out:
        wanted = item.pop("wanted")
        unique = wanted and taken[wanted] == 1 and (wanted == item["site"] or wanted not in sites)
        item["path"] = (
            wanted
            if unique
            else item["site"]
            if item["site"] not in RESERVED
            else f"site-{item['site']}"
        )
        item["releases"] = [_release(row, item["path"]) for row in item.pop("found")]
        item["latest"] = item["releases"][-1]


def published_bytes(store: Store, digest: str, fallback: Path | None) -> bytes | None:
    """The bytes with SHA-256 DIGEST: from the store, else (a release published before the store
    kept them) from the folder it was published to, if the file there still matches."""
    data = store.value("SELECT data FROM published_files WHERE sha256 = ?", (digest,))
    if data is not None:
        return bytes(data)
    if fallback is not None and fallback.is_file():
        data = fallback.read_bytes()
        if sha256(data) == digest:
            return data
    return None
