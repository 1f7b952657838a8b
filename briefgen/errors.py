"""Diagnostics: a Problem carries a source location; BriefgenError carries problems."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One diagnostic, located at a line and column (1-based; 0 when unknown)."""

    path: str
    line: int
    col: int
    where: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}:{self.col}" if self.col else f":{self.line}"
        label = "warning: " if self.severity == "warning" else ""
        where = f"{self.where}: " if self.where else ""
        return _printable(f"{loc}: {label}{where}{self.message}")

    def github(self) -> str:
        """Format as a GitHub Actions workflow command (an inline annotation)."""
        kind = "warning" if self.severity == "warning" else "error"
        parts = [f"file={_gh_escape(self.path, prop=True)}"]
        if self.line:
            parts += [f"line={self.line}", f"col={self.col}"]
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"::{kind} {','.join(parts)}::{_gh_escape(text)}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """Show control characters from a brief as escapes, so they cannot drive the terminal or CI log."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def problems_to_json(problems: Iterable[Problem]) -> str:
    """Serialise problems as a JSON array (for editors and CI)."""
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)


class BriefgenError(Exception):
    """A failure that is the input's fault, described by one or more located problems."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[BriefgenError], tuple[list[Problem]]]:
        # rebuilt from its problems when it crosses a process boundary (PDF worker processes)
        return (type(self), (self.problems,))

    @classmethod
    def at(cls, path: str, message: str, line: int = 0, col: int = 0, where: str = "") -> BriefgenError:
        """Build an error with a single problem."""
        return cls([Problem(path, line, col, where, message)])
