"""Every setting of a run, resolved once: briefgen.toml, the command line and the environment become one
frozen Project, handed whole to every stage. Each default is applied here and nowhere else."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefgen import __version__
from briefgen.config import Config, find_config, load_config
from briefgen.defaults import TEMPLATES_DIR
from briefgen.errors import BriefgenError, printable
from briefgen.formats import DEFAULT_VARIANT, EDITION_VARIANTS, FORMATS, VARIANTS, chosen
from briefgen.marking import Marking, Scheme
from briefgen.model import Brief
from briefgen.resources import MAX_BYTES, Policy
from briefgen.yardstick import Yardstick, in_language

DEFAULT_OUTPUT = Path("output")
DEFAULT_LANGUAGE = "en-GB"  # British English: the catalogues' source language, dates as "28 November 2025"


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
    since: str | None  # a git revision: compare each brief with its edition there (unless it names `previous:`)
    source_date: dt.datetime | None  # SOURCE_DATE_EPOCH: the only clock time an output may show
    edition_variant: str = "full"  # "summary": the one-page edition (EDITION_VARIANTS)

    def language_of(self, brief: Brief) -> str:
        """The language a brief is written in (BCP 47): its own `language`, else the project's."""
        return brief.language or self.language

    def yardstick_in(self, language: object) -> Yardstick | None:
        """The yardstick of briefgen.toml in the words of a brief's language (its `language` as written, else
        the project's): a French brief is held to the French terms."""
        yardstick = self.config.resolved_yardstick
        if yardstick is None:
            return None
        return in_language(yardstick, language if isinstance(language, str) and language else self.language)

    @property
    def page_budget(self) -> int | None:
        """The most pages the PDF may have before a brief's own max_pages: one for the summary edition."""
        return 1 if self.edition_variant == "summary" else self.config.max_pages

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
    def scheme(self) -> Scheme | None:
        """The portion-marking scheme of briefgen.toml's [marking], or None (a free-text classification)."""
        return self.config.marking.resolved() if self.config.marking else None

    @property
    def release_marking(self) -> Marking | None:
        """The marking an edition is released at (its controls ignored), or None for the full edition."""
        scheme = self.scheme
        return Marking(scheme.parse(self.release).rank) if scheme and self.release else None

    @property
    def default_marking(self) -> Marking | None:
        """What a brief naming neither marking nor classification is marked: briefgen.toml's classification,
        when it sets one the scheme can read; else the scheme's lowest level (None)."""
        scheme = self.scheme
        if scheme is None or "classification" not in self.config.model_fields_set:
            return None
        try:
            return scheme.parse(self.config.classification)
        except ValueError:
            return None

    @property
    def release_note(self) -> str | None:
        """What a release edition says of itself, in every format (always, so it never tells whether it cut)."""
        level = self.release_marking
        return self.scheme.omits(level) if self.scheme and level else None

    @property
    def releases(self) -> tuple[str, ...]:
        """The release editions `build` makes besides the full one (briefgen.toml's marking.releases)."""
        return self.config.marking.releases if self.config.marking else ()

    @property
    def published_release(self) -> str | None:
        """The level of the release the site publishes (the lowest of marking.releases), or None without a
        marking scheme; a marked project without releases is refused (see published_dir)."""
        scheme = self.scheme
        if scheme is None:
            return None
        if not self.releases:
            raise BriefgenError.at(
                str(self.config_file or "briefgen.toml"),
                "a project with [marking] publishes a release edition, never the full one: add releases = [...]",
            )
        return min(self.releases, key=lambda r: scheme.parse(r).rank)

    @property
    def published_dir(self) -> Path:
        """What the site publishes: the lowest release edition of a project with a marking scheme (its full
        edition never goes to the site), else the output folder. Refuses a marked project without releases."""
        level, scheme = self.published_release, self.scheme
        return self.out_dir if level is None or scheme is None else self.out_dir / scheme.folder(scheme.parse(level))

    def with_release(self, level: str, out_dir: Path | None = None) -> Project:
        """The same project making the release edition at ``level``, by default into <output>/release-<level>/."""
        scheme = self.scheme
        folder = scheme.folder(scheme.parse(level)) if scheme else "release"
        return replace(self, release=level, out_dir=out_dir or self.out_dir / folder)

    @functools.cached_property
    def digest(self) -> str:
        """Hash everything besides a brief's source that shapes its outputs: version, code, templates,
        settings and options. Paths enter only relative to their folder, so a checkout anywhere hashes alike."""
        digest = hashlib.sha256()
        settings = self.config.model_dump(mode="json", exclude={"output", "templates"})
        # the earlier editions themselves are hashed with each brief (editions.chain_digest), as they are its own
        options = [list(self.formats), self.pdf_variant, self.allow_remote, self.language, self.release, self.since]
        options.append(self.edition_variant)
        digest.update(json.dumps([__version__, settings, options], sort_keys=True).encode())
        package = Path(__file__).resolve().parent
        # the package's own code too, so a development change without a version bump still rebuilds
        digest.update(_folder_digest(package, (".py", ".po"), "package").encode())  # a translation too
        for folder in self.theme.folders:
            digest.update(_folder_digest(folder, THEME_SUFFIXES, "theme").encode())
        if self.theme.extra_css and self.theme.folder:
            digest.update(_referenced_digest(self.theme.folder, self.theme.extra_css).encode())
        return digest.hexdigest()


