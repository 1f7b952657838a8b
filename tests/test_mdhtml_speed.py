"""Issue #17's Markdown+HTML build: keep_last_words, which reads only the tags that matter when every "<"
starts a tag, wraps what the token by token walk wraps; walk_strings and mark_cjk's long-word test find what
their slower forms found; and the per-process set-up (templates, imports) a Markdown+HTML build pays."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from helpers import REAL_BRIEF, REPO, load, settings
from hypothesis import example, given
from hypothesis import strategies as st

from briefgen import template_labels, typeset
from briefgen.i18n import translator
from briefgen.load import walk_strings
from briefgen.render import render_html
from briefgen.template_labels import CACHE_SWITCH, KeptTemplates, TranslatedEnvironment, cache_folder
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


def _wrap_as_it_was(tokens: list[str], end: int, badges: set[int]) -> None:
    """_wrap_last_word as it was: every token matched as a tag, and every text token searched for a word."""
    for k in range(end - 1, -1, -1):
        if k in badges:
            continue
        token = tokens[k]
        tag = typeset._TAG.fullmatch(token)
        if tag:
            if tag.group(2).lower() not in typeset._INLINE:
                return
            continue
        if token.startswith("<"):
            return
        held = "\u00a0" in token or "\u202f" in token
        word = typeset._LAST_WORD_HELD.search(token) if held else typeset._last_word(token)
        if word:
            tokens[k] = token[: word.start()] + f'<span class="last-word">{word.group(1)}</span>' + word.group(2)
            return


@given(st.lists(st.sampled_from([*_HTML_PIECES, "", "  ", "\t\n", "<b>", "</b>", "<br>"]), max_size=20))
def test_the_last_word_is_wrapped_as_before(tokens: list[str]) -> None:
    for end in range(len(tokens) + 1):
        badges = {k for k in range(len(tokens)) if k % 5 == 3}
        new, old = list(tokens), list(tokens)
        typeset._wrap_last_word(new, end, badges)
        _wrap_as_it_was(old, end, badges)
        assert new == old


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


# --- emphasis in a plain paragraph: written as mdformat writes it

_EMPHASISED = ["word", "Two words", " ", "\n", "\n\n", "*", "**", "***", "_", "__", "* ", "- ", "+ ", "1. ", "#",
               "=", "-", "[@s]", "[@s; @t]", "[@t; @s]", ".", ",", "!", "\u00a0", "é", "日本", "&nbsp;", "&#32;",
               "&#x2003;", "&#12;", "&amp;"]  # fmt: skip


@given(st.lists(st.sampled_from(_EMPHASISED), max_size=14).map("".join))
@example("**Aims.** The analysis [@s] sees a push\nfor *multilateral* coordination.")
@example("a\n**b** c")
@example("a\n*b*\n***")
@example("a\n* *b*")
@example("__x__ _y_")
@example("*a*&nbsp;")
@example("&#32;a")
@example("[@t; @s][@s]")
def test_emphasis_in_plain_paragraphs_is_written_as_mdformat_writes_it(text: str) -> None:
    from mdformat.renderer import MDRenderer

    from briefgen import markdown, markdown_plain
    from briefgen.markdown import Citations, parse

    tokens = parse(text + "\n")
    cited = Citations(["s", "t"])  # one per field, as a brief's: numbered in the order cited
    fast = markdown_plain.to_markdown(tokens, lambda ids: markdown._citation_link(ids, cited))
    if fast is not None:
        slow = MDRenderer().render(tokens, markdown._MD_OPTIONS, {"citations": Citations(["s", "t"])}).strip()
        assert fast == slow


def test_a_paragraph_with_emphasis_takes_the_fast_path() -> None:
    from briefgen import markdown_plain
    from briefgen.markdown import parse

    for text in ("**Aims.** The analysis [@s] sees\na *push* and __more__.", "a\n**b** c", "_x_ and y"):
        assert markdown_plain.to_markdown(parse(text + "\n"), lambda ids: "[1]") is not None, text
    for text in ("a\n* *b*", "***", "a\n**\\*b**"):  # a list item, a thematic break, an escaped marker
        assert markdown_plain.to_markdown(parse(text + "\n"), lambda ids: "[1]") is None, text


# --- compiled templates kept in the user's cache folder


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(CACHE_SWITCH, raising=False)
    return tmp_path / "cache"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counts: Counter[str] = Counter()
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        counts[name or ""] += 1
        return real(self, source, name, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return counts


def _rendered(folder: Path, language: str = "en", **options: object) -> str:
    """The template page.j2 of ``folder`` rendered by a fresh environment, as a new process would."""
    env = TranslatedEnvironment(translator(language), loader=jinja2.FileSystemLoader(str(folder)), **options)
    return env.get_template("page.j2").render(name="<b>")


def test_a_compiled_template_is_kept_in_a_private_folder_and_used_again(
    tmp_path: Path, cache_home: Path, compiled: Counter[str]
) -> None:
    (tmp_path / "page.j2").write_text('{{ _("Contents") }}: {{ name }}', encoding="utf-8")
    assert _rendered(tmp_path) == "Contents: <b>"
    assert compiled["page.j2"] == 1
    assert _rendered(tmp_path) == "Contents: <b>"
    assert compiled["page.j2"] == 1, "the second environment read the compiled template"
    for folder in (cache_home / "briefgen", cache_home / "briefgen" / "templates"):
        assert (folder.stat().st_uid, oct(folder.stat().st_mode & 0o777)) == (os.getuid(), "0o700")
    (kept,) = (cache_home / "briefgen" / "templates").glob("*.j2c")  # and the pruning stamp
    assert kept.stat().st_uid == os.getuid() and not kept.stat().st_mode & 0o077
    # another language, or escaping on, compiles its own (its labels are folded in)
    assert _rendered(tmp_path, "fr") == "Sommaire: <b>" and compiled["page.j2"] == 2
    assert _rendered(tmp_path, autoescape=True) == "Contents: &lt;b&gt;" and compiled["page.j2"] == 3
    assert (_rendered(tmp_path, "fr"), _rendered(tmp_path, autoescape=True)) == ("Sommaire: <b>", "Contents: &lt;b&gt;")
    assert compiled["page.j2"] == 3


def test_an_edited_template_or_translation_compiles_again(
    tmp_path: Path, cache_home: Path, compiled: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "page.j2").write_text('{{ _("Contents") }}', encoding="utf-8")
    assert _rendered(tmp_path) == "Contents"
    (tmp_path / "page.j2").write_text('{{ _("Contents") }}!', encoding="utf-8")
    assert _rendered(tmp_path) == "Contents!" and compiled["page.j2"] == 2
    catalog = {**translator("fr").translations._catalog, "Contents": "Table"}  # type: ignore[attr-defined]
    assert _rendered(tmp_path, "fr") == "Sommaire!"
    monkeypatch.setattr(translator("fr").translations, "_catalog", catalog)
    assert _rendered(tmp_path, "fr") == "Table!" and compiled["page.j2"] == 4


def test_a_folder_of_another_user_or_open_to_others_is_not_used(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = cache_folder()
    assert folder == cache_home / "briefgen" / "templates"
    for mode in (0o777, 0o755, 0o707, 0o770):
        folder.chmod(mode)
        assert cache_folder() is None, oct(mode)
    folder.chmod(0o700)
    (cache_home / "briefgen").chmod(0o777)
    assert cache_folder() is None
    (cache_home / "briefgen").chmod(0o700)
    assert cache_folder() == folder
    me = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: me + 1)  # the folders now belong to someone else
    assert cache_folder() is None
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    folder.rename(cache_home / "elsewhere")
    folder.symlink_to(cache_home / "elsewhere")  # a link to a private folder is not the folder
    assert cache_folder() is None


def test_a_planted_or_writable_file_is_not_read(tmp_path: Path, cache_home: Path, compiled: Counter[str]) -> None:
    (tmp_path / "page.j2").write_text("{{ name }}", encoding="utf-8")
    assert _rendered(tmp_path) == "<b>"
    (kept,) = (cache_home / "briefgen" / "templates").glob("*.j2c")  # and the pruning stamp
    kept.chmod(0o666)
    assert _rendered(tmp_path) == "<b>" and compiled["page.j2"] == 2, "a file others may write is compiled again"
    kept.unlink()
    kept.symlink_to(tmp_path / "page.j2")
    assert _rendered(tmp_path) == "<b>" and compiled["page.j2"] == 3


def test_a_file_of_another_user_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = KeptTemplates(tmp_path, "signature")
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.j2": "x"}), bytecode_cache=cache)
    env.get_template("page.j2")
    bucket = cache.get_bucket(env, "page.j2", None, "x")
    assert bucket.code is not None
    me = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: me + 1)
    assert cache.get_bucket(env, "page.j2", None, "x").code is None


def test_the_cache_can_be_turned_off_and_a_write_that_fails_is_skipped(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "page.j2").write_text("{{ name }}", encoding="utf-8")
    for off in ("0", "off", "No", "false"):
        monkeypatch.setenv(CACHE_SWITCH, off)
        assert _rendered(tmp_path) == "<b>"
        assert not cache_home.exists()
    monkeypatch.delenv(CACHE_SWITCH)
    monkeypatch.setattr(template_labels, "cache_folder", lambda: tmp_path / "gone")  # a folder that vanished
    assert _rendered(tmp_path) == "<b>"
    assert not (tmp_path / "gone").exists()
    (cache_home).write_text("not a folder", encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    assert cache_folder() is None


def test_a_markdown_html_build_imports_neither_pillow_nor_weasyprint_nor_mdformat(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom briefgen.cli import main\n"
        "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('PIL', 'weasyprint', 'mdformat') if m in sys.modules))\n"
    )  # nor mdformat: every field of the real brief is Markdown that markdown_plain writes
    args = ["build", str(REAL_BRIEF), "--out", str(tmp_path / "out"), "--format", "md,html", "-j", "1", "--force"]
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"
    assert (tmp_path / "out" / f"{REAL_BRIEF.stem}.html").is_file()


# --- paragraphs tokenized without markdown-it's block rules (and plain text without its inline ones): its tokens

_NEAR_PARAGRAPH = ["word", "Two words", " ", "  ", "\n", "\n\n", "\n \n", "\t", "\u00a0", "\u2028", "\r", "\0",
                   "1", "1.", "2)", "-", "* ", "+", "#", "=", ">", "<", "`", "~", "_", "*", "!", "&", "&amp;", "\\",
                   "[", "]", "[@s]", "[@s; @t]", "[@s;\n@t]", "[x](y)", "'", '"', "«", "é", "日本", ":", "(", ")",
                   ".", "***", "* * *", "_ _ _", "**b**", "`c`"]  # fmt: skip


@given(st.lists(st.sampled_from(_NEAR_PARAGRAPH), max_size=14).map("".join), st.sampled_from([None, "fr", "de", "ja"]))
@example('A plain sentence [@s].\nA second line: it\'s "quoted".\n\nAnother paragraph [@s; @t].', None)
@example("Ends with a break\n", None)
def test_paragraphs_are_tokenized_as_markdown_it_does(text: str, lang: str | None) -> None:
    from briefgen import markdown, markdown_fast

    parser = markdown._parser(lang)
    env_fast: dict[str, object] = {}
    fast = markdown_fast.parse(parser, text, env_fast)
    if fast is not None:
        env_slow: dict[str, object] = {}
        assert [t.as_dict() for t in fast] == [t.as_dict() for t in parser.parse(text, env_slow)]
        assert env_fast == env_slow


def test_most_fields_of_the_real_brief_are_tokenized_without_markdown_it() -> None:
    from briefgen import markdown, markdown_fast

    data = load(REAL_BRIEF).source.data
    prose = [text for _, text in walk_strings(data) if len(text) > 60]
    fast = [text for text in prose if markdown_fast.parse(markdown._parser(None), text, {}) is not None]
    assert len(fast) > 0.6 * len(prose), [text for text in prose if text not in fast]
    for text in ("- an item", "    code", "a  \nb", "[r]: /u", "> quote", "1. one", "a\r\nb", "```\nx\n```"):
        assert markdown_fast.parse(markdown._parser(None), text, {}) is None, text
    for text in ("a *b* [@s]", "**Aims.** [x](http://e.org) `c`\nnext", "a &amp; b <x> \\*"):  # inline rules
        assert markdown_fast.parse(markdown._parser(None), text, {}) == markdown._parser(None).parse(text, {}), text


def test_the_whitespace_that_mdformat_writes_as_a_reference_is_mdformat_s() -> None:
    from mdformat.codepoints import UNICODE_WHITESPACE

    from briefgen import markdown_plain

    assert markdown_plain._WHITESPACE == UNICODE_WHITESPACE
