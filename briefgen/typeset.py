"""Typesetting touches on rendered HTML: dates that never break, paragraphs whose last word is never hyphenated,
CJK runs tagged with their language (short ones, such as names, kept whole)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

__all__ = ["keep_last_words", "mark_cjk", "unbroken"]

# Han, kana, Hangul and CJK punctuation: runs of these get a lang so the right CJK face is used
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
_LONG_WORD = re.compile(r"[^\s<>&;]{80,}")
_LONG_WORD_START = re.compile(r"(?<![^\s<>&;])[^\s<>&;]{80}")  # whether there is one: tried at word starts only
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_NAME_CHARS = 8  # a CJK run this short is a name or a term: kept on one line (WeasyPrint has no keep-all)


def unbroken(text: str) -> Markup:
    """Escape text for HTML with its spaces made non-breaking (a date such as 7 November 2025)."""
    return Markup(str(escape(text)).replace(" ", "&nbsp;"))


def mark_cjk(html: str, lang: str | None = None) -> Markup:
    """Wrap CJK runs in escaped HTML in <span lang>: kana means ja, Hangul ko, else ``lang`` or zh-Hans."""

    def wrap(match: re.Match[str]) -> str:
        run = match.group()
        tag = "ko" if _HANGUL.search(run) else "ja" if _KANA.search(run) else (lang or "zh-Hans")
        whole = ' class="cjk-name"' if len(run) <= _NAME_CHARS else ""
        return f'<span lang="{tag}"{whole}>{run}</span>'

    def mark(text: str) -> str:
        text = _CJK_RUN.sub(wrap, text)
        # hyphenating a very long word costs the PDF engine time that grows with its cube: break it anywhere
        return _LONG_WORD.sub(lambda m: f'<span class="long-word">{m.group()}</span>', text)

    if not _CJK_RUN.search(html) and not _LONG_WORD_START.search(html):  # nearly every field: nothing to mark
        return Markup(html)
    parts = re.split(r"(<[^>]*>)", html)
    return Markup("".join(p if p.startswith("<") else mark(p) for p in parts))


# Tags a paragraph's last word may sit inside; any other tag ends the search for it.
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "cite",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
    ]
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_LAST_WORD = re.compile(r"([^\s<>]*[^\W\d_][^\s<>]*)(\s*)$")
# a no-break space (French, before ? and inside « ») holds a word to its mark: "question ?" is one last word
# (a slower pattern, used only on text that has one)
_WORD_CHAR = r"[^ \t\n\r\f\v\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u205f\u3000<>]"
_LAST_WORD_HELD = re.compile(f"({_WORD_CHAR}*[^\\W\\d_]{_WORD_CHAR}*)(\\s*)$")
_ENDS = ("p", "li", "td")
_END_STARTS = frozenset({"<p", "<P", "<l", "<L", "<t", "<T"})  # a tag that may open one of _ENDS starts so
_BADGE = re.compile(r'<span class="confidence[ "]')
_UNHYPHENATED = re.compile(r'class="(?:[^"]* )?(?:marking|page-marking|page-running|generated)[ "]')  # banners


def keep_last_words(html: str) -> str:
    """Wrap the last word of every paragraph, list item and table cell of a page's body in a span that is
    never hyphenated (``.last-word``): CSS cannot say so (WeasyPrint has no ``hyphenate-limit-last``)."""
    start = html.find("<body")
    if start < 0:
        return html
    body = html[start:]
    tokens = _SPLIT.split(body)
    if body.count("<") != len(tokens) // 2:  # a "<" inside a tag, or one left open: token by token
        ends = _ends_of(tokens)
        badges = _badge_text(tokens)
    else:  # every "<" starts a tag (one each, none in text), the n-th tag token 2n+1: only those that matter read
        ends = _ends_found(body)
        badges = _badges_found(body, tokens)
    opened: dict[str, str] = {}
    for index, name, closing in ends:
        if not closing:
            opened[name] = tokens[index]
        elif not _UNHYPHENATED.search(opened.get(name, "")):
            _wrap_last_word(tokens, index, badges)
    return html[:start] + "".join(tokens)


_SPLIT = re.compile(r"(<[^>]*>)")
# a tag of _ENDS, as _TAG reads one (its name the longest run of letters and digits)
_END_TAG = re.compile(r"<(/?)([pP]|[lL][iI]|[tT][dD])(?![a-zA-Z0-9])[^>]*>")


def _ends_of(tokens: list[str]) -> list[tuple[int, str, bool]]:
    """The tokens that open or close a paragraph, list item or table cell: index, name, closing."""
    ends = []
    for index, token in enumerate(tokens):
        match = _TAG.fullmatch(token) if token.startswith("</") or token[:2] in _END_STARTS else None
        if match and match.group(2).lower() in _ENDS:
            ends.append((index, match.group(2).lower(), bool(match.group(1))))
    return ends


def _ends_found(body: str) -> list[tuple[int, str, bool]]:
    """_ends_of for a body whose every "<" starts a tag: found in the text, each tag's index counted."""
    ends, tags, counted = [], 0, 0
    for match in _END_TAG.finditer(body):
        tags += body.count("<", counted, match.start())
        counted = match.start()
        ends.append((2 * tags + 1, match.group(2).lower(), bool(match.group(1))))
    return ends


