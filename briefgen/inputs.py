"""What a brief's outputs are made from, hashed, and whether they are up to date: the build's no-op path.

A brief is read and hashed with the project's digest, the local images it uses and the earlier editions it
shows; it is parsed only when it may use images or earlier editions, and validated not at all. Its outputs
are checked by their stamps (size, times, inode), and read and hashed only when a stamp differs.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import fields, replace
from pathlib import Path

from briefgen.editions import chain_digest, whats_changed
from briefgen.errors import BriefgenError
from briefgen.load import Source, display_path, parse_source, walk_strings
from briefgen.manifest import Entry, sha256, stamp
from briefgen.markdown import image_sources
from briefgen.project import Project
from briefgen.release import Withheld, release_of
from briefgen.resources import Refused
from briefgen.validate import validate


def parse_for_images(raw: bytes, name: str) -> Source | None:
    """Parse a brief that may use images (their bytes are inputs too); None when it has none or cannot parse."""
    if b"![" not in raw:
        return None
    try:
        return parse_source(raw, name)
    except BriefgenError:  # reported when it is validated
        return None


def edition_digest(raw: bytes, source: Source | None, path: Path, project: Project) -> str:
    """Hash the earlier editions a brief's outputs show (its changes, its number), so a changed one rebuilds it."""
    if b"previous:" not in raw and not project.since:
        return ""
    try:
        source = source or parse_source(raw, display_path(path))
    except BriefgenError:  # reported when it is validated
        return ""
    if project.release is not None:
        return _shown_editions(source, path, project)
    return chain_digest(source.data, path, project)


def _shown_editions(source: Source, path: Path, project: Project) -> str:
    """A release hashes what it shows of the brief's editions (its number, the previous edition's date and the
    changes told), not the earlier editions' files: they hold what the release withholds, and their hash in its
    manifest would let a reader confirm a guess at them. This validates the brief and its previous edition."""
    released = _released(source, project)
    if released is None:
        return ""
    try:
        edition = whats_changed(validate(released, classification=project.config.classification)[0], path, project)
    except BriefgenError:  # reported when it is built
        return "error"
    changes = [{f.name: getattr(c, f.name) for f in fields(c) if f.name != "parts"} for c in edition.changes]
    shown = [edition.number, str(edition.previous_date), edition.previous_name, changes]
    return sha256(json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str).encode())


def image_digest(source: Source | None, path: Path, project: Project) -> str:
    """Hash the local images a brief uses, so that editing an image rebuilds the brief. A release hashes only
    the images of what it releases: a withheld image changes nothing in it, and its hash in the manifest would
    let a reader confirm a guess at the image."""
    if source is not None and project.release is not None:
        source = _released(source, project)
    if source is None:
        return ""
    policy = project.policy(path)
    digest = ""
    for _, text in walk_strings(source.data):
        for src in image_sources(text):
            if "://" in src or src.startswith("data:"):
                continue
            try:
                digest = sha256(f"{digest}{src}{sha256(policy.read(src, path.parent))}".encode())
            except Refused:
                digest = sha256(f"{digest}{src}refused".encode())
    return digest


def source_digest(raw: bytes, name: str, project: Project, source: Source | None = None) -> str:
    """The hash a manifest records of a brief's source. A release records the hash of what it released, not
    of the whole file: with the file's hash, a reader of the release could confirm a guess at what was cut."""
    if project.release is None:
        return sha256(raw)
    try:
        released = _released(source or parse_source(raw, name), project)  # ``source``: raw parsed already
    except BriefgenError:
        return ""
    if released is None:
        return ""
    return sha256(json.dumps(released.data, sort_keys=True, ensure_ascii=False, default=str).encode())


def _released(source: Source, project: Project) -> Source | None:
    """What a release keeps of a brief (None: nothing, or the cut cannot be made; reported when validated)."""
    scheme = project.scheme
    assert scheme is not None  # resolve_project refuses a release without one
    try:
        return release_of(source, scheme, project.release_marking, project.default_marking)[0]
    except (BriefgenError, Withheld):
        return None


class Names:
    """A brief's path resolved, its name as the writer sees it and its manifest key, as display_path and
    manifest_key give them, with the folders they are relative to resolved once per build."""

    def __init__(self, out_dir: Path) -> None:
        self.cwd, self.base = Path.cwd().resolve(), out_dir.resolve().parent

    def of(self, path: Path) -> tuple[Path, str, str]:
        real = path.resolve()
        shown = str(real.relative_to(self.cwd)) if real.is_relative_to(self.cwd) else str(path)
        return real, shown, os.path.relpath(real, self.base)


# An output stamped less than this long ago is hashed again next time: a change within the file system's
# timestamp granularity of the stamp (a few milliseconds) could leave size, mtime and ctime as they were.
_SETTLED_NS = 2_000_000_000


def up_to_date(entry: Entry, inputs_sha256: str, out_dir: Path) -> Entry | None:
    """The entry (with its outputs' stamps) if its inputs are the same and every output is as it recorded:
    by its stamp, else by its hash; None if it must be built."""
    if entry.inputs_sha256 != inputs_sha256 or entry.errors or not entry.outputs:
        return None
    stamps: dict[str, list[int]] = {}
    settled = time.time_ns() - _SETTLED_NS
    for name, digest in entry.outputs.items():
        try:
            now = stamp(out_dir / name)
            if entry.stamps.get(name) != now:
                if sha256((out_dir / name).read_bytes()) != digest or stamp(out_dir / name) != now:
                    return None  # changed, or changing as it was read
            if now[2] < settled:  # ctime
                stamps[name] = now
        except OSError:
            return None
    return entry if stamps == entry.stamps else replace(entry, stamps=stamps)
