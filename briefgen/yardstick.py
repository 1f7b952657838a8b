"""Estimative yardsticks: the published probability terms a key judgement's words are held to (UK PHIA 2025,
US ICD 203, or an organisation's own), the probability words that belong to none of them, and the Admiralty
grades of a source and its information."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from briefgen.yardstick_words import LANGUAGES, SPACED, TRANSLATED, Writing
from briefgen.yardstick_words_asia import ASIAN_LANGUAGES, ASIAN_TRANSLATED


@dataclass(frozen=True)
class Term:
    """One step of a yardstick: its term, the other words the yardstick allows for it, its range in percent."""

    term: str
    low: int
    high: int
    aliases: tuple[str, ...] = ()

    @property
    def range(self) -> str:
        """55-75%."""
        return f"{self.low}-{self.high}%"

    @property
    def words(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)

    @property
    def label(self) -> str:
        """likely / probably."""
        return " / ".join(self.words)


@dataclass(frozen=True)
class Yardstick:
    """A probability yardstick, lowest term first."""

    name: str  # as messages and the annex call it
    terms: tuple[Term, ...]
    note: str = ""
    language: str = "en"  # the language of its words (primary subtag)
    loose: Mapping[str, float] | None = field(default=None, compare=False)  # None: LOOSE_WORDS (English)
    ending: str = "(?:ly)?"  # what a term may end with in a text: English adverbs ('likely', 'almost certainly')
    original: Yardstick | None = field(default=None, compare=False)  # the English one this one's words translate
    writing: Writing = field(default=SPACED, compare=False)  # how its language's words are found in a text

    def own_term(self, word: str) -> Term | None:
        """The step ``word`` names in this yardstick's language (a term or an alias, any case), or None."""
        word = " ".join(word.lower().split())
        return next((t for t in self.terms if word in (w.lower() for w in t.words)), None)

    def term(self, word: str) -> Term | None:
        """The step ``word`` names (a term or one of its aliases, any case; in a translated yardstick also the
        English term, so a likelihood copied from the original still reads), or None."""
        found = self.own_term(word)
        if found is None and self.original is not None:
            english = self.original.own_term(word)
            found = self.terms[self.original.terms.index(english)] if english else None
        return found

    def nearest(self, percent: float) -> Term:
        """The step whose range holds ``percent``, else the one whose middle is nearest."""
        return min(self.terms, key=lambda t: (not t.low <= percent <= t.high, abs((t.low + t.high) / 2 - percent)))

    def find(self, text: str) -> Iterator[tuple[int, str, Term]]:
        """Each yardstick word in ``text``: its offset, the words as written and its step ('highly unlikely' is
        not also read as 'unlikely', nor 'most likely' as 'likely'; an adverb such as 'almost certainly' counts)."""
        yield from ((at, words, step) for at, words, step, loose in scan(text, self) if not loose)


def _word_re(word: str, ending: str = "", writing: Writing = SPACED) -> re.Pattern[str]:
    """The pattern of ``word`` in a text: between word boundaries, its words apart by spaces; in a language
    written without spaces, anywhere (the longest word is taken first, so 不可能 is not read as 可能)."""
    parts = [re.escape(part) for part in word.split()]
    for swap, replacement in writing.swaps:
        parts = [re.sub(swap, replacement, part) for part in parts]
    body = (
        writing.before + writing.joint.join(parts) + ending + (f"(?!{writing.not_after})" if writing.not_after else "")
    )
    return re.compile(rf"(?<![\w-])({body})(?![\w-])" if writing.spaced else f"({body})", re.I)


def _key(word: str, writing: Writing) -> tuple[str, bool]:
    """What a text must hold for ``word`` to be in it, and whether it holds it as written (True: the key has
    no letter case, as in Japanese, Chinese or Arabic, so any text is tested) or only in lower case (tested in
    ASCII text only, where lower() folds case as the pattern's re.I does; not so for İ, ſ or σ/ς)."""
    if not writing.swaps:
        first = word.split()[0]
        return (first, True) if _caseless(first) else (first.lower(), False)
    pieces = [p for part in word.split() for p in re.split("|".join(s for s, _ in writing.swaps), part)]
    longest = max(pieces, key=len)  # a piece a swap leaves as written
    return (longest, True) if _caseless(longest) else ("", True)


