"""Many briefs at once: find, load and validate them, with ids unique across the build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.config import Config
from briefgen.errors import BriefgenError, Problem
from briefgen.load import Source, find_briefs, load_source
from briefgen.model import Brief, validate


@dataclass
class Checked:
    """The outcome of loading and validating a set of briefs."""

    briefs: list[tuple[Source, Brief]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check(paths: list[Path], config: Config, today: dt.date | None = None) -> Checked:
    """Load and validate every brief under ``paths``; collect every problem of every file."""
    files, problems = find_briefs(paths)
    result = Checked(problems=problems)
    owners: dict[str, str] = {}
    for path in files:
        shown = display_path(path)
        try:
            source = load_source(path, shown)
            brief = validate(source, classification=config.classification, today=today)
        except BriefgenError as exc:
            result.problems.extend(exc.problems)
            result.failed.append(shown)
            continue
        result.problems.extend(source.problems)
        assert brief.id is not None
        if brief.id in owners:
            line, col = source.locate(("id",))
            result.problems.append(
                Problem(shown, line, col, "id", f"id '{brief.id}' is already used by {owners[brief.id]}")
            )
            result.failed.append(shown)
            continue
        owners[brief.id] = shown
        result.briefs.append((source, brief))
    return result
