"""The store the direct release tests share (test_release_rules.py, test_release_diff_rules.py),
built once per module through the library: North Miami with records that a release holds and
records it must leave out, and Miami with two releases of its own, so that numbering and the
store's record are per engagement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reformctl.model import findings as F
from reformctl.model import recommendations as R
from reformctl.model.confidential import protect
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.review import review, submit
from reformctl.model.sections import write_section
from reformctl.model.sites import get_engagement
from reformctl.model.statuses import set_status
from reformctl.publishing import releases
from reformctl.reports.render import render
from reformctl.store import open_store

SITE = "north-miami"
AS_OF = "2024-07-01"
AREAS = ["Community Engagement", "Use of Force", "Recruitment and Hiring", "Officer Wellness"]
PUBLISHED_AT = "2026-11-27T10:00:00.000000+00:00"
FORMATS = {  # what each format's file is named in release N of north-miami
    "markdown": "md",
    "html": "html",
    "json": "json",
    "csv": "csv",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "docx": "docx",
}


def approve(store, e, ref, dated="2024-06-01"):
    submit(store, e, ref, "ann", dated=dated)
    review(store, e, ref, "approve", "bob", dated=dated)


def fast_render(report: dict, fmt: str) -> str | bytes:
    """The text formats as they are; the three binary formats (slow to lay out, and no release
    rule depends on their layout) as bytes that still differ by format and report."""
    if fmt in ("pdf", "xlsx", "docx"):
        return f"{fmt}:{json.dumps(report, sort_keys=True)}".encode()
    return render(report, fmt)


def build(store) -> None:
    for site, agency, city in [
        (SITE, "North Miami Police Department", "North Miami"),
        ("miami", "Miami Police Department", "Miami"),
    ]:
        spec = EngagementSpec(
            site=site, agency=agency, city=city, focus_areas=AREAS, announced="2024-03-28"
        )
        create_engagement(store, spec, "setup")
    e = get_engagement(store, SITE)
    protect(store, e, "Jane Roe", "ann")
    F.log_finding(
        store, e, "1", "No written strategy", "Café hours vary.", "ann", dated="2024-06-01"
    )
    R.recommend(store, e, "1.1", "Write a strategy.", "ann", owner="Chief", dated="2024-06-01")
    R.recommend(store, e, "1.1", "Not yet reviewed.", "ann", dated="2024-06-01")
    R.recommend(store, e, "1.1", "Dated on the day.", "ann", dated=AS_OF)
    R.recommend(store, e, "1.1", "Dated the day after.", "ann", dated="2024-07-02")
    F.log_finding(store, e, "1", "Dated on the day", None, "ann", dated=AS_OF)
    F.log_finding(store, e, "2", "Internal finding", None, "ann", internal=True, dated="2024-06-01")
    R.recommend(store, e, "2.1", "Under an internal finding.", "ann", dated="2024-06-01")
    F.log_finding(store, e, "2", "Public finding", None, "ann", dated="2024-06-01")
    R.recommend(store, e, "2.2", "Internal one.", "ann", internal=True, dated="2024-06-01")
    F.log_finding(store, e, "3", "Draft finding", None, "ann", dated="2024-06-01")
    R.recommend(store, e, "3.1", "Under a draft finding.", "ann", dated="2024-06-01")
    F.log_finding(store, e, "4", "Dated the day after", None, "ann", dated="2024-07-02")
    for ref in ("1.1", "1.1.1", "1.1.3", "1.2", "2.1", "2.1.1", "2.2", "2.2.1", "3.1.1"):
        approve(store, e, ref, dated=AS_OF if ref in ("1.1.3", "1.2") else "2024-06-01")
    approve(store, e, "1.1.4", dated="2024-07-02")
    approve(store, e, "4.1", dated="2024-07-02")
    set_status(store, e, "1.1.1", "in-progress", "ann", as_of="2024-06-15")
    write_section(store, e, "introduction", "Our opening words.", "ann", dated="2024-06-01")
    approve(store, e, "introduction")
    m = get_engagement(store, "miami")
    F.log_finding(store, m, "1", "Miami finding", None, "ann", dated="2024-06-01")
    approve(store, m, "1.1")


def make_template(folder: Path) -> Path:
    """The store, with Miami's releases 1 and 2 published into FOLDER/miami-1 and miami-2."""
    path = folder / "template.db"
    store = open_store(path)
    try:
        build(store)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(releases, "render", fast_render)
            mp.setattr(releases, "now", lambda: PUBLISHED_AT)
            for number in (1, 2):
                out = folder / f"miami-{number}"
                releases.publish(store, "miami", out, "ann", as_of=AS_OF)
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return path
