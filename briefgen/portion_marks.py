"""The portion marks the templates and the Word writer print: ``(S)`` before each portion, the highest mark of
what a figure shows, nothing at all without a marking scheme."""

from __future__ import annotations

import re

from markupsafe import escape

from briefgen.marking import Portions


class PortionMarks:
    """The portion marks a template prints: ``pm("risks", 2)`` is ``(S)``; nothing without a marking scheme."""

    def __init__(self, portions: Portions | None) -> None:
        self.portions = portions

    def of(self, *loc: str | int) -> str:
        if self.portions is None:
            return ""
        return self.portions.scheme.portion(self.portions.of(tuple(loc)))

    def highest(self, *lists: str | tuple[str | int, ...]) -> str:
        """The mark of a figure: the highest of the portions it shows (``"risks"``, or a path)."""
        if self.portions is None:
            return ""
        wanted = [(item,) if isinstance(item, str) else item for item in lists]
        found = [m for loc, m in self.portions.marks.items() if any(loc[: len(w)] == w for w in wanted)]
        return self.portions.scheme.portion(self.portions.scheme.highest(found or [self.portions.root]))


def marked_html(html: str, mark: str, inline: bool) -> str:
    """A portion mark before a field's first paragraph (its own paragraph if the field opens with a list)."""
    if not mark:
        return html
    shown = f'<span class="pm">{escape(mark)}</span> '
    if inline:
        return shown + html
    if html.startswith("<p>"):
        return "<p>" + shown + html[3:]
    return f'<p class="pm">{escape(mark)}</p>\n' + html


def marked_markdown(text: str, mark: str) -> str:
    if not mark:
        return text
    if re.match(r"(?:[-*+>#|`~]|\d{1,9}[.)]|\s{4})", text):  # a list, quote, code or table: not a paragraph
        return f"{mark}\n\n{text}"
    return f"{mark} {text}"
