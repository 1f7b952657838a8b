"""Typesetting: dates that never break, last words never hyphenated, CJK names kept whole and tagged, DRAFT
on every page of a draft."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from helpers import (
    PROJECT,
    Rendered,
    load,
    minimal_data,
    page_texts,
    page_words,
    parse_html,
    settings,
    write_brief,
)

from briefgen.produce import render_brief
from briefgen.render import render_html, render_markdown
from briefgen.typeset import keep_last_words

LONG = "internationalisation"
RenderOnce = Callable[..., Rendered]


def test_formatted_dates_hold_together_in_html_but_not_in_markdown(render_once: RenderOnce) -> None:
    real: Rendered = render_once("real", ("md", "html"))
    times = [re.sub("<[^>]*>", "", t) for t in re.findall(r"<time[^>]*>(.*?)</time>", real.text("html"))]
    assert "28&nbsp;November&nbsp;2025" in times
    example: Rendered = render_once("example", ("md", "html"))  # the real brief has no dated events any more
    times += [re.sub("<[^>]*>", "", t) for t in re.findall(r"<time[^>]*>(.*?)</time>", example.text("html"))]
    assert any(re.fullmatch(r"(\d+&nbsp;)?[A-Z][a-z]{2}&nbsp;\d{4}", t) for t in times), times  # an event's date
    assert all(" " not in t for t in times if "IST" not in t), [t for t in times if " " in t]
    assert "- Date: 28 November 2025" in real.text("md") and "\xa0" not in real.text("md")


def test_the_last_word_of_a_paragraph_item_or_cell_is_kept_whole() -> None:
    html = keep_last_words(
        "<head><p>x y</p></head><body><p>A <em>long</em> word<sup class=cite>[<a>1</a>]</sup></p>"
        '<ul><li>One <b>two</b><ul><li>three. <span class="confidence x">High <b>confidence</b></span></li></ul>'
        "</li></ul><table><tr><td>Four five</td><td>6</td></tr>"
        "</table></body>"
    )
    assert html == (
        '<head><p>x y</p></head><body><p>A <em>long</em> <span class="last-word">word</span><sup class=cite>'
        '[<a>1</a>]</sup></p><ul><li>One <b>two</b><ul><li><span class="last-word">three.</span> '
        '<span class="confidence x">High <b>confidence</b></span></li></ul></li></ul><table><tr><td>Four '
        '<span class="last-word">five</span></td><td>6</td></tr></table></body>'
    )


@pytest.fixture(scope="module")
def typeset_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A draft whose paragraphs each end in a long word, at every length of line, and a CJK author."""
    words = ["Some", "ordinary", "words", "come", "before", "the", "last", "word", "of", "this", "paragraph", "about"]
    paragraphs = [" ".join((words * 3)[: 8 + n]) + f" {LONG}." for n in range(24)]
    data = minimal_data(
        status="draft",
        authors=[{"name": "王小明 (Wang Xiaoming)", "role": "分析员"}],
        sections=[{"title": "Paragraphs", "body": "\n\n".join(paragraphs)}],
        # a key point's last word is the one before its confidence badge
        key_points=[{"text": text, "confidence": "high"} for text in paragraphs],
    )
    folder = tmp_path_factory.mktemp("typeset")
    path = write_brief(folder / "src", "typeset", data)
    render_brief(load(path), settings(formats=["pdf"], out_dir=folder / "out"))
    return folder / "out" / "typeset.pdf"


def test_no_paragraph_ends_in_a_hyphenated_word(typeset_pdf: Path) -> None:
    text = "\n".join(page_texts(typeset_pdf))
    assert text.count(LONG) == 48, re.findall(r"\S*nali\S*", text)


def test_a_cjk_author_is_tagged_and_whole(typeset_pdf: Path) -> None:
    brief = load(typeset_pdf.parent.parent / "src" / "typeset.yaml").brief
    html = parse_html(render_html(brief, PROJECT))
    authors = next(dd for dd in html.iter("dd") if "Wang Xiaoming" in dd.text())
    spans = [(s.get("lang"), s.text()) for s in authors.iter("span") if s.get("lang")]
    assert spans == [("zh-Hans", "王小明"), ("zh-Hans", "分析员")]
    assert "王小明" in "\n".join(page_texts(typeset_pdf))
    assert "王小明 (Wang Xiaoming)" in render_markdown(brief, PROJECT)


