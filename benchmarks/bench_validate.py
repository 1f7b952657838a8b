"""Time `briefgen validate` on many copies of the real brief, and the per-brief stages in-process.

Run: .venv/bin/python benchmarks/bench_validate.py [--copies N] [--runs N]   (or `make bench`)
     .venv/bin/python benchmarks/bench_validate.py --memory --copies 10000 [--program OTHER/bin/briefgen]
Prints figures only; nothing here asserts a time (the machine is shared and noisy).
The issue's targets: 200 copies of the real brief validated in under 2 s, whole process; with --memory,
10,000 in under 60 s and under 500 MiB peak (resident set, as /usr/bin/time -v reports it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRIEF = ROOT / "briefs" / "china-france-japan-2025-11.yaml"


def console_script() -> str:
    local = Path(sys.executable).parent / "briefgen"
    found = str(local) if local.is_file() else shutil.which("briefgen")
    if not found:
        sys.exit("briefgen console script not found; run `make build` (or pip install -e .) first")
    return found


def median_time(action: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Median and all wall times of ``action``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def whole_process(folder: Path, copies: int, runs: int) -> None:
    script = console_script()

    def validate() -> None:
        proc = subprocess.run([script, "validate", str(folder)], capture_output=True, text=True, cwd=folder)
        if proc.returncode != 0 or f"{copies} briefs, 0 errors" not in proc.stderr:
            sys.exit(f"validate failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")

    def startup() -> None:
        subprocess.run([script, "--help"], capture_output=True, check=True)

    median, times = median_time(validate, runs)
    start_median, _ = median_time(startup, runs)
    print(f"whole process: briefgen validate on {copies} copies ({BRIEF.stat().st_size / 1024:.1f} KB each)")
    print(f"  median {median:.3f} s over {runs} runs ({', '.join(f'{t:.3f}' for t in times)}); target < 2 s")
    print(f"  per brief {median / copies * 1000:.2f} ms; `briefgen --help` startup {start_median:.3f} s")


def memory(folder: Path, copies: int, runs: int, program: str) -> None:
    """Wall time and peak resident memory of `briefgen validate` on the copies, through /usr/bin/time -v."""
    for run in range(runs):
        cmd = ["/usr/bin/time", "-v", program, "validate", str(folder)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=folder)
        if f"{copies} briefs, 0 errors" not in proc.stderr:
            sys.exit(f"validate failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])  # type: ignore[index]
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
        assert wall, proc.stderr[-500:]
        seconds = int(wall[1] or 0) * 3600 + int(wall[2]) * 60 + float(wall[3])
        cpu = sum(float(t) for t in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", proc.stderr))
        print(
            f"run {run + 1}: `{Path(program).name} validate` on {copies} copies: {seconds:.1f} s wall, {cpu:.1f} s CPU,"
            f" peak {peak / 1024:.0f} MiB ({peak / 1024 / copies * 1024:.1f} KiB per brief)"
        )


def in_process(runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    from briefgen.load import parse_source
    from briefgen.validate import validate

    raw = BRIEF.read_bytes()
    today = dt.date(2025, 11, 28)
    repeat = 50

    def load() -> None:
        for _ in range(repeat):
            parse_source(raw, "brief.yaml")

    def load_and_validate() -> None:
        for _ in range(repeat):
            validate(parse_source(raw, "brief.yaml"), today=today)

    load_median, _ = median_time(load, runs)
    both_median, _ = median_time(load_and_validate, runs)
    print(f"in process, per brief (median of {runs} x {repeat}):")
    print(f"  read bytes -> Source (libyaml events, positions)  {load_median / repeat * 1000:.2f} ms")
    print(f"  Source -> Brief (Pydantic, cross-references)      {(both_median - load_median) / repeat * 1000:.2f} ms")
    print(f"  both                                               {both_median / repeat * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory", action="store_true", help="time and peak memory of one validate per run")
    parser.add_argument("--program", help="the briefgen script to measure with --memory [default: this one]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        folder = Path(tmp) / "briefs"
        folder.mkdir()
        for i in range(args.copies):
            shutil.copyfile(BRIEF, folder / f"copy-{i:05d}.yaml")
        if args.memory:
            return memory(folder, args.copies, args.runs, args.program or console_script())
        whole_process(folder, args.copies, args.runs)
    in_process(args.runs)


if __name__ == "__main__":
    main()