def _caseless(text: str) -> bool:
    return all(c.lower() == c == c.upper() for c in text) and not any(c.isascii() and c.isalpha() for c in text)


PHIA = Yardstick(
    "PHIA",
    (
        Term("remote chance", 0, 5),
        Term("highly unlikely", 10, 20),
        Term("unlikely", 25, 35),
        Term("realistic possibility", 40, 50),
        Term("likely", 55, 75, ("probably",)),
        Term("highly likely", 80, 90),
        Term("almost certain", 95, 100),
    ),
    "The UK Professional Head of Intelligence Assessment’s yardstick, 2025 edition; its gaps are deliberate.",
)
ICD203 = Yardstick(
    "ICD 203",
    (
        Term("almost no chance", 1, 5, ("remote",)),
        Term("very unlikely", 5, 20, ("highly improbable",)),
        Term("unlikely", 20, 45, ("improbable",)),
        Term("roughly even chance", 45, 55, ("roughly even odds",)),
        Term("likely", 55, 80, ("probable",)),
        Term("very likely", 80, 95, ("highly probable",)),
        Term("almost certain", 95, 99, ("nearly certain",)),
    ),
    "US Intelligence Community Directive 203, Analytic Standards: expressions of likelihood.",
)
YARDSTICKS = {"phia": PHIA, "icd203": ICD203}

# Probability words a reader cannot put a number on, with the probability a reader most often hears in them
# (what the message's suggested term is chosen by). A yardstick's own words are never flagged.
LOOSE_WORDS: dict[str, float] = {
    "in all likelihood": 85,
    "more likely than not": 60,
    "most likely": 70,
    "more likely": 60,
    "less likely": 35,
    "almost no chance": 3,
    "remote chance": 3,
    "highly unlikely": 12,
    "very unlikely": 12,
    "realistic possibility": 45,
    "roughly even chance": 50,
    "highly likely": 85,
    "very likely": 85,
    "highly probable": 85,
    "highly improbable": 12,
    "probable": 65,
    "probably": 65,
    "improbable": 25,
    "possibly": 40,
    "perhaps": 45,
    "maybe": 45,
    "conceivably": 15,
    "plausibly": 40,
    "certainly": 97,
    "definitely": 97,
    "undoubtedly": 97,
    "doubtless": 97,
    "surely": 95,
    "even chance": 50,
    "chances are": 60,
}


def scan(text: str, yardstick: Yardstick) -> list[tuple[int, str, Term, bool]]:
    """Every probability word of ``text``, longest first where two overlap: its offset, the words as written, the
    yardstick's step it names (or, for a word not in the yardstick, the step to use instead) and whether it is
    one of those loose words."""
    taken = [False] * len(text)
    found = []
    # nearly every word is not in a text at all: skipped without a search (_key says when that can be told)
    lowered = text.lower() if text.isascii() else None
    for key, exact, pattern, step, loose in _candidates(yardstick):
        if skips(text, lowered, key, exact):
            continue
        for match in pattern.finditer(text):
            if not any(taken[match.start() : match.end()]):
                taken[match.start() : match.end()] = [True] * (match.end() - match.start())
                if step is not None:  # else a word that holds one but is none: taken, not reported
                    found.append((match.start(), match.group(), step, loose))
    return sorted(found, key=lambda f: f[0])


def skips(text: str, lowered: str | None, key: str, exact: bool) -> bool:
    """Whether ``text`` (``lowered``: its lower case if it is ASCII, else None) cannot hold a word whose key is
    ``key``, without a search."""
    if exact:
        return key not in text
    return lowered is not None and key not in lowered


Candidate = tuple[str, bool, re.Pattern[str], Term | None, bool]
_CANDIDATES: dict[int, tuple[Yardstick, list[Candidate]]] = {}


