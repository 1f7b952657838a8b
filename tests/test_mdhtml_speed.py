"""Issue #17's Markdown+HTML build: keep_last_words, which reads only the tags that matter when every "<"
starts a tag, wraps what the token by token walk wraps; walk_strings and mark_cjk's long-word test find what
their slower forms found; and the per-process set-up (templates, imports) a Markdown+HTML build pays."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from helpers import REAL_BRIEF, load, settings
from hypothesis import example, given
from hypothesis import strategies as st

from briefgen import typeset
from briefgen.load import walk_strings
from briefgen.render import render_html
from briefgen.typeset import keep_last_words

# --- keep_last_words: the tags found in the text, or token by token


def _token_by_token(html: str) -> str:
    """keep_last_words as it was: every token read (its path for a "<" inside a tag or left open)."""
    start = html.find("<body")
    if start < 0:
        return html
    tokens = typeset._SPLIT.split(html[start:])
    badges, opened = typeset._badge_text(tokens), {}
    for index, name, closing in typeset._ends_of(tokens):
        if not closing:
            opened[name] = tokens[index]
        elif not typeset._UNHYPHENATED.search(opened.get(name, "")):
            typeset._wrap_last_word(tokens, index, badges)
    return html[:start] + "".join(tokens)


_HTML_PIECES = ["<body>", "<p>", "</p>", "<P class=x>", "</P >", "<li>", "</LI>", "<td>", "</td>", "<tdx>", "<p2>",
                "<pre>", "</pre>", "<em>", "</em>", "<div>", "</div>", "<!-- c -->", '<span class="confidence low">',
                "<span>", "</span>", '<p class="marking">', "word", "two words", " ", "\n", "\u00a0?", "\u2028",
                "\x1c", "\u3000", "123", "é", "日本", "_", "<", ">", "<a <p>"]  # fmt: skip


@given(st.lists(st.sampled_from(_HTML_PIECES), max_size=30).map("".join))
@example('<body><p>A point <span class="confidence low">(low <span>x</span>)</span></p>')
@example("<body><p>one</p><li>two <em>three</em></li>")
@example("<body><p>a <b</p>")  # a "<" left open inside a paragraph: token by token
def test_keep_last_words_wraps_what_the_token_by_token_walk_wraps(html: str) -> None:
    assert keep_last_words(html) == _token_by_token(html)


def test_keep_last_words_on_a_real_page(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = typeset._ends_found
    monkeypatch.setattr(typeset, "_ends_found", lambda body: calls.append(body) or real(body))
    page = render_html(load(REAL_BRIEF).brief, settings())
    assert calls, "the real page takes the path that reads only the tags that matter"
    assert page.count('<span class="last-word">') > 50
    plain = re.sub(r'<span class="last-word">([^<]*)</span>', r"\1", page)
    assert keep_last_words(plain) == _token_by_token(plain) == page


def _walked(data: object, loc: tuple[object, ...] = ()) -> Iterator[tuple[tuple[object, ...], str]]:
    """walk_strings as it was: one generator per value."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _walked(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walked(value, (*loc, i))


_LEAVES = st.one_of(st.text(max_size=3), st.none(), st.integers(), st.booleans())


@given(
    st.recursive(_LEAVES, lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=2), inner), max_leaves=30)
)
def test_walk_strings_finds_what_one_generator_per_value_found(data: object) -> None:
    assert list(walk_strings(data)) == list(_walked(data))
    assert list(walk_strings(data, ("at",))) == list(_walked(data, ("at",)))


@given(st.lists(st.sampled_from(["a", "é", " ", "<", ">", "&", ";", "\n", "x" * 40, "日本"]), max_size=12).map("".join))
def test_the_long_word_test_tried_at_word_starts_finds_what_the_search_found(html: str) -> None:
    assert bool(typeset._LONG_WORD_START.search(html)) == bool(typeset._LONG_WORD.search(html))
