"""Page breaks a typesetter would accept: no page left a third empty before a heading, no heading alone at a
page's foot, tables that start with at least two rows and repeat their header."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    EXAMPLE_BRIEF,
    REAL_BRIEF,
    Page,
    Word,
    load,
    minimal_data,
    page_words,
    settings,
    write_brief,
)

from briefgen.produce import render_brief

MM = 72 / 25.4
TOP, BOTTOM = 21 * MM, 19 * MM  # the page margins of print.css.j2
ANNEX = "Annex: How to read this brief"  # starts a page of its own by design


def lines(page: Page) -> list[tuple[float, float, str]]:
    """The body's lines of a page, top to bottom: (top, bottom, text); the margins and a watermark left out."""
    body = [
        w
        for w in page.words
        if w.y0 > TOP - 2 and w.y1 < page.height - BOTTOM + 2 and w.y1 - w.y0 < 30  # a DRAFT watermark is larger
    ]
    rows: list[list[Word]] = []
    for word in sorted(body, key=lambda w: (w.y0, w.x0)):
        if rows and abs(rows[-1][0].y0 - word.y0) < 3:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [
        (min(w.y0 for w in row), max(w.y1 for w in row), " ".join(w.text for w in sorted(row, key=lambda w: w.x0)))
        for row in rows
    ]


def headings(page_html: str) -> list[str]:
    found = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page_html, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]*>", "", h)).split()) for h in found]


def is_heading(text: str, heads: list[str]) -> bool:
    """A line is a heading, or the first line of a heading that wraps (a table of contents' line is not)."""
    return any(text == h or (len(text) > 20 and h.startswith(text)) for h in heads)


def page_break_faults(pdf: Path, page_html: str) -> list[str]:
    """Every page (but the last) that ends more than a third empty before a page that starts with a heading,
    and every page whose last line is a heading."""
    heads = headings(page_html)
    pages = page_words(pdf)
    faults = []
    for number, (page, following) in enumerate(itertools.pairwise(pages), 1):
        body, after = lines(page), lines(following)
        height = page.height - BOTTOM - TOP
        empty = (page.height - BOTTOM - body[-1][1]) / height
        starts = after[0][2]
        if empty > 1 / 3 and is_heading(starts, heads) and not starts.startswith(ANNEX):
            faults.append(f"page {number} is {empty:.0%} empty and page {number + 1} starts with {starts!r}")
        if is_heading(body[-1][2], heads):
            faults.append(f"page {number} ends with the heading {body[-1][2]!r}")
    return faults


def long_brief() -> dict[str, Any]:
    """A long brief of many parts of many sizes: every risk, table and section that page breaks must handle."""
    sentence = "The ministry said talks would resume after the holiday, though the union disputes the timetable."
    actors = [{"id": f"actor-{n}", "name": f"Actor number {n}", "role": "Party to the dispute"} for n in range(9)]
    risks = [
        {
            "title": f"Risk {n}: knock-on disruption at inland terminals",
            "likelihood": ["rare", "unlikely", "possible", "likely", "almost-certain"][n % 5],
            "impact": ["minimal", "minor", "moderate", "major", "severe"][(n * 2) % 5],
            "description": " ".join([sentence] * (1 + n % 3)),
            "mitigation": sentence,
        }
        for n in range(16)  # enough for the risk table to run over a page at the dense print sizes
    ]
    return minimal_data(
        title="A long brief to test page breaks",
        summary=" ".join([sentence] * 5),
        key_points=[{"text": " ".join([sentence] * (1 + n % 2)), "confidence": "moderate"} for n in range(5)],
        actors=actors,
        trigger={"title": "What happened", "summary": " ".join([sentence] * 4), "actors": ["actor-0"]},
        motivations=[
            {"title": f"Motivation {n}", "actor": f"actor-{n}", "summary": " ".join([sentence] * (2 + n))}
            for n in range(4)
        ],
        risks=risks,
        watch_list=[
            {"title": f"Watch item {n}", "indicator": " ".join([sentence] * (1 + n % 2)), "by": "2026-01-31"}
            for n in range(9)
        ],
        historical_context={
            "summary": " ".join([sentence] * 2),
            "events": [{"date": f"{1990 + 3 * n}", "title": f"Dispute number {n} settled"} for n in range(10)],
        },
        sections=[
            {"title": f"Section {n}", "body": "\n\n".join(" ".join([sentence] * (1 + k % 4)) for k in range(n + 2))}
            for n in range(7)
        ],
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """The repository's briefs and the long one as PDF, with their HTML: {name: (pdf, html)}."""
    folder = tmp_path_factory.mktemp("pages")
    sources = {"real": REAL_BRIEF, "example": EXAMPLE_BRIEF, "long": write_brief(folder / "src", "long", long_brief())}
    out = {}
    for name, path in sources.items():
        render_brief(load(path), settings(formats=["html", "pdf"], out_dir=folder / name))
        stem = folder / name / path.stem
        out[name] = (stem.with_suffix(".pdf"), stem.with_suffix(".html").read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("name", ["real", "example", "long"])
def test_no_page_ends_a_third_empty_before_a_heading(rendered: dict[str, tuple[Path, str]], name: str) -> None:
    assert page_break_faults(*rendered[name]) == []


def test_a_table_starts_with_two_rows_and_repeats_its_header(rendered: dict[str, tuple[Path, str]]) -> None:
    pdf, _ = rendered["long"]
    pages = [[text for _, _, text in lines(page)] for page in page_words(pdf)]
    header = re.compile(r"# Risk (Risk (to )?)?Likelihood Impact Severity")  # "Risk to" may take two lines

    def start(page: list[str]) -> int | None:
        return next((i for i, text in enumerate(page) if header.fullmatch(text)), None)

    on = [n for n, page in enumerate(pages) if start(page) is not None]
    assert len(on) >= 2, "the risk table fits one page: make the brief longer"
    for n in on:
        rows = [text for text in pages[n][start(pages[n]) or 0 :] if re.match(r"\d+ Risk \d+: ", text)]
        assert len(rows) >= 2, (n + 1, rows)
