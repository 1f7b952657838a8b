"""The starting point of a new brief (`briefgen new`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template

from briefgen.defaults import TEMPLATES_DIR
from briefgen.errors import BriefgenError
from briefgen.model import SLUG_RE

SKELETON = TEMPLATES_DIR / "new-brief.yaml"


def skeleton(slug: str, today: dt.date) -> str:
    """Return the YAML text of a new, valid brief with every section present."""
    title = slug.replace("-", " ").capitalize()
    return Template(SKELETON.read_text(encoding="utf-8")).substitute(title=title, date=today.isoformat())


def is_slug(text: str) -> bool:
    """Whether ``text`` may name a brief: lowercase letters, digits and single hyphens."""
    return bool(SLUG_RE.match(text))


def new_brief(slug: str, folder: Path, today: dt.date) -> Path:
    """Write ``folder/<slug>.yaml`` from the skeleton; never overwrite (BriefgenError when it exists)."""
    target = folder / f"{slug}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(skeleton(slug, today))
    except FileExistsError:
        raise BriefgenError.at(str(target), "already exists; not overwritten") from None
    return target
