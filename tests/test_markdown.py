"""briefgen.markdown: citations, safe links, escaping of raw HTML and of plain text."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from briefgen.markdown import Citations, escape_markdown, safe_url, to_html, to_markdown
from briefgen.markdown_depth import loses_text
from briefgen.model import citation_ids

# --- citations


def test_citations_numbered_in_order_of_first_use_across_fields() -> None:
    citations = Citations(["a", "b", "c"])
    first = to_html("Summary cites [@c] then [@a].", citations)
    second = to_markdown("A later field cites [@a] again and then [@b].", citations)
    third = to_html("Back to [@c].", citations, inline=True)
    assert '<a href="#source-c" class="cite-ref" title="Source 1">1</a>' in first
    assert '<a href="#source-a" class="cite-ref" title="Source 2">2</a>' in first
    assert "[\\[2\\]](#sources)" in second  # a was numbered by the first field
    assert "[\\[3\\]](#sources)" in second  # b is new: next number
    assert '<a href="#source-c" class="cite-ref" title="Source 1">1</a>' in third
    assert citations.numbers == {"c": 1, "a": 2, "b": 3}


def test_multiple_citations_in_one_bracket() -> None:
    citations = Citations(["a", "b"])
    out = to_html("Both [@a; @b] and [@b;@a].", citations, inline=True)
    group = (
        '<sup class="cite">[<a href="#source-a" class="cite-ref" title="Source 1">1</a>, '
        '<a href="#source-b" class="cite-ref" title="Source 2">2</a>]</sup>'
    )
    reversed_group = (
        '<sup class="cite">[<a href="#source-b" class="cite-ref" title="Source 2">2</a>, '
        '<a href="#source-a" class="cite-ref" title="Source 1">1</a>]</sup>'
    )
    assert group in out and reversed_group in out
    assert to_markdown("Both [@a; @b].", Citations(["a", "b"])) == "Both [\\[1, 2\\]](#sources)."


def test_uncited_sources_are_numbered_after_cited_ones() -> None:
    citations = Citations(["first-listed", "second-listed", "third-listed", "fourth-listed"])
    to_html("[@third-listed] and [@second-listed]", citations)
    assert citations.ordered() == ["third-listed", "second-listed", "first-listed", "fourth-listed"]
    assert citations.numbers["first-listed"] == 3
    assert citations.ordered() == ["third-listed", "second-listed", "first-listed", "fourth-listed"]  # stable


def test_citation_syntax_in_code_or_escaped_is_not_a_citation() -> None:
    citations = Citations(["a"])
    out = to_html("`[@a]` and \\[@a]", citations, inline=True)
    assert out == "<code>[@a]</code> and [@a]"
    assert citations.numbers == {}


# --- links


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/",
        "https://example.org/path?q=1#frag",
        "HTTPS://EXAMPLE.ORG/",
        "mailto:desk@example.org",
        "relative/page.html",
        "../up.html",
        "/absolute/path",
        "#sources",
        "#source-a",
    ],
)
def test_safe_url_allows(url: str) -> None:
    assert safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\nscript:alert(1)",
        "java\tscript:alert(1)",
        "\x00javascript:alert(1)",
        "javascript\x01:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        " //evil.example/x",
        "ftp://example.org/",
    ],
)
def test_safe_url_refuses(url: str) -> None:
    assert not safe_url(url)


@pytest.mark.parametrize(
    "link",
    [
        "[link](javascript:alert(1))",
        "[link](JaVaScRiPt:alert(1))",
        "[link](<javascript:alert(1)>)",
        "[link](&#x6A;avascript:alert(1))",
        "[link](data:text/html,x)",
        "[link](vbscript:x)",
        "[link](file:///etc/passwd)",
        "[link](//evil.example/x)",
        "<javascript:alert(1)>",
        "[ref][x]\n\n[x]: javascript:alert(1)",
    ],
)
def test_unsafe_links_stay_text(link: str) -> None:
    out = to_html(link, Citations([]))
    assert "<a " not in out and "href" not in out, out
    markdown = to_markdown(link, Citations([]))
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<a " not in rendered, markdown


def test_safe_links_render() -> None:
    out = to_html("[desk](https://example.org/a) and [mail](mailto:x@example.org)", Citations([]), inline=True)
    assert out == '<a href="https://example.org/a">desk</a> and <a href="mailto:x@example.org">mail</a>'
    assert to_markdown("[desk](https://example.org/a)", Citations([])) == "[desk](https://example.org/a)"


# --- raw HTML, images and block structure


RAW_HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">z</a>',
    "<div>\n<script>alert(1)</script>\n</div>",
    "<!-- comment -->",
    "<style>body{display:none}</style>",
    "text <b onmouseover=alert(1)>bold</b> text",
]


@pytest.mark.parametrize("text", RAW_HTML)
def test_raw_html_is_escaped_in_html(text: str) -> None:
    out = to_html(text, Citations([]))
    assert "<script" not in out
    assert "<img" not in out
    assert "<b " not in out
    assert "<div" not in out
    assert "<style" not in out
    assert "<!--" not in out
    assert html.unescape(out.replace("<p>", "").replace("</p>", "")).strip().translate(STRAIGHTEN) == text


STRAIGHTEN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})  # typeset quotes


@pytest.mark.parametrize("text", RAW_HTML)
def test_raw_html_is_escaped_in_markdown(text: str) -> None:
    markdown = to_markdown(text, Citations([]))
    # a CommonMark renderer that allows raw HTML must still see only text
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)
    for tag in ("<script", "<img", "<b ", "<div", "<style", "<!--", "<a "):
        assert tag not in rendered, (markdown, rendered)
    assert html.unescape(rendered.replace("<p>", "").replace("</p>", "")).strip().translate(STRAIGHTEN) == text


def test_quotes_are_typeset_but_not_inside_code() -> None:
    assert to_html('it\'s "firm" and `a "b"`', Citations([])) == (
        "<p>it\u2019s \u201cfirm\u201d and <code>a &quot;b&quot;</code></p>\n"
    )
    assert to_markdown("(c) -- ...", Citations([])) == "(c) -- ..."  # no other replacements


def test_images_never_load_a_url_only_resolved_data() -> None:
    out = to_html("![tracking pixel](https://evil.example/pixel.png)", Citations([]))
    assert "<img" not in out and "src=" not in out
    assert "[image: tracking pixel]" in out
    resolved = to_html("![box](box.png)", Citations([]), images={"box.png": "data:image/png;base64,AAAA"})
    assert '<img src="data:image/png;base64,AAAA" alt="box">' in resolved
    markdown = to_markdown("![tracking pixel](https://evil.example/pixel.png)", Citations([]))
    assert "<img" not in MarkdownIt("commonmark").render(markdown)
    assert markdown == "\\[image: tracking pixel\\]"


def test_headings_in_fields_do_not_become_headings() -> None:
    text = "# Not a heading\n\nNot a setext heading\n==="
    out = to_html(text, Citations([]))
    assert "<h1" not in out and "<h2" not in out
    rendered = MarkdownIt("commonmark").render(to_markdown(text, Citations([])))
    assert "<h1" not in rendered and "<h2" not in rendered


def test_block_markdown_is_kept() -> None:
    text = "Intro with *emphasis* and **strong**.\n\n- one\n- two\n\n1. first\n2. second"
    out = to_html(text, Citations([]))
    assert "<em>emphasis</em>" in out and "<strong>strong</strong>" in out
    assert "<ul>" in out and "<ol>" in out
    assert to_html("just *this*", Citations([]), inline=True) == "just <em>this</em>"
    assert MarkdownIt("commonmark").render(to_markdown(text, Citations([]))) == MarkdownIt("commonmark").render(text)


# --- plain text in a Markdown document


PLAIN = [
    "1. Not a list",
    "2) Not a list either",
    "2025. A year in review",
    "2025 was a year",
    "- not a bullet",
    "+ not a bullet",
    "= not a setext line",
    "# not a heading",
    "> not a quote",
    "*not emphasis* and _not either_ and **nor this**",
    "`not code`",
    "[not](a link) and ![not](an image)",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "a | table | cell",
    "~~not struck~~",
    "AT&T &amp; &#60;entity&#62;",
    "back\\slash \\* kept",
    "<https://not.an.autolink/>",
    "[@not-a-citation]",
    "Wang Yi (王毅) — “quoted” 50% 1*2",
]


@pytest.mark.parametrize("text", PLAIN)
def test_escape_markdown_shows_text_exactly(text: str) -> None:
    escaped = escape_markdown(text)
    parser = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    rendered = parser.render(escaped)
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    assert html.unescape(rendered[3:-5]) == text
    # also inside a table cell: the pipe must not split the cell
    table = parser.render(f"| a |\n| --- |\n| {escaped} |\n")
    cell = table.split("<td>")[1].split("</td>")[0]
    assert html.unescape(cell) == text


def test_escape_markdown_after_heading_marker() -> None:
    rendered = MarkdownIt("commonmark").render(f"# {escape_markdown('Title <b>x</b> [l](javascript:y)')}")
    assert rendered == "<h1>Title &lt;b&gt;x&lt;/b&gt; [l](javascript:y)</h1>\n"


LOOKS_DEEP_BUT_KEEPS_ALL = {
    "unmatched brackets": "Notes [" * 25 + " last words",
    "indented code": "Sample:\n\n" + "\n".join(" " * (4 + 2 * i) + f"line{i}" for i in range(25)) + "\n\nlast words",
    "brackets inside brackets": "[a" * 25 + " last words" + "]" * 25,
}


@pytest.mark.parametrize("text", LOOKS_DEEP_BUT_KEEPS_ALL.values(), ids=LOOKS_DEEP_BUT_KEEPS_ALL.keys())
def test_text_that_only_looks_deep_is_kept_and_rendered_whole(text: str) -> None:
    assert not loses_text(text)
    assert "last words" in to_html(text, Citations([]))
    assert "last words" in to_markdown(text, Citations([]))


TRULY_DEEP = {
    "quotes": "> " * 22 + "last words",
    "lists": "\n".join("  " * i + "- item" for i in range(23)) + " last words",
    "ten indented lists": "\n".join("  " * i + "- item" for i in range(10)) + " last words",  # 2 levels each
    "ten lists on one line": "- " * 10 + "last words",
    "quotes and lists on one line": "> - " * 7 + "last words",
    "ordered lists": "\n".join("   " * i + "1. item" for i in range(10)) + " last words",
}


@pytest.mark.parametrize("text", TRULY_DEEP.values(), ids=TRULY_DEEP.keys())
def test_text_the_parser_would_drop_is_caught(text: str) -> None:
    assert "last words" not in to_html(text, Citations([]))  # what the check is there to prevent
    assert loses_text(text)


def test_absurdly_deep_or_long_fields_are_refused_without_parsing() -> None:
    assert loses_text("[" * 101)  # deeper than any real field: not worth the parser's time
    assert loses_text("x" * 100_001 + "[" * 19)


@pytest.mark.parametrize("text", ["Tokyo [@a].", "Tokyo\n[@a].", "*Tokyo* [@a]."])
def test_a_reference_number_holds_on_to_the_word_before_it(text: str) -> None:
    """No space between a word and its reference, so no line can start with one."""
    html = to_html(text, Citations(["a"]), inline=True)
    assert re.search(r"(Tokyo|</em>)<sup class=\"cite\">", html), html


# --- citations are Markdown: none inside code or after a backslash, and one inside a link keeps the link


@pytest.mark.parametrize(
    "text", ["`[@nope]` code", "``a [@nope] ``b", "\\[@nope] escaped", "```\n[@nope]\n```", "~~~~\n[@nope]\n~~~~"]
)
def test_no_citation_inside_code_or_after_a_backslash(text: str) -> None:
    assert list(citation_ids(text)) == []
    assert "cite" not in to_html(text, Citations([]))


def test_a_citation_after_code_on_the_same_line_still_counts() -> None:
    assert list(citation_ids("`x` and [@real] and ```y```")) == ["real"]


def test_a_citation_inside_a_link_keeps_the_link() -> None:
    html = to_html("[text [@id]](https://e.org) and [@id]", Citations(["id"]))
    assert html == (
        '<p><a href="https://e.org">text<sup class="cite">[1]</sup></a> and'
        '<sup class="cite">[<a href="#source-id" class="cite-ref" title="Source 1">1</a>]</sup></p>\n'
    )
    assert to_markdown("[text [@id]](https://e.org)", Citations(["id"])) == "[text \\[1\\]](https://e.org)"
