"""Time `briefgen diff` of two editions of a 200-item brief (50 key judgements, risks, watch items and events).

Run: .venv/bin/python benchmarks/bench_diff.py [--runs N]
Prints figures only; nothing here asserts a time (the machine is shared and noisy).
The issue's goal: the diff of two 200-item editions under 0.5 s.

The new edition changes a tenth of the items (reworded, rated, dated, triggered), removes and adds a few,
and reverses each list. Half the items carry ids; the others match by title, or by similarity when reworded.
A second pair has no ids at all and every title reworded: the worst case, every item matched by similarity.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench_validate import median_time  # noqa: E402  (the sibling benchmark's timer)
from helpers import minimal_data, to_yaml  # noqa: E402

from briefgen.diff import diff_briefs  # noqa: E402
from briefgen.load import parse_source  # noqa: E402
from briefgen.validate import validate  # noqa: E402

# the words of the real brief: text with a writer's vocabulary (a handful of words repeated would make every
# item look like every other to the similarity rule, which no brief does)
WORDS = sorted(set(re.findall(r"[a-z]{3,}", (ROOT / "briefs" / "china-france-japan-2025-11.yaml").read_text())))
PER_LIST = 50


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def edition(rng: random.Random, ids: bool) -> dict[str, Any]:
    def ident(kind: str, i: int) -> dict[str, str]:
        return {"id": f"{kind}-{i}"} if ids and i % 2 == 0 else {}

    return minimal_data(
        key_points=[{**ident("k", i), "text": f"Judgement {i}: {sentence(rng, 14)}"} for i in range(PER_LIST)],
        risks=[
            {**ident("r", i), "title": f"Risk {i} {sentence(rng, 5)}", "likelihood": "possible", "impact": "major"}
            for i in range(PER_LIST)
        ],
        watch_list=[
            {
                **ident("w", i),
                "title": f"Watch {i} {sentence(rng, 4)}",
                "indicator": sentence(rng, 10),
                "by": "2026-01-15",
            }
            for i in range(PER_LIST)
        ],
        historical_context={
            "events": [
                {**ident("e", i), "date": f"{1990 + i}", "title": f"Event {i} {sentence(rng, 5)}"}
                for i in range(PER_LIST)
            ]
        },
    )


def next_edition(data: dict[str, Any], rng: random.Random, every_title: bool) -> dict[str, Any]:
    new = json.loads(json.dumps(data))
    for i, risk in enumerate(new["risks"]):
        if every_title or i % 10 == 3:
            risk["title"] = risk["title"].replace(" ", "  ", 1) + " reworded"
        if i % 10 == 5:
            risk["likelihood"] = "likely"
    for i, item in enumerate(new["watch_list"]):
        if i % 10 == 1:
            item["status"] = "triggered"
        if i % 10 == 7:
            item["by"] = "2026-02-01"
        if every_title:
            item["title"] += " reworded"
    for i, point in enumerate(new["key_points"]):
        if i % 10 == 2:
            point["text"] = point["text"].replace(".", ", as reported.")
    events = new["historical_context"]["events"]
    if every_title:
        for event in events:
            event["title"] += " reworded"
    del new["risks"][10:13]
    new["risks"] += [{"title": f"New risk {i}", "likelihood": "rare", "impact": "minor"} for i in range(3)]
    for key in ("key_points", "risks", "watch_list"):
        new[key].reverse()
    events.reverse()
    return new


def bench_pair(name: str, old: dict[str, Any], new: dict[str, Any], folder: Path, runs: int) -> None:
    paths = [folder / f"{name}-old.yaml", folder / f"{name}-new.yaml"]
    for path, data in zip(paths, (old, new), strict=True):
        path.write_text(to_yaml(data) + "\n", encoding="utf-8")
    before, after = (validate(parse_source(p.read_bytes(), p.name))[0] for p in paths)
    found = diff_briefs(before, after)
    rules = {rule: sum(c.matched_by == rule for c in found) for rule in ("id", "title", "similarity")}
    in_process, _ = median_time(lambda: diff_briefs(before, after), runs)
    script = shutil.which("briefgen", path=str(Path(sys.executable).parent)) or "briefgen"

    def whole() -> None:
        subprocess.run([script, "diff", *map(str, paths), "--format", "json"], capture_output=True, check=True)

    process, times = median_time(whole, runs)
    items = sum(len(old[k]) for k in ("key_points", "risks", "watch_list")) + len(old["historical_context"]["events"])
    print(f"{name}: {items} items, {len(found)} changes (matched by {rules})")
    print(f"  semantic diff in-process: median {in_process * 1000:.1f} ms over {runs} runs")
    print(f"  `briefgen diff OLD NEW --format json`, whole process: median {process:.3f} s")
    print(f"    ({', '.join(f'{t:.3f}' for t in times)}); goal < 0.5 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rng = random.Random(14)
        old = edition(rng, ids=True)
        bench_pair("typical", old, next_edition(old, rng, every_title=False), Path(tmp), args.runs)
        old = edition(rng, ids=False)
        bench_pair("worst-case", old, next_edition(old, rng, every_title=True), Path(tmp), args.runs)


if __name__ == "__main__":
    main()
