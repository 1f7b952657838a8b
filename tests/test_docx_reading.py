"""The Word document as a reader sees it, read back with python-docx: what the PDF shows, shown alike (whose
risk in a word, the options as a table, the scope on its line, a source's number before its mark, no space
before a reference number), and the layout a reader notices (no row broken across pages, a short table on one
page, a range never split across lines, a compact title block and contents)."""

from __future__ import annotations

import copy
import io
import itertools
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from helpers import REAL_BRIEF, load, settings, write_brief

from briefgen.config import Config, MarkingConfig
from briefgen.docx_writer import SHORT_TABLE, docx_bytes
from briefgen.load import load_source

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
US_PHIA = Config(marking=MarkingConfig(scheme="us", controls=("NOFORN", "REL TO USA, FRA")), yardstick="phia")
FRENCH = REAL_BRIEF.with_name(REAL_BRIEF.stem + ".fr.yaml")


def text(element: Any) -> str:
    """The text of a paragraph, cell or table element, content controls and non-breaking hyphens included."""
    shown = []
    for node in element.iter(f"{W}t", f"{W}noBreakHyphen", f"{W}tab"):
        shown.append(node.text or "" if node.tag == f"{W}t" else "-" if node.tag == f"{W}noBreakHyphen" else "\t")
    return "".join(shown)


@pytest.fixture(scope="module")
def english() -> Any:
    valid = load(REAL_BRIEF, settings(US_PHIA))
    return docx.Document(io.BytesIO(docx_bytes(valid.brief, settings(US_PHIA), valid.images, valid.portions)))


@pytest.fixture(scope="module")
def french() -> Any:
    valid = load(FRENCH, settings(US_PHIA))
    return docx.Document(io.BytesIO(docx_bytes(valid.brief, settings(US_PHIA), valid.images, valid.portions)))


def table_after(document: Any, caption: str) -> Any:
    """The table whose caption (or heading) is ``caption``."""
    body = list(document.element.body)
    at = next(i for i, e in enumerate(body) if e.tag == f"{W}p" and text(e) == caption)
    found = next(e for e in body[at:] if e.tag == f"{W}tbl")
    return next(t for t in document.tables if t._tbl is found)


def rows(table: Any) -> list[list[str]]:
    return [[text(cell._tc) for cell in row.cells] for row in table.rows]


def test_whose_risk_is_said_in_a_word_as_in_the_pdf(english: Any, french: Any) -> None:
    risks = rows(table_after(english, "Risks by likelihood and impact"))
    assert [row[2] for row in risks] == ["Risk to", "China", "China", "China", "us", "Japan", "us"]
    legend = next(p for p in english.paragraphs if "Whose risk:" in text(p._p))
    assert text(legend._p).endswith("Whose risk: 1 China; 2 China; 3 China; 4 us; 5 Japan; 6 us.")
    assert [row[2] for row in rows(table_after(french, "Risques par probabilité et impact"))][1:4] == ["Chine"] * 3


def test_a_reference_number_sits_on_the_word_before_it(english: Any) -> None:
    paragraphs = [p for p in english.element.body.iter(f"{W}p") if p.find(f".//{W}vertAlign") is not None]
    assert len(paragraphs) > 10
    for p in paragraphs:
        runs = list(p.iter(f"{W}r"))
        for before, run in itertools.pairwise(runs):
            if text(run) == "[" and run.find(f"{W}rPr/{W}vertAlign") is not None:
                assert not text(before).endswith(" "), text(p)
    summary = text(table_after(english, "Bottom line up front")._tbl)
    assert "visit to China[1]. It follows" in summary and " [" not in summary


def test_no_row_breaks_across_pages_and_a_short_table_stays_on_one_page(english: Any) -> None:
    assert len(english.tables) > 8
    for table in english.tables:
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        kept = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in table.rows]
        header_kept = all(p.paragraph_format.keep_with_next for p in table.rows[0].cells[0].paragraphs)
        if len(table.rows) <= SHORT_TABLE:
            assert kept[:-1] == [True] * (len(table.rows) - 1), rows(table)[0]
        elif table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None:
            assert header_kept and kept[1:-1] == [False] * (len(table.rows) - 2), "a long table may break"


