"""The build manifest: what each brief was built from and what it produced, by content hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from briefgen import __version__
from briefgen.formats import REGISTRY
from briefgen.model import CITATION_RE, Brief

MANIFEST = "manifest.json"
_SHARD_MANIFEST = re.compile(r"^manifest\.shard-(\d+)-of-(\d+)\.json$")


@dataclass
class Entry:
    """One brief in the manifest."""

    id: str
    source: str
    source_sha256: str
    inputs_sha256: str
    outputs: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    errors: list[str] = field(default_factory=list)
    stale: bool = False
    title: str = ""
    subtitle: str = ""
    date: str = ""
    updated: str = ""
    status: str = ""
    classification: str = ""
    tags: list[str] = field(default_factory=list)
    lead: str = ""  # the summary's first sentence, for the index page
    language: str = ""  # the brief's own `language` ("": the project's)
    translation_of: str = ""  # the id of the brief it translates
    digest: str = ""  # of all the fields above: an entry edited by hand is not trusted
    withheld: bool = False  # a shard's note that this brief is above its release: `index` drops it
    links: str = ""  # a hash of the languages its page links (translation.links_digest; "": none)
    # file name -> [size, mtime_ns, ctime_ns, inode] when it was written or last hashed: an output whose stat
    # is unchanged is not read again (a write, or a reset mtime, changes its ctime; the kernel sets that)
    stamps: dict[str, list[int]] = field(default_factory=dict)

    @property
    def translation(self) -> tuple[str, str]:
        """Its language and the id of the brief it translates (each "" when not said)."""
        return self.language, self.translation_of


@dataclass
class Manifest:
    """Every brief built into one output folder."""

    version: str = __version__
    entries: dict[str, Entry] = field(default_factory=dict)  # by source path
    index: dict[str, str] = field(default_factory=dict)  # the index page's "inputs_sha256" and "sha256"

    def to_json(self) -> str:
        briefs = [
            {**_said(self.entries[key]), "digest": entry_digest(self.entries[key])} for key in sorted(self.entries)
        ]
        said: dict[str, object] = {"briefgen": self.version, "briefs": briefs}
        if self.index:
            said["index"] = self.index
        return json.dumps(said, ensure_ascii=False, indent=2) + "\n"


def index_inputs(manifest: Manifest, *shaping: str) -> str:
    """A hash of what the index page is made from: every entry as it reads (its stamps and digest aside), and
    ``shaping`` (the project's digest, the build time it shows)."""
    said = [_said(manifest.entries[key]) for key in sorted(manifest.entries)]
    listed = [{k: v for k, v in entry.items() if k not in ("stamps", "digest")} for entry in said]
    return sha256(json.dumps([listed, shaping], sort_keys=True, ensure_ascii=False, default=str).encode())


class ManifestError(Exception):
    """The manifest is missing fields, mistyped or not JSON."""


_FIELDS = tuple(f.name for f in fields(Entry))


def _said(entry: Entry) -> dict[str, object]:
    """What an entry says (``withheld``, ``stamps``, ``language``, ``translation_of`` and ``links`` only where set, so
    other entries read as they always have, with their digests). Its lists and mappings are the entry's own, not
    copies: it is for JSON, not to be changed."""
    said = {name: getattr(entry, name) for name in _FIELDS}
    for key in ("withheld", "stamps", "language", "translation_of", "links"):
        if not said[key]:
            del said[key]
    return said


def entry_digest(entry: Entry) -> str:
    """A hash of everything an entry says, so a hand-edited one is rebuilt instead of published."""
    fields = {k: v for k, v in _said(entry).items() if k != "digest"}
    return sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stamp(path: Path) -> list[int]:
    """What the file system says of a file without reading it: size, mtime and ctime in ns, inode."""
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def parse_manifest(text: str) -> Manifest:
    """Read a manifest; raise ManifestError if it was damaged or edited into something else."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("briefs"), list):
            raise ManifestError("not a briefgen manifest")
        manifest = Manifest(version=str(data.get("briefgen", "")))
        index = data.get("index", {})
        if isinstance(index, dict) and all(isinstance(v, str) for v in index.values()):
            manifest.index = index  # else not trusted: the page is made again
        for item in data["briefs"]:
            entry = Entry(**item)
            _check_entry(entry)
            if entry.digest != entry_digest(entry):
                raise ManifestError(f"the entry of {entry.source!r} was edited")
            manifest.entries[entry.source] = entry
    except (ValueError, TypeError, KeyError) as exc:
        raise ManifestError(str(exc)) from None
    return manifest


def _check_entry(entry: Entry) -> None:
    texts = (entry.id, entry.source, entry.source_sha256, entry.inputs_sha256, entry.title, entry.subtitle)
    more = (entry.date, entry.updated, entry.status, entry.classification, entry.lead, *entry.translation, entry.links)
    if not all(isinstance(value, str) for value in (*texts, *more)) or not isinstance(entry.stale, bool):
        raise ManifestError(f"bad entry for {entry.source!r}")
    for value in (entry.date, entry.updated):
        if value:
            dt.date.fromisoformat(value)  # ValueError: reported as a bad manifest
    if not isinstance(entry.outputs, dict) or not all(
        isinstance(k, str) and is_output_name(k) and isinstance(v, str) for k, v in entry.outputs.items()
    ):
        raise ManifestError(f"bad outputs for {entry.source!r}")
    stamps = entry.stamps
    if not isinstance(stamps, dict) or not all(
        k in entry.outputs and isinstance(v, list) and len(v) == 4 and all(type(n) is int for n in v)
        for k, v in stamps.items()
    ):
        raise ManifestError(f"bad stamps for {entry.source!r}")
    if not isinstance(entry.errors, list) or not isinstance(entry.tags, list):
        raise ManifestError(f"bad entry for {entry.source!r}")
    if not all(isinstance(t, str) for t in [*entry.errors, *entry.tags]):
        raise ManifestError(f"bad entry for {entry.source!r}")
    if entry.id and not all(name.rsplit(".", 1)[0] == entry.id for name in entry.outputs):
        raise ManifestError(f"outputs of {entry.source!r} are not named after its id")
    if entry.outputs and not entry.id:
        raise ManifestError(f"outputs of {entry.source!r} without an id")


def entry_for(brief: Brief, key: str, source_sha256: str, inputs_sha256: str, outputs: dict[str, str]) -> Entry:
    """The manifest entry of a brief just built (``outputs``: file name -> sha256)."""
    return Entry(
        id=brief.id or "",
        source=key,
        source_sha256=source_sha256,
        inputs_sha256=inputs_sha256,
        outputs=outputs,
        title=brief.title,
        subtitle=brief.subtitle or "",
        date=brief.date.isoformat(),
        updated=brief.updated.isoformat() if brief.updated else "",
        status=brief.status,
        classification=brief.classification or "",
        tags=list(brief.tags),
        lead=first_sentence(brief.summary),
        language=brief.language or "",
        translation_of=brief.translation_of or "",
    )


def first_sentence(markdown_text: str) -> str:
    """The first sentence of a Markdown summary, as plain text without citations (the index page's lead)."""
    text = " ".join(CITATION_RE.sub("", markdown_text).split())
    text = re.sub(r"[*_`]", "", text)
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).replace(" .", ".")


_SUFFIXES = "|".join(re.escape(f.suffix[1:]) for f in REGISTRY)
# <id>.<suffix>, where an id may carry a language (china-2025-11.fr.html, a translation's)
_OUTPUT_NAME = re.compile(rf"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z]{{2,3}}(?:-[a-z0-9]{{2,8}})*)?\.(?:{_SUFFIXES})$")


def is_output_name(name: str) -> bool:
    """Only files briefgen writes for a brief (<id>.md/.html/.pdf) may be listed, reused or deleted."""
    return bool(_OUTPUT_NAME.match(name))


def read_manifest(out_dir: Path) -> tuple[Manifest, str | None]:
    """Load the manifest of ``out_dir``; return an empty one and the reason when it is unusable."""
    path = out_dir / MANIFEST
    if not path.exists():
        return Manifest(), None
    try:
        manifest = parse_manifest(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ManifestError) as exc:
        return Manifest(), f"unreadable manifest ({exc}); rebuilding everything"
    # a manifest of another briefgen version is still read: its input hashes include the version, so
    # every brief rebuilds, and the outputs of briefs deleted meanwhile are still cleaned up
    return manifest, None


def shard_manifests(out_dir: Path) -> list[Path]:
    """The manifests written by `build --shard K/N` into ``out_dir``."""
    return sorted(p for p in out_dir.glob("manifest.shard-*.json") if _SHARD_MANIFEST.match(p.name))


def shard_manifest_name(shard: tuple[int, int]) -> str:
    return f"manifest.shard-{shard[0]}-of-{shard[1]}.json"
