"""PDF: the HTML page laid out by WeasyPrint with the print stylesheet, in the project's PDF variant."""

from __future__ import annotations

from briefgen.engine_check import engine_missing, no_fonts, no_subsetter, quiet_stderr
from briefgen.errors import BriefgenError, Problem
from briefgen.fonts import glyph_problems, split_notdef
from briefgen.project import Project
from briefgen.render import render_print_css
from briefgen.resources import Policy
from briefgen.subject import Output, Subject


def render(subject: Subject, project: Project) -> Output:
    """The brief as a PDF; BriefgenError when a character has no font (a PDF with empty boxes is not shipped)."""
    if no_fonts():  # WeasyPrint would die of SIGSEGV
        raise BriefgenError.at(subject.source.name, no_fonts())
    css = render_print_css(subject.brief, project)
    writer = subject.pdf_writer or write_pdf_here
    name = subject.source.name
    data, warnings = writer(subject.html(project), css, name=name, variant=project.pdf_variant, policy=subject.policy)
    missing, warnings = split_notdef(warnings)
    if missing:
        raise BriefgenError(glyph_problems(subject.source, missing))
    notes = [Problem(name, 0, 0, "pdf", w, "warning") for w in warnings]
    if no_subsetter() and not _told["subsetter"]:  # once per process: it is the machine's, not the brief's
        _told["subsetter"] = True
        notes.append(Problem(name, 0, 0, "", no_subsetter(), "warning"))
    return Output(data, tuple(notes))


_told = {"subsetter": False}


def write_pdf_here(html: str, css: str, *, name: str, variant: str, policy: Policy | None) -> tuple[bytes, list[str]]:
    """Lay the PDF out in this process (a build's warm worker, or when no engine process could start)."""
    try:
        with quiet_stderr():
            from briefgen.pdf import write_pdf  # WeasyPrint: only where a PDF is made
    except (ImportError, OSError) as exc:  # Pango or HarfBuzz missing; not a folder that cannot be written
        raise BriefgenError.at(name, engine_missing(exc)) from None
    return write_pdf(html, css, name=name, variant=variant, policy=policy)
