"""The brief format (v1) as Pydantic models: the fields, their types and their JSON Schema (validate.py turns
a Source into a Brief, or into every located Problem)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from briefgen.fields import (
    BRIEF_ID_RE,
    CITATION_RE,
    CONFIDENCES,
    DATE_RE,
    DEFAULT_CLASSIFICATION,
    IMPACTS,
    LIKELIHOODS,
    SLUG_RE,
    BriefId,
    Confidence,
    Credibility,
    Cutoff,
    Date,
    FlexDate,
    Impact,
    ItemId,
    Lang,
    Likelihood,
    Markdown,
    PartialDate,
    Reliability,
    Slug,
    SourceKind,
    Text,
    citation_ids,
    format_cutoff,
    format_date,
    mask_code,
    risk_score,
    severity,
    shorten,
)

# the field types and scales are the model's too: stages import them from here, as before fields.py was split off
__all__ = [
    "BRIEF_ID_RE",
    "CITATION_RE",
    "CONFIDENCES",
    "DATE_RE",
    "DEFAULT_CLASSIFICATION",
    "IMPACTS",
    "LIKELIHOODS",
    "SLUG_RE",
    "Confidence",
    "Date",
    "FlexDate",
    "Impact",
    "ItemId",
    "Lang",
    "Likelihood",
    "Markdown",
    "PartialDate",
    "Slug",
    "Text",
    "citation_ids",
    "format_cutoff",
    "format_date",
    "mask_code",
    "risk_score",
    "severity",
    "shorten",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


MarkingText = Annotated[
    Text,
    Field(description="Portion marking, e.g. S or S//NOFORN (a level of the project's scheme); default: the parent's"),
]


class MarkedText(_Model):
    """A Markdown string with a marking of its own: `{text: ..., marking: S}`."""

    text: Markdown
    marking: MarkingText | None = None


def _unmarked(value: Any) -> Any:
    """{text, marking} -> its text: the model keeps the words; marking.py reads the markings from the data."""
    if isinstance(value, dict) and set(value) <= {"text", "marking"} and "text" in value:
        return MarkedText.model_validate(value).text  # a marking that is not text is refused here too
    return value


MarkedMarkdown = Annotated[Markdown, BeforeValidator(_unmarked, json_schema_input_type=str | MarkedText)]


class Author(_Model):
    name: Text
    role: Text | None = None


class KeyPoint(_Model):
    text: Markdown
    likelihood: Text | None = Field(None, description="A term of the project's yardstick, e.g. likely")
    confidence: Confidence | None = None
    basis: Literal["assessment"] | None = Field(
        None, description="assessment: the desk's own judgement, resting on no one source (so it cites none)"
    )
    id: ItemId = None
    marking: MarkingText | None = None


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
    marking: MarkingText | None = None


class Trigger(_Model):
    title: Text
    date: Date | None = None
    summary: Markdown
    points: list[MarkedMarkdown] = []
    actors: list[Slug] = []
    marking: MarkingText | None = None


class Motivation(_Model):
    title: Text
    summary: Markdown | None = None
    points: list[MarkedMarkdown] = []
    actor: Slug | None = None
    id: ItemId = None
    marking: MarkingText | None = None


class Ask(_Model):
    by: Slug
    of: Slug
    ask: Markdown
    quote: Text | None = None
    sources: list[Slug] = []
    id: ItemId = None
    marking: MarkingText | None = None


class Risk(_Model):
    title: Text
    description: Markdown | None = None
    likelihood: Likelihood
    impact: Impact
    mitigation: Markdown | None = None
    to: Slug | None = Field(None, description="Whose risk it is: an actor id, or us (the reader's organisation)")
    id: ItemId = None
    marking: MarkingText | None = None

    @property
    def score(self) -> int:
        """Severity from 1 to 25: likelihood step times impact step."""
        return risk_score(self.likelihood, self.impact)


class WatchItem(_Model):
    title: Text
    indicator: Markdown
    by: Date | None = None
    status: Literal["watching", "triggered", "resolved"] = "watching"
    id: ItemId = None
    marking: MarkingText | None = None


class Event(_Model):
    date: FlexDate
    title: Text
    description: Markdown | None = None
    id: ItemId = None
    marking: MarkingText | None = None


class Theme(_Model):
    title: Text
    body: Markdown
    id: ItemId = None
    marking: MarkingText | None = None


class HistoricalContext(_Model):
    summary: Markdown | None = None
    events: list[Event] = []
    themes: list[Theme] = []
    marking: MarkingText | None = None

    @property
    def timeline(self) -> list[Event]:
        """Events in chronological order (stable for equal dates); a date known only to the month or the year
        comes after the dated events of its period ("Nov 2025" after "27 Nov 2025", not before "7 Nov")."""
        return sorted(self.events, key=lambda e: (e.date.year, e.date.month or 13, e.date.day or 32))


class Section(_Model):
    title: Text
    body: Markdown
    id: ItemId = None
    marking: MarkingText | None = None


class SourceRef(_Model):
    id: Slug
    title: Text
    publisher: Text | None = None
    kind: SourceKind | None = None
    reliability: Reliability | None = Field(None, description="Admiralty grade of the source: A (reliable) to F")
    credibility: Credibility | None = Field(None, description="Admiralty grade of the information: 1 to 6")
    url: Text | None = None
    date: Date | None = None
    accessed: Date | None = None
    marking: MarkingText | None = None

    @property
    def grade(self) -> str:
        """B2: reliability then credibility, each judged apart (X for one not graded); empty if neither is."""
        if self.reliability is None and self.credibility is None:
            return ""
        return f"{self.reliability or 'X'}{self.credibility or 'X'}"


class Option(_Model):
    """A course of action open to the reader, with what speaks for and against it."""

    title: Text
    description: Markdown | None = None
    pros: list[Markdown] = []
    cons: list[Markdown] = []
    id: ItemId = None
    marking: MarkingText | None = None


class Brief(_Model):
    """One briefing document, format v1."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="briefgen brief",
        json_schema_extra={"description": "A structured briefing document (briefgen format v1)."},
    )

    id: BriefId | None = Field(
        None, description="Slug, optionally with a language (x.fr); defaults to the file name without .yaml"
    )
    title: Text
    subtitle: Text | None = None
    date: Date
    updated: Date | None = None
    status: Literal["draft", "final"] = "draft"
    language: Lang | None = Field(
        None,
        description="The brief's language (BCP 47: en-GB, fr, de, zh-Hans, ar); default from briefgen.toml, else en-GB",
    )
    translation_of: BriefId | None = Field(None, description="The id of the brief this one translates")
    translated_from: Text | None = Field(
        None, description="The original's stamp when translated: what `briefgen translation-stamp ORIGINAL` prints"
    )
    edition: int | None = Field(None, ge=1, description="Edition number; default: counted along 'previous'")
    previous: Text | None = Field(
        None, description="The previous edition: a path relative to this file, or REV:PATH in git"
    )
    classification: Text | None = Field(None, description="Marking such as UNCLASSIFIED; default from briefgen.toml")
    marking: MarkingText | None = Field(
        None, description="The brief's portion marking, inherited by every portion that names none (scheme's lowest)"
    )
    authors: list[AuthorEntry] = []
    tags: list[Text] = []
    reference: Text | None = Field(None, description="Document number; briefgen.toml's reference_format checks it")
    key_question: Text | None = Field(None, description="The question the brief answers, printed under the title")
    scope: Markdown | None = None
    cutoff: Cutoff | None = Field(None, description="Information cut-off: nothing later is in the brief")
    prepared_by: Text | None = None
    cleared_by: Text | None = None
    coordinated_with: list[Text] = []
    distribution: list[Text] = []
    max_pages: int | None = Field(None, ge=1, description="Page budget of the PDF; default from briefgen.toml")
    summary: MarkedMarkdown = Field(description="Bottom line up front (Markdown), or {text, marking}")
    key_points: list[KeyPointEntry] = []
    actors: list[Actor] = []
    trigger: Trigger
    motivations: list[Motivation] = []
    implications: MarkedMarkdown | None = Field(None, description="What this means for the reader's organisation")
    options: list[Option] = []
    asks: list[Ask] = []
    risks: list[Risk] = []
    watch_list: list[WatchItem] = []
    historical_context: HistoricalContext | None = None
    sections: list[Section] = []
    sources: list[SourceRef] = []

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id (ids are checked at validation)."""
        return next(a for a in self.actors if a.id == actor_id)


def brief_schema() -> dict[str, Any]:
    """Return the JSON Schema of the brief format, for editors."""
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://briefgen.invalid/schema/brief.schema.json"
    return schema
