"""Open data: the public record as a SQLite database with Datasette metadata.

Every row comes from build_public_report(), the same allow-listed data the public
reports are rendered from; no internal table is read here, so nothing internal can
reach the file (tests/test_open_data.py checks).
"""

from __future__ import annotations

import json
import os
import sqlite3
from operator import itemgetter
from pathlib import Path

from reformctl import __version__
from reformctl.dates import today
from reformctl.errors import Invalid
from reformctl.store import Store
from reformctl.store.paths import refuse_store_target, user_path_errors

LICENSE = "CC0-1.0"
LICENSE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"

# table -> (description, {column: (SQL type, description)}, primary key)
TABLES: dict[str, tuple[str, dict[str, tuple[str, str]], tuple[str, ...]]] = {
    "engagements": (
        "Each engagement: the agency assessed and the program, as announced.",
        {
            "site": ("TEXT", "Short name of the engagement"),
            "agency": ("TEXT", "The law enforcement agency"),
            "city": ("TEXT", "City or county"),
            "state": ("TEXT", "Two-letter state or territory code"),
            "program": ("TEXT", "Collaborative Reform Initiative program"),
            "announced": ("TEXT", "Date the engagement was announced (YYYY-MM-DD)"),
            "public_url": ("TEXT", "The engagement's public page"),
            "as_of": ("TEXT", "Date this data reflects (YYYY-MM-DD)"),
            "total_findings": ("INTEGER", "Published findings"),
            "total_recommendations": ("INTEGER", "Published recommendations"),
            "data_collection": (
                "TEXT",
                "What the team did to collect information, as counts by method",
            ),
        },
        ("site",),
    ),
    "focus_areas": (
        "The focus areas of each engagement, numbered in the order announced.",
        {
            "site": ("TEXT", "Engagement"),
            "number": ("INTEGER", "Focus area number"),
            "title": ("TEXT", "Focus area"),
            "under_development": ("INTEGER", "1 when no findings are published for it yet"),
        },
        ("site", "number"),
    ),
    "findings": (
        "Published findings: what the assessment team found, numbered per focus area (2.1).",
        {
            "site": ("TEXT", "Engagement"),
            "number": ("TEXT", "Finding number, as cited (focus area.finding)"),
            "focus_area": ("INTEGER", "Focus area number"),
            "title": ("TEXT", "The finding"),
            "body": ("TEXT", "Detail of the finding"),
            "methods": ("TEXT", "How it was found (JSON list)"),
            "withdrawn": (
                "INTEGER",
                "1 when the finding was published and later withdrawn (its number is retired)",
            ),
        },
        ("site", "number"),
    ),
    "recommendations": (
        "Published recommendations with their implementation status as of the export date.",
        {
            "site": ("TEXT", "Engagement"),
            "number": (
                "TEXT",
                "Recommendation number, as cited (focus area.finding.recommendation)",
            ),
            "finding": ("TEXT", "The finding it answers"),
            "focus_area": ("INTEGER", "Focus area number"),
            "text": ("TEXT", "What the agency should do"),
            "priority": ("TEXT", "high, medium or low"),
            "owner": ("TEXT", "Responsible unit"),
            "due": ("TEXT", "Target date"),
            "status": ("TEXT", "Complete, Partially Complete, In Progress or Not Started"),
            "status_as_of": ("TEXT", "Date the status was assessed"),
            "withdrawn": ("INTEGER", "1 when the recommendation was published and later withdrawn"),
        },
        ("site", "number"),
    ),
    "status_summary": (
        "The 'Status of recommendations' table of each engagement.",
        {
            "site": ("TEXT", "Engagement"),
            "status": ("TEXT", "Status"),
            "count": ("INTEGER", "Recommendations with this status"),
            "percent": (
                "INTEGER",
                "Percent of all recommendations (whole numbers adding up to 100)",
            ),
        },
        ("site", "status"),
    ),
    "data_collection": (
        "How much data collection the team did, by method.",
        {
            "site": ("TEXT", "Engagement"),
            "method": ("TEXT", "Method"),
            "count": ("INTEGER", "How many"),
        },
        ("site", "method"),
    ),
    "status_definitions": (
        "What each implementation status means.",
        {
            "status": ("TEXT", "Status"),
            "definition": ("TEXT", "Definition used by the assessment team"),
        },
        ("status",),
    ),
}


def report_rows(report: dict) -> dict[str, list[dict]]:
    e, site = report["engagement"], report["engagement"]["site"]
    out: dict[str, list[dict]] = {name: [] for name in TABLES}
    out["engagements"].append(
        {
            "site": site,
            "agency": e["agency"],
            "city": e["city"],
            "state": e["state"],
            "program": e["program_name"],
            "announced": e["announced"],
            "public_url": e["public_url"],
            "as_of": report["as_of"],
            "total_findings": report["total_findings"],
            "total_recommendations": report["total_recommendations"],
            "data_collection": report["data_collection_text"],
        }
    )
    for area in report["focus_areas"]:
        out["focus_areas"].append(
            {
                "site": site,
                "number": area["number"],
                "title": area["title"],
                "under_development": int(area["under_development"]),
            }
        )
        for f in area["findings"]:
            _finding_rows(out, site, area, f)
    for row in report["status_summary"]:
        out["status_summary"].append(
            {"site": site, "status": row["label"], "count": row["count"], "percent": row["percent"]}
        )
    for row in report["data_collection"]:
        out["data_collection"].append(
            {"site": site, "method": row["method"], "count": row["count"]}
        )
    return out


