"""The sentences of the "What has changed" box, in a brief's language: a change of the diff (diff.py) told as
``Said`` (what kind of sentence, with its values) becomes parts for a Translator.

Each sentence is one catalogue message with named placeholders, so a language orders the words and agrees
the genders itself: one message per list and kind ("Risk added: %(title)s", French "Risque ajouté"), per
scale and direction, and for a field a construction where the field is a placeholder (a translation must not
make a participle agree with it). Titles are split out as emphasised parts; the quotes around them are the
language's (typography.py). British English is what the diff always said.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from briefgen.fields import LIKELIHOODS, PartialDate, shorten
from briefgen.i18n import N_, VALUES, Translator, mark
from briefgen.yardstick import YARDSTICKS, Term
from briefgen.yardstick import in_language as yardstick_in

Part = tuple[str, bool]  # a piece of a sentence, and whether it is a title shown emphasised


@dataclass(frozen=True)
class Said:
    """What a change's sentence tells: ``key`` the kind of sentence (whole, scale, renamed, reworded, date,
    value, text, listed), ``section`` whose (a list's section, ``trigger``, ``historical_context``, ``""``
    for the brief), the field, ``change`` (added, removed; raised, lowered), the item's title as shown, the
    values, and for a risk its severity: ``bands`` (likelihood, impact, band) when added, (was, now) when
    rated again, () for no severity."""

    key: str
    section: str
    field: str = ""
    change: str = ""
    title: str = ""
    old: Any = None
    new: Any = None
    bands: tuple[str, ...] = ()


# Translators: %(title)s is the item's title (shown in quotes or italics).
WHOLE = {
    ("key_points", "added"): N_("Key judgement added: %(title)s"),
    ("key_points", "removed"): N_("Key judgement removed: %(title)s"),
    ("actors", "added"): N_("Actor added: %(title)s"),
    ("actors", "removed"): N_("Actor removed: %(title)s"),
    ("motivations", "added"): N_("Motivation added: %(title)s"),
    ("motivations", "removed"): N_("Motivation removed: %(title)s"),
    ("asks", "added"): N_("Ask added: %(title)s"),
    ("asks", "removed"): N_("Ask removed: %(title)s"),
    ("risks", "added"): N_("Risk added: %(title)s"),
    ("risks", "removed"): N_("Risk removed: %(title)s"),
    ("watch_list", "added"): N_("Watch item added: %(title)s"),
    ("watch_list", "removed"): N_("Watch item removed: %(title)s"),
    ("historical_context.events", "added"): N_("Event added: %(title)s"),
    ("historical_context.events", "removed"): N_("Event removed: %(title)s"),
    ("historical_context.themes", "added"): N_("Theme added: %(title)s"),
    ("historical_context.themes", "removed"): N_("Theme removed: %(title)s"),
    ("options", "added"): N_("Option added: %(title)s"),
    ("options", "removed"): N_("Option removed: %(title)s"),
    ("sections", "added"): N_("Section added: %(title)s"),
    ("sections", "removed"): N_("Section removed: %(title)s"),
    ("sources", "added"): N_("Source added: %(title)s"),
    ("sources", "removed"): N_("Source removed: %(title)s"),
}
# Translators: a new risk with its ratings: %(likelihood)s (a likelihood: possible), %(impact)s (an impact:
# major) and %(severity)s (a severity band: high), each as the scales' labels say them inside a sentence.
RISK_ADDED = N_("Risk added: %(title)s (%(likelihood)s, %(impact)s: %(severity)s severity)")
# (scale, raised or lowered, severity: "" none, "moved" to another band, "still" in the same band)
SCALE = {
    # Translators: %(old)s and %(new)s are likelihoods (possible, likely) as said inside a sentence.
    ("likelihood", "raised", ""): N_("Likelihood of %(title)s raised from %(old)s to %(new)s"),
    ("likelihood", "lowered", ""): N_("Likelihood of %(title)s lowered from %(old)s to %(new)s"),
    # Translators: %(severity)s and %(was)s are a risk's severity bands (high, extreme), now and before.
    ("likelihood", "raised", "moved"): N_(
        "Likelihood of %(title)s raised from %(old)s to %(new)s (severity %(severity)s, was %(was)s)"
    ),
    ("likelihood", "lowered", "moved"): N_(
        "Likelihood of %(title)s lowered from %(old)s to %(new)s (severity %(severity)s, was %(was)s)"
    ),
    ("likelihood", "raised", "still"): N_(
        "Likelihood of %(title)s raised from %(old)s to %(new)s (severity still %(severity)s)"
    ),
    ("likelihood", "lowered", "still"): N_(
        "Likelihood of %(title)s lowered from %(old)s to %(new)s (severity still %(severity)s)"
    ),
    # Translators: %(old)s and %(new)s are impacts (moderate, major) as said inside a sentence.
    ("impact", "raised", "moved"): N_(
        "Impact of %(title)s raised from %(old)s to %(new)s (severity %(severity)s, was %(was)s)"
    ),
    ("impact", "lowered", "moved"): N_(
        "Impact of %(title)s lowered from %(old)s to %(new)s (severity %(severity)s, was %(was)s)"
    ),
    ("impact", "raised", "still"): N_(
        "Impact of %(title)s raised from %(old)s to %(new)s (severity still %(severity)s)"
    ),
    ("impact", "lowered", "still"): N_(
        "Impact of %(title)s lowered from %(old)s to %(new)s (severity still %(severity)s)"
    ),
    # Translators: %(title)s is a key judgement; %(old)s and %(new)s are confidence levels (moderate, high).
    ("confidence", "raised", ""): N_("Confidence in %(title)s raised from %(old)s to %(new)s"),
    ("confidence", "lowered", ""): N_("Confidence in %(title)s lowered from %(old)s to %(new)s"),
}
# Translators: an item's title changed: %(old)s is the old title, %(new)s the new one.
RENAMED = {
    "actors": N_("Actor renamed: %(old)s is now %(new)s"),
    "motivations": N_("Motivation renamed: %(old)s is now %(new)s"),
    "risks": N_("Risk renamed: %(old)s is now %(new)s"),
    "watch_list": N_("Watch item renamed: %(old)s is now %(new)s"),
    "historical_context.events": N_("Event renamed: %(old)s is now %(new)s"),
    "historical_context.themes": N_("Theme renamed: %(old)s is now %(new)s"),
    "options": N_("Option renamed: %(old)s is now %(new)s"),
    "sections": N_("Section renamed: %(old)s is now %(new)s"),
    "sources": N_("Source renamed: %(old)s is now %(new)s"),
}
# Translators: the text of the item changed; %(title)s is its new text.
REWORDED = {"key_points": N_("Key judgement reworded: %(title)s"), "asks": N_("Ask reworded: %(title)s")}
# Translators: whose field changed, the %(of)s of the sentences "%(Field)s %(of)s changed ...": the item
# %(title)s of a list, or a part of the brief. Say it as the language needs it there (French "du risque").
OF = {
    "key_points": N_("of key judgement %(title)s"),
    "actors": N_("of actor %(title)s"),
    "motivations": N_("of motivation %(title)s"),
    "asks": N_("of ask %(title)s"),
    "risks": N_("of risk %(title)s"),
    "watch_list": N_("of watch item %(title)s"),
    "historical_context.events": N_("of event %(title)s"),
    "historical_context.themes": N_("of theme %(title)s"),
    "options": N_("of option %(title)s"),
    "sections": N_("of section %(title)s"),
    "sources": N_("of source %(title)s"),
    "trigger": N_("of the trigger"),
    "historical_context": N_("of the historical context"),
}
# (key, whether an %(of)s is said) -> the sentence of a field's change. A translation makes no word agree with
# the field (it may be masculine or feminine): French "%(Field)s du risque : nouvelle rédaction", not "reformulée".
FIELD = {
    # Translators: %(Field)s is the name of a field of the brief (Role, Status, Bottom line up front, as the
    # messages of context "field" say it); %(old)s and %(new)s its old and new value ("none" when it had none).
    ("value", True): N_("%(Field)s %(of)s changed from %(old)s to %(new)s"),
    ("value", False): N_("%(Field)s changed from %(old)s to %(new)s"),
    ("added", True): N_("%(Field)s %(of)s added"),
    ("added", False): N_("%(Field)s added"),
    ("removed", True): N_("%(Field)s %(of)s removed"),
    ("removed", False): N_("%(Field)s removed"),
    ("reworded", True): N_("%(Field)s %(of)s reworded"),
    ("reworded", False): N_("%(Field)s reworded"),
    # Translators: a field that is a list (tags, authors): %(added)s and %(removed)s are the entries added
    # and removed, joined as the language joins a list.
    ("both", True): N_("%(Field)s %(of)s: added %(added)s; removed %(removed)s"),
    ("both", False): N_("%(Field)s: added %(added)s; removed %(removed)s"),
    ("more", True): N_("%(Field)s %(of)s: added %(added)s"),
    ("more", False): N_("%(Field)s: added %(added)s"),
    ("fewer", True): N_("%(Field)s %(of)s: removed %(removed)s"),
    ("fewer", False): N_("%(Field)s: removed %(removed)s"),
    ("same", True): N_("%(Field)s %(of)s: reworded"),
    ("same", False): N_("%(Field)s: reworded"),
    # Translators: a date moved: %(old)s and %(new)s are dates (11 Sep 2025, Sep 2025, 2025).
    ("moved", True): N_("Date %(of)s moved from %(old)s to %(new)s"),
    ("set", True): N_("Date %(of)s set to %(new)s"),
    ("unset", True): N_("Date %(of)s removed (was %(old)s)"),
}
# Translators: `briefgen diff --format json`'s change for a brief that had no earlier edition.
NEW_BRIEF = N_("New brief")
# Translators: the value of a field that had none, or has none now.
NONE = mark("field value", "none")
# The fields' names as a sentence begins with them: (section, field) for a field named otherwise in one
# place, else (None, field).
FIELDS: dict[tuple[str | None, str], tuple[str, str]] = {
    ("", "summary"): mark("field", "Bottom line up front"),
    ("asks", "by"): mark("field", "Asker"),
    ("asks", "of"): mark("field", "Addressee"),
    (None, "title"): mark("field", "Title"),
    (None, "subtitle"): mark("field", "Subtitle"),
    (None, "key_question"): mark("field", "Key question"),
    (None, "reference"): mark("field", "Reference"),
    (None, "status"): mark("field", "Status"),
    (None, "classification"): mark("field", "Classification"),
    (None, "authors"): mark("field", "Authors"),
    (None, "tags"): mark("field", "Tags"),
    (None, "scope"): mark("field", "Scope"),
    (None, "cutoff"): mark("field", "Cutoff"),
    (None, "prepared_by"): mark("field", "Prepared by"),
    (None, "cleared_by"): mark("field", "Cleared by"),
    (None, "coordinated_with"): mark("field", "Coordinated with"),
    (None, "distribution"): mark("field", "Distribution"),
    (None, "implications"): mark("field", "Implications"),
    (None, "summary"): mark("field", "Summary"),
    (None, "points"): mark("field", "Points"),
    (None, "actors"): mark("field", "Actors"),
    (None, "actor"): mark("field", "Actor"),
    (None, "text"): mark("field", "Text"),
    (None, "name"): mark("field", "Name"),
    (None, "ask"): mark("field", "Ask"),
    (None, "likelihood"): mark("field", "Likelihood"),
    (None, "impact"): mark("field", "Impact"),
    (None, "confidence"): mark("field", "Confidence"),
    (None, "basis"): mark("field", "Basis"),
    (None, "role"): mark("field", "Role"),
    (None, "affiliation"): mark("field", "Affiliation"),
    (None, "lang"): mark("field", "Lang"),
    (None, "quote"): mark("field", "Quote"),
    (None, "sources"): mark("field", "Sources"),
    (None, "to"): mark("field", "To"),
    (None, "description"): mark("field", "Description"),
    (None, "mitigation"): mark("field", "Mitigation"),
    (None, "indicator"): mark("field", "Indicator"),
    (None, "body"): mark("field", "Body"),
    (None, "pros"): mark("field", "Pros"),
    (None, "cons"): mark("field", "Cons"),
    (None, "publisher"): mark("field", "Publisher"),
    (None, "kind"): mark("field", "Kind"),
    (None, "reliability"): mark("field", "Reliability"),
    (None, "credibility"): mark("field", "Credibility"),
    (None, "url"): mark("field", "Url"),
    (None, "date"): mark("field", "Date"),
    (None, "accessed"): mark("field", "Accessed"),
}
# the closed lists a field's value is one of, by the catalogue context of their labels
CLOSED = {"likelihood": "likelihood", "impact": "impact", "confidence": "confidence", "kind": "kind"}
# German writes a noun with a capital inside a sentence too: a status (Entwurf) or a source's kind (Analyse)
NOUN_VALUES = {"de": frozenset({"status", "kind"})}
_TITLE = "\ue000"  # a private-use mark around a title's number in a formatted sentence
# where a part ends though its text goes on: after a field's name and whose it is. A Word document writes a
# run per part, so an English one keeps the runs it always had.
_RUN = "\ue001"


def words(said: Said, tr: Translator) -> tuple[Part, ...]:
    """The sentence of a change as parts in the translator's language, its titles apart and emphasised."""
    message, values, titles = _sentence(said, tr)
    # a brief's own text may hold the marks themselves: there they are no marks
    values = {key: value if _MARK.fullmatch(value) else _unmarked(value) for key, value in values.items()}
    if "of" in values:  # whose field: a phrase with a title of its own
        values["of"] = tr.gettext(values["of"]) % {"title": _marked(titles, said.title)} + _RUN
    pieces = tr.gettext(message) % values
    if tr.catalogue in (None, "en") and said.key in ("date", "scale"):  # English runs as they always were
        pieces = pieces.replace(" ", f"{_RUN} ", 1).replace(" (severity", f"{_RUN} (severity")
    parts: list[Part] = []
    for n, piece in enumerate(pieces.split(_TITLE)):
        if n % 2:
            parts.append((titles[int(piece)], True))
        else:
            parts += [(run, False) for run in piece.split(_RUN) if run]
    return tuple(parts)


