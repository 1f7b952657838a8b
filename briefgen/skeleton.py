"""The starting point of a new brief (`briefgen new`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template

SKELETON = Path(__file__).resolve().parent.parent / "templates" / "new-brief.yaml"


def skeleton(slug: str, today: dt.date) -> str:
    """Return the YAML text of a new, valid brief with every section present."""
    title = slug.replace("-", " ").capitalize()
    return Template(SKELETON.read_text(encoding="utf-8")).substitute(title=title, date=today.isoformat())
