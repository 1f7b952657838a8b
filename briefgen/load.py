"""Read a YAML brief safely into plain data, keeping the line and column of every node.

Parsing uses libyaml's event stream (PyYAML's ``CSafeLoader``): it is fast, gives a mark for
every event, and building the data ourselves lets us decide every scalar's type. Every scalar
stays the text the writer typed (no YAML 1.1 booleans, octals or sexagesimals); only an empty
value or ``~``/``null`` becomes ``None``. Anchors, aliases and tags are refused, so alias bombs
and object construction cannot happen. Where libyaml is laxer than YAML 1.2 the brief is refused
at the place it goes wrong (yaml_strict), and libyaml's own errors are told in a writer's words
(yaml_words).
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import BriefgenError, Problem
from briefgen.yaml_strict import (
    after_last_node,
    flow_lines_problem,
    gap_problem,
    line_break_problems,
    scalar_problem,
    suspects,
    without_leading_ends,
)
from briefgen.yaml_words import line_col, reader_problem, yaml_problem

# a writer who meant text gets told how to keep it text
_STARTS_WITH = " (text that starts with '%s' needs quotes)"

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
BRIEF_SUFFIXES = (".yaml", ".yml")

PathKey = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NODE_EVENTS = frozenset({yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent})


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
    return parse_source(read_brief(path, name), name)


_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}
_KINDS |= {stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


def read_brief(path: Path, name: str) -> bytes:
    """The bytes of the brief file at ``path`` (``name`` as problems show it): a regular file of at most MAX_BYTES."""
    try:
        _check_file(os.stat(path), name)
        # a FIFO put in the file's place after the stat must not block the open; the fstat then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as handle:
            _check_file(os.fstat(fd), name)
            raw = handle.read(MAX_BYTES + 1)  # a file that grows while read is still read no further
    except OSError as exc:
        raise BriefgenError.at(name, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise BriefgenError.at(name, "file is over 2 MiB; a brief may be at most 2 MiB")
    return raw


def _check_file(info: os.stat_result, name: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "something else")
        raise BriefgenError.at(name, f"not a regular file ({kind}); a brief must be a file")
    if info.st_size > MAX_BYTES:
        raise BriefgenError.at(name, f"file is {info.st_size / 1048576:.1f} MiB; a brief may be at most 2 MiB")


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
    odd = line_break_problems(text)
    if odd:  # they would shift every later line libyaml reports against what the writer's editor shows
        raise BriefgenError([Problem(name, *line_col(text, at), "", message) for at, message in odd])
    source = Source(name, {}, text=text)
    builder = _Builder(source, without_leading_ends(text))
    try:
        root = builder.build(yaml.parse(builder.text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        found = after_last_node(builder.text, builder.checked)
        raise BriefgenError([builder.problem_at(*found) if found else yaml_problem(name, text, exc)]) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        raise BriefgenError([reader_problem(name, text, exc)]) from None
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


@dataclass(slots=True)
class _Frame:
    """An open mapping or list: where its nodes go, and how its lines must be indented."""

    container: dict[str, Any] | list[Any]
    path: PathKey
    flow: str  # its '[' or '{', or "" for a block collection
    indent: int  # the spaces a line of a node inside it needs: one more than the innermost block's column
    line: int  # the line it starts on
    key: PathKey | None = None  # a mapping's key waiting for its value
    duplicate: bool = False  # that key repeats an earlier one: its value is not kept


class _Builder:
    """Turn a libyaml event stream into plain dicts, lists and strings with positions."""

    def __init__(self, source: Source, text: str) -> None:
        self.source = source
        self.text = text  # what libyaml reads: the source's text, or one with the same lines and columns
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.root: Any = _EMPTY
        self.documents = 0
        self.checked = 0  # the text before this offset is checked
        self.late: tuple[int, str] | None = None
        self.suspects, self.next_suspect = suspects(text), 0

    def problem_at(self, index: int, message: str) -> Problem:
        return Problem(self.source.name, *line_col(self.text, index), "", f"invalid YAML: {message}")

    def fail(self, mark: Any, message: str) -> _Fatal:
        """Record a problem that stops parsing; return the exception to raise."""
        self.problems.append(Problem(self.source.name, mark.line + 1, mark.column + 1, "", message))
        return _Fatal()

    def build(self, events: Iterator[Any]) -> Any:
        try:
            for event in events:
                self.check(event)
                self.handle(event)
        except _Fatal:
            pass
        return self.root

    def check(self, ev: Any) -> None:
        """Refuse what libyaml lets pass between the last node and this one, and inside this one."""
        text, start, end, kind = self.text, ev.start_mark.index, ev.end_mark.index, type(ev)
        top = self.stack[-1] if self.stack else None
        flow = top.flow if top else ""
        upto = start
        if kind is yaml.DocumentStartEvent:
            upto = end  # it spans the directives before its '---'
        elif flow and kind is yaml.MappingStartEvent and text.startswith("?", start):
            upto = start + 1  # a one-pair mapping in '[...]' starts at its '?'
        found = gap_problem(text, self.checked, upto, flow) if self.suspects and self.suspect(upto) else None
        late = flow_lines_problem(text, self.checked, upto, top.indent, flow, top.line) if top and flow else None
        if kind is yaml.ScalarEvent and (ev.style in ("|", ">") or text.find("\n", start, end) != -1):
            inside = scalar_problem(text, start, end, ev.style, ev.value, top.indent if top else 0)
            found, late = (found, late or inside) if flow else (found or inside, late)
        if end > self.checked:
            self.checked = end
        # a line too little indented inside '[...]' waits for its ']': libyaml may yet find it never closed,
        # which tells the writer more
        self.late = self.late or late
        if found is None and self.late is None:
            return
        closes = flow and kind in (yaml.SequenceEndEvent, yaml.MappingEndEvent)
        if found or (closes and not (len(self.stack) > 1 and self.stack[-2].flow)):
            first = min(x for x in (found, self.late) if x)
            self.problems.append(self.problem_at(*first))
            raise _Fatal()

    def suspect(self, upto: int) -> bool:
        """Whether the text from ``checked`` to ``upto`` holds one of the suspects."""
        at, suspects = self.next_suspect, self.suspects
        while at < len(suspects) and suspects[at] < self.checked:
            at += 1
        self.next_suspect = at
        return at < len(suspects) and suspects[at] < upto

    def handle(self, ev: Any) -> None:
        kind = type(ev)  # the parser makes each kind of event of its own class, never a subclass
        if kind not in _NODE_EVENTS:
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.stack.pop()
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise self.fail(ev.start_mark, "more than one YAML document ('---'); put one brief per file")
            elif kind is yaml.AliasEvent:
                raise self.fail(
                    ev.start_mark,
                    f"aliases (*{ev.anchor}) are not allowed in a brief; write the text out{_STARTS_WITH % '*'}",
                )
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
        if kind is yaml.ScalarEvent:
            empty_plain = not ev.style and ev.value in _NULLS  # libyaml gives plain as "", PyYAML None
            loc = self.add(None if empty_plain else ev.value, mark, ev, is_scalar=True)
            end: Any = ev.end_mark
            self.source.spans[loc] = (start.index, end.index)
            return
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(ev.start_mark, f"nested more than {MAX_DEPTH} levels deep; a brief needs far fewer")
        container: dict[str, Any] | list[Any] = {} if kind is yaml.MappingStartEvent else []
        path = self.add(container, mark, ev, is_scalar=False)
        if ev.flow_style:
            opening = self.text[start.index : start.index + 1]
            indent = self.stack[-1].indent if self.stack else 0
            self.stack.append(_Frame(container, path, opening if opening in "[{" else "[", indent, mark[0]))
        else:
            self.stack.append(_Frame(container, path, "", start.column + 1, mark[0]))

    def add(self, value: Any, mark: Mark, ev: Any, *, is_scalar: bool) -> PathKey:
        src = self.source
        if not self.stack:
            self.root = value
            src.positions[()] = mark
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            loc = (*frame.path, len(frame.container))
            frame.container.append(value)
            src.positions[loc] = mark
            return loc
        if frame.key is None:  # this node is a key
            if not is_scalar:
                raise self.fail(ev.start_mark, "a key must be plain text, not a list or mapping")
            loc = (*frame.path, ev.value)
            frame.key, frame.duplicate = loc, ev.value in frame.container
            if frame.duplicate:
                first = src.key_positions[loc][0]
                self.problems.append(
                    Problem(src.name, *mark, dotted(loc), f"duplicate key (first defined at line {first})")
                )
            else:
                src.key_positions[loc] = mark
            return loc
        loc, frame.key = frame.key, None
        key = loc[-1]
        if not frame.duplicate and isinstance(key, str):  # a repeated key's value goes nowhere: it is refused
            frame.container[key] = value
            # an empty value points at its key, where the writer will look
            src.positions[loc] = src.key_positions.get(loc, mark) if value is None and ev.value == "" else mark
        return loc


def walk_strings(data: Any, loc: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every string in ``data`` with its path, depth first in order (collected by one call per mapping or list,
    not one generator per value: a brief is walked several times while it is checked)."""
    found: list[tuple[PathKey, str]] = []
    if isinstance(data, str):
        found.append((loc, data))
    elif isinstance(data, (dict, list)):
        _collect_strings(data, loc, found)
    return iter(found)


def _collect_strings(data: dict[Any, Any] | list[Any], loc: PathKey, found: list[tuple[PathKey, str]]) -> None:
    for key, value in data.items() if isinstance(data, dict) else enumerate(data):
        if isinstance(value, str):
            found.append(((*loc, key), value))
        elif isinstance(value, (dict, list)):
            _collect_strings(value, (*loc, key), found)


def find_briefs(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into brief files, sorted; report folders with none."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if is_brief_name(p) and p.is_file())
            if not inside:
                problems.append(Problem(str(path), 0, 0, "", "no briefs found here (*.yaml or *.yml files)"))
            found.extend(inside)
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = [p for p in found if not (p.resolve() in seen or seen.add(p.resolve()))]  # type: ignore[func-returns-value]
    return unique, problems


def is_brief_name(path: Path) -> bool:
    """Whether a file's name says it holds a brief: ending in .yaml or .yml, in any case (Windows saves .YAML)."""
    return path.suffix.lower() in BRIEF_SUFFIXES
