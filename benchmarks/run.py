"""Time reformctl at national scale, each figure beside its baseline from the same run.

Every operation runs as a whole process (the installed `reformctl` console
script), several times, interleaved with its baseline so that both see the same
machine load:
  - interactive commands and reports: benchmarks/baseline_typer.py, a minimal
    Typer program that inserts one row with sqlite3 (the floor any Typer tool pays);
  - import: `sqlite-utils insert --csv` of the same file.
Peak memory is each child's ru_maxrss, read with os.wait4.

Commands that this reformctl does not have yet (status, search, import, PDF
reports) are detected from `reformctl --help` and skipped, and the output says so.

Example: python benchmarks/run.py                 # writes benchmarks/results.json
         python benchmarks/run.py --repeat 5 --only log-finding --only show
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (a sibling module, not a package)

SITE = synth.SF_SITE  # interactive commands act on the largest realistic assessment


@dataclass
class Op:
    name: str
    argv: list[str]
    limit_ms: float
    ratio: float | None = None  # allowed multiple of the baseline's median
    baseline: str = "typer"  # or "sqlite-utils"
    needs: str | None = None  # command that must exist
    needs_format: str | None = None  # report format that must exist
    setup: object = None  # callable(run_dir, i) -> extra argv, run before each timed repetition
    notes: list[str] = field(default_factory=list)


def operations(work: Path) -> list[Op]:
    out = work / "out"
    big = synth.BIG_SITE
    ops = [
        Op(
            "log-finding",
            [
                "log-finding",
                "--site",
                SITE,
                "--focus-area",
                "2",
                "--title",
                "Body-worn camera video has no retention schedule",
                "--body",
                "The team reviewed the records policy and found no schedule.",
                "--method",
                "document-review",
            ],
            200,
            1.25,
        ),
        Op(
            "recommend",
            [
                "recommend",
                "--site",
                SITE,
                "--finding",
                "2.1",
                "--text",
                "Adopt a retention schedule for body-worn camera video.",
                "--priority",
                "high",
                "--owner",
                "Records Unit",
            ],
            200,
            1.25,
        ),
        Op(
            "set-status",
            [
                "set-status",
                "--site",
                SITE,
                "2.1.1",
                "in-progress",
                "--note",
                "Team reviewed the draft schedule.",
            ],
            200,
            1.25,
        ),
        Op("findings", ["findings", "--site", SITE], 200, 1.25),
        Op("show", ["show", "--site", SITE], 200, 1.25),
        Op("search", ["search", "retention schedule", "--site", SITE], 200, 1.25, needs="search"),
    ]
    for fmt in ("markdown", "html", "json", "csv"):
        ops.append(
            Op(
                f"report {fmt} (3,000 recs)",
                ["report", "--site", big, "--format", fmt, "--output", str(out / f"big.{fmt}")],
                1000,
            )
        )
    ops.append(Op("dashboard (all engagements)", ["dashboard"], 500, needs="dashboard"))
    ops.append(
        Op(
            "report pdf (SF size)",
            ["report", "--site", synth.SF_SITE, "--format", "pdf", "--output", str(out / "sf.pdf")],
            3000,
            needs_format="pdf",
        )
    )
    ops.append(
        Op(
            "import 50,000-row CSV",
            ["import", "--site", "{import_site}", str(work / "import.csv")],
            5000,
            ratio=2.0,
            baseline="sqlite-utils",
            needs="import",
        )
    )
    return ops


def reformctl_script() -> str:
    beside = Path(sys.executable).parent / "reformctl"
    found = str(beside) if beside.exists() else shutil.which("reformctl")
    if not found:
        sys.exit(
            "error: the reformctl console script is not installed; run `pip install -e .` first"
        )
    return found


def available(script: str, env: dict) -> tuple[set[str], set[str]]:
    """The commands `reformctl --help` lists, and the formats `report --help` offers."""
    text = subprocess.run([script, "--help"], capture_output=True, text=True, env=env).stdout
    commands = set(re.findall(r"^  ([a-z][a-z-]+)\s", text.split("Commands:", 1)[-1], re.M))
    report_help = subprocess.run(
        [script, "report", "--help"], capture_output=True, text=True, env=env
    ).stdout
    formats = set(re.findall(r"\b(markdown|html|json|csv|pdf|xlsx)\b", report_help))
    return commands, formats


def timed(argv: list[str], env: dict, cwd: Path) -> tuple[float, float, float, int, str]:
    """Wall milliseconds, CPU milliseconds, peak resident MB, exit code and stderr of one whole process."""
    err_path = cwd / "stderr.txt"
    with open(err_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = (usage.ru_utime + usage.ru_stime) * 1000
    return (
        elapsed,
        cpu,
        usage.ru_maxrss / 1024,
        proc.returncode,
        err_path.read_text(errors="replace").strip(),
    )


def summary(samples: list[float]) -> dict:
    return {
        "median": round(statistics.median(samples), 1),
        "min": round(min(samples), 1),
        "max": round(max(samples), 1),
        "stdev": round(statistics.stdev(samples), 1) if len(samples) > 1 else 0.0,
    }


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "bytecode": "compiled before timing, as pip install does",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=9, help="timed runs of each operation (default 9)"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="run only operations whose name starts so"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the JSON (default benchmarks/results.json for a full run; "
        "a run narrowed by --only writes only where this says)",
    )
    args = parser.parse_args()

    script = reformctl_script()
    # Built in a child process: a child's ru_maxrss starts from its parent's at fork, so the
    # runner must stay small for the peak-memory figures to be the commands' own.
    subprocess.run([sys.executable, str(HERE / "synth.py")], check=True, stdout=subprocess.DEVNULL)
    store = synth.store_path()
    work = synth.CACHE / "run"
    if work.exists():
        shutil.rmtree(work)
    (work / "out").mkdir(parents=True)
    db = work / "national.db"
    shutil.copyfile(store, db)  # writes go to a copy: the cached store stays as generated

    env = {
        **os.environ,
        "REFORMCTL_DB": str(db),
        "REFORMCTL_TODAY": synth.TODAY.isoformat(),
        "REFORMCTL_USER": "bench",
        "XDG_CONFIG_HOME": str(work / "config"),
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }
    # Timed as an installed tool runs: `pip install` compiles the package's bytecode, and a shell
    # that sets PYTHONDONTWRITEBYTECODE (some sandboxes and CI images do) would otherwise make every
    # run compile reformctl's modules from source, 6-8 ms that no user's installed copy pays.
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
    commands, formats = available(script, env)
    baselines = {
        "typer": lambda i: [
            sys.executable,
            str(HERE / "baseline_typer.py"),
            "--db",
            str(work / "baseline.db"),
            "--title",
            "Body-worn camera video has no retention schedule",
        ],
        "sqlite-utils": lambda i: [
            str(Path(sys.executable).parent / "sqlite-utils"),
            "insert",
            str(work / f"baseline-import-{i}.db"),
            "rows",
            str(work / "import.csv"),
            "--csv",
        ],
    }

    results = []
    load_before = os.getloadavg()
    print(f"reformctl: {script}\nstore: {store.name} ({store.stat().st_size / 1e6:.0f} MB)\n")
    print(
        f"{'operation':<28} {'median':>8} {'min-max':>13} {'baseline':>9} {'ratio':>6} {'cpu/base':>11} {'peak MB':>7}  target"
    )
    for op in operations(work):
        if args.only and not any(op.name.startswith(o) for o in args.only):
            continue
        missing = (op.needs and op.needs not in commands) or (
            op.needs_format and op.needs_format not in formats
        )
        if missing:
            what = f"`reformctl {op.needs}`" if op.needs else f"report --format {op.needs_format}"
            reason = f"skipped: {what} does not exist in this reformctl yet"
            print(f"{op.name:<28} {reason}")
            results.append({"operation": op.name, "skipped": reason})
            continue
        if op.baseline == "sqlite-utils" and not (work / "import.csv").exists():
            subprocess.run(
                [sys.executable, str(HERE / "synth.py"), "--import-csv", str(work / "import.csv")],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        times, base_times, cpus, base_cpus, peaks, failure = [], [], [], [], [], None
        for i in range(-1, args.repeat):  # i == -1: one warm-up of each, untimed
            argv = [a.replace("{import_site}", f"import-{i + 1}") for a in op.argv]
            op_env = env
            if "{import_site}" in " ".join(op.argv):
                # Every repetition imports into the same state, a fresh copy of the national store
                # (untimed), as each baseline loads into a fresh file; imported one after another
                # into one store, the ninth met 450,000 more recommendations than the first.
                target = work / "import-target.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(store, target)
                op_env = {**env, "REFORMCTL_DB": str(target)}
                subprocess.run(
                    [
                        script,
                        "new-engagement",
                        "--site",
                        f"import-{i + 1}",
                        "--agency",
                        "Import PD",
                        *sum((["--focus-area", f"Focus area {n}"] for n in range(1, 9)), []),
                    ],
                    env=op_env,
                    cwd=work,
                    capture_output=True,
                    check=True,
                )
            base_ms, base_cpu, _, base_code, base_err = timed(baselines[op.baseline](i), env, work)
            ms, cpu, peak, code, err = timed([script, *argv], op_env, work)
            if code != 0 or base_code != 0:
                failure = (
                    f"exit {code}: {err.splitlines()[-1] if err else ''}"
                    if code
                    else f"baseline failed: {base_err}"
                )
                break
            if i >= 0:
                times.append(ms)
                base_times.append(base_ms)
                cpus.append(cpu)
                base_cpus.append(base_cpu)
                peaks.append(peak)
        if failure:
            print(f"{op.name:<28} FAILED {failure}")
            results.append({"operation": op.name, "failed": failure, "argv": op.argv})
            continue
        t, b = summary(times), summary(base_times)
        c, bc = summary(cpus), summary(base_cpus)
        ratio = round(t["median"] / b["median"], 2)
        peak = round(max(peaks), 1)
        met = t["median"] < op.limit_ms and peak < 200 and (op.ratio is None or ratio <= op.ratio)
        target = (
            f"< {op.limit_ms:.0f} ms" + (f", <= {op.ratio}x" if op.ratio else "") + ", < 200 MB"
        )
        print(
            f"{op.name:<28} {t['median']:>6.0f}ms {t['min']:>5.0f}-{t['max']:<5.0f}ms {b['median']:>7.0f}ms "
            f"{ratio:>5.2f}x {c['median']:>5.0f}/{bc['median']:<4.0f}ms {peak:>7.1f}  {target} {'ok' if met else 'MISSED'}"
        )
        results.append(
            {
                "operation": op.name,
                "argv": ["reformctl", *op.argv],
                "ms": t,
                "baseline": op.baseline,
                "baseline_ms": b,
                "ratio": ratio,
                "cpu_ms": c,
                "baseline_cpu_ms": bc,
                "cpu_ratio": round(c["median"] / bc["median"], 2),
                "peak_mb": peak,
                "target": target,
                "met": met,
            }
        )

    document = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": "python benchmarks/run.py"
        + (f" --repeat {args.repeat}" if args.repeat != 9 else ""),
        "machine": {
            **machine(),
            "load_average_1m": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        },
        "store": {
            "file": store.name,
            "engagements": synth.ENGAGEMENTS + 2,
            "findings": synth.FINDINGS,
            "recommendations": synth.RECOMMENDATIONS,
            "status_updates": synth.STATUS_UPDATES,
            "note": "plus big-3000 (3,000 recommendations) and sf-size (94 findings, 272 recommendations)",
        },
        "repeat": args.repeat,
        "results": results,
    }
    print(
        f"\nload average (1 min) before and after: {load_before[0]:.2f}, {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} CPUs; other work on the machine inflates every figure, baselines included"
    )
    # A narrowed run must not replace the full run the README's table comes from.
    output = args.output or (None if args.only else HERE / "results.json")
    if output is not None:
        output.write_text(json.dumps(document, indent=2) + "\n")
        print(f"\nwrote {output}")
    else:
        print(
            "\nnot written: a run narrowed by --only leaves benchmarks/results.json as the last full run "
            "wrote it; add --output FILE to keep these figures"
        )
    missed = [r["operation"] for r in results if r.get("failed") or r.get("met") is False]
    if missed:
        print("targets missed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
