"""The yardsticks in Japanese, Simplified Chinese and Arabic: their words found without word boundaries (Japanese,
Chinese) or with proclitics and endings (Arabic), the longest and negated forms read right, every check at the
word's own line and column, the annex in the brief's words, and the prefilter that never skips a match."""

from __future__ import annotations

import re

import pytest
from helpers import brief, settings
from hypothesis import given
from hypothesis import strategies as st

from briefgen.config import Config
from briefgen.load import parse_source
from briefgen.render import render_html
from briefgen.validate import validate
from briefgen.yardstick import ICD203, PHIA, Yardstick, _candidates, in_language, loose_words, scan, skips
from briefgen.yardstick_words_asia import ASIAN_LANGUAGES, ASIAN_TRANSLATED

# two sources, both cited in the trigger; "language: xx" and the base take lines 1-12, key_points is line 13
BASE = brief(extra="sources:\n  - id: a\n    title: Source A\n  - id: b\n    title: Source B\n").replace(
    "summary: It happened.", "summary: It happened [@a] [@b]."
)
LANGUAGES = ("ja", "zh-Hans", "ar")


def warnings(language: str, judgement: str, yardstick: Yardstick = PHIA) -> list[str]:
    text = f"language: {language}\n{BASE}key_points:\n{judgement}"
    source = parse_source(text.encode(), "b.yaml")
    return [str(p) for p in validate(source, yardstick=in_language(yardstick, language))[1]]


def found(language: str, text: str, yardstick: Yardstick = PHIA) -> list[tuple[str, str, bool]]:
    return [(words, step.term, loose) for _, words, step, loose in scan(text, in_language(yardstick, language))]


def test_every_step_of_both_yardsticks_has_words_in_each_language() -> None:
    for language in LANGUAGES:
        for english in (PHIA, ICD203):
            translated = in_language(english, language)
            assert translated.language == language.split("-")[0] and translated.original is english
            assert [(t.low, t.high) for t in translated.terms] == [(t.low, t.high) for t in english.terms]
            assert all(not t.term.isascii() for t in translated.terms), (language, english.name)
            # each term is found in a text as written, and names its own step
            for term in translated.terms:
                assert [w for _, w, step in translated.find(f"«{term.term}»") if step is term] == [term.term]
            assert translated.term(english.terms[4].term) is translated.terms[4]  # the English term still reads
    assert {language for _, language in ASIAN_TRANSLATED} == set(ASIAN_LANGUAGES) == {"ja", "zh", "ar"}
    # the words are Simplified: a Traditional Chinese brief keeps the English yardstick
    assert in_language(PHIA, "zh-Hant") is PHIA and in_language(PHIA, "zh-TW") is PHIA
    assert in_language(PHIA, "zh").terms == in_language(PHIA, "zh-Hans-HK").terms == in_language(PHIA, "zh-CN").terms


# --- Japanese: no spaces, particles and conjugations, the longer and the negated forms


def test_japanese_longest_and_negated_forms() -> None:
    text = "北京は可能性が非常に高い。可能性が高い。可能性は低く、可能性の高い案、可能性は高くない、ほぼ確実に。"
    assert found("ja", text) == [
        ("可能性が非常に高い", "可能性が非常に高い", False),  # not also 可能性が高い
        ("可能性が高い", "可能性が高い", False),
        ("可能性は低く", "可能性が低い", False),  # は for が, -ku for -i
        ("可能性の高い", "可能性が高い", False),
        ("可能性は高くない", "可能性が低い", True),  # "not high": a loose word, never the term likely
        ("ほぼ確実", "ほぼ確実", False),
    ]
    assert found("ja", "不確実な情報、可能性が高まる") == []  # uncertain; "rises": no likelihood
    # negated after the phrase: "cannot be called likely", "not almost certain", "not necessarily not high"
    assert found("ja", "可能性が高いとは言えない。ほぼ確実ではない。可能性が高くないとは限らない。") == []


