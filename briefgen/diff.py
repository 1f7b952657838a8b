"""The semantic diff of two editions of a brief, as data: the changes a reader cares about, in the brief's order.

Items of a list are matched by id, else by title, else by text similarity (difflib ratio >= 0.6); each change
says which rule matched. Moving an item is not a change. Each change holds what its sentence tells
(``Change.said``); diff_words.py words it, in English here and in a brief's language with ``in_language``, as
``Change.parts``, read by diff_report.py (text, Markdown, JSON) and by the "What has changed" box of every
output format.
"""

from __future__ import annotations

import dataclasses
import difflib
import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from briefgen.diff_words import Part, Said, same_step, words
from briefgen.i18n import SOURCE_LANGUAGE, translator
from briefgen.model import CONFIDENCES, IMPACTS, LIKELIHOODS, Brief, severity, shorten
from briefgen.typography import Part as Spacing
from briefgen.typography import french_spaces, quotes_for, space_parts

Kind = Literal["added", "removed", "modified"]
Rule = Literal["id", "title", "similarity"]
SIMILAR = 0.6  # difflib ratio from which two items without a common id or title are the same item reworded
ENGLISH = translator(SOURCE_LANGUAGE)


@dataclass(frozen=True)
class Change:
    """One change between two editions: ``section`` is the field (``risks``, ``historical_context.events``),
    ``item`` the item's id else its title (None for a field of the brief itself); a ``modified`` change names
    its ``field`` with the ``old`` and ``new`` values (JSON values: text, numbers, lists of text, null). Its
    sentence is ``parts`` in ``language``."""

    brief: str
    section: str
    item: str | None
    change: Kind
    field: str | None = None
    old: Any = None
    new: Any = None
    matched_by: Rule | None = None
    parts: tuple[Part, ...] = dataclasses.field(default=(), compare=False)
    said: Said | None = dataclasses.field(default=None, compare=False)
    language: str = dataclasses.field(default=SOURCE_LANGUAGE, compare=False)

    @property
    def sentence(self) -> str:
        """The change in words for a reader, titles in the language's quotes: Likelihood of “X” raised from
        possible to likely; Probabilité de « X » relevée de possible à probable (with French spaces)."""
        said = "".join(self.quoted(text) if title else text for text, title in self.parts)
        spaces = french_spaces(self.language)
        return "".join(space_parts([(said, Spacing.TEXT)], spaces)) if spaces else said

    def quoted(self, title: str) -> str:
        """A title in the double quotes of the change's language."""
        marks = quotes_for(self.language) or "“”‘’"
        return f"{marks[0]}{title}{marks[1]}"


# --- how each list is matched and described: (section, noun, title of an item, the fields compared in order)


@dataclass(frozen=True)
class ListSpec:
    section: str
    noun: str  # "Risk": Risk added: “X”
    items: Callable[[Brief], Sequence[Any]]
    title: Callable[[Any], str]
    fields: tuple[str, ...]
    text: Callable[[Any], str] = lambda item: ""  # what similarity compares, after the title


def _hc(brief: Brief, name: str) -> Sequence[Any]:
    return getattr(brief.historical_context, name) if brief.historical_context else []


LISTS = (
    ListSpec(
        "key_points",
        "Key judgement",
        lambda b: b.key_points,
        lambda i: i.text,
        ("text", "likelihood", "confidence", "basis"),
    ),
    ListSpec("actors", "Actor", lambda b: b.actors, lambda i: i.name, ("name", "role", "affiliation", "lang")),
    ListSpec(
        "motivations", "Motivation", lambda b: b.motivations, lambda i: i.title, ("title", "summary", "points", "actor")
    ),
    ListSpec("asks", "Ask", lambda b: b.asks, lambda i: i.ask, ("by", "of", "ask", "quote", "sources")),
    ListSpec(
        "risks",
        "Risk",
        lambda b: b.risks,
        lambda i: i.title,
        ("title", "to", "likelihood", "impact", "description", "mitigation"),
        lambda i: i.description or "",
    ),
    ListSpec(
        "watch_list",
        "Watch item",
        lambda b: b.watch_list,
        lambda i: i.title,
        ("title", "status", "by", "indicator"),
        lambda i: i.indicator,
    ),
    ListSpec(
        "historical_context.events",
        "Event",
        lambda b: _hc(b, "events"),
        lambda i: i.title,
        ("date", "title", "description"),
        lambda i: i.description or "",
    ),
    ListSpec(
        "historical_context.themes",
        "Theme",
        lambda b: _hc(b, "themes"),
        lambda i: i.title,
        ("title", "body"),
        lambda i: i.body,
    ),
    ListSpec("options", "Option", lambda b: b.options, lambda i: i.title, ("title", "description", "pros", "cons")),
    ListSpec("sections", "Section", lambda b: b.sections, lambda i: i.title, ("title", "body"), lambda i: i.body),
    ListSpec(
        "sources",
        "Source",
        lambda b: b.sources,
        lambda i: i.title,
        ("title", "publisher", "kind", "reliability", "credibility", "url", "date", "accessed"),
    ),
)
# Markdown fields: their change is told as "reworded" (the JSON has the old and new text)
PROSE = frozenset(
    {
        "summary",
        "scope",
        "implications",
        "pros",
        "cons",
        "text",
        "description",
        "mitigation",
        "indicator",
        "body",
        "ask",
        "points",
    }
)
SCALES = {"likelihood": LIKELIHOODS, "impact": IMPACTS, "confidence": CONFIDENCES}
# fields of the brief itself, in its order (its id, date, edition and previous differ in every edition by design)
TOP = (
    "title",
    "subtitle",
    "key_question",
    "reference",
    "status",
    "classification",
    "authors",
    "tags",
    "scope",
    "cutoff",
    "prepared_by",
    "cleared_by",
    "coordinated_with",
    "distribution",
    "summary",
)
TRIGGER = ("title", "date", "summary", "points", "actors")


