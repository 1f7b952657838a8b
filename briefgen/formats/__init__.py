"""The output formats: one registry that `--format`, the build, the manifest and the index page all read.

Each format is a module of this package with ``render(subject, project) -> Output`` (produce.py calls it by
the name given here); the registry names it and says what it needs, so the CLI can check `--format` without
importing the pipeline (Pydantic, Jinja, WeasyPrint). Adding a format is one module and one line below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One output format: its name on the command line, its file suffix and how the index page links it."""

    name: str
    suffix: str
    link_label: str  # the index page's link text
    link_rank: int  # the index page lists links (and links the title to the first) in this order
    needs_pdf_engine: bool  # the PDF engine (WeasyPrint, in a process of its own) must be started for it
    module: str


REGISTRY = (
    Format("md", ".md", "Markdown", 3, needs_pdf_engine=False, module="briefgen.formats.md"),
    Format("html", ".html", "Web page", 1, needs_pdf_engine=False, module="briefgen.formats.html"),
    Format("pdf", ".pdf", "PDF", 2, needs_pdf_engine=True, module="briefgen.formats.pdf"),
    Format("docx", ".docx", "Word", 4, needs_pdf_engine=False, module="briefgen.formats.docx"),
)
FORMATS = {f.name: f for f in REGISTRY}
NAMES = tuple(FORMATS)  # in the order outputs are written and listed
DEFAULT_FORMATS = NAMES

DEFAULT_VARIANT = "pdf/ua-1"
# the editions of a brief (`render --variant`): the full one, and the one-page summary (title block, BLUF, key
# judgements, the top three risks, the watch list, the sources) that fails if it does not fit its page
EDITION_VARIANTS = ("full", "summary")
VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "none")


def chosen(formats: Sequence[str] | None) -> tuple[str, ...]:
    """The formats asked for, or every format when none were: the one place that default is applied."""
    return tuple(formats) if formats else DEFAULT_FORMATS


def index_links() -> list[tuple[str, str]]:
    """(format name, link text) in the order the index page shows them."""
    return [(f.name, f.link_label) for f in sorted(REGISTRY, key=lambda f: f.link_rank)]
