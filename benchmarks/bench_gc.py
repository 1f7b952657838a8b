"""Python's garbage collector against a warm PDF render: time and peak memory of one process per setting.

Run: .venv/bin/python benchmarks/bench_gc.py [BRIEF] [--renders 6]
Settings: the collector as Python sets it; frozen after the warm-up; raised thresholds; off; and what briefgen
does (paused during each layout, its young objects collected after it, the warm-up frozen). Each setting runs
in its own process (memory does not come back), in turn; CPU seconds per render are the median. Prints figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE = """
import contextlib, gc, resource, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import briefgen.pdf as pdf
from briefgen.check import check
from briefgen.produce import make_outputs
from briefgen.project import resolve_project
setting, brief, renders = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
if setting != "briefgen":
    pdf.collector_paused = contextlib.nullcontext  # the collector left as the setting says
project = resolve_project(start=brief.parent, formats=["pdf"])
valid = check([brief], project).briefs[0]
make_outputs(valid, project)
gc.collect()
if "frozen" in setting or setting == "briefgen":
    gc.freeze()
if "10k" in setting:
    gc.set_threshold(10_000, 10, 10)
if "50k" in setting:
    gc.set_threshold(50_000, 20, 20)
if setting == "off":
    gc.disable()
warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times = []
for _ in range(renders):
    start = time.process_time()
    make_outputs(valid, project)
    times.append(time.process_time() - start)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{statistics.median(times):.3f} {warm:.0f} {peak:.0f}")
"""

SETTINGS = {
    "default": "as Python sets it (700, 10, 10)",
    "frozen": "frozen after the warm-up",
    "frozen 10k": "frozen, thresholds (10000, 10, 10)",
    "frozen 50k": "frozen, thresholds (50000, 20, 20)",
    "off": "off (nothing ever collected)",
    "briefgen": "paused per layout, young collected after",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brief", nargs="?", type=Path, default=ROOT / "briefs/china-france-japan-2025-11.yaml")
    parser.add_argument("--renders", type=int, default=6)
    args = parser.parse_args()
    brief = str(args.brief.resolve())
    print(f"{args.brief.name}: {args.renders} warm PDF renders per process, CPU s per render (median), RSS MiB")
    results = {}
    for name in SETTINGS:
        out = subprocess.run(
            [sys.executable, "-c", ONE, str(ROOT), name, brief, str(args.renders)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        results[name] = (float(out[0]), float(out[1]), float(out[2]))
    base = results["default"][0]
    for name, what in SETTINGS.items():
        cpu, warm, peak = results[name]
        print(f"  {what:44} {cpu:6.3f} s ({cpu / base:.2f}x)  warm {warm:4.0f}  peak {peak:4.0f}  (+{peak - warm:.0f})")


if __name__ == "__main__":
    main()
