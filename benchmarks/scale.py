"""How long each report kind takes in each format at San Francisco's scale (a benchmark, not a test).

    python benchmarks/scale.py

Builds a temporary store holding an engagement with 5 focus areas, 94 findings, 272
recommendations and two years of quarterly status history (tests/scale.py), then times
building each kind and rendering it in each format.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
os.environ.setdefault("REFORMCTL_TODAY", "2026-11-27")

from reformctl.exchange.engagement_file import load_engagement  # noqa: E402
from reformctl.model.vocab import REPORT_KINDS as KINDS  # noqa: E402
from reformctl.reports.build import build_report  # noqa: E402
from reformctl.reports.render import FORMATS, render  # noqa: E402
from reformctl.store import open_store  # noqa: E402
from scale import scale_engagement  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "scale.db")
        start = time.perf_counter()
        load_engagement(
            store,
            scale_engagement(),
            "benchmark",
            "benchmark",
            approved_by="reviewer",
            phase="implementation",
        )
        print(f"load the engagement: {time.perf_counter() - start:.2f} s")
        print(f"{'kind':<14} {'build':>8} " + " ".join(f"{fmt:>9}" for fmt in FORMATS))
        for kind in KINDS:
            start = time.perf_counter()
            report = build_report(store, "sf-scale", "2018-09-30", kind)
            cells = [f"{time.perf_counter() - start:7.3f}s"]
            for fmt in FORMATS:
                start = time.perf_counter()
                render(report, fmt)
                cells.append(f"{time.perf_counter() - start:8.3f}s")
            print(f"{kind:<14} " + " ".join(cells))
        store.close()


if __name__ == "__main__":
    main()
