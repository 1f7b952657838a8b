"""The Word format (docx_parts, docx_markdown, docx_sections, docx_writer, formats/docx): read back with
python-docx and lxml, part by part. LibreOffice's reading of it is tests/test_docx_readers.py."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.run import Run
from helpers import (
    EXAMPLE_BRIEF,
    PNG,
    REAL_BRIEF,
    Rendered,
    brief,
    expected_h2,
    injection_data,
    load,
    parse_html,
    settings,
    write_brief,
    write_tree,
)
from lxml import etree

from briefgen.config import Config
from briefgen.docx_writer import docx_bytes
from briefgen.load import PathKey
from briefgen.markdown import safe_url

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OUR_FIELDS = {"PAGE", "NUMPAGES", "TOC"}


def make(path: Path, **options: Any) -> bytes:
    valid = load(path)
    return docx_bytes(valid.brief, settings(**options), valid.images)


def web_scheme(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https", "mailto")


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def text(item: Any) -> str:
    """A paragraph's or cell's text, content controls included (python-docx's .text skips them)."""
    element = getattr(item, "_p", None) if hasattr(item, "_p") else getattr(item, "_tc", None)
    element = element if element is not None else item._element
    paragraphs = [element] if element.tag == f"{W}p" else list(element.iter(f"{W}p"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in paragraphs)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def body_xml(data: bytes) -> Any:
    return etree.fromstring(parts(data)["word/document.xml"])


def tags(data: bytes) -> list[tuple[str, str]]:
    """(tag, text) of every content control, in document order."""
    out = []
    for sdt in body_xml(data).iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val")
        out.append((tag, "".join(t.text or "" for t in sdt.iter(f"{W}t"))))
    return out


def path_key(tag: str) -> PathKey:
    key: list[str | int] = []
    for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", tag):
        key.append(name if name else int(index))
    return tuple(key)


def value_at(data: Any, key: PathKey) -> Any:
    for part in key:
        data = data[part]
    return data


@pytest.fixture(scope="module")
def real(render_once: Callable[..., Rendered]) -> Rendered:
    return render_once("real", ("html", "docx"))


def test_headings_are_word_heading_styles_in_the_html_order(real: Rendered) -> None:
    document = open_docx(real.path("docx").read_bytes())
    styles = [(p.style.name, text(p)) for p in document.paragraphs if p.style.name.startswith(("Title", "Heading 1"))]
    assert styles[0] == ("Title", real.brief.title)
    headings = [text for name, text in styles if name == "Heading 1"]
    assert headings == expected_h2(real.brief)  # the HTML's h2s: same sections, same order
    level2 = [text(p) for p in document.paragraphs if p.style.name == "Heading 2"]
    assert level2[0] == "Key judgements"
    motives = {m.title for m in real.brief.motivations}  # a heading holds the title alone (its actor follows)
    assert [m.title for m in real.brief.motivations] == [t for t in level2 if t in motives]


def test_contents_is_a_toc_field_before_the_first_section_and_word_updates_it(real: Rendered) -> None:
    data = real.path("docx").read_bytes()
    body = body_xml(data)
    instructions = [" ".join((t.text or "").split()) for t in body.iter(f"{W}instrText")]
    assert instructions == ['TOC \\o "1-1" \\h \\z \\u']
    paragraphs = list(body.iter(f"{W}p"))
    toc_at = next(i for i, p in enumerate(paragraphs) if p.find(f".//{W}instrText") is not None)
    first_heading = next(
        i for i, p in enumerate(paragraphs) if p.find(f"{W}pPr/{W}pStyle[@{W}val='Heading1']") is not None
    )
    assert toc_at < first_heading
    settings_xml = etree.fromstring(parts(data)["word/settings.xml"])
    assert settings_xml.find(f"{W}updateFields").get(f"{W}val") == "true"


def test_every_page_header_and_footer_carry_the_marking_and_page_x_of_y(real: Rendered) -> None:
    document = open_docx(real.path("docx").read_bytes())
    section = document.sections[0]
    header = [text(p) for p in section.header.paragraphs]
    footer = [text(p) for p in section.footer.paragraphs]
    assert header[0] == "UNCLASSIFIED" and footer[0] == "UNCLASSIFIED"
    assert "DRAFT" not in header  # the real brief is final
    footer_xml = section.footer._element
    fields = [" ".join((t.text or "").split()) for t in footer_xml.iter(f"{W}instrText")]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer[1].startswith("Page ") and " of " in footer[1]
    assert section.header.paragraphs[0].alignment == 1  # centred


def test_a_draft_says_so_in_the_header(tmp_path: Path) -> None:
    document = open_docx(make(EXAMPLE_BRIEF))
    assert "DRAFT" in [text(p) for p in document.sections[0].header.paragraphs]


def test_tables_have_header_rows_that_repeat(real: Rendered) -> None:
    document = open_docx(real.path("docx").read_bytes())
    tables = document.tables
    assert len(tables) >= 8  # box, judgements, actors, asks, matrix, risks, watch list, timeline, 3 scales
    for table in tables[1:]:  # the first is the BLUF's box
        first_row = table.rows[0]._tr
        assert first_row.trPr is not None and first_row.trPr.find(qn("w:tblHeader")) is not None
    headers = [tuple(text(c) for c in t.rows[0].cells) for t in tables]
    assert ("#", "Judgement", "Likelihood, confidence") in headers
    assert ("Actor", "Role", "Affiliation") in headers
    assert ("What to watch", "Indicator", "By", "Status") in headers
    assert ("#", "Risk", "Risk to", "Likelihood", "Impact", "Severity") in headers
    assert ("Grade", "Meaning") in headers  # the Admiralty grades of its sources (the yardstick: test_tradecraft)
    example = [tuple(text(c) for c in t.rows[0].cells) for t in open_docx(make(EXAMPLE_BRIEF)).tables]
    assert ("Date", "Event") in example  # the real brief has no dated events


def test_the_bluf_is_a_shaded_box(real: Rendered) -> None:
    document = open_docx(real.path("docx").read_bytes())
    box = document.tables[0]
    assert len(box.rows) == 1 and len(box.columns) == 1
    fill = box.rows[0].cells[0]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == "EEF2F7"
    assert text(box.rows[0].cells[0]).startswith(real.brief.summary.split()[0])


def test_the_risk_matrix_is_a_native_table_with_numbers_in_shaded_cells(real: Rendered) -> None:
    document = open_docx(real.path("docx").read_bytes())
    matrix = next(t for t in document.tables if text(t.rows[0].cells[0]) == "Likelihood \\ Impact")
    assert [text(c) for c in matrix.rows[0].cells[1:]] == ["Minimal", "Minor", "Moderate", "Major", "Severe"]
    assert [text(r.cells[0]) for r in matrix.rows[1:]] == ["Almost certain", "Likely", "Possible", "Unlikely", "Rare"]
    rows = {text(r.cells[0]).lower().replace(" ", "-"): r for r in matrix.rows[1:]}
    columns = ["minimal", "minor", "moderate", "major", "severe"]
    for n, risk in enumerate(real.brief.risks, 1):
        cell = rows[risk.likelihood].cells[1 + columns.index(risk.impact)]
        assert str(n) in text(cell).split(", ")
        assert cell._tc.tcPr.find(qn("w:shd")) is not None
    placed = sum(len(text(c).split(", ")) for r in matrix.rows[1:] for c in r.cells[1:] if text(c))
    assert placed == len(real.brief.risks)


def test_core_properties_are_the_briefs_never_the_clock(real: Rendered) -> None:
    props = open_docx(real.path("docx").read_bytes()).core_properties
    b = real.brief
    assert props.title == b.title
    assert props.subject == b.subtitle
    assert props.author == "; ".join(a.name for a in b.authors)
    assert props.keywords == ", ".join(b.tags)
    assert props.identifier == b.id
    assert props.created == dt.datetime.combine(b.date, dt.time(), dt.UTC)
    assert props.modified == dt.datetime.combine(b.updated or b.date, dt.time(), dt.UTC)


def test_two_builds_are_the_same_bytes_with_entries_dated_by_the_brief(real: Rendered) -> None:
    first = real.path("docx").read_bytes()
    again = make(REAL_BRIEF, formats=("docx",))
    assert first == again
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        names = z.namelist()
        dates = {i.date_time for i in z.infolist()}
    assert names[0] == "[Content_Types].xml"
    assert "docProps/thumbnail.jpeg" not in names
    day = real.brief.updated or real.brief.date
    assert dates == {(day.year, day.month, day.day, 0, 0, 0)}


def test_every_content_control_is_a_field_of_the_yaml_holding_its_text(real: Rendered) -> None:
    found = tags(real.path("docx").read_bytes())
    assert len(found) > 60
    data = real.source.data
    for tag, shown in found:
        value = value_at(data, path_key(tag) if path_key(tag) != () else ())
        if isinstance(value, dict):  # a key point written as {text: ...}
            value = value["text"]
        assert isinstance(value, str), tag
        if "[@" not in value and "*" not in value and "`" not in value and "\n" not in value:
            straight = str.maketrans({"\u2019": "'", "\u201c": '"', "\u201d": '"'})
            assert shown.translate(straight) in value.translate(straight), tag
    kinds = {re.sub(r"\[\d+\]", "[]", tag) for tag, _ in found}
    for expected in (
        "title",
        "key_question",
        "reference",
        "prepared_by",
        "scope",
        "summary",
        "key_points[].text",
        "implications",
        "options[].title",
        "options[].pros[]",
        "options[].cons[]",
        "trigger.summary",
        "risks[].title",
        "risks[].description",
        "watch_list[].indicator",
        "sources[].title",
        "historical_context.summary",
        "actors[].name",
        "asks[].ask",
        "sections[].body",
    ):
        assert expected in kinds, expected
    # what the real brief no longer has (a trigger's points, dated events), in the example brief
    example = {re.sub(r"\[\d+\]", "[]", tag) for tag, _ in tags(make(EXAMPLE_BRIEF))}
    assert {"trigger.points[]", "historical_context.events[].title"} <= example


def test_template_words_are_outside_every_content_control(real: Rendered) -> None:
    texts = " ".join(shown for _, shown in tags(real.path("docx").read_bytes()))
    for label in ("Bottom line up front", "Key judgements", "Watch list", "Annex: How to read this brief"):
        assert label not in texts


def test_citations_have_the_html_numbers_and_link_to_the_sources_list(real: Rendered) -> None:
    document = open_docx(real.path("docx").read_bytes())
    html = parse_html(real.text("html"))
    html_sources = [li.text().split(".")[0] for li in html.iter("li") if li.get("id").startswith("source-")]
    start = next(i for i, p in enumerate(document.paragraphs) if text(p) == "Sources" and p.style.name == "Heading 1")
    entries = [text(p) for p in document.paragraphs[start + 1 :] if text(p).startswith("[")]
    assert len(entries) == len(real.brief.sources)
    for n, (entry, html_title) in enumerate(zip(entries, html_sources, strict=True), 1):
        assert entry.startswith(f"[{n}]")
        assert html_title.strip() in entry
    body = body_xml(real.path("docx").read_bytes())
    anchors = {h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor")}
    marks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert anchors and anchors <= marks
    assert {f"source_{n}" for n in range(1, len(entries) + 1)} == marks


def test_external_relationships_are_only_safe_hyperlinks(real: Rendered) -> None:
    data = real.path("docx").read_bytes()
    for name, blob in parts(data).items():
        if not name.endswith(".rels"):
            continue
        for rel in etree.fromstring(blob):
            if rel.get("TargetMode") == "External":
                assert rel.get("Type").endswith("/hyperlink"), (name, rel.get("Type"))
                assert safe_url(rel.get("Target")) and web_scheme(rel.get("Target")), rel.get("Target")


def test_markdown_becomes_runs_links_lists_and_a_picture_with_alt_text(project: Path) -> None:
    text = (
        "summary: |\n  Some **bold**, *italic* and `code` with [a link](https://example.org/x) and"
        " [bad](javascript:alert(1)), [a path](/etc/passwd), [relative](annex/plan.pdf) and [here](#risks)."
        "\n\n  1. one\n  2. two\n\n  - dot\n\n  3. three\n  4. four\n\n"
        "  ![A harbour crane](crane.png)\n"
    )
    write_tree(
        project,
        {"briefs/b.yaml": brief(extra="").replace("summary: The bottom line.\n", text), "briefs/crane.png": PNG},
    )
    data = make(project / "briefs" / "b.yaml")
    document = open_docx(data)
    box = document.tables[0].rows[0].cells[0]
    runs = [Run(r, None) for r in box._tc.iter(f"{W}r")]  # python-docx's p.runs skips content controls
    assert any(r.bold and r.text == "bold" for r in runs)
    assert any(r.italic and r.text == "italic" for r in runs)
    assert any(r.font.name == "Consolas" and r.text == "code" for r in runs)
    links = box._tc.findall(f".//{W}hyperlink")
    assert len(links) == 1  # javascript: is no link
    target = document.part.rels[links[0].get(qn("r:id"))].target_ref
    assert target == "https://example.org/x"
    assert "javascript" not in "".join(parts(data)["word/_rels/document.xml.rels"].decode())
    styles = [p.style.name for p in box.paragraphs]
    assert styles.count("List Number") == 4 and styles.count("List Bullet") == 1
    numbered = [p._p.pPr.numPr.numId.val for p in box.paragraphs if p.style.name == "List Number"]
    assert numbered[0] == numbered[1] != numbered[2] == numbered[3]  # the second list has its own numbering
    pictures = list(
        body_xml(data).iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    )
    assert [p.get("descr") for p in pictures] == ["A harbour crane"]
    media = [n for n in parts(data) if n.startswith("word/media/")]
    assert len(media) == 1 and parts(data)[media[0]] == PNG


def test_cjk_runs_get_an_east_asian_font_and_language(real: Rendered) -> None:
    body = body_xml(real.path("docx").read_bytes())
    cjk = [
        r for r in body.iter(f"{W}r") if re.search(r"[\u4e00-\u9fff]", "".join(t.text or "" for t in r.iter(f"{W}t")))
    ]
    assert cjk
    for run in cjk:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        lang = run.find(f"{W}rPr/{W}lang")
        assert fonts is not None and fonts.get(f"{W}eastAsia") and fonts.get(f"{W}hint") == "eastAsia"
        assert lang is not None and lang.get(f"{W}eastAsia") in {"zh-CN", "ja-JP", "zh-TW", "ko-KR"}
    japanese = [r for r in cjk if "高市" in "".join(t.text or "" for t in r.iter(f"{W}t"))]
    assert japanese and all(r.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") == "ja-JP" for r in japanese)


@pytest.mark.parametrize(("size", "width_mm"), [("A4", 210), ("Letter", 215.9)])
def test_page_size_from_the_config(size: str, width_mm: float) -> None:
    section = open_docx(make(EXAMPLE_BRIEF, config=Config(page_size=size))).sections[0]  # type: ignore[arg-type]
    assert abs(section.page_width.mm - width_mm) < 0.5
    assert abs(section.left_margin.mm - 20) < 0.5


def test_a_themes_reference_docx_gives_the_styles_and_enters_the_build_digest(project: Path) -> None:
    reference = docx.Document()
    reference.styles["Normal"].font.size = docx.shared.Pt(13)
    reference.styles["Title"].font.name = "Georgia"
    reference.add_paragraph("text of the reference that must not appear")
    (project / "theme").mkdir()
    reference.save(str(project / "theme" / "reference.docx"))
    write_tree(project, {"briefs/b.yaml": brief()})
    plain = settings()
    themed = settings(templates=project / "theme")
    valid = load(project / "briefs" / "b.yaml")
    document = open_docx(docx_bytes(valid.brief, themed, valid.images))
    assert document.styles["Title"].font.name == "Georgia"
    assert document.styles["Normal"].font.size == docx.shared.Pt(13)
    assert "text of the reference" not in "\n".join(text(p) for p in document.paragraphs)
    before = themed.digest
    reference.styles["Title"].font.name = "Arial"
    reference.save(str(project / "theme" / "reference.docx"))
    assert settings(templates=project / "theme").digest != before != plain.digest


def test_render_and_build_write_docx_and_the_index_links_it(project: Path, run: Callable[..., Any]) -> None:
    write_tree(project, {"briefs/b.yaml": brief()})
    result = run("render", "briefs/b.yaml", "--format", "docx", "--out", "single")
    assert result.exit_code == 0, result.stderr
    assert (project / "single" / "b.docx").read_bytes()[:2] == b"PK"
    built = run("build", "briefs", "--format", "md,docx")
    assert built.exit_code == 0, built.stderr
    assert (project / "output" / "b.docx").is_file()
    index = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="b.docx"' in index and ">Word<" in index
    manifest = (project / "output" / "manifest.json").read_text(encoding="utf-8")
    assert "b.docx" in manifest


HOSTILE = Path(__file__).resolve().parent / "hostile"


@pytest.mark.parametrize(
    "name", ["injection", "dead-links", "markdown-breakout", "net-source", "rtl-combining", "long-word", "generated"]
)
def test_a_hostile_brief_is_only_text_in_word(project: Path, name: str) -> None:
    """No field code, macro, embedded object or outside target from a brief's text: only briefgen's fields."""
    if name == "generated":
        path = write_brief(project / "briefs", name, injection_data("file:///etc/passwd"))
    else:
        path = project / "briefs" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((HOSTILE / f"{name}.yaml").read_bytes().replace(b"{port}", b"9"))
    data = make(path)
    found = parts(data)
    assert not [n for n in found if re.search(r"vba|activeX|embeddings|oleObject|afchunk", n, re.I)]
    instructions, simple = [], 0
    for name_, blob in found.items():
        if name_.endswith(".xml") and name_.startswith("word/"):
            tree = etree.fromstring(blob)
            instructions += [" ".join((t.text or "").split()).split()[0] for t in tree.iter(f"{W}instrText")]
            simple += len(list(tree.iter(f"{W}fldSimple")))
            assert not list(tree.iter(f"{W}altChunk")) and not list(tree.iter(f"{W}attachedTemplate"))
    assert sorted(instructions) == ["NUMPAGES", "PAGE", "TOC"] and simple == 0
    for name_, blob in found.items():
        if name_.endswith(".rels"):
            for rel in etree.fromstring(blob):
                if rel.get("TargetMode") == "External":
                    assert rel.get("Type").endswith("/hyperlink") and safe_url(rel.get("Target")), rel.attrib
                    assert web_scheme(rel.get("Target")), rel.attrib  # never a path Word would open as a file


def test_the_document_and_an_actors_name_carry_their_language(project: Path) -> None:
    extra = "actors:\n  - id: fr\n    name: République française\n    lang: fr\n"
    write_tree(project, {"briefs/b.yaml": brief(extra=extra)})
    data = make(project / "briefs" / "b.yaml")
    styles = etree.fromstring(parts(data)["word/styles.xml"])
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "en-GB"
    named = [
        r
        for r in body_xml(data).iter(f"{W}r")
        if "".join(t.text or "" for t in r.iter(f"{W}t")) == "République française"
    ]
    assert named and all(r.find(f"{W}rPr/{W}lang").get(f"{W}val") == "fr" for r in named)


def test_briefgen_toml_chooses_the_formats_and_an_unknown_one_is_located(
    project: Path, run: Callable[..., Any]
) -> None:
    write_tree(project, {"briefs/b.yaml": brief(), "briefgen.toml": 'organisation = "Desk"\nformats = ["docx"]\n'})
    result = run("build", "briefs")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (project / "output").glob("b.*")) == ["b.docx"]
    assert run("build", "briefs", "--format", "md", "--out", "other").exit_code == 0  # the command line wins
    assert sorted(p.name for p in (project / "other").glob("b.*")) == ["b.md"]
    (project / "briefgen.toml").write_text('organisation = "Desk"\nformats = ["docx", "odt"]\n', encoding="utf-8")
    bad = run("build", "briefs")
    assert bad.exit_code != 0
    assert "briefgen.toml:2:1: expected some of md, html, pdf, docx; got 'odt'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_what_has_changed_and_the_edition_number_are_in_word_too(project: Path) -> None:
    old = brief(extra="risks:\n  - {title: Strike spreads, likelihood: possible, impact: major}\n")
    new = brief(extra="previous: old.yaml\nrisks:\n  - {title: Strike spreads, likelihood: likely, impact: major}\n")
    write_tree(project, {"briefs/old.yaml": old, "briefs/new.yaml": new})
    from briefgen.editions import whats_changed

    valid = load(project / "briefs" / "new.yaml")
    edition = whats_changed(valid.brief, valid.path, settings())
    document = open_docx(docx_bytes(valid.brief, settings(), valid.images, None, edition))
    texts = [text(p) for p in document.paragraphs]
    assert texts.count("What has changed") == 2  # in the contents, and its heading
    at = next(
        i for i, p in enumerate(document.paragraphs) if p.style.name == "Heading 1" and texts[i] == "What has changed"
    )
    assert texts[at + 1] == "Since the previous edition, of 28 November 2025:"
    assert "Strike spreads" in texts[at + 2] and "possible" in texts[at + 2] and "likely" in texts[at + 2]
    assert document.paragraphs[at + 2].style.name == "List Bullet"
    assert "Edition: 2" in " ".join(texts[:8])
    assert "Edition 2" in " ".join(text(p) for p in document.sections[0].header.paragraphs)
