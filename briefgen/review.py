"""`briefgen review`: a cleared Word edition read back onto its YAML, each tracked change and comment a note at
the field whose content control (``w:sdt`` tagged with its path) holds it, or outside every field. The document
is untrusted: zip sizes capped (directory and reading), no DOCTYPE, nothing outside the package but web links."""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree  # type: ignore[import-untyped]  # no stubs; not python-docx, which loads every part

from briefgen.check import Checker, Valid
from briefgen.errors import BriefgenError, Problem, printable
from briefgen.load import PathKey, Source, display_path, dotted, find_briefs, parse_source, read_brief
from briefgen.markdown import safe_url
from briefgen.model import shorten
from briefgen.project import Project
from briefgen.yaml_words import line_col

MAX_UNPACKED = 64 * 1024 * 1024  # a brief's document is a few MiB with its images
MAX_ENTRIES = 2000
MAX_RATIO = 200  # Word's XML deflates to about 1:10, a run of zeros to 1:1000
RATIO_FROM = 1024 * 1024  # a small entry may deflate as well as it likes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_ID = "{http://purl.org/dc/elements/1.1/}identifier"
_CP_VERSION = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}version"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"  # a copy of mc:Choice
_CHANGES = {f"{W}ins": "ins", f"{W}del": "del", f"{W}moveFrom": "moveFrom", f"{W}moveTo": "moveTo"}
_ANCHORS = (f"{W}commentRangeStart", f"{W}commentReference")
_TEXTS = {f"{W}t", f"{W}delText", f"{W}tab", f"{W}br", f"{W}cr"}
_HEADING = re.compile(r"(Heading\d|Title)\Z")
_PATH = re.compile(r"[A-Za-z_]\w*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*\Z")
_WEB = ("http", "https", "mailto")
_NOT_OURS = "not made by briefgen, or its content controls were removed"
DOCUMENT, COMMENTS, CORE = "word/document.xml", "word/comments.xml", "docProps/core.xml"


@dataclass(frozen=True)
class Docx:
    """What review reads of a Word document: its brief's id, its text and its comments (id -> author, text)."""

    name: str
    identifier: str
    document: Any  # word/document.xml's root
    comments: dict[str, tuple[str, str]]


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


def refused(name: str, message: str, part: str = "") -> BriefgenError:
    """The one-line refusal of the document ``name`` (at ``part`` of its package, if given)."""
    return BriefgenError([Problem(name, 0, 0, printable(part), f"refused: {message}")])


# --- the package: a zip of capped size holding safe XML


def read_docx(path: Path, name: str) -> Docx:
    """Open ``path`` (shown as ``name``) as a Word document; refuse what is not one, or not safe to read."""
    parts = _unzip(path, name)
    xml = {part: parse_xml(name, part, data) for part, data in parts.items()}
    bad = [p for part, root in xml.items() if part.endswith(".rels") for p in _external(name, part, root)]
    if bad:
        raise BriefgenError(bad)
    core = xml.get(CORE)
    ident = core.findtext(_DC_ID) if core is not None else None
    if core is not None and (core.findtext(_CP_VERSION) or "").startswith("release "):  # docx_writer marks one
        raise refused(name, "a release edition: its fields are numbered as in the release; review the full edition")
    comments: dict[str, tuple[str, str]] = {}
    for comment in xml[COMMENTS].iter(f"{W}comment") if COMMENTS in xml else ():
        paragraphs = ["".join(_own_texts(p)) for p in comment.iter(f"{W}p")]
        comments[comment.get(f"{W}id", "")] = (comment.get(f"{W}author") or "someone", "\n".join(paragraphs))
    return Docx(name, shorten((ident or "").strip(), 100), xml[DOCUMENT], comments)


