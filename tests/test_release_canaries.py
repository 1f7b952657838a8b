"""Release editions cannot leak (issue #13): canary words in every field of every portion above a release's
level, searched for in every byte a release build writes or prints.

Each canary is ``zqxc`` and four more lowercase letters (one word, eight letters: no hyphenation splits it,
and no canary is the start of another), so one regex finds every canary in a file at once. Every output is
searched in several views: as bytes, with HTML/XML entities and %-escapes decoded, with white space and
hyphens taken out (a word broken over two lines of a PDF), each PDF string token decoded (UTF-16 titles,
outline entries, alt texts, link targets), pypdf's metadata, XMP, outline and text, and pdftotext's text.

The LEAK_* texts describe the leaks these tests found in the channels around the outputs (error messages, the
release's manifest, stale outputs, the "What has changed" box, shards, the published folder); each test
below them failed until its leak was closed. ``CANARY_EXAMPLES=300`` runs a longer random hunt.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import urllib.parse
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import Result
from helpers import pdf_bytes_expanded, pdf_string, settings, to_yaml, write_tree
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from briefgen.check import Checker, Valid
from briefgen.config import Config, LevelConfig, MarkingConfig
from briefgen.errors import BriefgenError
from briefgen.produce import make_outputs
from briefgen.release import Withheld

Run = Callable[..., Result]

CANARY = re.compile(r"zqxc[a-z]{4}")
LETTERS = "abcdefghijklmnopqrstuvwxyz"

# --- the schemes: level ids lowest first, their banners, and the controls the project allows

CUSTOM_LEVELS = (
    LevelConfig(id="PUB", banner="PUBLICLY", portion="PB"),
    LevelConfig(id="INT", banner="INTERNALLY", portion="IN"),
    LevelConfig(id="RES", banner="RESTRICTEDLY", portion="RS"),
)
SCHEMES: dict[str, tuple[list[str], list[str]]] = {
    "us": (["U", "CUI", "C", "S", "TS"], ["UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET"]),
    "uk": (["O", "OS", "S", "TS"], ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]),
    "tlp": (
        ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"],
        ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"],
    ),
    "custom": ([lv.id for lv in CUSTOM_LEVELS], [lv.banner for lv in CUSTOM_LEVELS]),
}
CONTROLS = {"us": ["NOFORN"], "uk": ["UKEYESONLY"], "tlp": [], "custom": ["ZULUCONTROL"]}


def marking_config(scheme: str, releases: Iterable[str] = ()) -> MarkingConfig:
    levels = CUSTOM_LEVELS if scheme == "custom" else ()
    return MarkingConfig(scheme=scheme, levels=levels, controls=tuple(CONTROLS[scheme]), releases=tuple(releases))  # type: ignore[arg-type]


def toml_for(scheme: str, releases: Iterable[str] = ()) -> str:
    lines = ["[marking]", f'scheme = "{scheme}"', f"controls = {json.dumps(CONTROLS[scheme])}"]
    lines.append(f"releases = {json.dumps(list(releases))}")
    if scheme == "custom":
        tables = ", ".join(
            f'{{ id = "{lv.id}", banner = "{lv.banner}", portion = "{lv.portion}" }}' for lv in CUSTOM_LEVELS
        )
        lines.append(f"levels = [{tables}]")
    return "\n".join(lines) + "\n"


def png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1x1 PNG of one colour (each level's image has its own bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\0" + bytes(rgb))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


# --- the canary brief: items at every level, a canary in every field


def can(rank: int, code: str) -> str:
    """The canary of one field at one level: zqxc, the level's letter, three letters for the field."""
    assert len(code) == 3 and code.isalpha()
    return f"zqxc{LETTERS[rank]}{code}"


FIELD_CODES = [
    "kpt",
    "sid",
    "aid",
    "anm",
    "arl",
    "aaf",
    "tpt",
    "mti",
    "msu",
    "mpt",
    "mpm",
    "mpx",
    "ask",
    "aqu",
    "rti",
    "rde",
    "rmi",
    "wti",
    "win",
    "eti",
    "ede",
    "tti",
    "tbo",
    "sct",
    "sbo",
    "sts",
    "spu",
    "sur",
    "alt",
    "img",
]
# an actor's id is a key and an image's file name is embedded away: neither is shown
RENDERED_CODES = [c for c in FIELD_CODES if c not in ("aid", "img")]


def event_year(rank: int) -> int:
    return 1951 + rank


def watch_year(rank: int) -> int:
    return 1961 + rank


def source_year(rank: int) -> int:
    return 1971 + rank


def level_marking(scheme: str, rank: int) -> str:
    """The marking written on the items of ``rank``: with a control on the second-highest level."""
    levels = SCHEMES[scheme][0]
    if rank == len(levels) - 2 and CONTROLS[scheme]:
        return f"{levels[rank]}//{CONTROLS[scheme][0]}"
    return levels[rank]


def canary_brief(scheme: str) -> dict[str, Any]:
    """A brief with one item of each kind at every level of ``scheme`` (the root, summary and trigger at the
    lowest); every text of an item at level r holds can(r, code)."""
    levels = SCHEMES[scheme][0]
    data: dict[str, Any] = {
        "title": "Canary brief",
        "date": "2025-11-28",
        "status": "final",
        "tags": ["harbour"],
        "summary": "The bottom line.",
        "key_points": [],
        "actors": [{"id": "base-actor", "name": "Base actor"}],
        "trigger": {"title": "What happened", "summary": "It happened.", "points": [], "actors": ["base-actor"]},
        "motivations": [],
        "asks": [],
        "risks": [],
        "watch_list": [],
        "historical_context": {"summary": "Some context.", "events": [], "themes": []},
        "sections": [],
        "sources": [],
    }
    lowest_points: list[Any] = []
    for rank in range(len(levels)):
        mark = level_marking(scheme, rank)

        def c(code: str, rank: int = rank) -> str:
            return can(rank, code)

        data["key_points"].append({"text": f"Point {c('kpt')} [@{c('sid')}]", "marking": mark})
        data["actors"].append(
            {"id": c("aid"), "name": f"Name {c('anm')}", "role": f"Role {c('arl')}",
             "affiliation": f"Aff {c('aaf')}", "marking": mark}
        )  # fmt: skip
        data["trigger"]["points"].append({"text": f"Trig {c('tpt')}", "marking": mark})
        data["motivations"].append(
            {"title": f"Mot {c('mti')}", "summary": f"Msum {c('msu')}",
             "points": [f"Mp {c('mpt')}", {"text": f"Mq {c('mpm')}", "marking": mark}],
             "actor": c("aid"), "marking": mark}
        )  # fmt: skip
        lowest_points.append({"text": f"Mx {c('mpx')}", "marking": mark})
        data["asks"].append(
            {"by": c("aid"), "of": "base-actor", "ask": f"Ask {c('ask')}", "quote": f"Quote {c('aqu')}",
             "sources": [c("sid")], "marking": mark}
        )  # fmt: skip
        data["risks"].append(
            {"title": f"Risk {c('rti')}", "description": f"Desc {c('rde')}", "likelihood": "likely",
             "impact": "major", "mitigation": f"Mit {c('rmi')}", "marking": mark}
        )  # fmt: skip
        data["watch_list"].append(
            {"title": f"Watch {c('wti')}", "indicator": f"Ind {c('win')}", "by": f"{watch_year(rank)}-05-06",
             "marking": mark}
        )  # fmt: skip
        data["historical_context"]["events"].append(
            {"date": f"{event_year(rank)}-03-14", "title": f"Ev {c('eti')}", "description": f"Evd {c('ede')}",
             "marking": mark}
        )  # fmt: skip
        data["historical_context"]["themes"].append(
            {"title": f"Th {c('tti')}", "body": f"Tb {c('tbo')}", "marking": mark}
        )
        data["sections"].append(
            {"title": f"Sec {c('sct')}", "body": f"Sb {c('sbo')} [@{c('sid')}]\n\n![Alt {c('alt')}]({c('img')}.png)",
             "marking": mark}
        )  # fmt: skip
        data["sources"].append(
            {"id": c("sid"), "title": f"Src {c('sts')}", "publisher": f"Pub {c('spu')}",
             "url": f"https://example.com/{c('sur')}", "date": f"{source_year(rank)}-07-08", "marking": mark}
        )  # fmt: skip
    data["motivations"][0]["points"] += lowest_points[1:]  # marked points above their motivation's level
    return data


