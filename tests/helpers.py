"""The tests' shared helpers, in one place: briefs to test with (``brief()``, ``MINIMAL``), a file-tree writer,
a Project without any briefgen.toml (``settings()``), and the render tests' fixtures and parsers (HTML,
Markdown, PDF, browser). PYTEST_DONT_REWRITE

conftest.py loads this module as a plugin, so its fixtures reach every test. Rendering is the slow part,
so every brief is rendered at most once per session and per set of formats (``render_once``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from markdown_it import MarkdownIt

from briefgen.check import Checker, Valid
from briefgen.config import Config
from briefgen.load import Source
from briefgen.model import Brief
from briefgen.produce import RenderResult, render_brief
from briefgen.project import Project, resolve_project

REPO = Path(__file__).resolve().parent.parent
BRIEFS = REPO / "briefs"
REAL_BRIEF = BRIEFS / "china-france-japan-2025-11.yaml"
EXAMPLE_BRIEF = BRIEFS / "example-port-strike.yaml"  # a draft
CASES = Path(__file__).resolve().parent / "cases"

# The smallest brief that validates: the four required fields and nothing else.
MINIMAL = """\
title: A minimal brief
date: 2025-11-28
summary: The bottom line.
trigger:
  title: What happened
  summary: It happened.
"""


def brief(title: str = "A minimal brief", extra: str = "") -> str:
    """MINIMAL with another title and ``extra`` top-level fields appended (starting on line 7)."""
    return (MINIMAL + extra).replace("A minimal brief", title, 1)


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root``; return ``root``."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def build_with_site(
    folder: Path, files: Mapping[str, str], site: str, formats: str = "pdf", timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run `briefgen build --format FORMATS -j 2` in ``folder`` over ``files``, every process of it importing
    ``site`` as its sitecustomize (which may log to $BRIEFGEN_TEST_LOG, ``folder / "log"``)."""
    write_tree(folder, {**files, "site/sitecustomize.py": site})
    env = {**os.environ, "PYTHONPATH": str(folder / "site"), "CI": "1", "BRIEFGEN_TEST_LOG": str(folder / "log")}
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--format", formats, "-j", "2"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def png_bytes() -> bytes:
    """A valid 1x1 PNG, made here (no binary file in the repository)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


PNG = png_bytes()


def settings(config: Config | None = None, **options: Any) -> Project:
    """A Project from ``config`` (default: every default) and options, whatever briefgen.toml lies around."""
    return resolve_project(config=config or Config(), **options)


NODE_MODULES = REPO / "node_modules"
MARKDOWNLINT = NODE_MODULES / ".bin" / "markdownlint"
MARKDOWNLINT_CONFIG = REPO / ".markdownlint.json"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"

PROJECT = settings()  # defaults: UNCLASSIFIED, A4, no organisation; independent of any briefgen.toml around

ANNEX = "Annex: How to read this brief"


def expected_h2(brief: Brief) -> list[str]:
    """The section headings a brief must have, in the order the issue prescribes."""
    titles = ["Bottom line up front"]
    titles += ["Implications for us"] * bool(brief.implications) + ["Options"] * bool(brief.options)
    titles += [f"Trigger: {brief.trigger.title}"]
    titles += ["Motivations"] * bool(brief.motivations) + ["Asks"] * bool(brief.asks)
    titles += ["Risks"] * bool(brief.risks) + ["Watch list"] * bool(brief.watch_list)
    titles += ["Historical context"] * bool(brief.historical_context)
    titles += [s.title for s in brief.sections]
    titles += ["Sources"] * bool(brief.sources)
    return [*titles, ANNEX]


# --- a brief whose every plain-text field tries to inject markup

PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:alert(1))"


def injection_data(url: str = "javascript:alert(1)") -> dict[str, Any]:
    """A valid brief with the payload in title, summary, an actor, a source (title and url), marking and tags."""
    return {
        "title": f"Title {PAYLOAD}",
        "subtitle": f"Subtitle {PAYLOAD}",
        "date": "2025-11-28",
        "status": "final",
        "classification": f"Marking {PAYLOAD}",
        "authors": [{"name": f"Author {PAYLOAD}"}],
        "tags": ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[link](javascript:alert(1))"],
        "summary": f"Summary {PAYLOAD} [@evil-source]",
        "key_points": [{"text": f"Point {PAYLOAD}", "confidence": "low"}],
        "actors": [
            {"id": "evil-actor", "name": f"Actor {PAYLOAD}", "role": f"Role {PAYLOAD}"},
            {"id": "other", "name": "Other actor"},
        ],
        "trigger": {"title": f"Trigger {PAYLOAD}", "summary": f"It happened. {PAYLOAD}", "actors": ["evil-actor"]},
        "asks": [{"by": "evil-actor", "of": "other", "ask": f"Ask {PAYLOAD}", "quote": f"Quote {PAYLOAD}"}],
        "risks": [{"title": f"Risk {PAYLOAD}", "likelihood": "likely", "impact": "major"}],
        "watch_list": [{"title": f"Watch {PAYLOAD}", "indicator": f"Indicator {PAYLOAD}"}],
        "sections": [{"title": f"Section {PAYLOAD}", "body": f"Body {PAYLOAD}"}],
        "sources": [{"id": "evil-source", "title": f"Source {PAYLOAD}", "url": url}],
    }


def minimal_data(**extra: Any) -> dict[str, Any]:
    """The smallest valid brief, plus ``extra`` top-level fields."""
    data: dict[str, Any] = {
        "title": "A minimal brief",
        "date": "2025-11-28",
        "status": "final",
        "summary": "The bottom line.",
        "trigger": {"title": "What happened", "summary": "It happened."},
    }
    data.update(extra)
    return data


def to_yaml(data: Any, indent: int = 0) -> str:
    """Block-style YAML with every scalar double-quoted (JSON escapes), one field per line."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(value, indent + 2))
            else:
                lines.append(f"{pad}{key}: {json.dumps(value, ensure_ascii=False)}")
    else:
        for item in data:
            if isinstance(item, dict):
                inner = to_yaml(item, indent + 2).splitlines()
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}")
    return "\n".join(lines)


