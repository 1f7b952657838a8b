"""Right to left: an Arabic brief (tests/cases/languages/ar.yaml) has dir="rtl", mirrored pages and margin boxes,
Arabic faces, text a PDF reader extracts in logical order, and a Word document set right to left."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tinycss2
from helpers import CASES, Rendered, load, minimal_data, parse_html, pdffonts, run_tool, settings, write_brief

from briefgen.config import Config
from briefgen.i18n import translator
from briefgen.pdf import printable_html
from briefgen.produce import render_brief
from briefgen.render import render_html, render_print_css
from briefgen.typography import direction

ARABIC = CASES / "languages" / "ar.yaml"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    out = tmp_path_factory.mktemp("arabic")
    valid = load(ARABIC)
    result = render_brief(valid, settings(formats=("md", "html", "pdf", "docx"), out_dir=out))
    return Rendered(valid.source, valid.brief, result, out)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        *[("ar", "rtl"), ("he", "rtl"), ("fa-IR", "rtl"), ("ur", "rtl"), ("az-Arab", "rtl"), ("ar-Latn", "ltr")],
        *[("en-GB", "ltr"), ("fr", "ltr"), ("ja", "ltr"), ("zh-Hans", "ltr"), (None, "ltr")],
    ],
)
def test_the_direction_follows_the_language_and_its_script(lang: str | None, expected: str) -> None:
    assert direction(lang) == expected


def test_an_arabic_page_is_right_to_left_and_an_english_one_has_no_dir(arabic: Rendered) -> None:
    root = parse_html(arabic.text("html")).find("html")
    assert root is not None and (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    english = parse_html(render_html(load(ARABIC).brief.model_copy(update={"language": "en-GB"}), settings()))
    html = english.find("html")
    assert html is not None and "dir" not in html.attrs and "[dir=rtl]" not in arabic.text("html").split("</head>")[1]
    assert "[dir=rtl]" not in render_html(load(ARABIC).brief.model_copy(update={"language": "en-GB"}), settings())


def _bottom_boxes(css: str) -> dict[str, str]:
    """The content of each @bottom-* margin box of the print stylesheet's first @page rule (the last wins)."""
    boxes: dict[str, str] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if (
            rule.type != "at-rule"
            or rule.lower_at_keyword != "page"
            or (rule.prelude and tinycss2.serialize(rule.prelude).strip())
        ):
            continue
        for inner in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True, skip_whitespace=True):
            if inner.type == "at-rule" and inner.lower_at_keyword.startswith("bottom-"):
                for decl in tinycss2.parse_blocks_contents(inner.content or [], skip_whitespace=True):
                    if decl.type == "declaration" and decl.lower_name == "content":
                        boxes[inner.lower_at_keyword] = tinycss2.serialize(decl.value).strip()
    return boxes


@pytest.mark.parametrize("status", ["final", "draft"])
def test_the_print_stylesheet_swaps_the_page_number_and_the_organisation_right_to_left(status: str) -> None:
    project = settings(Config(organisation="Desk"))
    brief = load(ARABIC).brief.model_copy(update={"status": status})
    rtl = _bottom_boxes(render_print_css(brief, project))
    ltr = _bottom_boxes(render_print_css(brief.model_copy(update={"language": "en-GB"}), project))
    assert "counter(page)" in rtl["bottom-left"] and "counter(page)" in ltr["bottom-right"]
    assert "Desk" in rtl["bottom-right"] and "Desk" in ltr["bottom-left"]
    draft = translator("ar").gettext("DRAFT")  # the margin box says it in the brief's language (مسودة)
    assert (draft in rtl["bottom-right"]) == (status == "draft") == ("DRAFT" in ltr["bottom-left"])


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _text(box: Any) -> str:
    return "".join(getattr(b, "text", "") for b in _boxes(box))


@pytest.fixture(scope="module")
def laid_out(arabic: Rendered) -> Any:
    """The Arabic brief's PDF pages as WeasyPrint lays them out."""
    from weasyprint import HTML

    html = printable_html(arabic.text("html"), render_print_css(arabic.brief, settings()))
    return HTML(string=html).render()


