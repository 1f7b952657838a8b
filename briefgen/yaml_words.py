"""libyaml's errors told in a writer's words, at the line and column an editor shows (lines end at LF)."""

from __future__ import annotations

import yaml

from briefgen.errors import Problem


def line_col(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset in ``text``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def yaml_problem(name: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """The problem a libyaml syntax error stands for, located where libyaml gave up."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.split("\n")  # as libyaml counts them: str.splitlines also breaks at \v, \f and \x1c-\x1e
    if line > len(lines):  # libyaml's end of a file with no final line break is on a line after it
        line, col = len(lines), len(lines[-1]) + 1
    # libyaml reports a tab indent obscurely; find it and say so plainly
    for number in range(min(line, len(lines)), 0, -1):
        current = lines[number - 1]
        indent = current[: len(current) - len(current.lstrip(" \t"))]
        if "\t" in indent and number >= line - 1:
            return Problem(name, number, indent.index("\t") + 1, "", "tab used for indentation; indent with spaces")
    start = exc.context_mark
    opened_line = start.line + 1 if start is not None else line
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    plain = in_plain_words(exc.problem or "", exc.context or "", source_line, col, opened_line)
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


def in_plain_words(problem: str, context: str, source_line: str, col: int, opened_line: int) -> str:
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
        closed = source_line[: col - 1].rstrip(" \t")[-1:]
        if problem.startswith("did not find expected ','") and closed and closed in "\"']}":
            return _text_after_item(closed, bracket, source_line[col - 1 : col])
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


def _text_after_item(closed: str, bracket: str, char: str) -> str:
    """An item of a '[...]' or '{...}' closed by ``closed`` and followed on its line by ``char``."""
    if char == ":" and closed in "\"'":
        return "a quoted key inside '[...]' or '{...}' must be written on one line; join its lines"
    between = f"separate the items of '{bracket}...{_CLOSING[bracket]}' with ','"
    if closed in "]}":
        return f"text goes on after the '{closed}' that closes this item; {between}"
    return (
        f"text goes on after the quote that closes this item; {between}, and inside a quoted item write a quote as"
        " \\\" (in \"...\") or '' (in '...')"
    )


def reader_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    """The problem a libyaml reader error stands for: a character YAML does not allow, located."""
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line, col = line_col(text, position)
        char = getattr(exc, "character", None)
        if isinstance(char, str) and len(char) == 1:
            char = ord(char)
        code = f"U+{char:04X}" if isinstance(char, int) else "a control character"
        return Problem(name, line, col, "", f"contains {code}, which YAML does not allow; remove it")
    return Problem(name, 1, 1, "", f"invalid YAML: {exc}")
