"""Analytic tradecraft checked on a valid brief: its probability words held to the project's yardstick, the
confidence its sources can bear, sources never cited, judgements that rest on nothing, its document number."""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefgen.errors import Problem
from briefgen.load import PathKey, Source, walk_strings
from briefgen.model import Brief, KeyPoint, citation_ids, shorten
from briefgen.yardstick import Term, Yardstick, loose_words


def check_likelihoods(source: Source, yardstick: Yardstick | None) -> list[Problem]:
    """Errors for a key judgement's ``likelihood`` that is not a term of the yardstick; with none chosen, a
    likelihood is printed as written (a brief keeps working in a project that has not chosen one)."""
    problems: list[Problem] = []
    if yardstick is None:
        return problems
    points = source.data.get("key_points")
    for i, point in enumerate(points if isinstance(points, list) else []):
        value = point.get("likelihood") if isinstance(point, dict) else None
        if not isinstance(value, str):
            continue
        loc = ("key_points", i, "likelihood")
        if yardstick.term(value) is None:
            terms = ", ".join(t.term for t in yardstick.terms)
            message = f"'{shorten(value)}' is not a term of the {yardstick.name} yardstick; use one of {terms}"
            problems.append(source.problem(loc, message))
    return problems


def check_tradecraft(source: Source, brief: Brief, yardstick: Yardstick) -> list[Problem]:
    """The warnings of a brief held to ``yardstick`` (``--strict`` fails on them)."""
    problems: list[Problem] = []
    for loc, text in [(_summary_loc(source), brief.summary)]:
        problems += _loose(source, loc, text, yardstick, "the bottom line up front")
    for i, point in enumerate(brief.key_points):
        loc = _point_loc(source, i)
        problems += _terms(source, loc, i, point, yardstick)
        problems += _loose(source, loc, point.text, yardstick, "a key judgement")
        problems += _basis(source, loc, i, point)
    problems += _uncited(source, brief)
    return problems


def check_reference(source: Source, reference: str | None, pattern: str | None) -> list[Problem]:
    """An error for a document number that does not follow briefgen.toml's reference_format."""
    if reference is None or pattern is None or re.fullmatch(pattern, reference):
        return []
    message = f"'{shorten(reference)}' does not follow the reference format {pattern} of briefgen.toml"
    return [source.problem(("reference",), message)]


def _summary_loc(source: Source) -> PathKey:
    return ("summary", "text") if isinstance(source.data.get("summary"), dict) else ("summary",)


def _point_loc(source: Source, i: int) -> PathKey:
    return ("key_points", i, "text") if isinstance(source.data["key_points"][i], dict) else ("key_points", i)


def _within(text: str, offset: int, words: str) -> tuple[str, int]:
    """The first word of ``words`` found at ``offset`` of ``text``, and which occurrence of it that is: what
    Source.locate_within finds in the file, where a phrase may be broken across lines."""
    first = words.split()[0]
    run = _RUN.match(text, offset + len(first))
    if run:  # a word in a language without spaces runs on into the next, a word may end a sentence (likely.):
        first += run.group()  # found as the run Source.locate_within reads as one token
    token = re.compile(re.escape(first) + r"(?![\w.:-])")
    return first, sum(1 for m in token.finditer(text) if m.start() < offset)


_RUN = re.compile(r"[\w.:-]*")


def _step(term: Term) -> str:
    return f"'{term.term}' ({term.range})"


def _terms(source: Source, loc: PathKey, i: int, point: KeyPoint, yardstick: Yardstick) -> Iterator[Problem]:
    declared = yardstick.term(point.likelihood) if point.likelihood else None
    for offset, words, step in yardstick.find(point.text):
        within = _within(point.text, offset, words)
        if declared is None:
            message = (
                f"'{words}' is the {yardstick.name} term {_step(step)} but the judgement declares no likelihood;"
                f" add likelihood: {step.term}"
            )
        elif step is not declared:
            message = (
                f"'{words}' is the {yardstick.name} term {_step(step)} but likelihood is {_step(declared)};"
                f" write '{declared.term}', or set likelihood: {step.term}"
            )
        else:
            continue
        yield source.problem(loc, message, severity="warning", within=within)


def _loose(source: Source, loc: PathKey, text: str, yardstick: Yardstick, where: str) -> Iterator[Problem]:
    for offset, words, step in loose_words(text, yardstick):
        message = (
            f"'{words}' in {where} is not a term of the {yardstick.name} yardstick; use {_step(step)}"
            " or another of its terms"
        )
        yield source.problem(loc, message, severity="warning", within=_within(text, offset, words))


def _basis(source: Source, loc: PathKey, i: int, point: KeyPoint) -> Iterator[Problem]:
    cited = sorted(set(citation_ids(point.text)))
    if not cited and point.basis is None:
        yield source.problem(
            loc[:2],
            "a key judgement that cites no source: cite the sources it rests on, or mark it as the desk's own"
            " with basis: assessment",
            severity="warning",
        )
    if point.confidence == "high" and len(cited) < 2:
        what = f"one source (@{cited[0]})" if cited else "no cited source"
        yield source.problem(
            ("key_points", i, "confidence"),
            f"high confidence rests on {what}: cite a second, independent source or lower it to moderate",
            severity="warning",
        )


def _uncited(source: Source, brief: Brief) -> Iterator[Problem]:
    cited = {ref for _, text in walk_strings(source.data) for ref in citation_ids(text)}
    cited |= {ref for ask in brief.asks for ref in ask.sources}
    for j, ref in enumerate(brief.sources):
        if ref.id not in cited:
            message = f"source '{ref.id}' is never cited: cite it as [@{ref.id}] where it is used, or remove it"
            yield source.problem(("sources", j, "id"), message, severity="warning")