def test_every_page_of_a_draft_says_draft_in_its_footer(typeset_pdf: Path, render_once: RenderOnce) -> None:
    pages = page_words(typeset_pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert "DRAFT" in [w.text for w in page.band(top=False)], number
    final = page_words(render_once("real", ("pdf",)).path("pdf"))
    assert all("DRAFT" not in [w.text for w in page.band(top=False)] for page in final)


# --- typography per language (briefgen/typography.py)

NB, THIN = "\u00a0", "\u202f"
FRENCH_SUMMARY = (
    'Paris et Pékin doivent "se soutenir fermement" : voilà la demande; pourquoi maintenant? Parce que la visite '
    'approche! Voir `a: b; c!` et https://example.org/a?b=1 ou [le lien](https://example.org/x?y=2 "titre").'
)


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A French brief in Markdown, HTML and Word: typed spaces and missing ones, quotes, code and URLs."""
    data = minimal_data(
        language="fr",
        title="Pékin cherche l'appui de Paris : quelle réponse ?",
        summary=FRENCH_SUMMARY,
        sections=[{"title": "Le différend: depuis le 7 novembre", "body": "« Une première » ?\n\n```\nx: 1; y!\n```"}],
        sources=[{"id": "s", "title": "Une source", "url": "https://example.org/source?id=1&x=2"}],
    )
    folder = tmp_path_factory.mktemp("french")
    path = write_brief(folder / "src", "fr", data)
    render_brief(load(path), settings(formats=["md", "html", "docx"], out_dir=folder / "out"))
    return folder / "out"


FRENCH_PROSE = [
    f"«{NB}se soutenir fermement{NB}»{NB}: voilà la demande{THIN}; pourquoi maintenant{THIN}? Parce que",
    f"approche{THIN}!",
    f"Pékin cherche l'appui de Paris{NB}: quelle réponse{THIN}?",
    f"Le différend{NB}: depuis le 7 novembre",
    f"«{NB}Une première{NB}»{THIN}?",
]


def test_a_french_brief_has_french_spaces_in_html_markdown_and_word(french: Path) -> None:
    html = (french / "fr.html").read_text(encoding="utf-8")
    body = unescape(re.sub(r"<[^>]*>", "", html.split("<body", 1)[1]))
    markdown = (french / "fr.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(french / "fr.docx") as package:
        word = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", package.read("word/document.xml").decode()))
    for text in FRENCH_PROSE:
        assert text in body and text in markdown.replace("\n", " ") and text in word, text
    assert f"Key question{NB}:" not in body  # no key question in this brief: the label is not there
    assert f'<span class="last-word">première{NB}»{THIN}?</span>' in html  # the last word holds its marks


def test_french_spaces_never_go_into_code_urls_or_markup(french: Path) -> None:
    html = (french / "fr.html").read_text(encoding="utf-8")
    markdown = (french / "fr.md").read_text(encoding="utf-8")
    assert "<code>a: b; c!</code>" in html and "<pre><code>x: 1; y!\n</code></pre>" in html
    assert "https://example.org/a?b=1" in html and 'href="https://example.org/x?y=2" title="titre"' in html
    assert (
        'href="https://example.org/source?id=1&amp;x=2"' in html
        and "https://example.org/source?id=1&amp;x=2</span>" in html
    )
    assert "`a: b; c!`" in markdown and "\nx: 1; y!\n" in markdown
    assert '(https://example.org/x?y=2 "titre")' in markdown and "(<https://example.org/source?id=1&x=2>)" in markdown
    head = html.split("<body", 1)[0]
    assert NB not in head and THIN not in head  # the title and metadata stay as typed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10:30, http://a.b/c?d et a:b", "10:30, http://a.b/c?d et a:b"),
        ("Quoi?! Vraiment ?", f"Quoi{THIN}?! Vraiment{THIN}?"),
        (f"Déjà{NB}? Ici{THIN}:", f"Déjà{THIN}? Ici{NB}:"),  # the right space, whatever was typed
        ("R&amp; D", "R&amp; D"),  # an entity's semicolon is no punctuation
        ("<em>mot</em>: suite", f"<em>mot</em>{NB}: suite"),
        ("«<em>mot</em>»", f"«{NB}<em>mot</em>{NB}»"),
    ],
)
def test_french_spacing_of_html_text(typed: str, expected: str) -> None:
    from briefgen.typography import space_html

    page = f"<html><head><title>a: b</title></head><body><p>{typed}</p></body></html>"
    spaced = space_html(page, "fr")
    assert spaced == page.replace(f"<p>{typed}</p>", f"<p>{expected}</p>")
    assert space_html(spaced, "fr") == spaced  # done once is done
    assert space_html(page, "en-GB") == page and space_html(page, "de") == page


def test_canadian_french_sets_no_space_before_semicolon_exclamation_or_question_mark() -> None:
    from briefgen.typography import space_markdown

    assert space_markdown("Oui: « non »; vraiment?", "fr-CA") == f"Oui{NB}: «{NB}non{NB}»; vraiment?"
    assert space_markdown("Oui: « non »; vraiment?", "fr-FR") == f"Oui{NB}: «{NB}non{NB}»{THIN}; vraiment{THIN}?"


def test_french_spacing_of_markdown_keeps_its_syntax() -> None:
    from briefgen.typography import space_markdown

    text = "**Clé:** *«mot»* ![image](a.png) `x: y`\n\n```\na: b\n```\n| a | b |\n|:--|--:|\n"
    assert space_markdown(text, "fr") == (
        f"**Clé{NB}:** *«{NB}mot{NB}»* ![image](a.png) `x: y`\n\n```\na: b\n```\n| a | b |\n|:--|--:|\n"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en-GB", "<p>“Core” and ‘core’ it’s</p>\n"),  # as before: markdown-it's English marks
        ("fr", "<p>«Core» and “core” it’s</p>\n"),
        ("de", "<p>„Core“ and ‚core‘ it’s</p>\n"),
        ("es", "<p>«Core» and “core” it’s</p>\n"),
        ("ja", "<p>「Core」 and 『core』 it’s</p>\n"),
        ("zh-Hans", "<p>“Core” and ‘core’ it’s</p>\n"),
        ("zh-Hant", "<p>「Core」 and 『core』 it’s</p>\n"),
        ("ar", "<p>«Core» and “core” it’s</p>\n"),
    ],
)
def test_the_typographer_uses_the_language_s_quotation_marks(lang: str, expected: str) -> None:
    from briefgen.markdown import Citations, to_html, to_markdown

    text = "\"Core\" and 'core' it's"
    assert to_html(text, Citations([]), lang=lang) == expected
    assert to_markdown(text, Citations([]), lang) == expected[3:-5]


def test_a_cjk_brief_is_never_hyphenated(tmp_path: Path) -> None:
    from weasyprint import HTML

    from briefgen.pdf import printable_html
    from briefgen.render import render_print_css

    for lang in ("ja", "zh-Hans"):
        brief = load(
            write_brief(tmp_path, lang.lower(), minimal_data(language=lang, summary="日本語 internationalisation"))
        ).brief
        page = HTML(string=printable_html(render_html(brief, PROJECT), render_print_css(brief, PROJECT))).render()
        styles = [
            box.style for box in _boxes(page.pages[0]._page_box) if getattr(box, "element_tag", "") in ("p", "li")
        ]
        assert styles and {s["hyphens"] for s in styles} == {"manual"}, lang
    english = load(write_brief(tmp_path, "en", minimal_data())).brief
    assert ":lang(ja), :lang(zh), :lang(ko) { hyphens: manual; }" not in render_html(english, PROJECT)


def _boxes(box: object) -> list[object]:
    found = [box]
    for child in getattr(box, "children", []):
        found += _boxes(child)
    return found


def test_han_characters_alone_are_in_the_language_of_a_cjk_brief(tmp_path: Path) -> None:
    data = minimal_data(language="ja", title="北京", summary="11月27日、北京で")
    html = parse_html(render_html(load(write_brief(tmp_path, "ja", data)).brief, PROJECT))
    spans = {(s.get("lang"), s.text()) for s in html.iter("span") if s.get("lang")}
    assert ("ja", "北京") in spans and ("ja", "月") in spans and not any(lang == "zh-Hans" for lang, _ in spans)
    english = parse_html(render_html(load(write_brief(tmp_path, "en", minimal_data(title="北京"))).brief, PROJECT))
    assert ("zh-Hans", "北京") in {(s.get("lang"), s.text()) for s in english.iter("span") if s.get("lang")}


def test_a_cjk_risk_table_keeps_its_scale_words_and_headers_whole(tmp_path: Path) -> None:
    from weasyprint import HTML

    from briefgen.pdf import printable_html
    from briefgen.render import render_print_css

    long = "Europe's support for one side pushes regional powers closer to the other, and trust strains. " * 3
    risk = {"title": "A risk", "likelihood": "likely", "impact": "moderate", "description": long}
    brief = load(write_brief(tmp_path, "ja", minimal_data(language="ja", risks=[risk]))).brief
    page = HTML(string=printable_html(render_html(brief, PROJECT), render_print_css(brief, PROJECT))).render()
    lines = [
        "".join(b.text for b in _boxes(line) if hasattr(b, "text"))
        for line in _boxes(page.pages[0]._page_box)
        if type(line).__name__ == "LineBox"
    ]
    for word in ("中程度", "可能性が高い", "深刻度", "リスクの対象"):  # each would break between characters
        assert word in lines, (word, [line for line in lines if line and line[0] in word])
