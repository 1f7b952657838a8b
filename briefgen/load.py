"""Read a YAML brief safely into plain data, keeping the line and column of every node.

Parsing uses libyaml's event stream (PyYAML's ``CSafeLoader``): it is fast, gives a mark for
every event, and building the data ourselves lets us decide every scalar's type. Every scalar
stays the text the writer typed (no YAML 1.1 booleans, octals or sexagesimals); only an empty
value or ``~``/``null`` becomes ``None``. Anchors, aliases and tags are refused, so alias bombs
and object construction cannot happen.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import BriefgenError, Problem

# a writer who meant text gets told how to keep it text
_STARTS_WITH = " (text that starts with '%s' needs quotes)"

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
BRIEF_SUFFIXES = (".yaml", ".yml")

PathKey = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Source:
    """A loaded brief: the name problems show it by, its raw data and where each value and key sits."""

    name: str  # as the writer sees the file (relative to the working folder), not a path to open
    data: dict[str, Any]
    positions: dict[PathKey, Mark] = field(default_factory=dict)
    key_positions: dict[PathKey, Mark] = field(default_factory=dict)
    text: str = ""  # the file as read, and where in it each scalar is written (start, end offsets)
    spans: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    def locate(self, loc: PathKey, *, key: bool = False) -> Mark:
        """Return the position of ``loc`` (its key if ``key``), or of its nearest known ancestor."""
        if key and loc in self.key_positions:
            return self.key_positions[loc]
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.positions:
                return self.positions[loc[:end]]
        return (1, 1)

    def locate_within(self, loc: PathKey, text: str, occurrence: int = 0) -> Mark:
        """The position of ``text`` (its ``occurrence``-th, from 0) as written inside the value at ``loc``: a
        citation in a multi-line summary, say; the value's own position if it is not there verbatim."""
        start, end = self.spans.get(loc, (0, 0))
        token = re.compile(re.escape(text) + r"(?![\w.:-])")  # whole: @src is not the start of @src-2
        found = list(itertools.islice(token.finditer(self.text, start, end), occurrence + 1)) if text else []
        if len(found) <= occurrence:
            return self.locate(loc)
        at = found[occurrence].start()
        return line_col(self.text, at)

    def problem(
        self,
        loc: PathKey,
        message: str,
        *,
        key: bool = False,
        severity: str = "error",
        within: tuple[str, int] | None = None,
    ) -> Problem:
        """Make a problem located at ``loc``: its key if ``key``; ``within`` it, the given occurrence of a text."""
        line, col = self.locate_within(loc, *within) if within else self.locate(loc, key=key)
        return Problem(self.name, line, col, dotted(loc), message, "warning" if severity == "warning" else "error")


