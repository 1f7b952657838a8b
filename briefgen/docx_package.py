"""A Word document opened as untrusted input: a zip of capped size (its directory and its reading), XML parsed with
no DOCTYPE, no entities and no network, and no relationship to outside the package but web links. What
`briefgen review` reads of it: the brief's id, the body and the comments."""

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

from briefgen.errors import BriefgenError, Problem, printable
from briefgen.markdown import safe_url
from briefgen.model import shorten

MAX_UNPACKED = 64 * 1024 * 1024  # a brief's document is a few MiB with its images
MAX_ENTRIES = 2000
MAX_RATIO = 200  # Word's XML deflates to about 1:10, a run of zeros to 1:1000
RATIO_FROM = 1024 * 1024  # a small entry may deflate as well as it likes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_ID = "{http://purl.org/dc/elements/1.1/}identifier"
_CP_VERSION = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}version"
CHANGES = {f"{W}ins": "ins", f"{W}del": "del", f"{W}moveFrom": "moveFrom", f"{W}moveTo": "moveTo"}
TEXTS = {f"{W}t", f"{W}delText", f"{W}tab", f"{W}br", f"{W}cr"}
_WEB = ("http", "https", "mailto")

DOCUMENT, COMMENTS, CORE = "word/document.xml", "word/comments.xml", "docProps/core.xml"
STORY = re.compile(r"word/(header\d{1,4}|footer\d{1,4}|footnotes|endnotes)\.xml\Z")  # text outside the body


@dataclass(frozen=True)
class Docx:
    """What review reads of a Word document: its brief's id, its text and its comments (id -> author, text)."""

    name: str
    identifier: str
    document: Any  # word/document.xml's root
    comments: dict[str, tuple[str, str]]
    stories: tuple[tuple[str, Any], ...] = ()  # headers, footers, footnotes, endnotes: (part, root)


def refused(name: str, message: str, part: str = "") -> BriefgenError:
    """The one-line refusal of the document ``name`` (at ``part`` of its package, if given)."""
    return BriefgenError([Problem(name, 0, 0, printable(part), f"refused: {message}")])


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
        paragraphs = ["".join(own_texts(p)) for p in comment.iter(f"{W}p")]
        comments[comment.get(f"{W}id", "")] = (comment.get(f"{W}author") or "someone", "\n".join(paragraphs))
    stories = tuple((part, xml[part]) for part in sorted(xml, key=_story_order) if STORY.match(part))
    return Docx(name, shorten((ident or "").strip(), 100), xml[DOCUMENT], comments, stories)


def _story_order(part: str) -> tuple[int, int, str]:
    """Headers, then footers, then footnotes and endnotes, each numbered part in its number's order."""
    kind = next(i for i, word in enumerate(("header", "footer", "footnotes", "endnotes", "")) if word in part)
    number = re.search(r"(\d+)\.xml\Z", part)
    return kind, int(number[1]) if number else 0, part


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
        ours = (DOCUMENT, COMMENTS, CORE)
        wanted = [i for i in infos if i.filename in ours or i.filename.endswith(".rels") or STORY.match(i.filename)]
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


# --- text and tracked changes


def change_of(node: Any) -> Any:
    """The tracked change a run's text belongs to (the innermost), or None."""
    return next((up for up in node.iterancestors() if is_range(up)), None)


def is_range(node: Any) -> bool:
    """A tracked change of a range of runs: not one in w:rPr or w:trPr (a paragraph mark, a table row)."""
    parent = node.getparent()
    return node.tag in CHANGES and parent is not None and not str(parent.tag).endswith("Pr")


def own_texts(node: Any, within: Any = None) -> Iterator[str]:
    """A node's texts (each tab or break a space), only those of the change ``within`` if given."""
    for text in node.iter(*TEXTS):
        if within is None or change_of(text) is within:
            yield (text.text or "") if text.tag in (f"{W}t", f"{W}delText") else " "