_MARK = re.compile(f"{_TITLE}[0-9]+{_TITLE}")


def _unmarked(text: str) -> str:
    return text.replace(_TITLE, "\ufffd")  # (a run mark in it only splits a run)


def _marked(titles: list[str], title: str) -> str:
    titles.append(title)
    return f"{_TITLE}{len(titles) - 1}{_TITLE}"


def _sentence(said: Said, tr: Translator) -> tuple[str, dict[str, str], list[str]]:
    """The message of a change, its values (titles as marks) and its titles."""
    titles: list[str] = []
    values: dict[str, str] = {}
    if said.key in ("whole", "reworded", "scale"):
        values["title"] = _marked(titles, said.title)
    if said.key == "whole":
        if said.bands:
            likelihood, impact, band = said.bands
            values |= {"likelihood": _step(tr, likelihood, "likelihood"), "impact": _step(tr, impact, "impact")}
            return RISK_ADDED, values | {"severity": _step(tr, band, "severity")}, titles
        return WHOLE[(said.section, said.change)], values, titles
    if said.key == "reworded":
        return REWORDED[said.section], values, titles
    if said.key == "renamed":
        values |= {"old": _marked(titles, shorten(said.old, 90)), "new": _marked(titles, shorten(said.new, 90))}
        return RENAMED[said.section], values, titles
    if said.key == "scale":
        values |= {"old": _step(tr, said.old, said.field), "new": _step(tr, said.new, said.field)}
        band = "" if not said.bands else "moved" if said.bands[0] != said.bands[1] else "still"
        if said.bands:
            values |= {"was": _step(tr, said.bands[0], "severity"), "severity": _step(tr, said.bands[1], "severity")}
        return SCALE[(said.field, said.change, band)], values, titles
    return _field_sentence(said, tr, values, titles)


