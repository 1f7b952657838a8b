"""The previewed site: build it, rebuild what a save changed, and know what each page should show.

One process does everything: the first PDF pays WeasyPrint's import, later saves only its layout. A save
first re-renders the changed brief's HTML, in memory, and tells the browser; then ``build()`` makes every
format (so the manifest and index stay right) and tells it again. Only ``build()`` writes to the output
folder: a brief that then fails keeps its previous outputs, as in ``briefgen build``.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path

from briefgen.build import build
from briefgen.check import Checker
from briefgen.config import CONFIG_NAME, Config, find_config
from briefgen.defaults import TEMPLATES_DIR
from briefgen.errors import BriefgenError, Problem
from briefgen.load import display_path, find_briefs
from briefgen.manifest import Manifest, read_manifest, sha256
from briefgen.preview_pages import EVERYTHING, diagnostics_page, inject_script, insert_banner, insert_preview_links
from briefgen.produce import make_outputs
from briefgen.project import Project, resolve_project
from briefgen.watch import Kind, Watcher

Log = Callable[[str], None]
Resolve = Callable[..., Project]  # resolve_project with the command line's options bound


class Preview:
    """The previewed site: builds it, rebuilds on change, and keeps what the pages need to show and reload."""

    def __init__(
        self,
        paths: list[Path],
        resolve: Resolve = resolve_project,
        *,
        log: Log | None = None,
        quiet: bool = False,
        verbose: bool = False,
    ) -> None:
        self.paths = paths
        self.resolve = resolve
        self.log: Log = log or (lambda message: None)
        self.quiet, self.verbose = quiet, verbose  # -q: only problems; -v: also every file written
        config_file = (find_config(Path.cwd()) or Path.cwd() / CONFIG_NAME).resolve()
        self.project = resolve(config=Config())  # until briefgen.toml reads without errors
        self._kept_out: Path | None = None  # the first output folder, kept whatever briefgen.toml comes to say
        self.config_problems: list[Problem] = []  # a broken briefgen.toml: nothing can be built
        self.brief_problems: dict[str, list[Problem]] = {}  # page id -> the errors shown instead of the page
        self.site_problems: list[Problem] = []  # errors of no brief (e.g. a folder without briefs)
        self._load_config()
        self._kept_out = self.project.out_dir
        self.watcher = Watcher(paths, config_file, self.out_dir, lambda: self.project.theme.folder)
        self._lock = threading.Lock()  # guards the problems and previews, read by the request threads
        self._cond = threading.Condition()
        self._version = 0
        self._changed_at: dict[str, int] = {}  # output file name -> version at which it last changed
        self._digests: dict[str, str | None] = {}  # output file name -> digest of what its page shows
        # page name -> (render number, HTML) of a fast render, shown instead of the file until build() ends
        self._previews: dict[str, tuple[int, bytes]] = {}
        self._renders = 0
        self._stop = threading.Event()
        self._queue = self.watcher.changes
        self._build_due = threading.Event()  # set by the HTML loop, taken by the build loop
        self._digest_lock = threading.Lock()  # both loops note what the pages show
        self._threads: list[threading.Thread] = []

    @property
    def out_dir(self) -> Path:
        return self.project.out_dir

    # -- building ---------------------------------------------------------------------------------------

    def start(self, *, watch: bool = True) -> None:
        """Start watching (so no save is missed), build once, then rebuild on each change until stop()."""
        if watch:
            self._threads += self.watcher.start(self._stop)
        manifest, _ = read_manifest(self.out_dir)
        for entry in manifest.entries.values():  # what the pages show now: only real changes reload them
            self._digests.update(entry.outputs)
        for problem in self.config_problems:
            self.log(str(problem))
        if not self.config_problems:
            self._build()
        if watch:
            # two loops: a save's HTML is shown at once, even while the build thread lays out an earlier PDF
            for loop, name in ((self._html_loop, "briefgen-html"), (self._build_loop, "briefgen-build")):
                self._threads.append(threading.Thread(target=loop, name=name, daemon=True))
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
        if self._show_html(changed) and self._queue.empty():
            self._build()

    def _show_html(self, changed: Iterable[Path]) -> bool:
        """Reload briefgen.toml if it changed and show the changed briefs' new HTML; return whether a build
        is due (when more saves came in meanwhile, the next one builds them all at once)."""
        kinds: dict[Kind, set[Path]] = {kind: set() for kind in Kind}
        for path in changed:
            kind = self.watcher.kind(Path(path))
            if kind:
                kinds[kind].add(Path(path))
        if kinds[Kind.CONFIG] and self._load_config():
            self._publish({EVERYTHING})
        if self.config_problems:
            for problem in self.config_problems:
                self.log(str(problem))
            return False
        if kinds[Kind.CONFIG] or kinds[Kind.TEMPLATE]:
            first, _ = find_briefs(self.paths)
        else:
            first = sorted(p for p in kinds[Kind.SOURCE] if p.is_file())
        if first:
            self._render_html(first)
        return any(kinds.values())

    def _load_config(self) -> bool:
        """Reload briefgen.toml; return whether its problems changed."""
        try:
            project = self.resolve()
        except BriefgenError as exc:
            problems = exc.problems
        else:
            problems = []
            self.project = dataclasses.replace(project, out_dir=self._kept_out or project.out_dir)
        changed = problems != self.config_problems
        self.config_problems = problems
        return changed

    def _render_html(self, files: list[Path]) -> None:
        """Render only the HTML of ``files``, for speed, and show it (or a brief's errors) until build() ends."""
        manifest, _ = read_manifest(self.out_dir)
        owners = {entry.id: name for name, entry in manifest.entries.items() if entry.id}
        html_only = self.project.with_formats(["html"])
        names: set[str] = set()
        for path in files:
            started = time.perf_counter()
            shown = display_path(path)
            try:
                valid = Checker(html_only).check(path)
                if owners.get(valid.id, shown) != shown:
                    continue  # an id clash: build() reports it without touching the other brief's page
                # in memory: output/ changes only through build(), which may still fail the brief
                ((page, data),) = make_outputs(valid, html_only)[0].items()
            except BriefgenError as exc:
                errors = [p for p in exc.problems if p.severity == "error"]
                names |= self._set_problems(_page_id(manifest, shown), errors)
                continue
            except Exception:  # build() right after reports it along with the other briefs
                continue
            names |= self._set_problems(valid.id, [])
            with self._lock:
                self._renders += 1
                self._previews[page] = (self._renders, data)
            if self._shows(page, data):
                names.add(page)
            if not self.quiet:
                self.log(f"html of {shown} in {time.perf_counter() - started:.2f} s")
        self._publish(names)

    def _build(self) -> None:
        """Build every brief that changed (all formats) in this process, then tell the pages what changed."""
        with self._lock:
            up_to = self._renders  # the previews rendered so far: this build replaces them
        try:
            result = build(self.paths, self.project, jobs=1)
        except BaseException:
            self._publish(self._changed_files(self._drop_previews(up_to)))
            raise
        manifest, _ = read_manifest(self.out_dir)
        pages: dict[str, list[Problem]] = {}
        for name in result.failed:
            errors = [p for p in result.problems if p.path == name and p.severity == "error"]
            pages.setdefault(_page_id(manifest, name), []).extend(errors)
        site = [p for p in result.problems if p.severity == "error" and p.path not in result.failed]
        names = self._replace_problems(pages, site)
        written = [*result.outputs, *(self.out_dir / n for n in result.removed), self.out_dir / "index.html"]
        # after the problems: a brief that failed goes from its preview straight to its diagnostics
        names |= self._changed_files([*written, *self._drop_previews(up_to)])
        for problem in result.problems:
            if not self.quiet or problem.severity == "error":
                self.log(str(problem))
        if self.verbose:
            for path in result.outputs:
                self.log(f"wrote {path}")
        if not self.quiet:
            self.log(result.summary(digits=2))
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

    def _drop_previews(self, up_to: int) -> list[Path]:
        """Forget the previews rendered up to number ``up_to``; return the files now shown in their place."""
        with self._lock:
            names = [name for name, (number, _) in self._previews.items() if number <= up_to]
            for name in names:
                del self._previews[name]
        return [self.out_dir / name for name in names]

    def _changed_files(self, paths: Iterable[Path]) -> set[str]:
        """The names among ``paths`` whose content differs from when they were last seen."""
        names = set()
        for path in paths:
            try:
                data: bytes | None = path.read_bytes()
            except OSError:
                data = None
            if self._shows(path.name, data):
                names.add(path.name)
        return names

    def _shows(self, name: str, data: bytes | None) -> bool:
        """Note that file ``name`` now shows ``data`` (None: nothing); return whether that is a change."""
        digest = sha256(data) if data is not None else None
        with self._digest_lock:
            changed = name not in self._digests or self._digests[name] != digest
            self._digests[name] = digest
        return changed

    # -- rebuilding on change -------------------------------------------------------------------------

    def _html_loop(self) -> None:
        while not self._stop.is_set():
            try:
                changed = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            while not self._queue.empty():  # saves that came in meanwhile: one render of them all
                changed |= self._queue.get_nowait()
            try:
                if self._show_html(changed):
                    self._build_due.set()
            except Exception:  # a bug must not end the preview; say what happened and keep watching
                self.log(f"rebuild failed:\n{traceback.format_exc()}")

    def _build_loop(self) -> None:
        while not self._stop.is_set():
            if not self._build_due.wait(timeout=0.2):
                continue
            self._build_due.clear()  # saves during this build set it again: one more build after it
            try:
                self._build()
            except Exception:
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
        """The HTML to send for output page ``name``: its preview or built file, or the diagnostics instead."""
        since = self.version  # before reading: a change from now on reaches the page as an event
        with self._lock:
            config, site = list(self.config_problems), list(self.site_problems)
            own = list(self.brief_problems.get(name.removesuffix(".html"), []))
            every = [p for errors in self.brief_problems.values() for p in errors]
            preview = self._previews.get(name)
        css = self._css()
        if config:
            return HTTPStatus.OK, diagnostics_page(f"{CONFIG_NAME} has errors", config, css, since)
        if own:
            return HTTPStatus.OK, diagnostics_page(f"{own[0].path} has errors", own, css, since)
        if preview is not None:
            text = preview[1].decode("utf-8", errors="replace")
        elif target is None or not target.is_file():
            if name != "index.html":
                return HTTPStatus.NOT_FOUND, diagnostics_page("Not found", [], css, since, f"No page {name} here.")
            text = "<!DOCTYPE html><html><head></head><body></body></html>"
        else:
            text = target.read_text(encoding="utf-8", errors="replace")
        if name == "index.html" and (every or site):
            text = insert_banner(text, [*site, *every])
        pdf = f"{name.removesuffix('.html')}.pdf"
        if name != "index.html" and (self.out_dir / pdf).is_file():
            text = insert_preview_links(text, pdf)
        return HTTPStatus.OK, inject_script(text, since)

    def _css(self) -> str:
        parts = []
        theme = self.project.theme
        for name in ("_screen.css", "_screen-only.css"):
            custom = theme.folder / name if theme.folder else None
            path = custom if custom and custom.is_file() else TEMPLATES_DIR / name
            parts.append(path.read_text(encoding="utf-8"))
        if theme.extra_css:
            parts.append(theme.extra_css.read_text(encoding="utf-8"))
        return "\n".join(parts)


def _page_id(manifest: Manifest, source: str) -> str:
    """The page a source is shown at: its id in the last good build, else its file name."""
    entry = manifest.entries.get(source)
    return entry.id if entry and entry.id else Path(source).stem
