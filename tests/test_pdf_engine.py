"""WeasyPrint's per-PDF repeats done once per process (briefgen/pdf_engine.py): the PDFs stay what they were."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
import tinyhtml5
import tinyhtml5.inputstream

import briefgen.pdf_engine as engine
from briefgen.check import check
from briefgen.pdf import write_pdf
from briefgen.produce import make_outputs
from briefgen.project import resolve_project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def nothing_kept() -> Iterator[None]:
    engine.forget_sheets()
    yield
    engine.forget_sheets()


def page(body: str, *sheets: str) -> str:
    styles = "".join(f"<style>{sheet}</style>" for sheet in sheets)
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{styles}</head><body>{body}</body></html>'


def pdf(html: str, css: str = "") -> tuple[bytes, list[str]]:
    """The PDF of a page and its warnings; ``css`` is the print sheet write_pdf adds (an empty one is kept too)."""
    data, warnings, _pages = write_pdf(html, css, name="t", variant="none")
    return data, warnings


def text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_of(brief: Path) -> bytes:
    project = resolve_project(start=brief.parent, formats=["pdf"])
    files, _warnings = make_outputs(check([brief], project).briefs[0], project)
    return next(data for name, data in files.items() if str(name).endswith(".pdf"))


def test_every_repository_brief_is_the_same_pdf_with_sheets_kept_in_any_order() -> None:
    briefs = sorted((ROOT / "briefs").glob("*.yaml"))
    assert len(briefs) >= 4
    fresh = {}
    for brief in briefs:
        engine.forget_sheets()
        fresh[brief] = digest(pdf_of(brief))
    assert engine.kept_sheets() > 0  # the sheets are kept at all
    for brief in [*briefs[::-1], *briefs]:  # each brief after others, whose sheets are kept
        assert digest(pdf_of(brief)) == fresh[brief], brief.name
    assert engine.kept_sheets() >= len(briefs)  # the print sheets differ by language and marking


def test_a_kept_sheet_brings_its_page_rules_and_no_other_page_s() -> None:
    shared = "body { font: 12pt sans-serif; }"
    alpha = '@page { size: A5; @bottom-center { content: "ALPHA-BANNER"; } }'
    bravo = '@page { size: A4; @bottom-center { content: "BRAVO-BANNER"; } }'
    first, _ = pdf(page("<p>One</p>", shared, alpha))
    second, _ = pdf(page("<p>Two</p>", shared, bravo))
    again, _ = pdf(page("<p>One</p>", shared, alpha))  # both sheets kept now
    assert engine.kept_sheets() == 4  # the three, and the empty print sheet
    assert again == first
    assert "ALPHA-BANNER" in text(again) and "BRAVO-BANNER" not in text(again)
    assert "BRAVO-BANNER" in text(second) and "ALPHA-BANNER" not in text(second)
    sizes = [round(float(pypdf.PdfReader(io.BytesIO(d)).pages[0].mediabox.width)) for d in (first, second, again)]
    assert sizes == [420, 595, 420]  # A5, A4, A5 points wide


def test_a_sheet_that_warns_is_parsed_and_warns_on_every_page() -> None:
    broken = "p { colour: red; } p { color: green; }"
    warnings = [pdf(page("<p>x</p>", broken))[1] for _ in range(2)]
    assert all(any("colour" in w for w in said) for said in warnings), warnings
    assert engine.kept_sheets() == 1  # only the empty print sheet


def test_a_var_that_resolves_to_nothing_warns_on_every_page_from_a_kept_sheet() -> None:
    sheet = "p { width: var(--missing); }"
    said = [pdf(page("<p>x</p>", sheet))[1] for _ in range(3)]
    assert engine.kept_sheets() == 2  # parsing it warned of nothing: kept, beside the empty print sheet
    assert [sum("width" in w for w in warnings) for warnings in said] == [1, 1, 1], said


def test_a_sheet_that_fetches_is_parsed_again_every_time() -> None:
    imported = "p { color: rgb(200, 0, 0); }"
    sheet = f'@import url("data:text/css,{imported.replace(" ", "%20")}");'
    first, _ = pdf(page("<p>x</p>", sheet))
    assert engine.kept_sheets() == 1  # only the empty print sheet
    assert pdf(page("<p>x</p>", sheet))[0] == first


def test_at_most_so_many_sheets_are_kept() -> None:
    for n in range(engine.SHEETS_KEPT + 3):
        pdf(page("<p>x</p>", f"p {{ margin-left: {n}pt; }}"))
    assert engine.kept_sheets() == engine.SHEETS_KEPT


def test_the_page_s_own_sheet_still_beats_the_print_sheet_and_loses_to_style_attributes() -> None:
    """Kept sheets stay author sheets in source order: the later one wins, a style attribute beats both."""
    html = page('<p class="a">PLAIN</p><p class="a" style="font-size: 30pt">BIG</p>', "p.a { font-size: 8pt; }")
    fresh, _ = pdf(html, "p.a { font-size: 20pt; }")
    kept, _ = pdf(html, "p.a { font-size: 20pt; }")
    assert engine.kept_sheets() == 2
    assert kept == fresh
    stream = pypdf.PdfReader(io.BytesIO(kept)).pages[0].get_contents().get_data()
    sizes = {round(float(size) * 0.75, 1) for size in re.findall(rb"/\w+ ([\d.]+) Tf", stream)}  # px to pt
    assert sizes == {20.0, 30.0}


def test_tinyhtml5_finds_its_expressions_under_the_key_it_looks_them_up_by() -> None:
    samples = [
        "<p>a &amp; b <b>c</b></p>",
        '<p title="x &quot; y" data-a=\'1\'>t</p><style>p > a { x: "}" }</style>',
        "<pre>\r\n  spaced\ttext\x00</pre><script>if (a < b) {}</script><!-- c -->",
    ]
    table = tinyhtml5.inputstream.characters_until_regex
    assert isinstance(table, engine._Expressions)
    trees = [tinyhtml5.parse(sample) for sample in samples]
    known = dict(table)
    for _ in range(3):
        for sample in samples:
            tinyhtml5.parse(sample)
    assert dict(table) == known  # nothing compiled again
    assert all(isinstance(characters, tuple | frozenset | str) for characters, _opposite in known)
    # the same trees as tinyhtml5's own dict gives (which compiles an expression per call)
    tinyhtml5.inputstream.characters_until_regex = {}
    try:
        plain = [tinyhtml5.parse(sample) for sample in samples]
    finally:
        tinyhtml5.inputstream.characters_until_regex = table
    assert [_serialised(t) for t in trees] == [_serialised(t) for t in plain]


def _serialised(tree: object) -> bytes:
    import xml.etree.ElementTree as ET

    assert isinstance(tree, ET.Element)
    return ET.tostring(tree)


def test_a_sheet_parsed_without_briefgen_s_counting_fetcher_is_never_kept() -> None:
    import weasyprint.css
    from weasyprint.urls import URLFetcher

    for fetcher in (None, URLFetcher()):
        weasyprint.css.CSS(
            string="p { color: red; }",
            url_fetcher=fetcher,
            page_rules=[],
            layers=[],
            counter_style={},
            color_profiles={},
        )
    assert engine.kept_sheets() == 0


def test_a_counter_style_defined_again_under_a_known_name_is_parsed_on_every_page() -> None:
    """Redefining lower-roman adds no name to the page's counter styles: it must still count as a change."""
    sheet = (
        '@counter-style lower-roman { system: cyclic; symbols: "\\2605"; suffix: " "; } ol { list-style: lower-roman; }'
    )
    pages = [pdf(page("<ol><li>alpha</li><li>bravo</li></ol>", sheet))[0] for _ in range(2)]
    assert pages[0] == pages[1]
    assert "★" in text(pages[1]) and " ii" not in text(pages[1])
    assert engine.kept_sheets() == 1  # only the empty print sheet


