"""The PDF, checked from the file with poppler-utils: text, markings, page numbers, outline, metadata, fonts.

The real brief is laid out once per session (``render_once``) and every test reads that one file.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from helpers import (
    ANNEX,
    EXAMPLE_BRIEF,
    PAYLOAD,
    Page,
    Rendered,
    expected_h2,
    load,
    minimal_data,
    page_texts,
    page_words,
    pdf_bytes_expanded,
    pdf_uris,
    pdffonts,
    pdfinfo,
    settings,
    write_brief,
)

from briefgen.config import Config
from briefgen.errors import BriefgenError
from briefgen.markdown import safe_url
from briefgen.produce import render_brief
from briefgen.render import format_date, short_title

RenderOnce = Callable[..., Rendered]
FACTS = ["Guterres", "Bonne", "7 November 2025", "state visit", "Senkaku", "Macron", "王毅", "高市早苗", "António"]


@pytest.fixture(scope="session")
def real(render_once: RenderOnce) -> Rendered:
    return render_once("real", ("pdf",))


@pytest.fixture(scope="session")
def real_pages(real: Rendered) -> list[str]:
    return page_texts(real.path("pdf"))


@pytest.fixture(scope="session")
def long(render_once: RenderOnce) -> Rendered:
    """The real brief made long (helpers.long_data): a contents list, a timeline, many pages."""
    return render_once("long", ("pdf",))


@pytest.fixture(scope="session")
def long_pages(long: Rendered) -> list[str]:
    return page_texts(long.path("pdf"))


@pytest.fixture(scope="session")
def real_words(real: Rendered) -> list[Page]:
    return page_words(real.path("pdf"))


@pytest.fixture(scope="session")
def real_info(real: Rendered) -> dict[str, str]:
    return pdfinfo(real.path("pdf"))


def flat(text: str) -> str:
    """Text on one line: hyphenated words rejoined (WeasyPrint hyphenates with U+2010), whitespace collapsed."""
    text = re.sub(r"\u2010[ \t]*\n\s*", "", text)
    text = re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", "-", text)
    return " ".join(text.split())


def lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


# --- text


def test_pdf_text_has_every_section_and_the_key_facts(real: Rendered, real_pages: list[str]) -> None:
    text = flat(" ".join(real_pages))
    brief = real.brief
    for title in [brief.title, "Key judgements", *expected_h2(brief)]:
        assert title in text, title
    assert "Contents" not in text  # a brief of four pages is read through
    assert "Information as of 28 Nov 2025, 07:42 IST" in text  # the news report's cut-off, in the title block
    assert "Key question: Will France give Beijing the backing it seeks" in text
    assert "[B2] Beijing urges France" in text and "[F3] Amid Escalating Tensions" in text
    for fact in FACTS:
        assert fact in text, fact
    assert format_date(brief.date) in text
    straight = text.translate(STRAIGHTEN)  # body text is typeset with curly quotes
    for point in brief.key_points:
        assert flat(point.text.split("[@")[0]).strip() in straight


STRAIGHTEN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def test_body_text_has_curly_quotes_and_apostrophes(real: Rendered, real_pages: list[str]) -> None:
    text = flat(" ".join(real_pages))
    assert "days before Macron\u2019s state visit" in text  # the bottom line up front
    assert "'" not in text and '"' not in text  # the brief's plain fields (titles) and briefgen's labels too
    assert "\u201cfirmly support each other" in text
    assert "Wang Yi presses Paris on \u201ccore interests\u201d" in text  # a subtitle is plain text, kept as typed


# --- page furniture: classification banners, running header, page numbers


def test_title_block_metadata_does_not_wrap_early(long: Rendered, long_pages: list[str]) -> None:
    """The author and role fit on one line of the page; WeasyPrint's flex layout once put "desk)" below."""
    real, real_pages = long, long_pages  # the real brief's title block, with an author's role
    author = real.brief.authors[0]
    line = f"Author {author.name} ({author.role})"
    assert len(line) < 90  # it fits the text width: if it wrapped, that was the layout, not the length
    # whole on one line (the frame's "Prepared by" and "Distribution" may follow it on that line)
    assert any(text == line or text.startswith(f"{line} ") for text in lines(real_pages[0])), lines(real_pages[0])


