"""Checking a set of briefs: each file read inside its project, loaded and validated, and no two of one run
sharing an id (nor taking one of the site's own pages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen.content import check_content
from briefgen.editions import check_previous
from briefgen.errors import BriefgenError, Problem
from briefgen.i18n import SHIPPED, translator
from briefgen.load import Source, display_path, find_briefs, parse_source, read_brief
from briefgen.marking import Portions
from briefgen.model import Brief
from briefgen.project import Project
from briefgen.release import Withheld, release_of
from briefgen.translation import Alternate, Original, Originals, check_translation
from briefgen.validate import validate

RESERVED_IDS = frozenset({"index", "manifest"})  # the site's own pages


@dataclass(frozen=True)
class Valid:
    """One brief that passed validation: its file, what was loaded from it, its model, its warnings and its
    images (read once, as data: URIs by src)."""

    path: Path
    source: Source
    brief: Brief
    warnings: tuple[Problem, ...] = ()
    images: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    portions: Portions | None = field(default=None, hash=False, compare=False)  # with a marking scheme
    alternates: tuple[Alternate, ...] = ()  # its page's languages, when it is built with its translations

    @property
    def id(self) -> str:
        assert self.brief.id is not None  # validate() gives every brief its id
        return self.brief.id


@dataclass
class Checked:
    """The outcome of checking a set of briefs."""

    briefs: list[Valid] = field(default_factory=list)  # unless only their names were kept
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # as the writer sees their paths
    passed: list[str] = field(default_factory=list)  # as the writer sees their paths

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class Checker:
    """Checks briefs one at a time, remembering the ids taken so far (``owners``: id -> the brief's name)."""

    def __init__(self, project: Project, *, today: dt.date | None = None, owners: dict[str, str] | None = None):
        self.project = project
        self.today = today
        self.owners: dict[str, str] = dict(owners or {})
        self._folders: dict[Path, Path] = {}  # project and theme folders resolved, once per Checker

    def _resolved(self, folder: Path) -> Path:
        if folder not in self._folders:
            self._folders[folder] = folder.resolve()
        return self._folders[folder]

    def inside(self, path: Path, real: Path | None = None) -> None:
        """Refuse a brief that is (or sits behind) a link to a file outside its project, or that lies in the
        theme folder (the organisation's trusted templates, hashed for the build cache); ``real``: the
        path resolved already."""
        root, real, theme = (
            self._resolved(self.project.brief_root(path)),
            real or path.resolve(),
            self.project.theme.folder,
        )
        if not real.is_relative_to(root):
            message = f"refused: the brief is a link to a file outside the project {root}"
            raise BriefgenError.at(display_path(path), message)
        if theme is not None and real.is_relative_to(self._resolved(theme)):
            message = f"refused: the brief lies inside the theme folder {theme}; keep briefs and the theme apart"
            raise BriefgenError.at(display_path(path), message)

    def read(self, path: Path, real: Path | None = None, name: str | None = None) -> bytes:
        """The bytes of a brief file inside the project: a regular file, its size checked before it is read
        (``real`` and ``name``: the path resolved and as the writer sees it, when known already)."""
        self.inside(path, real)
        return read_brief(path, name or display_path(path))

    def check(self, path: Path, raw: bytes | None = None, source: Source | None = None) -> Valid:
        """Load (unless ``source`` or ``raw`` is given), validate and check the content of one brief, and claim
        its id; raise BriefgenError."""
        if source is None:
            try:
                source = parse_source(self.read(path) if raw is None else raw, display_path(path))
            except BriefgenError:
                if self.project.release is not None:  # its marking cannot be known: it is not in this release
                    raise Withheld(display_path(path)) from None
                raise
        portions = None
        project, scheme = self.project, self.project.scheme
        if scheme is not None:
            source, portions = release_of(source, scheme, project.release_marking, project.default_marking)
        config = self.project.config
        brief, warnings = validate(
            source,
            classification=config.classification,
            today=self.today,
            portions=portions,
            yardstick=project.yardstick_in(source.data.get("language")),
            reference_format=config.reference_format,
        )
        if brief.previous:
            check_previous(source, brief, path, self.project)
        images = check_content(source, self.project.policy(path), path.parent)
        warnings += language_warnings(source, brief.language)
        valid = Valid(path, source, brief, tuple(warnings), images, portions)
        self._claim(valid)
        return valid

    def _claim(self, valid: Valid) -> None:
        """Take the brief's id, or raise its warnings and why it cannot have it."""
        line, col = valid.source.locate(("id",))
        name = valid.source.name
        if valid.id in RESERVED_IDS:
            message = f"'{valid.id}' is reserved for the site; choose another id"
        elif self.owners.get(valid.id, name) != name:
            message = f"id '{valid.id}' is already used by {self.owners[valid.id]}; give one of them another id"
        else:
            self.owners[valid.id] = name
            return
        raise BriefgenError([*valid.warnings, Problem(name, line, col, "id", message)])


def language_warnings(source: Source, language: str | None) -> list[Problem]:
    """A warning at a brief's `language:` when briefgen has no catalogue for it (its labels stay English)."""
    if language is None or translator(language).known:
        return []
    shipped = ", ".join(sorted(lang.replace("_", "-") for lang in SHIPPED))
    message = (
        f"briefgen has no labels in '{language}': its labels, dates and numbers stay in British English"
        f" (catalogues: {shipped}; the README's Languages says how to add one)"
    )
    return [source.problem(("language",), message, severity="warning")]


def checked_translation(valid: Valid, originals: Originals) -> Valid:
    """A valid brief with the warnings of its translation (none if it is not one); raise BriefgenError with its
    warnings and errors when it names no original, one it cannot translate, or a stamp that does not read."""
    brief = valid.brief
    if brief.translation_of is None and brief.translated_from is None:
        return valid
    problems = check_translation(Original(valid.path, valid.source, brief), originals)
    if any(p.severity == "error" for p in problems):
        raise BriefgenError([*valid.warnings, *problems])
    if not problems:
        return valid
    return replace(valid, warnings=tuple(sorted((*valid.warnings, *problems), key=lambda p: (p.line, p.col))))


def check(paths: list[Path], project: Project, today: dt.date | None = None, *, keep: bool = True) -> Checked:
    """Load and validate every brief under ``paths``; collect every problem of every file, in file order.

    Without ``keep`` (`validate`) each brief that is no translation is let go once checked, keeping its
    warnings: memory stays about the same however many there are, as what the cross-brief checks need is an
    id and a name per brief (Checker.owners), and a translation finds its original by reading it again."""
    files, problems = find_briefs(paths)
    result = Checked(problems=problems)
    checker = Checker(project, today=today)
    outcomes: list[tuple[str, Valid | Exception | tuple[Problem, ...]]] = []
    known: dict[str, Original] = {}
    for path in files:
        try:
            valid = checker.check(path)
        except Withheld:
            continue
        except Exception as exc:  # BriefgenError, or a bug met by this brief alone: the others are still checked
            outcomes.append((display_path(path), exc))
            continue
        translation = valid.brief.translation_of is not None or valid.brief.translated_from is not None
        if keep or translation:
            outcomes.append((valid.source.name, valid))
            known[valid.id] = Original(valid.path, valid.source, valid.brief)
        else:
            outcomes.append((valid.source.name, valid.warnings))
    originals = Originals(project, files, known, checker.owners.keys())
    for name, outcome in outcomes:  # translations once every original is known
        if isinstance(outcome, Valid):
            try:
                outcome = checked_translation(outcome, originals)
            except Exception as exc:
                outcome = exc
        if isinstance(outcome, Exception):
            result.problems += (
                outcome.problems
                if isinstance(outcome, BriefgenError)
                else [Problem.internal(name, "checking it", outcome)]
            )
            result.failed.append(name)
            continue
        result.problems += outcome.warnings if isinstance(outcome, Valid) else outcome
        result.passed.append(name)
        if keep and isinstance(outcome, Valid):
            result.briefs.append(outcome)
    return result