def write_brief(folder: Path, name: str, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(to_yaml(data) + "\n", encoding="utf-8")
    return path


def load(path: Path, project: Project = PROJECT) -> Valid:
    """Load and validate one brief (BriefgenError if it is not valid)."""
    return Checker(project).check(path)


# --- rendering once per session


@dataclass
class Rendered:
    source: Source
    brief: Brief
    result: RenderResult
    out: Path

    def path(self, ext: str) -> Path:
        target = self.out / f"{self.result.id}.{ext}"
        assert target in self.result.outputs, f"{ext} was not rendered"
        return target

    def text(self, ext: str) -> str:
        return self.path(ext).read_text(encoding="utf-8")


def long_data() -> dict[str, Any]:
    """The real brief made long, as it was before it had a page budget: no max_pages (so a contents list), dated
    events (so a timeline), trigger points, an author's role and more sections than fit on a page."""
    from briefgen.load import load_source

    data = load_source(REAL_BRIEF).data
    del data["max_pages"]
    data["id"] = "long-brief"
    data["authors"] = [{"name": "briefgen editorial team", "role": "Asia-Pacific and Europe desk"}]
    data["trigger"]["points"] = ["France's embassy in Beijing did not immediately respond [@bloomberg-2025-11-28]."]
    data["historical_context"]["events"] = [
        {"id": "senkaku", "date": "2012-09", "title": "Japan nationalises three of the Senkaku/Diaoyu islands"},
        {"id": "remarks", "date": "2025-11-07", "title": "Takaichi links Japan's security to a Taiwan contingency"},
        {"id": "letter", "date": "2025-11", "title": "China writes to the UN Secretary-General"},
    ]
    paragraph = " ".join(["A paragraph of analysis that runs on, as a long brief's sections do."] * 12)
    data["sections"] += [
        {"id": f"more-{n}", "title": f"Further analysis {n}", "body": "\n\n".join([paragraph] * 3)} for n in range(1, 5)
    ]
    return data


BRIEF_FILES: dict[str, Callable[[Path], Path]] = {
    "real": lambda _: REAL_BRIEF,
    "long": lambda folder: write_brief(folder, "long-brief", long_data()),
    "example": lambda _: EXAMPLE_BRIEF,
    "french": lambda _: REAL_BRIEF.with_name(REAL_BRIEF.stem + ".fr.yaml"),
    "injection": lambda folder: write_brief(folder, "injection", injection_data()),
}


@pytest.fixture(scope="session")
def render_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, tuple[str, ...]], Rendered]:
    """``render_once("real", ("md", "html"))``: render a named brief once per session and formats."""
    cache: dict[tuple[str, tuple[str, ...]], Rendered] = {}

    def get(name: str, formats: tuple[str, ...] = ("md", "html", "pdf")) -> Rendered:
        key = (name, formats)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"{name}-{'-'.join(formats)}")
            valid = load(BRIEF_FILES[name](out / "src"))
            result = render_brief(valid, settings(formats=formats, out_dir=out))
            cache[key] = Rendered(valid.source, valid.brief, result, out)
        return cache[key]

    return get


# --- HTML as a small tree (html.parser; lxml is not installed)

VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])


