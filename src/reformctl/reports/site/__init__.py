"""The public site: static pages, feeds and open data built from the store's recorded releases.

build_site() plans every file of the site in memory (release files by their SHA-256, fetched
from the store only when the site's copy differs), then writes only what changed. The same store
gives the same bytes: nothing in the output depends on the clock, the machine or the order of
the file system.
"""

from __future__ import annotations

from pathlib import Path

from reformctl.errors import Invalid
from reformctl.reports.releases import MANIFEST
from reformctl.reports.site import data, feeds, output, pages
from reformctl.store import Store

DEFAULT_BASE_URL = "http://localhost:8000/"


def base_url(value: str | None) -> str:
    """VALUE as the site's address ending in '/', or one clear error."""
    value = (value or DEFAULT_BASE_URL).strip()
    if not (value.startswith(("https://", "http://")) and len(value) > 8 and not any(c in value for c in " <>\"'`")):
        raise Invalid(f"base URL {value!r} is not a web address; e.g. https://reports.example.gov/")
    return value if value.endswith("/") else value + "/"


def _release_files(store: Store, item: dict, release: dict, kept: set[str]) -> dict | None:
    """The release folder's files, as Stored or bytes; None when the store cannot give them all."""
    folder = release["folder"]
    wanted = dict(release["files"])
    if release["manifest_sha"] is None:
        return None  # published before the manifest's hash was kept: the manifest cannot be vouched for
    wanted[MANIFEST] = release["manifest_sha"]
    planned: dict = {}
    source = Path(release["output_dir"])
    for name, digest in sorted(wanted.items()):
        if digest in kept:
            planned[f"{folder}/{name}"] = output.Stored(
                digest, lambda d=digest: data.published_bytes(store, d, None))
            continue
        found = data.published_bytes(store, digest, source / name)
        if found is None:
            return None
        planned[f"{folder}/{name}"] = found
    return planned


def plan(store: Store, base: str) -> tuple[dict, list[str]]:
    """Every file of the site (relative path -> bytes or Stored) and the releases left without files."""
    items = data.engagements(store)
    kept = {row[0] for row in store.execute("SELECT sha256 FROM published_files")}
    env = pages.environment()
    files: dict = {"assets/site.css": pages.asset("site.css"), "assets/site.js": pages.asset("site.js")}
    unavailable = []
    for item in items:
        pages.decorate(item)
        available = {}
        for release in item["releases"]:
            found = _release_files(store, item, release, kept)
            available[release["number"]] = found is not None
            if found is None:
                unavailable.append(f"{item['site']} release {release['number']}")
            else:
                files.update(found)
        files[f"{item['path']}/index.html"] = pages.engagement_page(env, base, item, available)
        files[f"{item['path']}/feed.xml"] = feeds.atom(
            base, f"{item['path']}/feed.xml", f"{item['engagement']['agency']}: releases", f"{item['path']}/",
            [(item, r) for r in item["releases"]])
    files["index.html"] = pages.index_page(env, base, items)
    files["feed.xml"] = feeds.atom(base, "feed.xml", feeds.TITLE, "",
                                   [(item, r) for item in items for r in item["releases"]])
    files["sitemap.xml"] = feeds.sitemap(base, items)
    files["robots.txt"] = feeds.robots(base)
    files["search.json"] = feeds.search_index(items)
    files.update(feeds.open_data_files(items))
    return files, unavailable


def build_site(store: Store, out: Path, base: str | None = None, check: bool = False) -> dict:
    """Build (or, with CHECK, compare) the public site in OUT: what was written, removed and kept."""
    out = Path(out)
    base = base_url(base)
    output.check_folder(out, store.path)
    files, unavailable = plan(store, base)
    done = output.apply(out, files, check)
    engagements = len([rel for rel in files if rel.count("/") == 1 and rel.endswith("/index.html")])
    return {"folder": str(out), "base_url": base, "check": check, "engagements": engagements, "files": len(files),
            **done, "unavailable": unavailable, "changed": bool(done["written"] or done["removed"])}