def line_col(text: str, index: int) -> Mark:
    """The 1-based line and column of a character offset in ``text``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def dotted(loc: PathKey) -> str:
    """Render a data path as writers read it: ``risks[2].likelihood``."""
    out = ""
    for part in loc:
        if isinstance(part, str):
            part = " ".join(part.split())  # a quoted key may hold a line break; a problem is one line
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_source(path: Path, display: str | None = None) -> Source:
    """Read and parse one brief file; raise BriefgenError listing what is wrong with it."""
    name = display if display is not None else str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BriefgenError.at(name, f"file is {size / 1048576:.1f} MiB; a brief may be at most 2 MiB")
        raw = path.read_bytes()
    except OSError as exc:
        raise BriefgenError.at(name, f"cannot read file: {exc.strerror or exc}") from None
    return parse_source(raw, name)


def parse_source(raw: bytes, name: str) -> Source:
    """Parse the bytes of one brief (see load_source)."""
    if len(raw) > MAX_BYTES:
        raise BriefgenError.at(name, f"file is {len(raw) / 1048576:.1f} MiB; a brief may be at most 2 MiB")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise BriefgenError.at(name, "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise BriefgenError.at(name, f"not valid UTF-8 (byte 0x{bad}); save the file as UTF-8", line, col) from None
    source = Source(name, {}, text=text)
    builder = _Builder(source)
    try:
        root = builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        raise BriefgenError([_yaml_problem(name, text, exc)]) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        raise BriefgenError([_reader_problem(name, text, exc)]) from None
    if builder.problems:
        raise BriefgenError(builder.problems)
    if root is _EMPTY or root is None:
        raise BriefgenError.at(name, "file is empty; a brief needs at least title, date, summary and trigger", 1, 1)
    if not isinstance(root, dict):
        line, col = source.positions.get((), (1, 1))
        kind = "a list" if isinstance(root, list) else "plain text"
        raise BriefgenError.at(
            name, f"a brief must be a mapping of fields (title: ..., date: ...), not {kind}", line, col
        )
    source.data = root
    return source


_EMPTY = object()


class _Fatal(Exception):
    pass


class _Builder:
    """Turn a libyaml event stream into plain dicts, lists and strings with positions."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []
        # a frame: [container, path, pending key or None]
        self.stack: list[list[Any]] = []
        self.root: Any = _EMPTY
        self.documents = 0

    def fail(self, mark: Any, message: str) -> _Fatal:
        """Record a problem that stops parsing; return the exception to raise."""
        self.problems.append(Problem(self.source.name, mark.line + 1, mark.column + 1, "", message))
        return _Fatal()

    def build(self, events: Iterator[Any]) -> Any:
        try:
            for event in events:
                self.handle(event)
        except _Fatal:
            pass
        return self.root

    def handle(self, ev: Any) -> None:
        if isinstance(ev, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.fail(ev.start_mark, "more than one YAML document ('---'); put one brief per file")
            return
        if isinstance(ev, yaml.AliasEvent):
            raise self.fail(
                ev.start_mark,
                f"aliases (*{ev.anchor}) are not allowed in a brief; write the text out{_STARTS_WITH % '*'}",
            )
        if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
            return
        if not isinstance(ev, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            return
        if ev.anchor is not None:
            raise self.fail(
                ev.start_mark,
                f"anchors (&{ev.anchor}) are not allowed in a brief; write the text out{_STARTS_WITH % '&'}",
            )
        if ev.tag is not None:
            tag = ev.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.fail(
                ev.start_mark, f"YAML tags ({tag}) are not allowed in a brief; remove the tag{_STARTS_WITH % '!'}"
            )
        start: Any = ev.start_mark
        mark = (start.line + 1, start.column + 1)
        if isinstance(ev, yaml.ScalarEvent):
            empty_plain = not ev.style and ev.value in _NULLS  # libyaml gives plain as "", PyYAML None
            loc = self.add(None if empty_plain else ev.value, mark, ev, is_scalar=True)
            end: Any = ev.end_mark
            self.source.spans[loc] = (start.index, end.index)
            return
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(ev.start_mark, f"nested more than {MAX_DEPTH} levels deep; a brief needs far fewer")
        container: dict[str, Any] | list[Any] = {} if isinstance(ev, yaml.MappingStartEvent) else []
        path = self.add(container, mark, ev, is_scalar=False)
        self.stack.append([container, path, None])

    def add(self, value: Any, mark: Mark, ev: Any, *, is_scalar: bool) -> PathKey:
        src = self.source
        if not self.stack:
            self.root = value
            src.positions[()] = mark
            return ()
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            loc = (*path, len(container))
            container.append(value)
            src.positions[loc] = mark
            return loc
        if frame[2] is None:  # this node is a key
            if not is_scalar:
                raise self.fail(ev.start_mark, "a key must be plain text, not a list or mapping")
            key = ev.value
            loc = (*path, key)
            if key in container:
                first = src.key_positions[loc][0]
                self.problems.append(
                    Problem(src.name, *mark, dotted(loc), f"duplicate key (first defined at line {first})")
                )
                loc = (*path, f"\0duplicate:{mark[0]}:{key}")
            else:
                src.key_positions[loc] = mark
            frame[2] = loc
            return loc
        key_loc: PathKey = frame[2]
        frame[2] = None
        if isinstance(key_loc[-1], str) and not key_loc[-1].startswith("\0"):
            container[key_loc[-1]] = value
        # an empty value points at its key, where the writer will look
        src.positions[key_loc] = src.key_positions.get(key_loc, mark) if value is None and ev.value == "" else mark
        return key_loc


def _yaml_problem(name: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    # libyaml reports a tab indent obscurely; find it and say so plainly
    for number in range(min(line, len(lines)), 0, -1):
        current = lines[number - 1]
        indent = current[: len(current) - len(current.lstrip(" \t"))]
        if "\t" in indent and number >= line - 1:
            return Problem(name, number, indent.index("\t") + 1, "", "tab used for indentation; indent with spaces")
    start = exc.context_mark
    opened_line = start.line + 1 if start is not None else line
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    plain = _in_plain_words(exc.problem or "", exc.context or "", source_line, col, opened_line)
    if plain:
        return Problem(name, line, col, "", f"invalid YAML: {plain}")
    message = exc.problem or "invalid YAML"
    if exc.context:
        # an unclosed quote or bracket is found far from where it opened: say where that was
        opened = f" at line {opened_line}" if opened_line != line else ""
        message = f"{message} ({exc.context}{opened})"
    return Problem(name, line, col, "", f"invalid YAML: {message}")


_QUOTE_IT = "put the whole value in quotes"
_CLOSING = {"[": "]", "{": "}"}
_KIND = {"[": "list", "{": "mapping"}


def _in_plain_words(problem: str, context: str, source_line: str, col: int, opened_line: int) -> str:
    """libyaml's message for the mistakes writers make, in their words; "" for the rest.

    Most come from a value that YAML reads as something other than text because of how it starts
    (``[``, ``*``, ``@``, a quote) or because it holds ``: ``.
    """
    value = source_line.split(": ", 1)[1].lstrip() if ": " in source_line else source_line.lstrip(" -")
    first = value[:1]
    if problem == "mapping values are not allowed in this context":
        return f"unexpected ':' here; if the text holds ': ', {_QUOTE_IT}; if it starts a new key, line it up above"
    if problem == "found character that cannot start any token":
        if first in _KIND:
            return f"a value starting with '{first}' is read as a YAML {_KIND[first]}; {_QUOTE_IT}"
        return f"a value cannot start with '{source_line[col - 1 : col] or first}'; {_QUOTE_IT}"
    if "while scanning an alias" in context:
        return f"a value starting with '*' is read as a YAML alias (as Markdown emphasis can be); {_QUOTE_IT}"
    if problem == "mapping keys are not allowed in this context":
        return f"a value starting with '? ' is read as a YAML key; {_QUOTE_IT}"
    if "while scanning a quoted scalar" in context and "end of stream" in problem:
        return f"the quote opened at line {opened_line} is never closed"
    if "while parsing a flow" in context:
        bracket = "[" if "sequence" in context else "{"
        return (
            f"the '{bracket}' at line {opened_line} starts a YAML {_KIND[bracket]} that is never closed; "
            f"if the text starts with '{bracket}', {_QUOTE_IT}"
        )
    if "while scanning a block scalar" in context:
        return "after '|' or '>', the text must start on the next line, indented under the key"
    if problem == "did not find expected key" and "block mapping" in context:
        if first in _KIND:
            return f"text goes on after the '{_CLOSING[first]}' that closes this value's '{first}'; {_QUOTE_IT}"
        if first in "\"'":
            return (
                "text goes on after the quote that closes this value; inside a quoted value write a quote as"
                " \\\" (in \"...\") or '' (in '...')"
            )
        return "this line is not lined up with the lines above it; check its indentation"
    return ""


def _reader_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line, col = line_col(text, position)
        char = getattr(exc, "character", None)
        if isinstance(char, str) and len(char) == 1:
            char = ord(char)
        code = f"U+{char:04X}" if isinstance(char, int) else "a control character"
        return Problem(name, line, col, "", f"contains {code}, which YAML does not allow; remove it")
    return Problem(name, 1, 1, "", f"invalid YAML: {exc}")


def walk_strings(data: Any, loc: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from walk_strings(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from walk_strings(value, (*loc, i))


def find_briefs(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into brief files, sorted; report folders with none."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in BRIEF_SUFFIXES and p.is_file())
            if not inside:
                problems.append(Problem(str(path), 0, 0, "", "no briefs found here (*.yaml or *.yml files)"))
            found.extend(inside)
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = [p for p in found if not (p.resolve() in seen or seen.add(p.resolve()))]  # type: ignore[func-returns-value]
    return unique, problems