def test_a_japanese_judgement_is_held_to_its_terms_at_its_line_and_column() -> None:
    judgement = (
        "  - text: >-\n"  # 14
        "      北京は対応する\n"  # 15
        "      可能性が非常に高いとみられる [@a] [@b]。おそらく。\n"  # 16
        "    likelihood: 可能性が高い\n"
    )
    assert warnings("ja", judgement) == [
        "b.yaml:16:7: warning: key_points[0].text: '可能性が非常に高い' is the PHIA term '可能性が非常に高い'"
        " (80-90%) but likelihood is '可能性が高い' (55-75%); write '可能性が高い', or set likelihood:"
        " 可能性が非常に高い",
        "b.yaml:16:32: warning: key_points[0].text: 'おそらく' in a key judgement is not a term of the PHIA"
        " yardstick; use '可能性が高い' (55-75%) or another of its terms",
    ]
    agreed = judgement.replace(
        "可能性が非常に高いとみられる [@a] [@b]。おそらく。", "可能性が高いとみられる [@a] [@b]。"
    )
    assert warnings("ja", agreed) == []
    assert warnings("ja", agreed.replace("可能性が高い\n", "likely\n")) == []  # the English term names it too


def test_japanese_even_odds_is_icd203s_term_and_loose_on_phia() -> None:
    assert found("ja", "五分五分だ", ICD203) == [("五分五分", "五分五分", False)]
    assert found("ja", "五分五分だ") == [("五分五分", "現実的な可能性", True)]


# --- Chinese: 可能 inside 不可能 inside 极不可能, and 可能性 that says no likelihood


def test_chinese_longest_and_negated_forms() -> None:
    text = "极不可能，不可能，很可能，可能，可能性不大，这种可能性，尽可能地，极有可能，几乎不可能"
    assert found("zh", text) == [
        ("极不可能", "极不可能", False),
        ("不可能", "几乎不可能", True),  # impossible: never read as 可能 (possibly)
        ("很可能", "很可能", False),
        ("可能", "现实可能性", True),
        ("可能性不大", "可能性不大", False),
        ("极有可能", "极有可能", False),  # not 有可能
        ("几乎不可能", "几乎不可能", False),
    ]  # 可能性 (possibility) and 尽可能 (as far as possible) are not probability words


def test_a_chinese_judgement_is_held_to_its_terms_at_its_line_and_column() -> None:
    judgement = "  - text: 北京很可能采取行动，极不可能让步，也许 [@a] [@b]。\n    likelihood: 很可能\n"
    assert warnings("zh-Hans", judgement) == [
        "b.yaml:14:21: warning: key_points[0].text: '极不可能' is the PHIA term '极不可能' (10-20%) but likelihood"
        " is '很可能' (55-75%); write '很可能', or set likelihood: 极不可能",
        "b.yaml:14:28: warning: key_points[0].text: '也许' in a key judgement is not a term of the PHIA yardstick;"
        " use '现实可能性' (40-50%) or another of its terms",
    ]
    assert warnings("zh-Hans", judgement.replace("，极不可能让步，也许", "")) == []


# --- Arabic: proclitics and the article on each word, agreement endings, the negated forms


def test_arabic_proclitics_endings_and_negated_forms() -> None:
    text = "من المرجح، ومن غير المرجح، ليس من المرجح، مرجحة جداً، والمرجحون، شبه المؤكد، المتوسط المرجح، غير مرجح جدا"
    assert found("ar", text) == [
        ("المرجح", "مرجح", False),
        ("غير المرجح", "غير مرجح", False),  # the article on the term's second word; not مرجح (likely)
        ("ليس من المرجح", "غير مرجح", True),  # "it is not likely": a loose word, never the term likely
        ("مرجحة جداً", "مرجح جدا", False),  # agreement and tanween
        ("والمرجحون", "مرجح", False),
        ("شبه المؤكد", "شبه مؤكد", False),
        ("غير مرجح جدا", "مستبعد جدا", True),  # reads two ways: told the term
    ]  # a weighted average (المتوسط المرجح) is no likelihood
    assert found("ar", "مرجحي ومرجحات") == [("ومرجحات", "مرجح", False)]  # ي is no ending of the term: not read


