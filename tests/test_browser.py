"""The HTML in a real browser (Debian's headless Chromium through Playwright): axe-core, phone width, no requests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import AXE_JS, Rendered, axe_violations, need

BRIEFS = ["real", "example", "french"]


def open_page(browser: Any, html: Path, width: int, height: int) -> tuple[Any, Any, list[str]]:
    """Open ``html`` at a viewport size; return the context, the page and every URL it requested."""
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(html.as_uri(), wait_until="load")
    return context, page, requests


@pytest.mark.parametrize("name", BRIEFS)
def test_axe_finds_no_violations(browser: Any, render_once: Callable[..., Rendered], name: str) -> None:
    need(AXE_JS, "axe-core")
    html = render_once(name, ("md", "html")).path("html")
    context, page, requests = open_page(browser, html, 1280, 900)
    try:
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=2)
    finally:
        context.close()
    assert requests == [html.as_uri()]


@pytest.mark.parametrize("name", ["real", "example"])
def test_phone_width_has_no_horizontal_overflow(browser: Any, render_once: Callable[..., Rendered], name: str) -> None:
    html = render_once(name, ("md", "html")).path("html")
    context, page, requests = open_page(browser, html, 390, 844)
    try:
        sizes = page.evaluate(
            "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,"
            " wide: [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.tagName + (e.className && typeof e.className === 'string' ? '.' + e.className : ''))"
            ".slice(0, 10)})"
        )
        assert sizes["inner"] == 390
        assert sizes["scroll"] <= sizes["inner"], sizes
        # the figures shown scale down to the screen instead of being cropped
        widths = page.evaluate(
            "() => [...document.querySelectorAll('svg')].filter(s => s.checkVisibility())"
            ".map(s => s.getBoundingClientRect().width)"
        )
        assert widths and all(0 < w <= 390 for w in widths), widths
    finally:
        context.close()
    assert requests == [html.as_uri()], requests


# every visible text of a figure, as drawn: its font size times the scale its <svg> is drawn at
FIGURE_TEXT_SIZES = """() => [...document.querySelectorAll('figure svg text')].filter(t => t.checkVisibility())
  .map(t => { const m = t.getScreenCTM(); return [t.textContent, parseFloat(getComputedStyle(t).fontSize)
    * Math.hypot(m.a, m.b)]; })"""


@pytest.mark.parametrize("width", [390, 420, 601, 800, 1280])
def test_no_text_in_a_figure_is_under_11_px(browser: Any, render_once: Callable[..., Rendered], width: int) -> None:
    html = render_once("real", ("md", "html")).path("html")
    context, page, _ = open_page(browser, html, width, 900)
    try:
        sizes = page.evaluate(FIGURE_TEXT_SIZES)
        assert sizes, "no figure text visible"
        assert [(text, round(size, 1)) for text, size in sizes if size < 11] == []
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize("name", BRIEFS)
def test_a_phone_shows_the_timeline_as_its_list_and_tables_as_cards(
    browser: Any, render_once: Callable[..., Rendered], name: str
) -> None:
    html = render_once(name, ("md", "html")).path("html")
    context, page, _ = open_page(browser, html, 390, 844)
    try:
        shown = page.evaluate(
            "() => ({timeline: [...document.querySelectorAll('svg.timeline')].some(s => s.checkVisibility()),"
            " events: [...document.querySelectorAll('.events li')].filter(l => l.checkVisibility()).length,"
            " rows: [...document.querySelectorAll('table.risk-table tbody tr, table.watch-table tbody tr,"
            " table.actors tbody tr, table.options-table tbody tr')]"
            ".map(r => [getComputedStyle(r).display, r.getBoundingClientRect().width]),"
            " heads: [...document.querySelectorAll('table.risk-table thead, table.watch-table thead,"
            " table.options-table thead')]"
            ".map(h => h.getBoundingClientRect().height)})"
        )
        events = render_once(name, ("md", "html")).brief.historical_context
        if events is not None and events.events:  # the real brief (four pages) has no dated events
            assert not shown["timeline"] and shown["events"] >= 3
        assert shown["rows"] and all(display == "block" and w > 300 for display, w in shown["rows"]), shown["rows"]
        assert all(h <= 1 for h in shown["heads"]), shown["heads"]  # column names before each value instead
        # a date in a card never wraps inside ("5 / December / 2025")
        dates = page.evaluate(
            "() => [...document.querySelectorAll('time')].filter(t => t.checkVisibility())"
            ".map(t => [t.textContent, t.getClientRects().length])"
        )
        assert [d for d in dates if d[1] > 1] == []
        # nor does a label of the title block ("Rédigé / par")
        labels = page.evaluate(
            "() => [...document.querySelectorAll('.meta dt')].map(t => { const r = document.createRange();"
            " r.selectNodeContents(t); return [t.textContent, r.getClientRects().length]; })"
        )
        assert labels and [label for label in labels if label[1] > 1] == []
    finally:
        context.close()
