"""Time `briefgen build` on generated variants of the real brief: -j 1 against -j 2, no-op and one-brief
rebuilds, and the per-brief time next to running the plain `weasyprint` CLI once per brief.

Run: .venv/bin/python benchmarks/bench_build.py [--count 40] [--cli-samples 4] [--brief FILE]
(e.g. --brief benchmarks/small-brief.yaml, or briefs/example-port-strike.yaml; the real brief by default)
     .venv/bin/python benchmarks/bench_build.py --noop 10000 [--runs 3] [--brief FILE] [--program OTHER/bin/briefgen]
(only the no-op rebuild: N variants built once as Markdown and HTML, then rebuilt with nothing changed,
each run's wall time and peak memory; the first rebuild also stamps every output, the later ones read none)
or:  .venv/bin/python benchmarks/bench_build.py --ratios 10,40 [--pairs 2] [--brief FILE]
for -j 2 against -j 1 alone: `build --force --format pdf` of each count, the two run in turn, who goes first
alternating, so that each ratio is of two builds made close together.
Prints figures only; nothing here asserts a time (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REAL = ROOT / "briefs" / "china-france-japan-2025-11.yaml"


def run(cmd: list[str], cwd: Path) -> float:
    """Wall time of one command, in seconds."""
    return timed(cmd, cwd)[0]


def timed(cmd: list[str], cwd: Path) -> tuple[float, list[float]]:
    """Wall time of one command, and the seconds of each brief it reports built, in the order they finished."""
    start = time.perf_counter()
    done = subprocess.run(cmd, check=True, cwd=cwd, capture_output=True, text=True, env={**os.environ, "CI": "1"})
    briefs = [float(s) for s in re.findall(r"(?m)^built \S+ \(([\d.]+) s\)$", done.stdout + done.stderr)]
    return time.perf_counter() - start, briefs


def make_variants(folder: Path, count: int, base: Path = REAL) -> list[Path]:
    """Copies of a brief (the real one by default), each with its own title, so that every output differs."""
    text = base.read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    paths = []
    for i in range(count):
        path = folder / f"variant-{i:03d}.yaml"
        old_title = re.search(r"^title: (.*)$", text, flags=re.M)
        assert old_title, "the brief has no title line"
        retitled = text.replace(old_title[0], f"title: {json.dumps(f'Variant {i} of {old_title[1]}')}", 1)
        path.write_text(retitled, encoding="utf-8")
        paths.append(path)
    return paths


def measured(cmd: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall and CPU time (s), peak resident memory (KiB) and the last line of stderr of one command, as
    /usr/bin/time reports them (CPU time: user and system, which a loaded machine stretches less than wall)."""
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %S %M", *cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "1"},
    )
    *said, measured = proc.stderr.strip().splitlines()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    wall, user, system, peak = measured.split()
    return float(wall), float(user) + float(system), int(peak), said[-1] if said else ""


