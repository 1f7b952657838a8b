"""HTML: one self-contained page (styles and images embedded, no script)."""

from __future__ import annotations

from briefgen.project import Project
from briefgen.subject import Output, Subject


def render(subject: Subject, project: Project) -> Output:
    """The brief as one HTML page."""
    return Output(subject.html(project).encode())
