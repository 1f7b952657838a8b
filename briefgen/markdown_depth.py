"""How deep a Markdown field nests, and whether markdown-it would drop part of it for nesting too deep:
checked when a brief is validated (content.py), so that rendering never loses text or recurses too far."""

from __future__ import annotations

import re

from briefgen.markdown import MAX_NESTING, Citations, make_parser, parse

# fields with brackets deeper than this, or longer, are refused without a second parse: a real field is
# never like that, and unmatched brackets cost the inline parser time in proportion to depth x length
_CHECKED_DEPTH, _CHECKED_LENGTH = 5 * MAX_NESTING, 100_000
_DEEP = make_parser()  # room to spare: where its tokens differ from the renderers' parser's, that one dropped text
_DEEP.options["maxNesting"] = 5 * MAX_NESTING
_PARSER = make_parser()  # the renderers' settings

# container markers at the start of a line: a quote takes one parser level, a list two (list and item)
_QUOTE_OR_ITEM = re.compile(r"(>)[ \t]?|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_MAY_NEST = frozenset(" \t>-*+")  # a line starting otherwise (or with a digit) has no indent nor marker


def _block_depth(text: str) -> int:
    """An upper bound of the parser levels quotes and lists take: markers counted as above, and the
    indentation in spaces on top (a nested item is indented by at least its two levels)."""
    depth = 0
    for line in text.splitlines():
        if line[:1] not in _MAY_NEST and not line[:1].isdecimal():  # most lines: no indent, no marker
            continue
        expanded = line.expandtabs(4)
        rest = expanded.lstrip(" ")
        levels = len(expanded) - len(rest)
        while marker := _QUOTE_OR_ITEM.match(rest):
            levels += 1 if marker.group(1) else 2
            rest = rest[marker.end() :].lstrip(" ")
        depth = max(depth, levels)
    return depth


def _bracket_depth(text: str) -> int:
    """How deep unescaped ``[`` go before their ``]``: the inline parser's nesting."""
    if text.count("[") <= MAX_NESTING - 2:  # nearly every field: fewer brackets than the limit, no walk
        return text.count("[")
    depth = brackets = 0
    for char in re.sub(r"\\.", "", text):
        brackets += (char == "[") - (char == "]")
        depth = max(depth, brackets)
    return depth


def nesting_depth(text: str) -> int:
    """An upper bound of how deep quotes, lists and brackets nest in a Markdown field, in parser levels."""
    return max(_block_depth(text), _bracket_depth(text))


def loses_text(text: str) -> bool:
    """Whether markdown-it would drop part of a field for nesting deeper than MAX_NESTING.

    ``nesting_depth``, an upper bound, settles nearly every field at once; a field it cannot clear (a few
    dozen unmatched ``[``, deeply indented code) is parsed again with five times the room, and only
    differing tokens mean loss.
    """
    if nesting_depth(text) <= MAX_NESTING - 2:
        return False
    if _bracket_depth(text) > _CHECKED_DEPTH or len(text) > _CHECKED_LENGTH:
        return True
    try:
        deep = _DEEP.parse(text, {"citations": Citations([])})
    except RecursionError:
        return True
    kept = _PARSER.parse(text, {"citations": Citations([])})
    return [t.as_dict() for t in kept] != [t.as_dict() for t in deep]


def too_deep_inline(text: str) -> bool:
    """Whether emphasis and links nest deeper than MAX_NESTING - 2 levels (200 nested ``**`` exhaust the
    Markdown renderer's recursion); only a field with that many delimiters is parsed to find out."""
    limit = MAX_NESTING - 2
    # emphasis nests one level per pair of delimiters (* and _): a field with fewer of them cannot be too deep
    if text.count("*") + text.count("_") + text.count("[") <= 2 * limit:
        return False
    for token in parse(text):
        depth = 0
        for child in token.children or []:
            depth += child.nesting
            if depth > limit:
                return True
    return False
