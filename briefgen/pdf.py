"""Turn rendered HTML into a PDF with WeasyPrint: a closed resource door, captured warnings, font checks."""

from __future__ import annotations

import functools
import logging
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from briefgen.errors import BriefgenError, Problem
from briefgen.load import Source
from briefgen.model import walk_strings
from briefgen.pdf_variants import DEFAULT_VARIANT


class RefusedResource(FatalURLFetchingError):  # type: ignore[misc]
    """A resource a brief may not load."""


class ClosedFetcher(URLFetcher):  # type: ignore[misc]
    """Give WeasyPrint data: URIs only; every other URL stops the render."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise RefusedResource(f"refused to load {url!r}: briefs may only use embedded (data:) resources")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at warning level or above during the block."""
    handler = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


@functools.cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def printable_html(html: str, css: str) -> str:
    """Add the print stylesheet to the page as its last author style sheet.

    WeasyPrint treats `stylesheets=` as user style sheets, which lose to the page's own <style>; the print
    rules must win. Brief text reaches the print CSS only as escaped CSS strings.
    """
    if "</style" in css.lower():
        raise ValueError("print stylesheet must not contain '</style'")
    return html.replace("</head>", f'<style media="print">\n{css}</style>\n</head>', 1)


def write_pdf(html: str, css: str, target: Path, *, name: str, variant: str = DEFAULT_VARIANT) -> list[str]:
    """Lay out ``html`` with ``css`` and write the PDF bytes to ``target``; return WeasyPrint's warnings."""
    fetcher = ClosedFetcher()
    options: dict[str, Any] = {"pdf_tags": True}
    if variant != "none":
        options["pdf_variant"] = variant
    printable = printable_html(html, css)
    with captured_warnings() as messages:
        try:
            document = weasyprint.HTML(string=printable, url_fetcher=fetcher, base_url=None)
            document.write_pdf(target, font_config=_font_config(), **options)
        except RefusedResource as exc:
            raise BriefgenError.at(name, str(exc)) from None
    return messages


# --- characters that no installed font can draw


@functools.cache
def _installed_coverage() -> tuple[tuple[int, int], ...]:
    """Code point ranges covered by at least one installed font (from fontconfig)."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    ranges: set[tuple[int, int]] = set()
    for token in re.findall(r"[0-9a-f]+(?:-[0-9a-f]+)?", listing):
        low, _, high = token.partition("-")
        ranges.add((int(low, 16), int(high or low, 16)))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _covered(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    lo, hi = 0, len(ranges)
    while lo < hi:
        mid = (lo + hi) // 2
        if ranges[mid][1] < code:
            lo = mid + 1
        elif ranges[mid][0] > code:
            hi = mid
        else:
            return True
    return False


def missing_glyphs(source: Source) -> list[Problem]:
    """Report each field holding a character that no installed font covers (it would print as a box)."""
    ranges = _installed_coverage()
    if not ranges:
        return []
    problems = []
    for loc, text in walk_strings(source.data):
        missing = sorted({c for c in text if ord(c) > 0x7E and not c.isspace() and not _covered(ord(c), ranges)})
        if missing:
            shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing[:5])
            problems.append(source.problem(loc, f"no installed font can draw {shown}; install a font that covers it"))
    return problems