def test_an_arabic_judgement_is_held_to_its_terms_at_its_line_and_column() -> None:
    judgement = "  - text: من غير المرجح أن تتراجع بكين، وربما تتحرك [@a] [@b].\n    likelihood: مرجح\n"
    assert warnings("ar", judgement) == [
        "b.yaml:14:14: warning: key_points[0].text: 'غير المرجح' is the PHIA term 'غير مرجح' (25-35%) but"
        " likelihood is 'مرجح' (55-75%); write 'مرجح', or set likelihood: غير مرجح",
        "b.yaml:14:41: warning: key_points[0].text: 'وربما' in a key judgement is not a term of the PHIA"
        " yardstick; use 'احتمال واقعي' (40-50%) or another of its terms",
    ]
    assert warnings("ar", judgement.replace("، وربما تتحرك", "").replace(": مرجح", ": غير مرجح")) == []


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("ja", "北京は譲歩するかもしれない。", "かもしれない"),
        ("zh-Hans", "北京或许让步。", "或许"),
        ("ar", "بكين ستتراجع حتما.", "حتما"),
    ],
)
def test_a_loose_word_in_the_bluf_is_reported(language: str, text: str, word: str) -> None:
    source = f"language: {language}\n{BASE}".replace("summary: The bottom line.", f"summary: {text}")
    problems = [
        str(p) for p in validate(parse_source(source.encode(), "b.yaml"), yardstick=in_language(PHIA, language))[1]
    ]
    column = 10 + text.index(word)
    assert len(problems) == 1 and problems[0].startswith(f"b.yaml:4:{column}: warning: summary: '{word}' in the")
    assert [w for _, w, _ in loose_words(text, in_language(PHIA, language))] == [word]


# --- the annex in the brief's words


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("english", [PHIA, ICD203])
def test_the_annex_lists_the_yardstick_in_the_briefs_words(language: str, english: Yardstick) -> None:
    project = settings(Config(yardstick="phia" if english is PHIA else "icd203"))
    text = f"language: {language}\n" + brief(extra="key_points:\n  - text: x\n    basis: assessment\n")
    html = render_html(validate(parse_source(text.encode(), "b.yaml"))[0], project)
    table = re.search(r'<table class="scale yardstick">(.*?)</table>', html, re.S)
    assert table
    cells = re.sub(r"<[^>]+>", "|", re.sub(r"<caption>.*?</caption>", "", table.group(1)))
    for term in in_language(english, language).terms:
        assert term.term in cells
    for term in english.terms:  # no English term is left: "likely" is not even inside another word
        assert not re.search(term.term, cells, re.I), term.term
    assert re.search(r"[a-z]", cells, re.I) is None  # the whole table in the language (its caption names it)


# --- the prefilter: a word skipped without a search is never in the text

ALPHABET = sorted(
    {c for (_, _), (words, _) in ASIAN_TRANSLATED.items() for w in words for c in str(w)}
    | {c for _, loose, _ in ASIAN_LANGUAGES.values() for w in loose for c in w}
    | set("وفبلكالةونينات\u064b\u064c\u064f。、 xX-")
)
YARDSTICKS = [in_language(y, language) for y in (PHIA, ICD203) for language in LANGUAGES]
WRITTEN = ["可能性は高く", "可能性の低かっ", "والمرجحة جدًا", "غير المرجحين", "للمرجح", "شبه المؤكدة", "تقريبًا"]
PIECES = sorted(
    {w for y in YARDSTICKS for t in y.terms for w in t.words} | {w for y in YARDSTICKS for w in y.loose or {}}
)
PIECES += WRITTEN  # the words as a text writes them: another particle, ending, proclitic


@given(
    st.lists(st.one_of(st.text(alphabet=ALPHABET, max_size=6), st.sampled_from(PIECES)), max_size=8),
    st.sampled_from(YARDSTICKS),
)
def test_the_prefilter_never_skips_a_text_that_holds_the_word(parts: list[str], yardstick: Yardstick) -> None:
    text = "".join(parts)
    lowered = text.lower() if text.isascii() else None
    for key, exact, pattern, _, _ in _candidates(yardstick):
        if skips(text, lowered, key, exact):
            assert pattern.search(text) is None, (key, text)
    # and it does skip: a text without the words is searched for none of them
    assert all(skips("Nothing here.", None, key, exact) for key, exact, *_ in _candidates(yardstick) if key)


def test_a_word_that_ends_a_sentence_is_found_at_its_own_column() -> None:
    judgement = "  - text: Paris will hedge [@a] [@b], unlikely.\n    likelihood: likely\n"
    text = BASE + "key_points:\n" + judgement
    problems = validate(parse_source(text.encode(), "b.yaml"), yardstick=PHIA)[1]
    assert [(p.line, p.col) for p in problems] == [(13, 39)]  # not the start of the text (13:11)
