"""Typesetting: dates that never break, last words never hyphenated, CJK names kept whole and tagged, DRAFT
on every page of a draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import (
    PROJECT,
    Rendered,
    load,
    minimal_data,
    page_texts,
    page_words,
    parse_html,
    settings,
    write_brief,
)

from briefgen.produce import render_brief
from briefgen.render import render_html, render_markdown
from briefgen.typeset import keep_last_words

LONG = "internationalisation"
RenderOnce = Callable[..., Rendered]


def test_formatted_dates_hold_together_in_html_but_not_in_markdown(render_once: RenderOnce) -> None:
    real: Rendered = render_once("real", ("md", "html"))
    times = [re.sub("<[^>]*>", "", t) for t in re.findall(r"<time[^>]*>(.*?)</time>", real.text("html"))]
    assert "28&nbsp;November&nbsp;2025" in times
    example: Rendered = render_once("example", ("md", "html"))  # the real brief has no dated events any more
    times += [re.sub("<[^>]*>", "", t) for t in re.findall(r"<time[^>]*>(.*?)</time>", example.text("html"))]
    assert any(re.fullmatch(r"(\d+&nbsp;)?[A-Z][a-z]{2}&nbsp;\d{4}", t) for t in times), times  # an event's date
    assert all(" " not in t for t in times if "IST" not in t), [t for t in times if " " in t]
    assert "- Date: 28 November 2025" in real.text("md") and "\xa0" not in real.text("md")


def test_the_last_word_of_a_paragraph_item_or_cell_is_kept_whole() -> None:
    html = keep_last_words(
        "<head><p>x y</p></head><body><p>A <em>long</em> word<sup class=cite>[<a>1</a>]</sup></p>"
        '<ul><li>One <b>two</b><ul><li>three. <span class="confidence x">High <b>confidence</b></span></li></ul>'
        "</li></ul><table><tr><td>Four five</td><td>6</td></tr>"
        "</table></body>"
    )
    assert html == (
        '<head><p>x y</p></head><body><p>A <em>long</em> <span class="last-word">word</span><sup class=cite>'
        '[<a>1</a>]</sup></p><ul><li>One <b>two</b><ul><li><span class="last-word">three.</span> '
        '<span class="confidence x">High <b>confidence</b></span></li></ul></li></ul><table><tr><td>Four '
        '<span class="last-word">five</span></td><td>6</td></tr></table></body>'
    )


@pytest.fixture(scope="module")
def typeset_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A draft whose paragraphs each end in a long word, at every length of line, and a CJK author."""
    words = ["Some", "ordinary", "words", "come", "before", "the", "last", "word", "of", "this", "paragraph", "about"]
    paragraphs = [" ".join((words * 3)[: 8 + n]) + f" {LONG}." for n in range(24)]
    data = minimal_data(
        status="draft",
        authors=[{"name": "王小明 (Wang Xiaoming)", "role": "分析员"}],
        sections=[{"title": "Paragraphs", "body": "\n\n".join(paragraphs)}],
        # a key point's last word is the one before its confidence badge
        key_points=[{"text": text, "confidence": "high"} for text in paragraphs],
    )
    folder = tmp_path_factory.mktemp("typeset")
    path = write_brief(folder / "src", "typeset", data)
    render_brief(load(path), settings(formats=["pdf"], out_dir=folder / "out"))
    return folder / "out" / "typeset.pdf"


def test_no_paragraph_ends_in_a_hyphenated_word(typeset_pdf: Path) -> None:
    text = "\n".join(page_texts(typeset_pdf))
    assert text.count(LONG) == 48, re.findall(r"\S*nali\S*", text)


def test_a_cjk_author_is_tagged_and_whole(typeset_pdf: Path) -> None:
    brief = load(typeset_pdf.parent.parent / "src" / "typeset.yaml").brief
    html = parse_html(render_html(brief, PROJECT))
    authors = next(dd for dd in html.iter("dd") if "Wang Xiaoming" in dd.text())
    spans = [(s.get("lang"), s.text()) for s in authors.iter("span") if s.get("lang")]
    assert spans == [("zh-Hans", "王小明"), ("zh-Hans", "分析员")]
    assert "王小明" in "\n".join(page_texts(typeset_pdf))
    assert "王小明 (Wang Xiaoming)" in render_markdown(brief, PROJECT)


def test_every_page_of_a_draft_says_draft_in_its_footer(typeset_pdf: Path, render_once: RenderOnce) -> None:
    pages = page_words(typeset_pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert "DRAFT" in [w.text for w in page.band(top=False)], number
    final = page_words(render_once("real", ("pdf",)).path("pdf"))
    assert all("DRAFT" not in [w.text for w in page.band(top=False)] for page in final)
