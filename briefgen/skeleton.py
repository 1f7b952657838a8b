"""The starting point of a new brief (`briefgen new`)."""

from __future__ import annotations

import datetime as dt
from string import Template

from briefgen.defaults import TEMPLATES_DIR

SKELETON = TEMPLATES_DIR / "new-brief.yaml"


def skeleton(slug: str, today: dt.date) -> str:
    """Return the YAML text of a new, valid brief with every section present."""
    title = slug.replace("-", " ").capitalize()
    return Template(SKELETON.read_text(encoding="utf-8")).substitute(title=title, date=today.isoformat())
