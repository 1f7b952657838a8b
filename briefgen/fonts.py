"""Characters no installed font can draw: WeasyPrint's .notdef warnings turned into located problems.

Kept apart from pdf.py so that reading them never imports WeasyPrint.
"""

from __future__ import annotations

import re

from briefgen.errors import Problem
from briefgen.load import Source, walk_strings

_NOTDEF = re.compile(r"^\.notdef glyph rendered for Unicode string unsupported by fonts: .* \(U\+([0-9A-F]{4,6})\)$")


def split_notdef(warnings: list[str]) -> tuple[set[str], list[str]]:
    """Separate WeasyPrint's missing-glyph warnings (as the characters) from the other warnings."""
    missing: set[str] = set()
    others: list[str] = []
    for warning in warnings:
        match = _NOTDEF.match(warning)
        if match:
            missing.add(chr(int(match.group(1), 16)))
        else:
            others.append(warning)
    return missing, others


def glyph_problems(source: Source, missing: set[str]) -> list[Problem]:
    """Report each field holding a character that no installed font covers (it would print as a box)."""
    problems = []
    for loc, text in walk_strings(source.data):
        found = sorted(missing.intersection(text))
        if found:
            shown = ", ".join(f"U+{ord(c):04X}" for c in found[:5])
            problems.append(
                source.problem(
                    loc,
                    f"no installed font can draw {shown}; install a font that covers it (fonts-noto-core, "
                    "fonts-noto-cjk)",
                )
            )
    if not problems:  # a character the templates added, not the brief
        shown = ", ".join(f"U+{ord(c):04X}" for c in sorted(missing))
        problems.append(Problem(source.name, 0, 0, "", f"no installed font can draw {shown} (from the templates)"))
    return problems