THEME_SUFFIXES = (".j2", ".css", ".docx")  # what in a theme folder shapes an output (besides url()s)
MAX_THEME_FILES = 2000  # a theme is a folder of templates, not a tree to walk (`templates = "/"`)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""")


def _folder_digest(folder: Path, suffixes: tuple[str, ...], what: str) -> str:
    """Hash the files with ``suffixes`` under ``folder`` (hidden ones and caches left out)."""
    digest = hashlib.sha256()
    seen = 0
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        seen += len(files) + len(dirs)
        if seen > MAX_THEME_FILES:
            raise BriefgenError.at(
                str(folder),
                f"more than {MAX_THEME_FILES} files in the {what} folder; give it a folder of its own",
            )
        for name in sorted(files):
            path = Path(top, name)
            if name.endswith(suffixes) and not name.startswith(".") and path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _referenced_digest(folder: Path, css: Path) -> str:
    """Hash the files extra.css names in url()s: they are embedded in every page."""
    digest = hashlib.sha256()
    for _, url in CSS_URL.findall(re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8"), flags=re.S)):
        path = folder / urllib.parse.unquote(url)  # as resources.Policy reads it
        with contextlib.suppress(OSError, ValueError):  # unreadable: refused when the page is made
            if path.is_file() and path.stat().st_size <= MAX_BYTES:
                digest.update(url.encode() + b"\0" + path.read_bytes() + b"\0")
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
    since: str | None = None,
    environ: Mapping[str, str] | None = None,
    edition_variant: str | None = None,
) -> Project:
    """Make the Project of a run from the nearest briefgen.toml (walking up from ``start``, default the working
    folder) and the options given; an option left as None takes its default here.

    With ``config``, that configuration is used as it is (``config_file`` saying where it came from).
    Raises BriefgenError for a broken briefgen.toml, ValueError for an unknown format or PDF variant.
    """
    if config is None:
        config_file = find_config(start or Path.cwd())
        config = load_config(config_file) if config_file else Config()
    theme = ThemeFolder.at(templates or config.templates)
    out = out_dir or config.output or DEFAULT_OUTPUT
    if theme.folder and out.resolve().is_relative_to(theme.folder.resolve()):
        raise BriefgenError.at(
            str(theme.folder), f"the theme folder holds the output folder {out}; give the theme a folder of its own"
        )
    if release is not None:
        if config.marking is None:
            raise BriefgenError.at("--release", "a release needs a marking scheme: add [marking] to briefgen.toml")
        try:
            wanted = config.marking.resolved().parse(release)
        except ValueError as exc:
            raise BriefgenError.at("--release", str(exc)) from None
        if wanted.controls:
            raise BriefgenError.at("--release", "a release is cut by level alone; give the level without controls")
    variant = pdf_variant or DEFAULT_VARIANT
    if variant not in VARIANTS:
        raise ValueError(f"expected one of {', '.join(VARIANTS)}; got {variant!r}")
    if (edition_variant or "full") not in EDITION_VARIANTS:
        raise ValueError(f"expected one of {', '.join(EDITION_VARIANTS)}; got {edition_variant!r}")
    return Project(
        config=config,
        config_file=config_file.resolve() if config_file else None,
        theme=theme,
        formats=_checked_formats(chosen(formats or config.formats)),
        pdf_variant=variant,
        allow_remote=allow_remote,
        out_dir=out,
        language=language or config.language or DEFAULT_LANGUAGE,
        release=release,
        since=since,
        source_date=_source_date(os.environ if environ is None else environ),
        edition_variant=edition_variant or "full",
    )


def _source_date(environ: Mapping[str, str]) -> dt.datetime | None:
    """The build time an output may show, only from SOURCE_DATE_EPOCH: without it, no clock time at all."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        if not re.fullmatch(r"[0-9]{1,12}", epoch):  # ASCII digits: "²".isdigit() is true
            raise ValueError(epoch)
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise BriefgenError.at(
            "SOURCE_DATE_EPOCH", f"expected the seconds since 1970-01-01 as digits; got {printable(repr(epoch))}"
        ) from None
