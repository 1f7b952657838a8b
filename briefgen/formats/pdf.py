"""PDF: the HTML page laid out by WeasyPrint with the print stylesheet, in the project's PDF variant."""

from __future__ import annotations

import io
import re

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
    data, warnings, pages = writer(
        subject.html(project), css, name=name, variant=project.pdf_variant, policy=subject.policy
    )
    missing, warnings = split_notdef(warnings)
    if missing:
        raise BriefgenError(glyph_problems(subject.source, missing))
    over = over_budget(subject, project, data, pages)
    if over:
        raise BriefgenError([over])
    notes = [Problem(name, 0, 0, "pdf", w, "warning") for w in warnings]
    if no_subsetter() and not _told["subsetter"]:  # once per process: it is the machine's, not the brief's
        _told["subsetter"] = True
        notes.append(Problem(name, 0, 0, "", no_subsetter(), "warning"))
    return Output(data, tuple(notes))


_told = {"subsetter": False}


def over_budget(subject: Subject, project: Project, data: bytes, pages: int) -> Problem | None:
    """The error of a PDF longer than its page budget (the summary edition's one page, else the brief's
    max_pages, else briefgen.toml's), naming its page count and the sections that take most space."""
    from pypdf import PdfReader  # only where a PDF is made

    summary = project.edition_variant == "summary"
    budget = 1 if summary else subject.brief.max_pages or project.config.max_pages
    if budget is None:
        return None
    if pages <= budget:  # counted by WeasyPrint: reading the PDF back with pypdf took 6 % of a render
        return None
    reader = PdfReader(io.BytesIO(data))
    largest = sorted(section_sizes(reader), key=lambda s: -s[1])[:3]
    biggest = ", ".join(f"{title} ({size:.1f} pages)" for title, size in largest)
    said = f"{pages} pages, over the budget of {budget}" if not summary else f"{pages} pages; it must fit on one"
    what = "the summary edition's PDF" if summary else "the PDF"
    message = f"{what} has {said}; most space goes to {biggest}" if biggest else f"{what} has {said}"
    source = subject.source
    if summary or "max_pages" in source.data or project.config_file is None:
        return source.problem(("max_pages",) if not summary and "max_pages" in source.data else (), message)
    config = project.config_file.read_text(encoding="utf-8")
    line = next((n for n, t in enumerate(config.splitlines(), 1) if re.match(r"\s*max_pages\s*=", t)), 0)
    return Problem(str(project.config_file), line, 1 if line else 0, "max_pages", f"{source.name}: {message}")


def section_sizes(reader: object) -> list[tuple[str, float]]:
    """Each top-level bookmark of a PDF (a section's heading) and how many pages it runs for, in fractions."""
    from pypdf import PdfReader

    assert isinstance(reader, PdfReader)
    marks = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        page = reader.get_destination_page_number(item)
        if page is None:
            continue
        height = float(reader.pages[page].mediabox.height)
        top = float(item.get("/Top") or height)
        marks.append((str(item.title), page + (height - top) / height))
    ends = [at for _, at in marks[1:]] + [float(len(reader.pages))]
    return [(title, end - at) for (title, at), end in zip(marks, ends, strict=True)]


def write_pdf_here(
    html: str, css: str, *, name: str, variant: str, policy: Policy | None
) -> tuple[bytes, list[str], int]:
    """Lay the PDF out in this process (a build's warm worker, or when no engine process could start)."""
    try:
        with quiet_stderr():
            from briefgen.pdf import write_pdf  # WeasyPrint: only where a PDF is made
    except (ImportError, OSError) as exc:  # Pango or HarfBuzz missing; not a folder that cannot be written
        raise BriefgenError.at(name, engine_missing(exc)) from None
    return write_pdf(html, css, name=name, variant=variant, policy=policy)