def _badges_found(body: str, tokens: list[str]) -> set[int]:
    """_badge_text for a body whose every "<" starts a tag: only the tokens from each badge on are read."""
    inside: set[int] = set()
    end, tags, counted = 0, 0, 0  # end: the index after the last badge read
    for match in _BADGE.finditer(body):
        tags += body.count("<", counted, match.start())
        counted = match.start()
        index = 2 * tags + 1
        if index >= end:
            end = _badge_end(tokens, index, inside)
    return inside


def _badge_end(tokens: list[str], start: int, inside: set[int]) -> int:
    """Add the text tokens inside the badge opened at ``start`` to ``inside``; the index after its end."""
    depth = 1
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.startswith("<span"):
            depth += 1
        elif token == "</span>":
            depth -= 1
            if not depth:
                return index + 1
        elif not token.startswith("<"):
            inside.add(index)
    return len(tokens)


def _badge_text(tokens: list[str]) -> set[int]:
    """The text inside badges (a key point's confidence): never hyphenated, so the word before them is last."""
    inside: set[int] = set()
    depth = 0  # open spans since a badge opened, the badge included
    for index, token in enumerate(tokens):
        if depth:
            if token.startswith("<span"):
                depth += 1
            elif token == "</span>":
                depth -= 1
            elif not token.startswith("<"):
                inside.add(index)
        elif _BADGE.match(token):
            depth = 1
    return inside


def _wrap_last_word(tokens: list[str], end: int, badges: set[int]) -> None:
    """Wrap the last word before the closing tag at ``end``, looking back through inline elements only."""
    for k in range(end - 1, -1, -1):
        if k in badges:
            continue
        token = tokens[k]
        if token.startswith("<"):
            tag = _TAG.fullmatch(token)  # None: a comment or a declaration
            if tag is None or tag.group(2).lower() not in _INLINE:
                return
            continue
        if not token or token.isspace():  # between two tags: no letter, so no word (most text tokens)
            continue
        held = "\u00a0" in token or "\u202f" in token  # the slower pattern only where it may differ
        word = _LAST_WORD_HELD.search(token) if held else _last_word(token)
        if word:
            tokens[k] = token[: word.start()] + f'<span class="last-word">{word.group(1)}</span>' + word.group(2)
            return


def _last_word(text: str) -> re.Match[str] | None:
    """``_LAST_WORD.search(text)``, tried only where it can match: at the start of the last run of non-space
    (a search from the text's start tries every position, and was most of the time of a page's HTML)."""
    stripped = text.rstrip()
    start = max(stripped.rfind("<"), stripped.rfind(">")) + 1
    last = stripped[start:].rsplit(None, 1)  # split where str.isspace() says, as rstrip does
    return _LAST_WORD.match(text, len(stripped) - len(last[-1]) if last else start)
