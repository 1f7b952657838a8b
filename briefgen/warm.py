"""Warm-up for build workers: the process they are forked from renders a throwaway brief first, so that no
worker pays a first render's set-up (about 1 s: fonts found and loaded, the hyphenation dictionaries parsed,
templates compiled, HarfBuzz's subsetter bound), and then freezes what is alive for the collector.

``workers`` names this module as the forkserver's preload, with what to warm in the environment
(WARM_LANGUAGES, WARM_FORMATS): the forkserver can only import modules, and it imports this one once per
build, before it forks any worker; every pool renewed later forks from the same warm forkserver.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Sequence
from pathlib import Path

from briefgen.check import Checker
from briefgen.config import Config
from briefgen.formats import FORMATS
from briefgen.produce import make_outputs
from briefgen.project import resolve_project

WARM_LANGUAGES = "BRIEFGEN_WARM_LANGUAGES"  # comma-separated BCP 47 tags: hyphenation dictionaries to load
WARM_FORMATS = "BRIEFGEN_WARM_FORMATS"  # comma-separated format names: what the throwaway brief is made in

# Every face the default templates use: serif body, sans headings and tables, bold and italic, the CJK faces
# (a CJK run gets its lang, so each of zh, ja and ko loads its own face), a table, a list and a citation.
THROWAWAY = """\
title: "Warm-up brief: 王毅, 高市早苗 and 이재명 meet"
date: 2025-11-28
summary: "The **bottom line**, *with emphasis*, a [citation](https://example.org) and a paragraph long enough
  to be hyphenated: internationalisation, responsibilities, characteristically, notwithstanding."
trigger:
  title: What happened
  summary: "It happened, said 王毅; 高市早苗 answered."
  points:
    - "A point with `code` and a number, 1,234."
"""

_warmed: list[tuple[str, ...]] = []  # what warm_up was asked for, in order (tests read it)


def warm_up(languages: Sequence[str], formats: Sequence[str] = ("pdf",)) -> None:
    """Render the throwaway brief in ``formats`` and, for a PDF, a paragraph in each of ``languages`` (their
    hyphenation dictionaries); then collect and freeze, so that the collector never walks these objects again."""
    formats = [name for name in formats if name in FORMATS]
    project = resolve_project(config=Config(), formats=formats or ["html"], out_dir=Path(os.devnull))
    valid = Checker(project).check(Path("warm-up.yaml"), raw=THROWAWAY.encode())
    make_outputs(valid, project)
    if any(FORMATS[name].needs_pdf_engine for name in formats):
        from briefgen.pdf import write_pdf  # WeasyPrint: only where a PDF is made

        for language in languages:
            # narrow, so that a word must be hyphenated: WeasyPrint loads a dictionary only when it needs one
            words = "internationalisation responsibilities"
            page = f'<html lang="{language}"><p style="hyphens: auto; width: 4em">{words}</p>'
            write_pdf(f"<head></head>{page}", "", name="warm-up", variant="none")
    _warmed.append(tuple(languages))
    gc.collect()
    gc.freeze()  # and a forked worker's pages holding these objects stay shared: the collector never writes them


def _from_environment() -> None:
    """Warm up as the environment says; never raise (a forkserver that fails to start breaks the pool)."""
    languages = [tag for tag in os.environ.get(WARM_LANGUAGES, "").split(",") if tag]
    formats = [name for name in os.environ.get(WARM_FORMATS, "").split(",") if name]
    with contextlib.suppress(Exception):  # a worker then pays its own first render, as before
        warm_up(languages, formats)


if os.environ.get(WARM_FORMATS):  # imported as the forkserver's preload
    _from_environment()
