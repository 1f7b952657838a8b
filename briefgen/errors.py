"""Diagnostics: a Problem carries a source location; BriefgenError carries problems."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "note"]  # a note: what a reader should know, not a fault


@dataclass(frozen=True, order=True)
class Problem:
    """One diagnostic, located at a line and column (1-based; 0 when unknown)."""

    path: str
    line: int
    col: int
    where: str
    message: str
    severity: Severity = "error"
    # a warning `validate --strict` fails on; not one that only prompts for work (a final brief's past dates)
    strict: bool = field(default=True, compare=False)

    def __str__(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}:{self.col}" if self.col else f":{self.line}"
        label = "warning: " if self.severity == "warning" else ""
        where = f"{self.where}: " if self.where else ""
        return printable(f"{loc}: {label}{where}{self.message}")

    @classmethod
    def internal(cls, path: str, doing: str, exc: BaseException) -> Problem:
        """A bug met while ``doing`` something to one brief: said in one line, so that brief alone fails."""
        return cls(path, 0, 0, "", f"internal error while {doing}: {type(exc).__name__}: {exc}")

    def github(self) -> str:
        """Format as a GitHub Actions workflow command (an inline annotation)."""
        kind = {"warning": "warning", "note": "notice"}.get(self.severity, "error")
        # GitHub's own escapes for line breaks and %, then the other controls as briefgen shows them
        parts = [f"file={_UNPRINTABLE.sub(_escape, _gh_escape(self.path, prop=True))}"]
        if self.line:
            parts += [f"line={self.line}", f"col={self.col}"]
        text = f"{self.where}: {self.message}" if self.where else self.message
        message = _UNPRINTABLE.sub(_escape, _gh_escape(text)).replace(_OLD_COMMAND, "#%23[")
        return f"::{kind} {','.join(parts)}::{message}"


# control characters, and the invisible ones that reorder or hide text (bidi overrides, zero widths)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


# what json.dumps leaves raw of those (it escapes C0 controls itself; its own line breaks must stay)
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# GitHub Actions reads a line as a workflow command when it starts with "::" after any white space (.NET's
# TrimStart: Unicode spaces too), and its older "##[command]" form anywhere in a line
_COMMAND_START = re.compile(r"^(\s*)::")
_OLD_COMMAND = "##["


def printable(text: str) -> str:
    """Text from a brief made safe for one line of a terminal or a CI log: control and invisible characters as
    escapes, and nothing GitHub Actions would read as a workflow command."""
    text = _UNPRINTABLE.sub(_escape, text)
    text = _COMMAND_START.sub(lambda m: "".join(f"\\u{ord(c):04x}" for c in m.group(1)) + "\\x3a:", text)
    return text.replace(_OLD_COMMAND, "#\\x23[")


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def json_safe(text: str) -> str:
    """JSON text with what json.dumps leaves raw of the characters that drive a terminal or hide text (C1
    controls, bidi overrides) written as \\u escapes too."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text).replace(_OLD_COMMAND, "#\\u0023[")


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
