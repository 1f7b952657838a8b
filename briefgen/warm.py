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
from briefgen.project import Project, resolve_project
from briefgen.render import render_html, render_print_css

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


def warm_up(languages: Sequence[str], formats: Sequence[str] = ("pdf",)) -> None:
    """Make the throwaway brief in ``formats`` (a PDF as one short page in every face, see _sample_pdf) and
    hyphenate a word in each of ``languages``; then collect and freeze, so that the collector never walks
    these objects again (and a forked worker's pages holding them stay shared: it never writes to them)."""
    formats = [name for name in formats if name in FORMATS]
    light = [name for name in formats if not FORMATS[name].needs_pdf_engine]
    project = resolve_project(config=Config(), formats=light or ["html"], out_dir=Path(os.devnull))
    valid = Checker(project).check(Path("warm-up.yaml"), raw=THROWAWAY.encode())
    make_outputs(valid, project)  # the templates compiled, the figures drawn, the formats without WeasyPrint
    if len(light) < len(formats):
        _sample_pdf(render_html(valid.brief, project), render_print_css(valid.brief, project), languages, project)
    gc.collect()
    gc.freeze()


# The brief's own page head and stylesheets around a short body: every face the default templates use, the
# running heads and footers, a table, and a word to hyphenate per language. Laying out the whole throwaway
# brief took twice as long, and the warm-up is paid before any worker starts.
SAMPLE = """<body><h1>Title <em>italic</em></h1><h2>Heading</h2><p class="subtitle">Subtitle</p>
<p>Body <strong>bold</strong> <em>italic</em> <span lang="zh-Hans">王毅</span> <span lang="ja">高市早苗</span>
<span lang="ko">이재명</span></p><table><thead><tr><th>Head</th></tr></thead><tbody><tr><td>Cell <strong>bold</strong>
</td></tr></tbody></table>{hyphenated}</body></html>"""


def _sample_pdf(html: str, css: str, languages: Sequence[str], project: Project) -> None:
    import pypdf  # noqa: F401  # what formats.pdf.over_budget imports, whether the brief is over budget or not

    from briefgen.engine_check import no_fonts, no_subsetter

    if no_fonts():  # asked once per process (fc-list), as formats.pdf asks before each PDF; without fonts
        return  # WeasyPrint dies of SIGSEGV, and the workers would be forked from nothing
    no_subsetter()
    from briefgen.pdf import write_pdf  # WeasyPrint: only where a PDF is made

    # narrow, so that a word must be hyphenated: WeasyPrint loads a language's dictionary only when it needs it
    words = "internationalisation responsibilities"
    hyphenated = "".join(f'<p lang="{tag}" style="hyphens: auto; width: 4em">{words}</p>' for tag in languages)
    page = html[: html.index("<body")] + SAMPLE.format(hyphenated=hyphenated)
    write_pdf(page, css, name="warm-up", variant=project.pdf_variant)


def _from_environment() -> None:
    """Warm up as the environment says; never raise (a forkserver that fails to start breaks the pool)."""
    languages = [tag for tag in os.environ.get(WARM_LANGUAGES, "").split(",") if tag]
    formats = [name for name in os.environ.get(WARM_FORMATS, "").split(",") if name]
    with contextlib.suppress(Exception):  # a worker then pays its own first render, as before
        warm_up(languages, formats)


if os.environ.get(WARM_FORMATS):  # imported as the forkserver's preload
    _from_environment()