def _finding_rows(out: dict[str, list[dict]], site: str, area: dict, f: dict) -> None:
    """A finding's row and its recommendations' rows, added to OUT."""
    # A withdrawn record keeps only its retired number, as on the public page.
    out["findings"].append(
        {
            "site": site,
            "number": f["number"],
            "focus_area": area["number"],
            "title": f.get("title"),
            "body": f.get("body"),
            "methods": json.dumps(f["methods"]) if "methods" in f else None,
            "withdrawn": int(bool(f.get("withdrawn"))),
        }
    )
    for r in f["recommendations"]:
        out["recommendations"].append(
            {
                "site": site,
                "number": r["number"],
                "finding": f["number"],
                "focus_area": area["number"],
                "text": r.get("text"),
                "priority": r.get("priority"),
                "owner": r.get("owner"),
                "due": r.get("due"),
                "status": r.get("status_label"),
                "status_as_of": r.get("status_as_of"),
                "withdrawn": int(bool(r.get("withdrawn"))),
            }
        )


def metadata(db_name: str, sites: list[str], as_of: str) -> dict:
    """Datasette's metadata.json: titles, descriptions, licence and source."""
    return {
        "title": "Collaborative Reform Initiative: public recommendation tracker",
        "description": (
            f"The published findings, recommendations and implementation status of "
            f"{', '.join(sites) or 'no engagements'}, as of {as_of}. Only the public record: "
            "approved, non-internal findings and recommendations; no notes, evidence or names "
            "of people who took part."
        ),
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": f"reformctl {__version__} export --public-db",
        "databases": {
            db_name: {
                "tables": {
                    name: {"description": desc, "columns": {c: d for c, (_t, d) in cols.items()}}
                    for name, (desc, cols, _pk) in TABLES.items()
                }
            }
        },
    }


def export_public_db(
    store: Store, path: Path, site: str | None = None, as_of: str | None = None
) -> dict:
    """Write the public record of SITE (or every engagement) to a new SQLite file at PATH."""
    # Imported here: the site builds its open data from frozen releases and needs none of it.
    from reformctl.reports.public import build_public_report

    path = Path(path)
    if path.is_dir():
        raise Invalid(f"{path} is a directory; give a file name, e.g. {path / 'public.db'}")
    if not path.parent.exists():
        raise Invalid(f"cannot write {path}: folder {path.parent} does not exist")
    meta_path = path.parent / "metadata.json"
    for target in (path, meta_path):
        refuse_store_target(target, store.path)
    as_of = as_of or today()
    sites = (
        [site]
        if site
        else [r["site"] for r in store.rows("SELECT site FROM engagements ORDER BY site")]
    )
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for slug in sites:
        for name, found in report_rows(build_public_report(store, slug, as_of)).items():
            rows[name].extend(found)
    rows["status_definitions"] = (
        [
            {"status": d["label"], "definition": d["definition"]}
            for d in build_public_report(store, sites[0], as_of)["status_definitions"]
        ]
        if sites
        else []
    )
    try:
        with user_path_errors(path):
            _write_db(path, rows)
    except sqlite3.Error as exc:  # about the new file, not the store: say so with the user's path
        raise Invalid(f"cannot write {path}: {exc}; nothing was written there") from None
    with user_path_errors(meta_path):
        meta_path.write_text(
            json.dumps(metadata(path.stem, sites, as_of), indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    return {
        "path": str(path),
        "metadata": str(meta_path),
        "as_of": as_of,
        "sites": sites,
        "counts": {name: len(found) for name, found in rows.items()},
    }


def _write_db(path: Path, rows: dict[str, list[dict]], durable: bool = True) -> None:
    """Write ROWS to a new SQLite file beside PATH, then rename it into place. Not DURABLE: no
    journal and no sync, for a file read back at once (the pragmas leave its bytes the same)."""
    temporary = path.with_name(f".{path.name}.partial")
    if temporary.exists():
        temporary.unlink()
    conn = sqlite3.connect(str(temporary))
    try:
        if not durable:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
        with conn:
            for name, (_desc, cols, pk) in TABLES.items():
                columns = ", ".join(f"[{c}] {t}" for c, (t, _d) in cols.items())
                conn.execute(f"CREATE TABLE [{name}] ({columns}, PRIMARY KEY ({', '.join(pk)}))")
                names = list(cols)
                conn.executemany(
                    f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in names)}) VALUES ({', '.join('?' for _ in names)})",
                    [tuple(row[c] for c in names) for row in rows[name]]
                    if len(names) < 2
                    else map(itemgetter(*names), rows[name]),
                )
        conn.close()
        os.replace(temporary, path)
    except BaseException:
        conn.close()
        if temporary.exists():
            temporary.unlink()
        raise


def public_db_bytes(rows: dict[str, list[dict]]) -> bytes:
    """ROWS as the bytes of a public database file (the site's open-data/public.db)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "public.db"
        _write_db(path, rows, durable=False)
        return path.read_bytes()
