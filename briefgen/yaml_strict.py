"""Where libyaml lets pass what YAML 1.2 refuses, or reads it with another meaning (or, once, refuses what it
allows): found in the text around and inside the nodes libyaml reports, so that a brief means what its writer sees.

Each check answers cases of the YAML test suite (tests/test_yaml_suite.py) that libyaml accepts: a comment with
no space before its '#' (SU5Z, X4QW), a line inside a value less indented than its key (9C9N, QB6E, DK95-01),
lines of spaces above a block scalar's first line (S98Z), '?' before a key in '{...}' (652Z), a last line of
spaces with no line break (L24T-01). And libyaml breaks lines where editors do not (U+2028, U+2029, U+0085), or
an editor does and YAML 1.2 does not (a lone CR), which would shift every line number after it. The one thing
libyaml refuses and YAML allows: '...' (a document's end) before the first document (HWV9, QT73).
Each check returns the offset of the first problem and what to tell the writer.
"""

from __future__ import annotations

import functools
import re

Found = tuple[int, str] | None

_SPACE = " \t\r\n"
_CLOSE = {"[": "]", "{": "}"}
_KIND = {"[": "list", "{": "mapping"}
_SPACES = re.compile(" *")
_BLANK_LINES = re.compile("(?: *\r?\n)*")
_BLANKS = re.compile("[ \t]*")
_HEADER = re.compile(r"[|>][0-9+-]*")
_INDICATORS = re.compile(r"[,\[\]{}]*")
_QUOTE_IT = "put the text in quotes"
# what may need a look between two nodes: a comment, a %TAG directive, and inside '[...]' or '{...}' a '?'
_BLOCK_STOPS = re.compile(r"#|^%TAG", re.MULTILINE)
_FLOW_STOPS = re.compile(r"[#?]|^%TAG", re.MULTILINE)
# YAML 1.2 breaks lines at LF and CRLF only; libyaml also at these, and editors at some of them
_ODD_BREAKS = re.compile("[\u2028\u2029\x85]|\r(?!\n)")
_ODD_NAMES = {"\u2028": "U+2028 (line separator)", "\u2029": "U+2029 (paragraph separator)", "\x85": "U+0085"}


def line_break_problems(text: str) -> list[tuple[int, str]]:
    """Every character that libyaml counts as a line break and editors may not, or the other way round."""
    found: list[tuple[int, str]] = []
    if all(char not in text for char in "\r\u2028\u2029\x85"):
        return found  # the usual file, quickly
    for match in _ODD_BREAKS.finditer(text):
        char = match.group()
        if char == "\r" and any(not message.startswith("contains") for _, message in found):
            continue  # one lone CR is enough to tell: the whole file was saved so
        found.append((match.start(), _break_message(char)))
    return found


def _break_message(char: str) -> str:
    if char == "\r":
        return (
            "a line ends in a carriage return (CR) alone, which editors and YAML count differently;"
            " save the file with LF or CRLF line ends"
        )
    return (
        f"contains {_ODD_NAMES[char]}, which YAML's parser counts as a line break and most editors do not;"
        " replace it with a line break or a space"
    )


def suspects(text: str) -> list[int]:
    """Where gap_problem may find something: a '#' after a non-blank, a '?' before one. Most are inside text (a
    '#' in "C#"); finding them all at once lets the gaps without any go unread."""
    found = []
    for char, near in (("#", -1), ("?", 1)):
        at = text.find(char)
        while at != -1:
            if 0 <= at + near < len(text) and text[at + near] not in _SPACE:
                found.append(at)
            at = text.find(char, at + 1)
    return sorted(found)


def gap_problem(text: str, start: int, end: int, flow: str) -> Found:
    """The first problem in ``text[start:end]``, which holds no node (indicators, comments, line breaks only),
    inside the '[' or '{' ``flow`` ("" outside them)."""
    stops = _FLOW_STOPS if flow else _BLOCK_STOPS
    found = stops.search(text, start, end)
    while found:
        at, after = found.start(), found.start() + 1
        if found.group() == "#":
            if at and text[at - 1] not in _SPACE:
                return at, _lost_comment(text, at)
            after = _line_end(text, at)
        elif found.group() == "%TAG":
            after = _line_end(text, at)  # its URI may hold a '#'
        elif found.group() == "?" and text[after : after + 1] not in ("", " ", "\t", "\r", "\n"):
            # YAML 1.2 reads '?foo' as the text "?foo"; libyaml drops the '?'
            return at, f"inside '{flow}...{_CLOSE[flow]}', '?' before text is dropped as a key marker; {_QUOTE_IT}"
        found = stops.search(text, after, end)
    return None


def flow_lines_problem(text: str, start: int, end: int, required: int, flow: str, flow_line: int) -> Found:
    """A line starting in ``text[start:end]`` (between two nodes) inside the '[' or '{' ``flow``, opened at
    ``flow_line``, that is indented by fewer than ``required`` spaces."""
    short = _short_line(text, start, end, required, comments=True) if text.find("\n", start, end) != -1 else None
    if short is None:
        return None
    return short, _indent_message(text, short, f"the '{flow}' {_KIND[flow]} from line {flow_line}")


