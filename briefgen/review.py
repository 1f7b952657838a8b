"""`briefgen review`: a cleared Word edition read back onto its YAML, each tracked change and comment a note at
the field whose content control (``w:sdt`` tagged with its path) holds it, or outside every field. The document
is untrusted: docx_package opens it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs; not python-docx, which loads every part

from briefgen.check import Checker, Valid
from briefgen.docx_package import CHANGES, Docx, W, change_of, is_range, own_texts, read_docx, refused
from briefgen.errors import BriefgenError, Problem, printable
from briefgen.load import PathKey, Source, display_path, dotted, find_briefs, parse_source, read_brief
from briefgen.model import shorten
from briefgen.project import Project
from briefgen.yaml_words import line_col

_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"  # a copy of mc:Choice
_ANCHORS = (f"{W}commentRangeStart", f"{W}commentReference")
_HEADING = re.compile(r"(Heading\d|Title)\Z")
_PATH = re.compile(r"[A-Za-z_]\w*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*\Z")
_NOT_OURS = "not made by briefgen, or its content controls were removed"
_NOTES = {f"{W}footnote": "footnote", f"{W}endnote": "endnote"}
_REFERENCES = {f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "endnote"}
_STORIES = {"header": "in a header", "footer": "in a footer", "footnotes": "in a footnote", "endnotes": "in an endnote"}


@dataclass
class Mark:
    """A tracked change or comment where the document holds it, before it is placed in the YAML."""

    kind: str  # ins, del, moveFrom, moveTo, comment; replace once a deletion and an insertion are paired
    author: str
    text: str
    field: PathKey | None  # None: outside every field
    context: str  # where in the document, for a mark outside every field
    gap: int  # how many texts the document had before it that no change touches
    before: str = ""  # the brief's text just before it in its paragraph, to find it by in the YAML
    old: str = ""  # a replacement's deleted text
    other: Mark | None = None  # a move's other end
    story: str = ""  # "in a footnote", "in a header": where outside the body, if it is


@dataclass(frozen=True)
class Review:
    """A cleared document read back: the brief it belongs to and one note per change or comment."""

    valid: Valid
    notes: list[Problem]


def review(document: Path, project: Project, brief: Path | None = None) -> Review:
    """Read a cleared Word document and the brief it is the edition of (found by its id, or ``brief``)."""
    docx = read_docx(document, display_path(document))
    marks, valid = find_marks(docx), _the_brief(docx, project, brief)
    return Review(valid, [note(mark, valid.source, docx) for mark in marks])


# --- the body: tracked changes and comment anchors in document order, with the field each lies in


def _original_text(paragraph: Any) -> str:
    """A paragraph's text before the changes: what the template wrote in a heading."""
    changes = ((t, change_of(t)) for t in paragraph.iter(f"{W}t", f"{W}delText"))
    kept = [t.text or "" for t, change in changes if change is None or CHANGES[change.tag] in ("del", "moveFrom")]
    return " ".join("".join(kept).split())


def _holder(change: Any, tag: str) -> Any:
    """The run or paragraph whose properties hold a formatting change (None in a document made otherwise)."""
    props = change.getparent()
    holder = props.getparent() if props is not None else None
    return holder if holder is not None and holder.tag == tag else None


def field_path(tag: str) -> PathKey | None:
    """``risks[2].description`` -> ("risks", 2, "description"); None when the tag is not a field's path."""
    parts = re.findall(r"[A-Za-z_]\w*|\d+", tag) if _PATH.match(tag) else None
    return tuple(int(part) if part.isdigit() else part for part in parts) if parts else None


