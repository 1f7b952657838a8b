"""The site-level outputs: the index page (the front page listing every brief) and merging the shards'
manifests into one (``briefgen index``)."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.errors import BriefgenError, Problem
from briefgen.manifest import MANIFEST, Manifest, ManifestError, parse_manifest, read_manifest, shard_manifests
from briefgen.outputs import write_atomic
from briefgen.project import Project
from briefgen.render import render_index


def write_index(manifest: Manifest, project: Project) -> Path:
    """Write the site's front page listing every brief that has outputs, newest first."""
    entries = [e for e in manifest.entries.values() if e.id and e.outputs]
    entries.sort(key=lambda e: (e.updated or e.date, e.date, e.title), reverse=True)
    target = project.out_dir / "index.html"
    write_atomic(target, render_index(entries, project).encode())
    return target


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
