"""Translations that know when they fall behind their original.

A translation says ``translation_of: <the original's id>`` and ``translated_from: <stamp>``, the value
``briefgen translation-stamp ORIGINAL`` printed when it was translated. A stamp is either

- ``v1:<whole>.<sections>``: a hash of the original's translatable content (the validated brief, so comments,
  quoting and key order do not count), then a short hash of each section in the fixed order of ``SECTIONS``.
  It needs no history: the sections whose hashes differ are the ones that changed (a 12-bit section hash misses
  one change in 4,096; the whole hash still sees it, and the warning then says it cannot tell where); or
- ``git:<revision>``: the original as committed there, read back with git and compared section by section,
  the changes counted by the semantic diff (``briefgen diff``).
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.diff import diff_briefs
from briefgen.editions import EditionRef, _git, load_edition
from briefgen.errors import BriefgenError, Problem
from briefgen.load import Source, display_path, parse_source, read_brief
from briefgen.model import Brief, shorten
from briefgen.project import Project
from briefgen.validate import validate

# fields a translation has of its own: they are not in its original's stamp
NOT_TRANSLATED = frozenset({"id", "language", "translation_of", "translated_from", "edition", "previous", "max_pages"})
# the sections of a v1 stamp, in its order (diff.py's section names); never reordered: a new field gets a v2
SECTIONS = (
    "title",
    "subtitle",
    "date",
    "updated",
    "status",
    "classification",
    "marking",
    "authors",
    "tags",
    "reference",
    "key_question",
    "scope",
    "cutoff",
    "prepared_by",
    "cleared_by",
    "coordinated_with",
    "distribution",
    "summary",
    "key_points",
    "actors",
    "trigger",
    "motivations",
    "implications",
    "options",
    "asks",
    "risks",
    "watch_list",
    "historical_context",
    "historical_context.events",
    "historical_context.themes",
    "sections",
    "sources",
)
_CONTENT = re.compile(rf"v1:([A-Za-z0-9_-]{{12}})\.([A-Za-z0-9_-]{{{2 * len(SECTIONS)}}})")
_GIT = re.compile(r"git:([0-9A-Za-z][0-9A-Za-z._/~^@{}-]*)")
EXPECTED = "expected the value `briefgen translation-stamp ORIGINAL` prints (v1:... or git:REVISION)"


def sections_of(source: Source, brief: Brief) -> dict[str, Any]:
    """What a translation must carry over of a brief, by section, as JSON values."""
    data = brief.model_dump(mode="json", exclude=set(NOT_TRANSLATED))
    written = source.data.get("classification")  # as written: a default of briefgen.toml is not the brief's
    data["classification"] = written if isinstance(written, str) else None
    context = data.pop("historical_context") or {}
    data["historical_context"] = {k: context.get(k) for k in ("summary", "marking")} if context else None
    data["historical_context.events"] = context.get("events", [])
    data["historical_context.themes"] = context.get("themes", [])
    return data


def _digest(value: Any, chars: int) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).decode()[:chars]


def content_stamp(source: Source, brief: Brief) -> str:
    """The v1 stamp of a brief's translatable content."""
    sections = sections_of(source, brief)
    return f"v1:{_digest(sections, 12)}.{''.join(_digest(sections.get(name), 2) for name in SECTIONS)}"


@dataclass(frozen=True)
class Original:
    """A brief that may be translated: its file, what was loaded from it, its model."""

    path: Path
    source: Source
    brief: Brief


_FAILED = Original(Path(), Source("", {}), Brief.model_construct())  # an original that does not validate itself


