"""Print benchmarks/results.json as the Markdown table the README carries.

Example: python benchmarks/table.py > /tmp/table.md
"""

import json
import sys
from pathlib import Path

path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "results.json"
doc = json.loads(path.read_text())
m = doc["machine"]
print(
    f"Measured {doc['generated']} on {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, SQLite {m['sqlite']}, "
    f"load average {m['load_average_1m'][0]} before and {m['load_average_1m'][1]} after; "
    f"median of {doc['repeat']} runs each, as whole processes.\n"
)
print(
    "| operation | median | min–max | baseline (same run) | ratio | CPU / baseline CPU | peak memory | target | met |"
)
print("|---|---:|---:|---:|---:|---:|---:|---|---|")
for r in doc["results"]:
    if "skipped" in r or "failed" in r:
        print(
            f"| {r['operation']} | – | – | – | – | – | – | | {r.get('skipped') or 'FAILED: ' + r['failed']} |"
        )
        continue
    base = (
        "bare Typer + sqlite3 insert" if r["baseline"] == "typer" else "`sqlite-utils insert --csv`"
    )
    print(
        f"| {r['operation']} | {r['ms']['median']:.0f} ms | {r['ms']['min']:.0f}–{r['ms']['max']:.0f} ms | "
        f"{r['baseline_ms']['median']:.0f} ms ({base}) | {r['ratio']:.2f}× | "
        f"{r['cpu_ms']['median']:.0f} / {r['baseline_cpu_ms']['median']:.0f} ms | {r['peak_mb']:.0f} MB | "
        f"{r['target']} | {'yes' if r['met'] else '**no**'} |"
    )
