"""The HTML in a real browser (Debian's headless Chromium through Playwright): axe-core, phone width, no requests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import AXE_JS, Rendered, axe_violations, need

BRIEFS = ["real", "example"]


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
        # the figures scale down to the screen instead of being cropped
        widths = page.evaluate("() => [...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width)")
        assert widths and all(0 < w <= 390 for w in widths), widths
    finally:
        context.close()
    assert requests == [html.as_uri()], requests