def _field_sentence(
    said: Said, tr: Translator, values: dict[str, str], titles: list[str]
) -> tuple[str, dict[str, str], list[str]]:
    """A field's change: its value, its date, its list's entries, or its text."""
    whose = bool(said.title) or said.section in ("trigger", "historical_context")
    if whose:
        values["of"] = OF[said.section]
    old, new = said.old, said.new
    if said.key == "date":
        shown = {"old": _date(tr, old), "new": _date(tr, new)}
        return FIELD[("set" if old is None else "unset" if new is None else "moved", True)], values | shown, titles
    values["Field"] = tr.pgettext(*FIELDS.get((said.section, said.field)) or FIELDS[(None, said.field)]) + _RUN
    if said.key == "value":
        shown = {"old": _value(tr, said, old), "new": _value(tr, said, new)}
        if shown["old"] == shown["new"]:  # two words for one step (likely, probably): as the writer wrote them
            shown = {"old": str(old), "new": str(new)}
        return FIELD[("value", whose)], values | shown, titles
    if said.key == "listed":
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        values |= {"added": _listed(tr, added), "removed": _listed(tr, removed)}
        kind = "both" if added and removed else "more" if added else "fewer" if removed else "same"
        return FIELD[(kind, whose)], values, titles
    kind = "added" if old is None else "removed" if new is None else "reworded"
    return FIELD[(kind, whose)], values, titles


