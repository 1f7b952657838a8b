"""A warm render of one brief by two briefgen trees, run for run and alternating, each in its own warm process
set up as a build worker of that tree is (the branch's throwaway-brief warm-up and frozen collector when it has
them): the PDF of a validated brief, its templates, layout and checks, as a worker makes it.

Run: .venv/bin/python benchmarks/bench_paired.py --baseline TREE [BRIEF ...] [--runs 9]
TREE is a checkout of the earlier code (e.g. `git worktree add --detach /tmp/base main`); the same virtual
environment runs both. With several briefs, each process renders them in turn (run 1 the first, run 2 the
second, ...), as a worker renders a build's different briefs; ratios still compare the same brief's render.
     .venv/bin/python benchmarks/bench_paired.py --together [BRIEF ...] [--runs 9]
two warm processes of this tree, in rounds: each renders alone, then both render at the same time. How much
longer a render takes beside another is what any two-worker build loses on this machine (`build -j 2`
cannot beat 2 / that factor, before its fixed costs).
Prints figures only (wall and CPU seconds, ratios this / baseline, the ratio of each tree's fastest run,
which other work on the machine stretches least, brief by brief, and peak RSS).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One warm process per tree: set up, then one timed render per line read; answers JSON lines.
SERVER = """
import gc, json, resource, sys, time
from pathlib import Path
tree, briefs = sys.argv[1], [Path(arg) for arg in sys.argv[2:]]
sys.path.insert(0, tree)
from briefgen.check import check
from briefgen.produce import make_outputs
from briefgen.project import resolve_project
project = resolve_project(start=briefs[0].parent, formats=["pdf"])
valids = [check([brief], project).briefs[0] for brief in briefs]
try:
    from briefgen.warm import warm_up
except ImportError:  # the earlier code: a worker is warm after its first brief
    make_outputs(valids[0], project)
else:
    warm_up([project.language], ["pdf"])
for valid in valids:  # each brief once in each tree before any is timed
    make_outputs(valid, project)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:  # the number of the brief to render, among those given
    valid = valids[int(line) % len(valids)]
    wall, cpu = time.perf_counter(), time.process_time()
    make_outputs(valid, project)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "rss": rss}), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brief", nargs="*", type=Path, default=[ROOT / "briefs/china-france-japan-2025-11.yaml"])
    parser.add_argument("--baseline", type=Path, help="a checkout of the earlier code")
    parser.add_argument("--together", action="store_true", help="two processes of this tree: alone, then at once")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    if args.together == (args.baseline is not None):
        parser.error("give either --baseline TREE or --together")
    if args.together:
        together(args.brief, args.runs)
        return
    trees = {"baseline": args.baseline.resolve(), "this": ROOT}
    servers = start(trees, args.brief)
    times: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    for run in range(args.runs):
        for name in list(servers)[:: 1 if run % 2 == 0 else -1]:  # who goes first alternates
            times[name].append(ask([servers[name]], run)[0])
    stop(servers)
    names = ", ".join(brief.name for brief in args.brief)
    print(f"{names}: warm PDF render (templates, layout, checks), {args.runs} alternating runs")
    for key in ("wall", "cpu"):
        old, new = [t[key] for t in times["baseline"]], [t[key] for t in times["this"]]
        ratios = sorted(b / a for a, b in zip(old, new, strict=True))
        print(
            f"  {key:4}: baseline median {statistics.median(old):.3f} s, this {statistics.median(new):.3f} s;"
            f" this / baseline run by run: median {statistics.median(ratios):.3f}"
            f" (range {ratios[0]:.3f}-{ratios[-1]:.3f}); fastest runs {fastest(old, new, len(args.brief)):.3f}"
        )
    rss = {name: max(t["rss"] for t in runs) for name, runs in times.items()}
    print(f"  peak RSS: baseline {rss['baseline']:.0f} MiB, this {rss['this']:.0f} MiB")


def fastest(old: list[float], new: list[float], briefs: int) -> float:
    """The median over the briefs of this tree's fastest run of a brief over the baseline's of the same brief
    (run n rendered brief n modulo the count)."""
    return statistics.median(min(new[b::briefs]) / min(old[b::briefs]) for b in range(briefs))


def start(trees: dict[str, Path], briefs: list[Path]) -> dict[str, subprocess.Popen[str]]:
    """One warm server per tree, each ready to render."""
    servers = {
        name: subprocess.Popen(
            [sys.executable, "-c", SERVER, str(tree), *(str(brief.resolve()) for brief in briefs)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, tree in trees.items()
    }
    for server in servers.values():
        assert server.stdout is not None and json.loads(server.stdout.readline())["ready"]
    return servers


def ask(servers: list[subprocess.Popen[str]], brief: int) -> list[dict[str, float]]:
    """One render of brief number ``brief`` by each server, all started before any is read: at the same time
    when there are several."""
    for server in servers:
        assert server.stdin is not None
        server.stdin.write(f"{brief}\n")
        server.stdin.flush()
    answers = []
    for server in servers:
        assert server.stdout is not None
        answers.append(json.loads(server.stdout.readline()))
    return answers


def stop(servers: dict[str, subprocess.Popen[str]]) -> None:
    for server in servers.values():
        assert server.stdin is not None
        server.stdin.close()
        server.wait()


def together(briefs: list[Path], runs: int) -> None:
    """Renders alone and side by side, in rounds (A alone, B alone, A and B at once), by two warm processes."""
    servers = start({"a": ROOT, "b": ROOT}, briefs)
    a, b = servers["a"], servers["b"]
    alone: list[dict[str, float]] = []
    beside: list[dict[str, float]] = []
    for run in range(runs):  # each round one brief, alone and beside the other (briefs in turn, round by round)
        alone += ask([a], run) + ask([b], run)
        beside += ask([a, b], run)
    stop(servers)
    print(f"{', '.join(brief.name for brief in briefs)}: warm PDF renders alone and two at once, {runs} rounds")
    for key in ("wall", "cpu"):
        one, two = statistics.median(t[key] for t in alone), statistics.median(t[key] for t in beside)
        print(f"  {key:4}: alone median {one:.3f} s, beside another {two:.3f} s: {two / one:.2f}x as long")
    factor = statistics.median(t["wall"] for t in beside) / statistics.median(t["wall"] for t in alone)
    print(f"  two workers can do at most {2 / factor:.2f}x the work of one here, before any fixed cost")


if __name__ == "__main__":
    main()
