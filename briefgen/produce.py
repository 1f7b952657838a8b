"""One brief's outputs: each format the project asks for made in memory, then all written or none."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import markdown
from briefgen.check import Valid
from briefgen.errors import Problem
from briefgen.formats import FORMATS
from briefgen.outputs import write_all
from briefgen.project import Project
from briefgen.subject import Output, PdfWriter, prepare


@dataclass
class RenderResult:
    """What rendering one brief produced."""

    id: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def make_outputs(
    valid: Valid, project: Project, pdf_writer: PdfWriter | None = None
) -> tuple[dict[str, bytes], list[Problem]]:
    """Every output file of one brief by name (``<id>.<suffix>``), and the warnings made on the way."""
    subject = prepare(valid, project, pdf_writer)
    files: dict[str, bytes] = {}
    warnings: list[Problem] = []
    with markdown.parsed_once():  # every format reads the same tokens of each field
        for name in project.formats:
            fmt = FORMATS[name]
            # each format's module is imported when a brief is first made in it (tests/test_layout.py places them)
            output: Output = importlib.import_module(fmt.module).render(subject, project)
            files[f"{valid.id}{'-summary' if project.edition_variant == 'summary' else ''}{fmt.suffix}"] = output.data
            warnings += output.warnings
    return files, warnings


def write_outputs(files: dict[str, bytes], project: Project) -> list[Path]:
    """Write one brief's files into the project's output folder, all or none."""
    project.out_dir.mkdir(parents=True, exist_ok=True)
    targets = {project.out_dir / name: data for name, data in files.items()}
    write_all(targets)
    return list(targets)


def render_brief(valid: Valid, project: Project, *, pdf_writer: PdfWriter | None = None) -> RenderResult:
    """Render one brief into the project's output folder; a failure in any format leaves every old output alone."""
    files, warnings = make_outputs(valid, project, pdf_writer)
    return RenderResult(valid.id, write_outputs(files, project), warnings)
