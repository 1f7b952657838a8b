"""Hostile briefs: every attack in tests/hostile/ is refused with its exact diagnostics, or renders inert.

Each case is ``tests/hostile/<name>.yaml`` (plus ``<name>.css``, installed as the theme's extra.css, for the
theme cases); ``<name>.expected`` holds the exact diagnostic lines (stderr without progress and summary
lines) of ``briefgen build`` or ``briefgen validate`` (see CASES) on that brief, run in a project folder
(with briefgen.toml) that holds it as ``briefs/<name>.yaml``; empty when the brief must build cleanly.
``{project}`` stands for that folder and ``{port}`` for the port of the loopback HTTP server the network
cases point at. ``pytest --update-golden`` rewrites the files (except those of known gaps, see GAPS).

Most cases build Markdown and HTML only; the few PDF checks share one build (``pdf_build``).
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import re
import struct
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tinycss2
from click.testing import CliRunner, Result
from helpers import (
    MINIMAL,
    PNG,
    PROJECT,
    Node,
    live_markdown,
    load,
    markdown_links,
    page_texts,
    page_words,
    parse_html,
    pdf_bytes_expanded,
    pdf_uris,
    pdfinfo,
    settings,
    write_tree,
)
from markdown_it import MarkdownIt
from pypdf import PdfReader
from pypdf.generic import IndirectObject

import briefgen.markdown
import briefgen.model
import briefgen.resources
from briefgen.cli import main
from briefgen.errors import BriefgenError
from briefgen.produce import render_brief
from briefgen.render import css_string, render_print_css, short_title

HOSTILE = Path(__file__).resolve().parent / "hostile"
FAST = ("--format", "md,html", "-j", "1")
PDF = ("--format", "pdf", "-j", "1")
GENERATED = {"too-big"}  # made by the test (a 2 MiB file is not committed); only its .expected is

Run = Callable[..., Result]


@dataclass(frozen=True)
class Case:
    command: str  # "build" or "validate"
    args: tuple[str, ...] = FAST
    exit_code: int = 1


# Every case of tests/hostile/ and how it is run. Cases with an empty .expected must build cleanly.
CASES: dict[str, Case] = {
    # local files
    "image-absolute": Case("build"),
    "image-dotdot": Case("build"),
    "image-file-url": Case("build"),
    "image-symlink": Case("build"),
    "image-unusable": Case("build"),
    "theme-css-file": Case("build", PDF),
    "theme-css-quoted": Case("build", PDF),
    "theme-css-symlink": Case("build", PDF),
    "theme-css-escaped": Case("build", PDF),
    # network
    "net-image": Case("build"),
    "net-css": Case("build", PDF),
    "net-source": Case("build", ("--format", "md,html,pdf", "-j", "1"), 0),
    "net-redirect-file": Case("build", (*FAST, "--allow-remote")),
    "net-redirect-http": Case("build", (*FAST, "--allow-remote")),
    "net-too-big": Case("build", (*FAST, "--allow-remote")),
    "net-slow": Case("build", (*FAST, "--allow-remote")),
    # markup and links
    "injection": Case("build", ("--format", "md,html,pdf", "-j", "1"), 0),
    "dead-links": Case("build", FAST, 0),
    "markdown-breakout": Case("build", FAST, 0),
    # the loader and validator
    "yaml-python-tag": Case("validate"),
    "alias-bomb": Case("validate"),
    "too-big": Case("build"),
    "control-chars": Case("validate"),
    "raw-nul": Case("validate"),
    "c1-controls": Case("validate"),
    "escape-in-diagnostics": Case("validate"),
    "id-escape": Case("build"),
    # size and shape
    "deep-quote": Case("build"),
    "deep-bracket": Case("build"),
    "rtl-combining": Case("build", PDF, 0),
    "long-word": Case("build", PDF, 0),
    "long-word-hyphenatable": Case("build", PDF, 0),  # fast since long words are not hyphenated
}

# Known gaps: the case's test is expected to fail until the protection is fixed (see the reasons).
GAPS: dict[str, str] = {}


def case_params(names: list[str]) -> list[object]:
    marks = {name: pytest.mark.xfail(strict=True, reason=GAPS[name]) for name in GAPS}
    return [pytest.param(name, marks=marks[name]) if name in marks else name for name in names]


# --- a project folder, a loopback server and running one case


@dataclass
class Server:
    """A loopback HTTP server that records every request it gets."""

    port: int = 0
    requests: list[str] = field(default_factory=list)
    slow_seconds: float = 3.0


def _handler(server: Server) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append(self.path)
            if self.path == "/redirect-to-file.png":
                self._redirect("file:///etc/passwd")
            elif self.path == "/redirect-to-http.png":
                self._redirect(f"http://127.0.0.1:{server.port}/pixel.png")
            elif self.path == "/slow.png":
                time.sleep(server.slow_seconds)
                self._send(PNG)
            elif self.path == "/huge.png":
                self._send(PNG + b"\0" * (5 * 1024 * 1024))  # over the cap of 5 MiB
            else:
                self._send(PNG)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (size cap, timeout)
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def project(project: Path) -> Path:
    """The project with briefgen.toml and an empty briefs/; tmp/outside, beside it, holds a PNG."""
    write_tree(project.parent, {"outside/secret.png": PNG})
    (project / "briefs").mkdir()
    return write_tree(project, {"briefgen.toml": ""})


def install(name: str, project: Path, port: int = 0) -> Path:
    """Copy case ``name`` into the project (its .css as theme/extra.css); return the brief's path."""
    target = project / "briefs" / f"{name}.yaml"
    target.write_bytes((HOSTILE / f"{name}.yaml").read_bytes().replace(b"{port}", str(port).encode()))
    css = HOSTILE / f"{name}.css"
    if css.exists():
        (project / "theme").mkdir(exist_ok=True)
        text = css.read_text(encoding="utf-8").replace("{port}", str(port))
        (project / "theme" / "extra.css").write_text(text, encoding="utf-8")
    if name == "image-symlink":
        (project / "briefs" / "secret.png").symlink_to(project.parent / "outside" / "secret.png")
        (project / "briefs" / "system").symlink_to("/etc", target_is_directory=True)
    if name == "image-unusable":
        (project / "briefs" / "garbage.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
        ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
        chunks = b"".join(
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
            for kind, data in ((b"IHDR", ihdr), (b"IDAT", zlib.compress(b"\0" * 64)), (b"IEND", b""))
        )
        (project / "briefs" / "huge.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunks)
    if name == "theme-css-symlink":
        (project / "theme" / "logo.png").symlink_to(project.parent / "outside" / "secret.png")
    return target


def run_case(run: Run, name: str, project: Path, port: int = 0) -> Result:
    install(name, project, port)
    case = CASES[name]
    theme = ("--templates", "theme") if (HOSTILE / f"{name}.css").exists() else ()
    args = (*case.args, *theme) if case.command == "build" else ()
    return run(case.command, *args, f"briefs/{name}.yaml")


PROGRESS = re.compile(
    r"(built|failed|unchanged) \S+( \(\d+\.\d s\))?"  # one line per brief (not a terminal)
    r"|built \d+, unchanged \d+, failed \d+ in \d+\.\d s"  # build's summary
    r"|ok: \d+ briefs?, \d+ errors?, \d+ warnings?"  # validate's
    r"|FAILED: (\d+ of \d+ briefs? failed|no briefs), \d+ errors?, \d+ warnings?"
)


def diagnostics(result: Result, name: str) -> list[str]:
    """The diagnostic lines of stderr: those about the brief first, then any other (a theme's file, say)."""
    lines = [line for line in result.stderr.splitlines() if not PROGRESS.fullmatch(line)]
    return sorted(lines, key=lambda line: not line.startswith(f"briefs/{name}.yaml"))


def expected(name: str, project: Path, port: int = 0) -> list[str]:
    text = (HOSTILE / f"{name}.expected").read_text(encoding="utf-8")
    return text.replace("{project}", str(project)).replace("{port}", str(port)).splitlines()


def check_golden(request: pytest.FixtureRequest, name: str, lines: list[str], project: Path, port: int = 0) -> None:
    if request.config.getoption("--update-golden") and name not in GAPS:  # a gap's file says what should be
        text = "".join(f"{line}\n" for line in lines).replace(str(project), "{project}")
        if port:
            text = text.replace(f"127.0.0.1:{port}", "127.0.0.1:{port}")
        (HOSTILE / f"{name}.expected").write_text(text, encoding="utf-8")
    assert lines == expected(name, project, port)


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def outputs_of(project: Path, name: str) -> list[str]:
    out = project / "output"
    return sorted(p.name for p in out.glob(f"{name}.*")) if out.is_dir() else []


def test_every_case_has_its_expected_diagnostics_and_a_runner() -> None:
    briefs = {p.stem for p in HOSTILE.glob("*.yaml")}
    goldens = {p.stem for p in HOSTILE.glob("*.expected")}
    assert goldens == briefs | GENERATED
    assert set(CASES) == goldens
    assert {p.stem for p in HOSTILE.glob("*.css")} <= briefs


# --- refused: local files and the network


REFUSED = ["image-absolute", "image-dotdot", "image-file-url", "image-symlink", "image-unusable", "id-escape"]
REFUSED += ["too-big"]
REFUSED += ["deep-quote", "deep-bracket"]  # Markdown nested past what the parser keeps
REFUSED_PDF = ["theme-css-file", "theme-css-quoted", "theme-css-symlink", "theme-css-escaped"]


@pytest.mark.parametrize("name", case_params(REFUSED + REFUSED_PDF))
def test_refused_with_exact_diagnostics_and_no_output(
    name: str, project: Path, run: Run, request: pytest.FixtureRequest
) -> None:
    if name == "too-big":  # a valid brief with a long comment, just over 2 MiB
        big = project / "briefs" / "too-big.yaml"
        big.write_text(MINIMAL + "# " + "x" * (2 * 1024 * 1024 - len(MINIMAL)) + "\n", encoding="utf-8")
        result = run("build", *FAST, "briefs/too-big.yaml")
    else:
        result = run_case(run, name, project)
    assert_no_traceback(result)
    check_golden(request, name, diagnostics(result, name), project)
    assert result.exit_code == 1
    assert outputs_of(project, name) == []
    entry = json.loads((project / "output" / "manifest.json").read_text())["briefs"][0]
    assert (entry["outputs"], len(entry["errors"])) == ({}, len(expected(name, project)))


def test_refused_image_reads_nothing_outside(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The secret PNG behind the symlink is never opened (not merely never embedded)."""
    opened: list[str] = []
    real_read_bytes = Path.read_bytes

    def spy(self: Path) -> bytes:
        opened.append(str(self.resolve()))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    result = run_case(run, "image-symlink", project)
    assert result.exit_code == 1
    secret = str((project.parent / "outside" / "secret.png").resolve())
    assert secret not in opened
    assert "/etc/passwd" not in opened


def test_file_url_image_is_never_read_and_renders_as_text(project: Path, run: Run) -> None:
    """Whatever becomes of the diagnostic (see GAPS), a file: image never loads."""
    run_case(run, "image-file-url", project)
    for path in (project / "output").glob("image-file-url.*"):
        text = path.read_text(encoding="utf-8")
        assert "root:" not in text
        if path.suffix == ".html":
            assert list(parse_html(text).iter("img")) == []


def test_id_escape_writes_nothing_outside_the_output_folder(tmp_path: Path, project: Path, run: Run) -> None:
    before = {p for p in tmp_path.rglob("*")}
    for command in (("build", *FAST), ("render", "--format", "md,html")):
        result = run(*command, str(install("id-escape", project)))
        assert result.exit_code == 1
        assert "'../../x' is not a valid id" in result.stderr
    created = {p for p in tmp_path.rglob("*") if not p.is_relative_to(project / "briefs")} - before
    assert created and all(p == project / "output" or p.is_relative_to(project / "output") for p in created), created
    assert sorted(p.name for p in (project / "output").iterdir()) == ["index.html", "manifest.json"]


@pytest.mark.parametrize("name", ["net-image", "net-css"])
def test_network_is_not_reached_without_allow_remote(
    name: str, project: Path, run: Run, server: Server, request: pytest.FixtureRequest
) -> None:
    result = run_case(run, name, project, server.port)
    assert_no_traceback(result)
    check_golden(request, name, diagnostics(result, name), project, server.port)
    assert result.exit_code == 1
    assert server.requests == []
    assert outputs_of(project, name) == []


def test_theme_css_from_the_network_is_refused_through_render_theme(project: Path, server: Server) -> None:
    """The same door when a program makes its own Project with the theme (no CLI)."""
    path = install("net-css", project, server.port)
    settings_ = settings(config_file=project / "briefgen.toml", templates=project / "theme", formats=["pdf"])
    valid = load(path, settings_)
    with pytest.raises(BriefgenError) as caught:
        render_brief(valid, settings_)
    shown = [str(p).replace(str(project / "theme"), "theme") for p in caught.value.problems]
    assert shown == expected("net-css", project, server.port)
    assert server.requests == []
    assert not (project / "out" / "net-css.pdf").exists()


def test_theme_css_reaches_the_page_verbatim_with_its_files_embedded(project: Path, run: Run) -> None:
    theme = project / "theme"
    theme.mkdir()
    (theme / "logo.png").write_bytes(PNG)
    rule = 'h1 > span::before { content: "\u203a "; }'
    (theme / "extra.css").write_text(f"{rule}\nh1 {{ background: url('logo.png'); }}\n", encoding="utf-8")
    (project / "briefs" / "plain.yaml").write_text(MINIMAL, encoding="utf-8")
    result = run("build", *FAST, "--templates", "theme", "briefs/plain.yaml")
    assert result.exit_code == 0, result.stderr
    style = parse_html((project / "output" / "plain.html").read_text(encoding="utf-8")).find("style")
    assert style is not None
    css = "".join(c for c in style.children if isinstance(c, str))
    assert rule in css
    assert f'url("data:image/png;base64,{base64.b64encode(PNG).decode()}")' in css


def test_theme_css_comment_mentioning_url_is_not_a_resource(project: Path, run: Run) -> None:
    (project / "theme").mkdir()
    (project / "theme" / "extra.css").write_text("/* h1 { background: url(old-logo.png); } */\n", encoding="utf-8")
    (project / "briefs" / "plain.yaml").write_text(MINIMAL, encoding="utf-8")
    result = run("build", *FAST, "--templates", "theme", "briefs/plain.yaml")
    assert result.exit_code == 0, result.stderr


def test_links_and_source_urls_are_never_fetched(
    project: Path, run: Run, server: Server, request: pytest.FixtureRequest
) -> None:
    result = run_case(run, "net-source", project, server.port)
    assert result.exit_code == 0, result.stderr
    check_golden(request, "net-source", diagnostics(result, "net-source"), project, server.port)
    assert server.requests == []
    assert outputs_of(project, "net-source") == ["net-source.html", "net-source.md", "net-source.pdf"]


def test_allow_remote_fetches_the_image_once_and_embeds_it(project: Path, run: Run, server: Server) -> None:
    install("net-image", project, server.port)
    result = run("build", *FAST, "--allow-remote", "briefs/net-image.yaml")
    assert result.exit_code == 0, result.stderr
    assert server.requests == ["/pixel.png"]
    html = (project / "output" / "net-image.html").read_text(encoding="utf-8")
    images = [n.get("src") for n in parse_html(html).iter("img")]
    assert images == [f"data:image/png;base64,{base64.b64encode(PNG).decode()}"]
    assert f"127.0.0.1:{server.port}" not in html  # embedded, never a live URL (a tracking pixel)
    assert f"127.0.0.1:{server.port}" not in (project / "output" / "net-image.md").read_text(encoding="utf-8")


def test_validate_takes_allow_remote_as_build_does(project: Path, run: Run, server: Server) -> None:
    install("net-image", project, server.port)
    refused = run("validate", "briefs/net-image.yaml")
    assert refused.exit_code == 1 and "(build with --allow-remote to fetch it)" in refused.stderr
    assert server.requests == []
    fetched = run("validate", "--allow-remote", "briefs/net-image.yaml")
    assert fetched.exit_code == 0, fetched.stderr
    assert server.requests == ["/pixel.png"]  # read and decoded, as a build would


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("net-redirect-file", "/redirect-to-file.png"),
        ("net-redirect-http", "/redirect-to-http.png"),
        ("net-too-big", "/huge.png"),
        ("net-slow", "/slow.png"),
    ],
)
def test_allow_remote_refuses_redirects_huge_and_slow_answers(
    name: str,
    path: str,
    project: Path,
    run: Run,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.setattr(briefgen.resources, "TIMEOUT", 0.5)  # the slow server answers after 3 s
    started = time.monotonic()
    result = run_case(run, name, project, server.port)
    assert time.monotonic() - started < server.slow_seconds
    assert_no_traceback(result)
    check_golden(request, name, diagnostics(result, name), project, server.port)
    assert result.exit_code == 1
    assert server.requests == [path]  # a redirect is not followed
    assert outputs_of(project, name) == []


# --- inert: markup, links and scripts in every field


P = (
    r"<script>alert(1)</script> <img src=x onerror=alert(2)> \"><svg onload=alert(3)> "
    r"<a href=\"javascript:alert(4)\">a</a> [link](javascript:alert(5)) <style>*{display:none}</style> "
    r"<!-- c --> &lt;b&gt;"
)  # as written (YAML-escaped) in every field of injection.yaml


def dangerous_url(url: str) -> bool:
    """Would a browser take this as a link to something other than a web page, a mail or a relative file?"""
    cleaned = re.sub(r"[\t\n\r]", "", re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", url))  # as URL parsers do
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    if scheme is None:
        return cleaned.replace("\\", "/").startswith("//")  # protocol-relative: another host
    return scheme.group(1).lower() not in ("http", "https", "mailto")


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """One build (md, html, pdf) of the cases that need a PDF: the injection, RTL text and the long word."""
    root = tmp_path_factory.mktemp("hostile-pdf")
    (root / "briefs").mkdir()
    (root / "briefgen.toml").write_text("", encoding="utf-8")
    for name in ("injection", "rtl-combining", "long-word"):
        install(name, root)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = CliRunner().invoke(main, ["build", "-j", "1", "briefs"], prog_name="briefgen")
    assert result.exit_code == 0, result.output
    return root / "output", result


@pytest.mark.parametrize("name", ["injection", "rtl-combining", "long-word"])
def test_pdf_cases_build_without_diagnostics(
    name: str, pdf_build: tuple[Path, Result], request: pytest.FixtureRequest
) -> None:
    out, result = pdf_build
    check_golden(request, name, diagnostics(result, name), out.parent)
    assert sorted(p.name for p in out.glob(f"{name}.*")) == [f"{name}.{fmt}" for fmt in ("docx", "html", "md", "pdf")]


def bad_markup(tree: Node) -> list[str]:
    """Elements and attributes that would run code or load something, and links that are not plain."""
    found = []
    for node in tree.iter():
        if node.tag in ("script", "iframe", "object", "embed", "form", "base", "frame", "applet", "link"):
            found.append(f"<{node.tag}>")
        for name in node.attrs:
            if name.startswith("on") or name in ("srcdoc", "formaction", "xlink:href"):
                found.append(f"{node.tag}[{name}]")
        if node.tag == "a" and dangerous_url(node.get("href")):
            found.append(f"a[href={node.get('href')!r}]")
        if node.tag == "img" and not node.get("src").startswith("data:image/"):
            found.append(f"img[src={node.get('src')!r}]")
        if node.tag == "meta" and node.get("http-equiv"):
            found.append("meta[http-equiv]")
    return found


def skeleton(tree: Node) -> list[tuple[str, tuple[str, ...]]]:
    """Every element and its attribute names, in document order (but not the lines of a figure's labels,
    which wrap by the length of their words)."""
    return [(node.tag, tuple(sorted(node.attrs))) for node in tree.iter() if node.tag not in ("text", "tspan")]


def twin_html(tmp_path: Path) -> str:
    """injection.yaml with every payload replaced by plain words, rendered to HTML."""
    text = (HOSTILE / "injection.yaml").read_text(encoding="utf-8")
    assert text.count(P) >= 30
    path = tmp_path / "injection.yaml"
    path.write_text(text.replace(P, "plain words"), encoding="utf-8")
    render_brief(load(path), settings(formats=["html"], out_dir=tmp_path / "out"))
    return (tmp_path / "out" / "injection.html").read_text(encoding="utf-8")


def test_injection_html_has_no_live_markup(pdf_build: tuple[Path, Result]) -> None:
    html = (pdf_build[0] / "injection.html").read_text(encoding="utf-8")
    tree = parse_html(html)
    assert bad_markup(tree) == []
    assert [n.tag for n in tree.iter("style")] == ["style", "style"]  # the template's own two
    assert tree.text().count("<script>alert(1)</script>") >= 30  # every field shows the payload as text


def test_injection_html_has_the_elements_of_plain_text(pdf_build: tuple[Path, Result], tmp_path: Path) -> None:
    """Payload in every field adds no element and no attribute: the page's skeleton is that of plain words."""
    hostile = parse_html((pdf_build[0] / "injection.html").read_text(encoding="utf-8"))
    assert skeleton(hostile) == skeleton(parse_html(twin_html(tmp_path)))


def test_injection_markdown_has_no_live_markup(pdf_build: tuple[Path, Result]) -> None:
    text = (pdf_build[0] / "injection.md").read_text(encoding="utf-8")
    assert live_markdown(text) == []
    assert markdown_links(text)  # the sources' links are still links


def test_markdown_breakout_stays_text_field_by_field(project: Path, run: Run, request: pytest.FixtureRequest) -> None:
    result = run_case(run, "markdown-breakout", project)
    assert result.exit_code == 0, result.stderr
    check_golden(request, "markdown-breakout", diagnostics(result, "markdown-breakout"), project)
    text = (project / "output" / "markdown-breakout.md").read_text(encoding="utf-8")
    assert live_markdown(text) == []
    # each open fence ends in its own field: the sections after them are still headings, not code
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert {"Key judgements", "Risks", "After the fences"} <= set(headings), headings
    html = parse_html((project / "output" / "markdown-breakout.html").read_text(encoding="utf-8"))
    assert bad_markup(html) == []


def _page_rule_strings(css: str) -> dict[str, list[str]]:
    """{margin box: the strings of its content} of the @page rule, parsed as CSS."""
    boxes: dict[str, list[str]] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        prelude = [t for t in rule.prelude if t.type != "whitespace"] if rule.type == "at-rule" else None
        if rule.type == "at-rule" and rule.lower_at_keyword == "page" and not prelude:
            for inner in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                if inner.type == "at-rule":
                    for decl in tinycss2.parse_blocks_contents(inner.content, True, True):
                        if decl.type == "declaration" and decl.lower_name == "content":
                            boxes[inner.lower_at_keyword] = [t.value for t in decl.value if t.type == "string"]
    return boxes


def test_injection_print_css_holds_the_marking_and_title_only_as_strings() -> None:
    brief = load(HOSTILE / "injection.yaml").brief
    css = render_print_css(brief, PROJECT)
    assert "</" not in css and "<script" not in css
    boxes = _page_rule_strings(css)
    marking = brief.classification or ""
    # one string, holding the whole text (spaces aside: see test_css_string_keeps_every_space); the page heads
    # (marking, running title) are HTML, escaped like every other field: see the HTML tests
    assert [s.replace(" ", "") for s in boxes["bottom-center"]] == [marking.replace(" ", "")]
    assert short_title(brief).replace(" ", "") not in css.replace(" ", "")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    plain = render_print_css(brief.model_copy(update={"classification": "SECRET", "title": "Title"}), PROJECT)
    assert len(rules) == len(tinycss2.parse_stylesheet(plain, skip_comments=True, skip_whitespace=True))
    assert not [r for r in rules if r.type == "error"]


@pytest.mark.parametrize("text", ["Japan – China row", 'SECRET // REL "UK" < NATO >', "a [b] c"])
def test_css_string_keeps_every_space(text: str) -> None:
    tokens = tinycss2.parse_component_value_list(css_string(text))
    assert [(t.type, t.value) for t in tokens] == [("string", text)]


def test_injection_pdf_metadata_and_margins_show_the_literal_text(pdf_build: tuple[Path, Result]) -> None:
    pdf = pdf_build[0] / "injection.pdf"
    brief = load(HOSTILE / "injection.yaml").brief
    info = pdfinfo(pdf)
    assert info["Keywords"] == ", ".join(brief.tags)
    assert info["Title"] == brief.title
    assert info["Author"] == brief.authors[0].name
    first = "".join(page_texts(pdf)[0].split())
    marking = "".join((brief.classification or "").upper().split())  # margin boxes are text-transform: uppercase
    assert marking in first.upper()


def pdf_actions(pdf: Path) -> tuple[list[str], list[str]]:
    """(keys that run or embed something, /S of every link's action) found anywhere in the PDF's objects."""
    reader = PdfReader(pdf)
    risky, kinds = [], []
    stack: list[Any] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, dict):
            risky += [k for k in obj if k in ("/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles")]
            if obj.get("/Subtype") == "/Link" and "/A" in obj:  # a link annotation's action
                kinds.append(str(obj["/A"].get_object().get("/S")))
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
    return risky, kinds


def test_injection_pdf_has_no_actions_but_plain_links(pdf_build: tuple[Path, Result]) -> None:
    pdf = pdf_build[0] / "injection.pdf"
    risky, kinds = pdf_actions(pdf)
    assert risky == []
    assert set(kinds) <= {"/URI", "/GoTo"}, kinds
    uris = pdf_uris(pdf_bytes_expanded(pdf))
    assert not [uri for uri in uris if dangerous_url(uri)], uris


def test_injection_tags_on_the_index_page_are_text(pdf_build: tuple[Path, Result]) -> None:
    tree = parse_html((pdf_build[0] / "index.html").read_text(encoding="utf-8"))
    assert bad_markup(tree) == []
    brief = load(HOSTILE / "injection.yaml").brief
    shown = [li.text() for ul in tree.iter("ul") if "tags" in ul.classes() for li in ul.iter("li")]
    assert shown == [" ".join(tag.split()) for tag in brief.tags]


def test_dead_links_render_as_text(project: Path, run: Run, request: pytest.FixtureRequest) -> None:
    result = run_case(run, "dead-links", project)
    assert result.exit_code == 0, result.stderr
    check_golden(request, "dead-links", diagnostics(result, "dead-links"), project)
    html = parse_html((project / "output" / "dead-links.html").read_text(encoding="utf-8"))
    assert bad_markup(html) == []
    assert [a.get("href") for a in html.iter("a") if a.get("href").startswith(("http", "//"))] == []
    for shown in ("javascript:alert(1)", "vbscript:msgbox(5)", "data:text/html;base64,", "javascript:alert(15)"):
        assert shown in html.text(), shown
    markdown = (project / "output" / "dead-links.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(markdown)
    links = [str(c.attrGet("href")) for t in tokens for c in (t.children or []) if c.type == "link_open"]
    assert not [h for h in links if dangerous_url(h)], links


# --- the loader and validator


@pytest.mark.parametrize(
    "name",
    case_params(["yaml-python-tag", "alias-bomb", "control-chars", "raw-nul", "c1-controls", "escape-in-diagnostics"]),
)
def test_refused_by_the_loader_or_validator(name: str, project: Path, run: Run, request: pytest.FixtureRequest) -> None:
    pwned = Path("/tmp/briefgen-pwned")
    pwned.unlink(missing_ok=True)
    result = run_case(run, name, project)
    assert_no_traceback(result)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.output), "control characters reach the terminal"
    check_golden(request, name, diagnostics(result, name), project)
    assert result.exit_code == 1
    assert not pwned.exists()


def test_escapes_in_keys_and_ids_are_still_located_errors(project: Path, run: Run) -> None:
    result = run_case(run, "escape-in-diagnostics", project)
    assert result.exit_code == 1
    assert_no_traceback(result)
    lines = diagnostics(result, "escape-in-diagnostics")
    assert [line.split(": ")[0] for line in lines] == [
        "briefs/escape-in-diagnostics.yaml:9:1",
        "briefs/escape-in-diagnostics.yaml:11:9",
    ]


# --- size and shape: renders without error


def test_ten_thousand_item_lists_validate_and_render(project: Path, run: Run) -> None:
    """10,000 tags and 10,000 actors (benchmarks/bench_hostile.py times these and 10,000 key points)."""
    tags = "tags:\n" + "".join(f"  - tag {i}\n" for i in range(10_000))
    actors = "actors:\n" + "".join(f"  - id: actor-{i}\n    name: Actor {i}\n" for i in range(10_000))
    (project / "briefs" / "many.yaml").write_text(MINIMAL + tags + actors, encoding="utf-8")
    checked = run("validate", "briefs/many.yaml")
    assert checked.exit_code == 0, checked.stderr
    result = run("build", *FAST, "briefs/many.yaml")
    assert result.exit_code == 0, result.stderr
    html = (project / "output" / "many.html").read_text(encoding="utf-8")
    assert "tag 9999" in html and "Actor 9999" in html
    assert "tag 9999" in (project / "output" / "many.md").read_text(encoding="utf-8")


def test_markdown_nested_within_the_limit_renders_whole(project: Path, run: Run) -> None:
    quotes = "> " * 15 + "deep words"
    text = MINIMAL.replace("The bottom line.", f'"{quotes}"')
    (project / "briefs" / "nested.yaml").write_text(text, encoding="utf-8")
    result = run("build", *FAST, "briefs/nested.yaml")
    assert result.exit_code == 0, result.stderr
    tree = parse_html((project / "output" / "nested.html").read_text(encoding="utf-8"))  # balanced
    assert "deep words" in tree.text()
    assert "deep words" in (project / "output" / "nested.md").read_text(encoding="utf-8")


def test_text_nested_past_the_limit_is_reported_not_dropped(project: Path, run: Run) -> None:
    result = run_case(run, "deep-quote", project)
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert diagnostics(result, "deep-quote")
    assert outputs_of(project, "deep-quote") == []


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # Arabic presentation forms back to letters
    return re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\s]", "", text)


def test_right_to_left_and_combining_text_is_in_html_and_pdf(pdf_build: tuple[Path, Result]) -> None:
    out = pdf_build[0]
    html = (out / "rtl-combining.html").read_text(encoding="utf-8")
    for phrase in ("اللغة العربية جميلة", "שלום עולם", "محمد بن سلمان", "בנימין נתניהו", "e\u0301", "n\u0303"):
        assert phrase in html, phrase
    pdf_text = _plain("".join(page_texts(out / "rtl-combining.pdf")))
    for phrase in ("اللغة العربية جميلة", "שלום עולם", "محمد بن سلمان", "בנימין נתניהו", "وزير الخارجية"):
        assert _plain(phrase) in pdf_text, phrase
    assert "é" in unicodedata.normalize("NFC", pdf_text) and "ñ" in unicodedata.normalize("NFC", pdf_text)


MARGIN_PT = 15 / 25.4 * 72  # print.css.j2: 15 mm left and right


def test_long_word_wraps_inside_the_margins(pdf_build: tuple[Path, Result]) -> None:
    pdf = pdf_build[0] / "long-word.pdf"
    word = re.search(r"[a-z]{5000}", (HOSTILE / "long-word.yaml").read_text(encoding="utf-8"))
    assert word
    pages = page_words(pdf)
    assert len(pages) <= 4
    for page in pages:
        for w in page.words:
            assert w.x0 >= MARGIN_PT - 1 and w.x1 <= page.width - MARGIN_PT + 1, (w, page.width)
            assert w.y0 >= 0 and w.y1 <= page.height, w
    pieces = [w.text for page in pages for w in page.words if re.fullmatch(r"[a-z]{20,}", w.text)]
    assert len(pieces) > 5  # wrapped over many lines
    assert "".join(pieces) == word.group()
