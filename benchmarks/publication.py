"""How long the assessment report takes at San Francisco's size as a document (a benchmark, not a test).

    python benchmarks/publication.py [--formats html,docx,pdf] [--publish]

Builds a temporary store holding tests/scale.py's engagement with publication=True: 5 focus
areas, 94 findings with bodies of about 1,200 words of Markdown (paragraphs, lists, a table),
272 recommendations, eight quarters of status history and every standard section (and each
focus area's) of about 1,500 words. Then, each in a fresh process so that peak memory is its own,
times `report --kind assessment` in each format through the installed console script, and with
--publish a whole `publish` (every format). Prints seconds, pages (PDF) and peak memory (MB).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
os.environ.setdefault("REFORMCTL_TODAY", "2018-10-01")

from reformctl.exchange.engagement_file import load_engagement  # noqa: E402
from reformctl.store import open_store  # noqa: E402
from scale import scale_engagement  # noqa: E402

SCRIPT = Path(sys.executable).parent / "reformctl"


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """Seconds and peak memory (MB) of one run of the console script."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(SCRIPT), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"reformctl {' '.join(args)} failed: {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="html,docx,pdf")
    parser.add_argument(
        "--publish", action="store_true", help="also time a whole publish (every format)"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "publication.db"
        store = open_store(db)
        start = time.perf_counter()
        load_engagement(
            store,
            scale_engagement(publication=True),
            "benchmark",
            "benchmark",
            approved_by="reviewer",
            phase="implementation",
        )
        store.close()
        print(f"load the engagement: {time.perf_counter() - start:.1f} s")
        env = {**os.environ, "REFORMCTL_DB": str(db)}
        for fmt in options.formats.split(","):
            out = Path(folder) / f"assessment.{fmt}"
            seconds, mb = timed(
                [
                    "report",
                    "--site",
                    "sf-scale",
                    "--kind",
                    "assessment",
                    "--as-of",
                    "2018-09-30",
                    "--output",
                    str(out),
                ],
                env,
            )
            pages = ""
            if fmt == "pdf":
                from pypdf import PdfReader  # the test extra

                pages = f", {len(PdfReader(out).pages)} pages"
            print(
                f"report --kind assessment --format {fmt}: {seconds:.2f} s, peak {mb:.0f} MB{pages}"
            )
        if options.publish:
            seconds, mb = timed(
                [
                    "publish",
                    "--site",
                    "sf-scale",
                    "--kind",
                    "assessment",
                    "--as-of",
                    "2018-09-30",
                    "--output",
                    str(Path(folder) / "release"),
                    "--override-check",
                    "--reason",
                    "benchmark",
                ],
                env,
            )
            print(f"publish --kind assessment (every format): {seconds:.2f} s, peak {mb:.0f} MB")


if __name__ == "__main__":
    main()