class _Walk:
    """One pass over the body: marks in document order, the field and heading each lies under."""

    def __init__(self, docx: Docx) -> None:
        self.docx, self.marks, self.anchored = docx, list[Mark](), set[str]()
        self.fields: list[PathKey | None] = []  # the field of each open content control (or footnote)
        self.controls, self.heading, self.in_heading = 0, "", False  # briefgen's controls; the last heading
        self.gap, self.before = 0, ""  # texts no change touches so far; the brief's text so far in the paragraph
        self.story, self.formatted = "", None  # the part outside the body walked; the run whose format changed
        # "footnote 2" -> the field its reference lies in, the text before it, and its tracked insertion if it is one
        self.notes: dict[str, tuple[PathKey | None, str, Mark | None]] = {}
        self.at_note: tuple[str, Mark | None] = ("", None)  # the note walked: the text before its reference, ...

    def run(self, root: Any, story: str = "") -> list[Mark]:
        self.story, self.fields = story, []
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, node in walker:
            if node.tag == _FALLBACK and event == "start":
                walker.skip_subtree()
            elif node.tag in _NOTES:
                self.note_of(node, event == "start")
            elif node.tag == f"{W}sdt" and event == "end":
                self.fields.pop()
            elif node.tag == f"{W}sdt":
                tag, self.before = node.find(f"{W}sdtPr/{W}tag"), ""
                path = field_path(tag.get(f"{W}val") or "") if tag is not None else None
                self.controls += path is not None
                self.fields.append(path or self.field)
            elif node.tag == f"{W}p":
                self.paragraph(node, event == "start")
            elif event == "end":
                continue
            elif is_range(node):
                kind, text = CHANGES[node.tag], "".join(own_texts(node, node))
                self.add(kind, node.get(f"{W}author"), text)
                self.before += text if kind in ("del", "moveFrom") else ""  # what the YAML still has
            elif (
                node.tag in _ANCHORS
                and (ident := node.get(f"{W}id", "")) in self.docx.comments
                and ident not in self.anchored
            ):
                self.anchored.add(ident)
                author, text = self.docx.comments[ident]
                self.marks.append(Mark("comment", author, text, self.field, self.where(), -1, story=self.story))
            elif node.tag == f"{W}rPrChange" and _holder(node, f"{W}r") is not None:
                self.formatted = _holder(node, f"{W}r")
                self.add("format", node.get(f"{W}author"), "".join(own_texts(self.formatted)))
            elif node.tag == f"{W}pPrChange" and _holder(node, f"{W}p") is not None:
                self.add("format", node.get(f"{W}author"), "".join(own_texts(_holder(node, f"{W}p"))))
            elif node.tag in _REFERENCES:
                inserted = self.marks[-1] if self.marks and change_of(node) is not None else None
                inserted = inserted if inserted and inserted.kind == "ins" and not inserted.text else None
                self.notes[f"{_REFERENCES[node.tag]} {node.get(f'{W}id', '')}"] = (self.field, self.before, inserted)
            elif node.tag == f"{W}t" and node.text and change_of(node) is None:
                self.gap += node.getparent() is not self.formatted  # a run whose format changed is one with it
                self.before += node.text
        return self.marks

    def note_of(self, node: Any, start: bool) -> None:
        """Enter or leave a footnote or endnote: its text belongs to the field its reference lies in."""
        if start:
            field, before, inserted = self.notes.get(f"{_NOTES[node.tag]} {node.get(f'{W}id', '')}", (None, "", None))
            self.fields.append(field)
            self.at_note = (before, inserted)
        else:
            self.fields.pop()
            self.at_note = ("", None)

    def paragraph(self, p: Any, start: bool) -> None:
        style = p.find(f"{W}pPr/{W}pStyle")
        if start:
            self.before = self.at_note[0]
            if style is not None and _HEADING.match(style.get(f"{W}val") or ""):
                self.heading, self.in_heading = _original_text(p), True
            return
        changed = [c for c in p.iterfind(f"{W}pPr/{W}rPr/*") if c.tag in CHANGES]
        if changed:  # the paragraph mark, at the paragraph's end: a break inserted, or two paragraphs joined
            self.add(CHANGES[changed[0].tag], changed[0].get(f"{W}author"), "\n")
        else:
            self.gap += 1
        self.in_heading = False

    @property
    def field(self) -> PathKey | None:
        return self.fields[-1] if self.fields else None

    def where(self) -> str:
        if self.story:
            return self.story
        heading = f'heading "{shorten(self.heading, 40)}"'
        return f"{'in' if self.in_heading else 'after'} {heading}" if self.heading else "before the first heading"

    def add(self, kind: str, author: str | None, text: str) -> None:
        mark = Mark(kind, author or "someone", text, self.field, self.where(), self.gap, self.before[-40:])
        mark.story, inserted = self.story, self.at_note[1]
        if inserted is not None and kind == "ins" and inserted.author == mark.author:
            inserted.text, inserted.story = inserted.text + text, self.story  # a new footnote: one note, its text
            return
        # a comment anchored between a deletion and its insertion does not part them
        last = next((m for m in reversed(self.marks) if m.kind != "comment"), None)
        if last is None or (last.author, last.field, last.gap) != (mark.author, mark.field, mark.gap):
            self.marks.append(mark)
        elif last.kind == kind:
            last.text += text  # Word splits one change at every change of formatting
        elif {last.kind, kind} == {"ins", "del"}:
            old, new = (last.text, text) if last.kind == "del" else (text, last.text)
            last.kind, last.old, last.text = "replace", old, new
        elif last.kind == "replace" and kind in ("ins", "del"):
            last.text, last.old = (last.text + text, last.old) if kind == "ins" else (last.text, last.old + text)
        else:
            self.marks.append(mark)


def find_marks(docx: Docx) -> list[Mark]:
    """Every tracked change and comment in document order; refuse a document without briefgen's controls."""
    walk = _Walk(docx)
    marks = walk.run(docx.document)
    if not walk.controls:
        raise refused(docx.name, f"no briefgen content controls: {_NOT_OURS}")
    for part, root in docx.stories:  # after the body, whose references place the notes
        walk.run(root, next(said for word, said in _STORIES.items() if word in part))
    for ident, (author, text) in docx.comments.items():
        if ident not in walk.anchored:
            marks.append(Mark("comment", author, text, None, "anchored nowhere", -1))
    arrivals = [m for m in marks if m.kind == "moveTo"]
    for mark in (m for m in marks if m.kind == "moveFrom"):  # a move's two ends: one author, one text
        key = (mark.author, " ".join(mark.text.split()))
        found = next((a for a in arrivals if a.other is None and (a.author, " ".join(a.text.split())) == key), None)
        if found:
            mark.other, found.other = found, mark
    return marks