def test_the_pdf_mirrors_the_bluf_box_tables_and_margin_boxes(laid_out: Any) -> None:
    page = laid_out.pages[0]._page_box
    bluf = next(b for b in _boxes(page) if "bluf" in _classes(b) and b.element_tag == "section")
    assert (bluf.border_left_width, bluf.border_right_width > 0) == (0, True)
    table = next(b for b in _boxes(page) if "options-table" in _classes(b))
    option, against = (translator("ar").gettext(label) for label in ("Option", "Against"))  # the labels in Arabic
    headers = {_text(b): b for b in _boxes(table) if b.element_tag == "th" and _text(b) in (option, against)}
    assert headers[option].position_x > headers[against].position_x  # the first column on the right
    margins = {b.at_keyword: _text(b) for b in page.children if hasattr(b, "at_keyword")}
    assert margins["@bottom-left"].startswith(translator("ar").gettext("Page %(page)s of %(pages)s").split("%")[0])
    assert margins["@bottom-right"] == ""  # no organisation


def test_the_pdf_text_reads_in_logical_order_in_arabic_faces(arabic: Rendered) -> None:
    text = BIDI_CONTROLS.sub("", run_tool("pdftotext", "-enc", "UTF-8", arabic.path("pdf"), "-"))
    for phrase in ["الصين تسعى", "نزاعها مع اليابان بشأن تايوان", "«المصالح الجوهرية»", "حسابات فرنسا"]:
        assert phrase in text
    fonts = {name.split("+")[-1] for name, embedded in pdffonts(arabic.path("pdf")) if embedded}
    assert {"Noto-Naskh-Arabic", "Noto-Sans-Arabic-Bold"} <= fonts


def test_the_pdf_leaves_out_the_figures_weasyprint_cannot_write_in_arabic(arabic: Rendered) -> None:
    html = arabic.text("html")
    assert 'class="risk-matrix"' in html or "risk-matrix" in html
    text = run_tool("pdftotext", "-enc", "UTF-8", arabic.path("pdf"), "-")
    assert "Risk matrix" not in text and "Timeline of the events" not in text
    assert "تربط أمن اليابان بطارئ" in BIDI_CONTROLS.sub("", text)  # the timeline's events, as the list after it


def test_the_word_document_is_right_to_left(arabic: Rendered) -> None:
    with zipfile.ZipFile(arabic.path("docx")) as package:
        body = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", body, re.S)
    assert paragraphs and all("<w:bidi/>" in p for p in paragraphs)
    assert body.count("<w:tbl>") == body.count("<w:bidiVisual/>") > 0
    assert re.search(r"<w:sectPr[^>]*>.*<w:bidi/>.*</w:sectPr>", body, re.S)
    title = next(r for r in re.findall(r"<w:r>.*?</w:r>", body, re.S) if "الصين تسعى" in r)
    assert "<w:rtl/>" in title
    assert re.search(r'<w:lang w:val="ar"[^>]* w:bidi="ar"/>', styles) and 'w:cs="Arial"' in styles
    assert "<w:iCs" not in styles + body  # Arabic is never slanted


def test_an_english_word_document_has_no_right_to_left_settings(tmp_path: Path) -> None:
    path = write_brief(tmp_path / "src", "en", minimal_data())
    render_brief(load(path), settings(formats=("docx",), out_dir=tmp_path / "out"))
    with zipfile.ZipFile(tmp_path / "out" / "en.docx") as package:
        body = package.read("word/document.xml").decode()
    assert "<w:bidi/>" not in body and "<w:rtl/>" not in body


def test_a_source_written_left_to_right_is_listed_left_to_right(arabic: Rendered) -> None:
    items = {li.get("id"): li.get("dir") for li in parse_html(arabic.text("html")).iter("li") if li.get("id")}
    assert items == {"source-bloomberg-2025-11-28": "ltr", "source-analysis-2025-11": "ltr"}
    text = run_tool("pdftotext", "-enc", "UTF-8", arabic.path("pdf"), "-")
    assert "during feud with Japan. Bloomberg via Business Standard," in text  # in reading order, not reversed