def joined(words: list[object]) -> str:
    return "".join(w.text for w in words)  # type: ignore[attr-defined]


def test_classification_at_top_and_bottom_of_every_page(real_words: list[Page], real_info: dict[str, str]) -> None:
    assert len(real_words) == int(real_info["Pages"]) > 1
    for number, page in enumerate(real_words, 1):
        for top in (True, False):
            band = page.band(top)
            marking = [w for w in band if w.text in ("U", "NCLASSIFIED", "UNCLASSIFIED")]
            assert "UNCLASSIFIED" in joined(marking), (number, "top" if top else "bottom", joined(band))
            middle = (min(w.x0 for w in marking) + max(w.x1 for w in marking)) / 2
            assert abs(middle - page.width / 2) < 5, f"marking not centred on page {number}"


def test_footer_page_x_of_y_on_every_page(real_words: list[Page], real_info: dict[str, str]) -> None:
    total = int(real_info["Pages"])
    for number, page in enumerate(real_words, 1):
        band = page.band(top=False)
        texts = [w.text for w in band]
        assert texts[-4:] == ["Page", str(number), "of", str(total)], texts
        assert band[-1].x1 > page.width * 0.85, "page number is not at the right"


def test_running_header_from_the_second_page(real: Rendered, real_words: list[Page]) -> None:
    header = short_title(real.brief)
    date = format_date(real.brief.date)
    first = " ".join(w.text for w in real_words[0].band(top=True))
    assert header.split()[0] not in first and date not in first
    for page in real_words[1:]:  # the title at the left, the date at the right, under the marking's top
        band = page.band(top=True, tolerance=25)  # points: the header line, not yet the body
        left = " ".join(w.text for w in band if w.x1 < page.width * 0.45)
        right = " ".join(w.text for w in band if w.x0 > page.width * 0.55)
        assert left == header and right == date, [w.text for w in band]


# --- table of contents and outline


