"""The brief format (v1) as Pydantic models, and validate(): Source -> Brief or every Problem."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from briefgen.errors import BriefgenError, Problem
from briefgen.load import PathKey, Source

LIKELIHOODS = ("rare", "unlikely", "possible", "likely", "almost-certain")
IMPACTS = ("minimal", "minor", "moderate", "major", "severe")
CONFIDENCES = ("low", "moderate", "high")

Likelihood = Literal["rare", "unlikely", "possible", "likely", "almost-certain"]
Impact = Literal["minimal", "minor", "moderate", "major", "severe"]
Confidence = Literal["low", "moderate", "high"]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: `$` would allow a final newline
# [@id] or [@a; @b]: pandoc-style citations of ids in `sources`
CITATION_RE = re.compile(r"\[@([A-Za-z0-9][\w.:-]*(?:\s*;\s*@[A-Za-z0-9][\w.:-]*)*)\]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def risk_score(likelihood: str, impact: str) -> int:
    """Likelihood step times impact step, steps counted from 1: 1 to 25 on the 5x5 matrix."""
    return (LIKELIHOODS.index(likelihood) + 1) * (IMPACTS.index(impact) + 1)


def citation_ids(text: str) -> Iterator[str]:
    """Yield the source ids cited in Markdown text, in order."""
    for match in CITATION_RE.finditer(text):
        for part in match.group(1).split(";"):
            yield part.strip().lstrip("@")


def _text(value: Any) -> Any:
    if isinstance(value, str):
        bad = _CONTROL_RE.search(value)
        if bad:
            raise PydanticCustomError(
                "briefgen", "contains control character U+{code}; remove it", {"code": f"{ord(bad.group()):04X}"}
            )
        if not value.strip():
            raise PydanticCustomError("briefgen", "must not be empty")
    return value


def _shown(value: str, limit: int = 60) -> str:
    """Quote a writer's value in a message on one line, shortened if long."""
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def _slug(value: Any) -> Any:
    if isinstance(value, str) and not SLUG_RE.match(value):
        raise PydanticCustomError(
            "briefgen",
            "'{value}' is not a valid id: use lowercase letters, digits and single hyphens",
            {"value": _shown(value)},
        )
    return value


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        if not _DATE_RE.fullmatch(value):
            raise PydanticCustomError(
                "briefgen", "expected a date as YYYY-MM-DD; got '{value}'", {"value": _shown(value)}
            )
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("briefgen", "'{value}' is not a real date", {"value": value}) from None
    return value


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day: 2012, 2012-09, 2012-09-11."""

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if not isinstance(value, str) or not _PARTIAL_RE.fullmatch(value):
            shown = _shown(value) if isinstance(value, str) else type(value).__name__
            raise PydanticCustomError(
                "briefgen", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD; got '{value}'", {"value": shown}
            )
        parts = [int(p) for p in value.split("-")]
        year, month, day = [*parts, 0, 0][:3]
        try:  # check the parts given (2012-00 is not 2012), defaulting only the ones left out
            dt.date(year, *[*parts[1:], 1, 1][:2])
        except ValueError:
            raise PydanticCustomError("briefgen", "'{value}' is not a real date", {"value": value}) from None
        return cls(year, month, day)

    def __str__(self) -> str:
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out

    @property
    def label(self) -> str:
        """Human form: 2012, Sep 2012, 11 Sep 2012."""
        if not self.month:
            return str(self.year)
        month = dt.date(2000, self.month, 1).strftime("%b")
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"

    @property
    def midpoint(self) -> float:
        """Position on a time axis, in fractional years: a partial date sits mid-period."""
        if not self.month:
            return self.year + 0.5
        start = dt.date(self.year, self.month, 1)
        days = 365 + (1 if self.year % 4 == 0 and (self.year % 100 or self.year % 400 == 0) else 0)
        day = self.day - 0.5 if self.day else 15
        return self.year + (start.timetuple().tm_yday - 1 + day) / days


Text = Annotated[str, BeforeValidator(_line)]
Markdown = Annotated[str, BeforeValidator(_text)]
Slug = Annotated[str, BeforeValidator(_slug)]
Lang = Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
Date = Annotated[dt.date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
FlexDate = Annotated[
    PartialDate,
    PlainValidator(PartialDate.parse),
    PlainSerializer(str),
    WithJsonSchema({"type": "string", "pattern": _PARTIAL_RE.pattern, "description": "YYYY, YYYY-MM or YYYY-MM-DD"}),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Author(_Model):
    name: Text
    role: Text | None = None


class KeyPoint(_Model):
    text: Markdown
    confidence: Confidence | None = None


def _named(key: str) -> Any:
    def wrap(value: Any) -> Any:
        return {key: value} if isinstance(value, str) else value

    return wrap


AuthorEntry = Annotated[Author, BeforeValidator(_named("name"), json_schema_input_type=str | Author)]
KeyPointEntry = Annotated[KeyPoint, BeforeValidator(_named("text"), json_schema_input_type=str | KeyPoint)]


class Actor(_Model):
    id: Slug
    name: Text
    role: Text | None = None
    affiliation: Text | None = None
    lang: Lang | None = Field(None, description="Language of the name's native script, e.g. ja or zh-Hans")


class Trigger(_Model):
    title: Text
    date: Date | None = None
    summary: Markdown
    points: list[Markdown] = []
    actors: list[Slug] = []


class Motivation(_Model):
    title: Text
    summary: Markdown | None = None
    points: list[Markdown] = []
    actor: Slug | None = None


class Ask(_Model):
    by: Slug
    of: Slug
    ask: Markdown
    quote: Text | None = None
    sources: list[Slug] = []


class Risk(_Model):
    title: Text
    description: Markdown | None = None
    likelihood: Likelihood
    impact: Impact
    mitigation: Markdown | None = None

    @property
    def score(self) -> int:
        """Severity from 1 to 25: likelihood step times impact step."""
        return risk_score(self.likelihood, self.impact)


class WatchItem(_Model):
    title: Text
    indicator: Markdown
    by: Date | None = None
    status: Literal["watching", "triggered", "resolved"] = "watching"


class Event(_Model):
    date: FlexDate
    title: Text
    description: Markdown | None = None


class Theme(_Model):
    title: Text
    body: Markdown


class HistoricalContext(_Model):
    summary: Markdown | None = None
    events: list[Event] = []
    themes: list[Theme] = []

    @property
    def timeline(self) -> list[Event]:
        """Events in chronological order (stable for equal dates)."""
        return sorted(self.events, key=lambda e: e.date)


class Section(_Model):
    title: Text
    body: Markdown


class SourceRef(_Model):
    id: Slug
    title: Text
    publisher: Text | None = None
    url: Text | None = None
    date: Date | None = None
    accessed: Date | None = None


class Brief(_Model):
    """One briefing document, format v1."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="briefgen brief",
        json_schema_extra={"description": "A structured briefing document (briefgen format v1)."},
    )

    id: Slug | None = Field(None, description="Slug; defaults to the file name without .yaml")
    title: Text
    subtitle: Text | None = None
    date: Date
    updated: Date | None = None
    status: Literal["draft", "final"] = "draft"
    classification: Text | None = Field(None, description="Marking such as UNCLASSIFIED; default from briefgen.toml")
    authors: list[AuthorEntry] = []
    tags: list[Text] = []
    summary: Markdown = Field(description="Bottom line up front (Markdown)")
    key_points: list[KeyPointEntry] = []
    actors: list[Actor] = []
    trigger: Trigger
    motivations: list[Motivation] = []
    asks: list[Ask] = []
    risks: list[Risk] = []
    watch_list: list[WatchItem] = []
    historical_context: HistoricalContext | None = None
    sections: list[Section] = []
    sources: list[SourceRef] = []

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id (ids are checked at validation)."""
        return next(a for a in self.actors if a.id == actor_id)


def validate(source: Source, *, classification: str = "UNCLASSIFIED", today: dt.date | None = None) -> Brief:
    """Validate a loaded source; return the Brief, or raise BriefgenError with every problem.

    Warnings (stale watch items) are appended to ``source.problems``.
    """
    problems = [source.problem(loc, msg, key=key) for loc, msg, key in _check_references(source.data)]
    problems += [source.problem(loc, msg, within=text) for loc, msg, text in _check_citations(source.data)]
    brief: Brief | None = None
    try:
        brief = Brief.model_validate(source.data)
    except ValidationError as exc:
        problems += [_translate(source, err) for err in exc.errors(include_url=False)]
    if brief is not None and brief.id is None and not SLUG_RE.match(source.stem):
        problems.append(
            source.problem((), f"file name '{source.stem}' is not a valid id; rename the file or set 'id:'")
        )
    if problems:
        raise BriefgenError(sorted(set(problems), key=lambda p: (p.line, p.col, p.message)))
    assert brief is not None
    today = today or dt.date.today()
    for i, item in enumerate(brief.watch_list):
        if item.status == "watching" and item.by is not None and item.by < today:
            source.problems.append(
                source.problem(
                    ("watch_list", i, "by"),
                    f"still 'watching' after its date {item.by.isoformat()}; update its status or date",
                    severity="warning",
                )
            )
    update: dict[str, Any] = {}
    if brief.id is None:
        update["id"] = source.stem
    if brief.classification is None:
        update["classification"] = classification
    return brief.model_copy(update=update) if update else brief


# --- cross-references, checked on the raw data so they are reported alongside schema errors


def _items(data: Any, key: str) -> list[tuple[int, Any]]:
    value = data.get(key) if isinstance(data, dict) else None
    return list(enumerate(value)) if isinstance(value, list) else []


def _ids(data: dict[str, Any], key: str) -> tuple[dict[str, int], list[tuple[PathKey, str, bool]]]:
    ids: dict[str, int] = {}
    dups: list[tuple[PathKey, str, bool]] = []
    for i, item in _items(data, key):
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str):
            if ident in ids:
                dups.append(((key, i, "id"), f"duplicate id '{_shown(ident)}' (also {key}[{ids[ident]}])", False))
            else:
                ids[ident] = i
    return ids, dups


def _unknown(kind: str, value: str, known: dict[str, int], context: str = "") -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {kind} '{_shown(value)}'{context}{hint}"


def walk_strings(data: Any, loc: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from walk_strings(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from walk_strings(value, (*loc, i))


def _check_references(data: dict[str, Any]) -> Iterator[tuple[PathKey, str, bool]]:
    actors, dups = _ids(data, "actors")
    sources, source_dups = _ids(data, "sources")
    yield from dups
    yield from source_dups

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
    date, updated = data.get("date"), data.get("updated")
    if isinstance(date, str) and isinstance(updated, str) and _DATE_RE.fullmatch(date) and _DATE_RE.fullmatch(updated):
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
    return f"'{_shown(str(value))}'"


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
        choices = re.findall(r"'([^']*)'", err["ctx"]["expected"])
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


def brief_schema() -> dict[str, Any]:
    """Return the JSON Schema of the brief format, for editors."""
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://briefgen.invalid/schema/brief.schema.json"
    return schema
