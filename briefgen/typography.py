"""Typography per language: the typographer's quotation marks, the writing direction, and French spacing (a
non-breaking space before : ; ! ? and inside « ») over the text of finished HTML, Markdown or Word paragraphs,
never inside code, URLs or markup.

French spaces follow the Imprimerie nationale's *Lexique des règles typographiques*: a word space that does not
break (U+00A0) before the colon and inside guillemets, a thin one (U+202F) before ; ! and ?. Canadian French
(fr-CA, after the Office québécois de la langue française) keeps the colon's and the guillemets' and sets none
before ; ! ?. Spaces a writer typed there become the right one; a missing one is added only where the mark
ends a word (``mot: suite``, ``Pourquoi?``), so ``10:30``, ``https://`` and ``a:b`` are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from enum import Enum

__all__ = [
    "Part",
    "direction",
    "french_spaces",
    "han_language",
    "quotes_for",
    "space_html",
    "space_markdown",
    "space_parts",
    "text_direction",
]

NBSP, NNBSP = "\u00a0", "\u202f"

# double open, double close, single open, single close (markdown-it's `quotes` option); a language not here
# keeps markdown-it's English “ ” ‘ ’ (so British English output is what it always was)
_QUOTES = {
    "fr": "«»“”",
    "de": "„“‚‘",
    "de-CH": "«»‹›",
    "es": "«»“”",
    "it": "«»“”",
    "pt": "«»“”",
    "pt-BR": "“”‘’",
    "ru": "«»„“",
    "pl": "„”«»",
    "nl": "“”‘’",
    "ja": "「」『』",
    "zh-Hant": "「」『』",
    "zh-TW": "「」『』",
    "zh-HK": "「」『』",
    "ar": "«»“”",
    "fa": "«»“”",
}
# languages written right to left, and the scripts that are (a tag such as az-Arab names its script)
_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
_RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm"})


def _subtags(lang: str) -> list[str]:
    return lang.replace("_", "-").split("-")


def _lookup(lang: str, table: dict[str, str]) -> str | None:
    """``table``'s entry for the tag, its language and region, its language and script, or its language."""
    tags = _subtags(lang)
    primary = tags[0].lower()
    for tag in (lang, *(f"{primary}-{t}" for t in tags[1:]), primary):
        if tag in table:
            return table[tag]
    return None


def quotes_for(lang: str | None) -> str | None:
    """The typographer's four quotation marks for a language, or None for markdown-it's (English) ones."""
    return _lookup(lang, _QUOTES) if lang else None