@dataclass(eq=False)  # nodes compare by identity
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This node and every element below it, in document order (optionally only ``tag``)."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def find(self, tag: str) -> Node | None:
        return next((n for n in self.iter(tag) if n is not self), None)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def get(self, name: str) -> str:
        return self.attrs.get(name) or ""

    def classes(self) -> list[str]:
        return self.get("class").split()

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        raise AssertionError(f"end tag </{tag}> without a start tag")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str, *, fragment: bool = False) -> Node:
    """Parse a whole page (or, with ``fragment``, a piece of HTML) into a tree of Nodes."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    assert len(builder.stack) == 1, f"unclosed elements: {[n.tag for n in builder.stack[1:]]}"
    assert fragment or builder.doctype.lower() == "doctype html"
    return builder.root


_UNSAFE_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data|file):", re.I)


def live_markdown(text: str) -> list[str]:
    """What a reader's CommonMark renderer (raw HTML on) would make live in a Markdown output: every HTML
    token, and every link or image to a javascript:, vbscript:, data: or file: URL. The templates add none."""
    reader = MarkdownIt("commonmark", {"html": True}).enable("table")
    reader.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link a renderer might make
    tokens = reader.parse(text)
    inline = [child for token in tokens for child in (token.children or [])]
    found = [f"{t.type}: {t.content}" for t in [*tokens, *inline] if t.type in ("html_block", "html_inline")]
    for t in inline:
        url = str(t.attrGet("href") or t.attrGet("src") or "")
        if t.type in ("link_open", "image") and _UNSAFE_SCHEME.match(url):
            found.append(f"{t.type}: {url}")
    return found


def markdown_links(text: str) -> list[str]:
    """The href of every link in a Markdown output."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return [str(c.attrGet("href")) for t in tokens for c in (t.children or []) if c.type == "link_open"]


def markdown_tree(text: str) -> Node:
    """A Markdown document as rendered by a plain CommonMark renderer with GFM tables (raw HTML allowed)."""

    return parse_html(MarkdownIt("commonmark", {"html": True}).enable("table").render(text), fragment=True)


# --- external checkers


def need(path: Path, what: str) -> None:
    if not path.exists():
        pytest.skip(f"{what} not installed ({path.relative_to(REPO)} missing): run `npm ci` (the test command does)")


def markdownlint(*files: Path) -> subprocess.CompletedProcess[str]:
    need(MARKDOWNLINT, "markdownlint-cli")
    return subprocess.run(
        [str(MARKDOWNLINT), "--config", str(MARKDOWNLINT_CONFIG), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def vnu(*files: Path) -> subprocess.CompletedProcess[str]:
    need(VNU_JAR, "vnu-jar")
    if not shutil.which("java"):
        pytest.skip("java not installed: the Nu HTML checker needs it")
    return subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- PDF inspection with poppler-utils


def run_tool(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True, timeout=120).stdout


def pdfinfo(pdf: Path) -> dict[str, str]:
    info = {}
    for line in run_tool("pdfinfo", "-isodates", pdf).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def page_texts(pdf: Path) -> list[str]:
    """Text of each page, with -layout (form feeds split the pages)."""
    pages = run_tool("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    def band(self, top: bool, tolerance: float = 3.0) -> list[Word]:
        """The words of the top-most (or bottom-most) line of the page, left to right."""
        if top:
            edge = min(w.y0 for w in self.words)
            picked = [w for w in self.words if w.y0 <= edge + tolerance]
        else:
            edge = max(w.y1 for w in self.words)
            picked = [w for w in self.words if w.y1 >= edge - tolerance]
        return sorted(picked, key=lambda w: w.x0)


def page_words(pdf: Path) -> list[Page]:
    """Every word of every page with its box (pdftotext -bbox), y growing downwards."""
    xhtml = run_tool("pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-")
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in ElementTree.fromstring(xhtml).iterfind(".//h:page", ns):
        words = [
            Word(*(float(w.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")), w.text or "")
            for w in page.iterfind("h:word", ns)
        ]
        pages.append(Page(float(page.get("width", "0")), float(page.get("height", "0")), words))
    return pages


def pdffonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for each font of the PDF."""
    rows = run_tool("pdffonts", pdf).splitlines()[2:]
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]


def pdf_bytes_expanded(pdf: Path) -> bytes:
    """The raw PDF followed by every stream it holds, inflated (object streams hide dictionaries)."""
    raw = pdf.read_bytes()
    parts, view = [raw], memoryview(raw)
    for match in re.finditer(rb"stream\r?\n", raw):
        try:
            parts.append(zlib.decompressobj().decompress(view[match.end() :]))
        except zlib.error:
            continue  # not a Flate stream (or not a stream start at all)
    return b"\n".join(parts)


def pdf_string(token: bytes) -> str:
    """Decode a PDF literal ``(...)`` or hex ``<...>`` string token."""
    if token.startswith(b"<"):
        data = bytes.fromhex(token[1:-1].decode("ascii"))
    else:
        body, out, i = token[1:-1], bytearray(), 0
        escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
        while i < len(body):
            char = body[i : i + 1]
            if char == b"\\":
                nxt = body[i + 1 : i + 2]
                octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
                if octal:
                    out.append(int(octal.group(), 8) & 0xFF)
                    i += 1 + len(octal.group())
                    continue
                out += escapes.get(nxt, nxt)
                i += 2
                continue
            out += char
            i += 1
        data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


_PDF_STRING = rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)"


def pdf_uris(expanded: bytes) -> list[str]:
    """Every /URI action target in the (expanded) PDF bytes."""
    return [pdf_string(m.group(1)) for m in re.finditer(rb"/URI\s*" + _PDF_STRING, expanded, re.S)]


# --- headless Chromium (Debian's), as the probe of this machine kind starts it: no network of its own

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module, skipped only where playwright or chromium is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in an open page; return its violations, each in a short form for the failure message."""
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert results["passes"], "axe ran no checks"
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
    ]
