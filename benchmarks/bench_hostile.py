"""Time hostile-but-valid briefs: 10,000-item lists, deep nesting, very long words.

Run: .venv/bin/python benchmarks/bench_hostile.py [--runs N] [--slow]
Prints figures only (the machine is shared and noisy); tests/test_hostile.py checks that these briefs
render at all, without timing them.

The bound: each 10,000-item list validates and renders to Markdown and HTML in under 15 s in one process
on the 2-core development machine. Measured there: 10,000 tags 0.6 s, plain key points 1.8 s, actors
1.3 s, sources 2.7 s, key points with Markdown 7.8 s (about 0.8 ms an item, nearly all markdown-it and
mdformat). 10,000 nested `>`, `[` or `![` are refused (Markdown nested past the parser's limit) in
well under a second.

The PDF of one very long word is not bounded: with `hyphens: auto` WeasyPrint's layout time grows about
with the cube of the word's length (1,000 letters 1.4 s, 2,000 letters 7-9 s, 5,000 letters 70-85 s;
--slow runs the last). A 5,000-letter word with no hyphenation point (x repeated) takes 2-3 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from briefgen.check import Valid
from briefgen.config import Config
from briefgen.errors import BriefgenError
from briefgen.load import parse_source
from briefgen.produce import render_brief
from briefgen.project import resolve_project
from briefgen.validate import validate

MINIMAL = """\
title: A hostile brief
date: 2025-11-28
summary: {summary}
trigger:
  title: What happened
  summary: It happened.
"""
N = 10_000
BOUND = 15.0  # seconds, validate + md + html, per 10,000-item brief


def brief(summary: str = "The bottom line.", extra: str = "") -> bytes:
    return (MINIMAL.format(summary=summary) + extra).encode()


def word(length: int, letters: str) -> str:
    return "".join(letters[i % len(letters)] for i in range(length))


LISTS: dict[str, bytes] = {
    "10,000 tags": brief(extra="tags:\n" + "".join(f"  - tag {i}\n" for i in range(N))),
    "10,000 key points (plain)": brief(extra="key_points:\n" + "".join(f"  - Point {i}.\n" for i in range(N))),
    "10,000 key points (Markdown)": brief(
        extra="key_points:\n" + "".join(f"  - Point *{i}* [x](https://example.org/{i}).\n" for i in range(N))
    ),
    "10,000 actors": brief(extra="actors:\n" + "".join(f"  - id: actor-{i}\n    name: Actor {i}\n" for i in range(N))),
    "10,000 sources": brief(
        extra="sources:\n"
        + "".join(f"  - id: s-{i}\n    title: Source {i}\n    url: https://example.org/{i}\n" for i in range(N))
    ),
    "10,000 nested >": brief(summary='"' + ">" * N + ' deep"'),
    "10,000 nested [": brief(summary='"' + "[" * N + ' deep"'),
    "10,000 ![": brief(summary='"' + "![" * N + ' deep"'),
}


def timed(action: Callable[[], str], runs: int) -> tuple[float, list[float], str]:
    times, outcome = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        outcome = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, outcome


def render(raw: bytes, formats: tuple[str, ...], out: Path) -> str:
    """Validate and render; say whether the brief was rendered or refused (with a located problem)."""
    try:
        source = parse_source(raw, "hostile.yaml")
        brief, warnings = validate(source, today=dt.date(2026, 1, 1))
        project = resolve_project(config=Config(), formats=formats, out_dir=out)
        render_brief(Valid(out / "hostile.yaml", source, brief, tuple(warnings)), project)
    except BriefgenError:
        return "refused"
    return "rendered"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", action="store_true", help="also lay out 5,000-letter words as PDF (minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print(f"validate + Markdown + HTML, in process, median of {args.runs}; bound {BOUND:.0f} s each")
        for name, raw in LISTS.items():
            median, times, outcome = timed(functools.partial(render, raw, ("md", "html"), out), args.runs)
            flag = "" if median < BOUND else "  OVER THE BOUND"
            shown = ", ".join(f"{t:.2f}" for t in times)
            print(f"  {name:<30} {median:7.2f} s  {outcome:<8} ({shown}){flag}")

        render(brief(), ("pdf",), out)  # load WeasyPrint and the fonts once
        print("PDF of one long word in the summary (hyphens: auto), one run each")
        lengths = [1000, 2000, 5000] if args.slow else [1000, 2000]
        cases = [(n, "abcdefghijklmnopqrstuvwxyz", "hyphenatable") for n in lengths]
        cases.append((5000, "x", "no hyphenation point"))
        for length, letters, kind in cases:
            raw = brief(word(length, letters))
            seconds, _, _ = timed(functools.partial(render, raw, ("pdf",), out), 1)
            print(f"  {length:>5} letters, {kind:<21} {seconds:7.2f} s")


if __name__ == "__main__":
    main()
