"""How long `site build` takes at national scale (a benchmark, not a test).

    python benchmarks/site.py [--engagements 1000] [--releases 3] [--keep DIR]

Builds a temporary store of ENGAGEMENTS engagements with RELEASES releases each, then times,
each through the installed console script in a fresh process: `site build` into a new folder
(from scratch), again with nothing changed, `site build --check` after one more release, and
the incremental `site build` that follows it. Targets: from scratch <= 20 s, incremental <= 2 s.

Rendering 3,000 releases would take most of an hour (PDF alone is seconds a release), so the
store is made the cheap way: the demo engagement's report, cut to its first focus area, is
rendered once in the text formats (Markdown, HTML, JSON, CSV) and each release's files are
those bytes with the engagement's own name and site written in (its JSON and snapshot are its
own report). Each release is then recorded exactly as `publish` records one (releases.py's
_manifest, _record and keep_published), so the site sees what it would after real publishes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("REFORMCTL_TODAY", "2026-12-01")
os.environ.setdefault("REFORMCTL_USER", "benchmark")

from reformctl.model.engagements import EngagementSpec, create_engagement  # noqa: E402
from reformctl.model.ids import new_id  # noqa: E402
from reformctl.publishing import releases as rel  # noqa: E402
from reformctl.reports.build import build_report  # noqa: E402
from reformctl.reports.render import render  # noqa: E402
from reformctl.store import open_store  # noqa: E402

SCRIPT = Path(sys.executable).parent / "reformctl"
DEMO_SITE, DEMO_AGENCY = "brightwater-demo", "Brightwater City Police Department (fictional demo)"
STATES = ("AL", "AZ", "CA", "CO", "FL", "GA", "IL", "MI", "NY", "OH", "PA", "TX", "VA", "WA")
PROGRAMS = ("organizational-assessment", "technical-assistance", "critical-response")
DATES = ("2026-03-31", "2026-06-30", "2026-09-30", "2026-11-30")
FORMATS = {"markdown": "md", "html": "html", "csv": "csv"}


def template(store) -> tuple[dict, dict[str, str]]:
    """The demo's report cut to its first focus area, and its text formats rendered once."""
    report = build_report(store, DEMO_SITE, "2026-09-30", "status-update")
    report["focus_areas"] = report["focus_areas"][:1]
    report["release"] = {"number": 1, "kind": "status-update"}
    return report, {fmt: render(report, fmt) for fmt in FORMATS}


def add_release(
    store, engagement: dict, number: int, as_of: str, report: dict, texts: dict[str, str]
) -> None:
    """One release of ENGAGEMENT recorded as publish records it, its files in the store."""
    site, agency = engagement["site"], engagement["agency"]
    mine = {
        **report,
        "as_of": as_of,
        "release": {"number": number, "kind": "status-update"},
        "engagement": {
            **report["engagement"],
            "site": site,
            "agency": agency,
            "city": engagement["city"],
            "state": engagement["state"],
            "program": engagement["program"],
            "public_url": engagement["public_url"],
        },
    }
    contents = {
        f"{site}-release-{number}.json": (
            json.dumps(mine, indent=2, ensure_ascii=False) + "\n"
        ).encode()
    }
    for fmt, ext in FORMATS.items():
        contents[f"{site}-release-{number}.{ext}"] = (
            texts[fmt]
            .replace(DEMO_AGENCY, agency)
            .replace(DEMO_SITE, site)
            .replace("2026-09-30", as_of)
            .encode()
        )
    files = {name: rel.sha256(data) for name, data in contents.items()}
    release = {
        "id": new_id(),
        "engagement_id": engagement["id"],
        "number": number,
        "kind": "status-update",
        "as_of": as_of,
        "published_at": f"{as_of}T12:00:{number:02d}+00:00",
        "published_by": "benchmark",
        "output_dir": f"/nonexistent/{site}-{number}",
        "files": json.dumps(files, sort_keys=True),
        "snapshot": json.dumps(mine, sort_keys=True, ensure_ascii=False),
        "override_reason": None,
    }
    manifest = rel._manifest(store, engagement, release, files, {"errors": 0, "warnings": 0})
    rel._record(store, engagement, release, manifest, files)
    rel.keep_published(store, [*contents.values(), manifest])


def make_store(db: Path, count: int, per: int) -> tuple[float, dict]:
    subprocess.run([str(SCRIPT), "--db", str(db), "demo"], check=True, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    store = open_store(db)
    report, texts = template(store)
    made = []
    with store.write():
        for i in range(count):
            spec = EngagementSpec(
                site=f"agency-{i:04d}",
                agency=f"City {i:04d} Police Department",
                city=f"City {i:04d}",
                state=STATES[i % len(STATES)],
                program=PROGRAMS[i % 3],
                announced="2025-01-15",
                focus_areas=["Community Engagement and Problem Solving"],
                public_url=f"https://cops.example.gov/active-site-city-{i:04d}",
            )
            engagement = create_engagement(store, spec, "benchmark")
            made.append(engagement)
            for number in range(1, per + 1):
                add_release(store, engagement, number, DATES[number - 1], report, texts)
    store.close()
    return time.perf_counter() - start, {"report": report, "texts": texts, "last": made[0]}


def timed(args: list[str]) -> str:
    """Wall-clock and CPU seconds of one run (CPU time is the fairer figure on a shared machine)."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(SCRIPT), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"reformctl {' '.join(args)} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return f"{seconds:.2f} s wall, {usage.ru_utime + usage.ru_stime:.2f} s CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engagements", type=int, default=1000)
    parser.add_argument("--releases", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--keep", type=Path, help="keep the store and the site in this new folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reformctl-site-bench-"))
    try:
        db, out = work / "bench.db", work / "site"
        seconds, made = make_store(db, args.engagements, args.releases)
        print(
            f"store: {args.engagements} engagements x {args.releases} releases recorded in {seconds:.1f} s "
            f"({db.stat().st_size / 1e6:.0f} MB)"
        )
        scratch = timed(["--db", str(db), "site", "build", str(out)])
        files = sum(1 for p in out.rglob("*") if p.is_file())
        print(
            f"site build from scratch: {scratch} ({files} files, "
            f"{sum(p.stat().st_size for p in out.rglob('*') if p.is_file()) / 1e6:.0f} MB)  [target <= 20 s]"
        )
        print(f"site build, nothing changed: {timed(['--db', str(db), 'site', 'build', str(out)])}")
        print(f"reformctl --version (start-up, for scale): {timed(['--version'])}")
        store = open_store(db)
        with store.write():
            engagement = store.row("SELECT * FROM engagements WHERE id = ?", (made["last"]["id"],))
            add_release(
                store, engagement, args.releases + 1, "2026-11-30", made["report"], made["texts"]
            )
        store.close()
        print(
            f"site build --check after one new release: {timed(['--db', str(db), 'site', 'build', str(out), '--check'])}"
        )
        print(
            f"site build, incremental after one new release: "
            f"{timed(['--db', str(db), 'site', 'build', str(out)])}  [target <= 2 s]"
        )
        if args.keep:
            shutil.copytree(work, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
