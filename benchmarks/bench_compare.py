"""Time `briefgen build --force` of two briefgen installations on the same briefs, run for run and
interleaved (so the shared machine's noise falls on both alike): a refactor's "no slower", measured; in wall
time and in CPU time (of `-j 1`, the steadier figure on a loaded machine), with the machine's load average
(one minute) before and after.

Run: .venv/bin/python benchmarks/bench_compare.py --baseline OTHER/bin/briefgen [--count 40] [--runs 3]
     [--brief benchmarks/small-brief.yaml] [--format md,html] [--jobs 2,1] [--program THIS/bin/briefgen] [--distinct]
OTHER is a second virtual environment holding the earlier code (for example a copy of .venv whose
briefgen .pth points at a `git worktree` of the earlier commit). Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_build import make_variants

from briefgen.load import parse_source

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other installation's briefgen script")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--brief", type=Path, default=ROOT / "benchmarks" / "small-brief.yaml")
    parser.add_argument("--format", help="the formats to build (all by default), e.g. md,html")
    parser.add_argument("--jobs", default="2,1", help="the -j values to time, in the order run")
    parser.add_argument("--program", type=Path, help="this installation's briefgen script [default: this one]")
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="every prose field of each variant differs from the others' (a variant number in it), not only titles",
    )
    args = parser.parse_args()
    job_counts = args.jobs.split(",")
    formats = ["--format", args.format] if args.format else []
    programs = {"baseline": str(args.baseline), "this": str(args.program or BIN / "briefgen")}
    times: dict[tuple[str, str], list[float]] = {(k, j): [] for k in programs for j in job_counts}
    cpu: dict[tuple[str, str], list[float]] = {(k, j): [] for k in programs for j in job_counts}
    env = {**os.environ, "CI": "1"}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="briefgen-compare-") as scratch:
        work = Path(scratch)
        paths = make_variants(work / "briefs", args.count, args.brief.resolve())
        if args.distinct:
            for number, path in enumerate(paths):
                path.write_text(distinct(path.read_text(encoding="utf-8"), number), encoding="utf-8")
        for run in range(args.runs):
            for jobs in job_counts:
                for name in list(programs)[:: 1 if run % 2 == 0 else -1]:  # who goes first alternates
                    cmd = [programs[name], "build", "briefs", "--out", f"out-{name}", "-j", jobs, "--force", *formats]
                    start, used = time.perf_counter(), _children_cpu()
                    subprocess.run(cmd, cwd=work, env=env, capture_output=True, check=True)
                    times[(name, jobs)].append(time.perf_counter() - start)
                    cpu[(name, jobs)].append(_children_cpu() - used)
    shown = f" --format {args.format}" if args.format else ""
    kind = "distinct variants" if args.distinct else "variants"
    print(
        f"{args.count} {kind} of {args.brief.name}, `build --force{shown}`, {args.runs} interleaved runs"
        f" (load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after)"
    )
    for jobs in sorted(job_counts):
        for what, measured in (("wall", times), ("CPU", cpu)):
            old, new = measured[("baseline", jobs)], measured[("this", jobs)]
            ratios = [b / a for a, b in zip(old, new, strict=True)]
            speedups = sorted(1 / r for r in ratios)
            print(
                f"  -j {jobs} {what:4}: baseline median {statistics.median(old):6.2f} s, this"
                f" {statistics.median(new):6.2f} s; baseline / this run by run:"
                f" {' '.join(f'{1 / r:.2f}' for r in ratios)}; median {statistics.median(speedups):.2f}x"
            )


_BETWEEN_WORDS = re.compile(r"(?<=[A-Za-z]{2}) (?=[A-Za-z])")


def distinct(text: str, number: int) -> str:
    """The brief ``text`` with "v<number>" written after the first space between two words of every string of
    25 characters or more (prose, and no enumerated value is that long), so no field's text recurs across
    variants: what briefgen keeps across the briefs of a build then has nothing to reuse but short strings."""
    source = parse_source(text.encode("utf-8"), "variant")
    inserts = []
    for loc, (start, end) in source.spans.items():
        value: Any = source.data
        for part in loc:
            value = value[part]
        if isinstance(value, str) and len(value) >= 25:
            found = _BETWEEN_WORDS.search(text, start, end)
            if found:
                inserts.append(found.end())
    for at in sorted(inserts, reverse=True):
        text = f"{text[:at]}v{number} {text[at:]}"
    return text


def _children_cpu() -> float:
    """User and system time of the finished child processes so far (a loaded machine stretches it less)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
