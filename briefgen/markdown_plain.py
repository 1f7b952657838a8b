"""Plain paragraphs of a Markdown field (text, line breaks, citations and emphasis, nothing mdformat would
escape) written as mdformat writes them, at a fraction of its cost: most fields of a brief are like that.

mdformat's text renderer changes only tabs, runs of spaces, backslashes, ``* _ [ ] < ` &``, "\\n\\n" and a
"!" before a link; its paragraph renderer strips each line and escapes a line that starts like other syntax
(``# > - * + =``, digits, a thematic break, HTML), and writes leading or trailing whitespace as a character
reference. A field with none of those is its text with runs of spaces made one and its lines stripped;
emphasis is written with the markers it was typed with (mdformat's em and strong), and a line may start with
one when it is not all markers (a thematic break) nor one ``*`` before a space (a list item).
tests/test_speed.py and tests/test_mdhtml_speed.py (emphasis) hold this to mdformat's own output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markdown_it.token import Token

_ESCAPED = re.compile(r"[\t\n\\*_\[\]<>`&]")
_LINE_SYNTAX = re.compile(r"[#>*+\-=_<0-9]")
_SPACES = re.compile(" {2,}")
_EMPHASIS = frozenset({"em_open", "em_close", "strong_open", "strong_close"})
_MARKERS = frozenset("*_")
_LIST_ITEM = re.compile(r"[-*+]( |\t|$)")
_ONE_PARAGRAPH = ["paragraph_open", "inline", "paragraph_close"]
# mdformat.codepoints.UNICODE_WHITESPACE (tab, line feed, form feed, carriage return and the Zs characters),
# written out: importing mdformat only for it cost every Markdown build its package and its punctuation table
_WHITESPACE = frozenset(
    "\t\n\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)


def to_markdown(tokens: Sequence[Token], cite: Callable[[list[str]], str]) -> str | None:
    """The Markdown mdformat writes for ``tokens`` if they are plain paragraphs, else None (``cite``: a
    citation's ids as Markdown); it numbers citations only when it returns the Markdown."""
    if not _plain(tokens):
        return None
    paragraphs = []
    for inline in tokens[1::3]:
        lines = [line.strip() for line in _joined(inline.children or [], None).split("\n")]
        if not all(line and _plain_start(line) for line in lines):
            return None
        paragraphs.append(inline)
    return "\n\n".join(
        "\n".join(line.strip() for line in _joined(p.children or [], cite).split("\n")) for p in paragraphs
    )


def _joined(children: Sequence[Token], cite: Callable[[list[str]], str] | None) -> str:
    """The paragraph's text, runs of spaces made one, its citations as ``cite`` writes them (as "[]" if None)."""
    parts = []
    for child in children:
        if child.type == "text":
            parts.append(_SPACES.sub(" ", child.content))
        elif child.type == "softbreak":
            parts.append("\n")
        elif child.type in _EMPHASIS:
            parts.append(child.markup)
        else:
            parts.append(cite(child.meta["ids"]) if cite else "[]")
    return "".join(parts)


def _plain_start(line: str) -> bool:
    """Whether mdformat's paragraph renderer leaves the start of this stripped line alone: no line syntax, or
    an emphasis marker (text has no ``*`` nor ``_``: they are markers) that starts neither a list item nor a
    thematic break."""
    if not _LINE_SYNTAX.match(line):
        return True
    if line[0] not in _MARKERS or _LIST_ITEM.match(line):
        return False
    return not set(line.replace(" ", "").replace("\t", "")) <= _MARKERS


_KINDS = frozenset({"text", "softbreak", "citation", *_EMPHASIS})


def _plain(tokens: Sequence[Token]) -> bool:
    if not tokens or [t.type for t in tokens] != _ONE_PARAGRAPH * (len(tokens) // 3):
        return False
    for inline in tokens[1::3]:
        for child in inline.children or []:
            if child.type == "text" and _ESCAPED.search(child.content):
                return False
            if child.type not in _KINDS or (child.type == "citation" and child.meta["in_link"]):
                return False
        text = _joined(inline.children or [], None)  # as rendered: an entity (&nbsp;, &#32;) decoded
        if text[:1] in _WHITESPACE or text[-1:] in _WHITESPACE:
            return False  # mdformat writes it as a character reference
    return True
