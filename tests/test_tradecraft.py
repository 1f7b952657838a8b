"""Analytic tradecraft: the yardsticks, every check at the word's own line and column, graded sources, the
brief's frame and whose risk it is, in every format; the page budget and the one-page summary edition."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import Result
from helpers import PROJECT, brief, load, pdfinfo, settings, write_tree

from briefgen.config import Config
from briefgen.docx_writer import docx_bytes
from briefgen.errors import BriefgenError
from briefgen.load import parse_source
from briefgen.model import format_cutoff
from briefgen.render import render_html, render_markdown
from briefgen.validate import validate
from briefgen.yardstick import ICD203, PHIA, in_language, loose_words

DAY = dt.date(2025, 11, 28)
Run = Callable[..., Result]

# two sources, both cited in the trigger; what the tests add starts on line 12
BASE = brief(extra="sources:\n  - id: a\n    title: Source A\n  - id: b\n    title: Source B\n").replace(
    "summary: It happened.", "summary: It happened [@a] [@b]."
)


def warnings(text: str, yardstick: object = PHIA) -> list[str]:
    return [str(p) for p in validate(parse_source(text.encode(), "b.yaml"), today=DAY, yardstick=yardstick)[1]]


def errors(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(BriefgenError) as info:
        validate(parse_source(text.encode(), "b.yaml"), today=DAY, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_base_brief_is_clean() -> None:
    assert BASE.splitlines()[11 - 1] == "    title: Source B"  # what the tests add starts on line 12
    assert warnings(BASE) == []


# --- the yardsticks


def test_phia_and_icd203_terms_and_ranges() -> None:
    assert [(t.term, t.range) for t in PHIA.terms] == [
        ("remote chance", "0-5%"),
        ("highly unlikely", "10-20%"),
        ("unlikely", "25-35%"),
        ("realistic possibility", "40-50%"),
        ("likely", "55-75%"),
        ("highly likely", "80-90%"),
        ("almost certain", "95-100%"),
    ]
    assert PHIA.term("Probably") is PHIA.term("likely")  # PHIA's "likely or probably"
    assert [(t.term, t.range) for t in ICD203.terms] == [
        ("almost no chance", "1-5%"),
        ("very unlikely", "5-20%"),
        ("unlikely", "20-45%"),
        ("roughly even chance", "45-55%"),
        ("likely", "55-80%"),
        ("very likely", "80-95%"),
        ("almost certain", "95-99%"),
    ]


def test_longest_words_win_and_adverbs_count() -> None:
    text = "Highly likely, almost certainly, unlikely; most likely probable."
    assert [(words, step.term) for _, words, step in PHIA.find(text)] == [
        ("Highly likely", "highly likely"),
        ("almost certainly", "almost certain"),
        ("unlikely", "unlikely"),
    ]
    assert [(words, step.term) for _, words, step in loose_words(text, PHIA)] == [
        ("most likely", "likely"),
        ("probable", "likely"),
    ]
    # on ICD 203 "probable" is a term and PHIA's "highly likely" is not: it says "very likely"
    assert [(words, step.term) for _, words, step in loose_words(text, ICD203)] == [
        ("Highly likely", "very likely"),
        ("most likely", "likely"),
    ]


# --- each check at the word's own line and column


def test_term_differing_from_the_declared_likelihood() -> None:
    text = BASE + (
        "key_points:\n"  # 12
        "  - text: >-\n"  # 14
        "      Paris will\n"  # 14
        "      unlikely back Beijing [@a] [@b].\n"  # 15
        "    likelihood: likely\n"
    )
    assert warnings(text) == [
        "b.yaml:15:7: warning: key_points[0].text: 'unlikely' is the PHIA term 'unlikely' (25-35%) but likelihood"
        " is 'likely' (55-75%); write 'likely', or set likelihood: unlikely"
    ]
    assert warnings(text.replace("likelihood: likely", "likelihood: unlikely")) == []


def test_term_without_a_declared_likelihood() -> None:
    text = BASE + "key_points:\n  - Beijing will highly likely persist [@a] [@b].\n"
    assert warnings(text) == [
        "b.yaml:13:18: warning: key_points[0]: 'highly likely' is the PHIA term 'highly likely' (80-90%) but the"
        " judgement declares no likelihood; add likelihood: highly likely"
    ]


def test_probability_word_outside_the_yardstick_in_the_bluf_and_a_judgement() -> None:
    text = BASE.replace(
        "summary: The bottom line.", "summary: >-\n  The bottom line: Paris will in all likelihood hedge."
    ) + (
        "key_points:\n"  # 13 (the summary took two lines)
        "  - text: >-\n"  # 14
        "      Beijing will most\n"  # 15
        "      likely persist, probably [@a] [@b].\n"  # 16
        "    likelihood: likely\n"
    )
    assert warnings(text) == [
        "b.yaml:4:31: warning: summary: 'in all likelihood' in the bottom line up front is not a term of the PHIA"
        " yardstick; use 'highly likely' (80-90%) or another of its terms",
        # a phrase broken across lines is found at its first word
        "b.yaml:15:20: warning: key_points[0].text: 'most likely' in a key judgement is not a term of the PHIA"
        " yardstick; use 'likely' (55-75%) or another of its terms",
    ]  # "probably" is PHIA's own word for likely


def test_the_same_words_on_icd203_name_its_terms() -> None:
    text = BASE + "key_points:\n  - text: Paris will probably hedge, certainly [@a] [@b].\n    likelihood: likely\n"
    assert warnings(text, ICD203) == [
        "b.yaml:13:22: warning: key_points[0].text: 'probably' in a key judgement is not a term of the ICD 203"
        " yardstick; use 'likely' (55-80%) or another of its terms",
        "b.yaml:13:38: warning: key_points[0].text: 'certainly' in a key judgement is not a term of the ICD 203"
        " yardstick; use 'almost certain' (95-99%) or another of its terms",
    ]


def test_high_confidence_on_a_single_source() -> None:
    text = BASE + "key_points:\n  - text: Beijing persists [@a].\n    confidence: high\n"
    assert warnings(text) == [
        "b.yaml:14:17: warning: key_points[0].confidence: high confidence rests on one source (@a): cite a"
        " second, independent source or lower it to moderate"
    ]
    assert warnings(text.replace("[@a]", "[@a; @b]")) == []


def test_source_never_cited() -> None:
    text = BASE.replace("It happened [@a] [@b].", "It happened [@a].")
    assert warnings(text) == [
        "b.yaml:10:9: warning: sources[1].id: source 'b' is never cited: cite it as [@b] where it is used, or remove it"
    ]


def test_judgement_resting_on_nothing_and_the_desks_own() -> None:
    text = BASE + "key_points:\n  - text: Beijing persists.\n    confidence: moderate\n"
    assert warnings(text) == [
        "b.yaml:13:5: warning: key_points[0]: a key judgement that cites no source: cite the sources it rests on,"
        " or mark it as the desk's own with basis: assessment"
    ]
    assert warnings(text + "    basis: assessment\n") == []
    # high confidence with nothing cited is said too, at the confidence
    assert warnings(text.replace("moderate", "high") + "    basis: assessment\n") == [
        "b.yaml:14:17: warning: key_points[0].confidence: high confidence rests on no cited source: cite a second,"
        " independent source or lower it to moderate"
    ]


def test_likelihood_must_be_a_term_of_the_yardstick() -> None:
    text = BASE + "key_points:\n  - text: Beijing persists [@a].\n    likelihood: probable\n"
    assert errors(text, yardstick=PHIA) == [
        "b.yaml:14:17: key_points[0].likelihood: 'probable' is not a term of the PHIA yardstick; use one of remote"
        " chance, highly unlikely, unlikely, realistic possibility, likely, highly likely, almost certain"
    ]
    # without a yardstick nothing is checked and the likelihood is printed as written
    assert warnings(text, None) == []


def test_checks_run_only_with_a_yardstick() -> None:
    text = BASE + "key_points:\n  - Beijing will most likely persist.\n"
    assert warnings(text, None) == []
    assert len(warnings(text)) == 2  # the loose word, and no citation


def test_strict_fails_on_the_warnings(project: Path, run: Run) -> None:
    text = BASE + "key_points:\n  - text: Beijing will most likely persist [@a] [@b].\n"
    write_tree(project, {"briefgen.toml": 'yardstick = "phia"\n', "briefs/b.yaml": text})
    lenient, strict = run("validate", "briefs"), run("validate", "--strict", "briefs")
    assert lenient.exit_code == 0 and strict.exit_code == 1
    assert "briefs/b.yaml:13:24: warning: key_points[0].text: 'most likely'" in strict.stderr


def test_a_custom_yardstick(project: Path, run: Run) -> None:
    toml = (
        '[yardstick]\nname = "Desk scale"\n'
        'terms = [{term = "unlikely", range = [0, 40]}, {term = "likely", range = [60, 100], aliases = ["probable"]}]\n'
    )
    text = BASE + "key_points:\n  - text: Beijing will probably persist [@a] [@b].\n    likelihood: probable\n"
    write_tree(project, {"briefgen.toml": toml, "briefs/b.yaml": text})
    result = run("validate", "--strict", "briefs")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "briefs/b.yaml:13:24: warning: key_points[0].text: 'probably' in a key judgement is not a term of the"
        " Desk scale yardstick; use 'likely' (60-100%) or another of its terms"
    )
    backwards = toml.replace("[60, 100]", "[30, 100]")
    write_tree(project, {"briefgen.toml": backwards})
    assert run("validate", "briefs").stderr.splitlines()[0] == (
        "briefgen.toml:3:1: yardstick: the range of 'likely' must lie in 0-100, low to high, after the one before"
    )


def test_reference_follows_the_configured_format() -> None:
    text = brief(extra="reference: BG-2025-11\n")
    assert errors(text, reference_format=r"BG-[A-Z]+-\d{4}-\d{3}") == [
        r"b.yaml:7:12: reference: 'BG-2025-11' does not follow the reference format BG-[A-Z]+-\d{4}-\d{3} of"
        " briefgen.toml"
    ]
    assert validate(parse_source(text.replace("BG-2025-11", "BG-ASIA-2025-011").encode(), "b.yaml"))[0]


def test_a_risk_is_someones() -> None:
    risk = (
        "actors:\n  - {id: china, name: China}\nrisks:\n  - {title: R, likelihood: likely, impact: minor, to: chna}\n"
    )
    assert errors(brief(extra=risk)) == ["b.yaml:10:55: risks[0].to: unknown actor 'chna' (did you mean 'china'?)"]
    for whose in ("china", "us"):
        assert validate(parse_source(brief(extra=risk.replace("chna", whose)).encode(), "b.yaml"))[0]


def test_the_cutoff_has_a_time_and_a_zone() -> None:
    assert errors(brief(extra="cutoff: 2025-11-28 07:42\n")) == [
        "b.yaml:7:9: cutoff: expected a date and time with its zone, as 2025-11-28T07:42+05:30 or 2025-11-28 07:42"
        " Asia/Kolkata; got '2025-11-28 07:42'"
    ]
    for written, shown in [
        ("2025-11-28 07:42 Asia/Kolkata", "28 Nov 2025, 07:42 IST"),
        ("2025-11-28T07:42+05:30", "28 Nov 2025, 07:42 UTC+05:30"),
        ("2025-11-28T02:12Z", "28 Nov 2025, 02:12 UTC"),
    ]:
        parsed = validate(parse_source(brief(extra=f"cutoff: {written}\n").encode(), "b.yaml"))[0]
        assert format_cutoff(parsed.cutoff) == shown


# --- every format shows the frame, the yardstick, the grades and whose risk it is

FRAMED = brief(
    extra="""\