@dataclass
class Originals:
    """Finds a translation's original by id: among the briefs checked already, else among the files of the run
    and the translation's own folder (its stem, or an `id:` that names it)."""

    project: Project
    files: Iterable[Path] = ()
    known: dict[str, Original] = field(default_factory=dict)
    ids: Iterable[str] = ()  # the ids of every brief checked, kept or not: for "did you mean"

    def add(self, original: Original) -> None:
        if original.brief.id:
            self.known[original.brief.id] = original

    def candidates(self, ident: str, near: Path) -> list[Path]:
        """Files that may be the brief with id ``ident``: those named after it first."""
        seen = {near.resolve()}
        found: list[Path] = []
        siblings = sorted(p for p in near.parent.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
        for path in [*self.files, *siblings]:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(path)
        return sorted(found, key=lambda p: p.stem != ident)

    def find(self, ident: str, near: Path) -> Original | None:
        """The original with id ``ident`` (``_FAILED`` when its file has errors of its own), or None."""
        if ident in self.known:
            return self.known[ident]
        for path in self.candidates(ident, near):
            try:
                raw = read_brief(path, display_path(path))
                if path.stem != ident and ident.encode() not in raw:
                    continue
                source = parse_source(raw, display_path(path))
                brief, _ = validate(source, classification=self.project.config.classification)
            except BriefgenError:
                if path.stem == ident:
                    return _FAILED  # its own errors are reported where it is checked
                continue
            self.add(Original(path, source, brief))
            if brief.id == ident:
                return self.known[ident]
        return None

    def file_of(self, ident: str, near: Path) -> Path | None:
        """The file of the original with id ``ident``, without validating it (for the build's input hash)."""
        if ident in self.known:
            return self.known[ident].path
        for path in self.candidates(ident, near):
            if path.stem == ident:
                return path
            try:
                if ident.encode() in read_brief(path, display_path(path)):
                    return path
            except BriefgenError:
                continue
        return None


def check_translation(translation: Original, originals: Originals) -> list[Problem]:
    """The problems of a brief that says it is a translation: errors (no such original, a translation of a
    translation, the same language, a stamp that cannot be read) and the warning that its original has
    changed since it was stamped."""
    source, brief, project = translation.source, translation.brief, originals.project
    if project.release is not None:  # the full edition is checked; a release says nothing of what it may cut
        return []
    ident = brief.translation_of
    if ident is None:
        message = "translated_from needs translation_of: the id of the brief this one translates"
        return [source.problem(("translated_from",), message, key=True)]
    original = originals.find(ident, translation.path)
    if original is _FAILED:
        return []
    if original is not None and original.path.resolve() == translation.path.resolve():
        return [source.problem(("translation_of",), f"'{ident}' is this brief's own id: name the brief it translates")]
    if original is None:
        known = list(dict.fromkeys([*originals.known, *originals.ids]))
        close = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"no brief has the id '{shorten(ident)}' among the briefs checked or beside this one{hint}"
        return [source.problem(("translation_of",), message)]
    if original.brief.translation_of:
        message = (
            f"'{ident}' is itself a translation (of '{original.brief.translation_of}'): translate the original,"
            f" translation_of: {original.brief.translation_of}"
        )
        return [source.problem(("translation_of",), message)]
    mine, theirs = project.language_of(brief), project.language_of(original.brief)
    if mine.lower() == theirs.lower():
        where = ("language",) if "language" in source.data else ("translation_of",)
        message = f"the translation is in {mine}, as its original '{ident}' is: set language to the translation's"
        return [source.problem(where, message)]
    if brief.translated_from is None:
        message = (
            f"a translation without a stamp cannot tell when '{ident}' changes: add translated_from: with the value"
            f" `briefgen translation-stamp {display_path(original.path)}` prints"
        )
        return [source.problem(("translation_of",), message, key=True, severity="warning")]
    return _stale(translation, original, brief.translated_from, project)


def _stale(translation: Original, original: Original, stamp: str, project: Project) -> list[Problem]:
    """The warning that ``original`` changed since ``stamp``, naming the sections that did."""
    source, shown = translation.source, display_path(original.path)
    content, git = _CONTENT.fullmatch(stamp), _GIT.fullmatch(stamp)
    if content is None and git is None:
        return [source.problem(("translated_from",), f"{EXPECTED}; got '{shorten(stamp)}'")]
    now = sections_of(original.source, original.brief)
    counted = ""
    if content is not None:
        if _digest(now, 12) == content[1]:
            return []
        hashes = [content[2][i : i + 2] for i in range(0, len(content[2]), 2)]
        changed = [name for name, old in zip(SECTIONS, hashes, strict=True) if _digest(now.get(name), 2) != old]
    else:
        assert git is not None
        try:
            old_source, old_brief = load_edition(
                EditionRef(f"./{original.path.name}", git[1], original.path.parent), project
            )
        except BriefgenError as exc:
            reason = exc.problems[0].message if exc.problems else "it cannot be read"
            message = f"cannot tell whether '{original.brief.id}' changed since {stamp}: {reason}"
            return [source.problem(("translated_from",), message, severity="warning")]
        before = sections_of(old_source, old_brief)
        if before == now:
            return []
        changed = [name for name in SECTIONS if before.get(name) != now.get(name)]
        changes = diff_briefs(old_brief, original.brief)
        if changes:
            many = "s" if len(changes) != 1 else ""
            at = shown if Path(shown).is_absolute() else f"./{shown}"  # git reads ./PATH from the working folder
            counted = f" ({len(changes)} change{many}: `briefgen diff {git[1]}:{at} {shown}`)"
    said = ", ".join(changed) if changed else "which section, the stamp cannot tell"
    message = (
        f"the original '{original.brief.id}' has changed since it was translated: {said}{counted}; bring the"
        f" translation up to date, then stamp it again with `briefgen translation-stamp {shown}`"
    )
    return [source.problem(("translated_from",), message, severity="warning")]


def _at_revision(original: Original, rev: str, project: Project) -> tuple[Source, Brief]:
    """The original as committed at ``rev`` (read with git beside its file), validated."""
    return load_edition(EditionRef(f"./{original.path.name}", rev, original.path.parent), project)


def git_stamp(original: Original, project: Project) -> str:
    """``git:<commit>`` of the original's last commit; refused when the file differs from it (uncommitted)."""
    name = display_path(original.path)
    rev = _git(original.path.parent, "rev-parse", "HEAD", what=name).decode().strip()
    try:
        old_source, old_brief = load_edition(EditionRef(f"./{original.path.name}", rev, original.path.parent), project)
    except BriefgenError:
        raise BriefgenError.at(
            name, "it is not committed yet: commit it, or use the content stamp (no --git)"
        ) from None
    if sections_of(old_source, old_brief) != sections_of(original.source, original.brief):
        message = "it has changes not committed yet: commit them, or use the content stamp (no --git)"
        raise BriefgenError.at(name, message)
    return f"git:{rev}"


def stamp(original: Original, project: Project, *, git: bool = False) -> str:
    """The value of ``translated_from:`` for a translation of ``original`` made now."""
    if original.brief.translation_of:
        name = display_path(original.path)
        message = f"it is a translation of '{original.brief.translation_of}': stamp the original, which it translates"
        raise BriefgenError.at(name, message, *original.source.locate(("translation_of",)), "translation_of")
    return git_stamp(original, project) if git else content_stamp(original.source, original.brief)


def original_digest(data: dict[str, Any], path: Path, originals: Originals) -> str:
    """A hash of the file of a translation's original, so that the build checks the translation again when
    its original changes ("" for a brief that translates none)."""
    ident = data.get("translation_of")
    if not isinstance(ident, str):
        return ""
    found = originals.file_of(ident, path)
    try:
        raw = read_brief(found, display_path(found)) if found else b""
    except BriefgenError:
        raw = b"unreadable"
    return hashlib.sha256(ident.encode() + b"\0" + raw).hexdigest()


# --- the languages a brief's page links: <link rel="alternate" hreflang> to its original and translations


@dataclass(frozen=True)
class Member:
    """A brief built with others, as its page's links need it: its id, its language (BCP 47, the project's
    when it names none), the id of the brief it translates ("" for none) and its page ("" for none)."""

    id: str
    language: str
    translation_of: str
    page: str


@dataclass(frozen=True)
class Alternate:
    """One language a brief's page can be read in: its tag (for hreflang) and its page (for href)."""

    lang: str
    href: str


def links_digest(links: Iterable[Alternate]) -> str:
    """What a manifest records of the languages a page links, to know when it must be made again ("": none)."""
    listed = [[link.lang, link.href] for link in links]
    return hashlib.sha256(json.dumps(listed).encode()).hexdigest()[:16] if listed else ""


def alternates(members: Iterable[Member]) -> dict[str, tuple[Alternate, ...]]:
    """Each brief's page's languages, by id: its original first, then the translations by language, the page
    itself among them (search engines expect the self link). A brief only where its original has a page and
    a translation too; a language once (the first page of it); a translation whose original has no page
    (withheld from a release, or not built) links none, as it keeps a card of its own on the index page."""
    pages = [m for m in members if m.id and m.page]
    originals = {m.id: m for m in pages if not m.translation_of or m.translation_of == m.id}
    groups: dict[str, list[Member]] = {}
    for m in pages:
        if m.translation_of in originals and m.translation_of != m.id:
            groups.setdefault(m.translation_of, []).append(m)
    found: dict[str, tuple[Alternate, ...]] = {}
    for ident, translations in groups.items():
        group = [originals[ident], *sorted(translations, key=lambda m: (m.language.lower(), m.id))]
        links: dict[str, Alternate] = {}
        for m in group:
            links.setdefault(m.language.lower(), Alternate(m.language, m.page))
        for m in group:
            found[m.id] = tuple(links.values())
    return found
