"""Markdown in brief fields: CommonMark without raw HTML, safe links, numbered citations.

One parser serves both outputs: HTML through markdown-it-py's renderer, Markdown through
mdformat's renderer (which re-escapes anything that could become live markup). Within ``parsed_once()``
(one brief's outputs) each field is parsed once and its tokens shared by every format.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from briefgen import markdown_fast
from briefgen.markdown_fast import citation_meta
from briefgen.model import CITATION_RE
from briefgen.typography import quotes_for

if TYPE_CHECKING:  # mdformat is imported where Markdown is written: validating needs only the parser
    from mdformat.renderer import RenderContext, RenderTreeNode

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


class Citations:
    """Numbers sources in order of first citation; uncited sources come after."""

    def __init__(
        self, source_ids: Sequence[str], titles: Mapping[str, str] | None = None, label: str = "Source %(n)s"
    ) -> None:
        self.known = list(source_ids)
        self.titles = dict(titles or {})  # the words a screen reader speaks for a citation's link
        self.label = label  # ... after these, in the brief's language
        self.numbers: dict[str, int] = {}

    def number(self, source_id: str) -> int:
        if source_id not in self.numbers:
            self.numbers[source_id] = len(self.numbers) + 1
        return self.numbers[source_id]

    def ordered(self) -> list[str]:
        """All source ids in number order (numbering the uncited ones now)."""
        for source_id in self.known:
            self.number(source_id)
        return sorted(self.numbers, key=self.numbers.__getitem__)


def safe_url(url: str) -> bool:
    """Allow http(s), mailto and relative links; refuse javascript:, data:, file: and the rest."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    if not scheme:
        return not cleaned.startswith("//")  # protocol-relative URLs reach the network
    return scheme in SAFE_SCHEMES


def _citation_rule(state: StateInline, silent: bool) -> bool:
    # silent: the link rule is looking for the end of a link's text; a citation there is its text, to be
    # parsed with it (taking it whole would read as a link nested in the link, and drop the link)
    if silent or state.src[state.pos] != "[":
        return False
    match = CITATION_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = citation_meta(match, state.linkLevel > 0)  # a link cannot hold another link
        token.content = match.group(0)
    state.pos = match.end()
    return True


def make_parser() -> MarkdownIt:
    # typographer for curly quotes and apostrophes only ("smartquotes"; not the (c)/-- "replacements")
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable("smartquotes")
    # headings inside a field would break the document outline
    md.disable(["heading", "lheading"])
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.validateLink = safe_url  # type: ignore[method-assign]
    md.add_render_rule("citation", _render_citation_html)
    md.add_render_rule("image", _render_image_html)
    return md


