"""The site-level outputs: the index page (the front page listing every brief) and merging the shards'
manifests into one (``briefgen index``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from briefgen.errors import BriefgenError, Problem
from briefgen.formats import index_links
from briefgen.manifest import MANIFEST, Entry, Manifest, ManifestError, parse_manifest, read_manifest, shard_manifests
from briefgen.outputs import write_atomic
from briefgen.project import Project
from briefgen.render import render_index


def write_index(manifest: Manifest, project: Project) -> Path:
    """Write the site's front page listing every brief that has outputs, newest first."""
    entries = [e for e in manifest.entries.values() if e.id and e.outputs]
    entries.sort(key=lambda e: (e.updated or e.date, e.date, e.title), reverse=True)
    shown, languages = with_translations(entries, project)
    target = project.out_dir / "index.html"
    write_atomic(target, render_index(shown, project, languages).encode())
    return target


@dataclass(frozen=True)
class LanguageLink:
    """One language a brief can be read in, on its card of the index page."""

    lang: str  # BCP 47, for the link's lang and hreflang
    name: str  # the language's name in that language: Français
    href: str  # its main output


def with_translations(entries: list[Entry], project: Project) -> tuple[list[Entry], dict[str, list[LanguageLink]]]:
    """The briefs the index lists, each translation under its original (a translation whose original is not
    listed keeps a card of its own), and the languages of each original that has translations, its own first."""
    ids = {e.id for e in entries}
    translations: dict[str, list[Entry]] = {}
    shown: list[Entry] = []
    for entry in entries:
        if entry.translation_of and entry.translation_of in ids and entry.translation_of != entry.id:
            translations.setdefault(entry.translation_of, []).append(entry)
        else:
            shown.append(entry)
    languages: dict[str, list[LanguageLink]] = {}
    for entry in shown:
        group = sorted(translations.get(entry.id, []), key=lambda e: (e.language or project.language).lower())
        if group:
            tags = [e.language or project.language for e in [entry, *group]]
            languages[entry.id] = [_link(e, tag, tags) for e, tag in zip([entry, *group], tags, strict=True)]
    return shown, languages


def _link(entry: Entry, tag: str, tags: list[str]) -> LanguageLink:
    main = next((f"{entry.id}.{fmt}" for fmt, _ in index_links() if f"{entry.id}.{fmt}" in entry.outputs), "")
    return LanguageLink(tag, language_name(tag, tags), main)


def language_name(tag: str, tags: list[str] | None = None) -> str:
    """A language's name in that language, capitalised as a link starts (Français, 日本語); with its script or
    region too when another of ``tags`` shares its language (中文 (简体) beside 中文 (繁體)); else the tag."""
    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return tag
    primary = tag.split("-")[0].lower()
    shared = sum(1 for other in tags or [] if other.split("-")[0].lower() == primary) > 1
    name = (locale.display_name if shared else locale.get_language_name()) or tag
    return name[:1].upper() + name[1:]


def merge_shards(project: Project) -> Manifest:
    """Combine the shard manifests in ``out_dir`` into manifest.json and write the index page.

    Refuses shards of different splits and briefs of different shards that share an id.
    """
    out_dir = project.out_dir
    if not out_dir.is_dir():
        raise BriefgenError.at(str(out_dir), "no such folder; build the shards into it first")
    parts = shard_manifests(out_dir)
    splits = {re.sub(r"manifest\.shard-\d+-of-", "", p.name) for p in parts}
    if len(splits) > 1:
        raise BriefgenError.at(str(out_dir), f"shard manifests of different splits: {', '.join(p.name for p in parts)}")
    manifest, _ = read_manifest(out_dir)
    owners: dict[str, str] = {e.id: key for key, e in manifest.entries.items() if e.id}
    problems: list[Problem] = []
    for path in parts:
        try:
            part = parse_manifest(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ManifestError) as exc:
            raise BriefgenError.at(str(path), f"unreadable shard manifest: {exc}") from None
        for key, entry in part.entries.items():
            if entry.id and owners.get(entry.id, key) != key:
                problems.append(Problem(key, 0, 0, "id", f"id '{entry.id}' is already used by {owners[entry.id]}"))
                continue
            if entry.id:
                owners[entry.id] = key
            manifest.entries[key] = entry
    if problems:
        raise BriefgenError(problems)
    for key in [k for k, e in manifest.entries.items() if e.withheld or not (out_dir.parent / k).exists()]:
        del manifest.entries[key]  # its brief was deleted, or is above this release
    write_atomic(out_dir / MANIFEST, manifest.to_json().encode())
    for path in parts:
        path.unlink()
    write_index(manifest, project)
    return manifest