def _unzip(path: Path, name: str) -> dict[str, bytes]:
    """The parts review reads, each at most as long as the zip's directory says and all together capped."""
    file = os.stat(path)
    if not stat.S_ISREG(file.st_mode) or file.st_size > MAX_UNPACKED:
        raise refused(name, f"not a regular file of at most {MAX_UNPACKED >> 20} MiB; not a brief's document")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise refused(name, "not a zip file, so not a Word document (.docx)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise refused(name, f"{len(infos)} entries in the zip; a Word document has far fewer (a zip bomb?)")
        if sum(info.file_size for info in infos) > MAX_UNPACKED:
            raise refused(name, f"unpacks to over {MAX_UNPACKED >> 20} MiB (a zip bomb?)")
        for info in infos:
            if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise refused(name, f"compressed over {MAX_RATIO} times (a zip bomb?)", info.filename)
        twice = next((n for n, count in Counter(info.filename for info in infos).items() if count > 1), None)
        if twice is not None:
            raise refused(name, "the zip holds this part twice; a damaged or doctored document", twice)
        if DOCUMENT not in {info.filename for info in infos}:
            raise refused(name, "no word/document.xml in the zip; not a Word document (.docx)")
        wanted = [i for i in infos if i.filename in (DOCUMENT, COMMENTS, CORE) or i.filename.endswith(".rels")]
        return {info.filename: _read_entry(archive, info, name) for info in wanted}


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """An entry's bytes, never more than the zip's directory says (its sizes are checked; it may lie)."""
    chunks, got = [], 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(1 << 16):
                got += len(chunk)
                if got > info.file_size:
                    raise refused(name, "unpacks to more than its directory says (a zip bomb?)", info.filename)
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise refused(name, f"damaged zip file ({exc})", info.filename) from None
    return b"".join(chunks)


def parse_xml(name: str, part: str, data: bytes) -> Any:
    """Parse one part with no DTD, no entities and no network; refuse a part that declares a DOCTYPE."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise refused(name, f"not well-formed XML ({shorten(str(exc), 80)})", part) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise refused(name, "XML with a DOCTYPE (entities); Word never writes one", part)
    return root


def _external(name: str, part: str, rels: Any) -> Iterator[Problem]:
    """Refuse each relationship to outside the package, except a web link: a template, a linked picture, an
    OLE object or a frame would make Word fetch or run something when the document is opened."""
    for rel in rels.iter(_REL):
        if (rel.get("TargetMode") or "").lower() != "external":
            continue
        target, kind = rel.get("Target") or "", (rel.get("Type") or "").rsplit("/", 1)[-1]
        shown = printable(shorten(target, 80))
        if kind != "hyperlink":
            said = f"external {printable(shorten(kind, 40))} relationship to '{shown}'; a briefgen document links"
            yield Problem(name, 0, 0, printable(part), f"refused: {said} nothing but web pages")
        elif not safe_url(target) or urlsplit(re.sub(r"[\x00-\x20\x7f]", "", target)).scheme.lower() not in _WEB:
            said = f"a link to '{shown}'; only http(s) and mailto links are allowed"
            yield Problem(name, 0, 0, printable(part), f"refused: {said}")


# --- the body: tracked changes and comment anchors in document order, with the field each lies in


def _change_of(node: Any) -> Any:
    """The tracked change a run's text belongs to (the innermost), or None."""
    return next((up for up in node.iterancestors() if _is_range(up)), None)


def _is_range(node: Any) -> bool:
    """A tracked change of a range of runs: not one in w:rPr or w:trPr (a paragraph mark, a table row)."""
    return node.tag in _CHANGES and not str(node.getparent().tag).endswith("Pr")


def _own_texts(node: Any, within: Any = None) -> Iterator[str]:
    for text in node.iter(*_TEXTS):
        if within is None or _change_of(text) is within:
            yield (text.text or "") if text.tag in (f"{W}t", f"{W}delText") else " "


def _original_text(paragraph: Any) -> str:
    """A paragraph's text before the changes: what the template wrote in a heading."""
    changes = ((t, _change_of(t)) for t in paragraph.iter(f"{W}t", f"{W}delText"))
    kept = [t.text or "" for t, change in changes if change is None or _CHANGES[change.tag] in ("del", "moveFrom")]
    return " ".join("".join(kept).split())


def field_path(tag: str) -> PathKey | None:
    """``risks[2].description`` -> ("risks", 2, "description"); None when the tag is not a field's path."""
    parts = re.findall(r"[A-Za-z_]\w*|\d+", tag) if _PATH.match(tag) else None
    return tuple(int(part) if part.isdigit() else part for part in parts) if parts else None


class _Walk:
    """One pass over the body: marks in document order, the field and heading each lies under."""

    def __init__(self, docx: Docx) -> None:
        self.docx, self.marks, self.anchored = docx, list[Mark](), set[str]()
        self.fields: list[PathKey | None] = []  # the field of each open content control
        self.controls, self.heading, self.in_heading = 0, "", False  # briefgen's controls; the last heading
        self.gap, self.before = 0, ""  # texts no change touches so far; the brief's text so far in the paragraph

    def run(self) -> list[Mark]:
        walker = etree.iterwalk(self.docx.document, events=("start", "end"))
        for event, node in walker:
            if node.tag == _FALLBACK and event == "start":
                walker.skip_subtree()
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
            elif _is_range(node):
                kind, text = _CHANGES[node.tag], "".join(_own_texts(node, node))
                self.add(kind, node.get(f"{W}author"), text)
                self.before += text if kind in ("del", "moveFrom") else ""  # what the YAML still has
            elif (
                node.tag in _ANCHORS and (ident := node.get(f"{W}id", "")) in self.docx.comments.keys() - self.anchored
            ):
                self.anchored.add(ident)
                author, text = self.docx.comments[ident]
                self.marks.append(Mark("comment", author, text, self.field, self.where(), -1))
            elif node.tag == f"{W}t" and node.text and _change_of(node) is None:
                self.gap, self.before = self.gap + 1, self.before + node.text
        return self.marks

    def paragraph(self, p: Any, start: bool) -> None:
        style = p.find(f"{W}pPr/{W}pStyle")
        if start:
            self.before = ""
            if style is not None and _HEADING.match(style.get(f"{W}val") or ""):
                self.heading, self.in_heading = _original_text(p), True
            return
        changed = [c for c in p.iterfind(f"{W}pPr/{W}rPr/*") if c.tag in _CHANGES]
        if changed:  # the paragraph mark, at the paragraph's end: a break inserted, or two paragraphs joined
            self.add(_CHANGES[changed[0].tag], changed[0].get(f"{W}author"), "\n")
        else:
            self.gap += 1
        self.in_heading = False

    @property
    def field(self) -> PathKey | None:
        return self.fields[-1] if self.fields else None

    def where(self) -> str:
        heading = f'heading "{shorten(self.heading, 40)}"'
        return f"{'in' if self.in_heading else 'after'} {heading}" if self.heading else "before the first heading"

    def add(self, kind: str, author: str | None, text: str) -> None:
        mark = Mark(kind, author or "someone", text, self.field, self.where(), self.gap, self.before[-40:])
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
    marks = walk.run()
    if not walk.controls:
        raise refused(docx.name, f"no briefgen content controls: {_NOT_OURS}")
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
    }
    return said[mark.kind]


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
