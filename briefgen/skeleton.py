"""The starting point of a new brief (`briefgen new`), and the JSON Schema file its first line points editors to."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from string import Template

from briefgen.config import find_config
from briefgen.defaults import TEMPLATES_DIR
from briefgen.errors import BriefgenError
from briefgen.model import SLUG_RE, brief_schema

SKELETON = TEMPLATES_DIR / "new-brief.yaml"
SCHEMA_FILE = Path("schema") / "brief.schema.json"  # in the project's root
DEFAULT_MODELINE = "../schema/brief.schema.json"  # from briefs/ to it


def skeleton(slug: str, today: dt.date, schema: str = DEFAULT_MODELINE) -> str:
    """Return the YAML text of a new, valid brief with every section present; ``schema``: the JSON Schema's
    path (relative to the brief) or URL, for editors with the YAML language server."""
    title = slug.replace("-", " ").capitalize()
    text = SKELETON.read_text(encoding="utf-8")
    return Template(text).substitute(title=title, date=today.isoformat(), schema=schema)


def is_slug(text: str) -> bool:
    """Whether ``text`` may name a brief: lowercase letters, digits and single hyphens."""
    return bool(SLUG_RE.match(text))


def schema_text() -> str:
    """The JSON Schema of the format, as `briefgen schema` prints it and `make schema` commits it."""
    return json.dumps(brief_schema(), indent=2, ensure_ascii=False) + "\n"


def default_schema_path(start: Path) -> Path:
    """Where the project keeps the schema: schema/brief.schema.json in the folder of briefgen.toml (found from
    ``start`` up), else in ``start``."""
    config = find_config(start.resolve())
    return (config.parent if config else start) / SCHEMA_FILE


def write_schema(target: Path) -> Path:
    """Write the JSON Schema to ``target`` (its folders made as needed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8")
    return target


def relative_to_brief(schema: Path, folder: Path) -> str:
    """The schema's path as a modeline in a brief inside ``folder`` gives it: relative, with forward slashes."""
    return Path(os.path.relpath(schema.resolve(), folder.resolve())).as_posix()


def new_brief(slug: str, folder: Path, today: dt.date, schema: Path | None = None) -> Path:
    """Write ``folder/<slug>.yaml`` from the skeleton, its modeline pointing at ``schema`` (default: the
    repository layout's ../schema/brief.schema.json); never overwrite (BriefgenError when it exists)."""
    target = folder / f"{slug}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    modeline = relative_to_brief(schema, folder) if schema is not None else DEFAULT_MODELINE
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(skeleton(slug, today, modeline))
    except FileExistsError:
        raise BriefgenError.at(str(target), "already exists; not overwritten") from None
    return target
