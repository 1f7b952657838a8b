"""The organisation's settings from an optional briefgen.toml, found by walking up from a folder (read by
project.resolve_project, which adds the command line and the defaults)."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from briefgen.errors import BriefgenError, Problem
from briefgen.formats import FORMATS
from briefgen.load import display_path
from briefgen.marking import Scheme, scheme_named
from briefgen.model import DEFAULT_CLASSIFICATION, Lang
from briefgen.yardstick import YARDSTICKS, Term, Yardstick

CONFIG_NAME = "briefgen.toml"


class LevelConfig(BaseModel):
    """One level of a custom marking scheme, lowest first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    banner: str
    portion: str


class MarkingConfig(BaseModel):
    """The `[marking]` table: a scheme, the dissemination controls allowed, and the editions to release."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scheme: Literal["us", "uk", "tlp", "custom"]
    levels: tuple[LevelConfig, ...] = ()
    controls: tuple[str, ...] = ()
    releases: tuple[str, ...] = ()

    def resolved(self) -> Scheme:
        levels = [level.model_dump() for level in self.levels]
        return scheme_named(self.scheme, self.controls, levels)


class TermConfig(BaseModel):
    """One step of a custom yardstick: its term, its range in percent, other words allowed for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str
    range: tuple[int, int]
    aliases: tuple[str, ...] = ()


class YardstickConfig(BaseModel):
    """A custom `[yardstick]` table: its name and its terms, lowest first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    terms: tuple[TermConfig, ...]
    note: str = ""


class Config(BaseModel):
    """What briefgen.toml says, exactly: every key a user may set, paths made absolute."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str | None = None
    classification: str = DEFAULT_CLASSIFICATION
    language: Lang | None = None  # the briefs' language when a brief names none (BCP 47); default en
    page_size: Literal["A4", "Letter"] = "A4"
    formats: tuple[str, ...] | None = None  # what `render` and `build` make when --format is not given
    marking: MarkingConfig | None = None  # portion markings; without it `classification` is a free-text banner
    templates: Path | None = None
    output: Path | None = None
    # analytic tradecraft: the probability yardstick key judgements are held to (it turns on tradecraft.py's
    # checks), the pattern of a document number, and the PDF's page budget
    yardstick: Literal["phia", "icd203"] | YardstickConfig | None = None
    reference_format: str | None = None
    max_pages: int | None = None

    @property
    def resolved_yardstick(self) -> Yardstick | None:
        """The yardstick chosen, published or custom."""
        if self.yardstick is None or isinstance(self.yardstick, str):
            return YARDSTICKS[self.yardstick] if self.yardstick else None
        terms = tuple(Term(t.term, t.range[0], t.range[1], t.aliases) for t in self.yardstick.terms)
        return Yardstick(self.yardstick.name, terms, self.yardstick.note)


