"""Live preview: serve the built site, rebuild what a save changed, and reload the open page by itself.

One process does everything: the first PDF pays WeasyPrint's import, later saves only its layout. A save
first re-renders the changed brief's HTML and tells the browser, then builds the PDF and Markdown (through
``build()``, so the manifest and index stay right) and tells it again. Pages learn of changes through
Server-Sent Events; the listening script is added only to pages this server sends, never to built files.
"""

from __future__ import annotations

import html
import json
import mimetypes
import queue
import socket
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from briefgen.build import build, display_path, render_brief
from briefgen.config import CONFIG_NAME, Config, find_config, load_config
from briefgen.errors import BriefgenError, Problem
from briefgen.load import BRIEF_SUFFIXES, find_briefs, load_source
from briefgen.manifest import Manifest, read_manifest, sha256
from briefgen.model import validate
from briefgen.render import TEMPLATES_DIR, Theme

EVENTS_PATH = "/__briefgen/events"
EVERYTHING = "*"  # a change name that reloads every open page
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
Log = Callable[[str], None]


class Preview:
    """The previewed site: builds it, rebuilds on change, and keeps what the pages need to show and reload."""

    def __init__(
        self,
        paths: list[Path],
        out_dir: Path | None = None,
        *,
        templates: Path | None = None,
        variant: str | None = None,
        log: Log | None = None,
    ) -> None:
        self.paths = paths
        self.templates = templates
        self.variant = variant
        self.log: Log = log or (lambda message: None)
        self.config_file = (find_config(Path.cwd()) or Path.cwd() / CONFIG_NAME).resolve()
        self.config = Config()
        self.theme = Theme.from_config(self.config, templates)
        self.config_problems: list[Problem] = []  # a broken briefgen.toml: nothing can be built
        self.brief_problems: dict[str, list[Problem]] = {}  # page id -> the errors shown instead of the page
        self.site_problems: list[Problem] = []  # errors of no brief (e.g. a folder without briefs)
        self._load_config()
        self.out_dir = out_dir or self.config.output or Path("output")
        self._lock = threading.Lock()  # guards the problems, read by the request threads
        self._cond = threading.Condition()
        self._version = 0
        self._changed_at: dict[str, int] = {}  # output file name -> version at which it last changed
        self._digests: dict[str, str | None] = {}
        self._stop = threading.Event()
        self._queue: queue.Queue[set[Path]] = queue.Queue()
        self._threads: list[threading.Thread] = []

    # -- building ---------------------------------------------------------------------------------------

    def start(self, *, watch: bool = True) -> None:
        """Start watching (so no save is missed), build once, then rebuild on each change until stop()."""
        if watch:
            ready = [self._spawn(roots, recursive) for roots, recursive in self._roots() if roots]
            for event in ready:
                event.wait(10)
        manifest, _ = read_manifest(self.out_dir)
        for entry in manifest.entries.values():  # what the pages show now: only real changes reload them
            self._digests.update(entry.outputs)
        for problem in self.config_problems:
            self.log(str(problem))
        if not self.config_problems:
            self._build()
        if watch:
            self._threads.append(threading.Thread(target=self._rebuild_loop, name="briefgen-rebuild", daemon=True))
            self._threads[-1].start()

    def stop(self) -> None:
        """Stop watching and rebuilding; end every open event stream."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)  # a PDF still being laid out is left; its write is atomic

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def rebuild(self, changed: Iterable[Path]) -> None:
        """React to changed files: the changed briefs' HTML first, then a full incremental build."""
        kinds: dict[str, set[Path]] = {"config": set(), "template": set(), "source": set()}
        for path in changed:
            kind = self._kind(Path(path))
            if kind:
                kinds[kind].add(Path(path))
        if kinds["config"] and self._load_config():
            self._publish({EVERYTHING})
        if self.config_problems:
            for problem in self.config_problems:
                self.log(str(problem))
            return
        if kinds["config"] or kinds["template"]:
            first, _ = find_briefs(self.paths)
        else:
            first = sorted(p for p in kinds["source"] if p.is_file())
        if first:
            self._render_html(first)
        # build() is incremental: when more saves came in meanwhile, the next rebuild builds them all at once
        if any(kinds.values()) and self._queue.empty():
            self._build()

    def _load_config(self) -> bool:
        """Reload briefgen.toml; return whether its problems changed."""
        try:
            config = load_config()
        except BriefgenError as exc:
            problems = exc.problems
        else:
            problems = []
            self.config = config
            self.theme = Theme.from_config(config, self.templates)
        changed = problems != self.config_problems
        self.config_problems = problems
        return changed

    def _render_html(self, files: list[Path]) -> None:
        """Render only the HTML of ``files``, for speed; show a brief's errors at once."""
        manifest, _ = read_manifest(self.out_dir)
        owners = {entry.id: name for name, entry in manifest.entries.items() if entry.id}
        names: set[str] = set()
        for path in files:
            started = time.perf_counter()
            shown = display_path(path)
            try:
                source = load_source(path, shown)
                brief = validate(source, classification=self.config.classification)
                if owners.get(brief.id or "", shown) != shown:
                    continue  # an id clash: build() reports it without touching the other brief's page
                rendered = render_brief(
                    source, brief, self.config, self.out_dir, ("html",), theme=self.theme, variant=self.variant
                )
            except BriefgenError as exc:
                errors = [p for p in exc.problems if p.severity == "error"]
                names |= self._set_problems(_page_id(manifest, shown), errors)
                continue
            except Exception:  # build() right after reports it along with the other briefs
                continue
            names |= self._set_problems(rendered.id, [])
            names |= self._changed_files(rendered.outputs)
            self.log(f"html of {shown} in {time.perf_counter() - started:.2f} s")
        self._publish(names)

    def _build(self) -> None:
        """Build every brief that changed (all formats) in this process, then tell the pages what changed."""
        result = build(self.paths, self.config, self.out_dir, theme=self.theme, variant=self.variant, jobs=1)
        manifest, _ = read_manifest(self.out_dir)
        pages: dict[str, list[Problem]] = {}
        for name in result.failed:
            errors = [p for p in result.problems if p.path == name and p.severity == "error"]
            pages.setdefault(_page_id(manifest, name), []).extend(errors)
        site = [p for p in result.problems if p.severity == "error" and p.path not in result.failed]
        names = self._replace_problems(pages, site)
        written = [*result.outputs, *(self.out_dir / n for n in result.removed), self.out_dir / "index.html"]
        names |= self._changed_files(written)
        for problem in result.problems:
            self.log(str(problem))
        self.log(
            f"built {len(result.built)}, unchanged {len(result.unchanged)}, failed {len(result.failed)}"
            f" in {result.seconds:.2f} s"
        )
        self._publish(names)

    def _set_problems(self, page: str, errors: list[Problem]) -> set[str]:
        with self._lock:
            if self.brief_problems.get(page, []) == errors:
                return set()
            if errors:
                self.brief_problems[page] = errors
            else:
                self.brief_problems.pop(page, None)
        return {f"{page}.html", "index.html"}

    def _replace_problems(self, pages: dict[str, list[Problem]], site: list[Problem]) -> set[str]:
        with self._lock:
            old, old_site = self.brief_problems, self.site_problems
            self.brief_problems, self.site_problems = pages, site
        names = {f"{page}.html" for page in old.keys() | pages.keys() if old.get(page) != pages.get(page)}
        if names or site != old_site:
            names.add("index.html")
        return names

    def _changed_files(self, paths: Iterable[Path]) -> set[str]:
        """The names among ``paths`` whose content differs from when they were last seen."""
        names = set()
        for path in paths:
            try:
                digest: str | None = sha256(path.read_bytes())
            except OSError:
                digest = None
            if path.name not in self._digests or self._digests[path.name] != digest:
                self._digests[path.name] = digest
                names.add(path.name)
        return names

    # -- watching ---------------------------------------------------------------------------------------

    def _roots(self) -> list[tuple[list[Path], bool]]:
        """Folders to watch recursively (sources, templates) and flat (a brief file's folder, the config's)."""
        deep = [p.resolve() for p in self.paths if p.is_dir()]
        deep += [p.resolve() for p in (TEMPLATES_DIR, self.theme.folder) if p and p.is_dir()]
        flat = [p.resolve().parent for p in self.paths if not p.is_dir()] + [self.config_file.parent]
        deep = _outermost(deep)
        flat = [p for p in dict.fromkeys(flat) if not any(p.is_relative_to(d) for d in deep)]
        return [(deep, True), (flat, False)]

    def _kind(self, path: Path) -> str | None:
        """What a changed file is to the preview: config, template, source, or nothing (None)."""
        path = path.resolve()
        if path.is_relative_to(self.out_dir.resolve()):
            return None
        if path == self.config_file:
            return "config"
        if any(path.is_relative_to(p.resolve()) for p in (TEMPLATES_DIR, self.theme.folder) if p):
            return "template"
        if path.suffix in BRIEF_SUFFIXES:
            for root in self.paths:
                root = root.resolve()
                if path == root or (root.is_dir() and path.is_relative_to(root)):
                    return "source"
        return None

    def _spawn(self, roots: list[Path], recursive: bool) -> threading.Event:
        ready = threading.Event()
        thread = threading.Thread(
            target=self._watch, args=(roots, recursive, ready), name="briefgen-watch", daemon=True
        )
        self._threads.append(thread)
        thread.start()
        return ready

    def _watch(self, roots: list[Path], recursive: bool, ready: threading.Event) -> None:
        default = watchfiles.DefaultFilter()

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return default(change, path) and self._kind(Path(path)) is not None

        # yield_on_timeout: the first (empty) yield says the watch is in place
        for changes in watchfiles.watch(
            *roots,
            watch_filter=wanted,
            stop_event=self._stop,
            recursive=recursive,
            rust_timeout=200,
            yield_on_timeout=True,
            debounce=400,
            step=30,
        ):
            ready.set()
            if changes:
                self._queue.put({Path(path) for _, path in changes})

    def _rebuild_loop(self) -> None:
        while not self._stop.is_set():
            try:
                changed = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            while not self._queue.empty():  # saves that came in during the last rebuild: one more rebuild
                changed |= self._queue.get_nowait()
            try:
                self.rebuild(changed)
            except Exception:  # a bug must not end the preview; say what happened and keep watching
                self.log(f"rebuild failed:\n{traceback.format_exc()}")

    # -- telling the pages ------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        with self._cond:
            return self._version

    def _publish(self, names: set[str]) -> None:
        if not names:
            return
        with self._cond:
            self._version += 1
            for name in names:
                self._changed_at[name] = self._version
            self._cond.notify_all()

    def changes_since(self, since: int, timeout: float) -> tuple[int, set[str]]:
        """Wait up to ``timeout`` s for a version after ``since``; return it and the names changed since."""
        with self._cond:
            self._cond.wait_for(lambda: self._version != since or self._stop.is_set(), timeout)
            if since > self._version:  # the page comes from an earlier run of the server
                return self._version, {EVERYTHING}
            return self._version, {name for name, v in self._changed_at.items() if v > since}

    def page(self, name: str, target: Path | None) -> tuple[HTTPStatus, str]:
        """The HTML to send for output page ``name``: the built page, or the diagnostics that replace it."""
        since = self.version  # before reading: a change from now on reaches the page as an event
        with self._lock:
            config, site = list(self.config_problems), list(self.site_problems)
            own = list(self.brief_problems.get(name.removesuffix(".html"), []))
            every = [p for errors in self.brief_problems.values() for p in errors]
        css = self._css()
        if config:
            return HTTPStatus.OK, diagnostics_page(f"{CONFIG_NAME} has errors", config, css, since)
        if own:
            return HTTPStatus.OK, diagnostics_page(f"{own[0].path} has errors", own, css, since)
        if target is None or not target.is_file():
            if name != "index.html":
                return HTTPStatus.NOT_FOUND, diagnostics_page("Not found", [], css, since, f"No page {name} here.")
            text = "<!DOCTYPE html><html><head></head><body></body></html>"
        else:
            text = target.read_text(encoding="utf-8", errors="replace")
        if name == "index.html" and (every or site):
            text = _insert_banner(text, [*site, *every])
        return HTTPStatus.OK, inject_script(text, since)

    def _css(self) -> str:
        parts = []
        for name in ("_screen.css", "_screen-only.css"):
            custom = self.theme.folder / name if self.theme.folder else None
            path = custom if custom and custom.is_file() else TEMPLATES_DIR / name
            parts.append(path.read_text(encoding="utf-8"))
        if self.theme.extra_css:
            parts.append(self.theme.extra_css.read_text(encoding="utf-8"))
        return "\n".join(parts)