def toc_entries(pages: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """The page holding the Contents heading and its entries (title, page number)."""
    toc_page = next(i for i, page in enumerate(pages, 1) if "Contents" in lines(page))
    entries = []
    raw = [line.strip() for line in pages[toc_page - 1].splitlines() if line.strip()]
    # the leader is drawn, not typed (no dots in the text): an entry is its title, a wide gap, its page number
    for line in raw[raw.index("Contents") + 1 :]:
        match = re.fullmatch(r"(.+?)\s{3,}(\d+)", line)
        if not match:
            break
        entries.append((" ".join(match.group(1).split()), int(match.group(2))))
    return toc_page, entries


def heading_page(pages: list[str], title: str, first: int) -> int:
    """The first page from ``first`` on with a line that is the heading (or its first line, when it wraps).

    A contents line ends in a page number, so it never matches a heading."""
    for number, page in enumerate(pages, 1):
        if number < first:
            continue
        for line in lines(page):
            if line == title or (len(line) >= 20 and title.startswith(line)):
                return number
    raise AssertionError(f"heading {title!r} not found from page {first} on")


def test_toc_page_numbers_match_where_the_headings_are(long: Rendered, long_pages: list[str]) -> None:
    real, real_pages = long, long_pages
    toc_page, entries = toc_entries(real_pages)
    framed = 1 + bool(real.brief.implications) + bool(real.brief.options)  # the BLUF and frame come before it
    assert [title for title, _ in entries] == expected_h2(real.brief)[framed:]
    found = [heading_page(real_pages, title, toc_page) for title, _ in entries]
    assert [page for _, page in entries] == found
    assert found == sorted(found) and found[-1] <= len(real_pages)
    assert heading_page(real_pages, "Bottom line up front", 1) <= toc_page


def test_outline_has_an_entry_per_section(real: Rendered, long: Rendered, long_pages: list[str]) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf is needed to read the PDF outline: add it to the dev extras")
    short = [item.title for item in pypdf.PdfReader(real.path("pdf")).outline]
    assert short == expected_h2(real.brief)  # four pages: no contents
    reader = pypdf.PdfReader(long.path("pdf"))
    outline = reader.outline
    assert all(not isinstance(item, list) for item in outline), "outline should be flat"
    titles = [item.title for item in outline]
    framed = 1 + bool(long.brief.implications) + bool(long.brief.options)
    h2 = expected_h2(long.brief)
    assert titles == [*h2[:framed], "Contents", *h2[framed:]]
    assert titles[-1] == ANNEX
    toc_page, entries = toc_entries(long_pages)
    pages = [reader.get_destination_page_number(item) + 1 for item in outline]
    assert pages[0] == 1 and pages[framed] == toc_page
    assert pages[framed + 1 :] == [page for _, page in entries]


# --- metadata, tagging, fonts, warnings


def test_the_real_brief_is_four_pages(real: Rendered, real_info: dict[str, str]) -> None:
    assert real.brief.max_pages == 4 and real_info["Pages"] == "4"  # its budget, which rendering enforces


def test_metadata(real: Rendered, real_info: dict[str, str]) -> None:
    brief = real.brief
    assert real_info["Title"] == brief.title
    assert real_info["Author"] == ", ".join(a.name for a in brief.authors)
    assert real_info["Subject"] == brief.subtitle
    assert real_info["Keywords"] == ", ".join(brief.tags)
    assert real_info["CreationDate"].startswith(brief.date.isoformat())
    assert real_info["Tagged"] == "yes"
    assert real_info["Page size"].endswith("(A4)")
    assert real_info["JavaScript"] == "no"
    assert re.search(rb"/Lang\s*\(en-GB\)", pdf_bytes_expanded(real.path("pdf")))
    assert re.search(rb"/StructTreeRoot", pdf_bytes_expanded(real.path("pdf")))


def test_fonts_embedded_with_cjk_and_no_weasyprint_warnings(real: Rendered) -> None:
    fonts = pdffonts(real.path("pdf"))
    assert fonts and all(embedded for _, embedded in fonts), fonts
    names = [name.split("+")[-1].replace("-", "").replace(" ", "") for name, _ in fonts]
    # the real brief has Chinese (zh-Hans) and Japanese (ja) names: each gets its own CJK face
    assert any(name.startswith("NotoSansCJKSC") for name in names), names
    assert any(name.startswith("NotoSansCJKJP") for name in names), names
    assert real.result.warnings == []


# --- a draft


def test_draft_brief_renders_with_watermark_text(render_once: RenderOnce, real_words: list[Page]) -> None:
    example = render_once("example", ("pdf",))
    assert example.result.warnings == []
    pages = page_words(example.path("pdf"))
    assert len(pages) == int(pdfinfo(example.path("pdf"))["Pages"]) >= 2
    for page in pages:
        letters = {w.text for w in page.words if len(w.text) == 1}
        assert set("DRAFT") <= letters  # the rotated watermark's letters
        assert "UNCLASSIFIED" in joined(page.band(top=True)) and "UNCLASSIFIED" in joined(page.band(top=False))
    for page in real_words:  # final: no watermark
        big = [w for w in page.words if len(w.text) == 1 and w.text in "DRAFT" and w.y1 - w.y0 > 60]
        assert big == []


def watermark_pixels(pdf: Path) -> list[int]:
    """Per page, how many pixels have the watermark's pale red (at 20 dpi)."""
    out = subprocess.run(["pdftoppm", "-r", "20", str(pdf)], capture_output=True, check=True, timeout=60).stdout
    counts = []
    while out:
        magic, size, depth, rest = out.split(b"\n", 3)
        assert magic == b"P6" and depth == b"255"
        width, height = map(int, size.split())
        pixels, out = rest[: width * height * 3], rest[width * height * 3 :]
        rgb = zip(pixels[0::3], pixels[1::3], pixels[2::3], strict=True)
        counts.append(sum(1 for r, g, b in rgb if r >= 240 and r - g >= 6 and abs(g - b) <= 6))
    return counts


def test_draft_watermark_is_visible_on_every_page(render_once: RenderOnce) -> None:
    counts = watermark_pixels(render_once("example", ("pdf",)).path("pdf"))
    assert all(count > 150 for count in counts), counts


# --- injection


def test_injection_pdf_shows_the_text(render_once: RenderOnce) -> None:
    injection = render_once("injection", ("pdf",))
    assert injection.result.warnings == []
    text = flat(" ".join(page_texts(injection.path("pdf"))))
    assert f"Summary {PAYLOAD}" in text
    assert "<script>alert(1)</script>" in text and "[link](javascript:alert(1))" in text
    for prefix in ["Title", "Actor", "Source", "Risk", "Watch", "Section"]:
        assert f"{prefix} <script>alert(1)</script>" in text, prefix


def test_injection_pdf_has_no_javascript(render_once: RenderOnce) -> None:
    pdf = render_once("injection", ("pdf",)).path("pdf")
    assert pdfinfo(pdf)["JavaScript"] == "no"
    data = pdf_bytes_expanded(pdf)
    for name in (rb"/JavaScript", rb"/JS", rb"/Launch", rb"/SubmitForm", rb"/ImportData", rb"/AA"):
        assert not re.search(re.escape(name) + rb"(?![A-Za-z0-9])", data), name


def test_pdf_uri_scan_finds_links(render_once: RenderOnce) -> None:
    """Guard for the next test: the scanner does find a source's link in the example PDF."""
    example = render_once("example", ("pdf",))
    assert "https://example.org/valmora/dockers-walk-out" in pdf_uris(pdf_bytes_expanded(example.path("pdf")))


def test_injection_pdf_has_no_javascript_link(render_once: RenderOnce) -> None:
    uris = pdf_uris(pdf_bytes_expanded(render_once("injection", ("pdf",)).path("pdf")))
    assert all(safe_url(uri) for uri in uris), uris


# --- characters no font can draw, and failures that must not clobber a good PDF

NO_FONT = "\U0010fffd"  # last code point of Supplementary Private Use Area-B: no installed font draws it


def glyph_brief(folder: Path) -> Path:
    data = minimal_data(trigger={"title": "What happened", "summary": f"It happened {NO_FONT} here."})
    return write_brief(folder, "glyph", data)


def test_missing_glyph_is_a_located_error_and_no_pdf(tmp_path: Path) -> None:
    path = glyph_brief(tmp_path / "src")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if NO_FONT in text)
    valid = load(path)
    out = tmp_path / "out"
    with pytest.raises(BriefgenError) as raised:
        render_brief(valid, settings(out_dir=out))
    [problem] = raised.value.problems
    assert problem.where == "trigger.summary"
    assert problem.line == line and problem.col > 0
    assert "U+10FFFD" in problem.message
    assert problem.path == valid.source.name
    assert not list(out.glob("*.pdf")) and not list(out.glob(".*"))