def diff_briefs(old: Brief, new: Brief) -> list[Change]:
    """Every change from ``old`` to ``new``, in the order of the new brief (a removed item where it was)."""
    name = new.id or old.id or ""
    changes = list(_fields(name, "", None, old, new, TOP[:-1], None, ""))
    changes += _fields(name, "", None, old, new, TOP[-1:], None, "")
    for spec in LISTS[:1]:
        changes += _list(name, spec, spec.items(old), spec.items(new))
    changes += _fields(name, "", None, old, new, ("implications",), None, "")
    changes += _fields(name, "trigger", None, old.trigger, new.trigger, TRIGGER, None, "Trigger")
    for spec in LISTS[1:6]:
        changes += _list(name, spec, spec.items(old), spec.items(new))
    old_hc, new_hc = (b.historical_context.summary if b.historical_context else None for b in (old, new))
    if old_hc != new_hc:
        changes.append(_change(name, "historical_context", None, "summary", old_hc, new_hc, None, "Historical context"))
    for spec in LISTS[6:]:
        changes += _list(name, spec, spec.items(old), spec.items(new))
    return changes


# --- matching


def match(spec: ListSpec, old: Sequence[Any], new: Sequence[Any]) -> dict[int, tuple[int, Rule]]:
    """Pair items of two editions of a list: new index -> (old index, the rule that matched)."""
    pairs: dict[int, tuple[int, Rule]] = {}
    free = set(range(len(old)))
    by_id = {item.id: i for i, item in enumerate(old) if getattr(item, "id", None)}
    for j, item in enumerate(new):
        i = by_id.get(getattr(item, "id", None) or "")
        if i is not None and i in free:
            pairs[j] = (i, "id")
            free.discard(i)
    titles: dict[str, list[int]] = {}
    for i in sorted(free):
        titles.setdefault(_key(spec.title(old[i])), []).append(i)
    for j, item in enumerate(new):
        waiting = titles.get(_key(spec.title(item)), []) if j not in pairs else []
        if waiting:
            i = waiting.pop(0)
            pairs[j] = (i, "title")
            free.discard(i)
    for j, i in _similar(spec, old, new, sorted(free), [j for j in range(len(new)) if j not in pairs]):
        pairs[j] = (i, "similarity")
    return pairs


def _key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _similar(
    spec: ListSpec, old: Sequence[Any], new: Sequence[Any], free_old: list[int], free_new: list[int]
) -> Iterator[tuple[int, int]]:
    """Pairs (new, old) of the remaining items whose texts are similar enough, the most similar first.

    Best first over a heap of upper bounds (difflib's real_quick_ratio, then quick_ratio, then the ratio
    itself): a pair's ratio is computed only while it could still beat the pairs left, so a long list of
    reworded items costs about one ratio per item, not one per pair."""
    texts_old = {i: f"{spec.title(old[i])}\n{spec.text(old[i])}" for i in free_old}
    matchers: dict[int, difflib.SequenceMatcher[str]] = {}
    for j in free_new:
        matchers[j] = difflib.SequenceMatcher(None, autojunk=False)
        matchers[j].set_seq2(f"{spec.title(new[j])}\n{spec.text(new[j])}")
    heap = [(-1.0, 0, j, i) for j in free_new for i in free_old]  # (-bound, how exact the bound is, new, old)
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    while heap:
        _, level, j, i = heapq.heappop(heap)
        if i in taken_old or j in taken_new:
            continue
        if level == 3:
            taken_old.add(i)
            taken_new.add(j)
            yield j, i
            continue
        matcher = matchers[j]
        matcher.set_seq1(texts_old[i])
        better = (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio)[level]()
        if better >= SIMILAR:
            heapq.heappush(heap, (-better, level + 1, j, i))