def test_a_long_table_keeps_its_header_with_its_first_row_only(tmp_path: Any) -> None:
    data = load_source(REAL_BRIEF).data
    data["risks"] = [copy.deepcopy(data["risks"][0]) | {"id": f"r{n}"} for n in range(12)]
    valid = load(write_brief(tmp_path, "many-risks", data))
    document = docx.Document(io.BytesIO(docx_bytes(valid.brief, settings(), valid.images)))
    table = table_after(document, "Risks by likelihood and impact")
    assert len(table.rows) == 13
    kept = [any(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in table.rows]
    assert kept == [True] + [False] * 12
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_a_likelihoods_range_is_never_split_across_lines(french: Any) -> None:
    cells = [row.cells[2] for row in table_after(french, "Jugements clés").rows[1:]]
    said = text(cells[3]._tc).replace("\u00a0", " ").replace("\u202f", " ")
    assert said == "Très peu probable (10-20%) ; Confiance modérée"
    for cell in cells:
        assert "-" not in "".join(t.text or "" for t in cell._tc.iter(f"{W}t")), "every hyphen a w:noBreakHyphen"
        assert cell._tc.find(f".//{W}noBreakHyphen") is not None


def test_the_options_are_a_table_with_their_arguments_for_and_against(english: Any, french: Any) -> None:
    table = table_after(english, "Courses of action open to us")
    assert rows(table) == [
        ["Option", "For", "Against"],
        [
            "(U) 1. Agree an EU line with Paris before the visit: one China, dialogue, no verdict on Takaichi",
            "Denies Beijing a bilateral reading of French words; reassures Tokyo.",
            "Paris guards its autonomy; little time.",
        ],
        ["(U) 2. Reassure Tokyo bilaterally", "Answers the Japanese outreach we expect.",
         "Beijing may read it as taking sides."],
        ["(U) 3. Say nothing until after the visit", "Keeps us out of the dispute.",
         "Leaves the framing to Paris and Beijing."],
    ]  # fmt: skip
    assert table.rows[1].cells[1].paragraphs[0].style.name == "List Bullet"
    tags = [sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") for sdt in table._tbl.iter(f"{W}sdt")]
    assert tags[:3] == ["options[0].title", "options[0].pros[0]", "options[0].cons[0]"]
    headings = [text(p._p) for p in english.paragraphs if p.style.name == "Heading 2"]
    assert not any("Option" in h for h in headings), "an option is a row, as in the PDF, not a heading"
    assert rows(table_after(french, "Lignes d’action possibles"))[0] == ["Option", "Pour", "Contre"]


def test_a_sources_number_comes_before_its_portion_mark(english: Any) -> None:
    entries = [text(p._p) for p in english.paragraphs if text(p._p).startswith("[") and "\t" in text(p._p)]
    assert [e[:12] for e in entries] == ["[1]\t(U) [B2]", "[2]\t(U) [F3]"]


def test_the_scope_is_on_its_line_and_the_title_block_is_compact(english: Any, french: Any) -> None:
    said = [text(p._p) for p in english.paragraphs]
    assert "Scope: China’s approach to France, 7–27 November 2025, from one news report and one analysis." in said
    assert "Scope" not in said
    assert any(s.startswith("Périmètre\u00a0: L’approche chinoise") for s in (text(p._p) for p in french.paragraphs))
    block = [p for p in english.paragraphs if text(p._p).startswith(("Date:", "Author:", "Reference:", "Prepared"))]
    assert len(block) == 4 and {p.paragraph_format.space_after.pt for p in block} == {2.0}


def test_the_contents_has_no_blank_line_around_its_entries(english: Any) -> None:
    body = list(english.element.body)
    at = next(i for i, e in enumerate(body) if text(e) == "Contents")
    entries = body[at + 1 : at + 14]
    assert [text(e) for e in entries][:3] == ["Bottom line up front", "Implications for us", "Options"]
    assert entries[0].find(f".//{W}instrText") is not None  # the field opens in the first entry
    assert text(entries[-1]) == "Annex: How to read this brief"
    assert entries[-1].find(f".//{W}fldChar[@{W}fldCharType='end']") is not None


def test_a_watch_items_date_is_never_split_across_lines(english: Any, french: Any) -> None:
    """As the PDF keeps it on one line: "5 December / 2025" wrapped in the By column."""
    for document, caption, first in (
        (english, "What to watch and what would signal change", "5\u00a0December\u00a02025"),
        (french, "Ce qu’il faut surveiller et ce qui signalerait un changement", "5\u00a0décembre\u00a02025"),
    ):
        dates = [row[2] for row in rows(table_after(document, caption))[1:]]
        assert dates[0] == first, dates
        assert all(" " not in date for date in dates), dates