def _step(tr: Translator, value: str, scale: str) -> str:
    """A step of a scale or closed list inside a sentence: almost certain, quasi certain, fast sicher."""
    if tr.catalogue in (None, "en"):
        return value.replace("-", " ")
    if (scale, value) not in VALUES:
        return value  # a term of the brief's yardstick, in the writer's words
    shown = tr.value(value, scale)
    language = tr.locale.language if tr.locale is not None else ""
    return shown if scale in NOUN_VALUES.get(language, ()) else shown[:1].lower() + shown[1:]


def _value(tr: Translator, said: Said, value: Any) -> str:
    """A field's value inside a sentence: a closed list's as its label says it (official statement, not
    official-statement), a key judgement's likelihood as the yardstick says it."""
    if not value:
        return tr.pgettext(*NONE)
    if said.section == "key_points" and said.field == "likelihood":
        return _judged(tr, str(value))
    scale = "watch" if said.section == "watch_list" else "status" if said.field == "status" else CLOSED.get(said.field)
    return _step(tr, value, scale) if scale else str(value)


def _judged(tr: Translator, value: str) -> str:
    """A key judgement's likelihood inside a sentence: the term of a published yardstick it names (any case)
    in the sentence's language, as the brief shows it (highly likely, très probable); else a step of the
    risks' scale as its label says it (almost-certain: almost certain, quasi certain); else the yardstick's
    term it names with hyphens for spaces (highly-likely); else as written (a custom yardstick's word)."""
    named = {term.term for term in _terms(tr.language, value)}
    if not named and value in LIKELIHOODS:
        return _step(tr, value, "likelihood")
    if not named:
        named = {term.term for term in _terms(tr.language, value.replace("-", " "))}
    return named.pop() if len(named) == 1 else value  # two yardsticks that word it apart: as written


def same_step(old: Any, new: Any) -> bool:
    """Whether two values of a key judgement's likelihood are one word spelt two ways (Likely, likely;
    highly-likely, highly likely): a respelling, no change of substance. Two words the published yardsticks
    take for one step (likely, probably) are a change: a project's own yardstick may tell them apart."""
    return isinstance(old, str) and isinstance(new, str) and _spelling(old) == _spelling(new)


def _spelling(word: str) -> str:
    return " ".join(word.casefold().replace("-", " ").replace("_", " ").split())


def _terms(language: str, word: str) -> Iterator[Term]:
    """The step ``word`` names on each published yardstick, in the words of ``language``."""
    for yardstick in YARDSTICKS.values():
        term = yardstick_in(yardstick, language).term(word)
        if term is not None:
            yield term


def _date(tr: Translator, value: Any) -> str:
    return tr.partial(PartialDate.parse(value)) if value else ""


def _listed(tr: Translator, values: list[Any]) -> str:
    shown = [shorten(str(v), 40) for v in values]
    if tr.locale is None or tr.british:
        return ", ".join(shown)
    from babel.lists import format_list

    return format_list(shown, locale=tr.locale)
