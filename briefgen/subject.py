"""What every output format is handed: one validated brief with its embedded images and resource door, and
what a format hands back (its bytes and warnings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from briefgen.check import Valid
from briefgen.editions import Edition, whats_changed
from briefgen.errors import Problem
from briefgen.load import Source
from briefgen.model import Brief
from briefgen.project import Project
from briefgen.render import render_html
from briefgen.resources import Policy


class PdfWriter(Protocol):
    """Lays out a PDF (pdf.write_pdf), in this process or in another one (pdf_process.PdfProcess): its bytes,
    WeasyPrint's warnings and its number of pages."""

    def __call__(
        self, html: str, css: str, *, name: str, variant: str, policy: Policy | None
    ) -> tuple[bytes, list[str], int]: ...


@dataclass(frozen=True)
class Output:
    """One format's file for one brief."""

    data: bytes
    warnings: tuple[Problem, ...] = ()


@dataclass
class Subject:
    """One validated brief ready for every format of one project: its images were read when it was checked."""

    valid: Valid
    policy: Policy
    pdf_writer: PdfWriter | None = None  # None: lay out the PDF in this process
    _html: str | None = None
    _edition: Edition | None = None

    @property
    def source(self) -> Source:
        return self.valid.source

    @property
    def brief(self) -> Brief:
        return self.valid.brief

    def edition(self, project: Project) -> Edition:
        """The brief's edition number and its changes since the previous edition (read once, for every format)."""
        if self._edition is None:
            self._edition = whats_changed(self.brief, self.valid.path, project)
        return self._edition

    def html(self, project: Project) -> str:
        """The brief's HTML page, made once for the formats that share it (the web page and the PDF)."""
        if self._html is None:
            self._html = render_html(
                self.brief,
                project,
                self.valid.images,
                policy=self.policy,
                edition=self.edition(project),
                portions=self.valid.portions,
                alternates=self.valid.alternates,
            )
        return self._html


def prepare(valid: Valid, project: Project, pdf_writer: PdfWriter | None = None) -> Subject:
    """A validated brief ready for every format of ``project``."""
    return Subject(valid, project.policy(valid.path), pdf_writer)