def _candidates(yardstick: Yardstick) -> list[Candidate]:
    """The words ``scan`` looks for, longest first: each one's key (what a text must hold to hold it) and
    whether the key is as written, its pattern, its step (None: a word to leave unread) and whether it is
    loose; made once per yardstick (a brief's check scans some twenty texts, each against every word)."""
    cached = _CANDIDATES.get(id(yardstick))
    if cached is not None and cached[0] is yardstick:
        return cached[1]
    writing = yardstick.writing
    candidates: list[tuple[str, Term | None, bool]] = [(w, None, True) for w in writing.ignore]  # first on a tie
    candidates += [(w, t, False) for t in yardstick.terms for w in t.words]
    words = LOOSE_WORDS if yardstick.loose is None else yardstick.loose
    candidates += [(w, yardstick.nearest(p), True) for w, p in words.items() if not yardstick.own_term(w)]
    made = [
        (
            *_key(word, writing),
            _word_re(word, writing.loose_ending if loose else yardstick.ending, writing),
            step,
            loose,
        )
        for word, step, loose in sorted(candidates, key=lambda c: -len(c[0]))
        if word.split()  # a blank term or alias of a custom yardstick names nothing
    ]
    if len(_CANDIDATES) >= 16:  # a yardstick in another language may be made per brief: keep a few
        _CANDIDATES.clear()
    _CANDIDATES[id(yardstick)] = (yardstick, made)  # the yardstick kept with them: its id is not reused meanwhile
    return made


def loose_words(text: str, yardstick: Yardstick) -> Iterator[tuple[int, str, Term]]:
    """Each probability word of ``text`` that is not in the yardstick: its offset, the word as written and the
    yardstick's step to use instead."""
    yield from ((at, words, step) for at, words, step, loose in scan(text, yardstick) if loose)


# --- the published yardsticks in other languages (their words: yardstick_words.py)


def in_language(yardstick: Yardstick, language: str) -> Yardstick:
    """The yardstick in the words of ``language`` (BCP 47; its primary subtag decides, and for Chinese its
    script: the words are Simplified, so zh-Hant, zh-TW, zh-HK and zh-MO keep the yardstick's own), or the
    yardstick itself when it has no words in that language (an organisation's own yardstick, or a language
    not translated)."""
    subtags = language.lower().split("-")
    primary = subtags[0]
    traditional = "hant" in subtags or ("hans" not in subtags and any(s in ("tw", "hk", "mo") for s in subtags))
    table = None if primary == "zh" and traditional else _TRANSLATED.get((yardstick.name, primary))
    if table is None or yardstick.original is not None:
        return yardstick
    words, note = table
    forms = [(w,) if isinstance(w, str) else w for w in words]
    terms = tuple(Term(f[0], t.low, t.high, f[1:]) for f, t in zip(forms, yardstick.terms, strict=True))
    ending, loose, writing = _LANGUAGES[primary]
    return replace(
        yardstick,
        terms=terms,
        note=note,
        language=primary,
        loose=loose,
        ending=ending,
        original=yardstick,
        writing=writing,
    )


_TRANSLATED = TRANSLATED | ASIAN_TRANSLATED
_LANGUAGES = LANGUAGES | ASIAN_LANGUAGES


# The Admiralty (NATO STANAG 2511) grades: the source’s reliability and its information’s credibility, each
# judged apart, shown together as B2.
RELIABILITY = (
    (
        "A",
        "Completely reliable",
        "No doubt of authenticity, trustworthiness or competence; a history of complete reliability.",
    ),
    ("B", "Usually reliable", "Minor doubt; a history of valid information most of the time."),
    ("C", "Fairly reliable", "Doubt; has provided valid information in the past."),
    ("D", "Not usually reliable", "Significant doubt; has provided valid information in the past."),
    ("E", "Unreliable", "Lacking in authenticity, trustworthiness and competence; a history of invalid information."),
    ("F", "Reliability cannot be judged", "No basis exists for judging the source’s reliability."),
)
CREDIBILITY = (
    ("1", "Confirmed", "Confirmed by other independent sources; logical in itself; consistent with other information."),
    ("2", "Probably true", "Not confirmed; logical in itself; consistent with other information on the subject."),
    ("3", "Possibly true", "Not confirmed; reasonably logical in itself; agrees with some other information."),
    ("4", "Doubtfully true", "Not confirmed; possible but not logical; no other information on the subject."),
    ("5", "Improbable", "Not confirmed; not logical in itself; contradicted by other information."),
    ("6", "Truth cannot be judged", "No basis exists for judging the validity of the information."),
)