def test_failed_render_keeps_the_previous_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = load(write_brief(tmp_path / "src", "glyph", minimal_data()))
    render_brief(good, settings(formats=["pdf"], out_dir=out))
    target = out / "glyph.pdf"
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-")

    # 1. refused before layout: a character no font can draw
    with pytest.raises(BriefgenError):
        render_brief(load(glyph_brief(tmp_path / "src")), settings(formats=["pdf"], out_dir=out))
    assert target.read_bytes() == pdf
    assert [p.name for p in out.iterdir()] == ["glyph.pdf"]

    # 2. refused during layout: a theme's stylesheet asks for a network resource
    theme_dir = tmp_path / "theme"
    theme_dir.mkdir()
    (theme_dir / "extra.css").write_text("body { background-image: url(http://evil.example/x.png); }")
    with pytest.raises(BriefgenError, match=r"remote resource .* refused"):
        render_brief(good, settings(formats=["pdf"], out_dir=out, templates=theme_dir))
    assert target.read_bytes() == pdf
    assert [p.name for p in out.iterdir()] == ["glyph.pdf"]  # no .tmp left behind


def test_a_pdf_failure_keeps_every_previous_output_of_the_brief(tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_brief(load(write_brief(tmp_path / "src", "glyph", minimal_data())), settings(out_dir=out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["glyph.docx", "glyph.html", "glyph.md", "glyph.pdf"]
    failing = load(glyph_brief(tmp_path / "src"))  # same id, new text, fails only at the PDF
    with pytest.raises(BriefgenError):
        render_brief(failing, settings(out_dir=out))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


MULTILINGUAL = {
    "Thai": "กรุงเทพมหานคร",
    "Vietnamese": "Nguyễn Thị Minh Khai",
    "Chinese": "王毅",
    "Japanese": "たかいち さなえ",
    "Latin": "Zoë Ångström, Søren Ødegård, François",
}


def test_letter_pdf_a_with_many_scripts_draws_every_glyph(tmp_path: Path) -> None:
    actors = [{"id": f"a{i}", "name": f"{lang}: {text}"} for i, (lang, text) in enumerate(MULTILINGUAL.items())]
    valid = load(write_brief(tmp_path / "src", "scripts", minimal_data(actors=actors)))
    letter = settings(Config(page_size="Letter"), formats=["pdf"], out_dir=tmp_path / "out", pdf_variant="pdf/a-3b")
    result = render_brief(valid, letter)
    assert result.warnings == []  # no .notdef (empty box) and nothing else from WeasyPrint
    pdf = tmp_path / "out" / "scripts.pdf"
    info = pdfinfo(pdf)
    assert info["Page size"].startswith("612 x 792")  # US Letter, in points
    assert b"pdfaid:part" in pdf_bytes_expanded(pdf) and b"pdfaid:conformance" in pdf_bytes_expanded(pdf)
    fonts = pdffonts(pdf)
    assert all(embedded for _, embedded in fonts)
    names = " ".join(name for name, _ in fonts)
    assert "Thai" in names and "CJK-SC" in names and "CJK-JP" in names
    text = " ".join(page_texts(pdf))
    for sample in MULTILINGUAL.values():
        assert sample in text


def test_a_relative_link_never_becomes_a_path_of_this_machine(tmp_path: Path) -> None:
    summary = "See [the annex](annex.html) and [site](https://example.org/)."
    valid = load(write_brief(tmp_path / "src", "links", minimal_data(summary=summary)))
    render_brief(valid, settings(formats=["pdf"], out_dir=tmp_path / "out"))
    uris = pdf_uris(pdf_bytes_expanded(tmp_path / "out" / "links.pdf"))
    assert "https://example.org/" in uris
    assert not [u for u in uris if u.startswith("file:") or str(tmp_path) in u], uris


# --- every link can be clicked: a viewer engine's hit test, not only the rectangle


def link_areas(pdf: Path) -> list[tuple[int, float, bool, str]]:
    """(page, height in pt, whether PDFium finds the link at the rectangle's centre, the text inside it)."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    reader, document = pypdf.PdfReader(pdf), pypdfium2.PdfDocument(pdf)
    found = []
    for number, page in enumerate(reader.pages):
        engine_page = document[number]
        text = engine_page.get_textpage()
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            x0, x1 = sorted(float(annotation["/Rect"][i]) for i in (0, 2))
            y0, y1 = sorted(float(annotation["/Rect"][i]) for i in (1, 3))
            hit = bool(pdfium_c.FPDFLink_GetLinkAtPoint(engine_page.raw, (x0 + x1) / 2, (y0 + y1) / 2))
            found.append((number + 1, y1 - y0, hit, text.get_text_bounded(x0, y0, x1, y1).strip()))
    return found


@pytest.mark.parametrize("name", ["real", "example"])
def test_every_link_has_an_area_a_viewer_hits(render_once: RenderOnce, name: str) -> None:
    areas = link_areas(render_once(name, ("pdf",)).path("pdf"))
    assert len(areas) > 20  # the contents, the citations and the sources
    cannot = [(page, round(height, 1), text) for page, height, hit, text in areas if height < 4 or not hit or not text]
    assert cannot == []


# --- the structure tree a screen reader walks (veraPDF's PDF/UA-1 rules 7.2-17, 7.2-19 and ISO 32000-1
# table 322, checked here: veraPDF cannot be installed on this machine)


def structure_problems(pdf: Path) -> list[str]:
    """What in the PDF's structure tree breaks the PDF/UA rules on lists, IDs and link descriptions."""
    reader = pypdf.PdfReader(pdf)
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    names = root.get("/IDTree", {}).get("/Names", [])
    in_tree = {str(names[i]) for i in range(0, len(names), 2)}
    problems: list[str] = []

    def walk(node: Any, parent: str) -> None:
        node = node.get_object()
        if not isinstance(node, dict) or "/S" not in node:
            return
        kind, kids = node["/S"], node.get("/K")
        kids = kids if isinstance(kids, list) else [] if kids is None else [kids]
        kinds = [k.get_object()["/S"] for k in kids if isinstance(k.get_object(), dict) and "/S" in k.get_object()]
        if kind == "/LI" and parent != "/L":
            problems.append(f"LI inside {parent}")
        if kind == "/L" and set(kinds) - {"/L", "/LI", "/Caption"}:
            problems.append(f"L holding {sorted(set(kinds))}")
        if "/ID" in node and str(node["/ID"]) not in in_tree:
            problems.append(f"ID {node['/ID']} not in the IDTree")
        for kid in kids:
            walk(kid, kind)

    walk(root["/K"][0] if isinstance(root["/K"], list) else root["/K"], "/StructTreeRoot")
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            words, target = str(annotation.get("/Contents", "")), str(annotation.get("/Dest", ""))
            if annotation.get("/Subtype") == "/Link" and (not words.strip() or words == target):
                problems.append(f"link to {target or annotation['/A']['/URI']} described as {words!r}")
    return problems


@pytest.mark.parametrize("name", ["real", "example"])
def test_the_structure_tree_keeps_the_pdf_ua_rules(render_once: RenderOnce, name: str) -> None:
    pdf = render_once(name, ("pdf",)).path("pdf")
    assert structure_problems(pdf) == []
    reader = pypdf.PdfReader(pdf)
    names = reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"]
    assert len(names) >= 2 and names[1].get_object()["/S"] == "/TH"  # the tables' header cells are named


def test_a_citation_link_says_which_source_it_is(real: Rendered) -> None:
    described = [
        str(a.get_object().get("/Contents"))
        for page in pypdf.PdfReader(real.path("pdf")).pages
        for a in page.get("/Annots") or []
    ]
    assert any(d.startswith("Source 1: ") for d in described) and any(d.startswith("Source 2: ") for d in described)


# --- a long marking stays on one line, centred, on every page; the running title keeps out of its way

LONG_MARKING = "OFFICIAL-SENSITIVE // PERSONAL // NOT FOR WIDER CIRCULATION!"  # 60 characters


def test_a_sixty_character_marking_is_one_line_at_top_and_bottom_of_every_page(tmp_path: Path) -> None:
    assert len(LONG_MARKING) == 60
    text = EXAMPLE_BRIEF.read_text(encoding="utf-8").replace(
        "classification: UNCLASSIFIED", f'classification: "{LONG_MARKING}"'
    )
    assert LONG_MARKING in text
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "long.yaml").write_text(text, encoding="utf-8")
    render_brief(load(tmp_path / "src" / "long.yaml"), settings(formats=["pdf"], out_dir=tmp_path / "out"))
    pdf = tmp_path / "out" / "long.pdf"
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    layouts = pages.stdout.split("\f")[:-1]
    assert len(layouts) == int(pdfinfo(pdf)["Pages"]) > 2
    marking = LONG_MARKING.replace(" ", "")  # letter-spacing makes pdftotext see spaces inside words
    for number, page in enumerate(layouts, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0].replace(" ", "") == marking, (number, lines[:2])  # one line, nothing beside it
        # the footer line: DRAFT (the example is a draft), the marking, the page number
        assert any(line.replace(" ", "").removeprefix("DRAFT").startswith(marking) for line in lines[-2:]), number
        if number > 1:  # the running title and date, on a line of their own under the marking
            assert lines[1].startswith("Example: Dockworkers") and lines[1].endswith("1 December 2025"), lines[1]