def after_last_node(text: str, at: int) -> Found:
    """A comment with no space before it just after the last node libyaml gave (past brackets and commas, which
    no text holds there) when libyaml then stopped with an error: the comment swallowed the rest of the line, so
    what libyaml says about the lines after it misleads."""
    at = _skip(_INDICATORS, text, at)
    if 0 < at < len(text) and text[at] == "#" and text[at - 1] not in _SPACE:
        return at, _lost_comment(text, at)
    return None


def scalar_problem(text: str, start: int, end: int, style: str | None, value: str, required: int) -> Found:
    """What libyaml lets pass in the scalar written at ``text[start:end]``, which must indent every later line
    by ``required`` spaces."""
    if style in ("|", ">"):
        return _block_scalar_problem(text, start, value, required)
    short = _short_line(text, start, end, required, comments=False)
    if short is None:
        return None
    what = "the quoted text" if style in ("'", '"') else "the text"
    return short, _indent_message(text, short, f"{what} from line {text.count(chr(10), 0, start) + 1}")


def _block_scalar_problem(text: str, start: int, value: str, required: int) -> Found:
    header = _HEADER.match(text, start)
    if header is None:  # a block scalar starts at its '|' or '>'
        return None
    after = header.end()
    if text[after : after + 1] == "#":
        return after, _lost_comment(text, after, f"'{header.group()}'")
    if not any(char.isdigit() for char in header.group()):
        found = _leading_blanks(text, _line_end(text, after) + 1, required, header.group()[0])
        if found:
            return found
    last = value.rsplit("\n", 1)[-1]
    if "-" not in header.group() and last and not last.strip(" \t"):
        # the line is text to libyaml, but YAML 1.2 reads it as ending in a line break
        return text.rfind("\n") + 1, (
            f"the file ends, with no line break, in a line of spaces inside the text under '{header.group()[0]}';"
            " remove the spaces or end the file with a line break"
        )
    return None


def _leading_blanks(text: str, at: int, required: int, indicator: str) -> Found:
    """A line of spaces, above the first line of a block scalar, longer than that line's indentation: YAML 1.2
    refuses it; libyaml takes the scalar to be indented that much, and the first line (a '#...') for a comment."""
    first = _skip(_BLANK_LINES, text, at)
    indent = _skip(_SPACES, text, first) - first
    if first + indent == len(text) or indent < required:
        return None  # no text: the lines of spaces are the scalar's last, or belong to what follows it
    longer = re.compile(f"^ {{{indent + 1}}}", re.MULTILINE).search(text, at, first)
    if longer is None:
        return None
    return longer.start() + indent, (
        f"this line of spaces is longer than the indentation of line {text.count(chr(10), 0, first) + 1}, the"
        f" first line of the text under '{indicator}'; remove the spaces"
    )


def _short_line(text: str, start: int, end: int, required: int, *, comments: bool) -> int | None:
    """Where a line that starts in ``text[start:end]`` goes on after fewer than ``required`` spaces; lines of
    blanks only, and comments if ``comments``, may sit anywhere."""
    if required <= 0:
        return None
    candidates = _short_lines(required, comments)
    found = candidates.search(text, start, end)
    while found:
        line = found.start() + 1
        spaces = _skip(_SPACES, text, line) - line
        first = _skip(_BLANKS, text, line)
        if text[first : first + 1] not in ("", "\n", "\r") and not (comments and text[first] == "#"):
            return line + spaces
        found = candidates.search(text, found.end(), end)  # a line of blanks with a tab, say
    return None


@functools.lru_cache(maxsize=64)
def _short_lines(required: int, comments: bool) -> re.Pattern[str]:
    """The line breaks that may start a line indented by fewer than ``required`` spaces (a regular expression
    finds them quickly; _short_line looks closer)."""
    return re.compile(f"\n {{0,{required - 1}}}(?![ \n\r{'#' if comments else ''}])")


def _indent_message(text: str, at: int, what: str) -> str:
    tab = "; a tab does not count as indentation" if text[at] == "\t" else ""
    return f"{what} goes on in this line, which must be indented further than its key (or '-'){tab}"


def _lost_comment(text: str, at: int, after: str = "") -> str:
    before = text[at - 1]
    rest = text[at : _line_end(text, at)].rstrip()
    shown = rest if len(rest) <= 30 else rest[:27] + "..."
    if before in "\"'":
        where, hint = "the closing quote", ", or put the '#' inside the quotes"
    else:
        where, hint = after or f"'{before}'", "" if after else f", or {_QUOTE_IT}"
    return f"'{shown}' right after {where} would be lost: put a space before '#' to start a comment{hint}"


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end == -1 else end


def _skip(pattern: re.Pattern[str], text: str, at: int) -> int:
    match = pattern.match(text, at)
    return match.end() if match else at


# lines before the first document that are blank, comments or document ends ('...'): YAML allows the ends,
# libyaml refuses them, and blanking them changes no position
_LEADING_ENDS = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n|\.\.\.(?:[ \t]+#[^\n]*|[ \t]*)\r?(?:\n|\Z))*")


def without_leading_ends(text: str) -> str:
    """``text`` with the document ends before its first document blanked, for libyaml to read."""
    match = _LEADING_ENDS.match(text)
    if match is None or "..." not in match.group():
        return text
    return re.sub(r"(?m)^\.\.\.", "   ", match.group()) + text[match.end() :]