def canary_images(scheme: str) -> dict[str, bytes]:
    return {f"{can(r, 'img')}.png": png((40 * r + 10, 200 - 30 * r, 77)) for r in range(len(SCHEMES[scheme][0]))}


def canaries_above(scheme: str, rank: int) -> set[str]:
    return {can(r, code) for r in range(rank + 1, len(SCHEMES[scheme][0])) for code in FIELD_CODES}


def canaries_upto(scheme: str, rank: int, codes: Iterable[str] = RENDERED_CODES) -> set[str]:
    return {can(r, code) for r in range(rank + 1) for code in codes if (r, code) != (0, "mpx")}


# --- every view of an output file


def _stripped(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010\u2011\-]+", "", text)


def _xml_text(xml: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", xml))


def pdf_views(data: bytes) -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.pdf"
        path.write_bytes(data)
        expanded = pdf_bytes_expanded(path)
        yield "bytes", expanded.decode("latin-1")
        tokens = re.finditer(rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]+>)", expanded, re.S)
        strings = []
        for m in tokens:
            try:
                strings.append(pdf_string(re.sub(rb"\s", b"", m.group(1)) if m.group(1)[:1] == b"<" else m.group(1)))
            except (ValueError, UnicodeDecodeError):
                continue
        yield "strings", "\n".join(strings)
        yield "pdftotext", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                          capture_output=True, text=True, check=True, timeout=120).stdout  # fmt: skip
        reader = pypdf.PdfReader(path)
        yield "metadata", json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})
        xmp = reader.xmp_metadata
        if xmp is not None:
            yield "xmp", xmp.stream.get_data().decode("utf-8", "replace")

        def titles(outline: Any) -> Iterator[str]:
            for item in outline:
                if isinstance(item, list):
                    yield from titles(item)
                else:
                    yield str(item.title)

        yield "outline", "\n".join(titles(reader.outline))
        yield "pypdf-text", "\n".join(page.extract_text() or "" for page in reader.pages)


