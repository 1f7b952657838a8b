"""Word: a .docx written from the model with python-docx (docx_writer), for clearance with tracked changes."""

from __future__ import annotations

from briefgen.docx_writer import docx_bytes
from briefgen.project import Project
from briefgen.subject import Output, Subject


def render(subject: Subject, project: Project) -> Output:
    """The brief as a Word document."""
    valid = subject.valid
    return Output(docx_bytes(subject.brief, project, valid.images, valid.portions, subject.edition(project)))
