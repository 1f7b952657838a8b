"""Word documents made the way briefgen's Word edition is (each field's text in a content control tagged with
its path, the brief's id as the identifier) and edited the way Word edits them: tracked insertions, deletions
and moves with an author and a date, comments in their own part. And zips doctored to be hostile."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

AUTHOR = "Jane Doe"
DATE = "2026-11-30T09:15:00Z"


@dataclass(frozen=True)
class Ins:
    text: str
    author: str = AUTHOR


@dataclass(frozen=True)
class Del:
    text: str
    author: str = AUTHOR


@dataclass(frozen=True)
class MoveFrom:
    text: str
    author: str = AUTHOR


@dataclass(frozen=True)
class MoveTo:
    text: str
    author: str = AUTHOR


@dataclass(frozen=True)
class Commented:
    """Plain text with a comment on it."""

    text: str
    comment: str
    author: str = AUTHOR


@dataclass(frozen=True)
class Formatted:
    """Plain text made bold with tracking on: a formatting change (w:rPrChange), its text unchanged."""

    text: str
    author: str = AUTHOR


Piece = str | Ins | Del | MoveFrom | MoveTo | Commented | Formatted
_KINDS = {Ins: "w:ins", Del: "w:del", MoveFrom: "w:moveFrom", MoveTo: "w:moveTo"}
_IDS = itertools.count(100)  # the w:id of tracked changes (comments number their own)


class Edition:
    """A small Word edition of a brief, built field by field."""

    def __init__(self, identifier: str = "x", title: str = "A minimal brief") -> None:
        self.doc: Any = docx.Document()
        self.doc.core_properties.identifier = identifier
        self.doc.core_properties.title = title

    def heading(self, *pieces: Piece, level: int = 1, tag: str | None = None) -> Paragraph:
        """A heading the template made (``pieces``); with ``tag``, its text is that field (run-level control)."""
        paragraph: Paragraph = self.doc.add_heading("", level)
        self.fill(paragraph, pieces)
        if tag:
            self.run_control(paragraph, tag)
        return paragraph

    def text(self, *pieces: Piece) -> Paragraph:
        """A paragraph outside every field (a label the template wrote)."""
        paragraph: Paragraph = self.doc.add_paragraph()
        self.fill(paragraph, pieces)
        return paragraph

    def field(self, tag: str, *paragraphs: tuple[Piece, ...] | Piece) -> list[Paragraph]:
        """A Markdown field: its paragraphs in a block-level content control in the body."""
        made = [self.text(*(p if isinstance(p, tuple) else (p,))) for p in paragraphs]
        self.block_control([p._p for p in made], tag)
        return made

    def row(self, label: str, tag: str, *pieces: Piece, block: bool = False) -> _Cell:
        """A table of one row: a label the template wrote, and the field ``tag`` in the second cell (in a
        block-level control in the cell with ``block``, else a run-level one)."""
        table = self.doc.add_table(rows=1, cols=2)
        table.cell(0, 0).paragraphs[0].add_run(label)
        cell: _Cell = table.cell(0, 1)
        paragraph = cell.paragraphs[0]
        self.fill(paragraph, pieces)
        if block:
            self.block_control([paragraph._p], tag)
        else:
            self.run_control(paragraph, tag)
        return cell

    def fill(self, paragraph: Paragraph, pieces: tuple[Piece, ...]) -> None:
        for piece in pieces:
            if isinstance(piece, str):
                paragraph.add_run(piece)
            elif isinstance(piece, Formatted):
                run = paragraph.add_run(piece.text)
                run.bold = True
                run._r.get_or_add_rPr().append(self.mark("w:rPrChange", piece.author))
            elif isinstance(piece, Commented):
                run = paragraph.add_run(piece.text)
                self.doc.add_comment(run, piece.comment, author=piece.author, initials="JD")
            else:
                self.change(paragraph, _KINDS[type(piece)], piece.text, piece.author)

    def change(self, paragraph: Paragraph, kind: str, text: str, author: str) -> None:
        """A run of ``text`` wrapped in a tracked change, as Word writes it (deleted text in w:delText)."""
        run = paragraph.add_run()._r
        node = OxmlElement("w:delText" if kind == "w:del" else "w:t")
        node.set(qn("xml:space"), "preserve")
        node.text = text
        run.append(node)
        wrapper = self.mark(kind, author)
        run.addprevious(wrapper)
        wrapper.append(run)

    @staticmethod
    def mark(kind: str, author: str = AUTHOR) -> Any:
        """An empty w:ins, w:del, w:moveFrom or w:moveTo with its id, author and date."""
        node = OxmlElement(kind)
        for name, value in (("id", str(next(_IDS))), ("author", author), ("date", DATE)):
            node.set(qn(f"w:{name}"), value)
        return node

    def footnote(self, paragraph: Paragraph, number: int, author: str = AUTHOR) -> None:
        """A footnote reference inserted with tracking on at the end of ``paragraph`` (its text: see notes_part)."""
        run = OxmlElement("w:r")
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(number))
        run.append(reference)
        wrapper = self.mark("w:ins", author)
        wrapper.append(run)
        paragraph._p.append(wrapper)

    def paragraph_mark(self, paragraph: Paragraph, kind: str, author: str = AUTHOR) -> None:
        """Track the paragraph's mark as inserted (``w:ins``) or deleted (``w:del``): a break typed or removed."""
        props = paragraph._p.get_or_add_pPr()
        run_props = OxmlElement("w:rPr")
        run_props.append(self.mark(kind, author))
        props.append(run_props)

    @staticmethod
    def control(tag: str) -> tuple[Any, Any]:
        sdt, props, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
        for name, value in (("w:alias", tag.replace("_", " ")), ("w:tag", tag)):
            node = OxmlElement(name)
            node.set(qn("w:val"), value)
            props.append(node)
        sdt.append(props)
        sdt.append(content)
        return sdt, content

    def block_control(self, elements: list[Any], tag: str) -> None:
        sdt, content = self.control(tag)
        elements[0].addprevious(sdt)
        for element in elements:
            content.append(element)

    def run_control(self, paragraph: Paragraph, tag: str) -> None:
        children = [child for child in paragraph._p if child.tag != qn("w:pPr")]
        sdt, content = self.control(tag)
        children[0].addprevious(sdt)
        for child in children:
            content.append(child)

    def data(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.data())
        return path


