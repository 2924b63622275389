"""The public site: static pages, feeds and open data built from the store's recorded releases.

build_site() plans every file of the site in memory (release files by their SHA-256, fetched
from the store only when the site's copy differs), then writes only what changed. The same store
gives the same bytes: nothing in the output depends on the clock, the machine or the order of
the file system.
"""

from __future__ import annotations

from pathlib import Path

from reformctl.errors import Invalid
from reformctl.publishing.digests import MANIFEST, sha256
from reformctl.publishing.site import data, feeds, output, pages
from reformctl.store import Store

DEFAULT_BASE_URL = "http://localhost:8000/"


def base_url(value: str | None) -> str:
    """VALUE as the site's address ending in '/', or one clear error."""
    value = (value or DEFAULT_BASE_URL).strip()
    if not (
        value.startswith(("https://", "http://"))
        and len(value) > 8
        and not any(c in value for c in " <>\"'`")
    ):
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
    for name, digest in sorted(wanted.items()):
        if digest in kept:
            planned[f"{folder}/{name}"] = output.Stored(
                digest, lambda d=digest: data.published_bytes(store, d, None)
            )
            continue
        found = data.published_bytes(store, digest, Path(release["output_dir"]) / name)
        if found is None:
            return None
        planned[f"{folder}/{name}"] = found
    return planned


def _page_key(version: str, base: str, item: dict, available: dict[int, bool]) -> str:
    """A hash of everything an engagement's page and feed are made from. A release's manifest
    holds its kind, dates and every file's SHA-256 (the JSON of the frozen report among them),
    so its hash stands for the whole release."""
    inputs = [version, base, item["path"], str(item["closed"]), str(item["next_update"])]
    inputs += [
        f"{r['number']}:{r['manifest_sha']}:{available[r['number']]}" for r in item["releases"]
    ]
    return sha256("\n".join(inputs).encode("utf-8"))


def plan(
    store: Store, base: str, previous: output.Previous, cards: dict
) -> tuple[dict, list[str], int]:
    """Every file of the site (relative path -> bytes, Stored or Rendered), the releases left
    without files, and how many engagements it shows. CARDS receives the index's cards, if it
    is rendered."""
    items = data.engagements(store)
    kept = {row[0] for row in store.execute("SELECT sha256 FROM published_files")}
    env = pages.Lazy(pages.environment)
    version = pages.templates_version()
    files: dict = {
        "assets/site.css": pages.asset("site.css"),
        "assets/site.js": pages.asset("site.js"),
    }
    unavailable, keys = [], []
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
        item["key"] = key = _page_key(version, base, item, available)
        keys.append(key)
        files.update(_engagement_files(store, env, base, item, available))
    files.update(
        _whole_site(
            store, env, base, items, sha256("\n".join(keys).encode("utf-8")), previous, cards
        )
    )
    return files, unavailable, len(items)


def _engagement_files(store: Store, env, base: str, item: dict, available: dict) -> dict:
    path, key = item["path"], item["key"]
    return {
        f"{path}/index.html": output.Rendered(
            key, lambda: pages.engagement_page(env, base, item, data.report(store, item), available)
        ),
        f"{path}/feed.xml": output.Rendered(
            key,
            lambda: feeds.atom(
                base,
                f"{path}/feed.xml",
                f"{item['engagement']['agency']}: releases",
                f"{path}/",
                [(item, r) for r in item["releases"]],
            ),
        ),
        f"{path}/search.json": output.Rendered(
            key, lambda: feeds.search_part(item, data.report(store, item))
        ),
        f"{path}/data.json": output.Rendered(
            key, lambda: feeds.data_part(data.report(store, item))
        ),
    }


def _whole_site(
    store: Store,
    env,
    base: str,
    items: list[dict],
    key: str,
    previous: output.Previous,
    cards: dict,
) -> dict:
    """The files made from every engagement, made again only when some engagement's page is, and
    then from each engagement's parts (read back from the site when that engagement is unchanged)."""

    def parts(name: str, make) -> list[bytes]:
        return [
            previous.read(f"{item['path']}/{name}", item["key"]) or make(item) for item in items
        ]

    made: dict[str, bytes] = {}

    def open_data_file(name: str) -> bytes:
        if not made:
            found = parts("data.json", lambda item: feeds.data_part(data.report(store, item)))
            definitions = data.report(store, items[0])["status_definitions"] if items else []
            made.update(feeds.open_data_files(items, found, definitions))
        return made[name]

    return {
        "index.html": output.Rendered(
            key,
            lambda: pages.index_page(
                env, base, items, lambda item: previous.card(item["site"], item["key"]), cards
            ),
        ),
        "feed.xml": output.Rendered(
            key,
            lambda: feeds.atom(
                base,
                "feed.xml",
                feeds.TITLE,
                "",
                [(item, r) for item in items for r in item["releases"]],
            ),
        ),
        "sitemap.xml": output.Rendered(key, lambda: feeds.sitemap(base, items)),
        "robots.txt": feeds.robots(base),
        "search.json": output.Rendered(
            key,
            lambda: feeds.search_index(
                parts("search.json", lambda item: feeds.search_part(item, data.report(store, item)))
            ),
        ),
        "open-data/public.db": output.Rendered(key, lambda: open_data_file("open-data/public.db")),
        "open-data/metadata.json": output.Rendered(
            key, lambda: open_data_file("open-data/metadata.json")
        ),
    }


def build_site(store: Store, out: Path, base: str | None = None, check: bool = False) -> dict:
    """Build (or, with CHECK, compare) the public site in OUT: what was written, removed and kept."""
    out = Path(out)
    base = base_url(base)
    output.check_folder(out, store.path)
    previous, cards = output.Previous(out), {}
    files, unavailable, engagements = plan(store, base, previous, cards)
    done = output.apply(out, files, check, previous, cards)
    return {
        "folder": str(out),
        "base_url": base,
        "check": check,
        "engagements": engagements,
        "files": len(files),
        **done,
        "unavailable": unavailable,
        "changed": bool(done["written"] or done["removed"]),
    }
