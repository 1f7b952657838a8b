"""File watching for the preview: which files matter (briefs, templates, briefgen.toml) and a queue of the
sets of files that changed, filled by watcher threads."""

from __future__ import annotations

import enum
import queue
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from briefgen.defaults import TEMPLATES_DIR
from briefgen.load import is_brief_name


class Kind(enum.Enum):
    """What a changed file is to the preview."""

    CONFIG = "config"
    TEMPLATE = "template"
    SOURCE = "source"


class Watcher:
    """Watches the briefs under ``paths``, the templates and briefgen.toml, never the output folder."""

    def __init__(
        self, paths: list[Path], config_file: Path, out_dir: Path, theme_folder: Callable[[], Path | None]
    ) -> None:
        self.paths = paths
        self.config_file = config_file
        self.out_dir = out_dir
        self.theme_folder = theme_folder  # asked each time: a changed briefgen.toml may name another theme
        self.changes: queue.Queue[set[Path]] = queue.Queue()

    def _template_folders(self) -> list[Path]:
        return [p for p in (TEMPLATES_DIR, self.theme_folder()) if p]

    def roots(self) -> list[tuple[list[Path], bool]]:
        """Folders to watch recursively (sources, templates) and flat (a brief file's folder, the config's)."""
        deep = [p.resolve() for p in self.paths if p.is_dir()]
        deep += [p.resolve() for p in self._template_folders() if p.is_dir()]
        flat = [p.resolve().parent for p in self.paths if not p.is_dir()] + [self.config_file.parent]
        deep = _outermost(deep)
        flat = [p for p in dict.fromkeys(flat) if not any(p.is_relative_to(d) for d in deep)]
        return [(deep, True), (flat, False)]

    def kind(self, path: Path) -> Kind | None:
        """What a changed file is to the preview, or None when it does not matter."""
        path = path.resolve()
        if path.is_relative_to(self.out_dir.resolve()):
            return None
        if path == self.config_file:
            return Kind.CONFIG
        if any(path.is_relative_to(p.resolve()) for p in self._template_folders()):
            return Kind.TEMPLATE
        if is_brief_name(path):
            for root in self.paths:
                root = root.resolve()
                if path == root or (root.is_dir() and path.is_relative_to(root)):
                    return Kind.SOURCE
        return None

    def start(self, stop: threading.Event) -> list[threading.Thread]:
        """Start one watcher thread per kind of root; return once each watch is in place (or after 10 s)."""
        threads, ready = [], []
        for roots, recursive in self.roots():
            if roots:
                event = threading.Event()
                thread = threading.Thread(
                    target=self._watch, args=(roots, recursive, event, stop), name="briefgen-watch", daemon=True
                )
                threads.append(thread)
                ready.append(event)
                thread.start()
        for event in ready:
            event.wait(10)
        return threads

    def _watch(self, roots: list[Path], recursive: bool, ready: threading.Event, stop: threading.Event) -> None:
        default = watchfiles.DefaultFilter()

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return default(change, path) and self.kind(Path(path)) is not None

        # yield_on_timeout: the first (empty) yield says the watch is in place
        for changes in watchfiles.watch(
            *roots,
            watch_filter=wanted,
            stop_event=stop,
            recursive=recursive,
            rust_timeout=200,
            yield_on_timeout=True,
            debounce=400,
            step=30,
        ):
            ready.set()
            if changes:
                self.changes.put({Path(path) for _, path in changes})


def _outermost(folders: list[Path]) -> list[Path]:
    unique = list(dict.fromkeys(folders))
    return [f for f in unique if not any(f != o and f.is_relative_to(o) for o in unique)]
