"""The published estimative yardsticks in other languages: per language, the words a desk writing in it uses
for each step of PHIA and ICD 203, the endings a term may take in a text and the loose probability words that
belong to no step (yardstick.py builds the translated yardstick from them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Writing:
    """How a language's words are found in a text, beyond its terms' endings. The default is a language
    written with spaces: a word between word boundaries, its words apart by any spaces."""

    before: str = ""  # what a term's first word may be written after, in the word (Arabic: و ف ب ل ك, ال)
    joint: str = r"\s+"  # what stands between a term's words (Arabic: an ending, spaces, a proclitic)
    spaced: bool = True  # False: no spaces between words (Japanese, Chinese): a term is found as a substring
    swaps: tuple[tuple[str, str], ...] = ()  # (regular expression, replacement) rewriting a word's pattern
    ignore: tuple[str, ...] = ()  # words that hold a probability word but are none (Chinese 可能性, possibility)
    loose_ending: str = ""  # the ending a loose word may take (Arabic agrees them as it does the terms)
    not_after: str = ""  # what a word may not be followed by: a negation written after it (Japanese とは言えない)


SPACED = Writing()

# The published yardsticks in other languages: the same steps and ranges, the words a desk writing in the
# language uses for them (tradecraft.py holds a brief to the yardstick in its own language; the English term is
# still accepted as a judgement's likelihood). Each language says which endings its terms may take in a text
# (French agrees its adjectives and makes adverbs with -ment) and its own loose probability words.

# French: no French service publishes a yardstick, so the terms are those a French-writing desk uses for the
# UK and US steps, one term per step (its adverb and agreements come from the ending): "possibilité réelle" for
# "realistic possibility" rather than the calque "possibilité réaliste", "quasiment exclu" for "remote chance"
# (what a French note writes: "il est quasiment exclu que..."). Synonyms are loose words that name the term.
FRENCH_ENDING = "(?:e|s|es|ment|ement)?"  # presque certaine(s), probablement, presque certainement
FRENCH_LOOSE: dict[str, float] = {
    "sans doute": 75,  # in French "sans doute" means "probably", not "without doubt"
    "sans aucun doute": 97,
    "sans nul doute": 97,
    "selon toute vraisemblance": 85,
    "selon toute probabilité": 85,
    "vraisemblablement": 65,
    "vraisemblable": 65,
    "plus probable": 60,
    "le plus probable": 70,
    "moins probable": 35,
    "peut-être": 45,
    "possiblement": 40,
    "éventuellement": 40,
    "il se peut": 45,
    "il est possible": 40,
    "plausible": 40,
    "plausiblement": 40,
    "certainement": 97,
    "assurément": 97,
    "indubitablement": 97,
    "sûrement": 95,
    "à coup sûr": 97,
    "une chance sur deux": 50,
    # synonyms of the terms: one word per step keeps a reader's scale steady, so each is told the term to use
    "chance infime": 3,
    "très improbable": 15,
    "improbable": 30,
    "possibilité réaliste": 45,
    "hautement probable": 85,
    "quasi certain": 97,
    "quasi-certain": 97,
    "quasiment certain": 97,
}
Words = tuple[str | tuple[str, ...], ...]  # per step, lowest first: its term, or its term and other forms
TRANSLATED: dict[tuple[str, str], tuple[Words, str]] = {
    ("PHIA", "fr"): (
        (
            "quasiment exclu",
            "très peu probable",
            "peu probable",
            "possibilité réelle",
            "probable",
            "très probable",
            "presque certain",
        ),
        "Échelle du Professional Head of Intelligence Assessment britannique, édition 2025 ; ses intervalles"
        " sont délibérés.",
    ),
    ("ICD 203", "fr"): (
        (
            "quasiment aucune chance",
            "très peu probable",
            "peu probable",
            "chances à peu près égales",
            "probable",
            "très probable",
            "presque certain",
        ),
        "Directive 203 de la communauté du renseignement des États-Unis (Analytic Standards) : expressions de"
        " la probabilité.",
    ),
}


# German: "realistische Möglichkeit" as the UK term reads in German translations of its assessments; adjectives
# inflect (-e, -em, -en, -er, -es) and serve as adverbs. Comparatives (wahrscheinlicher) are not loose words:
# they are spelt as the inflected term.
GERMAN_ENDING = "(?:e|em|en|er|es)?"
GERMAN_LOOSE: dict[str, float] = {
    "vermutlich": 65,
    "voraussichtlich": 65,
    "möglicherweise": 40,
    "vielleicht": 45,
    "eventuell": 40,
    "womöglich": 40,
    "unter Umständen": 40,
    "es ist möglich": 40,
    "sicherlich": 97,
    "zweifellos": 97,
    "zweifelsohne": 97,
    "gewiss": 97,
    "höchstwahrscheinlich": 85,
    "hochwahrscheinlich": 85,
    "höchst wahrscheinlich": 85,
    "höchst unwahrscheinlich": 12,
    "äußerst unwahrscheinlich": 12,
    "eher unwahrscheinlich": 30,
    "eher wahrscheinlich": 60,
    "ernsthafte Möglichkeit": 45,
    "fast sicher": 97,
    "so gut wie sicher": 97,
}
# Spanish: adjectives take -s and make adverbs with -mente; "casi seguro" also agrees (casi segura).
# "Seguramente" means "most probably" in Spanish, so it is a loose word, not "almost certainly".
SPANISH_ENDING = "(?:s|mente)?"
SPANISH_LOOSE: dict[str, float] = {
    "quizás": 45,
    "quizá": 45,
    "tal vez": 45,
    "a lo mejor": 45,
    "puede que": 45,
    "es posible": 40,
    "posiblemente": 40,
    "seguramente": 80,
    "previsiblemente": 65,
    "presumiblemente": 65,
    "lo más probable": 70,
    "más probable": 60,
    "menos probable": 35,
    "sin duda": 97,
    "sin lugar a dudas": 97,
    "indudablemente": 97,
    "ciertamente": 97,
    "prácticamente seguro": 97,
    "altamente probable": 85,
    "altamente improbable": 12,
    "posibilidad realista": 45,
    "difícilmente": 25,
}
TRANSLATED |= {
    ("PHIA", "de"): (
        (
            "so gut wie ausgeschlossen",
            "sehr unwahrscheinlich",
            "unwahrscheinlich",
            "realistische Möglichkeit",
            "wahrscheinlich",
            "sehr wahrscheinlich",
            "nahezu sicher",
        ),
        "Skala des britischen Professional Head of Intelligence Assessment, Ausgabe 2025; ihre Lücken sind gewollt.",
    ),
    ("ICD 203", "de"): (
        (
            "nahezu keine Chance",
            "sehr unwahrscheinlich",
            "unwahrscheinlich",
            "etwa gleiche Chancen",
            "wahrscheinlich",
            "sehr wahrscheinlich",
            "nahezu sicher",
        ),
        "Intelligence Community Directive 203 der USA (Analytic Standards): Ausdrücke der Wahrscheinlichkeit.",
    ),
    ("PHIA", "es"): (
        (
            "posibilidad remota",
            "muy improbable",
            "improbable",
            "posibilidad real",
            "probable",
            "muy probable",
            ("casi seguro", "casi segura", "casi seguramente"),
        ),
        "Escala del Professional Head of Intelligence Assessment británico, edición de 2025; sus huecos son"
        " deliberados.",
    ),
    ("ICD 203", "es"): (
        (
            "casi ninguna posibilidad",
            "muy improbable",
            "improbable",
            "posibilidades aproximadamente iguales",
            "probable",
            "muy probable",
            ("casi seguro", "casi segura", "casi seguramente"),
        ),
        "Directiva 203 de la comunidad de inteligencia de los Estados Unidos (Analytic Standards): expresiones de"
        " probabilidad.",
    ),
}
# each language's endings, loose words and how its words are found (Japanese, Chinese and Arabic, whose words
# are not all split by spaces: yardstick_words_asia.py)
LANGUAGES: dict[str, tuple[str, dict[str, float], Writing]] = {
    "fr": (FRENCH_ENDING, FRENCH_LOOSE, SPACED),
    "de": (GERMAN_ENDING, GERMAN_LOOSE, SPACED),
    "es": (SPANISH_ENDING, SPANISH_LOOSE, SPACED),
}