def _page_id(manifest: Manifest, source: str) -> str:
    """The page a source is shown at: its id in the last good build, else its file name."""
    entry = manifest.entries.get(source)
    return entry.id if entry and entry.id else Path(source).stem


def _outermost(folders: list[Path]) -> list[Path]:
    unique = list(dict.fromkeys(folders))
    return [f for f in unique if not any(f != o and f.is_relative_to(o) for o in unique)]


# -- pages ----------------------------------------------------------------------------------------------

# Only the server's version number goes into the script: nothing from a brief.
_SCRIPT = """<script>
(function () {
  var page = decodeURIComponent(location.pathname.split("/").pop()) || "index.html";
  var events = new EventSource("%s?since=%d");
  events.addEventListener("reload", function (event) {
    var names = JSON.parse(event.data);
    if (names.indexOf("*") >= 0 || names.indexOf(page) >= 0) { events.close(); location.reload(); }
  });
})();
</script>
"""

_DIAGNOSTICS_CSS = """
.diagnostics { padding-left: 1.25rem; }
.diagnostics li { margin: 0 0 0.6rem; }
.diagnostics code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 0.85rem;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.diagnostics-banner { border: 1px solid #a11d1d; border-left-width: 4px; padding: 0.25rem 1rem; margin: 1rem 0; }
.diagnostics-banner h2 { color: #a11d1d; border: 0; margin-top: 0.5rem; }
"""


