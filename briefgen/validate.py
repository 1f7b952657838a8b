"""validate(): a loaded Source -> a Brief and its warnings, or every Problem at the writer's line and column:
Pydantic's errors in plain words, and the cross-references Pydantic cannot check (actors, sources, citations)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from briefgen.errors import BriefgenError, Problem
from briefgen.load import PathKey, Source, dotted, walk_strings
from briefgen.marking import Portions
from briefgen.model import BRIEF_ID_RE, DATE_RE, DEFAULT_CLASSIFICATION, Brief, citation_ids, shorten
from briefgen.tradecraft import check_likelihoods, check_reference, check_tradecraft
from briefgen.yardstick import Yardstick


def validate(
    source: Source,
    *,
    classification: str = DEFAULT_CLASSIFICATION,
    today: dt.date | None = None,
    portions: Portions | None = None,
    yardstick: Yardstick | None = None,
    reference_format: str | None = None,
) -> tuple[Brief, list[Problem]]:
    """Validate a loaded source; return the Brief and its warnings, or raise BriefgenError with every problem.

    ``classification`` is the marking of a brief that names none; ``today`` dates stale watch items. With
    ``portions`` (a project with a marking scheme) the banner is computed from them, and a classification
    written lower than it is an error. With a ``yardstick`` its probability words, sources and judgements are
    held to it (tradecraft.py); ``reference_format``: the pattern a document number must match.
    """
    problems = [source.problem(loc, msg, key=key) for loc, msg, key in _check_references(source.data)]
    banner: str | None = None
    if portions is not None:
        banner, banner_problems = _banner(source, portions)
        problems += banner_problems
    problems += [source.problem(loc, msg, within=text) for loc, msg, text in _check_citations(source.data)]
    problems += check_likelihoods(source, yardstick)
    reference = source.data.get("reference")
    problems += check_reference(source, reference if isinstance(reference, str) else None, reference_format)
    brief: Brief | None = None
    try:
        brief = Brief.model_validate(source.data)
    except ValidationError as exc:
        problems += [_translate(source, err) for err in exc.errors(include_url=False)]
    if brief is not None and brief.id is None and not BRIEF_ID_RE.match(source.stem):
        problems.append(
            source.problem((), f"file name '{source.stem}' is not a valid id; rename the file or set 'id:'")
        )
    if problems:
        raise BriefgenError(sorted(set(problems), key=lambda p: (p.line, p.col, p.message)))
    assert brief is not None
    update: dict[str, Any] = {}
    if brief.id is None:
        update["id"] = source.stem
    if banner is not None:
        update["classification"] = banner
    elif brief.classification is None:
        update["classification"] = classification
    warnings = _stale_items(source, brief, today) + (check_tradecraft(source, brief, yardstick) if yardstick else [])
    return (brief.model_copy(update=update) if update else brief), sorted(warnings, key=lambda p: (p.line, p.col))


def _banner(source: Source, portions: Portions) -> tuple[str, list[Problem]]:
    """The banner every page carries: the highest portion present and all controls, or the classification the
    writer set if it is higher (a writer may mark a brief above its portions, never below)."""
    scheme, computed = portions.scheme, portions.banner_marking()
    written = source.data.get("classification")
    if not isinstance(written, str):
        return scheme.banner(computed), []
    try:
        marked = scheme.parse(written)
    except ValueError as exc:
        return scheme.banner(computed), [source.problem(("classification",), str(exc))]
    missing = [c for c in computed.controls if c not in marked.controls]
    if marked.rank < computed.rank:
        worst = next((loc for loc, m in portions.marks.items() if m.rank == computed.rank), ())
        said = f"{dotted(worst) or 'the brief'} is {scheme.level(computed).id}"
    elif missing:
        worst = next((loc for loc, m in portions.marks.items() if missing[0] in m.controls), ())
        said = f"{dotted(worst) or 'the brief'} carries {missing[0]}"
    else:
        return scheme.banner(scheme.highest([marked, computed])), []
    wanted = scheme.banner(scheme.highest([marked, computed]))
    message = f"{said}; the brief is marked {scheme.banner(marked)}: mark it {wanted}"
    return scheme.banner(computed), [source.problem(("classification",), message)]


def _stale_items(source: Source, brief: Brief, today: dt.date | None) -> list[Problem]:
    """Watch items still 'watching' after their dates: one warning each in a draft; in a final brief, which is a
    record of its date, one prompt for a new edition that `--strict` does not fail on."""
    today = today or dt.date.today()
    stale = [
        (i, item)
        for i, item in enumerate(brief.watch_list)
        if item.status == "watching" and item.by is not None and item.by < today
    ]
    if brief.status == "final" and stale:
        _, first = stale[0]
        one = len(stale) == 1
        items = (
            "1 watch item is past its date (" if one else f"{len(stale)} watch items are past their dates (the first: "
        )
        message = (
            f"{items}'{shorten(first.title)}', {first.by}); this final brief records its date: update"
            f" {'it' if one else 'them'} in a new edition (`briefgen diff` then shows what it changed)"
        )
        return [replace(source.problem(("watch_list",), message, key=True, severity="warning"), strict=False)]
    return [
        source.problem(
            ("watch_list", i, "by"),
            f"still 'watching' after its date {item.by.isoformat()}; update its status or date",
            severity="warning",
        )
        for i, item in stale
        if item.by is not None
    ]


# --- cross-references, checked on the raw data so they are reported alongside schema errors


def _items(data: Any, key: str) -> list[tuple[int, Any]]:
    value = data.get(key) if isinstance(data, dict) else None
    return list(enumerate(value)) if isinstance(value, list) else []


def _ids(
    data: dict[str, Any], key: str, within: PathKey = ()
) -> tuple[dict[str, int], list[tuple[PathKey, str, bool]]]:
    ids: dict[str, int] = {}
    dups: list[tuple[PathKey, str, bool]] = []
    shown = dotted((*within, key))
    for i, item in _items(data, key):
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str):
            if ident in ids:
                message = f"duplicate id '{shorten(ident)}' (also {shown}[{ids[ident]}])"
                dups.append(((*within, key, i, "id"), message, False))
            else:
                ids[ident] = i
    return ids, dups


# the lists whose items may carry an id that matches them across editions (actors and sources must have one)
ITEM_LISTS: tuple[tuple[tuple[str, ...], str], ...] = (
    ((), "key_points"),
    ((), "motivations"),
    ((), "asks"),
    ((), "risks"),
    ((), "watch_list"),
    (("historical_context",), "events"),
    (("historical_context",), "themes"),
    ((), "sections"),
)


def _item_id_clashes(data: dict[str, Any]) -> Iterator[tuple[PathKey, str, bool]]:
    for within, key in ITEM_LISTS:
        parent = data.get(within[0]) if within else data
        if isinstance(parent, dict):
            yield from _ids(parent, key, within)[1]


def _unknown(kind: str, value: str, known: dict[str, int], context: str = "") -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {kind} '{shorten(value)}'{context}{hint}"


def _check_references(data: dict[str, Any]) -> Iterator[tuple[PathKey, str, bool]]:
    actors, dups = _ids(data, "actors")
    sources, source_dups = _ids(data, "sources")
    yield from dups
    yield from source_dups
    yield from _item_id_clashes(data)

    def actor_ref(loc: PathKey, value: Any) -> Iterator[tuple[PathKey, str, bool]]:
        if isinstance(value, str) and value not in actors:
            yield loc, _unknown("actor", value, actors), False

    trigger = data.get("trigger")
    for i, ref in _items(trigger, "actors"):
        yield from actor_ref(("trigger", "actors", i), ref)
    for i, item in _items(data, "motivations"):
        if isinstance(item, dict):
            yield from actor_ref(("motivations", i, "actor"), item.get("actor"))
    for i, item in _items(data, "asks"):
        if isinstance(item, dict):
            yield from actor_ref(("asks", i, "by"), item.get("by"))
            yield from actor_ref(("asks", i, "of"), item.get("of"))
            for j, ref in _items(item, "sources"):
                if isinstance(ref, str) and ref not in sources:
                    yield ("asks", i, "sources", j), _unknown("source", ref, sources), False
    for i, item in _items(data, "risks"):
        whose = item.get("to") if isinstance(item, dict) else None
        if whose != "us":  # the reader's own organisation
            yield from actor_ref(("risks", i, "to"), whose)
    date, updated = data.get("date"), data.get("updated")
    if isinstance(date, str) and isinstance(updated, str) and DATE_RE.fullmatch(date) and DATE_RE.fullmatch(updated):
        if updated < date:
            yield ("updated",), f"{updated} is before the brief's date {date}", False


def _check_citations(data: dict[str, Any]) -> Iterator[tuple[PathKey, str, tuple[str, int]]]:
    """Citations of unknown sources: where, what to say, and which occurrence of what text to point at."""
    sources, _ = _ids(data, "sources")
    for loc, text in walk_strings(data):
        seen: dict[str, int] = {}
        for ref in citation_ids(text):
            if ref not in sources:
                needle = f"@{ref}"
                yield loc, _unknown("source", ref, sources, f" in citation [@{ref}]"), (needle, seen.get(needle, 0))
                seen[needle] = seen.get(needle, 0) + 1


# --- Pydantic errors -> problems in the writer's words


def _data_loc(loc: tuple[str | int, ...], data: Any) -> PathKey:
    """Drop parts of a Pydantic location that are not in the data (validator names, union tags)."""
    out: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str):
            current = None  # a missing or unknown key: keep it
        elif isinstance(part, str):
            continue  # a validator or union tag, not a place in the data
        else:
            current = None
        out.append(part)
    return tuple(out)


def _model_at(loc: PathKey) -> type[BaseModel] | None:
    """Find the model class that describes the mapping at ``loc``."""
    current: Any = Brief
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    if isinstance(value, list):
        return "a list"
    return f"'{shorten(str(value))}'"


def _translate(source: Source, err: Any) -> Problem:
    loc = _data_loc(err["loc"], source.data)
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        return source.problem(loc[:-1], f"missing required field '{loc[-1]}'")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        fields = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
        hint = (
            f"; did you mean '{close[0]}'?" if close else (f"; expected one of {', '.join(fields)}" if fields else "")
        )
        return source.problem(loc, f"unknown field{hint}", key=True)
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", err["ctx"]["expected"]) or re.findall(r"\d+", err["ctx"]["expected"])
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6) if isinstance(value, str) else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return source.problem(loc, f"expected one of {', '.join(choices)}; got {_describe(value)}{hint}")
    if kind == "string_pattern_mismatch":
        return source.problem(loc, f"expected a language tag such as ja, zh-Hans or ko; got {_describe(value)}")
    if kind in ("string_type", "str_type"):
        return source.problem(loc, f"expected text; got {_describe(value)}")
    if kind == "list_type":
        return source.problem(loc, f"expected a list (one '- ' item per line); got {_describe(value)}")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return source.problem(loc, f"expected a mapping (key: value lines); got {_describe(value)}")
    if kind in ("date_type", "date_from_datetime_parsing", "date_parsing"):
        return source.problem(loc, f"expected a date as YYYY-MM-DD; got {_describe(value)}")
    return source.problem(loc, err["msg"])