def _list(name: str, spec: ListSpec, old: Sequence[Any], new: Sequence[Any]) -> list[Change]:
    pairs = match(spec, old, new)
    placed: list[tuple[float, int, list[Change]]] = []
    for j, item in enumerate(new):
        if j in pairs:
            i, rule = pairs[j]
            found = list(_fields(name, spec.section, old[i], old[i], item, spec.fields, rule, spec.noun, spec))
        else:
            found = [_whole(name, spec, item, "added")]
        placed.append((j, 0, found))
    matched_old = {i: j for j, (i, _) in pairs.items()}
    anchor = -1.0  # a removed item comes after the new place of the old item before it
    for i, item in enumerate(old):
        if i in matched_old:
            anchor = matched_old[i]
        else:
            placed.append((anchor + 0.5, i, [_whole(name, spec, item, "removed")]))
    return [change for _, _, found in sorted(placed, key=lambda p: (p[0], p[1])) for change in found]


# --- changes, and what their sentences tell


def label_of(spec: ListSpec | None, item: Any) -> str:
    """What a change calls an item: its id, else its title (shortened)."""
    ident = getattr(item, "id", None)
    return ident or (" ".join(spec.title(item).split()) if spec else "")


def _whole(name: str, spec: ListSpec, item: Any, kind: Kind) -> Change:
    bands: tuple[str, ...] = ()
    if spec.section == "risks" and kind == "added":
        bands = (item.likelihood, item.impact, severity(item.likelihood, item.impact))
    said = Said("whole", spec.section, change=kind, title=shorten(spec.title(item), 90), bands=bands)
    return Change(name, spec.section, label_of(spec, item), kind, parts=words(said, ENGLISH), said=said)


def _fields(
    name: str,
    section: str,
    item: Any,
    old: Any,
    new: Any,
    names: Sequence[str],
    rule: Rule | None,
    noun: str,
    spec: ListSpec | None = None,
) -> Iterator[Change]:
    for key in names:
        before, after = plain(getattr(old, key)), plain(getattr(new, key))
        if before != after and not (section == "key_points" and key == "likelihood" and same_step(before, after)):
            title = shorten(spec.title(new), 90) if spec else ""
            ident = label_of(spec, new) if spec else None
            yield _change(name, section, ident, key, before, after, rule, noun, title, (old, new))


def _change(
    name: str,
    section: str,
    item: str | None,
    key: str,
    old: Any,
    new: Any,
    rule: Rule | None,
    noun: str,
    title: str = "",
    models: tuple[Any, Any] = (None, None),
) -> Change:
    said = _said(section, noun, key, old, new, title, models)
    return Change(name, section or key, item, "modified", key, old, new, rule, words(said, ENGLISH), said)


def _said(section: str, noun: str, key: str, old: Any, new: Any, title: str, models: tuple[Any, Any]) -> Said:
    """What kind of sentence tells a field's change (diff_words.py words it)."""
    if key in SCALES and old in SCALES[key] and new in SCALES[key]:
        steps = SCALES[key]
        moved = "raised" if steps.index(new) > steps.index(old) else "lowered"
        bands: tuple[str, ...] = ()
        if key in ("likelihood", "impact") and hasattr(models[0], "impact"):  # a risk: the band it moved to
            bands = tuple(severity(m.likelihood, m.impact) for m in models)
        return Said("scale", section, key, moved, title, old, new, bands)
    if noun and key in ("title", "text", "name", "ask") and title:
        return Said("reworded" if key in ("text", "ask") else "renamed", section, key, "", title, old, new)
    if (key == "by" and noun == "Watch item") or (key == "date" and noun):
        kind = "date"
    elif key == "status" or (
        key not in PROSE and isinstance(old, str | None) and isinstance(new, str | None) and _short(old, new)
    ):
        kind = "value"
    elif isinstance(old, list) and isinstance(new, list):
        kind = "listed"
    else:
        kind = "text"
    return Said(kind, section, key, "", title, old, new)


def in_language(changes: Sequence[Change], language: str) -> list[Change]:
    """The changes told in a brief's language (BCP 47): English ones as they are, as is a language briefgen
    has no catalogue for."""
    tr = translator(language)
    if tr.catalogue in (None, SOURCE_LANGUAGE):
        return list(changes)
    return [
        dataclasses.replace(c, parts=words(c.said, tr), language=language) if c.said is not None else c for c in changes
    ]


def _short(*values: str | None) -> bool:
    return all(v is None or (len(v) <= 60 and "\n" not in v) for v in values)


def plain(value: Any) -> Any:
    """A model value as JSON: dates as ISO text, models as their names, lists element by element."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "model_dump"):
        return value.name  # an author
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
