"""The tokens of a Markdown field of paragraphs made without markdown-it's block rules, and without its inline
rules where the text is plain (text, line breaks and citations): those rules try every rule at every line and
every special character, and most fields of a brief are like that. A field with any other block is left to
markdown-it (``parse`` returns None); a paragraph with emphasis, a link or code to its inline rules.

A line is a paragraph's when it cannot start any other block (no quote, list, rule, fence, HTML, reference
or heading marker, no indent) and holds no whitespace at either end (the parser trims it or makes a hard
break of it); its text is plain when its only special characters are line breaks and citations
(``[@id]``). The core rules after the inline one (the typographer's quotation marks) run as the parser's own.
tests/test_mdhtml_speed.py holds the tokens to markdown-it's.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, MutableMapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from briefgen.model import CITATION_RE

# a line starting so may open a block other than a paragraph (digits: an ordered list's item; a "*" before a
# space: a bullet; three "*" or "_" alone: a thematic break); emphasis may start a line
_BLOCK_START = re.compile(r"[>\-+=#<`~\[\s]|[0-9]+[.)]|\*(?:[ \t]|$)|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$")
# characters an inline rule of the renderers' parser starts at: only "\n" and a citation's "[" are plain
_INLINE_SPECIAL = re.compile(r"[\n\[\]\\`*_!<&]")
# by parser (one per language, kept for the process): its core rules after "inline"
_AFTER_INLINE: weakref.WeakKeyDictionary[MarkdownIt, list[Callable[[StateCore], None]]] = weakref.WeakKeyDictionary()


def citation_meta(match: re.Match[str], in_link: bool) -> dict[str, Any]:
    """A citation token's meta (the citation rule's): the ids cited, and whether it sits in a link's text."""
    return {"ids": [part.strip().lstrip("@") for part in match.group(1).split(";")], "in_link": in_link}


def parse(md: MarkdownIt, text: str, env: MutableMapping[str, Any]) -> list[Token] | None:
    """``md.parse(text, env)`` for a field of paragraphs only, else None."""
    if "\r" in text or "\0" in text:  # the normalize rule would change them
        return None
    tokens = _paragraphs(text.split("\n"))
    if tokens is None:
        return None
    for inline in tokens[1::3]:
        children = _children(inline.content)
        if children is None:  # emphasis, a link, code: the parser's inline rules read it (as its core rule does)
            children = []
            md.inline.parse(inline.content, md, env, children)
        inline.children = children
    if md not in _AFTER_INLINE:
        enabled = [rule for rule in md.core.ruler.__rules__ if rule.enabled]
        names = [rule.name for rule in enabled]
        _AFTER_INLINE[md] = [rule.fn for rule in enabled[names.index("inline") + 1 :]]
    state = StateCore(text, md, env)
    state.tokens = tokens
    for rule in _AFTER_INLINE[md]:
        rule(state)
    return state.tokens


def _paragraphs(lines: list[str]) -> list[Token] | None:
    """The block tokens of lines that are all a paragraph's or blank, else None."""
    tokens: list[Token] = []
    start = None
    for number, line in enumerate([*lines, ""]):
        if line:
            if _BLOCK_START.match(line) or line[-1].isspace():
                return None
            if start is None:
                start = number
            continue
        if start is not None:
            opening = Token("paragraph_open", "p", 1, map=[start, number], block=True)
            inline = Token("inline", "", 0, map=[start, number], level=1, content="\n".join(lines[start:number]))
            inline.block, inline.children = True, []
            tokens += [opening, inline, Token("paragraph_close", "p", -1, block=True)]
            start = None
    return tokens


def _children(content: str) -> list[Token] | None:
    """The inline tokens of a paragraph's text whose only special characters are line breaks and citations."""
    children: list[Token] = []
    done = 0  # the text before this offset is in a token
    for found in _INLINE_SPECIAL.finditer(content):
        at = found.start()
        if at < done:  # inside a citation read already
            continue
        if content[at] == "[":
            citation = CITATION_RE.match(content, at)
            if citation is None:
                return None
            if at > done:
                children.append(Token("text", "", 0, content=content[done:at]))
            children.append(Token("citation", "", 0, content=citation.group(0), meta=citation_meta(citation, False)))
            done = citation.end()
        elif content[at] == "\n":
            if at > done:
                children.append(Token("text", "", 0, content=content[done:at]))
            children.append(Token("softbreak", "br", 0))
            done = at + 1
        else:
            return None
    if done < len(content):
        children.append(Token("text", "", 0, content=content[done:]))
    return children