def find_config(start: Path) -> Path | None:
    """Return the nearest briefgen.toml in ``start`` or a parent folder."""
    for folder in [start.resolve(), *start.resolve().parents]:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> Config:
    """Load and validate one briefgen.toml."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise BriefgenError.at(shown, "not valid UTF-8; save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(match[1]), int(match[2])) if match else (0, 0)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise BriefgenError.at(shown, f"invalid TOML: {message}", line, col) from None
    except OSError as exc:
        raise BriefgenError.at(shown, f"cannot read file: {exc.strerror or exc}") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(shown, text, err) for err in exc.errors(include_url=False)]
        raise BriefgenError(sorted(problems, key=lambda p: (p.line, p.col))) from None
    base = path.parent
    unknown = [f for f in config.formats or () if f not in FORMATS]
    if unknown or config.formats == ():
        line = _line_of(text, "formats")
        got = f"got {', '.join(map(repr, unknown))}" if unknown else "got none"
        raise BriefgenError.at(shown, f"expected some of {', '.join(FORMATS)}; {got}", line, 1 if line else 0)
    if config.marking is not None:
        _check_marking(shown, text, config.marking, config.classification, set(config.model_fields_set))
    _check_tradecraft(shown, text, config)
    if config.templates and not (base / config.templates).is_dir():
        line = _line_of(text, "templates")
        raise BriefgenError.at(shown, f"no such folder: {base / config.templates}", line, 1 if line else 0)
    return config.model_copy(
        update={
            "templates": base / config.templates if config.templates else None,
            "output": base / config.output if config.output else None,
        }
    )


def _check_marking(shown: str, text: str, marking: MarkingConfig, classification: str, config_set: set[str]) -> None:
    """A custom scheme needs its levels (and only a custom one may have them); each release is a level of it."""
    if (marking.scheme == "custom") != bool(marking.levels):
        said = (
            "a custom scheme needs levels = [{id, banner, portion}, ...], lowest first"
            if not marking.levels
            else (f'levels are for scheme = "custom"; the {marking.scheme} scheme has its own')
        )
        raise BriefgenError.at(shown, said, _line_of(text, "scheme"), 1)
    scheme = marking.resolved()
    for said in scheme.ambiguities():
        raise BriefgenError.at(
            shown, f"levels: {said}; give every level spellings of its own", _line_of(text, "levels"), 1
        )
    for release in marking.releases:
        try:
            level = scheme.parse(release)
        except ValueError as exc:
            raise BriefgenError.at(shown, f"releases: {exc}", _line_of(text, "releases"), 1) from None
        if level.controls:
            said = f"releases: '{release}': a release is cut by level alone; give the level without controls"
            raise BriefgenError.at(shown, said, _line_of(text, "releases"), 1)
    if "classification" in config_set:
        try:
            scheme.parse(classification)
        except ValueError as exc:  # an unreadable one would make every unmarked brief the lowest level
            raise BriefgenError.at(shown, f"classification: {exc}", _line_of(text, "classification"), 1) from None


def _check_tradecraft(shown: str, text: str, config: Config) -> None:
    """A custom yardstick's ranges run low to high and in order; the reference format is a regular expression;
    the page budget is at least one page."""
    custom = config.yardstick
    if isinstance(custom, YardstickConfig):
        line = _line_of(text, "terms") or _line_of(text, "name")
        if not custom.terms:
            raise BriefgenError.at(shown, "yardstick: a custom yardstick needs terms, lowest first", line, 1)
        previous = -1
        for term in custom.terms:
            low, high = term.range
            if not 0 <= low <= high <= 100 or low < previous:
                message = f"yardstick: the range of '{term.term}' must lie in 0-100, low to high, after the one before"
                raise BriefgenError.at(shown, message, line, 1)
            previous = high
    if config.reference_format is not None:
        try:
            re.compile(config.reference_format)
        except re.error as exc:
            message = f"reference_format is not a regular expression: {exc}"
            raise BriefgenError.at(shown, message, _line_of(text, "reference_format"), 1) from None
    if config.max_pages is not None and config.max_pages < 1:
        raise BriefgenError.at(shown, "max_pages must be 1 or more", _line_of(text, "max_pages"), 1)


def _line_of(text: str, key: str) -> int:
    return next((n for n, t in enumerate(text.splitlines(), 1) if re.match(rf"\s*{key}\s*=", t)), 0)


def _problem(shown: str, text: str, err: Any) -> Problem:
    key = str(err["loc"][0]) if err["loc"] else ""
    line, col = 0, 0
    for number, content in enumerate(text.splitlines(), 1):
        match = re.match(rf"\s*\[?\s*({re.escape(key)})\s*[=\]]", content)  # `key =` or a `[key]` table
        if key and match:
            line, col = number, match.start(1) + 1
            break
    fields = list(Config.model_fields)
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"expected one of {', '.join(fields)}"
        message = f"unknown setting; {hint}"
    elif err["type"] == "literal_error":
        choices = re.findall(r"'([^']*)'", err["ctx"]["expected"])
        message = f"expected one of {', '.join(choices)}; got {err['input']!r}"
    elif err["type"] in ("string_type", "path_type"):
        message = f"expected text in quotes; got {err['input']!r}"
    else:
        message = err["msg"]
    return Problem(shown, line, col, key, message)
