"""Every setting of a run, resolved once: briefgen.toml, the command line and the environment become one
frozen Project, handed whole to every stage. Each default is applied here and nowhere else."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefgen import __version__
from briefgen.config import Config, find_config, load_config
from briefgen.defaults import TEMPLATES_DIR
from briefgen.formats import DEFAULT_FORMATS, DEFAULT_VARIANT, FORMATS, VARIANTS
from briefgen.resources import Policy

DEFAULT_OUTPUT = Path("output")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class ThemeFolder:
    """Where templates come from: a theme folder overrides the defaults file by file; its extra.css is added."""

    folder: Path | None = None
    extra_css: Path | None = None

    @classmethod
    def at(cls, folder: Path | None) -> ThemeFolder:
        """The theme in ``folder`` (None: the default templates alone)."""
        extra = folder / "extra.css" if folder and (folder / "extra.css").is_file() else None
        return cls(folder, extra)

    @property
    def folders(self) -> list[Path]:
        """The template folders in use: the theme's, then the defaults."""
        return [p for p in (self.folder, TEMPLATES_DIR) if p]


@dataclass(frozen=True)
class Project:
    """The settings every brief of one run shares."""

    config: Config  # briefgen.toml as written (or its defaults)
    config_file: Path | None  # the briefgen.toml read, if there is one
    theme: ThemeFolder
    formats: tuple[str, ...]
    pdf_variant: str
    allow_remote: bool  # let briefs embed http(s) images
    out_dir: Path
    language: str  # the briefs' default language (BCP 47)
    release: str | None  # the marking an edition is released at; None: everything
    previous: Path | None  # the previous edition's output folder, to compare with
    source_date: dt.datetime | None  # SOURCE_DATE_EPOCH: the only clock time an output may show

    @property
    def root(self) -> Path | None:
        """The folder of briefgen.toml: every brief's resources must lie inside it."""
        return self.config_file.parent if self.config_file else None

    def brief_root(self, brief: Path) -> Path:
        """The folder a brief's resources must lie in: the project's, else the brief's own."""
        return self.root or brief.parent

    def policy(self, brief: Path) -> Policy:
        """The resource door for one brief."""
        return Policy(self.brief_root(brief), self.allow_remote)

    def with_formats(self, formats: Sequence[str]) -> Project:
        """The same project making only ``formats``."""
        return replace(self, formats=_checked_formats(formats))

    @functools.cached_property
    def digest(self) -> str:
        """Hash everything besides a brief's source that shapes its outputs: version, code, templates,
        settings and options. Paths enter only relative to their folder, so a checkout anywhere hashes alike."""
        digest = hashlib.sha256()
        settings = self.config.model_dump(mode="json", exclude={"output", "templates"})
        options = [list(self.formats), self.pdf_variant, self.allow_remote, self.language, self.release]
        digest.update(json.dumps([__version__, settings, options], sort_keys=True).encode())
        if self.previous is not None:
            digest.update(b"previous\0" + _folder_digest(self.previous, "*").encode())
        package = Path(__file__).resolve().parent
        # the package's own code too, so a development change without a version bump still rebuilds
        for folder, pattern in [(package, "*.py"), *[(d, "*") for d in self.theme.folders]]:
            digest.update(_folder_digest(folder, pattern).encode())
        return digest.hexdigest()


def _folder_digest(folder: Path, pattern: str) -> str:
    digest = hashlib.sha256()
    if not folder.is_dir():
        return digest.hexdigest()
    for path in sorted(folder.rglob(pattern)):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith((".", "__pycache__")) for part in relative.parts):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _checked_formats(formats: Sequence[str]) -> tuple[str, ...]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"expected some of {', '.join(FORMATS)}; got {', '.join(formats) or 'none'}")
    return tuple(f for f in FORMATS if f in formats)  # the registry's order, whatever the order asked


def resolve_project(
    *,
    start: Path | None = None,
    config: Config | None = None,
    config_file: Path | None = None,
    formats: Sequence[str] | None = None,
    templates: Path | None = None,
    pdf_variant: str | None = None,
    allow_remote: bool = False,
    out_dir: Path | None = None,
    language: str | None = None,
    release: str | None = None,
    previous: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Project:
    """Make the Project of a run from the nearest briefgen.toml (walking up from ``start``, default the working
    folder) and the options given; an option left as None takes its default here.

    With ``config``, that configuration is used as it is (``config_file`` saying where it came from).
    Raises BriefgenError for a broken briefgen.toml, ValueError for an unknown format or PDF variant.
    """
    if config is None:
        config_file = find_config(start or Path.cwd())
        config = load_config(config_file) if config_file else Config()
    variant = pdf_variant or DEFAULT_VARIANT
    if variant not in VARIANTS:
        raise ValueError(f"expected one of {', '.join(VARIANTS)}; got {variant!r}")
    return Project(
        config=config,
        config_file=config_file.resolve() if config_file else None,
        theme=ThemeFolder.at(templates or config.templates),
        formats=_checked_formats(formats or DEFAULT_FORMATS),
        pdf_variant=variant,
        allow_remote=allow_remote,
        out_dir=out_dir or config.output or DEFAULT_OUTPUT,
        language=language or DEFAULT_LANGUAGE,
        release=release,
        previous=previous,
        source_date=_source_date(os.environ if environ is None else environ),
    )


def _source_date(environ: Mapping[str, str]) -> dt.datetime | None:
    """The build time an output may show, only from SOURCE_DATE_EPOCH: without it, no clock time at all."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