def test_a_sheet_with_rules_in_a_layer_is_parsed_on_every_page() -> None:
    """Its layer's place is the page's list of layers, which another sheet of the page may have named first."""
    layered = "@layer base { p { color: rgb(200, 0, 0); } } p { font-size: 20pt; }"
    pdf(page("<p>one</p>", "@layer base;", layered))
    second, _ = pdf(page("<p>two</p>", "p { margin: 0; }", layered))  # a kept copy failed here (ValueError)
    engine.forget_sheets()
    assert pdf(page("<p>two</p>", "p { margin: 0; }", layered))[0] == second
    assert engine.kept_sheets() == 2  # the empty print sheet and the unlayered one


def test_a_kept_sheet_holds_nothing_of_the_page_it_was_first_parsed_for() -> None:
    secret = '@page { @bottom-center { content: "SECRET-CANARY"; } }'
    pdf(page("<p>x</p>", "p { color: red; }", secret))
    held = [kept.sheet.page_rules for kept in engine._kept.values()]
    assert sorted(len(rules) for rules in held) == [0, 0, 1]  # only the @page sheet's own rule
    assert "SECRET-CANARY" not in repr([k.sheet.page_rules for k in engine._kept.values() if not k.page_rules])


def _streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF, decoded, in object order; not the cross-reference stream (its byte offsets)."""
    from pypdf.generic import StreamObject

    reader = pypdf.PdfReader(io.BytesIO(data))
    numbers = sorted(number for table in reader.xref.values() for number in table)
    objects = [reader.get_object(number) for number in numbers]
    return [o.get_data() for o in objects if isinstance(o, StreamObject) and o.get("/Type") != "/XRef"]


def test_streams_are_deflated_at_zlib_s_default_level_and_decode_to_the_same_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pydyf

    html = page("<h1>Title</h1><p>Body text, <strong>bold</strong> and <em>italic</em>.</p>" * 20)
    ours, _ = pdf(html)
    monkeypatch.setattr(pydyf, "zlib", __import__("zlib"))  # pydyf as it is: level 9
    theirs, _ = pdf(html)
    assert ours != theirs
    assert _streams(ours) == _streams(theirs)  # the same content, fonts and all: the same pages
    assert len(theirs) <= len(ours) <= 1.05 * len(theirs)