def direction(lang: str | None) -> str:
    """``rtl`` for a language written right to left (ar, he, fa, ur, ...), else ``ltr``."""
    if not lang:
        return "ltr"
    tags = [t.lower() for t in _subtags(lang)]
    scripts = [t for t in tags[1:] if len(t) == 4 and t.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in _RTL_SCRIPTS else "ltr"
    return "rtl" if tags[0] in _RTL_LANGUAGES else "ltr"


def han_language(lang: str | None) -> str | None:
    """The brief's language if it is Japanese, Chinese or Korean: Han characters alone are then in it (a
    Japanese brief's 北京 takes Japanese glyphs), where elsewhere they are taken for Simplified Chinese."""
    return lang if lang and _subtags(lang)[0].lower() in ("ja", "zh", "ko") else None


def text_direction(text: str) -> str:
    """``ltr`` or ``rtl`` as the text's first letter is written (``rtl`` if it has none), as ``dir="auto"``."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "rtl"


# the space each mark takes, per French: None when the language has no such rules
_FRENCH = {":": NBSP, ";": NNBSP, "!": NNBSP, "?": NNBSP, "«": NBSP, "»": NBSP}
_CANADIAN = {":": NBSP, "«": NBSP, "»": NBSP}


def french_spaces(lang: str | None) -> dict[str, str] | None:
    """The spaces French typography puts at : ; ! ? « » for this language, or None if it is not French."""
    if not lang or _subtags(lang)[0].lower() != "fr":
        return None
    return _CANADIAN if lang.replace("_", "-").upper().endswith("-CA") else _FRENCH


class Part(Enum):
    """What a piece of a paragraph is to French spacing."""

    TEXT = "text"  # prose: may gain or lose spaces
    WORD = "word"  # never changed, but a word to what is next to it (code, an entity, a URL)
    BREAK = "break"  # never changed, and nothing joins across it (a block's edge, a line break in a field)
    GLUE = "glue"  # never changed and not there for the rules (inline markup: <em>, **, a link's target)


_WORD, _BREAK = "\ufffc", "\x00"  # what a WORD and a BREAK stand as in the joined text
_SPACES = "[ \\t\\n\\r\u00a0\u202f\u2009\u2007]*"
_BEFORE = re.compile(f"(?<=[^\\s\\x00(\\[{{«“‘„‚¿¡;:!?])({_SPACES})([;!?]+|:)(?=[\\s\\x00)\\]}}»”’\"'.,…\ufffc]|$)")
_OPENING = re.compile(f"«({_SPACES})(?=[^\\s\\x00»])")
_CLOSING = re.compile(f"(?<=[^\\s\\x00«])({_SPACES})»")
_URL = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bmailto:|\bwww\.)[^\s<>\"]*")


def space_parts(parts: Sequence[tuple[str, Part]], spaces: dict[str, str]) -> list[str]:
    """French spacing over a paragraph's pieces: each piece's new text (only TEXT pieces change; the rules see
    through GLUE, take a WORD for a word and stop at a BREAK; URLs inside TEXT are left as they are)."""
    split: list[tuple[int, str, Part]] = []  # (piece, text, kind): URLs taken out of TEXT as WORDs
    for index, (text, kind) in enumerate(parts):
        if kind is not Part.TEXT:
            split.append((index, text, kind))
            continue
        at = 0
        for url in _URL.finditer(text):
            split += [(index, text[at : url.start()], Part.TEXT), (index, url.group(), Part.WORD)]
            at = url.end()
        split.append((index, text[at:], Part.TEXT))
    joined: list[str] = []
    owner: list[int] = []  # the split piece each joined character comes from (TEXT characters only matter)
    for n, (_, text, kind) in enumerate(split):
        shown = text if kind is Part.TEXT else _WORD if kind is Part.WORD else _BREAK if kind is Part.BREAK else ""
        joined.append(shown)
        owner += [n] * len(shown)
    out = _spaced("".join(joined), spaces)
    pieces = [text if kind is not Part.TEXT else "" for _, text, kind in split]
    for position, n in enumerate(owner):
        if split[n][2] is Part.TEXT:
            pieces[n] += out[position]
    result = [""] * len(parts)
    for n, (index, _, _) in enumerate(split):
        result[index] += pieces[n]
    return result


def _spaced(text: str, spaces: dict[str, str]) -> list[str]:
    """Per character of ``text``, what it becomes (itself, a space, nothing, or itself with a space)."""
    out = list(text)

    def fix(gap: re.Match[str], space: str, mark: int, after: bool) -> None:
        start, end = gap.span(1)
        if start == end:  # no space typed: add one beside the mark
            out[mark] = out[mark] + space if after else space + out[mark]
            return
        out[start] = space
        for k in range(start + 1, end):
            out[k] = ""

    for match in _BEFORE.finditer(text):
        space = spaces.get(match.group(2)[0])
        if space:
            fix(match, space, match.start(2), after=False)
    if "«" in spaces:
        for match in _OPENING.finditer(text):
            fix(match, spaces["«"], match.start(), after=True)
        for match in _CLOSING.finditer(text):
            fix(match, spaces["»"], match.end() - 1, after=False)
    return out


# --- HTML: the text of the page's body, never inside code, a source's URL, a style or a script

_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s"}
    | {"samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
)
_OPAQUE_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "svg", "textarea", "math"})
_HTML_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>|&[#a-zA-Z0-9]+;)", re.S)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_URL_CLASS = re.compile(r'class="(?:[^"]* )?url[ "]')


def space_html(html: str, lang: str | None) -> str:
    """A French page with French spaces in the text of its body; any other page as it is."""
    spaces = french_spaces(lang)
    start = html.find("<body")
    if spaces is None or start < 0:
        return html
    tokens = [t for t in _HTML_TOKEN.split(html[start:]) if t]
    parts: list[tuple[str, Part]] = []
    opaque: list[str] = []  # the open elements whose text is never touched
    for token in tokens:
        tag = _TAG_NAME.match(token) if token.startswith("<") else None
        if token.startswith("<!--") or (token.startswith("<") and tag is None):
            parts.append((token, Part.BREAK))
        elif tag is not None:
            name = tag.group(2).lower()
            closing = bool(tag.group(1))
            if opaque:
                if name == opaque[-1] and closing:
                    opaque.pop()
                elif name == opaque[-1] and not token.endswith("/>"):
                    opaque.append(name)
            elif not closing and (name in _OPAQUE_TAGS or (name == "span" and _URL_CLASS.search(token))):
                opaque.append(name)
            parts.append((token, Part.GLUE if name in _INLINE_TAGS else Part.BREAK))
        elif token.startswith("&"):
            parts.append((token, Part.WORD))
        else:
            parts.append((token, Part.WORD if opaque else Part.TEXT))
    return html[:start] + "".join(space_parts(parts, spaces))


# --- Markdown: prose and labels, never code, autolinks, a link's target, HTML comments or markup characters

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_TOKEN = re.compile(
    r"(?P<code>(?P<ticks>`+).*?(?P=ticks))"
    r"|(?P<auto><[a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s]*>)"
    r"|(?P<target>\]\((?:<[^>\n]*>|[^)\s]*)(?:\s+\"[^\"\n]*\")?\))"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<escape>\\.)"
    r"|(?P<mark>[*_]+)",
    re.S,
)


def space_markdown(text: str, lang: str | None) -> str:
    """A French brief's Markdown with French spaces in its prose; any other as it is."""
    spaces = french_spaces(lang)
    if spaces is None:
        return text
    parts: list[tuple[str, Part]] = []
    fence = ""
    prose: list[str] = []

    def flush() -> None:
        block = "".join(prose)
        prose.clear()
        at = 0
        for match in _MD_TOKEN.finditer(block):
            parts.append((block[at : match.start()], Part.TEXT))
            kind = match.lastgroup
            if kind == "ticks":  # the named group inside "code"
                kind = "code"
            parts.append(
                (
                    match.group(),
                    Part.GLUE if kind in ("target", "mark") else Part.BREAK if kind == "comment" else Part.WORD,
                )
            )
            at = match.end()
        parts.append((block[at:], Part.TEXT))

    for line in text.splitlines(keepends=True):
        opened = _FENCE.match(line)
        if fence or opened:
            flush()
            parts.append((line, Part.BREAK))
            if fence and opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            elif not fence and opened:
                fence = opened.group(1)
        elif not line.strip():
            flush()
            parts.append((line, Part.BREAK))
        else:
            prose.append(line)
    flush()
    return "".join(space_parts(parts, spaces))
