"""Many briefs at once: find, load and validate them, with ids unique across the build."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.config import Config
from briefgen.errors import BriefgenError, Problem
from briefgen.load import Source, find_briefs, load_source
from briefgen.model import Brief, validate
from briefgen.pdf_variants import DEFAULT_VARIANT

if TYPE_CHECKING:
    from briefgen.render import Theme


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


FORMATS = ("md", "html", "pdf")


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder, so no reader sees half a file."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def render_brief(
    source: Source,
    brief: Brief,
    config: Config,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    theme: Theme | None = None,
    variant: str | None = None,
) -> RenderResult:
    """Render one brief to the requested formats in ``out_dir``; a failure leaves earlier outputs untouched."""
    from briefgen.render import render_html, render_markdown, render_print_css

    result = RenderResult(brief.id or source.stem)
    # everything is made in memory first: a brief that fails in any format leaves all its old outputs alone
    outputs: dict[str, bytes] = {}
    if "md" in formats:
        outputs["md"] = render_markdown(brief, config, theme).encode()
    if "html" in formats or "pdf" in formats:
        html = render_html(brief, config, theme)
        if "html" in formats:
            outputs["html"] = html.encode()
        if "pdf" in formats:
            from briefgen import pdf

            data, warnings = pdf.write_pdf(
                html, render_print_css(brief, config, theme), name=source.path, variant=variant or DEFAULT_VARIANT
            )
            missing, warnings = pdf.split_notdef(warnings)
            if missing:  # a PDF with empty boxes for names is not shipped
                raise BriefgenError(pdf.glyph_problems(source, missing))
            outputs["pdf"] = data
            result.warnings += [Problem(source.path, 0, 0, "pdf", w, "warning") for w in warnings]
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        if fmt in outputs:
            target = out_dir / f"{result.id}.{fmt}"
            write_atomic(target, outputs[fmt])
            result.outputs.append(target)
    return result


@dataclass
class RenderResult:
    """What rendering one brief produced."""

    id: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class BuildResult:
    """The outcome of building many briefs."""

    rendered: list[RenderResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def build(
    paths: list[Path],
    config: Config,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    theme: Theme | None = None,
    variant: str | None = None,
) -> BuildResult:
    """Validate and render every brief under ``paths``; one brief's failure does not stop the others."""
    checked = check(paths, config)
    result = BuildResult(problems=list(checked.problems), failed=list(checked.failed))
    for source, brief in checked.briefs:
        try:
            result.rendered.append(render_brief(source, brief, config, out_dir, formats, theme=theme, variant=variant))
        except BriefgenError as exc:
            result.problems.extend(exc.problems)
            result.failed.append(source.path)
    for rendered in result.rendered:
        result.problems.extend(rendered.warnings)
    return result
