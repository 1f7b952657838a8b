"""Markdown: CommonMark for diffs and wikis (images shown by their description)."""

from __future__ import annotations

from briefgen.project import Project
from briefgen.render import render_markdown
from briefgen.subject import Output, Subject


def render(subject: Subject, project: Project) -> Output:
    """The brief as CommonMark."""
    return Output(render_markdown(subject.brief, project, subject.edition(project), subject.valid.portions).encode())