# --- the notes, at the YAML's lines


def describe(mark: Mark) -> str:
    """What a reviewer did, in words: `Jane Doe replaced "likely" with "a realistic possibility"`."""

    def _quote(text: str) -> str:  # a paragraph mark is "\n"; a picture or a table row, no text at all
        if text.strip():
            return f'"{printable(shorten(text))}"'
        return "a paragraph break" if "\n" in text else ("a space" if text else "something without text")

    def _place(mark: Mark | None) -> str:
        return dotted(mark.field) if mark and mark.field else "outside the brief's fields"

    who = printable(shorten(mark.author, 60))
    said = {
        "ins": f"{who} inserted {_quote(mark.text)}",
        "del": f"{who} deleted {_quote(mark.text)}",
        "replace": f"{who} replaced {_quote(mark.old)} with {_quote(mark.text)}",
        "moveFrom": f"{who} moved {_quote(mark.text)} " + (f"to {_place(mark.other)}" if mark.other else "away"),
        "moveTo": f"{who} moved {_quote(mark.text)} here" + (f" from {_place(mark.other)}" if mark.other else ""),
        "comment": f"comment by {who}: {_quote(mark.text)}",
        "format": f"{who} changed the formatting of {_quote(mark.text)}",
    }
    return said[mark.kind] + (f" {mark.story}" if mark.story and mark.field else "")


def note(mark: Mark, source: Source, docx: Docx) -> Problem:
    """A mark as a note at the YAML field it touches, or at the document for a mark outside every field."""
    if mark.field is None:
        return Problem(docx.name, 0, 0, "", f"outside the brief's fields ({mark.context}): {describe(mark)}", "note")
    known = next(mark.field[:n] for n in range(len(mark.field), -1, -1) if mark.field[:n] in source.positions)
    removed = (mark.old if mark.kind == "replace" else mark.text) if mark.kind in ("del", "replace", "moveFrom") else ""
    line, col = _locate(source, known, mark.before if mark.kind != "comment" else "", removed)
    return Problem(source.name, line, col, dotted(mark.field), describe(mark), "note")


def _locate(source: Source, loc: PathKey, before: str, removed: str) -> tuple[int, int]:
    """Just after the text before the change, if verbatim in the YAML; else at the words removed; else the value."""
    start, end = source.spans.get(loc, (0, 0))
    for text in (before[i:] for i in range(0, max(len(before) - 7, 1), 8)):  # a shorter tail may be verbatim
        at = source.text.find(text + removed, start, end) if text.strip() else -1
        if at != -1:
            return line_col(source.text, at + len(text))
    return source.locate_within(loc, " ".join(removed.split())) if removed.strip() else source.locate(loc)


# --- the brief a document is the edition of


def _the_brief(docx: Docx, project: Project, given: Path | None) -> Valid:
    checker = Checker(project)
    if given is not None:
        valid = checker.check(given)
        if docx.identifier and docx.identifier != valid.id:
            line, col = valid.source.locate(("id",)) if "id" in valid.source.data else (0, 0)
            message = f"{docx.name} is the Word edition of '{docx.identifier}', not of '{valid.id}'"
            raise BriefgenError([Problem(valid.source.name, line, col, "id" if line else "", message)])
        return valid
    if not docx.identifier:
        raise BriefgenError.at(docx.name, "the document names no brief (its identifier is empty); give it with --brief")
    return checker.check(_find_brief(docx, project))


def _find_brief(docx: Docx, project: Project) -> Path:
    """The one brief under briefs/ (here, and in the project's folder) whose id is the document's identifier."""
    ident = docx.identifier
    folders = [Path("briefs"), *([project.root / "briefs"] if project.root else [])]
    files, _ = find_briefs([f for f in dict.fromkeys(f.resolve() for f in folders) if f.is_dir()])
    found = [path for path in files if _id_of(path, ident) == ident]
    if len(found) != 1:
        shown = " and ".join(display_path(p) for p in found[:2])
        said = f"id '{ident}' is used by {shown}" if found else f"no brief under briefs/ has the id '{ident}'"
        raise BriefgenError.at(docx.name, f"{said}; give the brief with --brief")
    return found[0]


def _id_of(path: Path, wanted: str) -> str | None:
    """A brief's id, parsed only when it may be the one wanted (one that does not parse: its `id:` line's, or stem)."""
    try:
        raw = read_brief(path, display_path(path))
        if wanted.encode() not in raw and path.stem != wanted:
            return None  # neither its stem nor an id it sets is the one wanted
        ident = parse_source(raw, display_path(path)).data.get("id")
    except BriefgenError:
        line = re.compile(rb"^id:[ \t]*([\"']?)" + re.escape(wanted.encode()) + rb"\1[ \t]*(#.*)?\r?$", re.M)
        return wanted if line.search(raw) else path.stem
    return ident if isinstance(ident, str) else path.stem
