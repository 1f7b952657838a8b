"""What each style choice costs the PDF's layout: the same page laid out with one choice undone, as a ratio of
the time of the page as built (run for run, alternating), with the counts that do not depend on the machine's
load: pages laid out (the contents' page numbers lay some out twice) and text boxes.

Run: .venv/bin/python benchmarks/bench_layout.py [BRIEF] [--runs 7]
The real brief by default, with its page budget dropped, so that it has a table of contents as longer briefs
do. Prints figures only.
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench_render import _PageLayouts  # noqa: E402  (the sibling benchmark's page counter)

# the contents as WeasyPrint's leader() drew them before: a text box per dot
LEADER = (
    ".toc li { display: block; } .toc .toc-fill, .toc .toc-page { display: none; }"
    ' .toc .toc-title a::after { content: leader(".") target-counter(attr(href url), page); }'
)
# name: (what is undone, how: (html, print css) -> (html, print css), PDF options)
Variant = tuple[str, Callable[[str, str], tuple[str, str]], dict[str, Any]]
VARIANTS: dict[str, Variant] = {
    "as built": ("nothing (PDF/UA-1: tagged)", lambda h, c: (h, c), {}),
    "hyphenation": ("no hyphenation", lambda h, c: (h, c + "\np, li, td { hyphens: manual; }"), {}),
    "tags": ("untagged, no PDF/UA", lambda h, c: (h, c), {"pdf_variant": None, "pdf_tags": False}),
    "toc numbers": (
        "no page numbers in the contents",
        lambda h, c: (h, c + "\n.toc .toc-page::after { content: none; }"),
        {},
    ),
    "leader": ("leader() as before, a text box per dot", lambda h, c: (h, c + "\n" + LEADER), {}),
    "print css": ("no print stylesheet (screen styles only)", lambda h, c: (h, ""), {}),
    "all css": ("no stylesheet at all", lambda h, c: (re.sub(r"<style[^>]*>.*?</style>", "", h, flags=re.S), ""), {}),
}


def prepared(brief: Path) -> tuple[str, str]:
    """The brief's HTML page and print stylesheet, its page budget dropped."""
    from briefgen.check import check
    from briefgen.project import resolve_project
    from briefgen.render import render_html, render_print_css

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / brief.name
        copy.write_text(re.sub(r"(?m)^max_pages:.*\n", "", brief.read_text(encoding="utf-8")), encoding="utf-8")
        project = resolve_project(start=Path(tmp))
        valid = check([copy], project).briefs[0]
        return render_html(valid.brief, project), render_print_css(valid.brief, project)


def document(html: str, css: str, options: dict[str, Any]) -> Any:
    """WeasyPrint's document of the page, laid out as briefgen.pdf lays it out."""
    import weasyprint

    from briefgen.pdf import ClosedFetcher, _font_config, printable_html

    page = printable_html(html, css) if css else html
    return weasyprint.HTML(string=page, url_fetcher=ClosedFetcher(None), base_url=None).render(
        font_config=_font_config(), **options
    )


def pdf_seconds(html: str, css: str, options: dict[str, Any]) -> float:
    """CPU seconds to lay out the page and write its PDF."""
    from briefgen.pdf import _accessible

    start = time.process_time()
    document(html, css, options).write_pdf(finisher=_accessible, **options)
    return time.process_time() - start


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def counts(html: str, css: str, options: dict[str, Any]) -> tuple[int, int, int]:
    """Pages in the PDF, pages laid out, text boxes."""
    from weasyprint.formatting_structure.boxes import TextBox

    counter = _PageLayouts()
    progress = logging.getLogger("weasyprint.progress")
    progress.setLevel(logging.INFO)
    progress.addHandler(counter)
    try:
        laid = document(html, css, options)
    finally:
        progress.removeHandler(counter)
    texts = sum(isinstance(b, TextBox) for page in laid.pages for b in boxes(page._page_box))
    return len(laid.pages), counter.count, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("brief", nargs="?", type=Path, default=ROOT / "briefs/china-france-japan-2025-11.yaml")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    html, css = prepared(args.brief.resolve())
    pages = {name: fix(html, css) for name, (_, fix, _) in VARIANTS.items()}
    base = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
    options = {name: {**base, **extra} for name, (_, _, extra) in VARIANTS.items()}
    options = {name: {k: v for k, v in o.items() if v is not None} for name, o in options.items()}
    pdf_seconds(*pages["as built"], options["as built"])  # warm: fonts, dictionaries, stylesheets
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for run in range(args.runs):
        for name in list(VARIANTS)[:: 1 if run % 2 == 0 else -1]:
            times[name].append(pdf_seconds(*pages[name], options[name]))
    print(f"{args.brief.name} without its page budget: PDF layout, CPU time, {args.runs} alternating runs")
    print(
        "  undone                                       time / as built (median, range)   pages  laid out  text boxes"
    )
    for name, (what, _, _) in VARIANTS.items():
        ratios = sorted(t / b for t, b in zip(times[name], times["as built"], strict=True))
        shown = f"{statistics.median(times[name]):.3f} s" if name == "as built" else f"{statistics.median(ratios):.3f}"
        spread = "" if name == "as built" else f" ({ratios[0]:.2f}-{ratios[-1]:.2f})"
        n_pages, laid, texts = counts(*pages[name], options[name])
        print(f"  {what:44} {shown + spread:30}  {n_pages:5}  {laid:8}  {texts:10}")


if __name__ == "__main__":
    main()
