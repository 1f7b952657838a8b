"""The format's building blocks: its scales, the field types every model uses (one-line text, Markdown, slugs,
dates known to the day, month or year), and what is read from text (citations, code masked)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

DEFAULT_CLASSIFICATION = "UNCLASSIFIED"  # the marking of a brief that names none, in a project that names none
LIKELIHOODS = ("rare", "unlikely", "possible", "likely", "almost-certain")
IMPACTS = ("minimal", "minor", "moderate", "major", "severe")
CONFIDENCES = ("low", "moderate", "high")

RELIABILITIES = ("A", "B", "C", "D", "E", "F")  # the Admiralty (NATO) grading of a source ...
CREDIBILITIES = (1, 2, 3, 4, 5, 6)  # ... and, judged apart, of its information
SOURCE_KINDS = ("reporting", "analysis", "official-statement", "interview", "document", "data", "social-media")

Likelihood = Literal["rare", "unlikely", "possible", "likely", "almost-certain"]
Impact = Literal["minimal", "minor", "moderate", "major", "severe"]
Confidence = Literal["low", "moderate", "high"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
Credibility = Annotated[
    Literal[1, 2, 3, 4, 5, 6],
    BeforeValidator(lambda value: int(value) if isinstance(value, str) and value in "123456" and value else value),
]
SourceKind = Literal["reporting", "analysis", "official-statement", "interview", "document", "data", "social-media"]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: `$` would allow a final newline
# a brief's id: a slug, or a slug and a language (china-2025-11.fr, the id of china-2025-11.fr.yaml)
BRIEF_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z]{2,3}(?:-[a-z0-9]{2,8})*)?\Z")
# [@id] or [@a; @b]: pandoc-style citations of ids in `sources`
CITATION_RE = re.compile(r"\[@([A-Za-z0-9][\w.:-]*(?:\s*;\s*@[A-Za-z0-9][\w.:-]*)*)\]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def risk_score(likelihood: str, impact: str) -> int:
    """Likelihood step times impact step, steps counted from 1: 1 to 25 on the 5x5 matrix."""
    return (LIKELIHOODS.index(likelihood) + 1) * (IMPACTS.index(impact) + 1)


def severity(likelihood: str, impact: str) -> str:
    """Severity band of a likelihood/impact pair on the 5x5 matrix.

    The score is ``(likelihood step) * (impact step)``, steps counted from 1, as ``Risk.score``.
    Bands: 1-4 ``"low"``, 5-9 ``"medium"``, 10-16 ``"high"``, 20-25 ``"extreme"`` (scores of 17-19
    cannot occur). So rare/minimal is low, likely/major (16) high and almost-certain/severe extreme.
    Raises ValueError for an unknown level.
    """
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"unknown likelihood {likelihood!r}; expected one of {', '.join(LIKELIHOODS)}")
    if impact not in IMPACTS:
        raise ValueError(f"unknown impact {impact!r}; expected one of {', '.join(IMPACTS)}")
    score = risk_score(likelihood, impact)
    if score <= 4:
        return "low"
    if score <= 9:
        return "medium"
    if score <= 16:
        return "high"
    return "extreme"


def citation_ids(text: str) -> Iterator[str]:
    """Yield the source ids cited in Markdown text, in order (none inside code or after a backslash)."""
    if "[@" not in text:
        return
    for match in CITATION_RE.finditer(mask_code(text)):
        for part in match.group(1).split(";"):
            yield part.strip().lstrip("@")


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def mask_code(text: str) -> str:
    """``text`` with fenced code, code spans and backslash escapes blanked out, offsets kept: what is left is
    where Markdown can hold a citation (indented code is left: in a list it would be the item's text)."""
    lines, fence = [], ""
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            lines.append(" " * len(line))
        elif opening:
            fence = opening.group(1)
            lines.append(" " * len(line))
        else:
            lines.append(line)
    masked = "\n".join(lines)
    masked = re.sub(r"\\.", "  ", masked)
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), masked)


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


def format_date(value: dt.date | None) -> str:
    """28 November 2025."""
    return f"{value.day} {value:%B %Y}" if value else ""


def shorten(value: str, limit: int = 60) -> str:
    """Quote a writer's value in a message on one line, shortened if long."""
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def _brief_id(value: Any) -> Any:
    if isinstance(value, str) and not BRIEF_ID_RE.match(value):
        raise PydanticCustomError(
            "briefgen",
            "'{value}' is not a valid id: use lowercase letters, digits and single hyphens",
            {"value": shorten(value)},
        )
    return value


def _slug(value: Any) -> Any:
    if isinstance(value, str) and not SLUG_RE.match(value):
        raise PydanticCustomError(
            "briefgen",
            "'{value}' is not a valid id: use lowercase letters, digits and single hyphens",
            {"value": shorten(value)},
        )
    return value


DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        if not DATE_RE.fullmatch(value):
            raise PydanticCustomError(
                "briefgen", "expected a date as YYYY-MM-DD; got '{value}'", {"value": shorten(value)}
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
            shown = shorten(value) if isinstance(value, str) else type(value).__name__
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
BriefId = Annotated[str, BeforeValidator(_brief_id)]
Lang = Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
Date = Annotated[dt.date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
FlexDate = Annotated[
    PartialDate,
    PlainValidator(PartialDate.parse),
    PlainSerializer(str),
    WithJsonSchema({"type": "string", "pattern": _PARTIAL_RE.pattern, "description": "YYYY, YYYY-MM or YYYY-MM-DD"}),
]


_CUTOFF_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(Z|[+-]\d{2}:\d{2})?(?: ([A-Za-z_]+/[A-Za-z_/+-]+|UTC))?$"
)


def _cutoff(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    match = _CUTOFF_RE.fullmatch(value.strip())
    if not match or bool(match[2]) == bool(match[3]):
        raise PydanticCustomError(
            "briefgen",
            "expected a date and time with its zone, as 2025-11-28T07:42+05:30 or 2025-11-28 07:42 Asia/Kolkata;"
            " got '{value}'",
            {"value": shorten(value)},
        )
    try:
        when = dt.datetime.fromisoformat(match[1] + (match[2] or ""))
        zone = zoneinfo.ZoneInfo(match[3]) if match[3] else None
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise PydanticCustomError("briefgen", "'{value}' is not a real date, time and zone", {"value": value}) from None
    return when.replace(tzinfo=zone) if zone else when


def _cutoff_text(value: dt.datetime) -> str:
    zone = value.tzinfo
    if isinstance(zone, zoneinfo.ZoneInfo):
        return f"{value.replace(tzinfo=None).isoformat(timespec='minutes')} {zone.key}"
    return value.isoformat(timespec="minutes")


def format_cutoff(value: dt.datetime | None) -> str:
    """28 Nov 2025, 07:42 IST (the zone's abbreviation where it has one, else its offset)."""
    if value is None:
        return ""
    name = value.tzname() or ""
    if name.startswith("UTC") and len(name) > 3:
        name = "UTC" + name[3:]
    return f"{value.day} {value:%b %Y, %H:%M} {name}"


Cutoff = Annotated[
    dt.datetime,
    BeforeValidator(_cutoff),
    PlainSerializer(_cutoff_text),
    WithJsonSchema(
        {
            "type": "string",
            "description": "Date and time with its zone: 2025-11-28T07:42+05:30 or 2025-11-28 07:42 Asia/Kolkata",
        }
    ),
]


# an item's stable id: unique in its list, it matches the item across editions (diff.py)
ItemId = Annotated[Slug | None, Field(description="Stable id (slug, unique in its list): matches it across editions")]
