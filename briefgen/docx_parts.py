"""The OOXML that python-docx has no API for: content controls, fields, shading, bookmarks, links, table
header rows, page setup, and a zip that is the same bytes on every build.

Only briefgen's own instructions become field codes (PAGE, NUMPAGES, TOC): a brief's text is always a
``w:t`` run, never ``w:instrText``, and no relationship points outside the package except hyperlinks whose
scheme markdown.safe_url allows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from briefgen import markdown

# the page of the PDF (print.css.j2): size from briefgen.toml, the same margins
PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
MARGINS = {"top": Mm(24), "bottom": Mm(22), "left": Mm(20), "right": Mm(20)}

# characters XML 1.0 cannot hold (the model refuses controls; these are what is left): shown as U+FFFD
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def element(tag: str, **attrs: str) -> Any:
    """A ``w:`` element with ``w:`` attributes (``element("w:shd", fill="EEF2F7")``)."""
    node = OxmlElement(tag)
    for name, value in attrs.items():
        node.set(qn(f"w:{name}"), value)
    return node


def _control_properties(path: str, alias: str) -> Any:
    props = element("w:sdtPr")
    props.append(element("w:alias", val=alias[:64]))
    props.append(element("w:tag", val=path))
    return props


@contextmanager
def field_paragraphs(parent: Any, path: str, alias: str) -> Iterator[None]:
    """Tag each paragraph the block adds to ``parent`` (a body or a cell's ``w:tc``) with the field's path:
    its content goes in a run-level content control, so `briefgen review` can tell which field a reviewer's
    change touched. (Run-level, not one block-level control around them all: LibreOffice shows a link inside
    a block-level control as its field code.)"""
    before = set(parent)  # the elements themselves: an id() of an lxml proxy can be reused
    yield
    for child in parent:
        if child not in before and child.tag == qn("w:p"):
            wrap_content(child, path, alias)


@contextmanager
def run_control(paragraph: Paragraph, path: str, alias: str) -> Iterator[None]:
    """Wrap the runs (and links) the block adds to ``paragraph`` in a content control tagged ``path``."""
    p = paragraph._p
    before = set(p)
    yield
    _control_around([child for child in p if child not in before and child.tag != qn("w:pPr")], path, alias)


def wrap_content(p: Any, path: str, alias: str) -> None:
    """Put everything in a ``w:p`` but its properties in one run-level content control tagged ``path``."""
    _control_around([child for child in p if child.tag != qn("w:pPr")], path, alias)


def _control_around(children: list[Any], path: str, alias: str) -> None:
    """Move ``children`` (siblings, in order) into one content control tagged ``path``, where the first was."""
    if not children:
        return
    sdt = element("w:sdt")
    sdt.append(_control_properties(path, alias))
    holder = element("w:sdtContent")
    children[0].addprevious(sdt)
    for child in children:
        holder.append(child)
    sdt.append(holder)


def prefix_run(p: Any, text: str) -> None:
    """A bold run at the start of a paragraph (after its properties): a portion mark such as ``(S) ``."""
    run = element("w:r")
    props = element("w:rPr")
    props.append(element("w:b"))
    run.append(props)
    shown = element("w:t")
    shown.set(qn("xml:space"), "preserve")
    shown.text = xml_text(text)
    run.append(shown)
    properties = p.find(qn("w:pPr"))
    if properties is not None:
        properties.addnext(run)
    else:
        p.insert(0, run)


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field of briefgen's own (``PAGE``, ``NUMPAGES``) with the value shown until Word updates it."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            instr = element("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        elif kind == "text":
            run.text = str(text)
        else:
            run._r.append(element("w:fldChar", fldCharType=kind))


def field_begin(paragraph: Paragraph, instruction: str) -> None:
    """Open a field whose shown result is the paragraphs that follow (the table of contents)."""
    add_field_part(paragraph, "begin")
    run = paragraph.add_run()
    instr = element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    add_field_part(paragraph, "separate")


def add_field_part(paragraph: Paragraph, kind: str) -> None:
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType=kind))


def new_list(document: DocumentObject, style: str, start: int | None) -> int:
    """A numbering of its own for one numbered list, starting at ``start``: without it every list of the
    style would count on from the last one. Returns the numbering id its paragraphs name."""
    numbering = document.part.numbering_part.element
    style_props = document.styles[style].element.pPr
    shared = numbering.num_having_numId(style_props.numPr.numId.val)
    num = numbering.add_num(shared.abstractNumId.val)
    override = element("w:lvlOverride", ilvl="0")
    override.append(element("w:startOverride", val=str(start or 1)))
    num.append(override)
    return int(num.numId)


def shade(target: _Cell | Paragraph, fill: str) -> None:
    """A background colour (hex, no #) on a cell or a paragraph."""
    props = target._tc.get_or_add_tcPr() if isinstance(target, _Cell) else target._p.get_or_add_pPr()
    props.append(element("w:shd", val="clear", color="auto", fill=fill))


# what CT_TblPr and CT_Settings hold after w:tblW and w:updateFields, in the schema's order
_AFTER_TBLW = tuple(f"w:{t}" for t in ("jc", "shd", "tblBorders", "tblLayout", "tblCellMar", "tblLook", "tblCaption"))
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator",
)  # fmt: skip


def set_widths(table: Table, widths: list[int]) -> None:
    """Fixed column widths (EMU) on the table, its grid and every cell: Word and LibreOffice both obey them."""
    table.autofit = False  # python-docx writes the one w:tblLayout (fixed) in its place
    props = table._tbl.tblPr
    width = props.find(qn("w:tblW"))
    if width is None:
        width = element("w:tblW")
        props.insert_element_before(width, *_AFTER_TBLW)
    width.set(qn("w:w"), str(sum(widths) // 635))  # twentieths of a point
    width.set(qn("w:type"), "dxa")
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Emu(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Emu(width)


def small_text(table: Table, size: Pt) -> None:
    """Every run of the table that has no size of its own in ``size`` (tables are set smaller than text)."""
    for run in table._tbl.iter(qn("w:r")):
        props = run.get_or_add_rPr()
        if props.sz_val is None:
            props.sz_val = size


def left_border(cell: _Cell, colour: str, eighths: int = 24) -> None:
    """A rule down the left of a cell (the BLUF box's accent), ``eighths`` of a point wide."""
    borders = element("w:tcBorders")
    borders.append(element("w:left", val="single", sz=str(eighths), space="0", color=colour))
    props = cell._tc.get_or_add_tcPr()
    shading = props.find(qn("w:shd"))  # the schema puts the borders before the shading
    if shading is not None:
        shading.addprevious(borders)
    else:
        props.append(borders)


def repeat_header(table: Table) -> None:
    """The first row is a header row, repeated at the top of each page the table runs onto, and kept on the
    page of the row after it (never alone at the foot of a page)."""
    row_props = table.rows[0]._tr.get_or_add_trPr()
    row_props.append(element("w:tblHeader"))
    for cell in table.rows[0].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def cant_split(table: Table) -> None:
    """No row of the table breaks across a page (a row taller than a page still does, as Word must)."""
    for row in table.rows:
        props = row._tr.get_or_add_trPr()
        if props.find(qn("w:cantSplit")) is None:
            props.append(element("w:cantSplit"))


def keep_together(table: Table) -> None:
    """The table on one page: each row kept with the next (Word and LibreOffice break a table too tall)."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def no_break_hyphens(run: Run) -> None:
    """The run's hyphens as Word's non-breaking hyphens: a range (10-20%) is never split across lines."""
    shown = run._r.find(qn("w:t"))
    if shown is None or "-" not in (shown.text or ""):
        return
    pieces = (shown.text or "").split("-")
    at = shown
    for n, piece in enumerate(pieces):
        if n:
            at.addnext(element("w:noBreakHyphen"))
            at = at.getnext()
        if piece:
            text = element("w:t")
            text.set(qn("xml:space"), "preserve")
            text.text = piece
            at.addnext(text)
            at = text
    run._r.remove(shown)


def keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def bookmark(paragraph: Paragraph, name: str, number: int) -> None:
    """A bookmark around the paragraph's content: the target of internal links (citations to Sources)."""
    start = element("w:bookmarkStart", id=str(number), name=name)
    end = element("w:bookmarkEnd", id=str(number))
    p = paragraph._p
    properties = p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


WEB_SCHEMES = ("http", "https", "mailto")


def web_url(url: str) -> bool:
    """A link Word may follow: http, https or mailto only (a relative or a path link would open a local file;
    a #fragment names an anchor of the web page, not of this document)."""
    return markdown.safe_url(url) and urlsplit(url.strip()).scheme.lower() in WEB_SCHEMES


def hyperlink(paragraph: Paragraph, *, url: str | None = None, anchor: str | None = None) -> Any:
    """An empty ``w:hyperlink`` at the end of ``paragraph`` to a safe URL or a bookmark; runs go in it."""
    link = element("w:hyperlink")
    if url is not None:
        rel = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link.set(qn("r:id"), rel)
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    return link


def link_run(link: Any, paragraph: Paragraph, text: str) -> Run:
    """A run inside ``link`` in the Hyperlink character style's look (blue, underlined)."""
    run = Run(element("w:r"), paragraph)
    run.text = xml_text(text)
    run.font.color.rgb = RGBColor(0x1F, 0x4E, 0x9A)
    run.font.underline = True
    link.append(run._r)
    return run


def set_lang(run: Run, lang: str | None, east_asian: str | None = None) -> None:
    """The run's language (spelling, hyphenation) and, for CJK text, its East Asian language and font."""
    props = run._r.get_or_add_rPr()
    if east_asian:
        fonts = props.find(qn("w:rFonts"))
        if fonts is None:
            fonts = element("w:rFonts")
            props.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), east_asian)
        fonts.set(qn("w:hint"), "eastAsia")
    if lang:
        node = element("w:lang")
        node.set(qn("w:eastAsia" if east_asian else "w:val"), lang)
        props.append(node)


def page_setup(document: DocumentObject, page_size: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_SIZES[page_size]
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = section.footer_distance = Mm(9)


def document_language(document: DocumentObject, lang: str) -> None:
    """The language of every run that names none (Word's spelling and hyphenation; LibreOffice's too)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    props = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    node = props.find(qn("w:lang"))
    if node is None:
        node = element("w:lang")
        props.append(node)
    node.set(qn("w:val"), lang)


def update_fields_on_open(document: DocumentObject) -> None:
    """Word refreshes the table of contents and the page count when the document is opened (as Pandoc's)."""
    settings = document.settings.element
    update = element("w:updateFields", val="true")
    later = next((child for child in settings if child.tag in {qn(f"w:{t}") for t in _AFTER_UPDATE_FIELDS}), None)
    if later is not None:  # its place in the schema's order, which Word checks
        later.addprevious(update)
    else:
        settings.append(update)


def drop_thumbnail(document: DocumentObject) -> None:
    """python-docx's template carries a thumbnail of an empty page: a file manager would show it."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]


def stable_zip(data: bytes, when: dt.date) -> bytes:
    """The package re-written with every entry dated ``when`` (the brief's date, never the clock), in the
    order python-docx wrote them: two builds of one brief are the same bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