key_question: Will Paris back Beijing?
reference: BG-ASIA-2025-011
cutoff: 2025-11-28 07:42 Asia/Kolkata
scope: One call, one week.
prepared_by: Asia desk
cleared_by: Head of Asia
coordinated_with: [Europe desk]
distribution: [Political Director]
key_points:
  - text: Paris will likely hedge [@a].
    likelihood: likely
    confidence: moderate
implications: We should agree a line with Paris.
options:
  - title: Agree a line
    pros: [Denies Beijing a reading.]
    cons: [Little time.]
actors:
  - {id: china, name: People's Republic of China, affiliation: China}
risks:
  - {title: French support falls short, likelihood: likely, impact: moderate, to: china}
sources:
  - {id: a, title: Source A, kind: reporting, reliability: B, credibility: 2}
"""
)
PHIA_PROJECT = settings(Config(yardstick="phia"))
FRAME_TEXTS = [
    "Will Paris back Beijing?",
    "BG-ASIA-2025-011",
    "28 Nov 2025, 07:42 IST",
    "One call, one week.",
    "Asia desk",
    "Head of Asia",
    "Europe desk",
    "Political Director",
    "Likely (55-75%)",
    "Implications for us",
    "We should agree a line with Paris.",
    "Agree a line",
    "Denies Beijing a reading.",
    "Little time.",
    "French support falls short",
    "[B2]",
    "Reporting",
    # the annex: the yardstick with its ranges, the grades
    "PHIA",
    "Remote chance",
    "0-5%",
    "Realistic possibility",
    "40-50%",
    "95-100%",
    "Usually reliable",
    "Probably true",
]


@pytest.fixture(scope="module")
def framed(tmp_path_factory: pytest.TempPathFactory) -> object:
    folder = write_tree(tmp_path_factory.mktemp("framed"), {"framed.yaml": FRAMED})
    return load(folder / "framed.yaml", PHIA_PROJECT)


def test_frame_and_annex_in_markdown(framed: object) -> None:
    text = render_markdown(framed.brief, PHIA_PROJECT)  # type: ignore[attr-defined]
    for expected in FRAME_TEXTS:
        assert expected.replace("[", "\\[").replace("]", "\\]") in text, expected
    assert "**Key question:** Will Paris back Beijing?" in text
    assert "- Information as of 28 Nov 2025, 07:42 IST" in text
    assert "| 1 | French support falls short | China | Likely | Moderate | High |" in text
    assert "| Realistic possibility | 40-50% |" in text


def test_frame_and_annex_in_html(framed: object) -> None:
    html = render_html(framed.brief, PHIA_PROJECT)  # type: ignore[attr-defined]
    text = re.sub(r"<[^>]+>", "", html)
    for expected in FRAME_TEXTS:
        grade = expected in ("Usually reliable", "Probably true")  # the grades in a sentence, in lower case
        assert (expected.lower() if grade else expected) in text, expected
    question = re.search(r'<p class="key-question"><span class="label">Key question:</span> (.*?)</p>', html)
    assert question and re.sub(r"<[^>]+>", "", question.group(1)) == "Will Paris back Beijing?"
    cell = re.search(r'<td class="risk-to" data-label="Risk to">(.*?)</td>', html)
    assert cell and re.sub(r"<[^>]+>", "", cell.group(1)) == "China"
    assert "Whose risk: 1 China." in text  # the matrix legend


def test_frame_and_annex_in_word(framed: object) -> None:
    data = docx_bytes(framed.brief, PHIA_PROJECT, {})  # type: ignore[attr-defined]
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    hyphen = qn_t().replace("}t", "}noBreakHyphen")  # a range's hyphen (55-75%) is Word's non-breaking one
    text = "\n".join("".join(t.text or "-" for t in p.iter(qn_t(), hyphen)) for p in body.iter(qn_p()))
    for expected in FRAME_TEXTS:
        assert expected in text, expected
    headers = [tuple(c.text for c in t.rows[0].cells) for t in document.tables]
    assert ("Term", "Probability") in headers and (
        "#",
        "Risk",
        "Risk to",
        "Likelihood",
        "Impact",
        "Severity",
    ) in headers


def qn_t() -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def qn_p() -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"


def test_without_a_yardstick_the_annex_has_none(framed: object) -> None:
    text = render_markdown(framed.brief, PROJECT)  # type: ignore[attr-defined]
    assert "Remote chance" not in text and "- *(Likely; Moderate confidence)*" not in text
    assert "*(Likely; Moderate confidence)*" in text  # the likelihood as written, without a range


# --- the page budget and the one-page summary edition

LONG_SECTIONS = "sections:\n" + "".join(
    f"  - title: Section {n}\n    body: >-\n      {' '.join(['Words that fill the page.'] * 90)}\n" for n in range(1, 7)
)


def test_a_pdf_over_its_budget_is_an_error(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/long.yaml": brief(extra="max_pages: 2\n" + LONG_SECTIONS)})
    result = run("render", "--format", "pdf", "briefs/long.yaml")
    assert result.exit_code == 1
    line = result.stderr.splitlines()[0]
    assert re.fullmatch(
        r"briefs/long\.yaml:7:12: max_pages: the PDF has [3-9] pages, over the budget of 2; most space goes to"
        r" [^,()]+ \(\d\.\d pages\), [^,()]+ \(\d\.\d pages\), [^,()]+ \(\d\.\d pages\)",
        line,
    ), line
    assert not (project / "output" / "long.pdf").exists()  # all or nothing
    # within its budget, it is written
    write_tree(project, {"briefs/long.yaml": brief(extra="max_pages: 9\n" + LONG_SECTIONS)})
    assert run("render", "--format", "pdf", "briefs/long.yaml").exit_code == 0


def test_the_budget_of_briefgen_toml_is_located_there(project: Path, run: Run) -> None:
    write_tree(project, {"briefgen.toml": "max_pages = 1\n", "briefs/long.yaml": brief(extra=LONG_SECTIONS)})
    result = run("render", "--format", "pdf", "briefs/long.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{project / 'briefgen.toml'}:1:1: max_pages: briefs/long.yaml: the PDF has "), (
        result.stderr
    )


def test_the_summary_edition_is_one_page(project: Path, run: Run) -> None:
    extra = (
        "key_points:\n  - text: Paris will likely hedge.\n    likelihood: likely\n    basis: assessment\n"
        "risks:\n"
        + "".join(
            f"  - {{title: Risk {n}, likelihood: {lk}, impact: major}}\n"
            for n, lk in enumerate(["rare", "likely", "possible", "almost-certain", "unlikely"], 1)
        )
        + "watch_list:\n  - {title: A vote, indicator: How it goes.}\n"
        + LONG_SECTIONS
    )
    write_tree(project, {"briefs/b.yaml": brief(extra=extra)})
    assert run("render", "--format", "pdf", "briefs/b.yaml").exit_code == 0
    assert int(pdfinfo(project / "output" / "b.pdf")["Pages"]) > 1  # the full edition: many pages
    result = run("render", "--variant", "summary", "--format", "pdf,md", "briefs/b.yaml")
    assert result.exit_code == 0, result.stderr
    assert pdfinfo(project / "output" / "b-summary.pdf")["Pages"] == "1"
    summary = (project / "output" / "b-summary.md").read_text(encoding="utf-8")
    assert "Section 1" not in summary and "Annex" not in summary
    # the three most severe risks, numbered as in the full edition
    assert re.findall(r"^\| (\d) \| Risk \d", summary, re.M) == ["2", "3", "4"]
    assert "## Watch list" in summary and "## Bottom line up front" in summary


def test_a_summary_that_does_not_fit_fails(project: Path, run: Run) -> None:
    long_bluf = "summary: >-\n  " + " ".join(["A bottom line that goes on and on."] * 400) + "\n"
    write_tree(project, {"briefs/b.yaml": brief(extra="").replace("summary: The bottom line.\n", long_bluf)})
    result = run("render", "--variant", "summary", "--format", "pdf", "briefs/b.yaml")
    assert result.exit_code == 1
    assert re.match(
        r"briefs/b\.yaml:1:1: the summary edition's PDF has [2-9] pages; it must fit on one; most space goes to"
        r" Bottom line up front",
        result.stderr,
    ), result.stderr


def test_each_check_has_its_code_in_json_reports() -> None:
    from briefgen.errors import Problem
    from briefgen.report import problem_code

    said = {
        "'unlikely' is the PHIA term 'unlikely' (25-35%) but likelihood is 'likely' (55-75%); write 'likely'": (
            "likelihood-mismatch"
        ),
        "'likely' is the PHIA term 'likely' (55-75%) but the judgement declares no likelihood; add": (
            "likelihood-undeclared"
        ),
        "'probable' is not a term of the PHIA yardstick; use one of remote chance": "unknown-likelihood",
        "'most likely' in a key judgement is not a term of the PHIA yardstick; use 'likely'": "probability-word",
        "high confidence rests on one source (@a): cite a second": "confidence-one-source",
        "source 'b' is never cited: cite it as [@b]": "uncited-source",
        "a key judgement that cites no source: cite the sources": "unsourced-judgement",
        "'X' does not follow the reference format BG of briefgen.toml": "reference-format",
        "the PDF has 3 pages, over the budget of 2; most space goes to": "page-budget",
        "the summary edition's PDF has 2 pages; it must fit on one": "page-budget",
        "expected a date and time with its zone, as 2025-11-28T07:42+05:30": "cutoff-format",
    }
    for message, code in said.items():
        assert problem_code(Problem("b.yaml", 1, 1, "", message)) == code, message


# --- the yardstick in the brief's language

FRENCH = in_language(PHIA, "fr")
FR_BASE = "language: fr\n" + BASE  # what the tests add starts on line 13


def test_the_french_yardstick_has_the_same_steps_in_french_words() -> None:
    assert [(t.term, t.range) for t in FRENCH.terms] == [
        ("quasiment exclu", "0-5%"),
        ("très peu probable", "10-20%"),
        ("peu probable", "25-35%"),
        ("possibilité réelle", "40-50%"),
        ("probable", "55-75%"),
        ("très probable", "80-90%"),
        ("presque certain", "95-100%"),
    ]
    assert [t.term for t in in_language(ICD203, "fr-CA").terms][3] == "chances à peu près égales"
    assert in_language(PHIA, "en-GB") is PHIA and in_language(PHIA, "sw") is PHIA  # no words of its own: English
    assert FRENCH.term("likely") is FRENCH.term("Probable") is FRENCH.terms[4]  # the original's term still reads


def test_french_terms_agree_and_make_adverbs_and_the_longest_wins() -> None:
    text = "Pékin a très probablement agi ; une issue presque certaine, peu probable, probable et quasiment exclue."
    assert [(words, step.term) for _, words, step in FRENCH.find(text)] == [
        ("très probablement", "très probable"),
        ("presque certaine", "presque certain"),
        ("peu probable", "peu probable"),
        ("probable", "probable"),
        ("quasiment exclue", "quasiment exclu"),
    ]
    assert list(FRENCH.find("Une issue improbable.")) == []  # a synonym is a loose word, not the term


def test_a_french_judgement_is_held_to_the_french_terms() -> None:
    text = FR_BASE + (
        "key_points:\n"  # 13
        "  - text: Paris répondra très probablement avec prudence [@a] [@b].\n"  # 14
        "    likelihood: probable\n"
    )
    assert warnings(text, FRENCH) == [
        "b.yaml:14:26: warning: key_points[0].text: 'très probablement' is the PHIA term 'très probable' (80-90%) but"
        " likelihood is 'probable' (55-75%); write 'probable', or set likelihood: très probable"
    ]
    assert warnings(text.replace("très probablement", "probablement"), FRENCH) == []
    # the English term of the original, as a translator may leave it, names the same step
    assert warnings(text.replace("très probablement", "probablement").replace(": probable", ": likely"), FRENCH) == []


def test_loose_french_words_are_told_the_term_to_use() -> None:
    text = FR_BASE + "key_points:\n  - text: Paris hésitera sans doute [@a] [@b].\n    basis: assessment\n"
    assert warnings(text, FRENCH) == [
        "b.yaml:14:26: warning: key_points[0].text: 'sans doute' in a key judgement is not a term of the PHIA"
        " yardstick; use 'probable' (55-75%) or another of its terms"
    ]
    synonym = FR_BASE + "summary: Une issue hautement probable [@a] [@b].\n"
    assert (
        "'hautement probable' in the bottom line up front is not a term of the PHIA yardstick; use 'très probable'"
        in (" ".join(warnings(synonym.replace("summary: The bottom line.\n", ""), FRENCH)))
    )


def test_a_french_likelihood_must_be_a_french_or_english_term() -> None:
    text = FR_BASE + "key_points:\n  - text: Pékin persiste [@a].\n    likelihood: vraisemblable\n"
    assert errors(text, yardstick=FRENCH) == [
        "b.yaml:15:17: key_points[0].likelihood: 'vraisemblable' is not a term of the PHIA yardstick; use one of"
        " quasiment exclu, très peu probable, peu probable, possibilité réelle, probable, très probable, presque"
        " certain"
    ]


def test_the_project_holds_a_brief_to_the_yardstick_of_its_language(project: Path, run: Run) -> None:
    judgement = "key_points:\n  - text: Paris répondra probablement [@a] [@b].\n    likelihood: probable\n"
    files = {"briefgen.toml": 'yardstick = "phia"\n', "briefs/fr.yaml": FR_BASE + judgement}
    files["briefs/en.yaml"] = BASE + judgement  # in English 'probable' is no term of PHIA: an error
    write_tree(project, files)
    result = run("validate", "--strict", "briefs")
    assert result.stderr.splitlines() == [
        "briefs/en.yaml:14:17: key_points[0].likelihood: 'probable' is not a term of the PHIA yardstick; use one of"
        " remote chance, highly unlikely, unlikely, realistic possibility, likely, highly likely, almost certain",
        "FAILED: 1 of 2 briefs failed, 1 error, 0 warnings",
    ]
    # every format shows the French term and its range; the annex lists the French yardstick
    source = parse_source((FR_BASE + judgement).encode(), "fr.yaml")
    markdown = render_markdown(validate(source)[0], settings(Config(yardstick="phia")))
    assert "Probable (55-75%)" in markdown
    assert "| Possibilité réelle | 40-50% |" in markdown


@pytest.mark.parametrize(
    ("language", "text", "found"),
    [
        (
            "de",
            "Peking wird sehr wahrscheinlich handeln; ein wahrscheinlicher Ausgang, eine realistische Möglichkeit.",
            [("sehr wahrscheinlich", "sehr wahrscheinlich"), ("wahrscheinlicher", "wahrscheinlich"),
             ("realistische Möglichkeit", "realistische Möglichkeit")],
        ),
        (
            "es",
            "Pekín muy probablemente insistirá; es casi segura una respuesta, improbables otras.",
            [("muy probablemente", "muy probable"), ("casi segura", "casi seguro"), ("improbables", "improbable")],
        ),
    ],
)  # fmt: skip
def test_german_and_spanish_terms(language: str, text: str, found: list[tuple[str, str]]) -> None:
    yardstick = in_language(PHIA, language)
    assert [(words, step.term) for _, words, step in yardstick.find(text)] == found
    assert yardstick.term("Realistische möglichkeit" if language == "de" else "Casi segura") is not None
    assert [w for _, w, _ in loose_words("vielleicht, quizás, seguramente", yardstick)] == (
        ["vielleicht"] if language == "de" else ["quizás", "seguramente"]
    )


def test_the_words_a_yardstick_scans_for_are_made_once_and_found_in_any_case() -> None:
    from briefgen.yardstick import PHIA, _candidates, scan

    assert _candidates(PHIA) is _candidates(PHIA)
    found = [(words, step.term, loose) for _, words, step, loose in scan("It is HIGHLY Likely, PERHAPS.", PHIA)]
    assert found == [("HIGHLY Likely", "highly likely", False), ("PERHAPS", "realistic possibility", True)]
    assert [w for _, w, _, _ in scan("It is İMPROBABLE that", ICD203)] == ["İMPROBABLE"]  # re.I folds İ, lower() not
