"""The site's machine-readable files: Atom feeds, sitemap.xml, robots.txt, search.json and the
open-data folder, every one built from the frozen reports the pages show."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from reformctl.reports import open_data

ATOM = "http://www.w3.org/2005/Atom"
TITLE = "Collaborative Reform Initiative: public reports"


def _entry(base: str, item: dict, release: dict) -> str:
    e = item["engagement"]
    url = (
        f"{base}{release['folder']}/{release['html']}"
        if release["html"]
        else f"{base}{item['path']}/"
    )
    title = f"{e['agency']}: {release['kind_label']}, release {release['number']} (as of {release['as_of']})"
    return (
        f"  <entry>\n    <title>{escape(title)}</title>\n"
        f"    <id>{escape(base + release['folder'] + '/')}</id>\n"
        f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>\n'
        f"    <updated>{escape(release['published_at'])}</updated>\n"
        f"    <category term={quoteattr(release['kind'])} label={quoteattr(release['kind_label'])}/>\n"
        f"    <summary>{escape(title)}; the report and its files are at {escape(base + release['folder'])}/</summary>\n"
        "  </entry>\n"
    )


def atom(
    base: str, self_path: str, title: str, page: str, entries: list[tuple[dict, dict]]
) -> bytes:
    """An Atom feed of ENTRIES ((engagement, release) pairs), newest first."""
    entries = sorted(
        entries,
        key=lambda pair: (pair[1]["published_at"], pair[0]["site"], pair[1]["number"]),
        reverse=True,
    )
    updated = entries[0][1]["published_at"] if entries else "1970-01-01T00:00:00Z"
    head = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{ATOM}">\n'
        f"  <title>{escape(title)}</title>\n  <id>{escape(base + self_path)}</id>\n"
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + self_path)}/>\n'
        f'  <link rel="alternate" type="text/html" href={quoteattr(base + page)}/>\n'
        f"  <updated>{escape(updated)}</updated>\n  <author><name>{escape(TITLE)}</name></author>\n"
    )
    return (
        head + "".join(_entry(base, item, release) for item, release in entries) + "</feed>\n"
    ).encode("utf-8")


def sitemap(base: str, items: list[dict]) -> bytes:
    urls = [(base, max((i["latest"]["as_of"] for i in items), default=None))]
    urls += [(f"{base}{i['path']}/", i["latest"]["as_of"]) for i in items]
    body = "".join(
        f"  <url><loc>{escape(loc)}</loc>"
        + (f"<lastmod>{day}</lastmod>" if day else "")
        + "</url>\n"
        for loc, day in urls
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
    ).encode("utf-8")


def robots(base: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode("utf-8")


def search_part(item: dict, report: dict) -> bytes:
    """SLUG/search.json: the public findings and recommendations of ITEM's latest release
    (withdrawn ones keep only their retired number in a release, so they are left out)."""
    entries = []
    e, path = item["engagement"], item["path"]
    for area in report["focus_areas"]:
        for f in area["findings"]:
            if not f.get("withdrawn"):
                entries.append(
                    {
                        "site": item["site"],
                        "agency": e["agency"],
                        "state": e.get("state"),
                        "type": "finding",
                        "number": f["number"],
                        "text": f["title"],
                        "url": f"{path}/#finding-{f['number']}",
                    }
                )
            for r in f.get("recommendations", []):
                if not r.get("withdrawn"):
                    entries.append(
                        {
                            "site": item["site"],
                            "agency": e["agency"],
                            "state": e.get("state"),
                            "type": "recommendation",
                            "number": r["number"],
                            "text": r["text"],
                            "status": r.get("status_label"),
                            "url": f"{path}/#recommendation-{r['number']}",
                        }
                    )
    return (
        json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    ).encode("utf-8")


def search_index(parts: list[bytes]) -> bytes:
    """search.json: every engagement's part joined into one list, byte for byte as one dump of it."""
    inner = [part.strip()[1:-1] for part in parts]
    return b"[" + b",".join(chunk for chunk in inner if chunk) + b"]\n"


def data_part(report: dict) -> bytes:
    """SLUG/data.json: the engagement's rows of each open-data table, from its latest release."""
    return (
        json.dumps(
            open_data.report_rows(report), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        + "\n"
    ).encode("utf-8")


def open_data_files(
    items: list[dict], parts: list[bytes], definitions: list[dict]
) -> dict[str, bytes]:
    """open-data/public.db and its Datasette metadata.json, from each engagement's data part
    through the export's own table layout."""
    rows: dict[str, list[dict]] = {name: [] for name in open_data.TABLES}
    for part in parts:
        for name, found in json.loads(part).items():
            rows[name].extend(found)
    rows["status_definitions"] = [
        {"status": d["label"], "definition": d["definition"]} for d in definitions
    ]
    as_of = max((item["latest"]["as_of"] for item in items), default="")
    meta = open_data.metadata("public", [item["site"] for item in items], as_of)
    meta["source"] = "reformctl site build, from each engagement's latest published release"
    return {
        "open-data/public.db": open_data.public_db_bytes(rows),
        "open-data/metadata.json": (json.dumps(meta, indent=2, sort_keys=True) + "\n").encode(
            "utf-8"
        ),
    }
