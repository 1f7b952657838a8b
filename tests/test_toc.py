"""The PDF's table of contents, read from WeasyPrint's layout: one filler box per entry draws its dot leader
(WeasyPrint's leader() made a text box per dot), and every entry still carries its page number."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import long_data, write_brief

from briefgen.check import check
from briefgen.pdf import printable_html
from briefgen.project import resolve_project
from briefgen.render import render_html, render_print_css

weasyprint = pytest.importorskip("weasyprint")
from weasyprint.formatting_structure import boxes  # noqa: E402


def walk(box: Any, inside: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every box under ``box``, and whether it is inside the contents (nav.toc)."""
    element = getattr(box, "element", None)
    inside = inside or (element is not None and element.tag == "nav" and "toc" in element.get("class", ""))
    yield box, inside
    for child in getattr(box, "children", ()):
        yield from walk(child, inside)


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], int]:
    """The long brief's contents boxes, laid out as its PDF is, and its number of contents entries."""
    folder = tmp_path_factory.mktemp("toc")
    path = write_brief(folder, "long-brief", long_data())
    project = resolve_project(start=folder)
    valid = check([path], project).briefs[0]
    page = printable_html(render_html(valid.brief, project), render_print_css(valid.brief, project))
    document = weasyprint.HTML(string=page).render()
    found = [box for p in document.pages for box, inside in walk(p._page_box) if inside]
    return found, page.count('class="toc-fill"')


def test_one_filler_box_per_entry_and_no_text_box_per_dot(laid_out: tuple[list[Any], int]) -> None:
    found, entries = laid_out
    assert entries >= 10
    fillers = [b for b in found if b.element_tag == "span" and b.element.get("class") == "toc-fill"]
    assert len(fillers) == entries
    assert all(b.width > 20 for b in fillers)  # points: each runs from its title to its number
    texts = [b.text for b in found if isinstance(b, boxes.TextBox)]
    assert "." not in texts
    numbers = [t for t in texts if t.isdigit()]
    assert len(numbers) == entries and all(int(n) > 0 for n in numbers)  # target-counter filled in
    assert len(texts) <= 1 + 3 * entries  # the heading, each title (in a line or two) and its number