def views(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    """(what, text) for every way of reading one output file."""
    yield "name", name
    if name.endswith(".pdf"):
        yield from pdf_views(data)
        return
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for part in package.namelist():
                text = package.read(part).decode("utf-8", "replace")
                yield f"{part}", part + "\n" + text
                yield f"{part} (text)", _xml_text(text)
        return
    text = data.decode("utf-8", "replace")
    yield "text", text
    yield "unescaped", html.unescape(urllib.parse.unquote(text))


def found_in(files: dict[str, bytes], words: set[str] | None = None) -> dict[str, set[str]]:
    """Every canary found in ``files`` (all of them, or only those of ``words``) -> where it was found."""
    out: dict[str, set[str]] = {}
    for name, data in files.items():
        for what, text in views(name, data):
            low = text.lower()
            for candidate in (low, _stripped(low)):
                for word in set(CANARY.findall(candidate)):
                    if words is None or word in words:
                        out.setdefault(word, set()).add(f"{name} [{what}]")
    return out


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by its path relative to it."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page_text(files: dict[str, bytes]) -> str:
    """The readable text of the HTML and Markdown outputs (for dates and banners)."""
    parts = []
    for name, data in files.items():
        text = data.decode("utf-8", "replace") if name.endswith((".html", ".md")) else ""
        if name.endswith(".html"):
            text = re.sub(r"<style.*?</style>", "", text, flags=re.S)
        parts.append(html.unescape(text))
        if name.endswith(".docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                parts += [_xml_text(package.read(p).decode("utf-8", "replace")) for p in package.namelist()
                          if p.endswith(".xml")]  # fmt: skip
    return "\n".join(parts)


def assert_no_leak(files: dict[str, bytes], forbidden: set[str], context: str) -> None:
    leaks = found_in(files, forbidden)
    assert not leaks, f"{context}: canaries of removed portions in the output: {sorted(leaks.items())[:10]}"


# --- rendering in-process


def project_for(scheme: str, out: Path, release: str | None, formats: tuple[str, ...] = ("md", "html", "docx")) -> Any:
    return settings(Config(marking=marking_config(scheme)), formats=formats, out_dir=out, release=release)


def render(
    path: Path, scheme: str, release: str | None, formats: tuple[str, ...] = ("md", "html", "docx")
) -> tuple[Valid, dict[str, bytes]]:
    project = project_for(scheme, path.parent / "out", release, formats)
    valid = Checker(project).check(path)
    files, _ = make_outputs(valid, project)
    return valid, files


def write_canary_project(
    root: Path, scheme: str, releases: Iterable[str] = (), data: dict[str, Any] | None = None
) -> Path:
    brief = data or canary_brief(scheme)
    write_tree(root, {"briefgen.toml": toml_for(scheme, releases), "briefs/canary.yaml": to_yaml(brief) + "\n"})
    write_tree(root / "briefs", dict(canary_images(scheme)))
    return root / "briefs" / "canary.yaml"


# ================================================================================================ test 1


def check_release_folder(
    folder: Path, scheme: str, rank: int, *, full: dict[str, bytes] | None = None
) -> dict[str, bytes]:
    """Everything in one release folder: no canary, date, image, banner or control of a higher level; the
    canaries of the levels kept are there."""
    levels, banners = SCHEMES[scheme]
    files = folder_files(folder)
    assert {"index.html", "manifest.json", "canary.html", "canary.md"} <= set(files), sorted(files)
    assert_no_leak(files, canaries_above(scheme, rank), f"release {levels[rank]}")
    shown = found_in({k: v for k, v in files.items() if k.endswith((".html", ".md"))})
    expected = canaries_upto(scheme, rank)
    if full is not None:  # what the full edition shows of the kept levels, the release shows too
        expected &= set(found_in({k: v for k, v in full.items() if k.endswith((".html", ".md"))}))
    assert expected and expected <= set(shown), (
        f"release {levels[rank]} lost kept canaries: {sorted(expected - set(shown))[:10]}"
    )
    text = page_text(files)
    for r in range(rank + 1, len(levels)):
        for year in (event_year(r), watch_year(r), source_year(r)):
            # a date as written (ISO) or shown (14 Mar 1952); a timeline's axis ticks ("Jan 1952") may be near
            assert not re.search(rf"{year}-0[357]-|\b\d{{1,2}} (?:Mar|May|July) {year}\b", text), (levels[rank], year)
        higher = canary_images(scheme)[f"{can(r, 'img')}.png"]
        for name, data in files.items():
            assert higher not in data and base64.b64encode(higher) not in data, (name, r)
            if name.endswith(".docx"):
                with zipfile.ZipFile(io.BytesIO(data)) as package:
                    assert all(package.read(p) != higher for p in package.namelist()), (name, r)
        banner = banners[r]
        if not any(banner in banners[k] for k in range(rank + 1)):
            assert not re.search(rf"(?<![\w:+-]){re.escape(banner)}(?![\w+-])", text), (levels[rank], banner)
    for year in (event_year(rank), source_year(rank)):  # the dates of the level released are there
        assert re.search(rf"\b\d{{1,2}} (?:Mar|July) {year}\b", text), (levels[rank], year)
    if rank < len(levels) - 2:  # the control is on the second-highest level only
        for control in CONTROLS[scheme]:
            assert control not in text, (levels[rank], control)
    manifest = json.loads(files["manifest.json"])
    assert sorted(n for e in manifest["briefs"] for n in e["outputs"]) == sorted(
        n for n in files if n.startswith("canary.")
    )
    return files


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_every_release_of_every_scheme_leaks_no_canary(scheme: str, project: Path, run: Run) -> None:
    levels = SCHEMES[scheme][0]
    pdf_rank = 0 if scheme in ("us", "uk") else 1
    write_canary_project(project, scheme, releases=levels)
    # one release with every format through the CLI: PDF, DOCX, HTML, Markdown, index and manifest
    level = levels[pdf_rank]
    result = run("build", "--release", level, "--format", "md,html,pdf,docx", "-j", "1")
    assert result.exit_code == 0, result.stdout + result.stderr
    folder = project / "output" / f"release-{re.sub(r'[^a-z0-9]+', '-', level.lower()).strip('-')}"
    files = check_release_folder(folder, scheme, pdf_rank)
    assert {"canary.pdf", "canary.docx"} <= set(files)
    printed = result.stdout + result.stderr
    assert not set(CANARY.findall(printed.lower())) & canaries_above(scheme, pdf_rank), printed
    pdf = dict(pdf_views(files["canary.pdf"]))
    pdf_text = _stripped(pdf["pdftotext"].lower())
    assert '"/Title": "Canary brief"' in pdf["metadata"] and "xmp" in pdf, pdf["metadata"]
    outline = set(CANARY.findall(pdf["outline"]))
    assert canaries_upto(scheme, pdf_rank, ("sct",)) <= outline, pdf["outline"]  # the outline view reads titles
    kept = canaries_upto(scheme, pdf_rank, ("kpt", "anm", "sct", "sbo", "rti", "eti", "tbo"))
    assert kept <= set(CANARY.findall(pdf_text)), sorted(kept - set(CANARY.findall(pdf_text)))  # pdftotext reads them
    # then the full edition and every release (marking.releases), Markdown, HTML and Word
    result = run("build", "--format", "md,html,docx", "-j", "1")
    assert result.exit_code == 0, result.stdout + result.stderr
    full = {k: v for k, v in folder_files(project / "output").items() if "/" not in k}
    assert canaries_upto(scheme, len(levels) - 1) <= set(found_in(full)), "the full edition lost canaries"
    for rank, level in enumerate(levels):
        folder = project / "output" / f"release-{re.sub(r'[^a-z0-9]+', '-', level.lower()).strip('-')}"
        check_release_folder(folder, scheme, rank, full=full)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_in_process_releases_match_the_model(scheme: str, tmp_path: Path) -> None:
    """Every level, md/html/docx rendered in-process: the portion marks shown are those of the kept levels."""
    levels, _ = SCHEMES[scheme]
    path = write_canary_project(tmp_path, scheme)
    scheme_obj = marking_config(scheme).resolved()
    for rank, level in enumerate(levels):
        valid, files = render(path, scheme, level)
        assert_no_leak(files, canaries_above(scheme, rank), level)
        marks = {
            html.unescape(m) for m in re.findall(r'<span class="pm">([^<]*)</span>', files["canary.html"].decode())
        }
        assert valid.portions is not None and marks, level
        controls = {c for m in valid.portions.marks.values() for c in m.controls}
        for mark in marks:  # a portion's own mark, or a figure's (the highest of what it shows)
            parsed = scheme_obj.parse(mark)
            assert parsed.rank <= rank and set(parsed.controls) <= controls, (level, mark)
        assert {scheme_obj.portion(m) for m in valid.portions.marks.values()} <= marks, level


# ================================================================================================ test 2


def cross_reference_brief() -> tuple[dict[str, Any], str]:
    """The us canary brief plus one U ask by the S actor."""
    data = canary_brief("us")
    data["asks"].append({"by": can(3, "aid"), "of": "base-actor", "ask": "A public ask.", "marking": "U"})
    return data, can(3, "aid")


def line_col_of(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def test_a_u_ask_by_an_s_actor_fails_the_u_release_at_the_ask(project: Path, run: Run) -> None:
    data, actor = cross_reference_brief()
    path = write_canary_project(project, "us", data=data)
    text = path.read_text()
    line, col = line_col_of(text, f'by: "{actor}"', nth=1)  # the first is the S ask's own
    col += len("by: ")
    result = run("build", "--release", "U", "--format", "md,html", "-j", "1")
    assert result.exit_code == 1
    wanted = f"briefs/canary.yaml:{line}:{col}: asks[{len(data['asks']) - 1}].by:"
    assert wanted in result.stderr, result.stderr
    assert not (project / "output" / "release-u" / "canary.html").exists()
    # the S release has it, and so does the full edition
    assert run("build", "--release", "S", "--format", "md", "-j", "1").exit_code == 0


def test_a_u_key_point_citing_an_s_source_fails_at_the_citation(project: Path, run: Run) -> None:
    data = canary_brief("us")
    source = can(3, "sid")
    data["key_points"].append({"text": f"A public point, cited [@{source}].", "marking": "U"})
    path = write_canary_project(project, "us", data=data)
    text = path.read_text()
    line, col = line_col_of(text, f"[@{source}]", nth=1)  # the S key point cites it first
    result = run("build", "--release", "U", "--format", "md", "-j", "1")
    assert result.exit_code == 1
    located = re.findall(
        rf"briefs/canary\.yaml:{line}:(\d+): key_points\[{len(data['key_points']) - 1}\]\.text:", result.stderr
    )
    assert located and int(located[0]) in (col, col + 1), (line, col, result.stderr)  # at "[@" or at "@"


LEAK_IDS = (
    "LEAK: a cross-reference error of a release quotes the removed actor's or source's id (an S canary) in the "
    "CLI output and in the release's own manifest.json (errors), which is published with the release"
)


@pytest.mark.parametrize("kind", ["ask-by", "citation"])
def test_a_cross_reference_error_quotes_no_s_canary(kind: str, project: Path, run: Run) -> None:
    if kind == "ask-by":
        data, _ = cross_reference_brief()
    else:
        data = canary_brief("us")
        data["key_points"].append({"text": f"A public point [@{can(3, 'sid')}].", "marking": "U"})
    write_canary_project(project, "us", data=data)
    result = run("build", "--release", "U", "--format", "md", "-j", "1")
    assert result.exit_code == 1
    printed = (result.stdout + result.stderr).lower()
    manifest = (project / "output" / "release-u" / "manifest.json").read_text().lower()
    leaks = (set(CANARY.findall(printed)) | set(CANARY.findall(manifest))) & canaries_above("us", 0)
    assert not leaks, leaks


# ================================================================================================ test 3


@dataclass
class Item:
    """One generated portion: its list, its own marking (a rank or None), its canary, where it sits."""

    kind: str
    loc: tuple[str | int, ...]
    rank: int | None
    canary: str
    parent: Item | None = None
    control: bool = False
    ident: str = ""  # an actor's or a source's id: a canary of its own, the word a reference writes
    refs: list[tuple[str, int, tuple[str | int, ...], bool]] = field(default_factory=list)  # kind, index, where, cite


def _canary(n: int) -> str:
    word = ""
    for _ in range(4):
        n, rest = divmod(n, 26)
        word += LETTERS[rest]
    return "zqxc" + word


@st.composite
def random_brief(draw: st.DrawFn) -> tuple[dict[str, Any], list[Item], int | None]:
    """A brief of the us scheme with random markings on random items, references between them, and the
    list of its portions (in the order of the data)."""
    levels = SCHEMES["us"][0]
    ranks = st.one_of(st.none(), st.integers(0, len(levels) - 1))
    counter = iter(range(1, 26**4))
    items: list[Item] = []

    # the summary and the trigger are needed by every release: mostly low, so that most releases render
    low = st.one_of(st.none(), st.none(), st.just(0), st.integers(0, len(levels) - 1))

    def item(kind: str, loc: tuple[str | int, ...], parent: Item | None = None) -> Item:
        rank = draw(low if kind in ("summary", "trigger") else ranks)
        it = Item(kind, loc, rank, _canary(next(counter)), parent, control=draw(st.booleans()))
        items.append(it)
        return it

    def marking(it: Item) -> dict[str, str]:
        if it.rank is None:
            return {}
        return {"marking": levels[it.rank] + ("//NOFORN" if it.control else "")}

    root_rank = draw(st.one_of(st.none(), st.none(), st.none(), st.none(), st.integers(0, len(levels) - 1)))
    n_actors, n_sources = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    actors = [item("actors", ("actors", i)) for i in range(n_actors)]
    sources = [item("sources", ("sources", i)) for i in range(n_sources)]
    for it in (*actors, *sources):
        it.ident = _canary(next(counter))

    def cite(it: Item, where: tuple[str | int, ...]) -> str:
        if not sources or not draw(st.booleans()):
            return ""
        k = draw(st.integers(0, n_sources - 1))
        it.refs.append(("sources", k, where, True))
        return f" [@{sources[k].ident}]"

    data: dict[str, Any] = {"title": "Random brief", "date": "2025-11-28", "status": "final"}
    if root_rank is not None:
        data["marking"] = levels[root_rank]
    summary = item("summary", ("summary",))
    text = f"Sum {summary.canary}" + cite(summary, ("summary", "text") if summary.rank is not None else ("summary",))
    data["summary"] = {"text": text, **marking(summary)} if summary.rank is not None else text
    kps = []
    for i in range(draw(st.integers(0, 3))):
        it = item("key_points", ("key_points", i))
        kps.append({"text": f"Kp {it.canary}" + cite(it, ("key_points", i, "text")), **marking(it)})
    data["key_points"] = kps
    data["actors"] = [
        {"id": a.ident, "name": f"Name {a.canary}", "role": f"Role {a.canary}", **marking(a)} for a in actors
    ]
    trig = item("trigger", ("trigger",))
    trigger: dict[str, Any] = {
        "title": f"Trig {trig.canary}",
        "summary": f"Ts {trig.canary}" + cite(trig, ("trigger", "summary")),
    }
    trigger.update(marking(trig))
    points = []
    for j in range(draw(st.integers(0, 2))):
        p = item("trigger.points", ("trigger", "points", j), trig)
        body = f"Tp {p.canary}" + cite(p, ("trigger", "points", j, "text"))
        points.append({"text": body, **marking(p)})
    trigger["points"] = points
    if actors:
        chosen = draw(st.lists(st.integers(0, n_actors - 1), max_size=2, unique=True))
        trigger["actors"] = [actors[k].ident for k in chosen]
        trig.refs += [("actors", k, ("trigger", "actors", j), False) for j, k in enumerate(chosen)]
    data["trigger"] = trigger
    motivations = []
    for i in range(draw(st.integers(0, 2))):
        m = item("motivations", ("motivations", i))
        mot: dict[str, Any] = {
            "title": f"Mot {m.canary}",
            "summary": f"Ms {m.canary}" + cite(m, ("motivations", i, "summary")),
        }
        mpoints = []
        for j in range(draw(st.integers(0, 2))):
            p = item("motivations.points", ("motivations", i, "points", j), m)
            mpoints.append({"text": f"Mp {p.canary}" + cite(p, ("motivations", i, "points", j, "text")), **marking(p)})
        mot["points"] = mpoints
        named: bool = draw(st.booleans())
        if actors and named:
            k = draw(st.integers(0, n_actors - 1))
            mot["actor"] = actors[k].ident
            m.refs.append(("actors", k, ("motivations", i, "actor"), False))
        mot.update(marking(m))
        motivations.append(mot)
    data["motivations"] = motivations
    asks = []
    for i in range(draw(st.integers(0, 2)) if actors else 0):
        a = item("asks", ("asks", i))
        by, of = draw(st.integers(0, n_actors - 1)), draw(st.integers(0, n_actors - 1))
        ask: dict[str, Any] = {
            "by": actors[by].ident,
            "of": actors[of].ident,
            "ask": f"Ask {a.canary}" + cite(a, ("asks", i, "ask")),
        }
        a.refs += [("actors", by, ("asks", i, "by"), False), ("actors", of, ("asks", i, "of"), False)]
        with_source: bool = draw(st.booleans())
        if sources and with_source:
            k = draw(st.integers(0, n_sources - 1))
            ask["sources"] = [sources[k].ident]
            a.refs.append(("sources", k, ("asks", i, "sources", 0), False))
        ask.update(marking(a))
        asks.append(ask)
    data["asks"] = asks
    data["risks"] = []
    for i in range(draw(st.integers(0, 2))):
        r = item("risks", ("risks", i))
        data["risks"].append(
            {"title": f"Risk {r.canary}", "likelihood": draw(st.sampled_from(["rare", "likely"])),
             "impact": draw(st.sampled_from(["minor", "severe"])), "mitigation": f"Mit {r.canary}", **marking(r)}
        )  # fmt: skip
    data["watch_list"] = []
    for i in range(draw(st.integers(0, 2))):
        w = item("watch_list", ("watch_list", i))
        data["watch_list"].append({"title": f"Watch {w.canary}", "indicator": f"Ind {w.canary}", **marking(w)})
    if draw(st.booleans()):
        hc = item("historical_context", ("historical_context",))
        context: dict[str, Any] = {"summary": f"Hc {hc.canary}", "events": [], "themes": []}
        for j in range(draw(st.integers(0, 2))):
            e = item("events", ("historical_context", "events", j), hc)
            context["events"].append({"date": f"20{10 + j}", "title": f"Ev {e.canary}", **marking(e)})
        for j in range(draw(st.integers(0, 2))):
            t = item("themes", ("historical_context", "themes", j), hc)
            body = f"Th {t.canary}" + cite(t, ("historical_context", "themes", j, "body"))
            context["themes"].append({"title": f"Tt {t.canary}", "body": body, **marking(t)})
        context.update(marking(hc))
        data["historical_context"] = context
    data["sections"] = []
    for i in range(draw(st.integers(0, 2))):
        s = item("sections", ("sections", i))
        body = f"Sb {s.canary}" + cite(s, ("sections", i, "body"))
        data["sections"].append({"title": f"Sec {s.canary}", "body": body, **marking(s)})
    data["sources"] = [
        {"id": s.ident, "title": f"Src {s.canary}", "publisher": f"Pub {s.canary}", **marking(s)} for s in sources
    ]
    return data, items, root_rank


@dataclass
class Expected:
    withheld: bool
    errors: set[str]  # dotted paths
    kept: list[Item]
    removed: list[Item]
    kept_actors: list[int]
    kept_sources: list[int]


def dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def expect(items: list[Item], root_rank: int | None, level: int) -> Expected:
    """The oracle: which portions a release at ``level`` keeps, and which references it refuses."""
    root = root_rank or 0
    if root > level:
        return Expected(True, set(), [], items, [], [])

    def effective(it: Item) -> int:
        if it.rank is not None:
            return it.rank
        return effective(it.parent) if it.parent else root

    def kept(it: Item) -> bool:
        return effective(it) <= level and (it.parent is None or kept(it.parent))

    errors = {f"{it.kind}.marking" for it in items if it.kind in ("summary", "trigger") and not kept(it)}
    by_kind = {k: [it for it in items if it.kind == k] for k in ("actors", "sources")}
    referenced = {("actors", i): False for i in range(len(by_kind["actors"]))}
    referenced |= {("sources", i): False for i in range(len(by_kind["sources"]))}
    still = dict(referenced)
    for it in items:
        for kind, k, where, _ in it.refs:
            referenced[(kind, k)] = True
            if kept(it):
                still[(kind, k)] = True
                if not kept(by_kind[kind][k]):
                    errors.add(dotted(where))
    keep_ref = {key for key in referenced if still[key] or not referenced[key]}
    kept_actors = [i for i, a in enumerate(by_kind["actors"]) if kept(a) and ("actors", i) in keep_ref]
    kept_sources = [i for i, s in enumerate(by_kind["sources"]) if kept(s) and ("sources", i) in keep_ref]
    keep = [
        it for it in items
        if kept(it) and not (it.kind == "actors" and it.loc[1] not in kept_actors)
        and not (it.kind == "sources" and it.loc[1] not in kept_sources)
    ]  # fmt: skip
    return Expected(False, errors, keep, [it for it in items if it not in keep], kept_actors, kept_sources)


@hsettings(
    max_examples=int(os.environ.get("CANARY_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(random_brief())
def test_random_markings_leak_nothing_at_any_level(case: tuple[dict[str, Any], list[Item], int | None]) -> None:
    data, items, root_rank = case
    levels = SCHEMES["us"][0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.yaml"
        text = to_yaml(drop_empty(data)) + "\n"
        path.write_text(text, encoding="utf-8")
        lines = text.splitlines()
        for rank, level in enumerate(levels):
            want = expect(items, root_rank, rank)
            forbidden = {it.canary for it in want.removed} | {it.ident for it in want.removed if it.ident}
            try:
                valid, files = render(path, "us", level)
            except Withheld:
                assert want.withheld, level
                event("withheld")
                continue
            except BriefgenError as exc:
                assert want.errors, (level, [str(p) for p in exc.problems])
                event("refused: " + ", ".join(sorted({re.sub(r"\[\d+\]", "[]", w) for w in want.errors})))
                assert {p.where for p in exc.problems} == want.errors, (level, [str(p) for p in exc.problems])
                for problem in exc.problems:
                    assert 1 <= problem.line <= len(lines), str(problem)
                    shown = set(CANARY.findall(str(problem).lower())) & forbidden
                    assert not shown, (str(problem), shown)  # not even the id the kept reference names
                    if problem.where.endswith(("by", "of", "actor")) or "actors[" in problem.where:
                        assert CANARY.search(lines[problem.line - 1]), (str(problem), lines[problem.line - 1])
                    elif "source '" in problem.message and "sources[" not in problem.where:  # a citation
                        ref = re.search(r"'(zqxc[a-z]{4})'", problem.message)
                        at = lines[problem.line - 1][problem.col - 1 :]
                        assert ref and at.startswith((f"@{ref.group(1)}", f"[@{ref.group(1)}")), (str(problem), at)
                continue
            assert not want.withheld and not want.errors, (level, want.errors)
            event(
                f"rendered, {len(want.removed)} portions removed" if len(want.removed) < 3 else "rendered, 3+ removed"
            )
            assert_no_leak(files, forbidden, f"release {level}")
            page = files["random.html"].decode()
            shown = set(CANARY.findall(page))
            assert {it.canary for it in want.kept} <= shown, (level, {it.canary for it in want.kept} - shown)
            check_numbering(page, [items_of(items, "sources")[i].ident for i in want.kept_sources], level)
            actor_names = [name.removeprefix("Name ") for name in actor_rows(page)]
            assert sorted(actor_names) == sorted(items_of(items, "actors")[i].canary for i in want.kept_actors)
            assert valid.portions is not None
            banner = valid.portions.scheme.banner(valid.portions.banner_marking())
            assert f'<p class="marking marking-top">{html.escape(banner)}</p>' in page
            assert valid.portions.banner_marking().rank <= rank


def drop_empty(value: Any) -> Any:
    """The data without empty lists (to_yaml writes [] as an empty value, which the schema refuses)."""
    if isinstance(value, dict):
        return {k: drop_empty(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [drop_empty(v) for v in value]
    return value


def actor_rows(page: str) -> list[str]:
    """The names in the actors table (a row of a name and two cells: role, affiliation)."""
    row = r'<tr><th scope="row">(?:<span class="pm">[^<]*</span> )?([^<]+)</th><td data-label="Role">.*?</td>'
    return re.findall(row, page)


def items_of(items: list[Item], kind: str) -> list[Item]:
    return [it for it in items if it.kind == kind]


def check_numbering(page: str, sources: list[str], level: str) -> None:
    """The Sources list holds exactly ``sources``, numbered 1..n; every citation's number is one of them."""
    listed = re.findall(r'<li id="source-(zqxc[a-z]{4})" value="(\d+)">', page)
    assert sorted(s for s, _ in listed) == sorted(sources), (level, listed, sources)
    assert [int(n) for _, n in listed] == list(range(1, len(listed) + 1)), (level, listed)
    cited = {int(n) for n in re.findall(r'class="cite-ref"[^>]*>\[(\d+)\]', page)}
    cited |= {int(n) for n in re.findall(r'href="#source-zqxc[a-z]{4}"[^>]*>\[?(\d+)', page)}
    assert cited <= set(range(1, len(listed) + 1)), (level, cited)
    if cited:
        assert cited == set(range(1, max(cited) + 1)), (level, cited)


# ================================================================================================ test 4


def banner_brief(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Banner brief",
        "date": "2025-11-28",
        "status": "final",
        "summary": "The bottom line.",
        "trigger": {"title": "What happened", "summary": "It happened."},
        "key_points": [{"text": "A confidential point.", "marking": "C//NOFORN"}, {"text": "A public point."}],
        "risks": [{"title": "A secret risk", "likelihood": "likely", "impact": "major", "marking": "S"}],
        **extra,
    }


def banners_of(files: dict[str, bytes], stem: str) -> tuple[list[str], str, list[str]]:
    page = files[f"{stem}.html"].decode()
    shown = re.findall(r'<p class="marking marking-(?:top|bottom)">([^<]*)</p>', page)
    md = re.findall(r"^\*\*([^*]+)\*\*", files[f"{stem}.md"].decode(), re.M)[0]
    with zipfile.ZipFile(io.BytesIO(files[f"{stem}.docx"])) as package:
        heads = [
            _xml_text(package.read(p).decode())
            for p in package.namelist()
            if re.match(r"word/(header|footer)\d*\.xml", p)
        ]
    return [html.unescape(s) for s in shown], md.replace("\\", ""), heads


def test_the_banner_is_the_highest_level_plus_every_control(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(to_yaml(banner_brief()) + "\n")
    _, files = render(path, "us", None)
    page, md, heads = banners_of(files, "b")
    assert page == ["SECRET//NOFORN", "SECRET//NOFORN"] and md == "SECRET//NOFORN", (page, md)
    assert heads and all("SECRET//NOFORN" in h for h in heads), heads
    html_text = files["b.html"].decode()
    assert '<span class="pm">(C//NOFORN)</span> A confidential' in html_text  # its last word is kept whole in a span
    assert "(C//NOFORN) A confidential point." in re.sub(r"<[^>]+>", "", html_text)
    assert "(S)" in html_text and "(U)" in html_text
    assert "(C//NOFORN) A confidential point." in files["b.md"].decode()
    with zipfile.ZipFile(io.BytesIO(files["b.docx"])) as package:
        assert "(C//NOFORN)" in _xml_text(package.read("word/document.xml").decode())
    # the C release: the S risk is gone and the banner is computed from what is left
    _, files = render(path, "us", "C")
    page, md, heads = banners_of(files, "b")
    assert page == ["CONFIDENTIAL//NOFORN"] * 2 and md == "CONFIDENTIAL//NOFORN", (page, md)
    assert all("CONFIDENTIAL//NOFORN" in h and "SECRET" not in h for h in heads)
    assert "SECRET" not in page_text(files) and "A secret risk" not in page_text(files)
    # the U release: no control either
    _, files = render(path, "us", "U")
    page, md, heads = banners_of(files, "b")
    assert page == ["UNCLASSIFIED"] * 2 and md == "UNCLASSIFIED"
    assert "NOFORN" not in page_text(files) and "CONFIDENTIAL" not in page_text(files)


def test_a_classification_below_the_portions_is_an_error_at_its_line(tmp_path: Path) -> None:
    data = banner_brief(classification="CONFIDENTIAL//NOFORN")
    path = tmp_path / "b.yaml"
    text = to_yaml(data) + "\n"
    path.write_text(text)
    with pytest.raises(BriefgenError) as caught:
        render(path, "us", None)
    line, _ = line_col_of(text, "classification:")
    located = [p for p in caught.value.problems if p.where == "classification"]
    assert located and located[0].line == line, [str(p) for p in caught.value.problems]
    assert "SECRET" in located[0].message
    # the same classification is right for the C release (the classification is recomputed there)
    _, files = render(path, "us", "C")
    assert banners_of(files, "b")[1] == "CONFIDENTIAL//NOFORN"


# ================================================================================================ test 5


def test_a_release_renumbers_citations_and_drops_what_only_removed_portions_used(tmp_path: Path) -> None:
    data = {
        "title": "Numbering brief",
        "date": "2025-11-28",
        "status": "final",
        "summary": "Bottom line [@pub-one].",
        "key_points": [
            {"text": "Secret point [@zqxcsecr] and [@zqxconly].", "marking": "S"},
            {"text": "Public point [@pub-two]."},
        ],
        "actors": [
            {"id": "pub-actor", "name": "Public actor"},
            {"id": "zqxcuact", "name": "Name zqxcuacn"},  # unmarked: only a removed ask names it
            {"id": "zqxcsact", "name": "Name zqxcsacn", "marking": "S"},
        ],
        "trigger": {"title": "What happened", "summary": "It happened [@pub-two].", "actors": ["pub-actor"]},
        "asks": [
            {"by": "zqxcsact", "of": "zqxcuact", "ask": "Secret ask", "marking": "S"},
            {"by": "pub-actor", "of": "pub-actor", "ask": "Public ask [@pub-three]."},
        ],
        "sections": [{"title": "Body", "body": "See [@pub-three]."}],
        "sources": [
            {"id": "zqxcsecr", "title": "Secret zqxcsect", "marking": "S"},
            {"id": "pub-one", "title": "Public one"},
            {"id": "zqxconly", "title": "Only zqxconlt"},  # unmarked, cited only by the S point
            {"id": "pub-two", "title": "Public two"},
            {"id": "pub-three", "title": "Public three"},
        ],
    }
    path = tmp_path / "n.yaml"
    path.write_text(to_yaml(data) + "\n")
    _, full = render(path, "us", None)
    assert re.findall(r'<li id="source-([a-z-]+)"', full["n.html"].decode()) == [
        "pub-one", "zqxcsecr", "zqxconly", "pub-two", "pub-three"
    ]  # fmt: skip
    _, files = render(path, "us", "U")
    assert_no_leak(
        files, {"zqxcsecr", "zqxconly", "zqxcsect", "zqxconlt", "zqxcuact", "zqxcuacn", "zqxcsact", "zqxcsacn"}, "U"
    )
    page = files["n.html"].decode()
    assert re.findall(r'<li id="source-([a-z-]+)" value="(\d+)"', page) == [
        ("pub-one", "1"), ("pub-two", "2"), ("pub-three", "3")
    ]  # fmt: skip
    md = files["n.md"].decode()
    assert re.findall(r"^(\d+)\. .*Public (one|two|three)", md, re.M) == [("1", "one"), ("2", "two"), ("3", "three")]
    assert actor_rows(page) == ["Public actor"]


# ================================================================================================ tests 6 and 7


def two_brief_project(root: Path, secret_root: str = "S") -> None:
    write_tree(root, {
        "briefgen.toml": toml_for("us", ["U"]),
        "briefs/open-brief.yaml": to_yaml(banner_brief(title="Open harbour brief")) + "\n",
        "briefs/zqxcwith.yaml": to_yaml({**banner_brief(title="Withheld zqxcwitl"), "id": "zqxcwiid",
                                         "marking": secret_root, "tags": ["zqxcwtag"]}) + "\n",
    })  # fmt: skip


WITHHELD = {"zqxcwith", "zqxcwitl", "zqxcwiid", "zqxcwtag"}


def test_a_brief_marked_above_the_release_is_nowhere_in_it(project: Path, run: Run) -> None:
    two_brief_project(project)
    result = run("build", "--release", "U", "--format", "md,html", "-j", "1", "-v")
    assert result.exit_code == 0, result.stderr
    printed = (result.stdout + result.stderr).lower()
    assert not set(CANARY.findall(printed)) & WITHHELD, printed
    folder = project / "output" / "release-u"
    files = folder_files(folder)
    assert sorted(files) == ["index.html", "manifest.json", "open-brief.html", "open-brief.md"]
    assert_no_leak(files, WITHHELD, "release U")
    manifest = json.loads(files["manifest.json"])
    assert [e["id"] for e in manifest["briefs"]] == ["open-brief"]
    assert "1 brief," in files["index.html"].decode()
    # the full edition has it (the test can fail)
    result = run("build", "--format", "md,html", "-j", "1")
    assert result.exit_code == 0
    assert (project / "output" / "zqxcwiid.html").exists()
    assert not set(CANARY.findall(folder_files(folder)["manifest.json"].decode())) & WITHHELD


def test_a_brief_raised_above_the_release_loses_its_old_release_outputs(project: Path, run: Run) -> None:
    two_brief_project(project, secret_root="U")
    assert run("build", "--release", "U", "--format", "md,html", "-j", "1").exit_code == 0
    folder = project / "output" / "release-u"
    assert (folder / "zqxcwiid.html").exists()
    two_brief_project(project, secret_root="C")
    result = run("build", "--release", "U", "--format", "md,html", "-j", "1")
    assert result.exit_code == 0, result.stderr
    files = folder_files(folder)
    assert sorted(files) == ["index.html", "manifest.json", "open-brief.html", "open-brief.md"]
    assert_no_leak(files, WITHHELD, "release U after raising")
    assert not set(CANARY.findall((result.stdout + result.stderr).lower())) & WITHHELD


LEAK_STALE = (
    "LEAK: when a portion is raised above the release and that makes the release fail (a kept ask now refers to "
    "a removed actor), the release folder keeps the old outputs, with the raised portion's text, marked stale"
)


def test_raising_a_portion_so_the_release_fails_leaves_none_of_it_in_the_release(project: Path, run: Run) -> None:
    def brief(actor_marking: str) -> dict[str, Any]:
        return {
            **banner_brief(title="Raised"),
            "actors": [
                {"id": "base", "name": "Base"},
                {"id": "zqxcract", "name": "Name zqxcrnam", "marking": actor_marking},
            ],
            "asks": [{"by": "zqxcract", "of": "base", "ask": "Public ask."}],
        }

    write_tree(project, {"briefgen.toml": toml_for("us", ["U"]), "briefs/raised.yaml": to_yaml(brief("U")) + "\n"})
    assert run("build", "--release", "U", "--format", "md,html", "-j", "1").exit_code == 0
    folder = project / "output" / "release-u"
    assert "zqxcrnam" in (folder / "raised.html").read_text()
    write_tree(project, {"briefs/raised.yaml": to_yaml(brief("S")) + "\n"})  # the actor is SECRET now
    assert run("build", "--release", "U", "--format", "md,html", "-j", "1").exit_code == 1
    assert_no_leak(folder_files(folder), {"zqxcrnam"}, "release U after the actor became S")


LEAK_HASH = (
    "LEAK (weak): a release's manifest.json records the SHA-256 of the full edition's source file "
    "(source_sha256), which lets anyone holding the release confirm a guess of the removed text"
)


def test_a_release_manifest_holds_no_hash_of_the_full_source(project: Path, run: Run) -> None:
    path = write_canary_project(project, "custom")
    assert run("build", "--release", "PUB", "--format", "md", "-j", "1").exit_code == 0
    manifest = (project / "output" / "release-pub" / "manifest.json").read_text()
    assert hashlib.sha256(path.read_bytes()).hexdigest() not in manifest


def test_a_withheld_image_is_no_input_of_a_release(project: Path, run: Run) -> None:
    """Its hash in the release's manifest would confirm a guess at the image; and it changes nothing there."""
    data = {
        "title": "Images",
        "date": "2025-11-28",
        "status": "final",
        "summary": "Public ![a map](public.png)",
        "trigger": {"title": "What happened", "summary": "It happened."},
        "sections": [
            {"title": "Public", "body": "Text."},
            {"title": "Secret", "body": "![the site](zqxcrimg.png)", "marking": "S"},
        ],
    }
    write_tree(project, {"briefgen.toml": toml_for("us", ["U"]), "briefs/img.yaml": to_yaml(data) + "\n"})
    (project / "briefs" / "public.png").write_bytes(png((1, 2, 3)))
    (project / "briefs" / "zqxcrimg.png").write_bytes(png((4, 5, 6)))
    assert run("build", "--release", "U", "--format", "md", "-j", "1").exit_code == 0
    manifest = project / "output" / "release-u" / "manifest.json"
    before = json.loads(manifest.read_text())["briefs"]
    (project / "briefs" / "zqxcrimg.png").write_bytes(png((7, 8, 9)))  # only the withheld image changes
    again = run("build", "--release", "U", "--format", "md", "-j", "1")
    assert again.exit_code == 0 and "unchanged 1" in again.stderr, again.stderr
    assert json.loads(manifest.read_text())["briefs"] == before
    (project / "briefs" / "public.png").write_bytes(png((9, 9, 9)))  # a released image still rebuilds it
    assert "built 1" in run("build", "--release", "U", "--format", "md", "-j", "1").stderr


def test_a_release_manifest_holds_no_hash_of_an_earlier_full_edition(project: Path, run: Run) -> None:
    """A release's inputs are what it shows of the editions: a change to a withheld portion of the previous
    edition leaves its manifest as it was (its hash there would confirm a guess at the portion), while a change
    the release tells rebuilds it."""

    def old(secret: str, public: str = "A public point.", actor: str = "Gone") -> str:
        data = {**banner_brief(date="2025-11-20", id="old"), "key_points": [{"text": public}]}
        data["actors"] = [{"id": "gone", "name": actor}]  # removed since: the box names it as it was
        data["risks"] = [{"title": f"Risk {secret}", "likelihood": "likely", "impact": "major", "marking": "S"}]
        return to_yaml(data) + "\n"

    new = {**banner_brief(id="new", previous="old.yaml"), "key_points": [{"text": "A public point, reworded."}]}
    write_tree(project, {"briefgen.toml": toml_for("us", ["U"]), "briefs/new.yaml": to_yaml(new) + "\n"})
    (project / "briefs" / "old.yaml").write_text(old("zqxcedaa"))

    def built() -> tuple[str, str]:
        result = run("build", "briefs/new.yaml", "--release", "U", "--format", "md", "-j", "1")
        assert result.exit_code == 0, result.stderr
        manifest = (project / "output" / "release-u" / "manifest.json").read_text()
        return manifest, result.stderr

    first, _ = built()
    assert "What has changed" in (project / "output" / "release-u" / "new.md").read_text()
    full = hashlib.sha256((project / "briefs" / "old.yaml").read_bytes()).hexdigest()
    assert full not in first
    (project / "briefs" / "old.yaml").write_text(old("zqxcedbb"))  # only its withheld risk changes
    again, said = built()
    assert "unchanged 1" in said, said
    assert json.loads(again)["briefs"] == json.loads(first)["briefs"]
    (project / "briefs" / "old.yaml").write_text(old("zqxcedbb", "Another public point."))  # the release tells this
    _, said = built()
    assert "built 1" in said, said
    (project / "briefs" / "old.yaml").write_text(old("zqxcedbb", "Another public point.", "Gone away"))
    _, said = built()
    assert "built 1" in said, said
    assert "Actor removed: *Gone away*" in (project / "output" / "release-u" / "new.md").read_text()


def test_render_release_writes_only_the_release(project: Path, run: Run) -> None:
    path = write_canary_project(project, "uk")
    out = project / "out-os"
    result = run(
        "render", str(path.relative_to(project)), "--release", "OS", "--format", "md,html,docx", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    files = folder_files(out)
    assert sorted(files) == ["canary.docx", "canary.html", "canary.md"]
    assert_no_leak(files, canaries_above("uk", 1), "render --release OS")
    assert not set(CANARY.findall((result.stdout + result.stderr).lower())) & canaries_above("uk", 1)
    shutil.rmtree(out)


LEAK_SHARDS = (
    "LEAK: a sharded release build (build --release U --shard K/N, then briefgen index) keeps the outputs and the "
    "index entry of a brief whose root marking was raised above the release"
)


def test_a_sharded_release_drops_a_brief_raised_above_it(project: Path, run: Run) -> None:
    two_brief_project(project, secret_root="U")

    def sharded() -> None:
        for k in ("1/2", "2/2"):
            assert run("build", "--release", "U", "--format", "md", "-j", "1", "--shard", k).exit_code == 0
        assert run("index", "--out", "output/release-u", "-q").exit_code == 0

    sharded()
    folder = project / "output" / "release-u"
    assert (folder / "zqxcwiid.md").exists()
    two_brief_project(project, secret_root="S")
    sharded()
    assert_no_leak(folder_files(folder), WITHHELD, "sharded release U after raising")


def test_a_sharded_release_drops_a_brief_that_no_longer_reads(project: Path, run: Run) -> None:
    """Unreadable, its marking is unknown: not in the release, and its old outputs go with it."""
    two_brief_project(project, secret_root="U")
    for k in ("1/2", "2/2"):
        assert run("build", "--release", "U", "--format", "md", "-j", "1", "--shard", k).exit_code == 0
    assert run("index", "--out", "output/release-u", "-q").exit_code == 0
    folder = project / "output" / "release-u"
    assert (folder / "zqxcwiid.md").exists()
    path = project / "briefs" / "zqxcwith.yaml"
    path.write_text(path.read_text().replace('marking: "U"', 'marking: "S"') + "broken: [unclosed\n")
    for k in ("1/2", "2/2"):
        run("build", "--release", "U", "--format", "md", "-j", "1", "--shard", k)
    run("index", "--out", "output/release-u", "-q")
    assert_no_leak(folder_files(folder), WITHHELD, "sharded release U after the brief broke")


LEAK_DIFF = (
    "LEAK: a release's 'What has changed' box (a brief naming `previous:`) quotes a portion the new edition "
    "marks above the release: raised from U to S, it is 'removed' from the U release, and named there"
)


def test_what_has_changed_in_a_release_names_no_portion_raised_above_it(project: Path, run: Run) -> None:
    def edition(marking: str, **extra: Any) -> dict[str, Any]:
        return {
            **banner_brief(title="Editions"),
            "key_points": [{"text": "A public point."}],
            "risks": [{"title": "Risk zqxcupgr", "likelihood": "likely", "impact": "major",
                       "mitigation": "Mitigate zqxcupmi.", "marking": marking}],
            "motivations": [{"title": "Motive",
                             "points": ["Open point.", {"text": "Point zqxcuppt.", "marking": marking}]}],
            **extra,
        }  # fmt: skip

    old = {**edition("U"), "date": "2025-11-20"}
    write_tree(project, {
        "briefgen.toml": toml_for("us"),
        "briefs/old.yaml": to_yaml(old) + "\n",
        "briefs/new.yaml": to_yaml(edition("S", previous="old.yaml")) + "\n",
    })  # fmt: skip
    result = run("render", "briefs/new.yaml", "--release", "U", "--format", "md,html,docx", "--out", "rel")
    assert result.exit_code == 0, result.stderr
    files = folder_files(project / "rel")
    assert "What has changed" in files["new.md"].decode()
    assert_no_leak(files, {"zqxcupgr", "zqxcupmi", "zqxcuppt"}, "release U of the new edition")


LEAK_CLASSIFICATION = (
    "LEAK: with a marking scheme, a brief whose written classification (or the project's) is SECRET but whose "
    "portions carry no marking is released whole at U, as UNCLASSIFIED"
)


@pytest.mark.parametrize("where", ["brief", "project"])
def test_a_brief_classified_secret_is_not_released_at_u(where: str, project: Path, run: Run) -> None:
    data = {**banner_brief(title="Old brief"), "key_points": [{"text": "Old secret point zqxcoldp."}], "risks": []}
    toml = toml_for("us")
    if where == "brief":
        data["classification"] = "SECRET"
    else:
        toml = 'classification = "SECRET"\n' + toml
    write_tree(project, {"briefgen.toml": toml, "briefs/old.yaml": to_yaml(drop_empty(data)) + "\n"})
    full = run("build", "--format", "md", "-j", "1")
    assert full.exit_code == 0, full.stderr  # the full edition is fine
    assert "zqxcoldp" in (project / "output" / "old.md").read_text()
    result = run("build", "--release", "U", "--format", "md", "-j", "1")
    folder = project / "output" / "release-u"
    assert result.exit_code == 1 or not (folder / "old.md").exists()


LEAK_TYPO = (
    "LEAK: a brief whose root marking is above the release, with a typo in one portion's marking, is named in "
    "the release build's output and recorded (file name, error) in the release's manifest.json"
)


def test_a_withheld_brief_with_a_bad_portion_marking_is_not_named_in_the_release(project: Path, run: Run) -> None:
    two_brief_project(project)
    broken = {**banner_brief(title="Withheld zqxcwitl"), "id": "zqxcwiid", "marking": "S", "tags": ["zqxcwtag"]}
    broken["risks"] = [{**broken["risks"][0], "marking": "S//NOFRON"}]  # a typo of NOFORN
    write_tree(project, {"briefs/zqxcwith.yaml": to_yaml(broken) + "\n"})
    result = run("build", "--release", "U", "--format", "md", "-j", "1")
    printed = (result.stdout + result.stderr).lower()
    folder = project / "output" / "release-u"
    leaks = set(CANARY.findall(printed)) & WITHHELD
    assert not leaks and result.exit_code == 0, printed
    assert_no_leak(folder_files(folder), WITHHELD, "release U")


LEAK_AMBIGUOUS = (
    "LEAK: a custom scheme whose levels share a name (a level's portion mark is another level's id) is accepted; "
    "`marking: S` then reads as the lowest level and the portion is released"
)


def test_an_ambiguous_custom_scheme_releases_nothing_marked_above(project: Path, run: Run) -> None:
    levels = '[{ id = "P", banner = "PUBLIC", portion = "S" }, { id = "S", banner = "SECRET", portion = "SC" }]'
    data = {**banner_brief(title="Ambiguous"), "key_points": [{"text": "Point zqxcambi.", "marking": "S"}]}
    del data["risks"]
    write_tree(project, {
        "briefgen.toml": f'[marking]\nscheme = "custom"\nlevels = {levels}\n',
        "briefs/amb.yaml": to_yaml(data) + "\n",
    })  # fmt: skip
    result = run("build", "--release", "P", "--format", "md", "-j", "1")
    released = project / "output" / "release-p" / "amb.md"
    assert result.exit_code != 0 or "zqxcambi" not in released.read_text()


def test_the_site_is_the_lowest_release(tmp_path: Path) -> None:
    project = settings(Config(marking=marking_config("us", ["S", "C", "U"])), out_dir=tmp_path / "output")
    assert project.published_dir == tmp_path / "output" / "release-u"


LEAK_PUBLISHED = (
    "LEAK: with a marking scheme but no `releases`, published_dir (what the workflow uploads to Pages) is the "
    "output folder, i.e. the full edition with every portion, contrary to its docstring"
)


def test_a_marked_project_without_releases_publishes_no_full_edition(tmp_path: Path) -> None:
    """Fail closed: with a marking scheme and no release, there is nothing the site may publish."""
    project = settings(Config(marking=marking_config("us")), out_dir=tmp_path / "output")
    with pytest.raises(BriefgenError, match="publishes a release edition, never the full one"):
        _ = project.published_dir
    released = settings(Config(marking=marking_config("us", releases=("C", "U"))), out_dir=tmp_path / "output")
    assert released.published_dir == tmp_path / "output" / "release-u"  # the lowest release, whatever the order


LEAK_FOLDER = (
    "LEAK: two levels whose ids differ only in punctuation (R and R+) get the same release folder (release-r): "
    "the higher release overwrites the lower one, and the site (the lowest release's folder) publishes it"
)


def test_two_releases_never_share_a_folder(project: Path, run: Run) -> None:
    """Levels whose release folders would be the same (R and R+: release-r) are refused before anything is built."""
    plus = (
        LevelConfig(id="R", banner="RESTRICTED", portion="R"),
        LevelConfig(id="R+", banner="RESTRICTED+", portion="R+"),
    )
    levels = ", ".join(f'{{ id = "{lv.id}", banner = "{lv.banner}", portion = "{lv.portion}" }}' for lv in plus)
    data = {**banner_brief(title="Plus"), "key_points": [{"text": "Point zqxcplus.", "marking": "R+"}]}
    del data["risks"]
    write_tree(project, {
        "briefgen.toml": f'[marking]\nscheme = "custom"\nlevels = [{levels}]\nreleases = ["R", "R+"]\n',
        "briefs/plus.yaml": to_yaml(data) + "\n",
    })  # fmt: skip
    result = run("build", "--format", "md", "-j", "1")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "briefgen.toml:3:1: levels: R and R+ would both be released into release-r/; give every level spellings of"
        " its own"
    )
    assert not (project / "output").exists()


LEAK_VERBOSE = (
    "LEAK (minor): `build --release U -v` names the outputs it removes of a brief raised above the release "
    "('removed output/release-u/<id>.md'), so the release build's log tells which brief was raised"
)


def test_a_verbose_release_build_does_not_name_a_brief_raised_above_it(project: Path, run: Run) -> None:
    two_brief_project(project, secret_root="U")
    assert run("build", "--release", "U", "--format", "md", "-j", "1").exit_code == 0
    two_brief_project(project, secret_root="S")
    result = run("build", "--release", "U", "--format", "md", "-j", "1", "-v")
    assert result.exit_code == 0
    assert not (project / "output" / "release-u" / "zqxcwiid.md").exists()  # it was removed (test 7)
    assert not set(CANARY.findall((result.stdout + result.stderr).lower())) & WITHHELD, result.stdout
