"""How long the assessment report takes at San Francisco's size as a document (a benchmark, not a test).

    python benchmarks/publication.py [--formats html,docx,pdf] [--publish] [--repeat 3]

Builds a temporary store holding tests/scale.py's engagement with publication=True: 5 focus
areas, 94 findings with bodies of about 1,200 words of Markdown (paragraphs, lists, a table),
272 recommendations, eight quarters of status history and every standard section (and each
focus area's) of about 1,500 words. Then, each in a fresh process so that peak memory is its own,
times `report --kind assessment` in each format through the installed console script, and with
--publish a whole `publish` (every format), --repeat times each, interleaved so that every
format sees the same machine load. Prints, beside each target (issue 11: PDF <= 3 s and < 300 MB,
HTML <= 1 s, Word <= 2 s, publish <= 6 s), the median wall time, the median CPU time (user +
system, which a loaded machine inflates less), the highest peak memory (ru_maxrss from wait4) and
the PDF's pages, with the load average before and after; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
# name: (seconds, peak MB or None): issue 11's targets on this 2-core machine.
TARGETS = {"html": (1.0, None), "docx": (2.0, None), "pdf": (3.0, 300), "publish": (6.0, None)}


def timed(args: list[str], env: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak memory (MB) of one run of the script."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(SCRIPT), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"reformctl {' '.join(args)} failed: {proc.stderr.read().decode()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def build(db: Path) -> None:
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


def compile_bytecode(env: dict) -> None:
    """Time reformctl as an installed copy runs: `pip install` compiles its bytecode, and a shell
    that sets PYTHONDONTWRITEBYTECODE (some sandboxes do) would otherwise make every run compile
    the report modules from source (as benchmarks/run.py does too)."""
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import compileall, pathlib, reformctl; "
            "compileall.compile_dir(pathlib.Path(reformctl.__file__).parent, quiet=1)",
        ],
        check=True,
        env=env,
    )


def argv(name: str, folder: Path, run: int) -> list[str]:
    common = ["--site", "sf-scale", "--kind", "assessment", "--as-of", "2018-09-30"]
    if name == "publish":  # each into a folder of its own: publish refuses one that has files
        out = str(folder / f"release-{run}")
        release = ["--output", out, "--override-check", "--reason", "benchmark"]
        return ["publish", *common, *release]
    return ["report", *common, "--output", str(folder / f"assessment.{name}")]


def row(name: str, runs: list[tuple[float, float, float]], pages: str) -> tuple[str, bool]:
    """One line of the table, and whether its targets are met (by the median wall time)."""
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    peak = max(r[2] for r in runs)
    seconds, mb = TARGETS.get(name, (None, None))
    met = (seconds is None or wall <= seconds) and (mb is None or peak < mb)
    target = ", ".join(
        t for t in (f"<= {seconds:g} s" if seconds else "", f"< {mb} MB" if mb else "") if t
    )
    label = "publish (every format)" if name == "publish" else f"report --format {name}"
    spread = f"{min(r[0] for r in runs):.2f}-{max(r[0] for r in runs):.2f}"
    line = (
        f"| {label} | {wall:.2f} s | {spread} s | {cpu:.2f} s | {peak:.0f} MB | {pages} | "
        f"{target or '-'} | {'yes' if met else 'NO'} |"
    )
    return line, met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="html,docx,pdf")
    parser.add_argument(
        "--publish", action="store_true", help="also time a whole publish (every format)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    options = parser.parse_args()
    names = options.formats.split(",") + (["publish"] if options.publish else [])
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "publication.db"
        build(db)
        env = {**os.environ, "REFORMCTL_DB": str(db)}
        compile_bytecode(env)
        load_before = os.getloadavg()[0]
        runs: dict[str, list] = {name: [] for name in names}
        for run in range(options.repeat):
            for name in names:
                runs[name].append(timed(argv(name, Path(folder), run), env))
        load_after = os.getloadavg()[0]
        pages = ""
        if "pdf" in names:
            from pypdf import PdfReader  # the test extra

            pages = str(len(PdfReader(Path(folder) / "assessment.pdf").pages))
    print(
        f"{options.repeat} run(s) each on {os.cpu_count()} CPUs; load average "
        f"{load_before:.2f} before, {load_after:.2f} after\n"
    )
    print("| operation | median wall | min-max | median CPU | peak memory | pages | target | met |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    missed = 0
    for name in names:
        line, met = row(name, runs[name], pages if name == "pdf" else "")
        print(line)
        missed += not met
    if missed:
        raise SystemExit(f"\n{missed} target(s) missed")


if __name__ == "__main__":
    main()
