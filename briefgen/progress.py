"""Build feedback: a progress bar on a terminal, one line per brief in CI, nothing with --quiet."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType

from briefgen.errors import printable
from briefgen.workers import Step


def in_ci(value: str | None) -> bool:
    """Whether the CI variable's value says "in CI": set, and not empty, false, 0 or no (as CI=false reads)."""
    return (value or "").strip().lower() not in ("", "false", "0", "no")


class Progress:
    """Receives build events (see workers.Report) and shows them the way the terminal suits."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.stream = sys.stderr
        self.interactive = sys.stderr.isatty() and not in_ci(os.environ.get("CI"))
        self.started = time.perf_counter()
        self.total = 0
        self.finished = 0
        # started and not yet finished, oldest first: with -j N every brief is started (queued) at once, and the
        # workers take them in that order, so the oldest one still running is one being rendered
        self.running: dict[str, None] = {}

    @property
    def current(self) -> str:
        """The brief the bar shows: the oldest one still running."""
        return next(iter(self.running), "")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.interactive and self.total and not self.quiet:
            self._write("\r\033[K")

    def report(self, step: Step, name: str, seconds: float) -> None:
        if self.quiet:
            return
        name = printable(name)  # a file name may hold anything, a line break or a workflow command
        if step is Step.START:
            self.total += 1
            self.running[name] = None
            if self.interactive:
                self._bar()
            return
        if step is Step.UNCHANGED:
            if self.verbose:
                self._write(f"unchanged {name}\n")
            return
        self.finished += 1
        self.running.pop(name, None)
        if self.interactive:
            self._bar()
        else:
            timing = f" ({seconds:.1f} s)" if self.verbose or step is Step.BUILT else ""
            self._write(f"{step.value} {name}{timing}\n")

    def _bar(self) -> None:
        done, total = self.finished, max(self.total, 1)
        width = 24
        filled = int(width * done / total)
        elapsed = time.perf_counter() - self.started
        eta = f" ETA {elapsed / done * (total - done):.0f} s" if done else ""
        bar = "#" * filled + "-" * (width - filled)
        self._write(f"\r\033[K[{bar}] {done}/{total}{eta} {self.current}")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