def _render_image_html(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Images are embedded as data: URIs resolved beforehand (content.check_content); never a live URL."""
    token = tokens[idx]
    alt = escape_html(self.renderInlineAsText(token.children or [], options, env))
    data = env.get("images", {}).get(token.attrGet("src"))
    if not data:
        return f"[image: {alt}]"
    return f'<img src="{escape_html(data)}" alt="{alt}">'


def image_sources(text: str) -> list[str]:
    """The src of every image in a Markdown field, in order, whatever its scheme (for the policy to judge)."""
    if "![" not in text:  # every image starts so (a reference image too): most fields need no parse
        return []
    sources = []
    for token in _FINDER.parse(text, {"citations": Citations([])}):
        for child in token.children or []:
            if child.type == "image":
                sources.append(str(child.attrGet("src")))
    return sources


def _render_citation_html(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    citations: Citations = env["citations"]
    links = []
    for source_id in tokens[idx].meta["ids"]:
        n = citations.number(source_id)
        if tokens[idx].meta["in_link"]:
            links.append(str(n))
            continue
        said = citations.label % {"n": n}
        title = f"{said}: {citations.titles[source_id]}" if source_id in citations.titles else said
        links.append(f'<a href="#source-{source_id}" class="cite-ref" title="{escape_html(title)}">{n}</a>')
    return f'<sup class="cite">[{", ".join(links)}]</sup>'


def _render_citation_md(node: RenderTreeNode, context: RenderContext) -> str:
    if node.meta["in_link"]:
        return "\\[" + ", ".join(str(context.env["citations"].number(i)) for i in node.meta["ids"]) + "\\]"
    return _citation_link(node.meta["ids"], context.env["citations"])


def _citation_link(ids: list[str], citations: Citations) -> str:
    numbers = ", ".join(str(citations.number(source_id)) for source_id in ids)
    return f"[\\[{numbers}\\]](#sources)"


def _render_image_md(node: RenderTreeNode, context: RenderContext) -> str:
    # the .md file stands in another folder than the brief, and a remote image would be a tracking pixel
    alt = "".join(child.content for child in node.walk() if child.type == "text")
    return f"\\[image: {escape_markdown(alt)}\\]"


# a "<" that no backslash escapes: mdformat escapes only one that starts something tag-like, so in "<<img"
# the second one stayed live (literal backslashes are doubled before, so an odd run is an escape)
_LIVE_LESS_THAN = re.compile(r"(?<!\\)((?:\\\\)*)<")


def _escape_every_less_than(text: str, node: RenderTreeNode, context: RenderContext) -> str:
    """Plain text never opens a tag or an autolink in the Markdown output, whatever follows its "<"."""
    return _LIVE_LESS_THAN.sub(r"\1\\<", text)


class _MarkdownCitations:
    """mdformat extension: citations as numbered links to the Sources section; images as their description;
    every "<" of plain text escaped."""

    RENDERERS: Mapping[str, Any] = {"citation": _render_citation_md, "image": _render_image_md}
    POSTPROCESSORS: Mapping[str, Any] = {"text": _escape_every_less_than}

    @staticmethod
    def update_mdit(mdit: MarkdownIt) -> None:
        pass


MAX_NESTING = 20  # markdown-it's limit (commonmark preset): anything nested deeper is dropped
_PARSER = make_parser()
_FINDER = make_parser()  # sees every image: links it would refuse are still images the policy must refuse
_FINDER.validateLink = lambda url: True  # type: ignore[method-assign]
_MD_OPTIONS: dict[str, Any] = {"parser_extension": [_MarkdownCitations], "mdformat": {"number": True}}


@functools.cache
def _parser_for(quotes: str | None) -> MarkdownIt:
    """The parser whose typographer makes a language's quotation marks (None: English, the usual one)."""
    if quotes is None:
        return _PARSER
    md = make_parser()
    md.options["quotes"] = quotes
    return md


@functools.cache
def _parser(lang: str | None) -> MarkdownIt:
    return _parser_for(quotes_for(lang))


_SPACE_BEFORE_CITE = re.compile(r"[ \t\n]+(?=<sup class=\"cite\">)")


def to_html(
    text: str,
    citations: Citations,
    *,
    inline: bool = False,
    images: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> str:
    """Render a Markdown field to HTML; ``inline`` drops the wrapping paragraph; ``images`` maps src to data URI;
    ``lang``, the brief's language, chooses the quotation marks."""
    env: dict[str, Any] = {"citations": citations, "images": images or {}}
    tokens, _ = _tokens(text, "inline" if inline else "block", lang)
    parser = _parser(lang)
    html = str(parser.renderer.render(tokens, parser.options, env))
    # a reference number sits on the word it follows, so a line never starts with one
    return _SPACE_BEFORE_CITE.sub("", html)


def parse(text: str, lang: str | None = None) -> list[Token]:
    """The tokens of a Markdown field as to_html reads them, for a format that walks them (Word); read only."""
    return _tokens(text, "block", lang)[0]


def to_markdown(text: str, citations: Citations, lang: str | None = None) -> str:
    """Re-render a Markdown field as clean CommonMark, with anything unsafe escaped."""
    tokens, parsed_env = _tokens(text, "markdown", lang)
    from briefgen import markdown_plain  # as mdformat, imported where Markdown is written

    plain = markdown_plain.to_markdown(tokens, lambda ids: _citation_link(ids, citations))
    if plain is not None:
        return plain
    env: dict[str, Any] = {**parsed_env, "citations": citations}  # the link references the parse found
    from mdformat.renderer import MDRenderer

    return MDRenderer().render(tokens, _MD_OPTIONS, env).strip()


# --- one parse per field and brief

Parsed = tuple[list[Token], dict[str, Any]]  # the tokens and what the parse left in its env (link references)
_PARSES: ContextVar[dict[tuple[str, str, str | None], Parsed] | None] = ContextVar("briefgen_parses", default=None)
PARSE_COUNT = [0]  # parses of a field by the renderers' parser, for tests to count


@contextlib.contextmanager
def parsed_once() -> Iterator[None]:
    """Parse each Markdown field once within this block (one brief's formats) and share its tokens.

    Renderers only read tokens (the HTML renderer's own image rule, which writes ``alt``, is replaced)."""
    reset = _PARSES.set({})
    try:
        yield
    finally:
        _PARSES.reset(reset)


def _tokens(text: str, kind: str, lang: str | None = None) -> Parsed:
    """The tokens of ``text`` for ``kind``: "block" (HTML, Word), "inline" (HTML without the paragraph) or
    "markdown" (block, with a closing line break), from this brief's parses when there are some."""
    parses = _PARSES.get()
    if parses is None:
        return _parse(text, kind, None, lang)
    key = (text, kind, lang)
    if key not in parses:
        parses[key] = _parse(text, kind, parses, lang)
    return parses[key]


def _parse(text: str, kind: str, parses: dict[tuple[str, str, str | None], Parsed] | None, lang: str | None) -> Parsed:
    env: dict[str, Any] = {}
    if kind == "markdown":
        # the field ends with a line break before parsing: a code fence left open runs to the end of its field,
        # and mdformat closes it on a line of its own only when the code ends with one. Without fences or
        # indented code the break changes no token (only their content takes the last line's break).
        if parses is not None:
            tokens, env = _tokens(text, "block", lang)
            if text.endswith("\n") or not any(t.type in ("fence", "code_block") for t in tokens):
                return tokens, env
        text = text if text.endswith("\n") else text + "\n"
    elif kind == "inline" and parses is not None:
        # a field that is one paragraph of exactly its text has the inline tokens renderInline would make
        tokens, env = _tokens(text, "block", lang)
        if [t.type for t in tokens] == _ONE_PARAGRAPH and tokens[1].content == _normalized(text):
            return [tokens[1]], env
        env = {}
    PARSE_COUNT[0] += 1
    parser = _parser(lang)
    if kind == "inline":
        return parser.parseInline(text, env), env
    return markdown_fast.parse(parser, text, env) or parser.parse(text, env), env


_ONE_PARAGRAPH = ["paragraph_open", "inline", "paragraph_close"]


def _normalized(text: str) -> str:
    """The text as markdown-it parses it (its core rule "normalize")."""
    return re.sub(r"\r\n?", "\n", text).replace("\0", "\ufffd")


def to_markdown_cell(text: str, citations: Citations, lang: str | None = None) -> str:
    """Markdown for one table cell: a single line with `|` escaped; block content (lists, code,
    several paragraphs) cannot live in a cell, so it becomes its plain text."""
    rendered = to_markdown(text, citations, lang)
    block = rendered.startswith(("- ", "* ", "+ ", "> ", "```", "~~~", "    ")) or re.match(r"\d+[.)] ", rendered)
    if "\n" not in rendered and not block:
        return rendered.replace("|", "\\|")
    words = []
    for token in parse(text, lang):
        if token.type in ("code_block", "fence"):
            words.append(escape_markdown(token.content))
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(escape_markdown(child.content))
            elif child.type == "citation":
                words.append(_citation_link(child.meta["ids"], citations))
    return " ".join(" ".join(words).split())


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|!&#~])")
_NUMBER_START = re.compile(r"^(\s*)(\d+)([.)])")  # at the text's start only, as re.sub read these before
_SIGN_START = re.compile(r"^(\s*)([-+=])")


def emphasised(parts: Iterable[tuple[str, bool]]) -> str:
    """Plain-text parts as Markdown, each escaped, those marked True in italics (a change's sentence)."""
    return "".join(f"*{escape_markdown(text)}*" if title else escape_markdown(text) for text, title in parts)


def escape_markdown(text: str) -> str:
    """Escape plain text for a Markdown document, so it shows exactly as typed."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = _NUMBER_START.sub(r"\1\2\\\3", escaped)
    return _SIGN_START.sub(r"\1\\\2", escaped)
