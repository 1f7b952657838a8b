"""The Word document's typography per language, applied to the finished document (body, headers, footers):
French spaces in every paragraph's text as in the other formats (typography.py), never in code or in a
field's instruction; and, for a language written right to left, every paragraph, table and section set right
to left (``w:bidi``, ``w:bidiVisual``), runs of Arabic or Hebrew letters marked ``w:rtl``, and each run's size
and weight given to its complex-script twin (Word and LibreOffice draw Arabic with ``szCs`` and ``bCs``). Arabic has
no italic: an italic run's Arabic is bold instead (``bCs``), as the HTML's emphasis, and no style slants it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from briefgen.docx_markdown import MONO
from briefgen.docx_parts import element
from briefgen.typography import Part, direction, french_spaces, space_parts

__all__ = ["finish_document"]

# what comes after the element each is inserted before, in the schema's order (Word refuses another order)
_AFTER_BIDI = ("adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
               "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
               "cnfStyle", "rPr", "sectPr", "pPrChange")  # fmt: skip
_AFTER_RTL = ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_AFTER_SECT_BIDI = ("rtlGutter", "docGrid", "printerSettings", "sectPrChange")
# complex-script twins: each follows its Latin one directly
_TWINS = {"b": "bCs", "sz": "szCs"}
_RTL_LETTER = re.compile("[\u0590-\u05ff\u0600-\u06ff\u0700-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# Word's complex-script face where the brief names none: one every Windows has, with Arabic and Hebrew
# (LibreOffice, without Arial, falls back to an installed face that has the letters: Noto, DejaVu)
CS_FONT = "Arial"


def finish_document(document: DocumentObject, lang: str) -> None:
    """French spaces (a French brief) or right-to-left settings (ar, he, fa, ur, ...) over the whole document."""
    spaces = french_spaces(lang)
    rtl = direction(lang) == "rtl"
    if spaces is None and not rtl:
        return
    for root in _stories(document):
        for paragraph in root.iter(qn("w:p")):
            if spaces is not None:
                _space_paragraph(paragraph, spaces)
            if rtl:
                _right_to_left(paragraph)
        if rtl:
            for table in root.iter(qn("w:tbl")):
                table.tblPr.get_or_add_bidiVisual().val = True
    if rtl:
        _right_to_left_defaults(document, lang)


def _stories(document: DocumentObject) -> Iterator[Any]:
    """The body, then every header and footer part (never adding one a section lacks)."""
    yield document.element.body
    for rel in list(document.part.rels.values()):
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            yield rel.target_part.element


def _space_paragraph(paragraph: Any, spaces: dict[str, str]) -> None:
    nodes: list[Any] = []
    parts: list[tuple[str, Part]] = []
    for node in paragraph.iter(qn("w:t"), qn("w:instrText"), qn("w:br"), qn("w:cr"), qn("w:tab")):
        if node.tag != qn("w:t"):
            parts.append(("", Part.BREAK))
            nodes.append(None)
            continue
        parts.append((node.text or "", Part.WORD if _code(node.getparent()) else Part.TEXT))
        nodes.append(node)
    if not any(kind is Part.TEXT and any(c in text for c in spaces) for text, kind in parts):
        return
    for node, text, (before, _) in zip(nodes, space_parts(parts, spaces), parts, strict=True):
        if node is not None and text != before:
            node.text = text


def _code(run: Any) -> bool:
    fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") if run is not None else None
    return fonts is not None and fonts.get(qn("w:ascii")) == MONO


def _right_to_left(paragraph: Any) -> None:
    props = paragraph.find(qn("w:pPr"))
    if props is None:
        props = element("w:pPr")
        paragraph.insert(0, props)
    if props.find(qn("w:bidi")) is None:
        props.insert_element_before(element("w:bidi"), *(f"w:{t}" for t in _AFTER_BIDI))
    for run in paragraph.iter(qn("w:r")):
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        run_props = run.find(qn("w:rPr"))
        if run_props is None:
            if not _RTL_LETTER.search(text):
                continue
            run_props = element("w:rPr")
            run.insert(0, run_props)
        _twins(run_props)
        if _RTL_LETTER.search(text) and run_props.find(qn("w:rtl")) is None:
            run_props.insert_element_before(element("w:rtl"), *(f"w:{t}" for t in _AFTER_RTL))


def _twins(props: Any) -> None:
    """Give bold and size their complex-script twins, where the run sets them and not the twin; make italic
    Arabic bold, and never slanted."""
    for latin, twin in _TWINS.items():
        node = props.find(qn(f"w:{latin}"))
        if node is not None and props.find(qn(f"w:{twin}")) is None:
            copy = element(f"w:{twin}")
            for name, value in node.attrib.items():
                copy.set(name, value)
            node.addnext(copy)
    slanted = props.find(qn("w:iCs"))
    if slanted is not None:
        props.remove(slanted)
    italic = props.find(qn("w:i"))
    if italic is not None and italic.get(qn("w:val")) not in ("0", "false") and props.find(qn("w:bCs")) is None:
        italic.addprevious(element("w:bCs"))  # bCs comes before i in the schema's order


def _right_to_left_defaults(document: DocumentObject, lang: str) -> None:
    """The section right to left (page numbers and gutter mirrored), the styles' sizes and weights twinned,
    and the language and face of complex-script text."""
    for section in document.element.body.iter(qn("w:sectPr")):
        if section.find(qn("w:bidi")) is None:
            section.insert_element_before(element("w:bidi"), *(f"w:{t}" for t in _AFTER_SECT_BIDI))
    styles = document.styles.element
    for props in styles.iter(qn("w:rPr")):
        _twins(props)
        spaced = props.find(qn("w:spacing"))  # letters that join are never spaced apart (the Title's)
        if spaced is not None:
            props.remove(spaced)
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is None:
        return
    fonts = defaults.find(qn("w:rFonts"))
    if fonts is None:
        fonts = element("w:rFonts")
        defaults.insert(0, fonts)
    fonts.attrib.pop(qn("w:cstheme"), None)  # a theme's face would win over the one named
    fonts.set(qn("w:cs"), CS_FONT)
    language = defaults.find(qn("w:lang"))
    if language is None:
        language = element("w:lang")
        defaults.append(language)
    language.set(qn("w:bidi"), lang)
