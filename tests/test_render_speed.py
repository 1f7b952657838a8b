"""Issue #17, the PDF's own time: the page's stylesheets parsed once per process instead of at every render, and
var() of the colours written as their values, with the PDF byte for byte what the page as it is lays out."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from helpers import EXAMPLE_BRIEF, REAL_BRIEF, load, settings

import briefgen.pdf as pdf
from briefgen.render import render_html, render_print_css

pytest.importorskip("weasyprint")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
:root { --ink: #111111; --rule: #c9cfd8; }
/* a comment
   over two lines */
p { color: var(--ink); border-bottom: 1px solid var( --rule ); }
</style>
<style media="screen">p { color: red; }</style>
<style media="print">h1 { color: var(--ink); }</style>
</head><body><h1>Title</h1><p>Text</p></body></html>"""


def test_the_page_loses_its_style_elements_and_its_sheets_read_the_same() -> None:
    split = pdf.split_styles(PAGE)
    assert split is not None
    page, texts = split
    assert "<style" not in page and "<h1>Title</h1><p>Text</p>" in page
    assert len(texts) == 2  # the screen one is left out, as WeasyPrint leaves it out
    assert "p { color: #111111; border-bottom: 1px solid #c9cfd8; }" in texts[0]
    assert "--ink: #111111" in texts[0]  # the custom properties stay, for anything else using them
    assert texts[1] == "h1 { color: #111111; }"
    assert texts[0].count("\n") == PAGE.split("<style>")[1].split("</style>")[0].count("\n")  # lines kept


@pytest.mark.parametrize(
    ("change", "kept"),
    [
        (":root { --ink: #111111; --rule: #c9cfd8; }\nhtml { --ink: red; }", "var(--ink)"),  # set twice
        ("@media print { :root { --ink: #111111; --rule: #c9cfd8; } }", "var(--ink)"),  # not top-level
        (":root { --ink: #111111; --rule: rgb(1, 2, 3); }", "var( --rule )"),  # not a plain value
    ],
)
def test_a_custom_property_set_other_than_once_on_root_stays_a_var(change: str, kept: str) -> None:
    page = PAGE.replace(":root { --ink: #111111; --rule: #c9cfd8; }", change)
    split = pdf.split_styles(page)
    assert split is not None
    assert kept in split[1][0]


def test_a_screen_sheet_is_left_out_however_its_media_is_written() -> None:
    split = pdf.split_styles(PAGE.replace('<style media="screen">', "<style MEDIA=' screen '>"))
    assert split is not None and len(split[1]) == 2 and "red" not in "".join(split[1])


def test_a_custom_property_a_style_attribute_sets_stays_a_var() -> None:
    split = pdf.split_styles(PAGE.replace("<p>Text", '<p style="--ink: blue">Text'))
    assert split is not None and "var(--ink)" in split[1][0]


@pytest.mark.parametrize(
    "change",
    [
        ("p { color", "p { color: black !important; color"),
        ("</head>", '<link rel="stylesheet" href="x.css"></head>'),
        ("<p>Text", "<style>p { color: red; }</style><p>Text"),
        ("<style>\n:root", "<style>\n@import url(x.css);\n:root"),
        ("<style>\n:root", "<style>\n@font-face { font-family: X; src: url(x.woff); }\n:root"),
        ("<style>\n:root", "<style>\n@layer base;\n:root"),
        ('media="print"', 'media="print and (min-width: 10cm)"'),
        ("<style>", "<!-- <style> --><style>"),
        ("<style>", '<style type="text/css">'),
        ("</head>", '<base href="https://example.org/"></head>'),
    ],
)
def test_a_page_whose_cascade_could_change_is_laid_out_as_it_is(change: tuple[str, str]) -> None:
    assert pdf.split_styles(PAGE.replace(*change, 1)) is None


def test_a_sheet_is_parsed_once_and_its_warnings_said_at_each_use() -> None:
    text = "p { color: no-such-colour; } /* test_render_speed */"
    said: list[list[str]] = []
    for _ in range(2):
        with pdf.captured_warnings() as messages:
            sheet = pdf.parsed_sheet(text)
        said.append(messages)
    assert sheet is pdf.parsed_sheet(text)
    assert said[0] == said[1] and any("no-such-colour" in m for m in said[0])


@pytest.mark.parametrize("path", [REAL_BRIEF, EXAMPLE_BRIEF], ids=["real", "draft"])
def test_the_pdf_is_byte_for_byte_the_page_as_it_is(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = settings()
    valid = load(path, project)
    html, css = render_html(valid.brief, project, valid.images), render_print_css(valid.brief, project)
    assert pdf.split_styles(pdf.printable_html(html, css)) is not None
    fast = pdf.write_pdf(html, css, name="x", variant=project.pdf_variant)
    monkeypatch.setattr(pdf, "split_styles", lambda page: None)
    slow = pdf.write_pdf(html, css, name="x", variant=project.pdf_variant)
    assert fast == slow


def test_a_warm_render_parses_no_stylesheet(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    project = settings()
    valid = load(EXAMPLE_BRIEF, project)
    html, css = render_html(valid.brief, project, valid.images), render_print_css(valid.brief, project)
    pdf.write_pdf(html, css, name="x", variant=project.pdf_variant)
    parsed: list[object] = []
    real_init = weasyprint.CSS.__init__

    def counted(self: object, *args: object, **kwargs: object) -> None:
        parsed.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.CSS, "__init__", counted)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    pdf.write_pdf(html, css, name="x", variant=project.pdf_variant)
    assert parsed == []