def noop(count: int, runs: int, base: Path, program: str) -> None:
    """Build ``count`` variants as Markdown and HTML once, then time no-op rebuilds of them."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_variants(work / "briefs", count, base)
        build = [program, "build", "briefs", "--out", "out", "--format", "md,html"]
        setup, _, _, said = measured([*build, "-j", "2"], work)
        print(f"{count} variants of {base.name}: built as Markdown and HTML (-j 2) in {setup:.1f} s ({said})")
        for run in range(runs):
            wall, cpu, peak, said = measured(build, work)
            print(
                f"  no-op rebuild {run + 1}: {wall:6.2f} s wall, {cpu:6.2f} s CPU, peak {peak / 1024:.0f} MiB ({said})"
            )


def ratios(counts: list[int], pairs: int, base: Path) -> None:
    """Print -j 1 / -j 2 wall times and their ratio, pair by pair, for each count of variants of ``base``."""
    briefgen = str(BIN / "briefgen")
    print(f"variants of {base.name}, `build --force --format pdf`, {os.cpu_count()} cores")
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            make_variants(work / "briefs", count, base)
            found = []
            for pair in range(pairs):
                times, briefs = {}, {}
                for jobs in ("1", "2")[:: 1 if pair % 2 == 0 else -1]:
                    cmd = [briefgen, "build", "briefs", "--out", f"out{jobs}", "-j", jobs, "--force", "--format", "pdf"]
                    times[jobs], briefs[jobs] = timed(cmd, work)
                found.append(times)
                one, two = times["1"], times["2"]
                # with -j 2 the first two briefs to finish are each worker's first
                firsts, rest = briefs["2"][:2], statistics.median(briefs["2"][2:] or [0.0])
                shown = ", ".join(f"{s:.2f}" for s in firsts)
                print(f"  {count:3} briefs: -j 1 {one:7.2f} s, -j 2 {two:7.2f} s, {one / two:.2f}x;", end="")
                print(f" -j 2 workers' first briefs {shown} s, the others' median {rest:.2f} s")
            ratio = sorted(t["1"] / t["2"] for t in found)
            middle = statistics.median(ratio)
            shown = f"median {middle:.2f}x (range {ratio[0]:.2f}-{ratio[-1]:.2f})"
            load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())  # other work on the same cores
            print(f"  {count:3} briefs: -j 1 / -j 2 {shown}; load average {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--cli-samples", type=int, default=4, help="briefs to time with the weasyprint CLI")
    parser.add_argument("--brief", type=Path, default=REAL, help="the brief to make variants of")
    parser.add_argument("--noop", type=int, metavar="N", help="time only no-op rebuilds of N briefs")
    parser.add_argument("--runs", type=int, default=3, help="no-op rebuilds to time, with --noop")
    parser.add_argument("--program", help="the briefgen script to time with --noop [default: this one]")
    parser.add_argument("--ratios", help="comma-separated counts: only -j 2 against -j 1, for each")
    parser.add_argument("--pairs", type=int, default=2, help="with --ratios: pairs of builds per count")
    args = parser.parse_args()
    if args.ratios:
        ratios([int(n) for n in args.ratios.split(",")], args.pairs, args.brief.resolve())
        return
    briefgen = str(BIN / "briefgen")
    if args.noop:
        return noop(args.noop, args.runs, args.brief.resolve(), args.program or briefgen)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paths = make_variants(work / "briefs", args.count, args.brief.resolve())
        t_j1 = run([briefgen, "build", "briefs", "--out", "out1", "-j", "1"], work)
        t_j2 = run([briefgen, "build", "briefs", "--out", "out2", "-j", "2"], work)
        t_noop = run([briefgen, "build", "briefs", "--out", "out2", "-j", "2"], work)
        paths[0].write_text(paths[0].read_text(encoding="utf-8").replace("Variant 0 of", "Variant nought of"), "utf-8")
        t_one = run([briefgen, "build", "briefs", "--out", "out2", "-j", "2"], work)
        # the plain CLI, one process per brief, on briefgen's own print-ready HTML
        sys.path.insert(0, str(ROOT))
        from briefgen.check import check
        from briefgen.pdf import printable_html
        from briefgen.project import resolve_project
        from briefgen.render import render_html, render_print_css

        project = resolve_project(start=ROOT)
        cli_times = []
        for valid in check(paths[: args.cli_samples], project).briefs:
            brief = valid.brief
            html = work / f"{brief.id}.html"
            html.write_text(printable_html(render_html(brief, project), render_print_css(brief, project)), "utf-8")
            cmd = [str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", "--pdf-tags", str(html), str(html) + ".pdf"]
            cli_times.append(run(cmd, work))
        shutil.rmtree(work / "out1", ignore_errors=True)
        # the no-op figure is for 100 briefs: Markdown and HTML are enough to set them up quickly
        make_variants(work / "many", 100, args.brief.resolve())
        run([briefgen, "build", "many", "--out", "out3", "--format", "md,html", "-j", "2"], work)
        noop_100 = [briefgen, "build", "many", "--out", "out3", "--format", "md,html"]
        t_noop_100 = min(run(noop_100, work) for _ in range(3))
    per_cli = sum(cli_times) / len(cli_times)
    n = args.count
    print(f"{n} variants of {args.brief.name}, CI=1 (one line per brief), {os.cpu_count()} cores")
    print(f"  full build -j 1                   {t_j1:7.2f} s   {t_j1 / n:5.2f} s per brief")
    print(
        f"  full build -j 2                   {t_j2:7.2f} s   {t_j2 / n:5.2f} s per brief   ({t_j1 / t_j2:.2f}x -j 1)"
    )
    print(f"  no-op rebuild                     {t_noop:7.2f} s")
    print(f"  no-op rebuild of 100 (md, html)   {t_noop_100:7.2f} s   (best of 3)")
    print(f"  rebuild after editing one brief   {t_one:7.2f} s")
    print(f"  weasyprint CLI, once per brief    {per_cli:7.2f} s per brief (mean of {len(cli_times)})")
    print(f"    -> {n} briefs would take        {per_cli * n:7.2f} s   ({per_cli * n / t_j2:.2f}x the -j 2 build)")


if __name__ == "__main__":
    main()
