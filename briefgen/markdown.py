"""Markdown in brief fields: CommonMark without raw HTML, safe links, numbered citations.

One parser serves both outputs: HTML through markdown-it-py's renderer, Markdown through
mdformat's renderer (which re-escapes anything that could become live markup).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from briefgen.model import CITATION_RE

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
        ids = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        token.meta = {"ids": ids, "in_link": state.linkLevel > 0}  # a link cannot hold another link
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _make_parser() -> MarkdownIt:
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
# fields with brackets deeper than this, or longer, are refused without a second parse: a real field is
# never like that, and unmatched brackets cost the inline parser time in proportion to depth x length
_CHECKED_DEPTH, _CHECKED_LENGTH = 5 * MAX_NESTING, 100_000
_PARSER = _make_parser()
_FINDER = _make_parser()  # sees every image: links it would refuse are still images the policy must refuse
_FINDER.validateLink = lambda url: True  # type: ignore[method-assign]
_MD_OPTIONS: dict[str, Any] = {"parser_extension": [_MarkdownCitations], "mdformat": {"number": True}}
_DEEP = _make_parser()  # room to spare: where its tokens differ from _PARSER's, _PARSER dropped text
_DEEP.options["maxNesting"] = 5 * MAX_NESTING


_SPACE_BEFORE_CITE = re.compile(r"[ \t\n]+(?=<sup class=\"cite\">)")


def to_html(text: str, citations: Citations, *, inline: bool = False, images: Mapping[str, str] | None = None) -> str:
    """Render a Markdown field to HTML; ``inline`` drops the wrapping paragraph; ``images`` maps src to data URI."""
    env: dict[str, Any] = {"citations": citations, "images": images or {}}
    html = str(_PARSER.renderInline(text, env) if inline else _PARSER.render(text, env))
    # a reference number sits on the word it follows, so a line never starts with one
    return _SPACE_BEFORE_CITE.sub("", html)


def parse(text: str) -> list[Token]:
    """The tokens of a Markdown field as to_html reads them, for a format that walks them (Word)."""
    return list(_PARSER.parse(text, {"citations": Citations([]), "images": {}}))


def to_markdown(text: str, citations: Citations) -> str:
    """Re-render a Markdown field as clean CommonMark, with anything unsafe escaped.

    The field ends with a line break before parsing: a code fence left open runs to the end of its field,
    and mdformat closes it on a line of its own only when the code ends with one.
    """
    env: dict[str, Any] = {"citations": citations}
    tokens = _PARSER.parse(text if text.endswith("\n") else text + "\n", env)
    from mdformat.renderer import MDRenderer

    return MDRenderer().render(tokens, _MD_OPTIONS, env).strip()


# container markers at the start of a line: a quote takes one parser level, a list two (list and item)
_QUOTE_OR_ITEM = re.compile(r"(>)[ \t]?|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")


def _block_depth(text: str) -> int:
    """An upper bound of the parser levels quotes and lists take: markers counted as above, and the
    indentation in spaces on top (a nested item is indented by at least its two levels)."""
    depth = 0
    for line in text.splitlines():
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


# emphasis nests one level per pair of delimiters: a field with fewer of them cannot be too deep
_EMPHASIS = re.compile(r"[*_]")


def too_deep_inline(text: str) -> bool:
    """Whether emphasis and links nest deeper than MAX_NESTING - 2 levels (200 nested ``**`` exhaust the
    Markdown renderer's recursion); only a field with that many delimiters is parsed to find out."""
    limit = MAX_NESTING - 2
    if len(_EMPHASIS.findall(text)) + text.count("[") <= 2 * limit:
        return False
    for token in _PARSER.parse(text, {"citations": Citations([])}):
        depth = 0
        for child in token.children or []:
            depth += child.nesting
            if depth > limit:
                return True
    return False


def to_markdown_cell(text: str, citations: Citations) -> str:
    """Markdown for one table cell: a single line with `|` escaped; block content (lists, code,
    several paragraphs) cannot live in a cell, so it becomes its plain text."""
    rendered = to_markdown(text, citations)
    block = rendered.startswith(("- ", "* ", "+ ", "> ", "```", "~~~", "    ")) or re.match(r"\d+[.)] ", rendered)
    if "\n" not in rendered and not block:
        return rendered.replace("|", "\\|")
    words = []
    for token in _PARSER.parse(text, {"citations": citations}):
        if token.type in ("code_block", "fence"):
            words.append(escape_markdown(token.content))
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(escape_markdown(child.content))
            elif child.type == "citation":
                words.append(_citation_link(child.meta["ids"], citations))
    return " ".join(" ".join(words).split())


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|!&#~])")


def emphasised(parts: Iterable[tuple[str, bool]]) -> str:
    """Plain-text parts as Markdown, each escaped, those marked True in italics (a change's sentence)."""
    return "".join(f"*{escape_markdown(text)}*" if title else escape_markdown(text) for text, title in parts)


def escape_markdown(text: str) -> str:
    """Escape plain text for a Markdown document, so it shows exactly as typed."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = re.sub(r"^(\s*)(\d+)([.)])", r"\1\2\\\3", escaped)
    return re.sub(r"^(\s*)([-+=])", r"\1\\\2", escaped)