def reload_script(since: int) -> str:
    """The snippet that reloads a page when the server says it changed after version ``since``."""
    return _SCRIPT % (EVENTS_PATH, since)


def inject_script(text: str, since: int) -> str:
    """Add the reload snippet just before </body> (or at the end)."""
    at = text.lower().rfind("</body>")
    at = len(text) if at < 0 else at
    return text[:at] + reload_script(since) + text[at:]


def _problem_list(problems: list[Problem]) -> str:
    items = "\n".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    return f'<ol class="diagnostics">\n{items}\n</ol>' if problems else ""


def diagnostics_page(title: str, problems: list[Problem], css: str, since: int, note: str = "") -> str:
    """A page in the briefs' look listing ``problems``; it reloads by itself once they are fixed."""
    note = note or "Fix the source and save: this page reloads by itself."
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
{css}
{_DIAGNOSTICS_CSS}
</style>
</head>
<body class="preview-diagnostics">
<header class="title-block">
<p class="kind">Preview</p>
<h1>{html.escape(title)}</h1>
<p class="subtitle">{html.escape(note)}</p>
</header>
<main>
{_problem_list(problems)}
</main>
{reload_script(since)}</body>
</html>
"""


def _insert_banner(text: str, problems: list[Problem]) -> str:
    """Put the list of problems at the top of the index page."""
    count = len({p.path for p in problems})
    heading = f"{count} file{'s' if count != 1 else ''} with errors: their last good version is shown"
    banner = (
        f'<section class="diagnostics-banner" role="alert"><h2>{html.escape(heading)}</h2>'
        f"{_problem_list(problems)}</section>"
    )
    style = f"<style>{_DIAGNOSTICS_CSS}</style>"
    head = text.lower().find("</head>")
    if head >= 0:
        text = text[:head] + style + text[head:]
    else:
        banner = style + banner
    body = text.lower().find("<body")
    end = text.find(">", body) + 1 if body >= 0 else 0
    return text[:end] + banner + text[end:]


# -- HTTP -----------------------------------------------------------------------------------------------


def resolve_request(out_dir: Path, url_path: str) -> Path | None:
    """The file inside ``out_dir`` a URL path names, or None when it points elsewhere or at hidden files."""
    path = urllib.parse.unquote(url_path)
    if "\0" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part]
    if any(part.startswith(".") for part in parts):  # "..", and the build's hidden temporary files
        return None
    root = out_dir.resolve()
    target = root.joinpath(*parts).resolve()
    if target.is_dir():
        target = (target / "index.html").resolve()
    if not target.is_relative_to(root):  # a symlink that leads out
        return None
    return target


_TYPES = {".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8", ".json": "application/json"}


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "briefgen"

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for build messages."""

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        preview = self.server.preview
        if not self._host_ok():
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"unexpected Host header\n", body)
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == EVENTS_PATH and body:
            self._events(url.query)
            return
        target = resolve_request(preview.out_dir, url.path)
        if target is None:
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"outside the output folder\n", body)
            return
        if target.suffix == ".html":
            name = target.relative_to(preview.out_dir.resolve()).as_posix()
            status, text = preview.page(name, target)
            self._send(status, _TYPES[".html"], text.encode(), body)
            return
        try:
            data = target.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", body)
            return
        kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, kind, data, body)

    def _host_ok(self) -> bool:
        """On a loopback address, accept only loopback Host names: a web page cannot DNS-rebind to the briefs."""
        if self.server.host not in LOOPBACK:
            return True
        host = self.headers.get("Host")
        return host is None or urllib.parse.urlsplit(f"//{host}").hostname in LOOPBACK

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self, query: str) -> None:
        """Stream a "reload" event (the names of changed files) after each change, until the page goes."""
        preview = self.server.preview
        asked = self.headers.get("Last-Event-ID") or urllib.parse.parse_qs(query).get("since", [""])[0]
        since = int(asked) if asked.isdigit() else preview.version
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.stopped:
                version, names = preview.changes_since(since, timeout=10)
                if names:
                    data = json.dumps(sorted(names))
                    self.wfile.write(f"id: {version}\nevent: reload\ndata: {data}\n\n".encode())
                else:
                    self.wfile.write(b": waiting\n\n")  # finds closed connections
                since = version
        except OSError:  # the page went away
            pass


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server for the output folder of a Preview."""

    daemon_threads = True

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.preview = preview
        self.host = host
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.server_address[1]}/"


def serve(
    paths: list[Path],
    *,
    out_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    templates: Path | None = None,
    variant: str | None = None,
    log: Log | None = None,
) -> None:
    """Build, serve and watch until Ctrl-C."""
    log = log or (lambda message: None)
    preview = Preview(paths, out_dir, templates=templates, variant=variant, log=log)
    try:
        server = PreviewServer(preview, host, port)
    except OSError as exc:
        raise BriefgenError.at(f"{host}:{port}", f"cannot listen: {exc.strerror or exc}") from None
    try:
        preview.start()
        log(f"serving {preview.out_dir} at {server.url} (Ctrl-C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        log("stopped")
    finally:
        server.server_close()
        preview.stop()