def notes_part(notes: Mapping[int, str], author: str = AUTHOR) -> bytes:
    """word/footnotes.xml with each footnote's text inserted with tracking on, as Word writes a new footnote."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:ins w:id="{next(_IDS)}" w:author="{author}" w:date="{DATE}"><w:r>'
        f'<w:t xml:space="preserve">{text}</w:t></w:r></w:ins></w:p></w:footnote>'
        for n, text in notes.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{w}">{body}</w:footnotes>'.encode()


def rezip(data: bytes, changes: Mapping[str, bytes | None], *, stored: bool = False) -> bytes:
    """The zip ``data`` with parts replaced or added (``None``: removed)."""
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in changes.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def with_relationship(data: bytes, rels: str, kind: str, target: str) -> bytes:
    """Add an external relationship of type ``kind`` (``attachedTemplate``, ``image``, ``hyperlink``) to the
    relationships part ``rels``, made if the document has none there."""
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    try:
        text = part(data, rels).decode()
    except KeyError:
        text = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{ns}"></Relationships>'
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rel = f'<Relationship Id="rIdEvil" Type="{office}/{kind}" Target="{target}" TargetMode="External"/>'
    return rezip(data, {rels: text.replace("</Relationships>", rel + "</Relationships>").encode()})


def lying_directory(data: bytes, name: str, size: int) -> bytes:
    """The zip with the uncompressed size its central directory gives ``name`` set to ``size``."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")  # a central directory header (a match inside data has another name)
    encoded = name.encode()
    while at != -1:
        name_length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if bytes(raw[at + 46 : at + 46 + name_length]) == encoded:
            raw[at + 24 : at + 28] = size.to_bytes(4, "little")
            return bytes(raw)
        at = raw.find(b"PK\x01\x02", at + 4)
    raise KeyError(name)


def edit_like_word(data: bytes, tag: str, old: str, new: str = "", comment: str = "", author: str = AUTHOR) -> bytes:
    """A document briefgen wrote, with ``old`` (in the field ``tag``) replaced by ``new`` as a tracked change
    (deleted when ``new`` is empty, or only commented on with ``comment``), whatever the field's layout."""
    doc: Any = docx.Document(io.BytesIO(data))
    tags = doc.element.body.iter(qn("w:tag"))
    sdt = next(t for t in tags if t.get(qn("w:val")) == tag).getparent().getparent()
    text = next(t for t in sdt.iter(qn("w:t")) if old in (t.text or ""))
    run, (before, after) = text.getparent(), (text.text or "").split(old, 1)
    pieces = [(before, None), (old, None if comment else "w:del"), (new, "w:ins"), (after, None)]
    made = []
    for piece, kind in pieces:
        if not piece:
            continue
        copy = deepcopy(run)
        node = copy.find(qn("w:t"))
        node.text = piece
        node.set(qn("xml:space"), "preserve")
        if kind == "w:del":
            node.tag = qn("w:delText")
        wrapper = Edition.mark(kind, author) if kind else None
        if wrapper is not None:
            wrapper.append(copy)
        run.addprevious(copy if wrapper is None else wrapper)
        made.append(copy)
    run.getparent().remove(run)
    if comment:
        target = made[1] if before else made[0]
        doc.add_comment(Run(target, doc), comment, author=author, initials="JD")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
